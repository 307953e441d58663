/**
 * Runs the exercise's value checks against a learner's JavaScript file, in a worker (so an endless loop
 * cannot block the extension host) and in a `vm` context with a time limit per call. The file is
 * loaded like the gradient checker loads one (jsEvaluate.ts's loadModule: import/export, require,
 * TypeScript). Reports raw values only (see exerciseVerdict.ts), like the Python harness
 * media/exercises/check_exercise.py.
 */
import { parentPort, workerData } from 'worker_threads';
import * as vm from 'vm';
import { loadModule, toRunError } from '../gradcheck/run/jsEvaluate';
import type { RunError } from '../gradcheck/types';
import type { CheckArg, ExerciseName, ValueCheck } from './exerciseSpec';
import type { HarnessError, RawOutcome } from './exerciseVerdict';

export interface JsCheckRequest {
  source: string;
  filename: string;
  checks: ValueCheck[];
  names: Record<ExerciseName, string>;
  callTimeoutMs: number;
}

export type JsCheckReply = { outcomes: RawOutcome[] } | { fatal: HarnessError };

type Fn = (...args: unknown[]) => unknown;

/** The gradient checker's RunError in the exercise's terms: the exception's name, its message, the learner's line. */
function toHarnessError(error: RunError, filename: string): HarnessError {
  const type =
    error.exception && error.exception !== 'Uncaught'
      ? error.exception
      : error.kind === 'syntax'
        ? 'SyntaxError'
        : 'Error';
  const prefix = `${error.exception ?? type}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  // The innermost frame in the exercise file itself (an imported helper's line would point elsewhere).
  const own = error.trace?.find((f) => f.file === filename);
  return {
    type,
    message: message.slice(0, 500),
    line: own?.line ?? (error.file === undefined || error.file === filename ? error.line : undefined),
  };
}

/** Numbers, arrays and typed arrays as JSON; nan/inf as strings. */
function toJson(v: unknown, depth = 0): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
  if (v === undefined || v === null) return null;
  if (depth < 4 && (Array.isArray(v) || ArrayBuffer.isView(v)))
    return Array.from(v as ArrayLike<unknown>, (e) => toJson(e, depth + 1));
  return String(v).slice(0, 200);
}

function run(req: JsCheckRequest): JsCheckReply {
  const { filename, callTimeoutMs, source } = req;
  const quiet = () => undefined;
  const loaded = loadModule(source, filename, {
    globals: { console: { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet } },
    timeoutMs: callTimeoutMs,
  });
  if (!loaded.ok) return { fatal: toHarnessError(loaded.error, filename) };
  const context = loaded.context;
  vm.runInContext(
    'var __gl = { function_1: (x) => 0.01 * x ** 2 + 0.1 * x, function_2: (x) => { let s = 0; for (const v of x) s += v ** 2; return s; }, cube: (x) => x ** 3 };',
    context,
  );
  const lookup = (name: string): Fn | undefined =>
    vm.runInContext(
      `typeof ${name} === 'function' ? ${name} : typeof module.exports.${name} === 'function' ? module.exports.${name} : undefined`,
      context,
    ) as Fn | undefined;
  // Arguments are built inside the context, so arrays are the learner's own Array (instanceof works).
  const build = (args: CheckArg[]): unknown[] =>
    vm.runInContext(
      `[${args.map((a) => (typeof a === 'number' ? String(a) : 'array' in a ? JSON.stringify(a.array) : `__gl.${a.fn}`)).join(', ')}]`,
      context,
    ) as unknown[];
  const call = (fn: Fn, args: unknown[]): unknown => {
    context.__fn = fn;
    context.__args = args;
    return vm.runInContext('__fn.apply(undefined, __args)', context, { timeout: callTimeoutMs });
  };

  const outcomes = req.checks.map((check): RawOutcome => {
    const name = req.names[check.exercise];
    try {
      const fn = lookup(name);
      if (!fn) return { id: check.id, status: 'missing', name };
      const args = build(check.args);
      const before = check.restores !== undefined ? toJson(args[check.restores]) : undefined;
      const value = toJson(call(fn, args));
      return check.restores !== undefined
        ? { id: check.id, status: 'ok', value, inputBefore: before, inputAfter: toJson(args[check.restores]) }
        : { id: check.id, status: 'ok', value };
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown; stack?: unknown };
      if (err?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { id: check.id, status: 'timeout' };
      if (typeof err?.message === 'string' && err.message.startsWith('TODO')) {
        const frame = String(err.stack ?? '').match(/\n\s+at (\w+) /);
        return { id: check.id, status: 'todo', name: frame?.[1] ?? name };
      }
      return {
        id: check.id,
        status: 'error',
        error: toHarnessError(toRunError(e, filename, source, 'check', callTimeoutMs), filename),
      };
    }
  });
  return { outcomes };
}

// The run's secret comes as the first message, before the learner's code runs (workerData it could
// read), and the reply carries it: a message their code posts to parentPort is never the answer.
if (parentPort) {
  const port = parentPort;
  const post = port.postMessage.bind(port);
  port.once('message', (m: { nonce?: unknown } | null) =>
    post({ ...run(workerData as JsCheckRequest), nonce: m?.nonce }),
  );
}
