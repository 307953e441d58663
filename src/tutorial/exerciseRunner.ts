/**
 * Runs the exercise's value checks on a learner's file: Python through the harness in
 * media/exercises/check_exercise.py (the learner's interpreter, JSON over stdin/stdout), JavaScript
 * in dist/exerciseWorker.js. Both have a time limit; the process and worker plumbing is the
 * gradient checker's (src/gradcheck/run/childRun.ts). Node only, no vscode: the CLI-free core of
 * "Check my solution", tested directly.
 */
import { resolveInterpreter } from '../gradcheck/run/interpreterCache';
import { randomBytes } from 'crypto';
import { readFile } from 'fs/promises';
import { dirname } from 'path';
import { runWorker, spawnJsonChild } from '../gradcheck/run/childRun';
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
  /** The editor's text when it differs from the disk (checked without saving). */
  source?: string;
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
  return Object.fromEntries(Object.entries(EXERCISES).map(([k, v]) => [k, v[language]])) as Record<
    ExerciseName,
    string
  >;
}

export function runChecks(opts: RunOptions): Promise<RunResult> {
  return opts.language === 'python' ? runPython(opts) : runJavaScript(opts);
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Starts check_exercise.py's answer line on stdout (the same scheme as the gradient check harness). */
export const EXERCISE_MARK = '\x1eEXERCISE ';

async function runPython(opts: RunOptions): Promise<RunResult> {
  const python = opts.python ?? 'python3';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const out = await spawnJsonChild({
    // The interpreter behind a pyenv/asdf shim, looked up once (src/gradcheck/run/interpreterCache.ts).
    command: resolveInterpreter(python, dirname(opts.file)),
    args: [opts.harness!],
    cwd: dirname(opts.file),
    env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '1' },
    input: (answer) =>
      JSON.stringify({
        file: opts.file,
        source: opts.source ?? null,
        checks: opts.checks,
        names: namesFor('python'),
        answer,
      }),
    mark: EXERCISE_MARK,
    timeoutMs,
    signal: opts.signal,
  });
  switch (out.kind) {
    case 'timeout':
      return { failure: { kind: 'timeout', seconds: timeoutMs / 1000 } };
    case 'aborted':
      return { failure: { kind: 'crashed', message: 'cancelled' } };
    case 'spawn-error':
      return { failure: { kind: 'pythonMissing', python, message: out.error.message } };
    case 'memory':
      return { failure: { kind: 'crashed', message: `out-of-memory: more than ${out.limitMb} MB` } };
    case 'bad-answer':
      return { failure: { kind: 'crashed', message: `the checker's answer is malformed: ${out.reason}` } };
    case 'answer':
    case 'no-answer': {
      let reply: { outcomes?: RawOutcome[]; fatal?: HarnessError } | undefined;
      try {
        reply = out.kind === 'answer' ? JSON.parse(out.answer) : undefined;
      } catch {
        reply = undefined;
      }
      if (Array.isArray(reply?.outcomes)) return { outcomes: reply!.outcomes! };
      if (reply?.fatal?.type === 'numpyMissing')
        return {
          failure: { kind: 'numpyMissing', python: reply.fatal.message || python, version: reply.fatal.version || '?' },
        };
      if (reply?.fatal) return { failure: { kind: 'load', error: reply.fatal } };
      const code = out.kind === 'no-answer' ? out.code : 0;
      return {
        failure: {
          kind: 'crashed',
          message: `${python} exited with code ${code}: ${out.stderr.trim().split('\n').slice(-3).join(' ')}`,
        },
      };
    }
  }
}

async function runJavaScript(opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const source = opts.source ?? (await readFile(opts.file, 'utf8'));
  const request: JsCheckRequest = {
    source,
    filename: opts.file,
    checks: [...opts.checks],
    names: namesFor('javascript'),
    callTimeoutMs: Math.min(5000, Math.max(100, timeoutMs / 4)),
  };
  // The learner's code gets its own heap limit: a runaway array cannot take the extension host down.
  // Only a reply of the right shape is the answer: a stray message from the learner's code is ignored.
  // …and only the worker's own reply: it carries the run's nonce, posted to the worker before the learner's code runs.
  const nonce = randomBytes(16).toString('hex');
  const isReply = (m: unknown): m is JsCheckReply =>
    typeof m === 'object' &&
    m !== null &&
    (m as { nonce?: unknown }).nonce === nonce &&
    (Array.isArray((m as { outcomes?: unknown }).outcomes) || typeof (m as { fatal?: unknown }).fatal === 'object');
  const out = await runWorker<JsCheckReply>({
    path: opts.worker!,
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: 256 },
    timeoutMs,
    signal: opts.signal,
    post: { nonce },
    accept: isReply,
  });
  switch (out.kind) {
    case 'message':
      return 'fatal' in out.message
        ? { failure: { kind: 'load', error: out.message.fatal } }
        : { outcomes: out.message.outcomes };
    case 'timeout':
      return { failure: { kind: 'timeout', seconds: timeoutMs / 1000 } };
    case 'aborted':
      return { failure: { kind: 'crashed', message: 'cancelled' } };
    case 'memory':
      return { failure: { kind: 'crashed', message: `ran out of memory (the limit is ${out.limitMb} MB)` } };
    case 'error':
      return { failure: { kind: 'crashed', message: out.error.message } };
    case 'exit':
      // Only the learner's code ends the worker without a reply: their work, not the set-up.
      return {
        failure: {
          kind: 'load',
          error: {
            type: 'process.exit',
            message: `your code ended the check (exit code ${out.code}): call process.exit() only under if (require.main === module)`,
          },
        },
      };
  }
}
