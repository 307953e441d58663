import type { ErrorKind, RunResult } from './types';

/**
 * A runner's answer checked in shape and type before anything computes with it, so a damaged or
 * imitated answer is a clear error instead of a TypeError deep in the comparison. The check is
 * structural: the fields the comparison reads must have the right types and agree in length;
 * fields it does not know are passed through untouched.
 */

export class AnswerError extends Error {}

const ERROR_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'syntax', 'exception', 'timeout', 'memory', 'no-python', 'no-numpy', 'not-found', 'not-scalar', 'bad-return', 'bad-input',
  'ambiguous', 'unsupported', 'internal',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, what: string): never {
  throw new AnswerError(`${path} ${what}`);
}

function numbers(v: unknown, path: string, nullable = false): number[] {
  if (!Array.isArray(v)) fail(path, 'is not a list');
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' && !(nullable && x === null)) fail(`${path}[${i}]`, 'is not a number');
  }
  return v as number[];
}

function counts(v: unknown, path: string, below?: number): number[] {
  const a = numbers(v, path);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i]) || a[i] < 0 || (below !== undefined && a[i] >= below)) fail(`${path}[${i}]`, `is not an index below ${below ?? '∞'}`);
  }
  return a;
}

function num(o: Obj, key: string, path: string): number {
  if (typeof o[key] !== 'number') fail(`${path}.${key}`, 'is not a number');
  return o[key] as number;
}

function sameLength(a: unknown[], b: unknown[], pa: string, pb: string): void {
  if (a.length !== b.length) fail(pb, `has ${b.length} values but ${pa} has ${a.length}`);
}

/** The answer if it is a well-formed RunResult; otherwise throws AnswerError naming the bad field. */
export function validateRunResult(v: unknown): RunResult {
  if (!isObj(v)) fail('the answer', 'is not an object');
  if (v.stdout !== undefined && typeof v.stdout !== 'string') fail('stdout', 'is not text');
  if (v.ok === false) {
    const e = v.error;
    if (!isObj(e)) fail('error', 'is not an object');
    if (typeof e.kind !== 'string' || !ERROR_KINDS.has(e.kind as ErrorKind)) fail('error.kind', `is not one of ${[...ERROR_KINDS].join(', ')}`);
    if (typeof e.message !== 'string') fail('error.message', 'is not text');
    for (const k of ['line', 'column'] as const) if (e[k] !== undefined && e[k] !== null && typeof e[k] !== 'number') fail(`error.${k}`, 'is not a number');
    if (e.trace !== undefined && !Array.isArray(e.trace)) fail('error.trace', 'is not a list');
    return v as unknown as RunResult;
  }
  if (v.ok !== true) fail('ok', 'is neither true nor false');
  const x = numbers(v.x, 'x');
  const shape = counts(v.shape, 'shape');
  if (shape.reduce((a, b) => a * b, 1) !== x.length) fail('shape', `(${shape.join(', ')}) does not hold the ${x.length} values of x`);
  num(v, 'f0', 'answer');
  num(v, 'f0Again', 'answer');
  const indices = counts(v.indices, 'indices', x.length);
  sameLength(indices, numbers(v.plus, 'plus'), 'indices', 'plus');
  sameLength(indices, numbers(v.minus, 'minus'), 'indices', 'minus');
  if (!Array.isArray(v.steps)) fail('steps', 'is not a list');
  v.steps.forEach((s, i) => {
    if (!isObj(s)) fail(`steps[${i}]`, 'is not an object');
    num(s, 'h', `steps[${i}]`);
    const plus = numbers(s.plus, `steps[${i}].plus`);
    sameLength(plus, numbers(s.minus, `steps[${i}].minus`), `steps[${i}].plus`, `steps[${i}].minus`);
    if (plus.length > indices.length) fail(`steps[${i}].plus`, 'has more values than indices');
  });
  if (v.sweep !== null && v.sweep !== undefined) {
    const s = v.sweep;
    if (!isObj(s)) fail('sweep', 'is not an object');
    counts([s.index], 'sweep.index', x.length);
    const hs = numbers(s.hs, 'sweep.hs');
    sameLength(hs, numbers(s.plus, 'sweep.plus'), 'sweep.hs', 'sweep.plus');
    sameLength(hs, numbers(s.minus, 'sweep.minus'), 'sweep.hs', 'sweep.minus');
  }
  if (v.analytic !== null && v.analytic !== undefined) {
    const a = v.analytic;
    if (!isObj(a)) fail('analytic', 'is not an object');
    const values = numbers(a.values, 'analytic.values');
    const ashape = counts(a.shape, 'analytic.shape');
    if (ashape.reduce((p, q) => p * q, 1) !== values.length) fail('analytic.shape', `(${ashape.join(', ')}) does not hold its ${values.length} values`);
  }
  if (!Array.isArray(v.mutated)) fail('mutated', 'is not a list');
  v.mutated.forEach((m, i) => {
    if (!isObj(m) || typeof m.fn !== 'string' || typeof m.arg !== 'string') fail(`mutated[${i}]`, 'is not {fn, arg}');
  });
  numbers(v.probes ?? [], 'probes', true);
  num(v, 'evaluations', 'answer');
  num(v, 'elapsedMs', 'answer');
  if (typeof v.runtime !== 'string') fail('runtime', 'is not text');
  return v as unknown as RunResult;
}
