import { spawn } from 'child_process';
import { Worker, type ResourceLimits } from 'worker_threads';

/**
 * The plumbing both checkers share for running a learner's code away from the extension host:
 * a child process that gets a request on stdin and answers with one marked line on stdout
 * (spawnJsonChild), or a worker thread with a heap limit that answers with one message
 * (runWorker). Both end exactly once — answer, time limit (the child is SIGKILLed, the worker
 * terminated), abort, or failure — and remove their abort listener. The callers turn the
 * outcome into their own result shape and messages.
 */

/** Outcome common to both: stopped by the time limit or by the caller's signal. */
export type Stopped = { kind: 'timeout'; elapsedMs: number } | { kind: 'aborted' };

export type ChildOutcome =
  /** The text after the last answer marker on stdout, up to its line's end. */
  | { kind: 'answer'; answer: string; stderr: string }
  /** The command could not be started (e.g. ENOENT). */
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException }
  /** It exited without an answer line. */
  | { kind: 'no-answer'; code: number | null; stderr: string }
  | Stopped;

export interface ChildOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  input: string;
  /** The answer line starts with this; anything the learner's code printed around it is ignored. */
  mark: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the stderr seen so far (its last 100-200 kB) on every chunk. */
  onStderr?: (stderr: string) => void;
}

/** The text after the last `mark` in `stdout`, to the end of that line. */
export function markedAnswer(stdout: string, mark: string): string | undefined {
  const at = stdout.lastIndexOf(mark);
  return at < 0 ? undefined : stdout.slice(at + mark.length).split('\n')[0].replace(/\r$/, '');
}

/** Runs one command to its end under a time limit and an abort signal. */
export function spawnJsonChild(opts: ChildOptions): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const started = Date.now();
    const child = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const kill = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const finish = (o: ChildOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const timer = setTimeout(() => {
      kill();
      finish({ kind: 'timeout', elapsedMs: Date.now() - started });
    }, opts.timeoutMs);
    const onAbort = () => {
      kill();
      finish({ kind: 'aborted' });
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);

    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
      opts.onStderr?.(stderr);
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'spawn-error', error }));
    child.on('close', (code) => {
      const answer = markedAnswer(stdout, opts.mark);
      finish(answer !== undefined ? { kind: 'answer', answer, stderr } : { kind: 'no-answer', code, stderr });
    });
    child.stdin.on('error', () => {
      /* the process died (or never started) before reading; 'close' or 'error' reports it */
    });
    child.stdin.end(opts.input);
  });
}

export type WorkerOutcome<T> =
  | { kind: 'message'; message: T }
  /** The heap limit was hit (ERR_WORKER_OUT_OF_MEMORY). */
  | { kind: 'memory'; limitMb: number }
  | { kind: 'error'; error: Error }
  /** It exited without posting a message. */
  | { kind: 'exit'; code: number }
  | Stopped;

export interface WorkerRunOptions {
  /** Absolute path of the built worker script. */
  path: string;
  workerData: unknown;
  resourceLimits: ResourceLimits;
  /** When the worker is terminated (its own vm timeouts should report first). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Keep the worker's stdout/stderr away from the host's (the learner's console output). */
  quiet?: boolean;
}

/** Runs one worker until its first message, then terminates it. */
export function runWorker<T>(opts: WorkerRunOptions): Promise<WorkerOutcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const started = Date.now();
    const worker = new Worker(opts.path, { workerData: opts.workerData, resourceLimits: opts.resourceLimits, stdout: opts.quiet, stderr: opts.quiet });
    const finish = (o: WorkerOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', elapsedMs: Date.now() - started }), opts.timeoutMs);
    const onAbort = () => finish({ kind: 'aborted' });
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: T) => finish({ kind: 'message', message }));
    worker.on('error', (error: Error & { code?: string }) =>
      finish(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'memory', limitMb: opts.resourceLimits.maxOldGenerationSizeMb ?? 0 } : { kind: 'error', error }),
    );
    worker.on('exit', (code) => finish({ kind: 'exit', code }));
  });
}
