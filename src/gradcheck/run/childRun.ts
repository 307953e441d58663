import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { readFileSync, readdirSync } from 'fs';
import { readFile, readdir } from 'fs/promises';
import { Worker, type ResourceLimits } from 'worker_threads';

/**
 * The plumbing both checkers share for running a learner's code away from the extension host:
 * a child process in a process group of its own (spawnJsonChild) or a worker thread with a heap
 * limit (runWorker). Both end exactly once — answer, time limit, memory limit, abort, or failure —
 * and remove their abort listener.
 *
 * A child answers on a channel of its own: a pipe on fd 3, each answer framed by a marker and a
 * per-run secret nonce (the nonce travels on stdin, never in argv or the environment). A child
 * behind a wrapper that closes fd 3 (`conda run`) answers on stdout with the same framing. Prints,
 * atexit handlers and anything else the learner's code writes are output: kept up to
 * OUTPUT_CAP_BYTES a stream (the first and last halves), the rest counted and dropped.
 * When a check ends its whole process group is killed, so a wrapper's real interpreter and the
 * learner's own child processes end with it. On Linux the group's resident memory is watched
 * (/proc), which covers ArrayBuffers and native allocations a heap limit does not see.
 */

/** Learner output kept per stream (stdout, stderr): the first and the last half of it. */
export const OUTPUT_CAP_BYTES = 64 * 1024;
/** The largest answer accepted (a check of the 39,760 network parameters is about 2 MB). */
export const ANSWER_CAP_BYTES = 64 * 1024 * 1024;
/** How long a child may take to exit after answering (atexit handlers) before its group is killed. */
const ANSWER_GRACE_MS = 1000;
/** How long the pipes may stay open after the process exited (grandchildren holding them are killed). */
const CLOSE_GRACE_MS = 300;
const WATCH_MS = 40;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Outcome common to both: stopped by the time limit or by the caller's signal. */
export type Stopped = { kind: 'timeout'; elapsedMs: number } | { kind: 'aborted' };

/** What the learner's code printed outside the answer, bounded. */
export interface CappedOutput {
  stdout: string;
  stderr: string;
  /** Bytes beyond the cap, counted and dropped (both streams). */
  droppedBytes: number;
  capBytes: number;
}

export type ChildOutcome =
  /** The framed answer's text (up to its line's end). */
  | { kind: 'answer'; answer: string; stderr: string; output: CappedOutput }
  /** The command could not be started (e.g. ENOENT). */
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException }
  /** It exited without an answer. */
  | { kind: 'no-answer'; code: number | null; signal: NodeJS.Signals | null; stderr: string; output: CappedOutput }
  /** An answer began but was cut off or exceeded ANSWER_CAP_BYTES. */
  | { kind: 'bad-answer'; reason: string; stderr: string; output: CappedOutput }
  /** The process group's resident memory passed the limit; the group was killed. */
  | { kind: 'memory'; limitMb: number; peakMb: number }
  | Stopped;

/** Where the child answers; put into its request (stdin), never into argv or the environment. */
export interface AnswerChannel {
  nonce: string;
  /** The answer pipe's descriptor in the child (3), or null where only stdout is available. */
  fd: number | null;
}

export interface ChildOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Written to stdin, which is then closed. A function gets the run's answer channel to pass on:
   * the answer is then `mark + nonce + ' ' + text + '\n'` on fd 3 or stdout. A plain string keeps
   * the older scheme (the last `mark` line on stdout), for harnesses without a channel.
   */
  input: string | ((channel: AnswerChannel) => string);
  mark: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the stderr kept so far on every chunk. */
  onStderr?: (stderr: string) => void;
  /** Resident memory limit of the whole process group, in MB (Linux; elsewhere not watched). */
  memoryLimitMb?: number;
}

/** The text after the last `mark` in `stdout`, to the end of that line. */
export function markedAnswer(stdout: string, mark: string): string | undefined {
  const at = stdout.lastIndexOf(mark);
  return at < 0
    ? undefined
    : stdout
        .slice(at + mark.length)
        .split('\n')[0]
        .replace(/\r$/, '');
}

/** A stream's bytes kept up to a cap: the first half and a rolling last half; the rest counted. */
export class CappedStream {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  total = 0;

