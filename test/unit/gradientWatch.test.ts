import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BOOK_DEFAULTS, TrainConfig, Trainer } from '../../src/core/trainer';
import { createNetwork } from '../../src/engine/network';
import { toBatch } from '../../src/core/dataset';
import { Matrix } from '../../src/core/matrix';
import { Random } from '../../src/core/random';
import { FastTwoLayerNet } from '../../src/engine/fastNet';
import { PARAM_NAMES, TwoLayerNet, TwoLayerParams, paramData } from '../../src/core/twoLayerNet';
import {
  GradientWatcher,
  UPDATE_RATIO_RULE,
  checkGradientAgreement,
  groupStats,
  histogram,
  norm,
} from '../../src/core/gradientWatch';
import { OVERFIT_PRESET, initialLossCheck, withTrainImages } from '../../src/core/sanity';
import { findLearningRate, finderRate } from '../../src/core/lrFinder';
import { loadBundled } from '../../src/node/mnistFiles';
import { ROOT, maxAbsDiff } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));
const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
const batch = Int32Array.from([3, 14, 15, 92, 65, 35, 89, 79, 32, 38, 46, 26, 43, 383, 279, 50, 288, 41, 97, 169]);

test('dW1 of the gradient views equals backprop dW1 (reference exactly, the fast engine within float32)', () => {
  const reference = new TwoLayerNet(shape, 0.01, new Random(7));
  const { x, t } = toBatch(data.train, batch);
  const expected = reference.gradient(x, t);
  const viaReference = reference.gradientOn(data.train, batch);
  for (const name of PARAM_NAMES) assert.deepEqual(paramData(viaReference, name), paramData(expected, name));

  const fast = new FastTwoLayerNet(shape, 0.01, new Random(7));
  const before = fast.exportParams();
  const viaFast = fast.gradientOn(data.train, batch);
  // gradientOn leaves the weights as they were.
  for (const name of PARAM_NAMES) assert.deepEqual(paramData(fast.exportParams(), name), paramData(before, name));
  // The fast engine's weights are the float32 rounding of the reference's: compare with backprop at those weights.
  const atFastWeights = new TwoLayerNet(shape, 0, undefined, before).gradient(x, t);
  for (const name of PARAM_NAMES) {
    const d = maxAbsDiff(paramData(viaFast, name), paramData(atFastWeights, name));
    const scale = Math.max(...Array.from(paramData(atFastWeights, name), Math.abs));
    assert.ok(d <= 1e-4 * scale, `${name}: max difference ${d} against max |g| ${scale}`);
  }
});

test('the update/weight ratio equals ‖W_after − W_before‖ / ‖W_before‖ on a recorded step', () => {
  const net = new TwoLayerNet(shape, 0.01, new Random(3));
  const lr = 0.1;
  const before = net.exportParams();
  const stats = groupStats(before, net.gradientOn(data.train, batch), lr);
  net.trainStep(data.train, batch, lr, 'backprop');
  const after = net.exportParams();
  for (const s of stats) {
    const a = paramData(after, s.name);
    const b = paramData(before, s.name);
    const step = norm(Array.from(a, (v, i) => v - b[i]));
    const w = norm(b);
    if (w === 0) assert.equal(s.updateRatio, 0, `${s.name}: zero weights give ratio 0`);
    else
      assert.ok(Math.abs(s.updateRatio - step / w) <= 1e-9 * (step / w), `${s.name}: ${s.updateRatio} vs ${step / w}`);
  }
  assert.ok(UPDATE_RATIO_RULE === 1e-3);
});

test('the initial loss for the default init is within 0.01 of ln 10, and a large init is called out', () => {
  for (const engine of ['reference', 'fast'] as const) {
    const net = createNetwork(engine, shape, BOOK_DEFAULTS);
    const check = initialLossCheck(net.lossOn(data.train, batch), 10);
    assert.ok(Math.abs(check.loss - Math.log(10)) < 0.01, `${engine}: ${check.loss}`);
    assert.equal(check.verdict, 'as-expected');
  }
  const big = createNetwork('reference', shape, { ...BOOK_DEFAULTS, weightInitStd: 1 });
  assert.equal(initialLossCheck(big.lossOn(data.train, batch), 10).verdict, 'too-high');
  assert.equal(initialLossCheck(0.5, 10).verdict, 'too-low');
  assert.equal(initialLossCheck(NaN, 10).verdict, 'too-high');
});

test('the overfit preset reaches ≥ 0.98 train accuracy on 100 images while test accuracy stays far lower', async () => {
  const tiny = withTrainImages(data, OVERFIT_PRESET.trainImages);
  assert.equal(tiny.train.count, 100);
  const config: TrainConfig = { ...BOOK_DEFAULTS, ...OVERFIT_PRESET };
  const summary = await new Trainer(createNetwork('fast', shape, config), tiny, config).run();
  assert.ok(summary.trainAccuracy >= 0.98, `train ${summary.trainAccuracy}`);
  assert.ok(summary.testAccuracy < summary.trainAccuracy - 0.15, `test ${summary.testAccuracy}`);
});

