import { crossEntropyErrorLabels, softmax } from './functions';
import { numericalGradient } from './gradient';
import { Matrix, argmaxRows, dot, fromRows } from './matrix';
import { Random } from './random';

/** The book's simpleNet: one 2×3 weight matrix, loss = cross_entropy(softmax(x·W), t). */
export class SimpleNet {
  W: Matrix;

  constructor(W?: number[][], rng = new Random(0)) {
    this.W = W ? fromRows(W) : fromRows([0, 1].map(() => [0, 1, 2].map(() => rng.randn())));
  }

  predict(x: ArrayLike<number>): Float64Array {
    return dot({ rows: 1, cols: x.length, data: Float64Array.from(x) }, this.W).data;
  }

  /** t is one-hot; like the test vectors, the loss takes log(y[label] + δ). */
  loss(x: ArrayLike<number>, t: ArrayLike<number>): number {
    const z = this.predict(x);
    const y = softmax({ rows: 1, cols: z.length, data: z });
    const label = argmaxRows({ rows: 1, cols: t.length, data: Float64Array.from(t) })[0];
    return crossEntropyErrorLabels(y, [label]);
  }

  /** dW = numerical_gradient(lambda w: net.loss(x, t), net.W) */
  numericalGradient(x: ArrayLike<number>, t: ArrayLike<number>): Matrix {
    const data = numericalGradient(() => this.loss(x, t), this.W.data);
    return { rows: this.W.rows, cols: this.W.cols, data };
  }
}
