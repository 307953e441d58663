/**
 * Watching the gradients while a network trains (the chapter is about gradients; the loss curve
 * alone does not show them). Three measures, as the practitioners' notes teach them:
 *   - the size of each parameter group's gradient, ‖∇W‖, and of the step it causes relative to the
 *     weights, the update/weight ratio ‖lr·∇W‖ / ‖W‖ (rule of thumb: about 1e-3);
 *   - histograms of the weights and of the gradients;
 *   - whether backprop still agrees with the numerical gradient of chapter 4.3: along one random
 *     direction v over all parameters, (L(θ + hv) − L(θ − hv)) / 2h ≈ ∇L·v — two forward passes —
 *     and, per group, on a few sampled elements (numerical_gradient's loop, for those elements only).
 * Pure functions: the training worker, the CLI and the tests call them.
 */
import { LabeledImages, toBatch } from './dataset';
import { DELTA } from './functions';
import { Random } from './random';
import { PARAM_NAMES, ParamName, TrainableNetwork, TwoLayerNet, TwoLayerParams, paramData } from './twoLayerNet';
import { Matrix } from './matrix';

/** The update/weight ratio the notes call healthy: about 1e-3 (much larger: lr too high; much smaller: too low). */
export const UPDATE_RATIO_RULE = 1e-3;

export interface GroupStat {
  name: ParamName;
  /** ‖∇W‖, the Euclidean norm of the group's gradient. */
  gradNorm: number;
  /** ‖W‖ */
  weightNorm: number;
  /** ‖lr·∇W‖ / ‖W‖: how big one SGD step is relative to the weights (0 when ‖W‖ = 0). */
  updateRatio: number;
}

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Per group (W1, b1, W2, b2): gradient norm, weight norm and update/weight ratio for learning rate `lr`. */
export function groupStats(params: TwoLayerParams, grad: TwoLayerParams, lr: number): GroupStat[] {
  return PARAM_NAMES.map((name) => {
    const gradNorm = norm(paramData(grad, name));
    const weightNorm = norm(paramData(params, name));
    return { name, gradNorm, weightNorm, updateRatio: weightNorm > 0 ? (lr * gradNorm) / weightNorm : 0 };
  });
}

export interface Histogram {
  min: number;
  max: number;
  /** counts[k]: values in [min + k·w, min + (k+1)·w), the last bin closed; w = (max − min) / bins. */
  counts: number[];
}

/** A histogram of the finite values with `bins` equal bins between their min and max. */
export function histogram(values: ArrayLike<number>, bins = 24): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min > max) return { min: 0, max: 0, counts };
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const k = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[k]++;
  }
  return { min, max, counts };
}

/** Histograms of every group's weights and gradients. */
export function groupHistograms(
  params: TwoLayerParams,
  grad: TwoLayerParams,
  bins = 24,
): { name: ParamName; weights: Histogram; grads: Histogram }[] {
  return PARAM_NAMES.map((name) => ({
    name,
    weights: histogram(paramData(params, name), bins),
    grads: histogram(paramData(grad, name), bins),
  }));
}

/** |a − b| / (|a| + |b|), 0 when both are 0: the symmetric relative error gradient checks use. */
export function relativeError(a: number, b: number): number {
  const d = Math.abs(a) + Math.abs(b);
  return d === 0 ? 0 : Math.abs(a - b) / d;
}

/** Above this relative error the timeline calls backprop and the numerical gradient in disagreement. */
export const AGREEMENT_THRESHOLD = 1e-2;

export interface AgreementCheck {
  /** Along the random direction v: the numerical directional derivative and backprop's ∇L·v. */
  directional: { numerical: number; backprop: number; relError: number };
  /** Per group: the sampled elements' numerical and backprop values and their relative error (of the vectors). */
  groups: { name: ParamName; indices: number[]; numerical: number[]; backprop: number[]; relError: number }[];
  /** The largest of the relative errors above. */
  relError: number;
  ok: boolean;
}

/**
 * Does `grad` (backprop's, from the network being trained) agree with the numerical gradient of the
 * float64 loss at `params` on the batch (x, t)? One seeded random direction over all parameters
 * (two forward passes) and `perGroup` sampled elements in each group (two forward passes each).
 */
