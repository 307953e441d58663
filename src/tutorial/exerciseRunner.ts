/**
 * Runs the exercise's value checks on a learner's file: Python through the harness in
 * media/exercises/check_exercise.py (the learner's interpreter, JSON over stdin/stdout), JavaScript
 * in dist/exerciseWorker.js. Both have a time limit. Node only, no vscode: the CLI-free core of
 * "Check my solution", tested directly.
 */
import { spawn } from 'child_process';
import { readFile } from 'fs/promises';
import { dirname } from 'path';
import { Worker } from 'worker_threads';
import { EXERCISES, type ExerciseLanguage, type ExerciseName, type ValueCheck } from './exerciseSpec';
import type { HarnessError, RawOutcome } from './exerciseVerdict';
import type { JsCheckReply, JsCheckRequest } from './exerciseWorker';

/** Why no check could run at all. */
export type RunFailure =
  | { kind: 'pythonMissing'; python: string; message: string }
  | { kind: 'numpyMissing'; python: string; version: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'load'; error: HarnessError }
  | { kind: 'crashed'; message: string };

export type RunResult = { outcomes: RawOutcome[] } | { failure: RunFailure };

export interface RunOptions {
  language: ExerciseLanguage;
  file: string;
  checks: readonly ValueCheck[];
  /** Python: the interpreter to use. */
  python?: string;
  /** Python: path of check_exercise.py. */
  harness?: string;
  /** JavaScript: path of the built exerciseWorker.js. */
  worker?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function namesFor(language: ExerciseLanguage): Record<ExerciseName, string> {
  return Object.fromEntries(Object.entries(EXERCISES).map(([k, v]) => [k, v[language]])) as Record<ExerciseName, string>;
}

export function runChecks(opts: RunOptions): Promise<RunResult> {
  return opts.language === 'python' ? runPython(opts) : runJavaScript(opts);
}

const DEFAULT_TIMEOUT_MS = 30_000;

function runPython(opts: RunOptions): Promise<RunResult> {
  const python = opts.python ?? 'python3';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(python, [opts.harness!], { cwd: dirname(opts.file), stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' } });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ failure: { kind: 'timeout', seconds: timeoutMs / 1000 } });
    }, timeoutMs);
    opts.signal?.addEventListener('abort', () => {
      child.kill('SIGKILL');
      finish({ failure: { kind: 'crashed', message: 'cancelled' } });
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
    child.on('error', (e) => finish({ failure: { kind: 'pythonMissing', python, message: e.message } }));
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let reply: { outcomes?: RawOutcome[]; fatal?: HarnessError } | undefined;
      try {
        reply = JSON.parse(last);
      } catch {
        reply = undefined;
      }
      if (reply?.outcomes) finish({ outcomes: reply.outcomes });
      else if (reply?.fatal?.type === 'numpyMissing') finish({ failure: { kind: 'numpyMissing', python: reply.fatal.message || python, version: reply.fatal.version || '?' } });
      else if (reply?.fatal) finish({ failure: { kind: 'load', error: reply.fatal } });
      else finish({ failure: { kind: 'crashed', message: `${python} exited with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}` } });
    });
    child.stdin.on('error', () => undefined); // the process may exit before reading (no python)
    child.stdin.end(JSON.stringify({ file: opts.file, checks: opts.checks, names: namesFor('python') }));
  });
}

async function runJavaScript(opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const source = await readFile(opts.file, 'utf8');
  const request: JsCheckRequest = { source, filename: opts.file, checks: [...opts.checks], names: namesFor('javascript'), callTimeoutMs: Math.min(5000, Math.max(100, timeoutMs / 4)) };
  return new Promise((resolve) => {
    // The learner's code gets its own heap limit: a runaway array cannot take the extension host down.
    const worker = new Worker(opts.worker!, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ failure: { kind: 'timeout', seconds: timeoutMs / 1000 } }), timeoutMs);
    opts.signal?.addEventListener('abort', () => finish({ failure: { kind: 'crashed', message: 'cancelled' } }));
    worker.on('message', (reply: JsCheckReply) => finish('fatal' in reply ? { failure: { kind: 'load', error: reply.fatal } } : { outcomes: reply.outcomes }));
    worker.on('error', (e) => finish({ failure: { kind: 'crashed', message: e.message } }));
    worker.on('exit', (code) => finish({ failure: { kind: 'crashed', message: `the check worker stopped (exit code ${code})` } }));
  });
}
