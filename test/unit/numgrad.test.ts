import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { range, toBatch } from '../../src/core/dataset';
import { FastTwoLayerNet } from '../../src/engine/fastNet';
import { fastNumericalGradient, nonZeroColumns } from '../../src/engine/fastNumericalGradient';
import { fromRows } from '../../src/core/matrix';
import { Random } from '../../src/core/random';
import { PARAM_NAMES, TwoLayerNet, TwoLayerParams, paramData } from '../../src/core/twoLayerNet';
import { loadBundled } from '../../src/node/mnistFiles';
import { ROOT, maxAbsDiff } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));

function worstDiff(a: TwoLayerParams, b: TwoLayerParams): number {
  return Math.max(...PARAM_NAMES.map((name) => maxAbsDiff(paramData(a, name), paramData(b, name))));
}

function largest(g: TwoLayerParams): number {
  return Math.max(...PARAM_NAMES.map((name) => Math.max(...Array.from(paramData(g, name), Math.abs))));
}

test("fastNumericalGradient equals the book's naive numerical gradient on a small net (≤ 1e-9, δ = 1e-7 and δ = 0)", () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 5, outputSize: 10 }, 0.5, new Random(9));
  const { x, t } = toBatch(data.train, [3, 8, 11, 20]);
  for (const delta of [1e-7, 0]) {
    net.delta = delta;
    const naive = net.numericalGradient(x, t);
    const fast = fastNumericalGradient(net, x, t);
    assert.ok(worstDiff(naive, fast) <= 1e-9, `δ = ${delta}: max |naive − fast| = ${worstDiff(naive, fast)}`);
    assert.ok(largest(fast) > 1e-2, 'the gradient is not all zero');
  }
});

test('with a large h (exact exponentials instead of the series) fastNumericalGradient still equals the naive one', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 4, outputSize: 10 }, 1, new Random(4));
  const { x, t } = toBatch(data.test, [0, 1, 2]);
  for (const h of [1e-2, 0.3]) {
    const d = worstDiff(net.numericalGradient(x, t, h), fastNumericalGradient(net, x, t, h));
    assert.ok(d <= 1e-9, `h = ${h}: ${d}`);
  }
});

test('fastNumericalGradient handles labels that are not one-hot, like crossEntropyErrorBatch', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 3, outputSize: 10 }, 0.3, new Random(6));
  const { x } = toBatch(data.train, [0, 1]);
  const t = fromRows([
    [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0.2, 0, 0, 0, 0, 0.8, 0],
  ]);
  assert.ok(worstDiff(net.numericalGradient(x, t), fastNumericalGradient(net, x, t)) <= 1e-9);
});

test('fastNumericalGradient matches backprop on the full 784-50-10 net, batch 100 (≤ 1e-7; ≤ 1e-9 with δ = 0)', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 }, 0.01, new Random(7));
  const { x, t } = toBatch(data.train, range(0, 100));
  const before = net.exportParams();
  const backprop = net.gradient(x, t);
  const withDelta = fastNumericalGradient(net, x, t);
  assert.ok(worstDiff(backprop, withDelta) <= 1e-7, `book δ: ${worstDiff(backprop, withDelta)}`);
  net.delta = 0;
  const exact = fastNumericalGradient(net, x, t);
  assert.ok(worstDiff(backprop, exact) <= 1e-9, `δ = 0: ${worstDiff(backprop, exact)}`);
  assert.ok(largest(backprop) > 1e-3);
  // A pixel that is 0 in all 100 images gets gradient exactly 0, as in the book.
  assert.deepEqual(Array.from(exact.W1.data.subarray(0, 50)), new Array(50).fill(0));
  // Nothing was perturbed in place.
  for (const name of PARAM_NAMES) assert.deepEqual(paramData(net.params, name), paramData(before, name));
});

test('nonZeroColumns lists, pixel by pixel, the rows where it is not 0', () => {
  const cols = nonZeroColumns(
    fromRows([
      [0, 0.5, 0],
      [1, 0.25, 0],
    ]),
  );
  assert.deepEqual(Array.from(cols.start), [0, 1, 3, 3]);
  assert.deepEqual(Array.from(cols.row), [1, 0, 1]);
  assert.deepEqual(Array.from(cols.value), [1, 0.5, 0.25]);
});

test("the fast engine's numerical method takes the same SGD step as its backprop", () => {
  const shape = { inputSize: 784, hiddenSize: 20, outputSize: 10 };
  const a = new FastTwoLayerNet(shape, 0.01, new Random(3));
  const b = new FastTwoLayerNet(shape, 0.01, new Random(3));
  const batch = new Random(8).choice(data.train.count, 100);
  const lossNumerical = a.trainStep(data.train, batch, 0.1, 'numerical');
  const lossBackprop = b.trainStep(data.train, batch, 0.1, 'backprop');
  assert.ok(Math.abs(lossNumerical - lossBackprop) <= 1e-5, `${lossNumerical} vs ${lossBackprop}`);
  const pa = a.exportParams();
  const pb = b.exportParams();
  for (const name of PARAM_NAMES) assert.ok(maxAbsDiff(paramData(pa, name), paramData(pb, name)) <= 1e-6, name);
});
