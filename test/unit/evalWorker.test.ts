/**
 * Per-epoch evaluation on the second core (src/node/epochEvaluator.ts + dist/evalWorker.js): the same
 * events and summary as evaluating in the training thread, for a seed; the thread ends with its run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  BOOK_DEFAULTS,
  EpochEvaluator,
  MAX_EVALUATIONS_IN_FLIGHT,
  TrainConfig,
  TrainEvent,
  Trainer,
} from '../../src/core/trainer';
import { withTrainImages } from '../../src/core/sanity';
import { EngineName, createNetwork } from '../../src/engine/network';
import { loadBundled } from '../../src/node/mnistFiles';
import { WorkerEpochEvaluator } from '../../src/node/epochEvaluator';
import { ROOT, timeless } from './helpers';

const EVAL_WORKER = join(ROOT, 'dist', 'evalWorker.js');
const data = loadBundled(join(ROOT, 'media', 'mnist'));
const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };

async function run(config: TrainConfig, engine: EngineName, worker: string | undefined) {
  const trainer = new Trainer(createNetwork(engine, shape, config), data, config);
  const evaluator = worker ? new WorkerEpochEvaluator({ engine, shape, ...data, workerFile: worker }) : undefined;
  trainer.evaluator = evaluator;
  const events: TrainEvent[] = [];
  const summary = await trainer.run((e) => events.push(e));
  return { trainer, evaluator, events, summary };
}

test('two cores give exactly the one-core run: every loss, every epoch’s accuracies, in the same order', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 1200, seed: 5 };
  const one = await run(config, 'fast', undefined);
  const two = await run(config, 'fast', EVAL_WORKER);
  assert.equal(one.trainer.evaluation, 'in-thread');
  assert.equal(two.trainer.evaluation, 'worker');
  assert.deepEqual(timeless(two.events), timeless(one.events));
  assert.equal(two.events.filter((e) => e.type === 'epoch').length, 12);
  assert.equal(two.summary.testAccuracy, one.summary.testAccuracy);
  assert.ok(two.evaluator!.busyMs > 0, 'the worker did the evaluations');
  assert.equal(await two.evaluator!.exited, 1, 'its thread was ended with the run');
});

test('the two-core fast run stays with the float64 reference: accuracies ±1 pp, loss curves within 0.05', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 1000, seed: 1 };
  const ref = await run(config, 'reference', undefined);
  const two = await run(config, 'fast', EVAL_WORKER);
  assert.equal(two.trainer.evaluation, 'worker');
  const epochs = (events: TrainEvent[]) =>
    events.flatMap((e) => (e.type === 'epoch' ? [[e.trainAccuracy, e.testAccuracy]] : []));
  const a = epochs(ref.events);
  const b = epochs(two.events);
  assert.equal(b.length, 10);
  for (let k = 0; k < a.length; k++) {
    assert.ok(Math.abs(a[k][0] - b[k][0]) <= 0.01, `epoch ${k + 1} train ${b[k][0]} vs ${a[k][0]}`);
    assert.ok(Math.abs(a[k][1] - b[k][1]) <= 0.01, `epoch ${k + 1} test ${b[k][1]} vs ${a[k][1]}`);
  }
  assert.ok(two.summary.testAccuracy >= 0.83);
  const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'iteration' ? [e.loss] : []));
  const la = losses(ref.events);
  const lb = losses(two.events);
  assert.equal(lb.length, 1000);
  assert.ok(Math.max(...la.map((x, i) => Math.abs(x - lb[i]))) < 0.05);
});

test('the reference engine evaluates on the second core too, with exactly its one-core numbers', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 101, seed: 4 };
  const one = await run(config, 'reference', undefined);
  const two = await run(config, 'reference', EVAL_WORKER);
  assert.equal(two.trainer.evaluation, 'worker');
  assert.deepEqual(timeless(two.events), timeless(one.events));
});

test('a worker that cannot start leaves the evaluation to the training thread, with the same numbers', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 300, seed: 6 };
  const one = await run(config, 'fast', undefined);
  const missing = await run(config, 'fast', join(ROOT, 'dist', 'noSuchWorker.js'));
  assert.equal(missing.trainer.evaluation, 'in-thread');
  assert.match(missing.evaluator!.problem ?? '', /noSuchWorker/);
  assert.deepEqual(timeless(missing.events), timeless(one.events));
  assert.equal(await missing.evaluator!.exited, 1);
});

test('a worker that ends mid-run: the epochs it did not answer are evaluated here, the numbers unchanged', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 800, seed: 8 };
  const one = await run(config, 'fast', undefined);
  const trainer = new Trainer(createNetwork('fast', shape, config), data, config);
  const evaluator = new WorkerEpochEvaluator({ engine: 'fast', shape, ...data, workerFile: EVAL_WORKER });
  trainer.evaluator = evaluator;
  const events: TrainEvent[] = [];
  await trainer.run((e) => {
    events.push(e);
    if (e.type === 'epoch' && e.epoch === 3) void evaluator.close();
  });
  assert.equal(trainer.evaluation, 'worker');
  assert.equal(await evaluator.exited, 1);
  assert.ok(evaluator.answered >= 3 && evaluator.answered < 8, `the worker answered ${evaluator.answered} of 8`);
  assert.deepEqual(timeless(events), timeless(one.events));
});

/** Resolves on the listener's first epoch event with `epoch`. */
function epochReached(events: TrainEvent[], epoch: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (events.some((e) => e.type === 'epoch' && e.epoch >= epoch) ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

test('no evaluation worker outlives its run: stopped, paused then stopped, diverged, or failed', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 1_000_000, seed: 2 };
  const start = (c: TrainConfig, listener?: (e: TrainEvent) => void) => {
    const trainer = new Trainer(createNetwork('fast', shape, c), data, c);
    const evaluator = new WorkerEpochEvaluator({ engine: 'fast', shape, ...data, workerFile: EVAL_WORKER });
    trainer.evaluator = evaluator;
    const events: TrainEvent[] = [];
    let alive = true;
    void evaluator.exited.then(() => (alive = false));
    const done = trainer.run((e) => {
      events.push(e);
      listener?.(e);
    });
    return { trainer, evaluator, events, done, alive: () => alive };
  };

  const stopped = start(config);
  await epochReached(stopped.events, 2);
  assert.ok(stopped.alive(), 'the worker runs while the run does');
  stopped.trainer.stop();
  const s1 = await stopped.done;
  assert.equal(s1.reason, 'stopped');
  assert.equal(stopped.alive(), false, 'ended when run() returned');
  const last = stopped.events.filter((e) => e.type === 'epoch').pop();
  assert.ok(last?.type === 'epoch' && s1.testAccuracy === last.testAccuracy, 'the summary has the last epoch');

  const paused = start(config);
  await epochReached(paused.events, 1);
  paused.trainer.pause();
  await paused.trainer.settled();
  const delivered = paused.events.length;
  assert.equal(
    paused.events.filter((e) => e.type === 'iteration').length,
    paused.trainer.iteration,
    'after settled(), every iteration run is delivered',
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(paused.events.length, delivered, 'nothing more while paused');
  assert.ok(paused.alive());
  paused.trainer.stop();
  assert.equal((await paused.done).reason, 'stopped');
  assert.equal(paused.alive(), false);

  const diverged = start({ ...config, learningRate: 1e308 });
  assert.equal((await diverged.done).reason, 'diverged');
  assert.equal(diverged.alive(), false);

  const failed = start(config, (e) => {
    if (e.type === 'epoch' && e.epoch === 2) throw new Error('listener failed');
  });
  await assert.rejects(failed.done, /listener failed/);
  assert.equal(failed.alive(), false);
});

test('epochs faster than their evaluation (100 training images): training waits, at most 2 copies under way', async () => {
  const small = withTrainImages(data, 100);
  const config = { ...BOOK_DEFAULTS, iters: 300, batchSize: 10, learningRate: 1, seed: 3 };
  const runOn = async (evaluator: EpochEvaluator | undefined) => {
    const trainer = new Trainer(createNetwork('fast', shape, config), small, config);
    trainer.evaluator = evaluator;
    const events: TrainEvent[] = [];
    await trainer.run((e) => events.push(e));
    return events;
  };
  const real = new WorkerEpochEvaluator({ engine: 'fast', shape, ...small, workerFile: EVAL_WORKER });
  let underWay = 0;
  let most = 0;
  const counting: EpochEvaluator = {
    ready: () => real.ready(),
    close: () => real.close(),
    evaluate: async (params) => {
      most = Math.max(most, ++underWay);
      try {
        return await real.evaluate(params);
      } finally {
        underWay--;
      }
    },
  };
  const two = await runOn(counting);
  assert.equal(real.answered, 30, 'every epoch evaluated by the worker');
  assert.ok(most <= MAX_EVALUATIONS_IN_FLIGHT && most >= 1, `${most} evaluations under way at once`);
  assert.deepEqual(timeless(two), timeless(await runOn(undefined)));
});