  constructor(readonly capBytes = OUTPUT_CAP_BYTES) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const half = this.capBytes >> 1;
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (!chunk.length) return;
    this.tail.push(chunk.length > half ? chunk.subarray(chunk.length - half) : chunk);
    this.tailBytes += Math.min(chunk.length, half);
    if (this.tailBytes > 2 * half) {
      const all = Buffer.concat(this.tail);
      this.tail = [all.subarray(all.length - half)];
      this.tailBytes = half;
    }
  }

  get dropped(): number {
    return this.total - this.headBytes - Math.min(this.tailBytes, this.capBytes >> 1);
  }

  text(): string {
    const half = this.capBytes >> 1;
    const tail = Buffer.concat(this.tail);
    const kept = tail.subarray(Math.max(0, tail.length - half));
    const head = Buffer.concat(this.head).toString('utf8');
    return this.dropped > 0
      ? `${head}\n[… ${this.dropped} bytes dropped …]\n${kept.toString('utf8')}`
      : head + kept.toString('utf8');
  }
}

/**
 * Finds one framed answer in a stream without keeping the rest: `frame` then text to '\n'.
 * Output before and after it goes to `other`.
 */
class AnswerScanner {
  private carry = Buffer.alloc(0);
  private body: Buffer[] | undefined;
  private bodyBytes = 0;
  answer: string | undefined;
  problem: string | undefined;

  constructor(
    private readonly frame: Buffer,
    private readonly other: (b: Buffer) => void,
  ) {}

  get started(): boolean {
    return this.body !== undefined;
  }

  push(chunk: Buffer): void {
    if (this.answer !== undefined || this.problem) {
      this.other(chunk);
      return;
    }
    if (this.body) {
      this.takeBody(chunk);
      return;
    }
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const at = buf.indexOf(this.frame);
    if (at < 0) {
      const keep = Math.min(buf.length, this.frame.length - 1);
      this.other(buf.subarray(0, buf.length - keep));
      this.carry = Buffer.from(buf.subarray(buf.length - keep));
      return;
    }
    this.other(buf.subarray(0, at));
    this.carry = Buffer.alloc(0);
    this.body = [];
    this.takeBody(buf.subarray(at + this.frame.length));
  }

  /** The stream ended: what was held back for a marker split across chunks is output. */
  end(): void {
    if (this.carry.length) this.other(this.carry);
    this.carry = Buffer.alloc(0);
    if (this.body && this.answer === undefined && !this.problem) this.problem = 'the answer was cut off before its end';
  }

  private takeBody(chunk: Buffer): void {
    const nl = chunk.indexOf(0x0a);
    const part = nl < 0 ? chunk : chunk.subarray(0, nl);
    this.bodyBytes += part.length;
    if (this.bodyBytes > ANSWER_CAP_BYTES) {
      this.problem = `the answer is larger than ${ANSWER_CAP_BYTES / 1024 / 1024} MB`;
      this.body = [];
      return;
    }
    this.body!.push(part);
    if (nl >= 0) {
      this.answer = Buffer.concat(this.body!).toString('utf8').replace(/\r$/, '');
      this.body = [];
      if (nl + 1 < chunk.length) this.other(chunk.subarray(nl + 1));
    }
  }
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The environment variable that marks every process a check starts (its value is the child's own tag). */
export const CHECK_TAG_ENV = 'GRADIENT_LAB_CHECK';
const tagOf = new WeakMap<ChildProcess, string>();

/** Whether the environment of process `pid` (its /proc environ bytes) holds the tag. */
const tagged = (environ: Buffer, tag: string) =>
  Buffer.concat([Buffer.from([0]), environ]).includes(Buffer.from(`\0${CHECK_TAG_ENV}=${tag}\0`));
const otherPids = (entries: string[]) => entries.filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
const kill9 = (pid: string) => {
  try {
    process.kill(Number(pid), 'SIGKILL');
  } catch {
    /* gone already */
  }
};

/**
 * Kills the processes that carry `tag` in their environment (Linux /proc): what the learner's code
 * started in a session or process group of its own (setsid, start_new_session, `detached: true`, a
 * double fork) inherits the tag but not the check's process group, so killGroup alone misses it.
 * Asynchronous, so a machine with many processes does not hold up the extension host.
 */
export async function killTagged(tag: string): Promise<void> {
  if (process.platform !== 'linux') return;
  const pids = otherPids(await readdir('/proc').catch(() => []));
  await Promise.all(
    pids.map((pid) =>
      readFile(`/proc/${pid}/environ`).then(
        (env) => tagged(env, tag) && kill9(pid),
        () => undefined,
      ),
    ),
  );
}

/** killTagged at once, for the moment this process exits. */
function killTaggedSync(tag: string): void {
  if (process.platform !== 'linux') return;
  let pids: string[] = [];
  try {
    pids = otherPids(readdirSync('/proc'));
  } catch {
    /* no /proc */
  }
  for (const pid of pids) {
    try {
      if (tagged(readFileSync(`/proc/${pid}/environ`), tag)) kill9(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
}

/** Kills a check's process group and whatever it started outside the group (killTagged). */
function killAll(child: ChildProcess, sync = false): void {
  killGroup(child);
  const tag = tagOf.get(child);
  if (tag && sync) killTaggedSync(tag);
  else if (tag) void killTagged(tag);
}

/** Kills every process group a check started and has not ended (the CLI on Ctrl-C, the host on exit). */
export function killAllChildren(): void {
  for (const c of live) killAll(c, true);
  live.clear();
}
process.once('exit', killAllChildren);

/**
 * For a command-line process: Ctrl-C, a closed terminal (SIGHUP) or a CI runner's SIGTERM end the
 * checks' process groups too (each runs in a group of its own, which those signals do not reach),
 * then this process with the shell's code for the signal. Not for the extension host.
 */
export function endChildrenOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGHUP', 129],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      killAllChildren();
      process.exit(code);
    });
  }
}

/** Resident memory of a process and its descendants, in bytes (Linux /proc), or undefined elsewhere. */
export function treeRss(pid: number, depth = 0): number | undefined {
  let rss: number;
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ');
    rss = Number(statm[1]) * 4096;
  } catch {
    return undefined;
  }
  if (depth > 8) return rss;
  let kids: string[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean);
  } catch {
    /* no children file: the process alone */
  }
  for (const k of kids) rss += treeRss(Number(k), depth + 1) ?? 0;
  return rss;
}

