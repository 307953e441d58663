type PanelModule = typeof import('../panels/train/trainPanel');
let loaded: PanelModule | undefined;

/** The training panel's module, loaded on first use: nothing of it runs at activation. */
export async function trainPanelModule(): Promise<PanelModule> {
  return (loaded ??= await import('../panels/train/trainPanel'));
}

/** The module if something already loaded it (for deactivation, which must not load it). */
export function loadedTrainPanelModule(): PanelModule | undefined {
  return loaded;
}
