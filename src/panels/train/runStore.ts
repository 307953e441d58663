/**
 * The runs a panel keeps, on disk so they come back after a window reload: index.json lists them
 * (RunView), <id>.run.json holds each run's own RunView (so the list can be rebuilt from the run
 * files), <id>.loss the mini-batch losses (float64, little-endian) and <id>.npz the trained
 * parameters. Lives in the extension's storage folder; no vscode import.
 *
 * What it promises (issue 12): every write is write-temp-then-rename; an unreadable index is kept
 * aside (index.json.unreadable-<time>) and the list rebuilt from the run files; an entry that does
 * not read as a run is skipped with a notice naming it and written back untouched; ids are checked
 * as the store's own before any path is made from them; a folder that cannot be written is a
 * RunStoreError naming it, before a run starts; nothing is deleted because something failed to read.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { downsampleMean } from '../../protocol/runHistory';
import { readRegularFile } from '../../node/files';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import { learningRateChangesProblem } from '../../protocol/trainWatch';
import { DEFAULT_RUN_CONFIG, checkRunConfig, type LossHistory, type RunView } from '../../protocol/train';
import { paramsFromNpz, paramsToNpz } from './modelFile';
import { errorMessage } from '../../util/text';

/** Points a stored run's loss curve is drawn with (enough for a chart, small enough to post). */
export const HISTORY_POINTS = 5000;
/** A run file larger than this is not read (10 million iterations of losses are 80 MB). */
export const RUN_FILE_MAX_BYTES = 256 * 1024 * 1024;

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATUSES = new Set(['running', 'paused', 'finished', 'stopped', 'diverged', 'loaded']);

export class RunStoreError extends Error {}

export function isRunId(id: unknown): id is string {
  return typeof id === 'string' && RUN_ID.test(id);
}

/** Why `v` is not a stored run, or undefined when it is one. */
export function runViewProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `it is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}, not a run`;
  const o = v as Record<string, unknown>;
  if (!isRunId(o.id)) return 'its id is not one of the store’s ids';
  if (typeof o.name !== 'string') return 'it has no name';
  if (typeof o.config !== 'object' || o.config === null) return 'it has no hyperparameters';
  const { errors } = checkRunConfig(o.config as Record<string, unknown>);
  if (errors.length) return `its hyperparameters are invalid (${errors.map((e) => e.field).join(', ')})`;
  if (typeof o.status !== 'string' || !STATUSES.has(o.status)) return 'its status is unknown';
  for (const k of ['createdAt', 'iterations', 'wallSeconds'] as const)
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) return `its ${k} is not a number`;
  if (
    !Array.isArray(o.epochs) ||
    o.epochs.some(
      (e) => typeof e !== 'object' || e === null || typeof (e as Record<string, unknown>).testAccuracy !== 'number',
    )
  )
    return 'its epochs are unreadable';
  for (const k of ['finalLoss', 'trainAccuracy', 'testAccuracy'] as const)
    if (o[k] !== null && typeof o[k] !== 'number') return `its ${k} is not a number`;
  if (typeof o.hidden !== 'boolean' || typeof o.hasModel !== 'boolean') return 'its flags are unreadable';
  return learningRateChangesProblem(o.learningRateChanges);
}

export class RunStore {
  private runs: RunView[] | undefined;
  /** Index entries that do not read as runs: kept as they are and written back, never dropped. */
  private unreadable: unknown[] = [];
  /** What went wrong while reading, for the learner (each names the file or entry). */
  readonly notices: string[] = [];
  /** Each run's drawn curve, read once: a page rebuilt after hiding asks for every run again. */
  private readonly histories = new Map<string, LossHistory>();

