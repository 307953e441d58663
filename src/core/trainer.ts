import { Dataset } from './dataset';
import { LossDiagnosis, LossWatch, probe } from './lossWatch';
import { Random } from './random';
import { GradientMethod, TrainableNetwork, TwoLayerParams } from './twoLayerNet';

export interface TrainConfig {
  hiddenSize: number;
  learningRate: number;
  batchSize: number;
  iters: number;
  weightInitStd: number;
  seed: number;
  gradientMethod: GradientMethod;
  /**
   * How mini-batches are drawn: 'replacement' (the book: np.random.choice, so within an "epoch" some
   * images come twice and some not at all) or 'shuffled' (each image once per epoch, in a new order
   * every epoch, as most frameworks do). Absent means the book's way.
   */
  sampling?: Sampling;
}

export type Sampling = 'replacement' | 'shuffled';
export const SAMPLINGS: readonly Sampling[] = ['replacement', 'shuffled'];

/** A learning-rate change during a run: from iteration `iter` on (1-based, as the loss history counts), the rate is `learningRate`. */
export interface LearningRateChange {
  iter: number;
  learningRate: number;
}

/** The rate iteration `iter` (1-based) trained with: the last change at or before it, else `initial`. */
export function learningRateAt(iter: number, initial: number, changes: readonly LearningRateChange[] = []): number {
  let rate = initial;
  for (const c of changes) if (c.iter <= iter) rate = c.learningRate;
  return rate;
}

/** The book's hyperparameters (chapter 4.5). */
export const BOOK_DEFAULTS: TrainConfig = {
  hiddenSize: 50,
  learningRate: 0.1,
  batchSize: 100,
  iters: 10000,
  weightInitStd: 0.01,
  seed: 42,
  gradientMethod: 'backprop',
};

export type StopReason = 'finished' | 'stopped' | 'diverged';

export type TrainEvent =
  | { type: 'iteration'; iter: number; loss: number; elapsedMs: number }
  | { type: 'epoch'; epoch: number; iter: number; trainAccuracy: number; testAccuracy: number; elapsedMs: number }
  /** The loss says the network is not learning (lossWatch.ts): sent when first seen; undefined when it recovered. */
  | { type: 'diagnosis'; diagnosis: LossDiagnosis | undefined }
  | { type: 'done'; reason: StopReason; summary: TrainSummary };

export interface TrainSummary {
  reason: StopReason;
  iterations: number;
  epochs: number;
  finalLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Time spent training: the time a run was paused does not count. */
  wallSeconds: number;
  /** Set when the run diverged: what went wrong and what to try. */
  message?: string;
  /** Changes of the learning rate made during the run, in order (absent when none). */
  learningRateChanges?: LearningRateChange[];
  /** Why the loss says the network did not learn, when it says so at the end. */
  diagnosis?: LossDiagnosis;
}

export type TrainState = 'idle' | 'running' | 'paused' | 'done';

export interface Accuracies {
  trainAccuracy: number;
  testAccuracy: number;
}

/**
 * Evaluates a copy of the weights somewhere else (the fast engine's second core: src/node/epochEvaluator.ts)
 * while training goes on. The trainer hands it the weights of each epoch and delivers the accuracies in the
 * events' order; it closes the evaluator when its run ends, whatever the reason.
 */
export interface EpochEvaluator {
  /** True once it can evaluate; false (or a rejection) when it cannot, and the trainer evaluates in its own thread. */
  ready(): Promise<boolean>;
  /** The accuracies of exactly these weights on the train and test sets. */
  evaluate(params: TwoLayerParams): Promise<Accuracies>;
  /** Ends it; nothing of it outlives this. */
  close(): Promise<void>;
}

/**
 * How a run uses a second core: 'split', the fast engine computes half of every step and of every
 * accuracy check on it; 'worker', the per-epoch accuracies are computed on it (a worker with a copy of
 * the weights) while training goes on; 'in-thread', one core does everything.
 */
export type EvaluationPath = 'worker' | 'split' | 'in-thread';
export const EVALUATION_PATHS: readonly EvaluationPath[] = ['worker', 'split', 'in-thread'];

/** What happened after a step, delivered to the listener in this order (an epoch waits for its accuracies). */
type Delivery =
  | { type: 'iteration'; iter: number; loss: number; elapsedMs: number }
  | { type: 'epoch'; epoch: number; iter: number; elapsedMs: number; params?: TwoLayerParams; result?: Accuracies };

