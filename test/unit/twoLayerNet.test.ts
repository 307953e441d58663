import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PARAM_NAMES, TwoLayerNet, paramData } from '../../src/core/twoLayerNet';
import { Random } from '../../src/core/random';
import { softmax, sigmoid, sigmoidGrad } from '../../src/core/functions';
import { fromRows } from '../../src/core/matrix';
import { range, toBatch } from '../../src/core/dataset';
import { loadBundled } from '../../src/node/mnistFiles';
import { ROOT, assertClose, maxAbsDiff } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));

test('sigmoidGrad is (1 − σ)σ and matches a central difference', () => {
  for (const a of [-3, 0, 0.5, 4]) {
    assertClose(sigmoidGrad(a), (1 - sigmoid(a)) * sigmoid(a), { rel: 1e-15 });
    assertClose(sigmoidGrad(a), (sigmoid(a + 1e-5) - sigmoid(a - 1e-5)) / 2e-5, { abs: 1e-9 });
  }
  assert.equal(sigmoid(0), 0.5);
});

test('softmax is stable for large inputs and rows sum to 1', () => {
  const y = softmax(
    fromRows([
      [1010, 1000, 990],
      [0.3, 2.9, 4.0],
    ]),
  );
  for (let r = 0; r < 2; r++) assertClose(y.data[r * 3] + y.data[r * 3 + 1] + y.data[r * 3 + 2], 1, { abs: 1e-15 });
  assertClose(y.data[0], 0.999954600070331, { rel: 1e-12 });
  assertClose(y.data[5], 0.7365969137693786, { rel: 1e-12 });
  assert.ok(y.data.every(Number.isFinite));
});

test('backprop gradient matches the naive numerical gradient on a batch of 3 (≤ 1e-8, float64)', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, 0.01, new Random(7));
  const { x, t } = toBatch(data.train, [0, 1, 2]);
  const backprop = net.gradient(x, t);
  // Exact: backprop's (y − t)/N is the gradient of the loss without δ.
  net.delta = 0;
  const numerical = net.numericalGradient(x, t);
  for (const name of PARAM_NAMES) {
    const d = maxAbsDiff(paramData(backprop, name), paramData(numerical, name));
    assert.ok(d <= 1e-8, `${name}: max |backprop − numerical| = ${d}`);
  }
  // With the book's δ = 1e-7 the loss itself differs by δ/y: about 1e-7 on the output layer, as in the book's own check.
  net.delta = 1e-7;
  const withDelta = net.numericalGradient(x, t);
  const b2 = maxAbsDiff(paramData(backprop, 'b2'), paramData(withDelta, 'b2'));
  assert.ok(b2 > 1e-8 && b2 < 1e-6, `b2 with δ: ${b2}`);
  assert.ok(maxAbsDiff(paramData(backprop, 'W1'), paramData(withDelta, 'W1')) <= 1e-8);
  // The check is not vacuous: the gradients are not all zero.
  assert.ok(Math.max(...paramData(backprop, 'W2').map(Math.abs)) > 1e-4);
});

test('the naive numerical gradient restores every parameter', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 3, outputSize: 10 }, 0.01, new Random(1));
  const before = net.exportParams();
  const { x, t } = toBatch(data.train, [5, 6]);
  net.numericalGradient(x, t);
  for (const name of PARAM_NAMES) assert.deepEqual(paramData(net.params, name), paramData(before, name));
});

test('initial loss is about ln 10 and initial accuracy about chance', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, 0.01, new Random(3));
  const { x, t } = toBatch(data.train, range(0, 100));
  assertClose(net.loss(x, t), Math.log(10), { abs: 0.02 });
  const acc = net.accuracy(x, t);
  assert.ok(acc >= 0 && acc <= 0.3, `accuracy ${acc}`);
});

test('the same seed gives the same network', () => {
  const a = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, 0.01, new Random(11));
  const b = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, 0.01, new Random(11));
  assert.deepEqual(a.params.W1.data, b.params.W1.data);
  assert.deepEqual(a.params.W2.data, b.params.W2.data);
});
