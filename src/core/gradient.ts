/** Numerical differentiation and gradient descent (chapter 4.3–4.4), in float64. */

export type ScalarFunction = (x: number) => number;
export type VectorFunction = (x: Float64Array) => number;

/** Central difference (f(x+h) − f(x−h)) / 2h — the book's choice, h = 1e-4. */
export function numericalDiff(f: ScalarFunction, x: number, h = 1e-4): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** Forward difference (f(x+h) − f(x)) / h — the lesson's bad example (try h = 1e-50). */
export function numericalDiffForward(f: ScalarFunction, x: number, h = 1e-4): number {
  return (f(x + h) - f(x)) / h;
}

/** ∂f/∂x_i for every element: perturb x[i] in place by ±h, evaluate f, restore x[i]. */
export function numericalGradient(f: VectorFunction, x: Float64Array, h = 1e-4): Float64Array {
  const grad = new Float64Array(x.length);
  for (let idx = 0; idx < x.length; idx++) {
    const tmp = x[idx];
    x[idx] = tmp + h;
    const fxh1 = f(x);
    x[idx] = tmp - h;
    const fxh2 = f(x);
    grad[idx] = (fxh1 - fxh2) / (2 * h);
    x[idx] = tmp;
  }
  return grad;
}

export interface DescentResult {
  x: Float64Array;
  /** Every point visited, starting with initX. */
  path: Float64Array[];
}

/** x ← x − η ∇f(x), stepNum times, from a copy of initX. */
export function gradientDescent(f: VectorFunction, initX: ArrayLike<number>, lr = 0.01, stepNum = 100): DescentResult {
  const x = Float64Array.from(initX);
  const path = [Float64Array.from(x)];
  for (let i = 0; i < stepNum; i++) {
    const grad = numericalGradient(f, x);
    for (let k = 0; k < x.length; k++) x[k] -= lr * grad[k];
    path.push(Float64Array.from(x));
  }
  return { x, path };
}

export function function1(x: number): number {
  return 0.01 * x ** 2 + 0.1 * x;
}

export function function2(x: Float64Array): number {
  return x[0] ** 2 + x[1] ** 2;
}
