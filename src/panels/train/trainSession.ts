/**
 * The extension host's side of the training worker: one Worker per job, ended (terminate) when the
 * job is done, stopped, or its panel goes away — so no training thread outlives its panel. No
 * vscode import: unit tests drive it against the real dist/trainWorker.js.
 */
import { Worker } from 'worker_threads';
import type { EvaluationPath, TrainSummary } from '../../core/trainer';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import type { EpochPoint } from '../../protocol/train';
import type { WatchItem } from '../../protocol/trainWatch';
import type { FromWorker, ModelPicture, ProgressBatch, ToWorker } from './workerProtocol';

export interface TrainListener {
  loaded?(info: Extract<FromWorker, { type: 'loaded' }>): void;
  progress?(batch: ProgressBatch): void;
  state?(state: 'running' | 'paused'): void;
  done?(summary: TrainSummary, params?: TwoLayerParams, model?: ModelPicture): void;
  watch?(item: WatchItem): void;
  error?(message: string): void;
}

export type SessionState = 'loading' | 'running' | 'paused' | 'done';

/** One training run in its own worker; keeps the whole loss history so a reopened panel can redraw it. */
export class TrainSession {
  readonly losses: number[] = [];
  readonly epochs: EpochPoint[] = [];
  /** What a reopened page needs to redraw the gradient views: the latest snapshot and histograms, every check and rate change. */
  readonly watch: WatchItem[] = [];
  state: SessionState = 'loading';
  datasetName = '';
  summary: TrainSummary | undefined;
  /** Where the finished run's per-epoch accuracies were computed (a second thread, or between steps). */
  evaluation: EvaluationPath | undefined;
  /** Training time so far (pauses left out), from the last progress batch. */
  elapsedMs = 0;
  /** Resolves with the worker's exit code once its thread has ended. */
  readonly exited: Promise<number>;
  private readonly worker: Worker;
  private ended = false;

  constructor(
    workerFile: string,
    job: Extract<ToWorker, { type: 'train' }>,
    private readonly listener: TrainListener = {},
  ) {
    this.worker = new Worker(workerFile);
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', (e) => this.fail(e.message));
    void this.exited.then(() => {
      if (this.state !== 'done') this.fail('the training worker ended unexpectedly');
    });
    this.worker.postMessage(job);
  }

  get iteration(): number {
    return this.losses.length;
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  step(): void {
    this.send({ type: 'step' });
  }

  /** From the next iteration on, train with this learning rate (running or paused). */
  setLearningRate(learningRate: number): void {
    this.send({ type: 'setLearningRate', learningRate });
  }

  /** Asks the worker to finish: it reports 'done' (reason 'stopped') with the weights so far. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Ends the worker now, whatever it is doing. */
  async dispose(): Promise<void> {
    this.ended = true;
    if (this.state !== 'done') this.state = 'done';
    await this.worker.terminate();
  }

  private send(m: ToWorker): void {
    if (!this.ended && this.state !== 'done') this.worker.postMessage(m);
  }

  private receive(m: FromWorker): void {
    if (this.ended) return;
    switch (m.type) {
      case 'loaded':
        this.state = 'running';
        this.datasetName = m.datasetName;
        this.listener.loaded?.(m);
        return;
      case 'progress':
        for (const l of m.loss) this.losses.push(l);
        this.epochs.push(...m.epochs);
        this.elapsedMs = m.elapsedMs;
        this.listener.progress?.(m);
        return;
      case 'state':
        this.state = m.state;
        this.listener.state?.(m.state);
        return;
      case 'done':
        this.state = 'done';
        this.summary = m.summary;
        this.evaluation = m.evaluation;
        this.ended = true;
        this.listener.done?.(m.summary, m.params, m.model);
        this.endSoon();
        return;
      case 'watch':
        this.keep(m.item);
        this.listener.watch?.(m.item);
        return;
      case 'error':
        this.fail(m.message);
        return;
    }
  }

  /** Keeps one snapshot, one set of histograms and one initial loss (the latest), and every check and rate change. */
  private keep(item: WatchItem): void {
    if (item.kind === 'snapshot' || item.kind === 'histograms' || item.kind === 'initialLoss') {
      const at = this.watch.findIndex((w) => w.kind === item.kind);
      if (at >= 0) this.watch.splice(at, 1);
    }
    this.watch.push(item);
  }

  /** The worker closes its port after 'done' and its thread ends by itself; terminate it if it lingers. */
  private endSoon(): void {
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    timer.unref?.();
    void this.exited.then(() => clearTimeout(timer));
  }

  private fail(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.state = 'done';
    this.listener.error?.(message);
    void this.worker.terminate();
  }
}

/** Runs one evaluate or netCheck job in a fresh worker and returns its answer. */
export function runWorkerJob<T extends 'evaluated' | 'netCheck' | 'lrFinder'>(
  workerFile: string,
  job: ToWorker,
  answer: T,
): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile);
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: FromWorker) => {
      if (m.type === answer) settle(() => resolve(m as Extract<FromWorker, { type: T }>));
      else if (m.type === 'error') settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the worker ended (exit code ${code}) before answering`))),
    );
    worker.postMessage(job);
  });
}