/** iter_per_epoch = max(train_size / batch_size, 1) */
export function iterPerEpoch(trainSize: number, batchSize: number): number {
  return Math.max(trainSize / batchSize, 1);
}

/**
 * Whether iteration i (0-based, the book's loop variable) gets an accuracy check. The book tests
 * i % iter_per_epoch == 0; for a whole iter_per_epoch this is the same as "i crosses an epoch
 * boundary", which also works when train_size / batch_size is not whole (e.g. batch 300).
 */
export function isEpochIteration(i: number, perEpoch: number): boolean {
  return i === 0 || Math.floor(i / perEpoch) > Math.floor((i - 1) / perEpoch);
}

/**
 * Epoch evaluations a run lets an evaluator have under way at once: when epochs come faster than they are
 * evaluated (a tiny training set), training waits, so the copies of the weights and the deliveries queued
 * behind them stay bounded.
 */
export const MAX_EVALUATIONS_IN_FLIGHT = 2;

/** How often run() yields to the event loop by default, in ms. */
export const TRAINER_SLICE_MS = 30;

/** Lets other work run between slices: setImmediate in Node (no 1 ms floor), else setTimeout(0) (a page). */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * Mini-batch SGD with the book's semantics: a batch sampled with replacement, the loss on it
 * recorded every iteration, accuracy on the whole train and test sets once per epoch.
 * run() yields to the event loop every `sliceMs` so pause/resume/step/stop can arrive.
 */
export class Trainer {
  private readonly rng: Random;
  private readonly batch: Int32Array;
  private readonly perEpoch: number;
  private iter = 0;
  private epochs = 0;
  private lastLoss = NaN;
  private lastTrain = NaN;
  private lastTest = NaN;
  private stopRequested = false;
  private pendingSteps = 0;
  private wake: (() => void) | undefined;
  private startedAt = 0;
  private learningRate: number;
  private readonly rateChanges: LearningRateChange[] = [];
  private order: Int32Array | undefined;
  private orderAt = 0;
  /** Called before each SGD step with the iteration about to run (1-based) and its mini-batch: the gradient views look here. */
  beforeStep: ((iter: number, batch: Int32Array) => void) | undefined;
  private pausedMs = 0;
  private watch: LossWatch | undefined;
  /** Deliveries waiting for an earlier epoch's accuracies (empty when evaluating in this thread). */
  private readonly queue: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private listener: (e: TrainEvent) => void = () => undefined;
  /** A listener's exception thrown while delivering later: run() rethrows it. */
  private failure: unknown;
  private drained: (() => void)[] = [];
  /** The run is over (it may have thrown): evaluations still under way are dropped. */
  private closing = false;
  /**
   * Set before run() to evaluate each epoch's weights elsewhere while training continues; the events and
   * the summary are the same as without it. A evaluator that is not ready falls back to this thread.
   */
  evaluator: EpochEvaluator | undefined;
  /** Where this run's accuracies are computed (known once run() started training). */
  evaluation: EvaluationPath = 'in-thread';
  state: TrainState = 'idle';

  constructor(
    private readonly net: TrainableNetwork,
    private readonly data: Dataset,
    readonly config: TrainConfig,
    private readonly sliceMs = TRAINER_SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rng = new Random(config.seed ^ 0x5eed);
    this.batch = new Int32Array(config.batchSize);
    this.perEpoch = iterPerEpoch(data.train.count, config.batchSize);
    this.learningRate = config.learningRate;
  }

  /** The learning rate the next iteration uses. */
  get currentLearningRate(): number {
    return this.learningRate;
  }

