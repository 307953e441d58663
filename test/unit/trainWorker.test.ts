/**
 * The real worker bundle (dist/trainWorker.js) driven through TrainSession, as the panel drives it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, createNetwork } from '../../src/engine/network';
import { BOOK_DEFAULTS, TrainConfig, TrainEvent, TrainSummary, Trainer } from '../../src/core/trainer';
import type { TwoLayerParams } from '../../src/core/twoLayerNet';
import { loadBundled } from '../../src/node/mnistFiles';
import { modelPicture } from '../../src/panels/train/modelView';
import { TrainListener, TrainSession, runWorkerJob } from '../../src/panels/train/trainSession';
import type { ModelPicture, ProgressBatch, ToWorker } from '../../src/panels/train/workerProtocol';
import { ROOT } from './helpers';

const WORKER = join(ROOT, 'dist', 'trainWorker.js');
const MNIST = join(ROOT, 'media', 'mnist');
const engine = ENGINES[ENGINES.length - 1];
const data = loadBundled(MNIST);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Recorded {
  session: TrainSession;
  batches: ProgressBatch[];
  states: string[];
  done: Promise<{ summary: TrainSummary; params?: TwoLayerParams; model?: ModelPicture }>;
}

function start(
  config: TrainConfig,
  dataset: { kind: 'bundled'; dir: string } | { kind: 'folder'; path: string } = { kind: 'bundled', dir: MNIST },
  extra: TrainListener = {},
): Recorded {
  const batches: ProgressBatch[] = [];
  const states: string[] = [];
  let session!: TrainSession;
  const done = new Promise<{ summary: TrainSummary; params?: TwoLayerParams; model?: ModelPicture }>(
    (resolve, reject) => {
      session = new TrainSession(
        WORKER,
        { type: 'train', config, dataset, engine },
        {
          ...extra,
          progress: (b) => batches.push(b),
          state: (s) => states.push(s),
          done: (summary, params, model) => resolve({ summary, params, model }),
          error: (m) => reject(new Error(m)),
        },
      );
    },
  );
  return { session, batches, states, done };
}

test('the worker streams a run in batches, equal to an in-process Trainer with the same seed, and its thread ends by itself', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 500, seed: 7 };
  const r = start(config);
  const { summary, params, model } = await r.done;
  assert.equal(await r.session.exited, 0, 'the thread exits normally (code 0), no terminate needed');

  // Batches: contiguous iteration numbers, far fewer messages than iterations.
  let next = 1;
  for (const b of r.batches) {
    assert.equal(b.fromIter, next);
    next += b.loss.length;
    assert.equal(b.iters, 500);
    assert.equal(b.iter, next - 1);
  }
  assert.equal(next - 1, 500);
  assert.ok(r.batches.length < 100, `${r.batches.length} messages for 500 iterations`);

  const expected: TrainEvent[] = [];
  const net = createNetwork(engine, { inputSize: 784, hiddenSize: 50, outputSize: 10 }, config);
  const local = await new Trainer(net, data, config).run((e) => expected.push(e));
  const expectedLoss = expected.flatMap((e) => (e.type === 'iteration' ? [e.loss] : []));
  const expectedEpochs = expected.flatMap((e) =>
    e.type === 'epoch' ? [[e.epoch, e.iter, e.trainAccuracy, e.testAccuracy]] : [],
  );
  assert.deepEqual(r.session.losses, expectedLoss, 'every mini-batch loss is the in-process one');
  assert.deepEqual(
    r.session.epochs.map((e) => [e.epoch, e.iter, e.trainAccuracy, e.testAccuracy]),
    expectedEpochs,
  );
  assert.deepEqual(
    r.session.epochs.map((e) => e.iter),
    [1, 101, 201, 301, 401],
  );
  // Plausible: chance is 0.10; the sigmoid net takes off during the first few hundred iterations.
  const acc = r.session.epochs.map((e) => e.testAccuracy);
  assert.ok(acc[0] < 0.2 && acc[4] > 0.5 && acc[4] > acc[1], `test accuracies ${acc.join(', ')}`);
  assert.equal(summary.reason, 'finished');
  assert.equal(summary.testAccuracy, local.testAccuracy);
  assert.equal(
    r.session.evaluation,
    'worker',
    'the accuracies came from the second core, equal to the in-process ones',
  );

  // The weights and the model picture come with 'done'.
  assert.deepEqual(Array.from(params!.b2), Array.from(net.exportParams().b2));
  const confusion = model!.confusion;
  assert.equal(
    confusion.flat().reduce((a, b) => a + b, 0),
    10000,
  );
  assert.equal(confusion.reduce((s, row, i) => s + row[i], 0) / 10000, model!.testAccuracy);
  assert.deepEqual(model, modelPicture(params!, data.test), 'the same picture as computed here from the same weights');
  assert.equal(model!.samples.length, 48);
  assert.ok(model!.mistakes.every((m) => m.predicted !== m.label));
  assert.equal(model!.weights.shown, 50);
});

test('pause, step, resume and stop control the worker, and stop still delivers the weights', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 1_000_000, seed: 3 });
  while (r.session.iteration === 0) await sleep(20);
  r.session.pause();
  while (!r.states.includes('paused')) await sleep(10);
  await sleep(150); // the last batch before the pause
  const paused = r.session.iteration;
  await sleep(200);
  assert.equal(r.session.iteration, paused, 'nothing runs while paused');
  r.session.step();
  r.session.step();
  r.session.step();
  await sleep(250);
  assert.equal(r.session.iteration, paused + 3, 'three steps, three iterations');
  r.session.resume();
  await sleep(300);
  assert.deepEqual(r.states, ['paused', 'running']);
  assert.ok(r.session.iteration > paused + 3, 'resumed');
  r.session.stop();
  const { summary, params } = await r.done;
  assert.equal(summary.reason, 'stopped');
  assert.equal(summary.iterations, r.session.iteration, 'every iteration reached the host before done');
  assert.equal(params!.W1.cols, 50);
  assert.equal(await r.session.exited, 0);
});

test('disposing a session (panel closed) ends its worker thread mid-run', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 1_000_000 });
  while (r.session.iteration === 0) await sleep(20);
  await r.session.dispose();
  const code = await r.session.exited;
  assert.equal(code, 1, 'terminated');
  const before = r.session.iteration;
  await sleep(100);
  assert.equal(r.session.iteration, before, 'no progress after the end');
});

/** Threads of this process now (Linux): a worker's thread, and its own workers', show here. */
function threads(): number {
  return readdirSync('/proc/self/task').length;
}

