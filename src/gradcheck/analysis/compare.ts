import type { RunOutput } from '../types';

/**
 * Numerical against analytic, element by element, in float64. The numerical gradient is the
 * book's central difference (f(x+h) − f(x−h)) / 2h; each element gets its absolute error and
 * its relative error |a − n| / max(|a|, |n|, tiny), the measure CS231n recommends.
 *
 * Thresholds (torch.autograd.gradcheck and CS231n practice, tightened for float64):
 * - an element passes when its relative error is at most 1e-5, or when |a − n| is at most
 *   1e-8·max(1, |f(x)|): near-zero gradients have meaningless relative errors, and rounding
 *   in f(x ± h) alone costs about |f|·ε/h ≈ 2e-12·|f| at h = 1e-4;
 * - at most 1e-7 everywhere is "excellent": what a correct float64 gradient gives;
 * - between 1e-7 and 1e-5 still passes, but is what a float32 step or a numerical gradient
 *   with a larger h would give, so the report says so;
 * - where the function curves sharply (−log y with y near 0) the central difference itself is
 *   off by its h² truncation error. An element that misses at h but agrees at h/10, with the
 *   error shrinking like h² (30 to 3000 times smaller), passes as "converged". A kink is not
 *   mistaken for this: there the error vanishes at h/10 instead of shrinking a hundredfold.
 */
export const THRESHOLDS = { relative: 1e-5, excellent: 1e-7, absolute: 1e-8 } as const;
export const TINY = 1e-300;

export interface ElementRow {
  /** Flat (row-major) index and its position in the array. */
  index: number;
  position: number[];
  x: number;
  numerical: number;
  analytic: number | null;
  absError: number | null;
  relError: number | null;
  ok: boolean | null;
  /** Passes only against the central difference at h/10 (see THRESHOLDS). */
  converged?: boolean;
}

export interface Comparison {
  rows: ElementRow[];
  maxRelativeError: number | null;
  maxAbsoluteError: number | null;
  failing: number;
  /** The absolute error below which an element passes whatever its relative error. */
  absoluteFloor: number;
}

export function relativeError(a: number, n: number): number {
  const d = Math.abs(a - n);
  if (Number.isNaN(d)) return NaN;
  if (d === 0) return 0;
  return d / Math.max(Math.abs(a), Math.abs(n), TINY);
}

