/**
 * The fast engine on two threads (src/engine/pairedNet.ts, src/node/pairThread.ts + dist/pairWorker.js):
 * every step and evaluation split between the training thread and a second one on the same shared memory
 * gives exactly the one-core numbers, for several hidden sizes and a seed, and so does a run that splits only the
 * steps taken while the evaluation worker leaves the second core idle; the thread ends when closed;
 * an engine that cannot share its work says why and stays on one core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BOOK_DEFAULTS, TrainEvent, Trainer } from '../../src/core/trainer';
import { Random } from '../../src/core/random';
import { FastTwoLayerNet } from '../../src/engine/fastNet';
import { kernelLayout } from '../../src/engine/kernels';
import { PARAM_NAMES, TwoLayerNet, paramData } from '../../src/core/twoLayerNet';
import { withTrainImages } from '../../src/core/sanity';
import { loadBundled } from '../../src/node/mnistFiles';
import { startPair, useSecondCore } from '../../src/node/pairThread';
import { ROOT, maxAbsDiff, timeless } from './helpers';

const PAIR_WORKER = join(ROOT, 'dist', 'pairWorker.js');
const data = loadBundled(join(ROOT, 'media', 'mnist'));

/** A fast engine with shared memory (pairable). */
function sharedNet(hiddenSize: number, seed = 1): FastTwoLayerNet {
  const shape = { inputSize: 784, hiddenSize, outputSize: 10 };
  return new FastTwoLayerNet(shape, 0.01, new Random(seed), undefined, { shared: true });
}

function threads(): number {
  return readdirSync('/proc/self/task').length;
}

test('the layout puts the two halves of the hidden units on separate cache lines', () => {
  for (const hiddenSize of [50, 100, 7, 4, 64]) {
    const L = kernelLayout({ inputSize: 784, hiddenSize, outputSize: 10 });
    const vectors = Math.ceil(hiddenSize / 4);
    assert.equal(L.slot.length, vectors);
    assert.equal(L.hp % 16, 0, 'a row is whole cache lines');
    assert.equal(L.W1 % 64, 0);
    if (vectors > 1) {
      assert.equal(L.parts.length, 2);
      const [[, count0], [first1]] = L.parts;
      const lastLineOf0 = Math.floor((16 * L.slot[count0 - 1]) / 64);
      const firstLineOf1 = Math.floor((16 * L.slot[first1]) / 64);
      assert.ok(firstLineOf1 > lastLineOf0, `hidden ${hiddenSize}: part 1 starts on a later line`);
    } else assert.equal(L.parts.length, 1);
  }
});

for (const hiddenSize of [50, 100, 7]) {
  test(`two threads give exactly the one-core numbers: losses, weights, accuracies (hidden ${hiddenSize})`, async () => {
    const shape = { inputSize: 784, hiddenSize, outputSize: 10 };
    const one = new FastTwoLayerNet(shape, 0.01, new Random(3));
    const two = sharedNet(hiddenSize, 3);
    const before = threads();
    const pair = await startPair(two, PAIR_WORKER);
    try {
      assert.equal(pair.problem, undefined);
      assert.equal(two.threads(), 2);
      assert.equal(threads(), before + 1);
      const rng = new Random(8);
      for (let step = 0; step < 60; step++) {
        // odd batch sizes too: the rows split unevenly
        const batch = rng.choice(data.train.count, step % 3 === 0 ? 37 : 100);
        const a = one.trainStep(data.train, batch, 0.5, 'backprop');
        const b = two.trainStep(data.train, batch, 0.5, 'backprop');
        assert.equal(b, a, `step ${step}`);
      }
      const p1 = one.exportParams();
      const p2 = two.exportParams();
      for (const name of PARAM_NAMES) assert.deepEqual(paramData(p2, name), paramData(p1, name), name);
      // not vacuous: the weights moved
      assert.ok(maxAbsDiff(p1.W1.data, new FastTwoLayerNet(shape, 0.01, new Random(3)).exportParams().W1.data) > 1e-3);
      for (const set of [data.train, data.test, withTrainImages(data, 3).train])
        assert.equal(two.accuracyOn(set), one.accuracyOn(set));
      // and both stay within the existing tolerance of the float64 reference for a step
      const reference = new TwoLayerNet(shape, 0, undefined, two.exportParams());
      const batch = rng.choice(data.train.count, 100);
      const lossRef = reference.trainStep(data.train, batch, 0.1, 'backprop');
      const lossTwo = two.trainStep(data.train, batch, 0.1, 'backprop');
      assert.ok(Math.abs(lossRef - lossTwo) <= 1e-5 * lossRef, `${lossRef} vs ${lossTwo}`);
      assert.ok(maxAbsDiff(two.exportParams().W1.data, reference.params.W1.data) <= 1e-6);
    } finally {
      await pair.close();
    }
    assert.equal(two.threads(), 1, 'alone again after close');
    assert.equal(threads(), before, 'the second thread has ended');
    // still works, on one core
    assert.ok(Number.isFinite(two.trainStep(data.train, new Int32Array([1, 2, 3]), 0.1, 'backprop')));
  });
}

