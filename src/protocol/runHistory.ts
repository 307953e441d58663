/** What a run's history says: a shorter loss curve for drawing, and whether it overfits (chapter 4.1, 4.5). */

export interface EpochAccuracy {
  epoch: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/**
 * At most `maxPoints` points: point k is the mean of losses[k·stride … (k+1)·stride − 1], so a
 * 100,000-iteration run still draws as a faithful curve. A non-finite loss stays visible (NaN wins).
 */
export function downsampleMean(losses: ArrayLike<number>, maxPoints: number): { stride: number; loss: number[] } {
  const stride = Math.max(1, Math.ceil(losses.length / maxPoints));
  if (stride === 1) return { stride, loss: Array.from(losses) };
  const loss: number[] = [];
  for (let start = 0; start < losses.length; start += stride) {
    const end = Math.min(losses.length, start + stride);
    let s = 0;
    for (let i = start; i < end; i++) s += losses[i];
    loss.push(s / (end - start));
  }
  return { stride, loss };
}

export interface Overfitting {
  /** The epoch with the best test accuracy, where early stopping would have ended the run. */
  fromEpoch: number;
  toEpoch: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

/**
 * Overfitting as the book describes it: test accuracy falls while train accuracy rises. Reported
 * when the best test accuracy lies `patience` or more epochs back, every later epoch is below it,
 * test accuracy has since lost at least `minDrop`, and train accuracy has gone up meanwhile.
 */
export function findOverfitting(epochs: EpochAccuracy[], patience = 3, minDrop = 0.005): Overfitting | undefined {
  if (epochs.length < patience + 1) return undefined;
  let best = 0;
  for (let i = 1; i < epochs.length; i++) if (epochs[i].testAccuracy > epochs[best].testAccuracy) best = i;
  const peak = epochs[best];
  const last = epochs[epochs.length - 1];
  if (epochs.length - 1 - best < patience) return undefined;
  if (peak.testAccuracy - last.testAccuracy < minDrop || last.trainAccuracy <= peak.trainAccuracy) return undefined;
  return {
    fromEpoch: peak.epoch,
    toEpoch: last.epoch,
    trainFrom: peak.trainAccuracy,
    trainTo: last.trainAccuracy,
    testFrom: peak.testAccuracy,
    testTo: last.testAccuracy,
  };
}

export interface XY {
  x: number;
  y: number;
}

/**
 * A curve for drawing with at most ~2·maxBuckets points that keeps its spikes: each bucket of
 * values contributes its minimum and its maximum, in the order they occur. Point k of `values`
 * sits at x = (k + 1)·stride (the last iteration its value covers).
 */
export function envelope(values: ArrayLike<number>, stride: number, maxBuckets: number): XY[] {
  const n = values.length;
  const at = (k: number): XY => ({ x: (k + 1) * stride, y: values[k] });
  if (n <= 2 * maxBuckets) return Array.from({ length: n }, (_, k) => at(k));
  const out: XY[] = [];
  const size = n / maxBuckets;
  for (let b = 0; b < maxBuckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.floor((b + 1) * size);
    let lo = start;
    let hi = start;
    for (let k = start; k < end; k++) {
      if (!(values[k] >= values[lo])) lo = k;
      if (!(values[k] <= values[hi])) hi = k;
    }
    if (lo === hi) out.push(at(lo));
    else out.push(at(Math.min(lo, hi)), at(Math.max(lo, hi)));
  }
  return out;
}

/** Every k-th point of a smooth curve (and always the last), at most ~maxPoints. */
export function thin(values: ArrayLike<number>, stride: number, maxPoints: number): XY[] {
  const step = Math.max(1, Math.ceil(values.length / maxPoints));
  const out: XY[] = [];
  for (let k = 0; k < values.length; k += step) out.push({ x: (k + 1) * stride, y: values[k] });
  const last = values.length - 1;
  if (last >= 0 && last % step !== 0) out.push({ x: (last + 1) * stride, y: values[last] });
  return out;
}