export function positionOf(index: number, shape: number[]): number[] {
  const pos: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    pos.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return pos;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Shapes that agree once 1-sized axes are dropped: (3,) and (1, 3) hold the same gradient. */
export function sameShape(a: number[], b: number[]): boolean {
  const sa = a.filter((d) => d !== 1);
  const sb = b.filter((d) => d !== 1);
  return sa.length === sb.length && sa.every((d, k) => d === sb[k]);
}

/**
 * Whether numpy's in-place update `x -= lr * grad` works with a gradient of shape `grad` and keeps x's
 * shape: broadcasting them (axes matched from the right, a 1 stretching) must give x's shape. (3,) updates
 * (1, 3); (1, 3), (1, 1, 3) and (3, 1) cannot update (3,).
 */
export function updatesInPlace(x: number[], grad: number[]): boolean {
  return grad.length <= x.length && grad.every((d, k) => d === x[x.length - grad.length + k] || d === 1);
}

export function centralDifferences(plus: number[], minus: number[], h: number): number[] {
  return plus.map((p, k) => (p - minus[k]) / (2 * h));
}

/**
 * Rows sorted worst first. `analytic` is read at the same flat index (row-major), so it must
 * already be known to have the numerical gradient's shape (or be absent).
 */
export function compare(
  out: RunOutput,
  h: number,
  analytic: number[] | null,
  refined?: Map<number, number>,
): Comparison {
  const numerical = centralDifferences(out.plus, out.minus, h);
  const absoluteFloor = THRESHOLDS.absolute * Math.max(1, Number.isFinite(out.f0) ? Math.abs(out.f0) : 1);
  const rows: ElementRow[] = out.indices.map((index, k) => {
    const n = numerical[k];
    const a = analytic ? analytic[index] : null;
    const at = { index, position: positionOf(index, out.shape), x: out.x[index], numerical: n };
    if (a === null) return { ...at, analytic: null, absError: null, relError: null, ok: null };
    const absError = Math.abs(a - n);
    const relError = relativeError(a, n);
    const ok =
      Number.isFinite(a) && Number.isFinite(n) && (relError <= THRESHOLDS.relative || absError <= absoluteFloor);
    const r = ok ? undefined : refined?.get(index);
    const shrink = r === undefined ? 0 : relError / Math.max(relativeError(a, r), TINY);
    const converged =
      r !== undefined &&
      Number.isFinite(r) &&
      relativeError(a, r) <= THRESHOLDS.relative &&
      shrink >= 30 &&
      shrink <= 3000;
    return {
      ...at,
      analytic: a,
      absError,
      relError,
      ok: ok || converged,
      ...(converged ? { converged } : {}),
    };
  });
  const badness = (r: ElementRow) =>
    r.relError === null
      ? -1
      : Number.isNaN(r.relError) || !Number.isFinite(r.numerical)
        ? Infinity
        : r.ok
          ? r.relError
          : 2 + r.relError;
  rows.sort((p, q) => badness(q) - badness(p) || p.index - q.index);
  const rel = rows.filter((r) => r.relError !== null).map((r) => r.relError!);
  const abs = rows.filter((r) => r.absError !== null).map((r) => r.absError!);
  const max = (v: number[]) =>
    v.length ? v.reduce((m, e) => (Number.isNaN(e) || Number.isNaN(m) ? NaN : Math.max(m, e)), 0) : null;
  return {
    rows,
    maxRelativeError: max(rel),
    maxAbsoluteError: max(abs),
    failing: rows.filter((r) => r.ok === false).length,
    absoluteFloor,
  };
}

export interface ErrorVsH {
  index: number;
  position: number[];
  hs: number[];
  /** Relative errors of the forward and central differences (0 drawn at 1e-17). */
  forward: number[];
  central: number[];
  reference: number;
  referenceKind: 'analytic' | 'extrapolated';
}

/** Relative errors below this are drawn at it: a log axis has no 0. */
export const ERROR_FLOOR = 1e-17;

/** Decades 1e-1 … 1e-15 for the chart, plus 4e-4 and 2e-4 for the Richardson reference. */
export const SWEEP_HS = [...Array.from({ length: 15 }, (_, k) => Number(`1e-${k + 1}`)), 4e-4, 2e-4];
const REFERENCE_ONLY = new Set([4e-4, 2e-4]);

/**
 * The book's "why not h = 1e-50" lesson on the learner's function: error of the forward and
 * central differences as h shrinks. The reference is their gradient when it agrees with the
 * numerical one, else two levels of Richardson extrapolation of central differences D at
 * h = 4e-4, 2e-4, 1e-4 — R(h) = (4·D(h/2) − D(h)) / 3, then (16·R(h/2) − R(h)) / 15 —
 * accurate to O(h⁶), about 1e-11 relative even where the function curves sharply.
 */
export function errorVsH(out: RunOutput, analyticAt: number | null): ErrorVsH | null {
  const s = out.sweep;
  if (!s || !Number.isFinite(out.f0)) return null;
  const at = (h: number) => s.hs.indexOf(h);
  const central = (k: number) => (s.plus[k] - s.minus[k]) / (2 * s.hs[k]);
  const [d1, d2, d4] = [at(1e-4), at(2e-4), at(4e-4)].map((k) => (k >= 0 ? central(k) : NaN));
  const r1 = (4 * d1 - d2) / 3;
  const r2 = (4 * d2 - d4) / 3;
  const extrapolated = Number.isFinite(r1) && Number.isFinite(r2) ? (16 * r1 - r2) / 15 : d1;
  const useAnalytic =
    analyticAt !== null &&
    Number.isFinite(analyticAt) &&
    relativeError(analyticAt, extrapolated) <= THRESHOLDS.relative;
  const reference = useAnalytic ? analyticAt! : extrapolated;
  const keep = s.hs.map((_, k) => k).filter((k) => !REFERENCE_ONLY.has(s.hs[k]));
  const err = (d: number) => {
    const e = Math.abs(d - reference) / Math.max(Math.abs(reference), TINY);
    return Number.isFinite(e) ? Math.max(e, ERROR_FLOOR) : NaN;
  };
  return {
    index: s.index,
    position: positionOf(s.index, out.shape),
    hs: keep.map((k) => s.hs[k]),
    forward: keep.map((k) => err((s.plus[k] - out.f0) / s.hs[k])),
    central: keep.map((k) => err(central(k))),
    reference,
    referenceKind: useAnalytic ? 'analytic' : 'extrapolated',
  };
}