/** How to start a child: what spawn needs, and the memory limit watched while it runs a check. */
export type ChildSpec = Pick<ChildOptions, 'command' | 'args' | 'cwd' | 'env' | 'mark' | 'memoryLimitMb'>;

/** One check for a started child: its input, time limit, abort signal and stderr observer. */
export type ChildJob = Pick<ChildOptions, 'input' | 'timeoutMs' | 'signal' | 'onStderr'>;

/**
 * A child process already started (a warm spare: interpreter up, numpy imported) that waits on stdin
 * for exactly one check. The time limit, the memory watch and the abort signal start with run();
 * whatever happens the process group ends with that check.
 */
export interface StartedChild {
  readonly pid: number | undefined;
  /** It exited (or could not start) before run(): useless as a spare. */
  readonly dead: boolean;
  /** The stderr lines it wrote before run() (e.g. "\x1ePHASE ready …"), as they come. */
  onEarlyStderr?: (line: string) => void;
  run(job: ChildJob): Promise<ChildOutcome>;
  /** Ends the process group at once (a spare no longer wanted); a run() in progress ends as aborted. */
  kill(): void;
  /** A waiting spare does not keep this process alive (run() takes it back); the exit handler still kills it. */
  unref(): void;
}

/** Runs one command to its end under a time limit, a memory limit and an abort signal. */
export function spawnJsonChild(opts: ChildOptions): Promise<ChildOutcome> {
  return startChild(opts).run(opts);
}

/**
 * Starts a child that waits on stdin (see StartedChild). Its stdout and stderr are read from the
 * start, so nothing it writes while waiting blocks it; what it writes then counts as its output.
 */
