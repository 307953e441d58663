/**
 * The learning-rate finder (fast.ai's "LR range test"): train a fresh network for a short while
 * with the learning rate growing exponentially, from 1e-5 to 10, one mini-batch per rate, and plot
 * the loss against the rate on a log scale. Too small a rate: the loss barely moves; a good one: it
 * falls fastest; too large (chapter 4.4.1's lesson): it rises and diverges, and the finder stops.
 */
import { LabeledImages } from './dataset';
import { Random } from './random';
import { TrainableNetwork } from './twoLayerNet';

export interface LrFinderOptions {
  from: number;
  to: number;
  steps: number;
  batchSize: number;
  seed: number;
}

export const LR_FINDER_DEFAULTS: LrFinderOptions = { from: 1e-5, to: 10, steps: 300, batchSize: 100, seed: 42 };

/** The finder stops once the smoothed loss is this many times its lowest value. */
export const DIVERGENCE_FACTOR = 1.4;

export interface LrFinderPoint {
  learningRate: number;
  /** The mini-batch loss after the step at this rate. */
  loss: number;
  /** An exponential moving average of the loss (β = 0.9, bias-corrected): what the curve and the suggestion use. */
  smoothed: number;
}

export interface LrFinderResult {
  points: LrFinderPoint[];
  /** The rate at the lowest smoothed loss. */
  minimumAt: number;
  /** A tenth of minimumAt: the usual choice, safely below where the loss turns up. */
  suggested: number;
  /** True when the loss ran away (over 1.4× its best, or not a number): the rates beyond were not tried. */
  diverged: boolean;
}

/** The rate of step i of n from `from` to `to`, growing by the same factor each step. */
export function finderRate(i: number, n: number, from: number, to: number): number {
  return n <= 1 ? from : from * (to / from) ** (i / (n - 1));
}

export function findLearningRate(
  net: TrainableNetwork,
  train: LabeledImages,
  options: Partial<LrFinderOptions> = {},
): LrFinderResult {
  const o = { ...LR_FINDER_DEFAULTS, ...options };
  const rng = new Random(o.seed ^ 0x5eed);
  const batch = new Int32Array(Math.min(o.batchSize, train.count));
  const points: LrFinderPoint[] = [];
  let average = 0;
  let best = Infinity;
  let bestAt = o.from;
  let diverged = false;
  for (let i = 0; i < o.steps; i++) {
    const learningRate = finderRate(i, o.steps, o.from, o.to);
    rng.choice(train.count, batch.length, batch);
    const loss = net.trainStep(train, batch, learningRate, 'backprop');
    if (!Number.isFinite(loss)) {
      diverged = true;
      break;
    }
    average = 0.9 * average + 0.1 * loss;
    const smoothed = average / (1 - 0.9 ** (i + 1));
    points.push({ learningRate, loss, smoothed });
    if (smoothed < best) {
      best = smoothed;
      bestAt = learningRate;
    }
    // fast.ai stops at 4× the best; this network's sigmoid layer saturates, so its loss rises less far.
    if (smoothed > DIVERGENCE_FACTOR * best) {
      diverged = true;
      break;
    }
  }
  return { points, minimumAt: bestAt, suggested: bestAt / 10, diverged };
}
