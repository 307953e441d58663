/**
 * The training worker (worker_threads, bundled to dist/trainWorker.js). It loads the data, trains
 * with the core Trainer and streams progress in batches — at most one message every `flushMs`
 * (≈30 per second), never one per iteration — so the extension host and the panel only draw.
 * It also evaluates saved parameters and runs the network gradient check, each as its own job.
 */
import { parentPort } from 'worker_threads';
import { Dataset } from '../../core/dataset';
import { DEFAULT_ENGINE, createNetwork } from '../../engine/network';
import type { LossDiagnosis } from '../../core/lossWatch';
import { RateMeter } from './rateMeter';
import { EvaluationPath, TrainEvent, Trainer } from '../../core/trainer';
import { loadBundled, loadFolder } from '../../node/mnistFiles';
import type { EpochPoint } from '../../protocol/train';
import { GradientWatcher, groupHistograms } from '../../core/gradientWatch';
import { findLearningRate } from '../../core/lrFinder';
import { initialLossCheck, withTrainImages } from '../../core/sanity';
import type { WatchItem } from '../../protocol/trainWatch';
import { base64, columnImages, modelPicture, netFromParams } from './modelView';
import { checkNetworkGradients } from './networkCheck';
import { useSecondCore } from '../../node/pairThread';
import type { DatasetSource, FromWorker, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs as a worker_threads Worker, not on its own');

const send = (m: FromWorker) => port.postMessage(m);
let trainer: Trainer | undefined;

function load(source: DatasetSource): Dataset {
  return source.kind === 'bundled' ? loadBundled(source.dir) : loadFolder(source.path);
}

/** Hidden units whose W1 and dW1 the gradient views show. */
const WATCH_TILES = 16;

async function train(job: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const { config } = job;
  const data = config.trainImages ? withTrainImages(load(job.dataset), config.trainImages) : load(job.dataset);
  if (config.batchSize > data.train.count) {
    throw new Error(
      `Batch size ${config.batchSize} is larger than the training set (${data.train.count} images): choose at most ${data.train.count}.`,
    );
  }
  const engine = job.engine ?? DEFAULT_ENGINE;
  const shape = { inputSize: data.train.size, hiddenSize: config.hiddenSize, outputSize: data.classes };
  const path = job.evaluation ?? 'worker';
  const net = createNetwork(engine, shape, config, { shared: path !== 'in-thread' });
  trainer = new Trainer(net, data, config);
  // The second core (workers of this worker, ended with the run; dist/pairWorker.js, dist/evalWorker.js):
  // half of every step, or the per-epoch accuracies.
  const secondCore = await useSecondCore(path, net, {
    engine,
    shape,
    train: data.train,
    test: data.test,
    workerDir: job.workerDir ?? __dirname,
  });
  trainer.evaluator = secondCore.evaluator;
  watchGradients(trainer, net, data, job);
  send({ type: 'loaded', datasetName: data.name, trainCount: data.train.count, testCount: data.test.count, engine });

  const flushMs = job.flushMs ?? 33;
  const meter = (currentMeter = new RateMeter());
  let loss: number[] = [];
  let epochs: EpochPoint[] = [];
  let fromIter = 1;
  let iter = 0;
  let elapsedMs = 0;
  let diagnosis: LossDiagnosis | undefined;
  let lastFlush = performance.now();
  const flush = (force = false) => {
    const now = performance.now();
    if (!force && now - lastFlush < flushMs) return;
    if (loss.length === 0 && epochs.length === 0) return;
    lastFlush = now;
    if (trainer?.state === 'running') meter.add(iter, now);
    const speed = { itPerSec: meter.itPerSec, etaSeconds: meter.eta(config.iters) };
    send({ type: 'progress', fromIter, loss, epochs, iter, iters: config.iters, ...speed, elapsedMs, diagnosis });
    fromIter = iter + 1;
    loss = [];
    epochs = [];
  };
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'iteration') {
      iter = e.iter;
      elapsedMs = e.elapsedMs;
      loss.push(e.loss);
      flush();
    } else if (e.type === 'epoch') {
      epochs.push({ epoch: e.epoch, iter: e.iter, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy });
    } else if (e.type === 'diagnosis') {
      diagnosis = e.diagnosis;
    }
  };
  // Steps taken while paused go out on this tick; the last iterations before a pause go out
  // before the 'paused' state (see control), so the page never counts on after showing it.
  flushNow = () => flush(true);
  const timer = setInterval(() => flush(), flushMs);
  meter.add(0, performance.now());
  const summary = await trainer.run(onEvent).finally(() => secondCore.close());
  evaluation = trainer.evaluation;
  clearInterval(timer);
  flushNow = undefined;
  flush(true);
  if (summary.reason === 'diverged') {
    send({ type: 'done', summary, evaluation });
    return;
  }
  const params = net.exportParams();
  send({ type: 'done', summary, params, model: modelPicture(params, data.test), evaluation });
}

/** Where the last run's accuracies were computed (the second core, or between steps). */
let evaluation: EvaluationPath | undefined;

