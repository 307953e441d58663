import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crossEntropyError,
  crossEntropyErrorBatch,
  crossEntropyErrorLabels,
  sumSquaresError,
} from '../../src/core/functions';
import {
  function1,
  function2,
  gradientDescent,
  numericalDiff,
  numericalDiffForward,
  numericalGradient,
} from '../../src/core/gradient';
import { SimpleNet } from '../../src/core/simpleNet';
import { fromRows } from '../../src/core/matrix';
import { assertAllClose, assertClose, vectors } from './helpers';

test('sumSquaresError matches the book for both examples', () => {
  for (const v of vectors.sum_squares_error) assertClose(sumSquaresError(v.y, v.t), v.expected, { rel: 1e-9 });
});

test('crossEntropyError (single, δ = 1e-7) matches the book, in one-hot, batch and label forms', () => {
  for (const v of vectors['cross_entropy_error_single_delta_1e-7']) {
    assertClose(crossEntropyError(v.y, v.t), v.expected, { rel: 1e-9 });
    const y = fromRows([v.y]);
    assertClose(crossEntropyErrorBatch(y, fromRows([v.t])), v.expected, { rel: 1e-9 }, 'batch one-hot');
    assertClose(crossEntropyErrorLabels(y, [v.t.indexOf(1)]), v.expected, { rel: 1e-9 }, 'batch labels');
  }
});

test('batch cross entropy averages over rows', () => {
  const [a, b] = vectors['cross_entropy_error_single_delta_1e-7'];
  const y = fromRows([a.y, b.y]);
  assertClose(crossEntropyErrorBatch(y, fromRows([a.t, b.t])), (a.expected + b.expected) / 2, { rel: 1e-12 });
  assertClose(crossEntropyErrorLabels(y, [2, 2]), (a.expected + b.expected) / 2, { rel: 1e-12 });
});

test("numericalDiff (central, h = 1e-4) gives the book's digits at x = 5 and x = 10", () => {
  const v = vectors['numerical_diff_central_h_1e-4'];
  assert.equal(numericalDiff(function1, 5), v.at['5']);
  assert.equal(numericalDiff(function1, 10), v.at['10']);
  assertClose(numericalDiff(function1, 5), v.analytic['5'], { abs: 1e-9 });
});

test('forward difference with h = 1e-50 is exactly 0 (x + h == x)', () => {
  assert.equal(numericalDiffForward(function1, 5, 1e-50), vectors['numerical_diff_forward_h_1e-50'].at['5']);
});

test('partial derivatives of x0² + x1² at (3, 4)', () => {
  const v = vectors.partial_derivatives;
  assertClose(
    numericalDiff((x0) => x0 * x0 + 4.0 ** 2, 3.0),
    v['d_dx0_via_f(x0)=x0*x0+16'],
    { abs: 1e-9 },
  );
  assertClose(
    numericalDiff((x1) => 3.0 ** 2 + x1 * x1, 4.0),
    v['d_dx1_via_f(x1)=9+x1*x1'],
    { abs: 1e-9 },
  );
});

test('numericalGradient of function_2 at (3,4), (0,2), (3,0) and restores x', () => {
  for (const v of vectors.numerical_gradient_function_2) {
    const x = Float64Array.from(v.x);
    assertAllClose(numericalGradient(function2, x), v.expected, { abs: 1e-7 });
    assert.deepEqual(Array.from(x), v.x, 'x is restored after perturbation');
  }
});

test('gradientDescent from (−3, 4): lr 0.1 converges, lr 10 diverges, lr 1e-10 stalls', () => {
  for (const v of vectors['gradient_descent_function_2_from_-3_4_100_steps']) {
    const { x, path } = gradientDescent(function2, [-3, 4], v.lr, 100);
    const tol = v.tolerance.startsWith('relative') ? { rel: 1e-6 } : { abs: 1e-7 };
    assertAllClose(x, v.expected, tol, `lr ${v.lr}`);
    assert.equal(path.length, 101);
    assert.deepEqual(Array.from(path[0]), [-3, 4]);
  }
});

test('simpleNet predict, loss and dW match the book for both fixed W', () => {
  for (const v of vectors.simpleNet) {
    const net = new SimpleNet(v.W);
    const p = net.predict(v.x);
    assertAllClose(p, v.predict, { abs: 1e-7 }, 'predict');
    assert.equal(p.indexOf(Math.max(...p)), v.argmax);
    assertClose(net.loss(v.x, v.t), v.loss, { rel: 1e-9 }, 'loss');
    assertAllClose(net.numericalGradient(v.x, v.t).data, v.dW.flat(), { abs: 1e-7 }, 'dW');
  }
});

test('two_layer_net vectors: parameter count 39,760 for 784-50-10', () => {
  const s = vectors.two_layer_net.shapes;
  const count = s.W1[0] * s.W1[1] + s.b1[0] + s.W2[0] * s.W2[1] + s.b2[0];
  assert.equal(count, vectors.two_layer_net.parameter_count);
  assert.equal(count, 784 * 50 + 50 + 50 * 10 + 10);
});
