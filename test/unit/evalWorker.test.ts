/**
 * Per-epoch evaluation on the second core (src/node/epochEvaluator.ts + dist/evalWorker.js): the same
 * events and summary as evaluating in the training thread, for a seed; the thread ends with its run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BOOK_DEFAULTS, TrainConfig, TrainEvent, Trainer } from '../../src/core/trainer';
import { EngineName, createNetwork } from '../../src/engine/network';
import { loadBundled } from '../../src/node/mnistFiles';
import { WorkerEpochEvaluator } from '../../src/node/epochEvaluator';
import { ROOT } from './helpers';

const EVAL_WORKER = join(ROOT, 'dist', 'evalWorker.js');
const data = loadBundled(join(ROOT, 'media', 'mnist'));
const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };

/** Everything an event says except when it happened. */
function timeless(events: TrainEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === 'iteration' || e.type === 'epoch') {
      const { elapsedMs: _, ...rest } = e;
      return rest;
    }
    if (e.type === 'done') return { ...e, summary: { ...e.summary, wallSeconds: 0 } };
    return e;
  });
}

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