  constructor(
    readonly dir: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  private notice(text: string): void {
    this.notices.push(text);
    this.log(`Gradient Lab: ${text}`);
  }

  /** The notices not yet shown, emptied. */
  takeNotices(): string[] {
    return this.notices.splice(0);
  }

  /** Makes the folder and proves it can be written; throws a RunStoreError naming it. */
  ensureWritable(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const probe = join(this.dir, `.probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
      writeFileSync(probe, '');
      rmSync(probe, { force: true });
    } catch (e) {
      throw new RunStoreError(`runs cannot be kept in ${this.dir}: ${errorMessage(e)}`);
    }
  }

  list(): RunView[] {
    if (!this.runs) this.runs = this.readIndex();
    return this.runs;
  }

  get(id: string): RunView | undefined {
    return this.list().find((r) => r.id === id);
  }

  /** Keeps a run: its files first, then the index. Throws a RunStoreError when it cannot be written. */
  add(view: RunView, losses: ArrayLike<number>, params?: TwoLayerParams): void {
    if (!isRunId(view.id)) throw new RunStoreError(`'${view.id}' is not a run id`);
    this.ensureWritable();
    const kept: RunView = { ...view, hasModel: !!params };
    try {
      const l = Float64Array.from(losses);
      writeAtomic(join(this.dir, `${view.id}.loss`), new Uint8Array(l.buffer));
      if (params) writeAtomic(join(this.dir, `${view.id}.npz`), paramsToNpz(params));
      writeAtomic(join(this.dir, `${view.id}.run.json`), new TextEncoder().encode(JSON.stringify(kept)));
    } catch (e) {
      throw new RunStoreError(`run ${view.id} could not be saved in ${this.dir}: ${errorMessage(e)}`);
    }
    const runs = this.list();
    const at = runs.findIndex((r) => r.id === view.id);
    if (at >= 0) runs[at] = kept;
    else runs.push(kept);
    this.writeIndex();
  }

  update(id: string, patch: Partial<Pick<RunView, 'name' | 'hidden'>>): RunView | undefined {
    const run = isRunId(id) ? this.get(id) : undefined;
    if (!run) return undefined;
    Object.assign(run, patch);
    this.writeRunFile(run);
    this.writeIndex();
    return run;
  }

  delete(id: string): boolean {
    if (!isRunId(id)) return false;
    const runs = this.list();
    const i = runs.findIndex((r) => r.id === id);
    if (i < 0) return false;
    runs.splice(i, 1);
    this.histories.delete(id);
    this.writeIndex();
    for (const ext of ['loss', 'npz', 'run.json']) rmSync(join(this.dir, `${id}.${ext}`), { force: true });
    return true;
  }

  losses(id: string): Float64Array {
    if (!isRunId(id)) return new Float64Array(0);
    const file = join(this.dir, `${id}.loss`);
    const bytes = this.readRunFile(file);
    if (!bytes) return new Float64Array(0);
    return new Float64Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 8)),
    );
  }

  history(id: string, maxPoints = HISTORY_POINTS): LossHistory {
    if (maxPoints !== HISTORY_POINTS) return { id, ...downsampleMean(this.losses(id), maxPoints) };
    let h = this.histories.get(id);
    if (!h) this.histories.set(id, (h = { id, ...downsampleMean(this.losses(id), HISTORY_POINTS) }));
    return h;
  }

  params(id: string): TwoLayerParams | undefined {
    if (!isRunId(id)) return undefined;
    const file = join(this.dir, `${id}.npz`);
    const bytes = this.readRunFile(file);
    if (!bytes) return undefined;
    try {
      return paramsFromNpz(bytes, file);
    } catch (e) {
      this.notice(`the weights of run ${id} cannot be read (${errorMessage(e)}); the run is kept without them.`);
      return undefined;
    }
  }

  /** A run file's bytes; undefined (with a notice when it exists but cannot be read) otherwise. */
  private readRunFile(file: string): Uint8Array | undefined {
    if (!existsSync(file)) return undefined;
    try {
      return readRegularFile(file, RUN_FILE_MAX_BYTES);
    } catch (e) {
      this.notice(`${file} cannot be read (${errorMessage(e)}); it is left as it is.`);
      return undefined;
    }
  }

  private readIndex(): RunView[] {
    const file = join(this.dir, 'index.json');
    if (!existsSync(file)) return this.rebuild([], 'index.json is missing');
    let entries: unknown[];
    try {
      const o = JSON.parse(new TextDecoder().decode(readRegularFile(file, RUN_FILE_MAX_BYTES)).replace(/^\uFEFF/, ''));
      if (!o || !Array.isArray(o.runs)) throw new Error('it has no list of runs');
      entries = o.runs;
    } catch (e) {
      // Kept aside, never overwritten: the runs are rebuilt from their own files.
      const aside = `${file}.unreadable-${Date.now()}`;
      try {
        renameSync(file, aside);
      } catch {
        /* left where it is: writeIndex below then fails the same way and says so */
      }
      this.notice(
        `the saved runs' list ${file} cannot be read (${errorMessage(e)}); it was kept as ${aside} and the runs were rebuilt from their files.`,
      );
      return this.rebuild([], undefined);
    }
    const runs: RunView[] = [];
    entries.forEach((entry, i) => {
      const problem = runViewProblem(entry);
      if (problem) {
        const id =
          typeof (entry as { id?: unknown })?.id === 'string'
            ? ` (id ${JSON.stringify((entry as { id: string }).id).slice(0, 70)})`
            : '';
        this.notice(`saved run #${i + 1}${id} in ${file} was skipped: ${problem}. It is kept in the file as it is.`);
        this.unreadable.push(entry);
      } else if (!runs.some((r) => r.id === (entry as RunView).id)) runs.push(entry as RunView);
    });
    return this.rebuild(runs, undefined);
  }

