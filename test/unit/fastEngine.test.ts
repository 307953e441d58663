import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LabeledImages, toBatch } from '../../src/core/dataset';
import { FastTwoLayerNet } from '../../src/engine/fastNet';
import { createNetwork } from '../../src/engine/network';
import { parseTrainArgs } from '../../src/cli/train';
import { Random } from '../../src/core/random';
import { sparseImages } from '../../src/engine/sparseImages';
import { BOOK_DEFAULTS, TrainEvent, Trainer } from '../../src/core/trainer';
import { PARAM_NAMES, TwoLayerNet, paramData } from '../../src/core/twoLayerNet';
import { loadBundled } from '../../src/node/mnistFiles';
import { ROOT, maxAbsDiff } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));

/** A float64 reference net with weights large enough that every layer matters, and the fast engine holding the same weights. */
function twins(hiddenSize: number, seed: number) {
  const shape = { inputSize: 784, hiddenSize, outputSize: 10 };
  const reference = new TwoLayerNet(shape, 0.1, new Random(seed));
  reference.params.b1.forEach((_, j) => (reference.params.b1[j] = ((j % 5) - 2) * 0.5));
  reference.params.b2.forEach((_, c) => (reference.params.b2[c] = (c % 3) * 0.3));
  return { reference, fast: new FastTwoLayerNet(shape, 0, new Random(0), reference.exportParams()) };
}

for (const hiddenSize of [50, 7, 100]) {
  test(`fast kernels compute z1 = sigmoid(x·W1 + b1), a2 = z1·W2 + b2 and softmax like the float64 net (hidden ${hiddenSize})`, () => {
    const { reference, fast } = twins(hiddenSize, hiddenSize);
    const rows = [0, 1, 2, 7, 500, 9999];
    const expected = reference.forward(toBatch(data.test, rows).x);
    const got = fast.forwardRows(data.test, rows);
    assert.ok(maxAbsDiff(got.z1.data, expected.z1.data) <= 2e-6, `z1 ${maxAbsDiff(got.z1.data, expected.z1.data)}`);
    assert.ok(maxAbsDiff(got.a2.data, expected.a2.data) <= 2e-5, `a2 ${maxAbsDiff(got.a2.data, expected.a2.data)}`);
    assert.ok(maxAbsDiff(got.y.data, expected.y.data) <= 2e-6, `y ${maxAbsDiff(got.y.data, expected.y.data)}`);
    // Not vacuous: the hidden units are spread out and the outputs differ between rows.
    assert.ok(Math.min(...expected.z1.data) < 0.2 && Math.max(...expected.z1.data) > 0.8);
    assert.ok(Math.max(...expected.a2.data) - Math.min(...expected.a2.data) > 0.5);
  });
}

test('the SIMD sigmoid and softmax stay finite and exact at the extremes (|a| = 1000)', () => {
  const { reference } = twins(8, 3);
  reference.params.b1.set([-1000, -90, -20, 0, 20, 90, 1000, 1]);
  reference.params.b2.set([1000, -1000, 0, 999, 0, 0, 0, 0, 0, 0]);
  const twin = new FastTwoLayerNet(reference.shape, 0, new Random(0), reference.exportParams());
  const got = twin.forwardRows(data.test, [4, 5]);
  const expected = reference.forward(toBatch(data.test, [4, 5]).x);
  assert.ok(got.y.data.every(Number.isFinite) && got.z1.data.every(Number.isFinite));
  assert.ok(maxAbsDiff(got.z1.data, expected.z1.data) <= 1e-6);
  assert.ok(maxAbsDiff(got.y.data, expected.y.data) <= 1e-6);
});

test('one fast SGD step (backward kernel, W1 updated in place over the non-zero pixels) equals the float64 step', () => {
  for (const hiddenSize of [50, 7]) {
    const { reference, fast } = twins(hiddenSize, 11);
    const batch = new Random(5).choice(data.train.count, 100);
    const lossRef = reference.trainStep(data.train, batch, 0.1, 'backprop');
    const lossFast = fast.trainStep(data.train, batch, 0.1, 'backprop');
    assert.ok(Math.abs(lossRef - lossFast) <= 1e-5 * lossRef, `loss ${lossRef} vs ${lossFast}`);
    const after = fast.exportParams();
    for (const name of PARAM_NAMES) {
      const d = maxAbsDiff(paramData(after, name), paramData(reference.params, name));
      assert.ok(d <= 2e-6, `hidden ${hiddenSize} ${name}: max |fast − reference| = ${d}`);
    }
  }
});

