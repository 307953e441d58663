import { Matrix, zeros } from './matrix';

/** Chapter 4's activation and loss functions, each beside its derivative. */

export const DELTA = 1e-7;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** sigmoid'(x) = (1 − sigmoid(x))·sigmoid(x) */
export function sigmoidGrad(x: number): number {
  const s = sigmoid(x);
  return (1 - s) * s;
}

/** Row-wise softmax, stable: subtract each row's max before exp. */
export function softmax(a: Matrix): Matrix {
  const y = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    const o = i * a.cols;
    let max = -Infinity;
    for (let j = 0; j < a.cols; j++) max = Math.max(max, a.data[o + j]);
    let sum = 0;
    for (let j = 0; j < a.cols; j++) sum += y.data[o + j] = Math.exp(a.data[o + j] - max);
    for (let j = 0; j < a.cols; j++) y.data[o + j] /= sum;
  }
  return y;
}

/** softmax of one vector. */
export function softmaxVector(a: ArrayLike<number>): Float64Array {
  return softmax({ rows: 1, cols: a.length, data: Float64Array.from(a) }).data;
}

/** E = 1/2 Σ_k (y_k − t_k)² */
export function sumSquaresError(y: ArrayLike<number>, t: ArrayLike<number>): number {
  let e = 0;
  for (let k = 0; k < y.length; k++) e += (y[k] - t[k]) ** 2;
  return 0.5 * e;
}

/** Single-example cross entropy with a one-hot t: E = −Σ_k t_k log(y_k + δ). */
export function crossEntropyError(y: ArrayLike<number>, t: ArrayLike<number>): number {
  let e = 0;
  for (let k = 0; k < y.length; k++) e -= t[k] * Math.log(y[k] + DELTA);
  return e;
}

/** Batch cross entropy, one-hot t (N×C): −Σ t·log(y+δ) / N. */
export function crossEntropyErrorBatch(y: Matrix, t: Matrix, delta = DELTA): number {
  if (y.rows !== t.rows || y.cols !== t.cols)
    throw new Error(`crossEntropyErrorBatch: y is (${y.rows},${y.cols}) but t is (${t.rows},${t.cols})`);
  let e = 0;
  for (let i = 0; i < y.data.length; i++) if (t.data[i] !== 0) e -= t.data[i] * Math.log(y.data[i] + delta);
  return e / y.rows;
}

/** Batch cross entropy, labels t (N,): −Σ log(y[arange(N), t] + δ) / N. */
export function crossEntropyErrorLabels(y: Matrix, labels: ArrayLike<number>): number {
  if (labels.length !== y.rows)
    throw new Error(`crossEntropyErrorLabels: ${y.rows} rows of y but ${labels.length} labels`);
  let e = 0;
  for (let i = 0; i < y.rows; i++) e -= Math.log(y.data[i * y.cols + labels[i]] + DELTA);
  return e / y.rows;
}
