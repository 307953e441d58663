/**
 * "Check TwoLayerNet Gradients": the book's gradient check (gradient_check.py) for every parameter
 * group — numerical gradient (central differences, h = 1e-4, computed incrementally by
 * fastNumericalGradient: the same numbers as the naive loop) against backpropagation.
 */
import { Dataset, range, toBatch } from '../../core/dataset';
import { fastNumericalGradient } from '../../engine/fastNumericalGradient';
import { Random } from '../../core/random';
import { PARAM_NAMES, ParamName, TwoLayerNet, paramData } from '../../core/twoLayerNet';
import { NetCheckResult, ParamCheck, Verdict, parameterCount } from '../../protocol/train';

export interface NetCheckOptions {
  batchSize: number;
  hiddenSize: number;
  weightInitStd: number;
  seed: number;
}

/**
 * ‖a − b‖ / (‖a‖ + ‖b‖): scale-free, and unlike an element-wise ratio it stays meaningful when
 * many elements are exactly 0 (W1's rows for pixels that are 0 in the whole batch).
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    na += a[i] ** 2;
    nb += b[i] ** 2;
  }
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? 0 : Math.sqrt(diff) / denom;
}

/** Judged on the δ = 0 loss, where backprop is exact: below 1e-7 they agree, up to 1e-4 rounding is suspect, beyond that one is wrong. */
export function verdictFor(relErr: number): Verdict {
  if (!(relErr < 1e-4)) return 'mismatch';
  return relErr < 1e-7 ? 'match' : 'close';
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A fresh network (the book's init) on the first `batchSize` training images, as gradient_check.py does with x_train[:3]. */
export function checkNetworkGradients(data: Dataset, opts: NetCheckOptions): NetCheckResult {
  const shape = { inputSize: data.train.size, hiddenSize: opts.hiddenSize, outputSize: data.classes };
  const net = new TwoLayerNet(shape, opts.weightInitStd, new Random(opts.seed));
  const { x, t } = toBatch(data.train, range(0, Math.min(opts.batchSize, data.train.count)), data.classes);
  const started = performance.now();
  const numerical = fastNumericalGradient(net, x, t);
  net.delta = 0;
  const numericalNoDelta = fastNumericalGradient(net, x, t);
  const backprop = net.gradient(x, t);
  const seconds = (performance.now() - started) / 1000;
  const shapes: Record<ParamName, number[]> = {
    W1: [shape.inputSize, shape.hiddenSize],
    b1: [shape.hiddenSize],
    W2: [shape.hiddenSize, shape.outputSize],
    b2: [shape.outputSize],
  };
  return {
    batchSize: x.rows,
    hiddenSize: opts.hiddenSize,
    parameters: parameterCount(opts.hiddenSize, shape.inputSize, shape.outputSize),
    seconds,
    groups: PARAM_NAMES.map((name): ParamCheck => {
      const [n, n0, b] = [numerical, numericalNoDelta, backprop].map((g) => paramData(g, name));
      const exact = relativeError(n0, b);
      return {
        name,
        shape: shapes[name],
        maxAbsDiff: maxAbsDiff(n, b),
        relativeError: relativeError(n, b),
        relativeErrorNoDelta: exact,
        verdict: verdictFor(exact),
      };
    }),
  };
}
