/**
 * Is the network learning? Judged from the mini-batch loss itself, the way chapter 4.4 shows it for
 * gradient descent from (−3, 4): η = 10 does not converge, it runs away. In TwoLayerNet a too-large
 * learning rate shows as one of three things:
 *   - the loss stops being a number (NaN or ∞): the weights overflowed;
 *   - the loss rises and stays above ln C (≈ 2.30 for 10 classes), what a network scores that gives
 *     every class 1/C: it is confidently wrong, each step jumping past the minimum;
 *   - the loss sits at ≈ ln C after the first epoch while the hidden sigmoids are saturated
 *     (y ≈ 0 or 1, so sigmoid' = (1 − y)·y ≈ 0): no gradient reaches W1, learning has stopped.
 * Pure: the trainer feeds it the losses and, at each epoch, the accuracy and the saturation.
 */
import { DELTA, sigmoid, softmaxVector } from './functions';
import type { LabeledImages } from './dataset';
import type { TwoLayerParams } from './twoLayerNet';

export type LossDiagnosis =
  /** `fromStart`: the untrained network's loss was already not a number (the initial weights, not the rate). */
  (
    | { kind: 'not-a-number'; iter: number; loss: number; fromStart?: true }
    | { kind: 'rising'; iter: number; loss: number; lowest: number; chance: number }
    | { kind: 'saturated'; iter: number; loss: number; chance: number; saturation: number; trainAccuracy: number }
  ) & {
    /**
     * The learning rate in effect at `iter` (the trainer adds it: a learner may change the rate
     * mid-run, and the diagnosis names the rate that diverged, not the one the run started with).
     */
    learningRate?: number;
  };

/** ln C: the cross-entropy of a network that gives each of C classes probability 1/C. */
export function chanceLoss(classes: number): number {
  return Math.log(classes);
}

/** A hidden unit counts as saturated when sigmoid'(a) = (1 − y)·y < 0.01, i.e. y < 0.0101 or y > 0.9899. */
export const SATURATED_SLOPE = 0.01;
/** "Most hidden units": from this fraction on, saturation explains a loss stuck at ln C. */
export const SATURATED_FRACTION = 0.5;
/** Above ln C by more than this: worse than guessing. */
export const ABOVE_CHANCE = 0.25;
/** At or above this share of ln C: "stuck at ln C" (the prior of the labels is a little below ln C). */
export const NEAR_CHANCE = 0.85;
/** A window mean at least this much below the one before it: the loss is still coming down. */
export const FALLING = 0.03;
/** A verdict is withdrawn once the loss is this far below ln C: the network did learn after all. */
export const RECOVERED = 0.75;

export interface Probe {
  /** The book's cross-entropy (δ = 1e-7) on the probed images. */
  loss: number;
  /** The share of hidden sigmoids with (1 − z1)·z1 < SATURATED_SLOPE. */
  saturation: number;
}

/**
 * The network on the first `rows` images of `set`, the book's predict step by step:
 * a1 = x·W1 + b1, z1 = sigmoid(a1), a2 = z1·W2 + b2, y = softmax(a2), loss = −Σ log(y_t + δ) / N.
 */
export function probe(params: TwoLayerParams, set: LabeledImages, rows = 100): Probe {
  const H = params.b1.length;
  const C = params.b2.length;
  const n = Math.min(rows, set.count);
  const a1 = new Float64Array(H);
  const a2 = new Float64Array(C);
  let saturated = 0;
  let loss = 0;
  for (let r = 0; r < n; r++) {
    a1.set(params.b1);
    for (let k = 0; k < set.size; k++) {
      const pixel = set.images[r * set.size + k];
      if (pixel === 0) continue;
      const x = pixel / 255;
      for (let j = 0; j < H; j++) a1[j] += x * params.W1.data[k * H + j];
    }
    a2.set(params.b2);
    for (let j = 0; j < H; j++) {
      const z1 = sigmoid(a1[j]);
      if ((1 - z1) * z1 < SATURATED_SLOPE) saturated++;
      for (let c = 0; c < C; c++) a2[c] += z1 * params.W2.data[j * C + c];
    }
    const y = softmaxVector(a2);
    loss -= Math.log(y[set.labels[r]] + DELTA);
  }
  return n > 0 ? { loss: loss / n, saturation: saturated / (n * H) } : { loss: NaN, saturation: 0 };
}

