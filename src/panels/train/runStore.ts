/**
 * The runs a panel keeps, on disk so they come back after a window reload: index.json lists them
 * (RunView), <id>.loss holds the mini-batch losses (float64, little-endian) and <id>.npz the trained
 * parameters. Lives in the extension's storage folder; no vscode import.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { downsampleMean } from '../../core/runHistory';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import type { LossHistory, RunView } from '../../protocol/train';
import { paramsFromNpz, paramsToNpz } from './modelFile';
import { errorMessage } from '../../util/text';

/** Points a stored run's loss curve is drawn with (enough for a chart, small enough to post). */
export const HISTORY_POINTS = 5000;

export class RunStore {
  private runs: RunView[] | undefined;
  /** Each run's drawn curve, read once: a page rebuilt after hiding asks for every run again. */
  private readonly histories = new Map<string, LossHistory>();

  constructor(readonly dir: string, private readonly log: (message: string) => void = () => undefined) {}

  list(): RunView[] {
    if (!this.runs) this.runs = this.readIndex();
    return this.runs;
  }

  get(id: string): RunView | undefined {
    return this.list().find((r) => r.id === id);
  }

  add(view: RunView, losses: ArrayLike<number>, params?: TwoLayerParams): void {
    mkdirSync(this.dir, { recursive: true });
    const l = Float64Array.from(losses);
    writeAtomic(join(this.dir, `${view.id}.loss`), new Uint8Array(l.buffer));
    if (params) writeAtomic(join(this.dir, `${view.id}.npz`), paramsToNpz(params));
    this.list().push({ ...view, hasModel: !!params });
    this.writeIndex();
  }

  update(id: string, patch: Partial<Pick<RunView, 'name' | 'hidden'>>): RunView | undefined {
    const run = this.get(id);
    if (!run) return undefined;
    Object.assign(run, patch);
    this.writeIndex();
    return run;
  }

  delete(id: string): boolean {
    const runs = this.list();
    const i = runs.findIndex((r) => r.id === id);
    if (i < 0) return false;
    runs.splice(i, 1);
    this.histories.delete(id);
    this.writeIndex();
    for (const ext of ['loss', 'npz']) rmSync(join(this.dir, `${id}.${ext}`), { force: true });
    return true;
  }

  losses(id: string): Float64Array {
    const file = join(this.dir, `${id}.loss`);
    if (!existsSync(file)) return new Float64Array(0);
    const bytes = readFileSync(file);
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 8)));
  }

  history(id: string, maxPoints = HISTORY_POINTS): LossHistory {
    if (maxPoints !== HISTORY_POINTS) return { id, ...downsampleMean(this.losses(id), maxPoints) };
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = { id, ...downsampleMean(this.losses(id), HISTORY_POINTS) }));
    return h;
  }

  params(id: string): TwoLayerParams | undefined {
    const file = join(this.dir, `${id}.npz`);
    return existsSync(file) ? paramsFromNpz(readFileSync(file), file) : undefined;
  }

  private readIndex(): RunView[] {
    const file = join(this.dir, 'index.json');
    if (!existsSync(file)) return [];
    try {
      const o = JSON.parse(readFileSync(file, 'utf8'));
      return Array.isArray(o.runs) ? o.runs : [];
    } catch (e) {
      // A damaged index loses the list, not the panel: start afresh and say why in the log.
      this.log(`Gradient Lab: could not read the saved runs in ${file} (${errorMessage(e)}); starting with an empty list.`);
      return [];
    }
  }

  private writeIndex(): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomic(join(this.dir, 'index.json'), new TextEncoder().encode(JSON.stringify({ version: 1, runs: this.list() })));
  }
}

/** Write then rename, so a crash mid-write never leaves half a file. */
function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
