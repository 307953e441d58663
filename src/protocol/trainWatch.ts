/**
 * The training panel's gradient views (issue 16): what the worker measures while a run trains and
 * the extension forwards to the page — group norms and update/weight ratios, dW1 beside W1,
 * histograms per epoch, the initial-loss check, the backprop-vs-numerical timeline, learning-rate
 * changes and the learning-rate finder — with the page's English strings for them. Pure.
 */
import type { GroupStat, Histogram } from '../core/gradientWatch';
import type { InitialLossVerdict } from '../core/sanity';
import type { LrFinderPoint } from '../core/lrFinder';
import type { LearningRateChange } from '../core/trainer';

export type { GroupStat, Histogram, LearningRateChange, LrFinderPoint };

/** Images of a weight matrix's first `shown` columns (28×28 each), each scaled by its own largest |value|: int8 as base64. */
export interface TileImages {
  shown: number;
  side: number;
  images: string;
}

/** One look at the gradients: at iteration `iter` (before its step), on its mini-batch. */
export interface GradSnapshot {
  iter: number;
  learningRate: number;
  groups: GroupStat[];
  W1: TileImages;
  dW1: TileImages;
}

export interface GradHistograms {
  epoch: number;
  iter: number;
  groups: { name: GroupStat['name']; weights: Histogram; grads: Histogram }[];
}

export interface GradCheckPoint {
  iter: number;
  relError: number;
  ok: boolean;
}

export interface InitialLoss {
  loss: number;
  expected: number;
  verdict: InitialLossVerdict;
}

/** What the worker adds to a run's stream, and the page receives tagged with the run's id. */
export type WatchItem =
  | ({ kind: 'snapshot' } & GradSnapshot)
  | ({ kind: 'histograms' } & GradHistograms)
  | ({ kind: 'gradCheck' } & GradCheckPoint)
  | ({ kind: 'initialLoss' } & InitialLoss)
  | ({ kind: 'learningRate' } & LearningRateChange);

export interface LrFinderView {
  points: LrFinderPoint[];
  minimumAt: number;
  suggested: number;
  diverged: boolean;
}

export type WatchToWebview =
  | { type: 'watch'; id: string; item: WatchItem }
  | { type: 'lrFinder'; state: 'running' }
  | { type: 'lrFinder'; state: 'done'; result: LrFinderView }
  | { type: 'lrFinder'; state: 'error'; text: string };

/** Why a run's saved `learningRateChanges` cannot be used, or undefined when it can (absent is fine). */
export function learningRateChangesProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 100_000) return 'its learning-rate changes are not a list';
  for (const c of v) {
    const r = c as Record<string, unknown> | null;
    const ok =
      typeof r === 'object' &&
      r !== null &&
      Number.isInteger(r.iter) &&
      (r.iter as number) >= 1 &&
      typeof r.learningRate === 'number' &&
      r.learningRate > 0 &&
      Number.isFinite(r.learningRate);
    if (!ok) return 'every learning-rate change needs an iteration (from 1) and a learning rate greater than 0';
  }
  return undefined;
}

/** Learning rates the page may set during a run (the form's own rule: greater than 0). */
export const LEARNING_RATE_MAX = 1000;

export const WATCH_STRINGS = {
  gradients: 'Gradients while training',
  gradientsIntro:
    'What backprop computes each step: dW1 beside W1 (the same colours: blue negative, red positive), each group’s gradient norm and its update/weight ratio ‖lr·∇W‖ / ‖W‖ — about 1e-3 is healthy; far above, the steps are too large for the weights; far below, learning crawls.',
  gradientsIdle: 'Start a run to see its gradients.',
  W1tiles: 'W1 (first hidden units)',
  dW1tiles: 'dW1 on the current mini-batch',
  gradNormChart: 'Gradient norm ‖∇W‖ per group',
  updateRatioChart: 'Update/weight ratio ‖lr·∇W‖ / ‖W‖ (the dashed line: 1e-3)',
  ruleOfThumb: 'rule of thumb 1e-3',
  histograms: 'Histograms at epoch {0}',
  histWeights: '{0} weights',
  histGrads: '{0} gradients',
  histGroup: 'Group',
  initialLossOk:
    'Initial loss {0} ≈ ln 10 = {1}: before learning every class gets about 1/10, as small random weights should give (4.2.2).',
  initialLossHigh:
    'Initial loss {0}, far above ln 10 = {1}: the network is confidently wrong before it has learned anything — the initial weights are too large (weight init std) or the loss has a bug.',
  initialLossLow:
    'Initial loss {0}, below ln 10 = {1}: the network is confident before learning — check the data and the labels.',
  gradCheckTimeline: 'Backprop vs numerical gradient',
  gradCheckIntro:
    'Every {0} iterations the worker compares backprop with the numerical gradient (4.3): along one random direction over all parameters (two forward passes) and on a few elements per group. Relative error below 1e-2 is agreement (the fast engine computes in float32).',
  gradCheckOk: 'iteration {0}: relative error {1} — backprop agrees',
  gradCheckBad:
    'iteration {0}: relative error {1} — backprop DISAGREES with the numerical gradient: the gradient code is wrong',
  checkEvery: 'Check backprop every N iterations (0: never)',
  sampling: 'Mini-batches',
  samplingReplacement: 'Sampled with replacement (the book: np.random.choice)',
  samplingShuffled: 'Shuffled epochs (each image once per epoch)',
  samplingHint:
    'The book draws each mini-batch with np.random.choice, so in one “epoch” some images come twice and some not at all; shuffled epochs show each image exactly once per epoch, as most frameworks do.',
  trainImages: 'Training images (0: all)',
  overfitPreset: 'Overfit a tiny set',
  overfitHint:
    'Trains on 100 images only: train accuracy should reach ~100 % while test accuracy stays low. A network that cannot learn 100 images by heart has a bug.',
  liveRate: 'Learning rate now',
  applyRate: 'Apply',
  rateChanged: 'learning rate {0} from iteration {1}',
  lrFinder: 'Learning-rate finder',
  lrFinderRun: 'Find a learning rate',
  lrFinderIntro:
    'A fresh network trains one mini-batch at each rate, the rate growing from 1e-5 to 10: too small and the loss barely moves, too large and it rises (4.4.1). A good rate is a little below the lowest point.',
  lrFinderRunning: 'Trying rates from 1e-5 to 10…',
  lrFinderResult: 'Lowest loss at rate {0}; suggested rate {1} (a tenth of it). The book uses 0.1.',
  lrFinderUse: 'Use {0}',
  lrAxis: 'learning rate (log scale)',
  bookRate: 'the book’s 0.1',
} as const;