  /** From the next iteration on, train with `learningRate` (while running or paused); the change is recorded. */
  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0) || !Number.isFinite(learningRate))
      throw new Error(`a learning rate must be a positive number, not ${learningRate}`);
    if (learningRate === this.learningRate) return;
    this.learningRate = learningRate;
    const iter = this.iter + 1;
    const last = this.rateChanges[this.rateChanges.length - 1];
    if (last && last.iter === iter) last.learningRate = learningRate;
    else this.rateChanges.push({ iter, learningRate });
  }

  /** The learning-rate changes so far. */
  get learningRateChanges(): LearningRateChange[] {
    return this.rateChanges.map((c) => ({ ...c }));
  }

  /** Milliseconds of training so far, paused time left out. */
  private elapsed(): number {
    return this.now() - this.startedAt - this.pausedMs;
  }

  get iteration(): number {
    return this.iter;
  }

  /** Epoch boundaries crossed so far (counted at the step, before the epoch's accuracies are known). */
  get epochCount(): number {
    return this.epochs;
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state === 'paused') {
      this.state = 'running';
      this.wakeUp();
    }
  }

  /** While paused: run exactly one more iteration. */
  step(): void {
    if (this.state === 'paused') {
      this.pendingSteps++;
      this.wakeUp();
    }
  }

  stop(): void {
    this.stopRequested = true;
    this.wakeUp();
  }

  async run(listener: (e: TrainEvent) => void = () => undefined, startPaused = false): Promise<TrainSummary> {
    try {
      return await this.runLoop(listener, startPaused);
    } finally {
      this.closing = true;
      const evaluator = this.evaluator;
      this.evaluator = undefined;
      await evaluator?.close();
    }
  }

  private async runLoop(listener: (e: TrainEvent) => void, startPaused: boolean): Promise<TrainSummary> {
    this.listener = listener;
    this.state = startPaused ? 'paused' : 'running';
    // The untrained network, probed once (≈10 ms), tells the learning rate's effects from the initial weights'.
    this.watch ??= new LossWatch(this.data.classes, probe(this.net.exportParams(), this.data.train));
    // The engine's data preparation (the fast engine's sparse copy) is not training time, nor the evaluator's.
    this.net.prepare?.(this.data.train);
    this.net.prepare?.(this.data.test);
    if (this.evaluator && !(await this.evaluator.ready().catch(() => false))) {
      await this.evaluator.close();
      this.evaluator = undefined;
    }
    this.evaluation = this.evaluator ? 'worker' : (this.net.threads?.() ?? 1) > 1 ? 'split' : 'in-thread';
    this.startedAt = this.now();
    while (this.iter < this.config.iters && !this.stopRequested) {
      this.throwFailure();
      if (this.inFlight.size >= MAX_EVALUATIONS_IN_FLIGHT) {
        await Promise.race(this.inFlight);
        continue;
      }
      if (this.state === 'paused' && this.pendingSteps === 0) {
        const pausedAt = this.now();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.pausedMs += this.now() - pausedAt;
        continue;
      }
      const sliceEnd = this.now() + this.sliceMs;
      do {
        if (this.state === 'paused') {
          if (this.pendingSteps === 0) break;
          this.pendingSteps--;
        }
        if (!this.runIteration()) return this.finish('diverged');
      } while (
        this.iter < this.config.iters &&
        !this.stopRequested &&
        this.now() < sliceEnd &&
        this.inFlight.size < MAX_EVALUATIONS_IN_FLIGHT
      );
      await yieldToEventLoop();
    }
    return this.finish(this.stopRequested && this.iter < this.config.iters ? 'stopped' : 'finished');
  }

  /** Resolves once every epoch evaluated so far has reached the listener, with the iterations after it. */
  settled(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** One iteration; false when the loss stopped being a finite number. */
  private runIteration(): boolean {
    const { train, test } = this.data;
    this.nextBatch(train.count);
    this.beforeStep?.(this.iter + 1, this.batch);
    const loss = this.net.trainStep(train, this.batch, this.learningRate, this.config.gradientMethod);
    const i = this.iter++;
    this.lastLoss = loss;
    this.deliver({ type: 'iteration', iter: this.iter, loss, elapsedMs: this.elapsed() });
    if (!Number.isFinite(loss)) return false;
    if (isEpochIteration(i, this.perEpoch)) {
      this.epochs++;
      const epoch: Extract<Delivery, { type: 'epoch' }> = {
        type: 'epoch',
        epoch: this.epochs,
        iter: this.iter,
        elapsedMs: 0,
      };
      const evaluator = this.evaluator;
      if (evaluator) {
        // A copy of this epoch's weights goes to the evaluator; training goes on with the next step meanwhile.
        const params = (epoch.params = this.net.exportParams());
        const job = evaluator
          .evaluate(params)
          .catch((e: unknown) => {
            if (this.closing) throw e;
            return this.evaluateHere(params);
          })
          .then(
            (result) => {
              epoch.result = result;
              this.drain();
            },
            (e: unknown) => {
              if (this.closing) return;
              this.failure ??= e;
              this.wakeUp();
            },
          )
          .finally(() => this.inFlight.delete(job));
        this.inFlight.add(job);
      } else {
        epoch.result = { trainAccuracy: this.net.accuracyOn(train), testAccuracy: this.net.accuracyOn(test) };
      }
      // The training thread's own time for the epoch's evaluation ends here (in the worker case, the copy).
      epoch.elapsedMs = this.elapsed();
      this.deliver(epoch);
    }
    return true;
  }

  /** The accuracies of `params` computed here (an evaluator that failed mid-run): the network's weights are put back. */
  private evaluateHere(params: TwoLayerParams): Accuracies {
    const importParams = this.net.importParams?.bind(this.net);
    if (!importParams) throw new Error('the evaluator failed and this network cannot evaluate other weights');
    const current = this.net.exportParams();
    importParams(params);
    try {
      return { trainAccuracy: this.net.accuracyOn(this.data.train), testAccuracy: this.net.accuracyOn(this.data.test) };
    } finally {
      importParams(current);
    }
  }

  /** Queues `d` behind an epoch still being evaluated, then delivers whatever is ready, in order. */
  private deliver(d: Delivery): void {
    this.queue.push(d);
    this.drain();
    this.throwFailure();
  }

  private drain(): void {
    try {
      while (this.queue.length > 0) {
        const d = this.queue[0];
        if (d.type === 'epoch' && !d.result) return;
        this.queue.shift();
        this.emit(d);
      }
    } catch (e) {
      this.failure ??= e;
      this.queue.length = 0;
      this.wakeUp();
    }
    if (this.queue.length === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Hands one delivery to the listener and the loss watch (which sees losses and epochs in the run's order). */
  private emit(d: Delivery): void {
    const listener = this.listener;
    const watch = this.watch!;
    if (d.type === 'iteration') {
      listener({ type: 'iteration', iter: d.iter, loss: d.loss, elapsedMs: d.elapsedMs });
      const nan = this.withRate(watch.add(d.loss));
      if (nan) listener({ type: 'diagnosis', diagnosis: nan });
      return;
    }
    const { trainAccuracy, testAccuracy } = d.result!;
    this.lastTrain = trainAccuracy;
    this.lastTest = testAccuracy;
    listener({ type: 'epoch', epoch: d.epoch, iter: d.iter, trainAccuracy, testAccuracy, elapsedMs: d.elapsedMs });
    const found = this.withRate(
      watch.atEpoch({
        iter: d.iter,
        epoch: d.epoch,
        trainAccuracy,
        probe: () => probe(d.params ?? this.net.exportParams(), this.data.train),
      }),
    );
    if (found !== undefined) listener({ type: 'diagnosis', diagnosis: found ?? undefined });
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stamps a new diagnosis with the rate its iteration trained with (kept on the watch's sticky diagnosis too). */
  private withRate<D extends LossDiagnosis | null | undefined>(d: D): D {
    if (d) d.learningRate = learningRateAt(d.iter, this.config.learningRate, this.rateChanges);
    return d;
  }

  /** The book's np.random.choice(train_size, batch_size), or the next slice of this epoch's shuffled order. */
  private nextBatch(count: number): void {
    if (this.config.sampling !== 'shuffled') {
      this.rng.choice(count, this.config.batchSize, this.batch);
      return;
    }
    for (let k = 0; k < this.batch.length; k++) {
      if (!this.order || this.orderAt === this.order.length) {
        this.order = this.rng.permutation(count, this.order);
        this.orderAt = 0;
      }
      this.batch[k] = this.order[this.orderAt++];
    }
  }

  /** The summary, once the last epoch's accuracies have arrived and every event before it was delivered. */
  private async finish(reason: StopReason): Promise<TrainSummary> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.drain();
    this.throwFailure();
    this.state = 'done';
    const summary: TrainSummary = {
      reason,
      iterations: this.iter,
      epochs: this.epochs,
      finalLoss: this.lastLoss,
      trainAccuracy: this.lastTrain,
      testAccuracy: this.lastTest,
      wallSeconds: this.elapsed() / 1000,
      diagnosis: this.watch?.diagnosis,
    };
    if (this.rateChanges.length > 0) summary.learningRateChanges = this.learningRateChanges;
    const d = summary.diagnosis;
    if (reason === 'diverged' && d?.kind === 'not-a-number' && d.fromStart) {
      summary.message =
        `The loss was ${this.lastLoss} from the start: the initial weights are too large (the book uses ` +
        `weight_init_std = 0.01); the learning rate is not the cause.`;
    } else if (reason === 'diverged') {
      summary.message =
        `The loss became ${this.lastLoss} at iteration ${this.iter}: the learning rate ` +
        `${learningRateAt(this.iter, this.config.learningRate, this.rateChanges)} is too large. ` +
        `Try a smaller one (the book uses 0.1).`;
    }
    this.listener({ type: 'done', reason, summary });
    return summary;
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