  /**
   * Adds the runs whose files are in the folder but not in `runs` (an index lost or written by a
   * crash between a run's files and the index): from <id>.run.json, or, without one, from <id>.loss.
   */
  private rebuild(runs: RunView[], why: string | undefined): RunView[] {
    let names: string[];
    try {
      names = existsSync(this.dir) ? readdirSync(this.dir) : [];
    } catch (e) {
      this.notice(`the runs folder ${this.dir} cannot be listed (${errorMessage(e)}).`);
      return runs;
    }
    const known = new Set([
      ...runs.map((r) => r.id),
      ...this.unreadable.map((u) => (u as { id?: unknown })?.id).filter(isRunId),
    ]);
    const recovered: RunView[] = [];
    const ids = new Set(names.map((n) => /^([A-Za-z0-9_-]{1,64})\.(?:run\.json|loss)$/.exec(n)?.[1]).filter(isRunId));
    for (const id of ids) {
      if (known.has(id)) continue;
      const meta = join(this.dir, `${id}.run.json`);
      let view: RunView | undefined;
      if (existsSync(meta)) {
        try {
          const v = JSON.parse(new TextDecoder().decode(readRegularFile(meta, RUN_FILE_MAX_BYTES)));
          const problem = runViewProblem(v);
          if (problem || v.id !== id) throw new Error(problem ?? 'its id does not match its name');
          view = v as RunView;
        } catch (e) {
          this.notice(`${meta} cannot be read (${errorMessage(e)}); the run is recovered from its losses.`);
        }
      }
      view ??= this.recoveredView(id);
      if (view) recovered.push(view);
    }
    if (recovered.length) {
      recovered.sort((a, b) => a.createdAt - b.createdAt);
      if (why) this.notice(`${why}; ${recovered.length} run(s) were recovered from their files in ${this.dir}.`);
      runs.push(...recovered);
      this.runs = runs;
      try {
        this.writeIndex();
      } catch (e) {
        this.notice(`the rebuilt list could not be saved (${errorMessage(e)}).`);
      }
    }
    return runs;
  }

  private recoveredView(id: string): RunView | undefined {
    const loss = join(this.dir, `${id}.loss`);
    let createdAt = Date.now();
    try {
      createdAt = statSync(loss).mtimeMs;
    } catch {
      return undefined;
    }
    const losses = this.losses(id);
    let finalLoss: number | null = null;
    for (let i = losses.length - 1; i >= 0 && finalLoss === null; i--)
      if (Number.isFinite(losses[i])) finalLoss = losses[i];
    return {
      id,
      name: `Recovered run ${id}`,
      config: DEFAULT_RUN_CONFIG,
      datasetName: '',
      createdAt,
      hidden: false,
      status: 'stopped',
      iterations: losses.length,
      epochs: [],
      finalLoss,
      trainAccuracy: null,
      testAccuracy: null,
      wallSeconds: 0,
      hasModel: existsSync(join(this.dir, `${id}.npz`)),
    };
  }

  private writeRunFile(run: RunView): void {
    try {
      writeAtomic(join(this.dir, `${run.id}.run.json`), new TextEncoder().encode(JSON.stringify(run)));
    } catch (e) {
      this.notice(`run ${run.id}'s file could not be updated (${errorMessage(e)}).`);
    }
  }

  private writeIndex(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeAtomic(
        join(this.dir, 'index.json'),
        new TextEncoder().encode(JSON.stringify({ version: 1, runs: [...this.list(), ...this.unreadable] })),
      );
    } catch (e) {
      throw new RunStoreError(`the list of runs could not be saved in ${this.dir}: ${errorMessage(e)}`);
    }
  }
}

/** Write then rename, so a crash mid-write never leaves half a file (a unique temp name per writer). */
export function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
