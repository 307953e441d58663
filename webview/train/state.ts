/** The page's picture of the runs: what the extension sent, kept for drawing and redrawing. */
import type { LossHistory, RunView } from '../../src/protocol/train';

export interface RunEntry {
  view: RunView;
  /** Loss point k covers iterations k·stride+1 … (k+1)·stride (stride 1 for a live run). */
  stride: number;
  loss: number[];
  /** Position in the palette, fixed when the run first appears so its colour never changes. */
  colorIndex: number;
}

export class Runs {
  private readonly entries = new Map<string, RunEntry>();
  private nextColor = 0;
  liveId: string | undefined;
  liveState: 'running' | 'paused' | undefined;

  all(): RunEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): RunEntry | undefined {
    return this.entries.get(id);
  }

  upsert(view: RunView, history?: LossHistory): RunEntry {
    let e = this.entries.get(view.id);
    if (!e) {
      e = { view, stride: 1, loss: [], colorIndex: this.nextColor++ };
      this.entries.set(view.id, e);
    }
    // A rename of the live run carries no history; keep the epochs that progress brought so far.
    e.view =
      !history && e.view.epochs.length > view.epochs.length
        ? { ...view, epochs: e.view.epochs, iterations: e.view.iterations }
        : view;
    if (history) {
      e.stride = history.stride;
      // JSON carries a diverged run's NaN as null.
      e.loss = history.loss.map((l) => (l as number | null) ?? NaN);
    }
    return e;
  }

  delete(id: string): void {
    this.entries.delete(id);
    if (this.liveId === id) {
      this.liveId = undefined;
      this.liveState = undefined;
    }
  }

  get live(): RunEntry | undefined {
    return this.liveId ? this.entries.get(this.liveId) : undefined;
  }

  /** The run the epoch table and the advice talk about: the live one, else the newest. */
  get focus(): RunEntry | undefined {
    return (
      this.live ??
      this.all()
        .filter((e) => e.view.status !== 'loaded')
        .pop()
    );
  }
}