test('the fast engine copies parameters in and out exactly (float32 values round-trip)', () => {
  const net = new FastTwoLayerNet({ inputSize: 784, hiddenSize: 13, outputSize: 10 }, 0.01, new Random(2));
  const p = net.exportParams();
  const again = new FastTwoLayerNet(net.shape, 0, new Random(0), p).exportParams();
  for (const name of PARAM_NAMES) assert.deepEqual(paramData(again, name), paramData(p, name));
  assert.equal(p.W1.rows, 784);
  assert.equal(p.W2.cols, 10);
});

test('the fast engine is the CLI default and starts from the same weights as the reference for a seed', () => {
  const cli = parseTrainArgs([]);
  assert.equal(cli !== 'help' && cli.engine, 'fast');
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const fast = createNetwork('fast', shape, { weightInitStd: 0.01, seed: 9 }).exportParams();
  const reference = createNetwork('reference', shape, { weightInitStd: 0.01, seed: 9 }).exportParams();
  // Only float32 rounding apart: half an ulp of weights below 0.06 is under 2.3e-9.
  assert.ok(maxAbsDiff(fast.W1.data, reference.W1.data) <= 5e-9, `${maxAbsDiff(fast.W1.data, reference.W1.data)}`);
  assert.ok(maxAbsDiff(fast.W2.data, reference.W2.data) <= 5e-9);
});

test('accuracy of the fast engine equals the float64 accuracy on the whole test set', () => {
  const { reference, fast } = twins(50, 21);
  const expected = reference.accuracyOn(data.test);
  assert.ok(
    Math.abs(fast.accuracyOn(data.test) - expected) <= 0.0005,
    `fast ${fast.accuracyOn(data.test)} vs ${expected}`,
  );
});

test('a learning rate that overflows float32 makes the fast engine report divergence, not a number', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 50, learningRate: 1e308, seed: 3 };
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const summary = await new Trainer(createNetwork('fast', shape, config), data, config).run();
  assert.equal(summary.reason, 'diverged');
  assert.match(summary.message ?? '', /learning rate 1e\+308 is too large/);
});

test('the sparse view keeps exactly the non-zero pixels, built once per set', () => {
  const set: LabeledImages = {
    count: 2,
    size: 4,
    images: Uint8Array.from([0, 255, 0, 51, 0, 0, 0, 0]),
    labels: Uint8Array.from([1, 2]),
  };
  const view = sparseImages(set);
  assert.deepEqual(Array.from(view.rowStart), [0, 2, 2]);
  assert.deepEqual(Array.from(view.pixel), [1, 3]);
  assert.deepEqual(Array.from(view.value), [1, Math.fround(0.2)]);
  assert.equal(sparseImages(set), view);
  const mnist = sparseImages(data.train);
  const nonZero = data.train.images.reduce((n, b) => n + (b !== 0 ? 1 : 0), 0);
  assert.equal(mnist.rowStart[mnist.count], nonZero);
  assert.ok(nonZero / data.train.images.length < 0.25, 'MNIST is mostly zeros');
});

test('fast and float64 engines train to the same accuracy (±1 pp) for the same seed in 1,000 iterations', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 1000, seed: 1 };
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'iteration' ? [e.loss] : []));
  const refEvents: TrainEvent[] = [];
  const fastEvents: TrainEvent[] = [];
  const ref = await new Trainer(createNetwork('reference', shape, config), data, config).run((e) => refEvents.push(e));
  const fast = await new Trainer(createNetwork('fast', shape, config), data, config).run((e) => fastEvents.push(e));
  assert.equal(fast.reason, 'finished');
  assert.ok(
    Math.abs(fast.testAccuracy - ref.testAccuracy) <= 0.01,
    `test accuracy fast ${fast.testAccuracy} vs reference ${ref.testAccuracy}`,
  );
  assert.ok(
    Math.abs(fast.trainAccuracy - ref.trainAccuracy) <= 0.01,
    `train accuracy fast ${fast.trainAccuracy} vs reference ${ref.trainAccuracy}`,
  );
  assert.ok(fast.testAccuracy >= 0.83);
  // The loss curves follow each other step by step.
  const a = losses(refEvents);
  const b = losses(fastEvents);
  assert.equal(b.length, 1000);
  assert.ok(maxAbsDiff(a, b) < 0.05, `loss curves differ by ${maxAbsDiff(a, b)}`);
});
