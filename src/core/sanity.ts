/**
 * Two sanity checks every practitioner runs before trusting a training run (CS231n's notes):
 *   - the loss before any learning: with small random weights every class gets ≈ 1/10, so the
 *     cross-entropy error (chapter 4.2.2) starts at −log(1/10) = ln 10 ≈ 2.302;
 *   - a tiny training set must be overfit: a network that cannot reach ~100 % on 100 images has a bug.
 */
import { Dataset, LabeledImages } from './dataset';
import { TrainConfig } from './trainer';

export type InitialLossVerdict = 'as-expected' | 'too-high' | 'too-low';

export interface InitialLossCheck {
  loss: number;
  /** ln(classes): the loss when every class gets probability 1/classes. */
  expected: number;
  verdict: InitialLossVerdict;
}

/** How far the initial loss may be from ln(classes) and still be what small random weights give. */
export const INITIAL_LOSS_TOLERANCE = 0.1;

export function initialLossCheck(loss: number, classes: number): InitialLossCheck {
  const expected = Math.log(classes);
  const verdict: InitialLossVerdict = !(loss <= expected + INITIAL_LOSS_TOLERANCE)
    ? 'too-high'
    : loss < expected - INITIAL_LOSS_TOLERANCE
      ? 'too-low'
      : 'as-expected';
  return { loss, expected, verdict };
}

/** The "Overfit a tiny set" preset: 100 training images, trained until the network knows them by heart. */
export const OVERFIT_PRESET: Pick<TrainConfig, 'batchSize' | 'learningRate' | 'iters'> & { trainImages: number } = {
  trainImages: 100,
  batchSize: 10,
  learningRate: 1,
  iters: 1000,
};

/** The first `count` images of a set. */
export function firstImages(set: LabeledImages, count: number): LabeledImages {
  const n = Math.min(count, set.count);
  return { count: n, size: set.size, images: set.images.subarray(0, n * set.size), labels: set.labels.subarray(0, n) };
}

/** The dataset with its training set cut to the first `count` images (the test set unchanged). */
export function withTrainImages(data: Dataset, count: number): Dataset {
  if (count >= data.train.count) return data;
  return {
    ...data,
    name: `${data.name}, first ${Math.min(count, data.train.count)} training images`,
    train: firstImages(data.train, count),
  };
}
