import { LabeledImages, range, toBatch } from './dataset';
import { DELTA, crossEntropyErrorBatch, sigmoid, softmax } from './functions';
import { numericalGradient } from './gradient';
import { Matrix, argmaxRows, dot, dotTransA, dotTransB, sumRows, zeros } from './matrix';
import { Random } from './random';

export interface TwoLayerParams {
  W1: Matrix;
  b1: Float64Array;
  W2: Matrix;
  b2: Float64Array;
}

export type ParamName = keyof TwoLayerParams;
export const PARAM_NAMES: ParamName[] = ['W1', 'b1', 'W2', 'b2'];

export interface NetShape {
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
}

export type GradientMethod = 'backprop' | 'numerical';

/** What the trainer needs from a network; the float64 TwoLayerNet and the fast engine both provide it. */
export interface TrainableNetwork {
  readonly shape: NetShape;
  /** One SGD step on the rows `indices` of `set`; returns the mini-batch loss on the updated weights (as the book records it). */
  trainStep(set: LabeledImages, indices: Int32Array, learningRate: number, method: GradientMethod): number;
  /** Fraction of `set` classified correctly. */
  accuracyOn(set: LabeledImages): number;
  /** The parameters as float64 copies. */
  exportParams(): TwoLayerParams;
  /** Backprop's gradient of the loss on the rows `indices` of `set`, at the current weights (nothing changes). */
  gradientOn(set: LabeledImages, indices: Int32Array): TwoLayerParams;
  /** The loss on the rows `indices` of `set` at the current weights. */
  lossOn(set: LabeledImages, indices: Int32Array): number;
  /**
   * Optional: whatever an engine prepares once per data set (the fast engine's copy of the non-zero
   * pixels), done now. Trainer.run calls it before its clock starts, as the peers load their data.
   */
  prepare?(set: LabeledImages): void;
  /** Optional: replaces the weights with copies of `params` (exportParams' inverse). */
  importParams?(params: TwoLayerParams): void;
  /** Optional: the threads computing each step (2 when the fast engine shares its work with a second core). */
  threads?(): number;
}

export function paramData(p: TwoLayerParams, name: ParamName): Float64Array {
  const v = p[name];
  return v instanceof Float64Array ? v : v.data;
}

/** The book's SGD update, every parameter: W ← W − lr·dW. */
export function sgdStep(params: TwoLayerParams, grad: TwoLayerParams, learningRate: number): void {
  for (const name of PARAM_NAMES) {
    const p = paramData(params, name);
    const d = paramData(grad, name);
    for (let i = 0; i < p.length; i++) p[i] -= learningRate * d[i];
  }
}

/** W = std·randn, b = 0 — in the order W1 then W2, so one seed gives one network. */
export function initParams(shape: NetShape, weightInitStd: number, rng: Random): TwoLayerParams {
  const W1 = zeros(shape.inputSize, shape.hiddenSize);
  for (let i = 0; i < W1.data.length; i++) W1.data[i] = weightInitStd * rng.randn();
  const W2 = zeros(shape.hiddenSize, shape.outputSize);
  for (let i = 0; i < W2.data.length; i++) W2.data[i] = weightInitStd * rng.randn();
  return { W1, b1: new Float64Array(shape.hiddenSize), W2, b2: new Float64Array(shape.outputSize) };
}

export interface Forward {
  a1: Matrix;
  z1: Matrix;
  a2: Matrix;
  y: Matrix;
}

/** The book's TwoLayerNet in float64: the reference every faster path is tested against. */
export class TwoLayerNet implements TrainableNetwork {
  readonly shape: NetShape;
  params: TwoLayerParams;
  /**
   * The δ in log(y + δ). Backprop's dy = (y − t)/N is the gradient of the loss without δ, so a
   * gradient check against the numerical gradient differs by about δ/y·(1 − y)/N per element
   * (≈1e-7 on a batch of 3: the book's b2 check shows it). Set 0 for an exact check.
   */
  delta = DELTA;

  constructor(shape: NetShape, weightInitStd = 0.01, rng = new Random(42), params?: TwoLayerParams) {
    this.shape = shape;
    this.params = params ?? initParams(shape, weightInitStd, rng);
  }