test('a second thread that ends on its own leaves the engine training alone, with the same numbers', async () => {
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const one = new FastTwoLayerNet(shape, 0.01, new Random(4));
  const two = sharedNet(50, 4);
  const before = threads();
  const pair = await startPair(two, PAIR_WORKER);
  const batch = new Random(2).choice(data.train.count, 100);
  assert.equal(two.trainStep(data.train, batch, 0.1, 'backprop'), one.trainStep(data.train, batch, 0.1, 'backprop'));
  await pair.worker!.terminate(); // as a fatal error would end it
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(two.threads(), 1);
  assert.match(pair.problem ?? '', /ended/);
  assert.equal(two.trainStep(data.train, batch, 0.1, 'backprop'), one.trainStep(data.train, batch, 0.1, 'backprop'));
  await pair.close();
  assert.equal(threads(), before);
});

test('steps split while the second core is idle and whole while it is busy give the one-core numbers', async () => {
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const one = new FastTwoLayerNet(shape, 0.01, new Random(6));
  const two = sharedNet(50, 6);
  const busy = new Int32Array(new SharedArrayBuffer(4));
  const before = threads();
  const pair = await startPair(two, PAIR_WORKER, busy);
  try {
    assert.equal(pair.problem, undefined);
    const rng = new Random(9);
    let idleSteps = 0;
    for (let step = 0; step < 40; step++) {
      busy[0] = rng.random() < 0.5 ? 1 : 0;
      if (busy[0] === 0) idleSteps++;
      const batch = rng.choice(data.train.count, 100);
      assert.equal(
        two.trainStep(data.train, batch, 0.3, 'backprop'),
        one.trainStep(data.train, batch, 0.3, 'backprop'),
      );
    }
    assert.ok(idleSteps > 5 && idleSteps < 35, `${idleSteps} idle steps`);
    assert.equal(two.pairedSteps, idleSteps, 'a step is split exactly when the second core is idle');
    busy[0] = 1;
    assert.equal(two.accuracyOn(data.test), one.accuracyOn(data.test));
    const p1 = one.exportParams();
    const p2 = two.exportParams();
    for (const name of PARAM_NAMES) assert.deepEqual(paramData(p2, name), paramData(p1, name), name);
  } finally {
    await pair.close();
  }
  assert.equal(threads(), before);
});

test('an engine that cannot share its work says why and trains alone', async () => {
  const before = threads();
  const notShared = new FastTwoLayerNet({ inputSize: 784, hiddenSize: 50, outputSize: 10 });
  const oneVector = sharedNet(3);
  const noWorker = sharedNet(50);
  for (const [net, file] of [
    [notShared, PAIR_WORKER],
    [oneVector, PAIR_WORKER],
    [noWorker, join(ROOT, 'dist', 'noSuchWorker.js')],
  ] as const) {
    const pair = await startPair(net, file);
    assert.ok(pair.problem && pair.problem.length > 0);
    assert.equal(net.threads(), 1);
    await pair.close();
  }
  assert.equal(threads(), before);
});

test('a Trainer on a split engine (and on the worker path with its idle-time pair) delivers the one-core events exactly; nothing outlives the run', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 220, seed: 5 };
  const small = withTrainImages(data, 2000);
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const runWith = async (path: 'split' | 'worker' | 'in-thread') => {
    const net = new FastTwoLayerNet(shape, config.weightInitStd, new Random(config.seed), undefined, { shared: true });
    const trainer = new Trainer(net, small, config);
    const second = await useSecondCore(path, net, { engine: 'fast', shape, ...small, workerDir: join(ROOT, 'dist') });
    trainer.evaluator = second.evaluator;
    const events: TrainEvent[] = [];
    const summary = await trainer.run((e) => events.push(e)).finally(() => second.close());
    const underWay = second.evaluator?.underWay[0];
    return {
      trainer,
      summary: { ...summary, wallSeconds: 0 },
      events: timeless(events),
      paired: net.pairedSteps,
      started: second.pair !== undefined,
      underWay,
    };
  };
  const before = threads();
  const split = await runWith('split');
  const worker = await runWith('worker');
  const alone = await runWith('in-thread');
  assert.equal(split.trainer.evaluation, 'split');
  assert.equal(worker.trainer.evaluation, 'worker');
  assert.equal(alone.trainer.evaluation, 'in-thread');
  assert.deepEqual(split.events, alone.events);
  assert.deepEqual(split.summary, alone.summary);
  // the evaluation worker, and the engine's own second thread for the steps taken while the worker is idle
  assert.deepEqual(worker.events, alone.events);
  assert.deepEqual(worker.summary, alone.summary);
  assert.equal(worker.started, true);
  assert.ok(worker.paired > 0 && worker.paired <= config.iters, `${worker.paired} steps split`);
  assert.equal(worker.underWay, 0, 'no evaluation left counted as under way');
  assert.equal(split.paired, config.iters);
  assert.equal(alone.paired, 0);
  assert.equal(threads(), before);
});
