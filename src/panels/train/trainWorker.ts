/**
 * The training worker (worker_threads, bundled to dist/trainWorker.js). It loads the data, trains
 * with the core Trainer and streams progress in batches — at most one message every `flushMs`
 * (≈30 per second), never one per iteration — so the extension host and the panel only draw.
 * It also evaluates saved parameters and runs the network gradient check, each as its own job.
 */
import { parentPort } from 'worker_threads';
import { Dataset } from '../../core/dataset';
import { DEFAULT_ENGINE, createNetwork } from '../../core/network';
import type { LossDiagnosis } from '../../core/lossWatch';
import { RateMeter } from '../../core/rateMeter';
import { TrainEvent, Trainer } from '../../core/trainer';
import { loadBundled, loadFolder } from '../../data/mnist';
import type { EpochPoint } from '../../protocol/train';
import { modelPicture, netFromParams } from './modelView';
import { checkNetworkGradients } from './networkCheck';
import type { DatasetSource, FromWorker, ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('trainWorker.js runs as a worker_threads Worker, not on its own');

const send = (m: FromWorker) => port.postMessage(m);
let trainer: Trainer | undefined;

function load(source: DatasetSource): Dataset {
  return source.kind === 'bundled' ? loadBundled(source.dir) : loadFolder(source.path);
}

async function train(job: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const data = load(job.dataset);
  const { config } = job;
  if (config.batchSize > data.train.count) {
    throw new Error(`Batch size ${config.batchSize} is larger than the training set (${data.train.count} images): choose at most ${data.train.count}.`);
  }
  const engine = job.engine ?? DEFAULT_ENGINE;
  const shape = { inputSize: data.train.size, hiddenSize: config.hiddenSize, outputSize: data.classes };
  const net = createNetwork(engine, shape, config);
  trainer = new Trainer(net, data, config);
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
  const summary = await trainer.run(onEvent);
  clearInterval(timer);
  flushNow = undefined;
  flush(true);
  if (summary.reason === 'diverged') {
    send({ type: 'done', summary });
    return;
  }
  const params = net.exportParams();
  send({ type: 'done', summary, params, model: modelPicture(params, data.test) });
}

/** Sends the progress not yet sent, while a run is going. */
let flushNow: (() => void) | undefined;
/** The running job's speed; a pause is not training time, so Resume starts it afresh. */
let currentMeter: RateMeter | undefined;

function control(type: 'pause' | 'resume' | 'step' | 'stop'): void {
  if (!trainer) return;
  trainer[type]();
  if (type === 'pause') flushNow?.();
  if (type === 'resume') currentMeter?.reset();
  if (type === 'pause' || type === 'resume') send({ type: 'state', state: trainer.state === 'paused' ? 'paused' : 'running' });
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
      if (m.type === 'train' || m.type === 'evaluate' || m.type === 'netCheck') port.close();
    },
    (e: unknown) => {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      port.close();
    },
  );
});
