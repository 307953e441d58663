import { startChild, type ChildSpec, type StartedChild } from './childRun';

/**
 * Checks without the wait for an interpreter: a spare checker process per interpreter, started
 * ahead (when a file with a "Check gradient" lens is open, and again after each check) with numpy
 * already imported, waiting on stdin. A check takes the spare and sends it the request — the
 * learner's text as it is in the editor — and the spare runs exactly that one check and ends, so
 * every check still runs in a process of its own, under its own time, memory and output limits
 * (childRun.ts), and nothing of one check's module is left for the next. A spare not taken within
 * the idle time ends; clear() ends them all (the panel closing, the extension deactivating), and
 * a spare whose extension host is gone sees its stdin close and exits.
 */

/** How long a spare waits for a check before it ends. */
export const SPARE_IDLE_MS = 3 * 60 * 1000;
/** The line a checker writes on stderr once it waits for its request (the Python one adds sys.executable). */
export const READY_LINE = '\x1ePHASE ready';

interface Spare {
  key: string;
  child: StartedChild;
  ready: Promise<boolean>;
  markReady: (ok: boolean) => void;
  /** What a Python spare reported as sys.executable (a shim's real interpreter). */
  executable?: string;
  idle: NodeJS.Timeout;
}

/** What take() handed out last (tests and the latency benchmark read it). */
export interface TakeRecord {
  key: string;
  /** A spare started ahead (true) or a process started for this check (false). */
  warm: boolean;
  pid: number | undefined;
}

export class WarmPool {
  private readonly spares = new Map<string, Spare>();
  private disposed = false;
  lastTake: TakeRecord | undefined;

  constructor(readonly idleMs = SPARE_IDLE_MS) {}

  /** A spare for `key` ready soon: started now unless one is alive; either way its idle time starts again. */
  prestart(key: string, spec: ChildSpec): void {
    if (this.disposed) return;
    const have = this.spares.get(key);
    if (have && !have.child.dead) {
      have.idle.refresh();
      return;
    }
    if (have) this.drop(have);
    const child = startChild(spec);
    let markReady: (ok: boolean) => void = () => undefined;
    const spare: Spare = {
      key,
      child,
      ready: new Promise<boolean>((r) => (markReady = r)),
      markReady: (ok) => markReady(ok),
      idle: setTimeout(() => this.drop(spare), this.idleMs),
    };
    spare.idle.unref?.();
    child.onEarlyStderr = (line) => {
      if (!line.startsWith(READY_LINE)) return;
      const executable = line.slice(READY_LINE.length).trim();
      if (executable) spare.executable = executable;
      markReady(true);
    };
    child.unref();
    if (child.dead) markReady(false);
    this.spares.set(key, spare);
  }

  /**
   * The spare for `key` (or one whose reported interpreter is `executable`), else a process started
   * now from `spec`. Either way the caller runs one check on it.
   */
  take(key: string, spec: ChildSpec, executable?: string): StartedChild {
    let spare = this.spares.get(key);
    if (!spare && executable) spare = [...this.spares.values()].find((s) => s.executable === executable);
    if (spare) {
      this.spares.delete(spare.key);
      clearTimeout(spare.idle);
      if (!spare.child.dead) {
        this.lastTake = { key, warm: true, pid: spare.child.pid };
        return spare.child;
      }
      spare.child.kill();
    }
    const child = startChild(spec);
    this.lastTake = { key, warm: false, pid: child.pid };
    return child;
  }

  /** Resolves true once the spare for `key` waits for its request, false if there is none or it died. */
  async whenReady(key: string, timeoutMs = 30_000): Promise<boolean> {
    const spare = this.spares.get(key);
    if (!spare) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const ok = await Promise.race([spare.ready, late]);
    clearTimeout(timer);
    return ok && !spare.child.dead;
  }

  /** The pid of the spare waiting for `key`, if any. */
  sparePid(key: string): number | undefined {
    const s = this.spares.get(key);
    return s && !s.child.dead ? s.child.pid : undefined;
  }

  get size(): number {
    return this.spares.size;
  }

  /** Ends every spare (the panel closed); later checks start spares again. */
  clear(): void {
    for (const s of [...this.spares.values()]) this.drop(s);
  }

  /** Ends every spare and starts no more (extension deactivation). */
  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private drop(spare: Spare): void {
    clearTimeout(spare.idle);
    spare.markReady(false);
    if (this.spares.get(spare.key) === spare) this.spares.delete(spare.key);
    spare.child.kill();
  }
}