export interface EpochEvidence {
  /** Iterations done so far. */
  iter: number;
  /** 1 for the first evaluation (iteration 1), 2 after the first epoch, … */
  epoch: number;
  trainAccuracy: number;
  /** The network probed now; called only when the loss looks stuck. */
  probe: () => Probe;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Watches a run's losses. `add` each mini-batch loss; `atEpoch` after each accuracy evaluation.
 * Both return a diagnosis the first time one is found; `diagnosis` keeps it until the loss falls
 * well below ln C again (the run recovered), when `atEpoch` returns null once.
 */
export class LossWatch {
  readonly chance: number;
  diagnosis: LossDiagnosis | undefined;
  private readonly recent: number[] = [];
  private lowest = Infinity;
  private block: number[] = [];
  private iter = 0;

  /**
   * `start`: the untrained network probed before the first step. A loss that starts high, or
   * sigmoids saturated from the start, come from the initial weights, not from the learning rate.
   * `window`: how many losses make one mean (the last two means are compared).
   */
  constructor(
    classes: number,
    private readonly start: Probe = { loss: chanceLoss(classes), saturation: 0 },
    private readonly window = 50,
  ) {
    this.chance = chanceLoss(classes);
  }

  add(loss: number): LossDiagnosis | undefined {
    this.iter++;
    if (!Number.isFinite(loss)) {
      if (this.diagnosis?.kind === 'not-a-number') return undefined;
      const fromStart = Number.isFinite(this.start.loss) ? {} : { fromStart: true as const };
      return (this.diagnosis = { kind: 'not-a-number', iter: this.iter, loss, ...fromStart });
    }
    this.recent.push(loss);
    if (this.recent.length > 2 * this.window) this.recent.shift();
    this.block.push(loss);
    if (this.block.length === this.window) {
      this.lowest = Math.min(this.lowest, mean(this.block));
      this.block = [];
    }
    return undefined;
  }

  atEpoch(e: EpochEvidence): LossDiagnosis | null | undefined {
    if (this.diagnosis?.kind === 'not-a-number') return undefined;
    // After the first epoch only, and with two windows to compare (at least 5 losses each).
    const w = Math.min(this.window, Math.floor(this.recent.length / 2));
    if (e.epoch < 2 || w < 5) return undefined;
    const before = mean(this.recent.slice(-2 * w, -w));
    const now = mean(this.recent.slice(-w));
    if (this.diagnosis) {
      if (now >= RECOVERED * this.chance) return undefined;
      this.diagnosis = undefined;
      return null;
    }
    if (now < (1 - FALLING) * before) return undefined; // still coming down
    const lowest = Math.min(this.lowest, before, now);
    // Higher than where it started and than guessing, or back up after it had come down.
    const rose = now > Math.max(this.chance, this.start.loss) + ABOVE_CHANCE || now > 2 * lowest + 0.5;
    if (rose) return (this.diagnosis = { kind: 'rising', iter: e.iter, loss: now, lowest, chance: this.chance });
    // Stuck at ln C: the network guesses (accuracy below 2/C) and the steps saturated its hidden units.
    const guessing = now >= NEAR_CHANCE * this.chance && e.trainAccuracy < 2 * Math.exp(-this.chance);
    if (!guessing || this.start.saturation >= SATURATED_FRACTION) return undefined;
    const { saturation } = e.probe();
    if (saturation < SATURATED_FRACTION) return undefined;
    const { iter, trainAccuracy } = e;
    return (this.diagnosis = { kind: 'saturated', iter, loss: now, chance: this.chance, saturation, trainAccuracy });
  }
}
