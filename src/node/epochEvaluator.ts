/**
 * Per-epoch evaluation on the second core: a worker thread (dist/evalWorker.js) with its own engine and
 * its own prepared copy of the sets receives a copy of the weights at each epoch boundary and answers
 * the two accuracies while the training thread goes on. The Trainer delivers them in order and closes
 * this when its run ends (finished, stopped, diverged or failed), which ends the thread.
 */
import { join } from 'path';
import { Worker } from 'worker_threads';
import type { LabeledImages } from '../core/dataset';
import type { Accuracies, EpochEvaluator } from '../core/trainer';
import type { NetShape, TwoLayerParams } from '../core/twoLayerNet';
import type { EngineName } from '../engine/network';

export interface EvalWorkerData {
  engine: EngineName;
  shape: NetShape;
  train: LabeledImages;
  test: LabeledImages;
  /** Evaluations under way (see WorkerEpochEvaluator.underWay): the worker takes 1 off as it answers each. */
  underWay: SharedArrayBuffer;
}

export type EvalToWorker = { type: 'evaluate'; id: number; params: TwoLayerParams };
export type EvalFromWorker =
  | { type: 'ready' }
  | { type: 'evaluated'; id: number; trainAccuracy: number; testAccuracy: number; ms: number }
  | { type: 'error'; message: string };

export interface EpochEvaluatorOptions {
  engine: EngineName;
  shape: NetShape;
  train: LabeledImages;
  test: LabeledImages;
  /** The bundled worker; by default dist/evalWorker.js beside the bundle that uses this. */
  workerFile?: string;
}

/** A compact copy of a set (its own buffer, so that only its bytes are moved to the worker). */
function own(set: LabeledImages): { set: LabeledImages; buffers: ArrayBuffer[] } {
  const images = new Uint8Array(set.images);
  const labels = new Uint8Array(set.labels);
  return { set: { count: set.count, size: set.size, images, labels }, buffers: [images.buffer, labels.buffer] };
}

export class WorkerEpochEvaluator implements EpochEvaluator {
  /** Resolves with the thread's exit code once it has ended (at once when it never started). */
  readonly exited: Promise<number>;
  /** Milliseconds the worker spent evaluating (on the second core, overlapped with training). */
  busyMs = 0;
  /** Evaluations the worker answered. */
  answered = 0;
  /** Why the worker cannot evaluate (it failed to start or died), when it cannot. */
  problem: string | undefined;
  /**
   * [0]: evaluations posted and not yet answered, kept in shared memory so that the training thread can read
   * it between two steps without waiting for a message: while it is 0 the second core is idle, and a fast
   * engine with a second thread of its own splits its steps (pairThread.ts, useSecondCore).
   */
  readonly underWay = new Int32Array(new SharedArrayBuffer(4));
  private readonly worker: Worker | undefined;
  private readonly started: Promise<boolean>;
  private readonly waiting = new Map<number, { resolve: (a: Accuracies) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(options: EpochEvaluatorOptions) {
    const train = own(options.train);
    const test = own(options.test);
    const workerData: EvalWorkerData = {
      engine: options.engine,
      shape: options.shape,
      train: train.set,
      test: test.set,
      underWay: this.underWay.buffer as SharedArrayBuffer,
    };
    let worker: Worker | undefined;
    try {
      worker = new Worker(options.workerFile ?? join(__dirname, 'evalWorker.js'), {
        workerData,
        transferList: [...train.buffers, ...test.buffers],
      });
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
    }
    this.worker = worker;
    if (!worker) {
      this.exited = Promise.resolve(0);
      this.started = Promise.resolve(false);
      return;
    }
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    this.started = new Promise<boolean>((resolve) => {
      worker.on('message', (m: EvalFromWorker) => {
        if (m.type === 'ready') resolve(true);
        else if (m.type === 'evaluated') {
          this.busyMs += m.ms;
          this.answered++;
          const w = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          w?.resolve({ trainAccuracy: m.trainAccuracy, testAccuracy: m.testAccuracy });
        } else this.fail(m.message, resolve);
      });
      worker.once('error', (e) => this.fail(e.message, resolve));
      void this.exited.then(() => this.fail(this.problem ?? 'the evaluation worker ended', resolve));
    });
  }

  ready(): Promise<boolean> {
    return this.started;
  }

  evaluate(params: TwoLayerParams): Promise<Accuracies> {
    if (this.problem !== undefined || !this.worker) return Promise.reject(new Error(this.problem ?? 'no worker'));
    const id = this.nextId++;
    const message: EvalToWorker = { type: 'evaluate', id, params };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      Atomics.add(this.underWay, 0, 1);
      this.worker!.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.problem ??= 'closed';
    if (this.worker) await this.worker.terminate();
    await this.exited;
  }

  /** From now on every evaluation is refused (the trainer evaluates those itself). */
  private fail(message: string, resolveReady: (ok: boolean) => void): void {
    this.problem ??= message;
    Atomics.store(this.underWay, 0, 0);
    resolveReady(false);
    for (const w of this.waiting.values()) w.reject(new Error(this.problem));
    this.waiting.clear();
  }
}