export function startChild(spec: ChildSpec): StartedChild {
  const channel: AnswerChannel = {
    nonce: randomBytes(16).toString('hex'),
    fd: process.platform === 'win32' ? null : 3,
  };
  const out = new CappedStream();
  const err = new CappedStream();
  let stderrText = '';
  let exited = false;
  let closed = false;
  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  let spawnError: NodeJS.ErrnoException | undefined;
  /** Set by run(): where the child's events go once it runs a check. */
  let active: ActiveRun | undefined;
  let framed = true;
  let legacy = Buffer.alloc(0);
  let scanners: AnswerScanner[] = [];
  let earlyLine = '';
  const stdio: ('pipe' | 'ignore')[] =
    channel.fd === null ? ['pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'pipe'];
  let child: ChildProcess | undefined;
  const tag = randomBytes(12).toString('hex');
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...spec.env, [CHECK_TAG_ENV]: tag },
      stdio,
      windowsHide: true,
      detached: process.platform !== 'win32',
    });
  } catch (error) {
    spawnError = error as NodeJS.ErrnoException;
  }
  const handle: StartedChild = {
    get pid() {
      return child?.pid;
    },
    get dead() {
      return spawnError !== undefined || exited || closed;
    },
    run,
    unref() {
      if (child) holdOpen(false);
    },
    kill() {
      if (active) active.finish({ kind: 'aborted' });
      else if (child) {
        killAll(child);
        closePipes(child);
        live.delete(child);
      }
    },
  };
  if (!child) return handle;
  const proc = child;
  tagOf.set(proc, tag);
  function holdOpen(on: boolean): void {
    for (const h of [proc, proc.stdin, proc.stdout, proc.stderr, proc.stdio[3]] as unknown[]) {
      const r = h as { ref?: () => void; unref?: () => void } | null;
      if (on) r?.ref?.();
      else r?.unref?.();
    }
  }
  live.add(proc);
  proc.on('error', (error: NodeJS.ErrnoException) => {
    spawnError ??= error;
    if (active) active.finish({ kind: 'spawn-error', error });
    else live.delete(proc);
  });
  proc.stdout!.on('data', (d: Buffer) => {
    if (!active) {
      out.push(d);
      return;
    }
    if (!framed) {
      // The older scheme keeps only what it needs to find the last marked line.
      out.push(d);
      legacy = Buffer.concat([legacy, d]);
      if (legacy.length > ANSWER_CAP_BYTES) legacy = legacy.subarray(legacy.length - ANSWER_CAP_BYTES);
      return;
    }
    scanners[0].push(d);
    active?.afterAnswer();
  });
  const answerPipe = proc.stdio[3] as NodeJS.ReadableStream | null | undefined;
  answerPipe?.on('data', (d: Buffer) => {
    scanners[1]?.push(d);
    active?.afterAnswer();
  });
  answerPipe?.on('error', () => undefined);
  proc.stderr!.on('data', (d: Buffer) => {
    err.push(d);
    stderrText = err.text();
    if (active) active.onStderr?.(stderrText);
    else if (handle.onEarlyStderr) {
      const lines = (earlyLine + d.toString('utf8')).split('\n');
      earlyLine = lines.pop() ?? '';
      for (const l of lines) handle.onEarlyStderr(l);
    }
  });
  proc.on('exit', (code, signal) => {
    exited = true;
    exitCode = code;
    exitSignal = signal;
    // Whatever it left behind (a wrapper's interpreter, the learner's subprocesses) ends now.
    killGroup(proc);
    if (active) active.exited();
    else live.delete(proc);
  });
  proc.on('close', () => {
    closed = true;
    if (exited) active?.conclude();
  });
  proc.stdin!.on('error', () => {
    /* the process died (or never started) before reading; 'close' or 'error' reports it */
  });
  return handle;

  function run(job: ChildJob): Promise<ChildOutcome> {
    return new Promise((resolve) => {
      if (active) throw new Error('a started child runs one check');
      framed = typeof job.input === 'function';
      const frame = Buffer.from(framed ? `${spec.mark}${channel.nonce} ` : spec.mark, 'utf8');
      const onStdout = (b: Buffer) => out.push(b);
      scanners = framed ? [new AnswerScanner(frame, onStdout), new AnswerScanner(frame, () => undefined)] : [];
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;
      let closeTimer: NodeJS.Timeout | undefined;
      let peak = 0;
      const started = Date.now();
      const output = (): CappedOutput => ({
        stdout: out.text(),
        stderr: err.text(),
        droppedBytes: out.dropped + err.dropped,
        capBytes: OUTPUT_CAP_BYTES,
      });
      const answered = () => scanners.find((s) => s.answer !== undefined)?.answer;
      const finish = (o: ChildOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(graceTimer);
        clearTimeout(closeTimer);
        clearInterval(watch);
        job.signal?.removeEventListener('abort', onAbort);
        if (child) {
          killAll(proc);
          live.delete(proc);
          for (const s of [proc.stdout, proc.stderr, proc.stdio[3]])
            (s as NodeJS.ReadableStream | null)?.removeAllListeners?.('data');
          // A process that escaped every kill (its environment cleared) may hold the pipes open:
          // they are ours to close, so it cannot keep this process (the CLI) waiting.
          closePipes(proc);
        }
        resolve(o);
      };
      const conclude = () => {
        for (const s of scanners) s.end();
        const answer = framed ? answered() : markedAnswer(legacy.toString('utf8'), spec.mark);
        if (answer !== undefined) return finish({ kind: 'answer', answer, stderr: stderrText, output: output() });
        const problem = scanners.find((s) => s.problem)?.problem;
        if (problem) return finish({ kind: 'bad-answer', reason: problem, stderr: stderrText, output: output() });
        finish({ kind: 'no-answer', code: exitCode, signal: exitSignal, stderr: stderrText, output: output() });
      };
      const onExited = () => {
        closeTimer = setTimeout(conclude, CLOSE_GRACE_MS);
      };
      active = {
        finish,
        conclude,
        exited: onExited,
        onStderr: job.onStderr,
        afterAnswer: () => {
          // Answered: give atexit handlers a moment, then end the group either way.
          if (!graceTimer && answered() !== undefined) graceTimer = setTimeout(conclude, ANSWER_GRACE_MS);
        },
      };
      // setTimeout fires at once past 2^31 − 1 ms: clamp (about 24.8 days).
      const timer = setTimeout(
        () => finish({ kind: 'timeout', elapsedMs: Date.now() - started }),
        Math.min(job.timeoutMs, MAX_TIMER_MS),
      );
      const watch = setInterval(() => {
        if (!spec.memoryLimitMb || child?.pid === undefined) return;
        const rss = treeRss(child.pid);
        if (rss === undefined) return;
        peak = Math.max(peak, rss);
        if (rss > spec.memoryLimitMb * 1024 * 1024)
          finish({ kind: 'memory', limitMb: spec.memoryLimitMb, peakMb: Math.round(peak / 1048576) });
      }, WATCH_MS);
      const onAbort = () => finish({ kind: 'aborted' });
      if (job.signal?.aborted) onAbort();
      else job.signal?.addEventListener('abort', onAbort);
      if (spawnError) return finish({ kind: 'spawn-error', error: spawnError });
      // Died while waiting (a spare killed from outside): report what it left, as a fresh start would.
      if (exited) {
        if (closed) conclude();
        else onExited();
        return;
      }
      holdOpen(true);
      stderrText = err.text();
      if (stderrText) job.onStderr?.(stderrText);
      proc.stdin!.end(typeof job.input === 'function' ? job.input(channel) : job.input);
    });
  }
}