/** A session for `job` extras, resolving with it once done. */
function session(config: TrainConfig, extra: Partial<Extract<ToWorker, { type: 'train' }>>) {
  let s!: TrainSession;
  const done = new Promise<TrainSession>((resolve, reject) => {
    s = new TrainSession(
      WORKER,
      { type: 'train', config, dataset: { kind: 'bundled', dir: MNIST }, engine, ...extra },
      { done: () => resolve(s), error: (m) => reject(new Error(m)) },
    );
  });
  return { session: s, done };
}

test('the job can force each way of using the second core; all give the same epochs and losses', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 250, seed: 12 };
  const inThread = await session(config, { evaluation: 'in-thread' }).done;
  const worker = await session(config, { evaluation: 'worker' }).done;
  const split = await session(config, { evaluation: 'split' }).done;
  const missing = await session(config, { workerDir: join(ROOT, 'dist', 'noSuchFolder') }).done;
  assert.deepEqual(
    [inThread.evaluation, worker.evaluation, split.evaluation, missing.evaluation],
    ['in-thread', 'worker', 'split', 'in-thread'],
    'workers that cannot start fall back',
  );
  for (const other of [worker, split, missing]) {
    assert.deepEqual(other.losses, inThread.losses);
    assert.deepEqual(other.epochs, inThread.epochs);
    assert.deepEqual(other.summary, { ...inThread.summary!, wallSeconds: other.summary!.wallSeconds });
  }
  assert.equal(inThread.epochs.length, 3);
});

test('closing the panel mid-run also ends the evaluation worker the training worker started', async () => {
  if (!existsSync('/proc/self/task')) return; // the thread count is read from Linux's /proc
  // Warm up (the pools a first worker starts stay), then the count with no run going.
  const warm = session({ ...BOOK_DEFAULTS, iters: 101 }, {});
  await (await warm.done).exited;
  const idle = threads();
  const r = start({ ...BOOK_DEFAULTS, iters: 1_000_000 });
  while (r.session.epochs.length < 2) await sleep(20);
  const running = threads();
  assert.ok(running >= idle + 2, `threads: ${idle} idle, ${running} with the training and evaluation workers`);
  await r.session.dispose();
  assert.equal(await r.session.exited, 1);
  let now = threads();
  for (let waited = 0; now > idle && waited < 5000; waited += 50) {
    await sleep(50);
    now = threads();
  }
  assert.ok(now <= idle, `threads after closing: ${now}, before the run: ${idle}`);
});

