import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BOOK_DEFAULTS, TrainEvent, Trainer, isEpochIteration, iterPerEpoch } from '../../src/core/trainer';
import { createNetwork } from '../../src/engine/network';
import { loadBundled } from '../../src/node/mnistFiles';
import { ROOT } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));
const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };

test('iter_per_epoch = max(train_size / batch_size, 1), and epochs fall where the book puts them', () => {
  assert.equal(iterPerEpoch(10000, 100), 100);
  assert.equal(iterPerEpoch(10000, 20000), 1);
  const hits = [...Array(301).keys()].filter((i) => isEpochIteration(i, 100));
  assert.deepEqual(hits, [0, 100, 200, 300]);
  assert.deepEqual(
    [...Array(101).keys()].filter((i) => isEpochIteration(i, 100 / 3)),
    [0, 34, 67, 100],
  );
});

test('a seeded 1,000-iteration run reaches test accuracy ≥ 0.83 (0.8473 for seed 1) and repeats exactly', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 1000, seed: 1 };
  const events: TrainEvent[] = [];
  const summary = await new Trainer(createNetwork('reference', shape, config), data, config).run((e) => events.push(e));
  const losses = events.filter((e) => e.type === 'iteration');
  const epochs = events.filter((e) => e.type === 'epoch');
  assert.equal(losses.length, 1000);
  assert.equal(epochs.length, 10);
  assert.equal(summary.reason, 'finished');
  assert.ok(summary.testAccuracy >= 0.83, `test accuracy ${summary.testAccuracy}`);
  assert.ok(summary.trainAccuracy >= 0.83, `train accuracy ${summary.trainAccuracy}`);
  // The loss falls: the last 100 mini-batch losses average well below the first 10.
  const mean = (xs: TrainEvent[]) => xs.reduce((s, e) => s + (e.type === 'iteration' ? e.loss : 0), 0) / xs.length;
  assert.ok(mean(losses.slice(-100)) < 0.5 * mean(losses.slice(0, 10)));
  // Deterministic: a second run with the same seed gives the same numbers.
  const again = await new Trainer(createNetwork('reference', shape, config), data, config).run();
  assert.equal(again.testAccuracy, summary.testAccuracy);
  assert.equal(again.finalLoss, summary.finalLoss);
});

test('pause, step, resume and stop control a run', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 100000, seed: 2 };
  const trainer = new Trainer(createNetwork('reference', shape, config), data, config, 5);
  let iters = 0;
  const done = trainer.run((e) => {
    if (e.type === 'iteration') iters = e.iter;
  }, true);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(iters, 0, 'a run started paused does nothing');
  trainer.step();
  trainer.step();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(iters, 2, 'two steps run exactly two iterations');
  trainer.resume();
  await new Promise((r) => setTimeout(r, 200));
  trainer.pause();
  const paused = iters;
  assert.ok(paused > 2, 'resumed training advances');
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(iters <= paused + 1, 'paused training stays put');
  trainer.stop();
  const summary = await done;
  assert.equal(summary.reason, 'stopped');
  assert.equal(summary.iterations, iters);
});

test('a loss that becomes NaN stops the run and blames the learning rate', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 50, learningRate: 1e308, seed: 3 };
  const summary = await new Trainer(createNetwork('reference', shape, config), data, config).run();
  assert.equal(summary.reason, 'diverged');
  assert.ok(summary.iterations < 50);
  assert.match(summary.message ?? '', /learning rate 1e\+308 is too large/);
});

test('run time leaves paused time out: 0.3 s of training and 10 s of pause make wallSeconds 0.3', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 3, seed: 4 };
  let clock = 0;
  const trainer = new Trainer(createNetwork('reference', shape, config), data, config, 30, () => clock);
  const elapsed: number[] = [];
  const done = trainer.run((e) => {
    if (e.type === 'iteration') {
      clock += 100; // each iteration "takes" 100 ms
      elapsed.push(e.elapsedMs);
    }
  }, true);
  await new Promise((r) => setTimeout(r, 20));
  clock += 10_000; // paused for 10 s
  trainer.resume();
  const summary = await done;
  assert.deepEqual(elapsed, [0, 100, 200], 'each iteration stamped with training time only');
  assert.equal(summary.wallSeconds, 0.3);
});

test('run() lets the engine prepare the train and test sets before its clock starts (not counted as training)', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 3 };
  const net = createNetwork('fast', shape, config);
  let clock = 0;
  const prepared: unknown[] = [];
  const prepare = net.prepare!.bind(net);
  net.prepare = (set) => {
    prepared.push(set);
    prepare(set);
    clock += 5000; // a slow preparation: 5 s on the trainer's clock
  };
  const trainStep = net.trainStep.bind(net);
  net.trainStep = (...args) => {
    clock += 10; // each iteration: 10 ms
    return trainStep(...args);
  };
  const summary = await new Trainer(net, data, config, 30, () => clock).run();
  assert.deepEqual(prepared, [data.train, data.test]);
  assert.equal(summary.wallSeconds, 0.03);
});