/** Closes our ends of a child's pipes (stdin, stdout, stderr, the answer pipe). */
function closePipes(child: ChildProcess): void {
  for (const s of [child.stdin, child.stdout, child.stderr, child.stdio[3]]) {
    try {
      (s as { destroy?: () => void } | null)?.destroy?.();
    } catch {
      /* already closed */
    }
  }
}

interface ActiveRun {
  finish(o: ChildOutcome): void;
  conclude(): void;
  exited(): void;
  afterAnswer(): void;
  onStderr?: (stderr: string) => void;
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
  /** Posted to the worker once it is started (transferred by structured clone). */
  post?: unknown;
  /** Messages that fail this are not the answer (ignored); default: the first message is. */
  accept?: (message: unknown) => boolean;
}

/** Runs one worker until its first message, then terminates it. */
export function runWorker<T>(opts: WorkerRunOptions): Promise<WorkerOutcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const started = Date.now();
    const worker = new Worker(opts.path, {
      workerData: opts.workerData,
      resourceLimits: opts.resourceLimits,
      stdout: opts.quiet,
      stderr: opts.quiet,
    });
    // Quiet output is read and dropped: an unread stream would buffer whatever the code prints.
    if (opts.quiet) {
      worker.stdout.resume();
      worker.stderr.resume();
    }
    const finish = (o: WorkerOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish({ kind: 'timeout', elapsedMs: Date.now() - started }),
      Math.min(opts.timeoutMs, MAX_TIMER_MS),
    );
    const onAbort = () => finish({ kind: 'aborted' });
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: T) => {
      if (!opts.accept || opts.accept(message)) finish({ kind: 'message', message });
    });
    worker.on('error', (error: Error & { code?: string }) =>
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'memory', limitMb: opts.resourceLimits.maxOldGenerationSizeMb ?? 0 }
          : { kind: 'error', error },
      ),
    );
    worker.on('exit', (code) => finish({ kind: 'exit', code }));
    if (opts.post !== undefined) worker.postMessage(opts.post);
  });
}