test('a learning-rate change mid-run takes effect at the next iteration and is recorded', async () => {
  const config: TrainConfig = { ...BOOK_DEFAULTS, iters: 40, gradientMethod: 'backprop' };
  const rates: number[] = [];
  const net = createNetwork('reference', shape, config);
  const step = net.trainStep.bind(net);
  net.trainStep = (set, idx, lr, method) => {
    rates.push(lr);
    return step(set, idx, lr, method);
  };
  const trainer = new Trainer(net, data, config);
  const summary = await trainer.run((e) => {
    if (e.type === 'iteration' && e.iter === 20) trainer.setLearningRate(0.5);
  });
  assert.deepEqual(rates.slice(0, 20), new Array(20).fill(0.1));
  assert.deepEqual(rates.slice(20), new Array(20).fill(0.5));
  assert.deepEqual(summary.learningRateChanges, [{ iter: 21, learningRate: 0.5 }]);
  assert.throws(() => trainer.setLearningRate(-1), /positive/);
});

test('shuffled sampling shows every image once per epoch; the book samples with replacement', async () => {
  const tiny = withTrainImages(data, 50);
  const seen: number[][] = [];
  for (const sampling of ['shuffled', 'replacement'] as const) {
    const config: TrainConfig = { ...BOOK_DEFAULTS, batchSize: 10, iters: 5, sampling };
    const trainer = new Trainer(createNetwork('fast', shape, config), tiny, config);
    const all: number[] = [];
    trainer.beforeStep = (_iter, b) => all.push(...b);
    await trainer.run();
    seen.push(all);
  }
  assert.deepEqual(
    [...seen[0]].sort((a, b) => a - b),
    [...Array(50).keys()],
  );
  assert.ok(new Set(seen[1]).size < 50, 'with replacement some images repeat');
});

test('the learning-rate finder: the curve has its minimum before it diverges, and suggests a tenth of it', () => {
  const result = findLearningRate(createNetwork('fast', shape, BOOK_DEFAULTS), data.train);
  assert.ok(result.diverged, 'the rate reaches 10: the loss runs away');
  const min = result.points.reduce((m, p, i, ps) => (p.smoothed < ps[m].smoothed ? i : m), 0);
  assert.ok(min < result.points.length - 1, 'the minimum is before the end');
  assert.equal(result.minimumAt, result.points[min].learningRate);
  assert.ok(result.points[result.points.length - 1].smoothed > 1.4 * result.points[min].smoothed);
  assert.equal(result.suggested, result.minimumAt / 10);
  assert.ok(result.suggested > 1e-3 && result.suggested < 5, `suggested ${result.suggested}`);
  assert.equal(finderRate(0, 5, 1e-5, 10), 1e-5);
  assert.ok(Math.abs(finderRate(4, 5, 1e-5, 10) - 10) < 1e-12);
});

test('the agreement check passes backprop and flags a broken gradient in the first check of a run', async () => {
  const net = new TwoLayerNet(shape, 0.01, new Random(5));
  const { x, t } = toBatch(data.train, batch.subarray(0, 10));
  const good = checkGradientAgreement(net.exportParams(), net.gradient(x, t), x, t, new Random(1));
  assert.ok(good.ok, `relative error ${good.relError}`);
  assert.ok(good.relError < 1e-5, `relative error ${good.relError}`);

  // A deliberately broken backprop (test-only): the sigmoid's derivative left out of dW1/db1.
  class Broken extends TwoLayerNet {
    override gradient(xb: Matrix, tb: Matrix): TwoLayerParams {
      const g = super.gradient(xb, tb);
      for (let i = 0; i < g.W1.data.length; i++) g.W1.data[i] *= 3;
      return g;
    }
  }
  const config: TrainConfig = { ...BOOK_DEFAULTS, iters: 20 };
  for (const [which, made] of [
    ['broken', new Broken(shape, 0.01, new Random(5))],
    ['correct', new TwoLayerNet(shape, 0.01, new Random(5))],
  ] as const) {
    const trainer = new Trainer(made, data, config);
    const watcher = new GradientWatcher(made, data.train, 1);
    const checks: boolean[] = [];
    trainer.beforeStep = (iter, b) => {
      if (iter === 1 || iter % 10 === 0) checks.push(watcher.agreement(b).ok);
    };
    await trainer.run();
    assert.deepEqual(checks, which === 'broken' ? [false, false, false] : [true, true, true], which);
  }
});

test('histograms count every finite value once', () => {
  const h = histogram([0, 1, 2, 3, 4, NaN, 4], 4);
  assert.deepEqual(h, { min: 0, max: 4, counts: [1, 1, 1, 3] });
  assert.deepEqual(histogram([], 3), { min: 0, max: 0, counts: [0, 0, 0] });
  assert.deepEqual(histogram([2, 2], 2).counts, [2, 0]);
});
