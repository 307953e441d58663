/**
 * Runs the exercise's value checks against a learner's JavaScript file, in a worker (so an endless loop
 * cannot block the extension host) and in a `vm` context with a time limit per call. Reports raw
 * values only (see exerciseVerdict.ts), like the Python harness media/exercises/check_exercise.py.
 */
import { parentPort, workerData } from 'worker_threads';
import * as vm from 'vm';
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

function errorLine(e: unknown, filename: string): number | undefined {
  const stack = String((e as { stack?: unknown })?.stack ?? '');
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = stack.match(new RegExp(`${escaped}:(\\d+)`));
  return m ? Number(m[1]) : undefined;
}

function describe(e: unknown, filename: string): HarnessError {
  const err = e as { name?: unknown; message?: unknown };
  const type = typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return { type, message: message.slice(0, 500), line: errorLine(e, filename) };
}

/** Numbers, arrays and typed arrays as JSON; nan/inf as strings. */
function toJson(v: unknown, depth = 0): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
  if (v === undefined || v === null) return null;
  if (depth < 4 && (Array.isArray(v) || ArrayBuffer.isView(v))) return Array.from(v as ArrayLike<unknown>, (e) => toJson(e, depth + 1));
  return String(v).slice(0, 200);
}

function run(req: JsCheckRequest): JsCheckReply {
  const { filename, callTimeoutMs } = req;
  const sandbox: Record<string, unknown> = { module: { exports: {} }, console: { log() {}, info() {}, warn() {}, error() {}, debug() {} } };
  sandbox.exports = (sandbox.module as { exports: unknown }).exports;
  const context = vm.createContext(sandbox);
  try {
    new vm.Script(req.source, { filename }).runInContext(context, { timeout: callTimeoutMs });
  } catch (e) {
    return { fatal: describe(e, filename) };
  }
  vm.runInContext(
    'var __gl = { function_1: (x) => 0.01 * x ** 2 + 0.1 * x, function_2: (x) => { let s = 0; for (const v of x) s += v ** 2; return s; }, cube: (x) => x ** 3 };',
    context,
  );
  const lookup = (name: string): Fn | undefined =>
    vm.runInContext(`typeof ${name} === 'function' ? ${name} : typeof module.exports.${name} === 'function' ? module.exports.${name} : undefined`, context) as Fn | undefined;
  // Arguments are built inside the context, so arrays are the learner's own Array (instanceof works).
  const build = (args: CheckArg[]): unknown[] =>
    vm.runInContext(`[${args.map((a) => (typeof a === 'number' ? String(a) : 'array' in a ? JSON.stringify(a.array) : `__gl.${a.fn}`)).join(', ')}]`, context) as unknown[];
  const call = (fn: Fn, args: unknown[]): unknown => {
    sandbox.__fn = fn;
    sandbox.__args = args;
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
      return check.restores !== undefined ? { id: check.id, status: 'ok', value, inputBefore: before, inputAfter: toJson(args[check.restores]) } : { id: check.id, status: 'ok', value };
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown; stack?: unknown };
      if (err?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { id: check.id, status: 'timeout' };
      if (typeof err?.message === 'string' && err.message.startsWith('TODO')) {
        const frame = String(err.stack ?? '').match(/\n\s+at (\w+) /);
        return { id: check.id, status: 'todo', name: frame?.[1] ?? name };
      }
      return { id: check.id, status: 'error', error: describe(e, filename) };
    }
  });
  return { outcomes };
}

if (parentPort) parentPort.postMessage(run(workerData as JsCheckRequest));
