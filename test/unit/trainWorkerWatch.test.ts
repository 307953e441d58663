/**
 * The gradient views through the real worker bundle (dist/trainWorker.js), as the panel drives it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BOOK_DEFAULTS, TrainConfig, TrainSummary } from '../../src/core/trainer';
import { TrainSession, runWorkerJob } from '../../src/panels/train/trainSession';
import type { WatchItem } from '../../src/protocol/trainWatch';
import { ROOT } from './helpers';

const WORKER = join(ROOT, 'dist', 'trainWorker.js');
const MNIST = join(ROOT, 'media', 'mnist');
const dataset = { kind: 'bundled' as const, dir: MNIST };

function run(
  config: TrainConfig & { checkEvery?: number; trainImages?: number },
  watchMs: number,
  onWatch: (item: WatchItem, s: TrainSession) => void = () => undefined,
) {
  const items: WatchItem[] = [];
  let session!: TrainSession;
  const done = new Promise<TrainSummary>((resolve, reject) => {
    session = new TrainSession(
      WORKER,
      { type: 'train', config, dataset, watchMs },
      {
        watch: (item) => {
          items.push(item);
          onWatch(item, session);
        },
        done: (summary) => resolve(summary),
        error: (m) => reject(new Error(m)),
      },
    );
  });
  return { items, done, session: () => session };
}

test('the worker sends the initial loss, dW1 snapshots, histograms per epoch and the backprop timeline', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 300, checkEvery: 100 };
  const { items, done } = run(config, 0.0001);
  const summary = await done;
  assert.equal(summary.reason, 'finished');
  const initial = items.filter((i) => i.kind === 'initialLoss');
  assert.equal(initial.length, 1);
  if (initial[0].kind === 'initialLoss') assert.ok(Math.abs(initial[0].loss - Math.log(10)) < 0.01);
  const snapshots = items.filter((i) => i.kind === 'snapshot');
  assert.ok(snapshots.length >= 100, `${snapshots.length} snapshots`);
  const first = snapshots[0];
  if (first.kind === 'snapshot') {
    assert.equal(first.iter, 1);
    assert.equal(first.dW1.shown, 16);
    assert.equal(Buffer.from(first.dW1.images, 'base64').length, 16 * 784);
    assert.deepEqual(
      first.groups.map((g) => g.name),
      ['W1', 'b1', 'W2', 'b2'],
    );
  }
  const histograms = items.filter((i) => i.kind === 'histograms');
  assert.deepEqual(
    histograms.map((h) => (h.kind === 'histograms' ? h.epoch : 0)),
    [1, 2, 3],
  );
  const checks = items.filter((i) => i.kind === 'gradCheck');
  assert.deepEqual(
    checks.map((c) => (c.kind === 'gradCheck' ? c.iter : 0)),
    [1, 100, 200, 300],
  );
  for (const c of checks) if (c.kind === 'gradCheck') assert.ok(c.ok, `relative error ${c.relError}`);
});

test('a learning-rate change sent while training takes effect at the next iteration and is in the summary', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 3000 };
  let sent = false;
  const { items, done } = run(config, 250, (item, s) => {
    if (!sent && item.kind === 'snapshot') {
      sent = true;
      s.setLearningRate(0.5);
    }
  });
  const summary = await done;
  const change = items.find((i) => i.kind === 'learningRate');
  assert.ok(change && change.kind === 'learningRate' && change.learningRate === 0.5, JSON.stringify(change));
  assert.deepEqual(summary.learningRateChanges, [{ iter: change.iter, learningRate: 0.5 }]);
  // Every snapshot after the change reports the new rate.
  const after = items.filter((i) => i.kind === 'snapshot' && i.iter >= change.iter);
  assert.ok(after.every((i) => i.kind === 'snapshot' && i.learningRate === 0.5));
});

test('the learning-rate finder runs as a job of its own and its curve has a minimum before it diverges', async () => {
  const { result } = await runWorkerJob(WORKER, { type: 'lrFinder', config: BOOK_DEFAULTS, dataset }, 'lrFinder');
  assert.ok(result.diverged);
  const min = result.points.reduce((m, p, i, ps) => (p.smoothed < ps[m].smoothed ? i : m), 0);
  assert.ok(min < result.points.length - 1);
  assert.equal(result.suggested, result.minimumAt / 10);
});

test('the overfit preset through the worker: 100 images, train accuracy ≥ 0.98', async () => {
  const { done } = run({ ...BOOK_DEFAULTS, trainImages: 100, batchSize: 10, learningRate: 1, iters: 1000 }, 0);
  const summary = await done;
  assert.ok(summary.trainAccuracy >= 0.98, `train ${summary.trainAccuracy}`);
});