export function checkGradientAgreement(
  params: TwoLayerParams,
  grad: TwoLayerParams,
  x: Matrix,
  t: Matrix,
  rng: Random,
  perGroup = 2,
  h = 1e-4,
): AgreementCheck {
  const shape = { inputSize: params.W1.rows, hiddenSize: params.W1.cols, outputSize: params.W2.cols };
  const net = new TwoLayerNet(shape, 0, undefined, copyParams(params));
  net.delta = DELTA;
  // The direction: a normal sample per parameter, scaled to length 1.
  const v = PARAM_NAMES.map((name) => {
    const d = new Float64Array(paramData(params, name).length);
    for (let i = 0; i < d.length; i++) d[i] = rng.randn();
    return d;
  });
  const length = Math.sqrt(v.reduce((s, a) => s + norm(a) ** 2, 0));
  for (const a of v) for (let i = 0; i < a.length; i++) a[i] /= length;
  const shift = (sign: number) =>
    PARAM_NAMES.forEach((name, g) => {
      const p = paramData(net.params, name);
      const base = paramData(params, name);
      for (let i = 0; i < p.length; i++) p[i] = base[i] + sign * h * v[g][i];
    });
  shift(1);
  const fPlus = net.loss(x, t);
  shift(-1);
  const fMinus = net.loss(x, t);
  shift(0);
  const numerical = (fPlus - fMinus) / (2 * h);
  let backprop = 0;
  PARAM_NAMES.forEach((name, g) => {
    const d = paramData(grad, name);
    for (let i = 0; i < d.length; i++) backprop += d[i] * v[g][i];
  });
  const directional = { numerical, backprop, relError: relativeError(numerical, backprop) };

  const groups = PARAM_NAMES.map((name) => {
    const p = paramData(net.params, name);
    const d = paramData(grad, name);
    const indices = Array.from({ length: Math.min(perGroup, p.length) }, () => largestOf(d, rng));
    const num: number[] = [];
    for (const idx of indices) {
      const keep = p[idx];
      p[idx] = keep + h;
      const f1 = net.loss(x, t);
      p[idx] = keep - h;
      const f2 = net.loss(x, t);
      p[idx] = keep;
      num.push((f1 - f2) / (2 * h));
    }
    const bp = indices.map((i) => d[i]);
    const diff = norm(num.map((n, k) => n - bp[k]));
    const sum = norm(num) + norm(bp);
    return { name, indices, numerical: num, backprop: bp, relError: sum === 0 ? 0 : diff / sum };
  });
  const relError = Math.max(directional.relError, ...groups.map((g) => g.relError));
  return { directional, groups, relError, ok: relError < AGREEMENT_THRESHOLD };
}

/**
 * An element to sample: the largest |gradient| of 16 random picks, so a group whose gradient is
 * mostly zero (W1 rows of the always-black border pixels) is still compared where it is not.
 */
function largestOf(d: ArrayLike<number>, rng: Random): number {
  let best = rng.randInt(d.length);
  for (let k = 1; k < 16; k++) {
    const i = rng.randInt(d.length);
    if (Math.abs(d[i]) > Math.abs(d[best])) best = i;
  }
  return best;
}

export function copyParams(p: TwoLayerParams): TwoLayerParams {
  const m = (a: Matrix): Matrix => ({ rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) });
  return { W1: m(p.W1), b1: Float64Array.from(p.b1), W2: m(p.W2), b2: Float64Array.from(p.b2) };
}

/** What the gradient views need at one moment of a run: the weights, backprop's gradient on the mini-batch, the group stats. */
export interface GradientSnapshot {
  params: TwoLayerParams;
  grad: TwoLayerParams;
  groups: GroupStat[];
}

/** Rows of the mini-batch the agreement check uses: enough to be a real batch, few enough to be cheap. */
export const AGREEMENT_ROWS = 10;

/** The gradient views and the gradient-correctness timeline for a network while it trains. */
export class GradientWatcher {
  private readonly rng: Random;

  constructor(
    private readonly net: TrainableNetwork,
    private readonly train: LabeledImages,
    seed: number,
  ) {
    this.rng = new Random(seed ^ 0x9ad);
  }

  /** The gradient at the current weights on `batch` and each group's norms and update/weight ratio at rate `lr`. */
  snapshot(batch: Int32Array, lr: number): GradientSnapshot {
    const params = this.net.exportParams();
    const grad = this.net.gradientOn(this.train, batch);
    return { params, grad, groups: groupStats(params, grad, lr) };
  }

  /** Backprop (of the network being trained) against the numerical gradient on the first rows of `batch`. */
  agreement(batch: Int32Array): AgreementCheck {
    const rows = batch.subarray(0, Math.min(AGREEMENT_ROWS, batch.length));
    const params = this.net.exportParams();
    const grad = this.net.gradientOn(this.train, rows);
    const { x, t } = toBatch(this.train, rows, this.net.shape.outputSize);
    return checkGradientAgreement(params, grad, x, t, this.rng);
  }
}