test('the book’s default run (10,000 iterations, batch 100, lr 0.1) reaches ≥ 0.90 test accuracy, posting at most ~30 messages a second', async () => {
  const started = performance.now();
  const r = start({ ...BOOK_DEFAULTS });
  const { summary } = await r.done;
  const seconds = (performance.now() - started) / 1000;
  assert.equal(summary.iterations, 10000);
  assert.equal(r.session.epochs.length, 100);
  assert.ok(summary.testAccuracy >= 0.9, `test accuracy ${summary.testAccuracy}`);
  assert.ok(r.batches.length <= 31 * seconds + 5, `${r.batches.length} progress messages in ${seconds.toFixed(1)} s`);
  assert.ok(r.batches.length < 10000 / 10, 'many iterations per message');
});

test('a learning rate that makes the loss NaN ends the run as diverged, without weights', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 50, learningRate: 1e308 });
  const { summary, params, model } = await r.done;
  assert.equal(summary.reason, 'diverged');
  assert.ok(summary.iterations < 50);
  assert.ok(
    !Number.isFinite(r.session.losses[r.session.losses.length - 1]),
    'the last loss streamed is the non-finite one',
  );
  assert.equal(params, undefined);
  assert.equal(model, undefined);
});

test('a folder without idx files fails with the loader’s explanation', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 5 }, { kind: 'folder', path: '/no/such/folder' });
  await assert.rejects(r.done, /\/no\/such\/folder: no such folder; give a folder holding train-images-idx3-ubyte/);
});

test('a batch larger than the folder’s training set is refused by the worker', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 5, batchSize: 20000 });
  await assert.rejects(r.done, /Batch size 20000 is larger than the training set \(10000 images\)/);
});

test('evaluate and netCheck jobs answer once and end', async () => {
  const r = start({ ...BOOK_DEFAULTS, iters: 200, seed: 11 });
  const { params, model } = await r.done;
  const evaluated = await runWorkerJob(
    WORKER,
    { type: 'evaluate', params: params!, dataset: { kind: 'bundled', dir: MNIST } },
    'evaluated',
  );
  assert.deepEqual(evaluated.model, model);
  assert.equal(evaluated.testAccuracy, model!.testAccuracy);
  assert.ok(
    Math.abs(evaluated.trainAccuracy - evaluated.testAccuracy) < 0.05 && evaluated.trainAccuracy > 0.15,
    `train ${evaluated.trainAccuracy}, test ${evaluated.testAccuracy}`,
  );
  const { result } = await runWorkerJob(
    WORKER,
    {
      type: 'netCheck',
      batchSize: 3,
      hiddenSize: 50,
      weightInitStd: 0.01,
      seed: 42,
      dataset: { kind: 'bundled', dir: MNIST },
    },
    'netCheck',
  );
  assert.equal(result.parameters, 39760);
  assert.deepEqual(
    result.groups.map((g) => [g.name, g.verdict]),
    [
      ['W1', 'match'],
      ['b1', 'match'],
      ['W2', 'match'],
      ['b2', 'match'],
    ],
  );
  await assert.rejects(
    runWorkerJob(
      WORKER,
      { type: 'evaluate', params: params!, dataset: { kind: 'folder', path: '/nope' } },
      'evaluated',
    ),
    /\/nope: no such folder/,
  );
});

test('at lr 10 the worker’s progress carries the diagnosis from the first epoch on, and training time without the pause', async () => {
  const config = { ...BOOK_DEFAULTS, iters: 400, learningRate: 10 };
  const began = performance.now();
  const r = start(config);
  while (r.batches.length === 0) await sleep(5);
  r.session.pause();
  await sleep(600);
  r.session.resume();
  const { summary } = await r.done;
  const real = performance.now() - began;
  assert.equal(summary.diagnosis?.kind, 'saturated');
  const first = r.batches.findIndex((b) => b.diagnosis);
  assert.ok(first >= 0 && r.batches[first].iter > 100, 'said after the first epoch');
  assert.ok(
    r.batches.slice(first).every((b) => b.diagnosis?.kind === 'saturated'),
    'and kept',
  );
  const last = r.batches[r.batches.length - 1];
  assert.ok(last.elapsedMs < summary.wallSeconds * 1000 + 1, 'progress times are training times');
  assert.ok(
    summary.wallSeconds * 1000 < real - 500,
    `the 0.6 s pause is not counted: ${summary.wallSeconds} s of ${real} ms`,
  );
});
