/**
 * Messages between the extension host and its training worker (dist/trainWorker.js). One worker
 * per job: a training run, an evaluation of saved parameters, or a network gradient check.
 * Both sides are our own code, so these are typed but not validated like webview messages.
 */
import type { EngineName } from '../../engine/network';
import type { EvaluationPath, TrainConfig, TrainSummary } from '../../core/trainer';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import type { ModelView, NetCheckResult, ProgressBatch } from '../../protocol/train';
import type { LrFinderView, WatchItem } from '../../protocol/trainWatch';

export type { ProgressBatch };

export type DatasetSource = { kind: 'bundled'; dir: string } | { kind: 'folder'; path: string };

export type ModelPicture = Omit<ModelView, 'id'>;

export type ToWorker =
  | {
      type: 'train';
      config: TrainConfig & { trainImages?: number; checkEvery?: number };
      dataset: DatasetSource;
      engine?: EngineName;
      flushMs?: number;
      /** How often the gradient views get a snapshot, in ms (default 250; 0: never). */
      watchMs?: number;
      /** How the run uses a second core (EvaluationPath; 'worker' by default; 'split' falls back to 'worker', that to in-thread). */
      evaluation?: EvaluationPath;
      /** The folder of the bundled second-core workers, pairWorker.js and evalWorker.js (default: this worker's). */
      workerDir?: string;
    }
  | { type: 'setLearningRate'; learningRate: number }
  | { type: 'lrFinder'; config: TrainConfig & { trainImages?: number }; dataset: DatasetSource; engine?: EngineName }
  | { type: 'pause' | 'resume' | 'step' | 'stop' }
  | { type: 'evaluate'; params: TwoLayerParams; dataset: DatasetSource }
  | {
      type: 'netCheck';
      batchSize: number;
      hiddenSize: number;
      weightInitStd: number;
      seed: number;
      dataset: DatasetSource;
    };

export type FromWorker =
  | { type: 'loaded'; datasetName: string; trainCount: number; testCount: number; engine: string }
  | ({ type: 'progress' } & ProgressBatch)
  | { type: 'state'; state: 'running' | 'paused' }
  | {
      type: 'done';
      summary: TrainSummary;
      params?: TwoLayerParams;
      model?: ModelPicture;
      /** Where the run's per-epoch accuracies were computed. */
      evaluation?: EvaluationPath;
    }
  | { type: 'evaluated'; model: ModelPicture; trainAccuracy: number; testAccuracy: number }
  | { type: 'netCheck'; result: NetCheckResult }
  | { type: 'watch'; item: WatchItem }
  | { type: 'lrFinder'; result: LrFinderView }
  | { type: 'error'; message: string };