/**
 * The gradient views: before a step, at most every `watchMs`, backprop's gradient on that step's
 * mini-batch (dW1 tiles, group norms, update/weight ratios); once per epoch the histograms; at the
 * first step the initial-loss check; every `checkEvery` iterations the agreement with the numerical
 * gradient. Cost: see `npm run bench` (the snapshot and timeline lines).
 */
function watchGradients(
  t: Trainer,
  net: ReturnType<typeof createNetwork>,
  data: Dataset,
  job: Extract<ToWorker, { type: 'train' }>,
): void {
  const watchMs = job.watchMs ?? 250;
  const checkEvery = job.config.checkEvery ?? 0;
  const watcher = new GradientWatcher(net, data.train, job.config.seed);
  const item = (i: WatchItem) => send({ type: 'watch', item: i });
  let lastSnapshot = -Infinity;
  let histogramsDone = 0;
  t.beforeStep = (iter, batch) => {
    // The step after an epoch's boundary measures its histograms (whenever its accuracies arrive).
    const histogramsDue = t.epochCount > histogramsDone ? t.epochCount : 0;
    histogramsDone = t.epochCount;
    if (iter === 1) item({ kind: 'initialLoss', ...initialLossCheck(net.lossOn(data.train, batch), data.classes) });
    const now = performance.now();
    const snapshotDue = watchMs > 0 && now - lastSnapshot >= watchMs;
    if (snapshotDue || histogramsDue) {
      const lr = t.currentLearningRate;
      const { params, grad, groups } = watcher.snapshot(batch, lr);
      if (snapshotDue) {
        lastSnapshot = now;
        const shown = Math.min(WATCH_TILES, params.W1.cols);
        const side = Math.round(Math.sqrt(params.W1.rows));
        item({
          kind: 'snapshot',
          iter,
          learningRate: lr,
          groups,
          W1: { shown, side, images: base64(columnImages(params.W1, shown)) },
          dW1: { shown, side, images: base64(columnImages(grad.W1, shown)) },
        });
      }
      if (histogramsDue) {
        item({ kind: 'histograms', epoch: histogramsDue, iter, groups: groupHistograms(params, grad) });
      }
    }
    if (checkEvery > 0 && (iter === 1 || iter % checkEvery === 0)) {
      const check = watcher.agreement(batch);
      item({ kind: 'gradCheck', iter, relError: check.relError, ok: check.ok });
    }
  };
}

function setLearningRate(learningRate: number): void {
  if (!trainer || trainer.state === 'done') return;
  trainer.setLearningRate(learningRate);
  const changes = trainer.learningRateChanges;
  const last = changes[changes.length - 1];
  if (last) send({ type: 'watch', item: { kind: 'learningRate', ...last } });
}

/** Sends the progress not yet sent, while a run is going. */
let flushNow: (() => void) | undefined;
/** The running job's speed; a pause is not training time, so Resume starts it afresh. */
let currentMeter: RateMeter | undefined;

async function control(type: 'pause' | 'resume' | 'step' | 'stop'): Promise<void> {
  if (!trainer) return;
  const t = trainer;
  t[type]();
  // The iterations run before the pause wait for an epoch's accuracies from the evaluation worker, if any.
  if (type === 'pause') await t.settled();
  if (type === 'pause') flushNow?.();
  if (type === 'resume') currentMeter?.reset();
  if (type === 'pause' || type === 'resume')
    send({ type: 'state', state: t.state === 'paused' ? 'paused' : 'running' });
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'train':
      return train(m);
    case 'pause':
    case 'resume':
    case 'step':
    case 'stop':
      return control(m.type);
    case 'setLearningRate':
      return setLearningRate(m.learningRate);
    case 'lrFinder': {
      const all = load(m.dataset);
      const data = m.config.trainImages ? withTrainImages(all, m.config.trainImages) : all;
      const shape = { inputSize: data.train.size, hiddenSize: m.config.hiddenSize, outputSize: data.classes };
      const net = createNetwork(m.engine ?? DEFAULT_ENGINE, shape, m.config);
      const result = findLearningRate(net, data.train, {
        batchSize: Math.min(m.config.batchSize, data.train.count),
        seed: m.config.seed,
      });
      send({ type: 'lrFinder', result });
      return;
    }
    case 'evaluate': {
      const data = load(m.dataset);
      const net = netFromParams(m.params);
      const model = modelPicture(m.params, data.test);
      send({ type: 'evaluated', model, trainAccuracy: net.accuracyOn(data.train), testAccuracy: model.testAccuracy });
      return;
    }
    case 'netCheck': {
      const data = load(m.dataset);
      send({ type: 'netCheck', result: checkNetworkGradients(data, m) });
      return;
    }
  }
}

port.on('message', (m: ToWorker) => {
  handle(m).then(
    () => {
      // A job other than a control message is the worker's only one: let the thread end.
      if (m.type === 'train' || m.type === 'evaluate' || m.type === 'netCheck' || m.type === 'lrFinder') port.close();
    },
    (e: unknown) => {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      port.close();
    },
  );
});
