/**
 * Starts the fast engine's second thread (dist/pairWorker.js) on a FastTwoLayerNet made with shared
 * memory, and ends it. While it runs, every training step and evaluation of that engine is split
 * between the two threads (src/engine/pairedNet.ts), or with the evaluation worker (the default path) only
 * those taken while the worker is idle. When the thread cannot start, the engine simply stays on one core.
 */
import { availableParallelism } from 'os';
import { join } from 'path';
import { Worker } from 'worker_threads';
import type { LabeledImages } from '../core/dataset';
import type { EvaluationPath } from '../core/trainer';
import type { NetShape, TrainableNetwork } from '../core/twoLayerNet';
import { FastTwoLayerNet } from '../engine/fastNet';
import type { EngineName } from '../engine/network';
import { PAIR_OPS } from '../engine/pairedNet';
import { WorkerEpochEvaluator } from './epochEvaluator';

export type PairFromWorker = { type: 'ready' } | { type: 'stopped' } | { type: 'error'; message: string };

export interface EnginePair {
  /** Why the second thread is not sharing the work (it could not start, or it failed), when it is not. */
  problem: string | undefined;
  /** The thread, while it runs. */
  worker?: Worker;
  /** Ends the second thread (the engine works alone again); resolves once the thread has exited. */
  close(): Promise<void>;
}

/** How long the second thread may take to start before the engine goes on alone. */
const START_TIMEOUT_MS = 20_000;

/**
 * Gives `net` a second thread. Resolves once the thread shares the work, or with `problem` set when it
 * cannot (the engine's memory is not shared, its hidden layer has a single vector, or the thread failed).
 */
export async function startPair(
  net: FastTwoLayerNet,
  workerFile?: string,
  idleWhile?: Int32Array,
): Promise<EnginePair> {
  const invitation = net.pairInvitation();
  if (!invitation)
    return {
      problem: 'this engine cannot share its work (its memory is not shared, or its hidden layer has 4 units or fewer)',
      close: async () => undefined,
    };
  let worker: Worker;
  try {
    worker = new Worker(workerFile ?? join(__dirname, 'pairWorker.js'), { workerData: invitation });
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e), close: async () => undefined };
  }
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const pair: EnginePair = {
    problem: undefined,
    worker,
    close: async () => {
      if (net.threads() === 2) {
        const channel = net.pairChannel();
        net.pairWith(undefined);
        try {
          channel.post(PAIR_OPS.stop, []);
          channel.wait();
        } catch {
          // it is terminated below
        }
      }
      await worker.terminate();
      await exited;
    },
  };
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    worker.on('message', (m: PairFromWorker) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(true);
      } else if (m.type === 'error') {
        pair.problem ??= m.message;
        resolve(false);
      }
    });
    worker.once('error', (e) => {
      pair.problem ??= e.message;
      resolve(false);
    });
    void exited.then(() => {
      pair.problem ??= 'the second thread ended';
      resolve(false);
    });
  });
  if (!ready) {
    pair.problem ??= 'the second thread did not start in time';
    await worker.terminate();
    await exited;
    return pair;
  }
  net.pairWith(net.pairChannel(), idleWhile);
  // A thread that ends on its own (it never does, short of a fatal error): the engine goes on alone.
  void exited.then(() => {
    pair.problem ??= 'the second thread ended';
    net.pairWith(undefined);
  });
  return pair;
}

/** What a run started on its second core, to be closed when the run ends. */
export interface SecondCore {
  /** The evaluation worker, when the run evaluates there. */
  evaluator: WorkerEpochEvaluator | undefined;
  /** The engine's second thread, when it shares every step ('split') or the steps taken while the evaluation worker is idle. */
  pair: EnginePair | undefined;
  /** Why 'split' was asked for but could not be (the run then evaluates on the worker instead). */
  splitProblem?: string;
  /** Ends whatever was started (the trainer closes the evaluator itself; closing twice is harmless). */
  close(): Promise<void>;
}

/**
 * Puts a run's second core to work as `path` says: 'split' gives the fast engine (made with shared
 * memory) its second thread, and when that cannot be, falls back to 'worker', the evaluation worker;
 * 'in-thread' starts nothing. `workerDir` holds the bundled workers (dist/ by default).
 */
export async function useSecondCore(
  path: EvaluationPath,
  net: TrainableNetwork,
  options: { engine: EngineName; shape: NetShape; train: LabeledImages; test: LabeledImages; workerDir?: string },
): Promise<SecondCore> {
  const dir = options.workerDir ?? __dirname;
  let splitProblem: string | undefined;
  if (path === 'split' && !(net instanceof FastTwoLayerNet))
    splitProblem = 'only the fast engine can split its steps over two threads';
  else if (path === 'split' && net instanceof FastTwoLayerNet) {
    const pair = await startPair(net, join(dir, 'pairWorker.js'));
    if (pair.problem === undefined) return { evaluator: undefined, pair, close: () => pair.close() };
    splitProblem = pair.problem;
  }
  const evaluator =
    path === 'in-thread' ? undefined : new WorkerEpochEvaluator({ ...options, workerFile: join(dir, 'evalWorker.js') });
  // The evaluation worker leaves the second core idle between two epochs' evaluations: a fast engine made with
  // shared memory splits the steps taken then with a thread of its own (the steps taken while an evaluation is
  // under way stay whole on this thread), with the same numbers either way.
  let pair: EnginePair | undefined;
  // (Not on a single core, where a second thread spinning between two operations would only take the first one's time.)
  const cores = availableParallelism();
  if (evaluator && path === 'worker' && net instanceof FastTwoLayerNet && net.pairInvitation() && cores >= 2) {
    pair = await startPair(net, join(dir, 'pairWorker.js'), evaluator.underWay);
    if (pair.problem !== undefined) pair = undefined;
  }
  return {
    evaluator,
    pair,
    splitProblem,
    close: async () => {
      await pair?.close();
      await evaluator?.close();
    },
  };
}