  /** a1 = x·W1 + b1; z1 = sigmoid(a1); a2 = z1·W2 + b2; y = softmax(a2) */
  forward(x: Matrix): Forward {
    const { W1, b1, W2, b2 } = this.params;
    const a1 = dot(x, W1, b1);
    const z1 = zeros(a1.rows, a1.cols);
    for (let i = 0; i < a1.data.length; i++) z1.data[i] = sigmoid(a1.data[i]);
    const a2 = dot(z1, W2, b2);
    return { a1, z1, a2, y: softmax(a2) };
  }

  predict(x: Matrix): Matrix {
    return this.forward(x).y;
  }

  loss(x: Matrix, t: Matrix): number {
    return crossEntropyErrorBatch(this.predict(x), t, this.delta);
  }

  /** mean(argmax(y) == argmax(t)) */
  accuracy(x: Matrix, t: Matrix): number {
    const y = argmaxRows(this.predict(x));
    const label = argmaxRows(t);
    let correct = 0;
    for (let i = 0; i < y.length; i++) if (y[i] === label[i]) correct++;
    return correct / x.rows;
  }

  /** Backpropagation (previewing chapter 5). */
  gradient(x: Matrix, t: Matrix): TwoLayerParams {
    const { W2 } = this.params;
    const { a1, z1, y } = this.forward(x);
    const N = x.rows;
    const dy = zeros(y.rows, y.cols);
    for (let i = 0; i < dy.data.length; i++) dy.data[i] = (y.data[i] - t.data[i]) / N;
    const dW2 = dotTransA(z1, dy);
    const db2 = sumRows(dy);
    const da1 = dotTransB(dy, W2);
    const dz1 = zeros(a1.rows, a1.cols);
    // sigmoid'(a1) = (1 − z1)·z1, reusing z1 = sigmoid(a1)
    for (let i = 0; i < dz1.data.length; i++) dz1.data[i] = (1 - z1.data[i]) * z1.data[i] * da1.data[i];
    const dW1 = dotTransA(x, dz1);
    const db1 = sumRows(dz1);
    return { W1: dW1, b1: db1, W2: dW2, b2: db2 };
  }

  /** The book's numerical_gradient over every parameter: correct, and two full forward passes per parameter. */
  numericalGradient(x: Matrix, t: Matrix, h = 1e-4): TwoLayerParams {
    const lossW = () => this.loss(x, t);
    const g = (name: ParamName) => numericalGradient(lossW, paramData(this.params, name), h);
    const { W1, W2 } = this.params;
    return {
      W1: { rows: W1.rows, cols: W1.cols, data: g('W1') },
      b1: g('b1'),
      W2: { rows: W2.rows, cols: W2.cols, data: g('W2') },
      b2: g('b2'),
    };
  }

  trainStep(set: LabeledImages, indices: Int32Array, learningRate: number, method: GradientMethod): number {
    const { x, t } = toBatch(set, indices, this.shape.outputSize);
    const grad = method === 'backprop' ? this.gradient(x, t) : this.numericalGradient(x, t);
    sgdStep(this.params, grad, learningRate);
    return this.loss(x, t);
  }

  gradientOn(set: LabeledImages, indices: Int32Array): TwoLayerParams {
    const { x, t } = toBatch(set, indices, this.shape.outputSize);
    return this.gradient(x, t);
  }

  lossOn(set: LabeledImages, indices: Int32Array): number {
    const { x, t } = toBatch(set, indices, this.shape.outputSize);
    return this.loss(x, t);
  }

  accuracyOn(set: LabeledImages, chunk = 1000): number {
    let correct = 0;
    for (let start = 0; start < set.count; start += chunk) {
      const { x } = toBatch(set, range(start, Math.min(set.count, start + chunk)), this.shape.outputSize);
      const y = argmaxRows(this.predict(x));
      for (let r = 0; r < y.length; r++) if (y[r] === set.labels[start + r]) correct++;
    }
    return correct / set.count;
  }

  importParams(params: TwoLayerParams): void {
    for (const name of PARAM_NAMES) paramData(this.params, name).set(paramData(params, name));
  }

  exportParams(): TwoLayerParams {
    const { W1, b1, W2, b2 } = this.params;
    const copy = (m: Matrix): Matrix => ({ rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) });
    return { W1: copy(W1), b1: Float64Array.from(b1), W2: copy(W2), b2: Float64Array.from(b2) };
  }
}
