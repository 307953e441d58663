import type { ErrorKind, RunResult } from '../types';

/**
 * A runner's answer checked in shape and type before anything computes with it, so a damaged or
 * imitated answer is a clear error instead of a TypeError deep in the comparison. The check is
 * structural: the fields the comparison reads must have the right types and agree in length;
 * fields it does not know are passed through untouched.
 */

export class AnswerError extends Error {}

const ERROR_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'syntax',
  'exception',
  'timeout',
  'memory',
  'no-python',
  'no-numpy',
  'not-found',
  'not-scalar',
  'bad-return',
  'bad-input',
  'ambiguous',
  'unsupported',
  'internal',
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
    if (!Number.isInteger(a[i]) || a[i] < 0 || (below !== undefined && a[i] >= below))
      fail(`${path}[${i}]`, `is not an index below ${below ?? '∞'}`);
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

function runError(e: unknown, path: string): void {
  if (!isObj(e)) fail(path, 'is not an object');
  if (typeof e.kind !== 'string' || !ERROR_KINDS.has(e.kind as ErrorKind))
    fail(`${path}.kind`, `is not one of ${[...ERROR_KINDS].join(', ')}`);
  if (typeof e.message !== 'string') fail(`${path}.message`, 'is not text');
  for (const k of ['line', 'column'] as const)
    if (e[k] !== undefined && e[k] !== null && typeof e[k] !== 'number') fail(`${path}.${k}`, 'is not a number');
  if (e.trace !== undefined && !Array.isArray(e.trace)) fail(`${path}.trace`, 'is not a list');
}

/**
 * One differentiated input's evaluations (the answer itself, each of its groups, each variant):
 * what the comparison reads. `light` variants may leave out the chart's sweep and the probes.
 */
function evaluations(v: Obj, at: string, light = false): void {
  const p = (k: string) => (at ? `${at}.${k}` : k);
  const x = numbers(v.x, p('x'));
  const shape = counts(v.shape, p('shape'));
  if (shape.reduce((a, b) => a * b, 1) !== x.length)
    fail(p('shape'), `(${shape.join(', ')}) does not hold the ${x.length} values of x`);
  num(v, 'f0', at || 'answer');
  if (!light || v.f0Again !== undefined) num(v, 'f0Again', at || 'answer');
  const indices = counts(v.indices, p('indices'), x.length);
  sameLength(indices, numbers(v.plus, p('plus')), p('indices'), p('plus'));
  sameLength(indices, numbers(v.minus, p('minus')), p('indices'), p('minus'));
  if (v.steps !== undefined || !light) {
    if (!Array.isArray(v.steps)) fail(p('steps'), 'is not a list');
    v.steps.forEach((s, i) => {
      const q = p(`steps[${i}]`);
      if (!isObj(s)) fail(q, 'is not an object');
      num(s, 'h', q);
      const plus = numbers(s.plus, `${q}.plus`);
      sameLength(plus, numbers(s.minus, `${q}.minus`), `${q}.plus`, `${q}.minus`);
      if (plus.length > indices.length) fail(`${q}.plus`, 'has more values than indices');
    });
  }
  if (v.sweep !== null && v.sweep !== undefined) {
    const s = v.sweep;
    if (!isObj(s)) fail(p('sweep'), 'is not an object');
    counts([s.index], p('sweep.index'), x.length);
    const hs = numbers(s.hs, p('sweep.hs'));
    sameLength(hs, numbers(s.plus, p('sweep.plus')), p('sweep.hs'), p('sweep.plus'));
    sameLength(hs, numbers(s.minus, p('sweep.minus')), p('sweep.hs'), p('sweep.minus'));
  }
  if (v.analytic !== null && v.analytic !== undefined) {
    const a = v.analytic;
    if (!isObj(a)) fail(p('analytic'), 'is not an object');
    const values = numbers(a.values, p('analytic.values'));
    const ashape = counts(a.shape, p('analytic.shape'));
    if (ashape.reduce((q, r) => q * r, 1) !== values.length)
      fail(p('analytic.shape'), `(${ashape.join(', ')}) does not hold its ${values.length} values`);
  }
  if (v.mutated !== undefined || !light) {
    if (!Array.isArray(v.mutated)) fail(p('mutated'), 'is not a list');
    v.mutated.forEach((m, i) => {
      if (!isObj(m) || typeof m.fn !== 'string' || typeof m.arg !== 'string')
        fail(p(`mutated[${i}]`), 'is not {fn, arg}');
    });
  }
  numbers(v.probes ?? [], p('probes'), true);
  if (v.variants !== undefined) {
    if (!Array.isArray(v.variants)) fail(p('variants'), 'is not a list');
    v.variants.forEach((w, i) => {
      const q = p(`variants[${i}]`);
      if (!isObj(w)) fail(q, 'is not an object');
      if (w.error !== undefined) runError(w.error, `${q}.error`);
      else evaluations(w, q, true);
    });
  }
}

/** The answer if it is a well-formed RunResult; otherwise throws AnswerError naming the bad field. */
export function validateRunResult(v: unknown): RunResult {
  if (!isObj(v)) fail('the answer', 'is not an object');
  if (v.stdout !== undefined && typeof v.stdout !== 'string') fail('stdout', 'is not text');
  if (v.ok === false) {
    runError(v.error, 'error');
    return v as unknown as RunResult;
  }
  if (v.ok !== true) fail('ok', 'is neither true nor false');
  evaluations(v, '');
  if (v.groups !== undefined) {
    if (!Array.isArray(v.groups)) fail('groups', 'is not a list');
    v.groups.forEach((g, i) => {
      if (!isObj(g)) fail(`groups[${i}]`, 'is not an object');
      if (typeof g.wrt !== 'string') fail(`groups[${i}].wrt`, 'is not text');
      evaluations(g, `groups[${i}]`);
    });
  }
  if (v.softmaxRows !== undefined) {
    if (!Array.isArray(v.softmaxRows)) fail('softmaxRows', 'is not a list');
    v.softmaxRows.forEach((f, i) => {
      const q = `softmaxRows[${i}]`;
      if (!isObj(f) || typeof f.name !== 'string' || typeof f.file !== 'string')
        fail(q, 'is not {name, file, line, rowSums}');
      num(f, 'line', q);
      numbers(f.rowSums, `${q}.rowSums`);
    });
  }
  num(v, 'evaluations', 'answer');
  num(v, 'elapsedMs', 'answer');
  if (typeof v.runtime !== 'string') fail('runtime', 'is not text');
  if (v.timings !== undefined) {
    if (!isObj(v.timings)) fail('timings', 'is not an object');
    for (const [k, x] of Object.entries(v.timings)) if (typeof x !== 'number') fail(`timings.${k}`, 'is not a number');
  }
  return v as unknown as RunResult;
}
