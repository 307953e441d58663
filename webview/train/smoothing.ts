/** The loss chart's smoothing weight until the learner moves the slider. */
export const DEFAULT_SMOOTHING = 0.95;

/**
 * Exponential moving average for a noisy loss curve, debiased like TensorBoard's smoothing so the
 * first points are not dragged towards 0: s_k = w·s_{k−1} + (1 − w)·x_k, shown as s_k / (1 − w^k).
 */
export class EmaSmoother {
  private last = 0;
  private count = 0;

  constructor(readonly weight: number) {
    if (!(weight >= 0 && weight < 1)) throw new Error(`smoothing weight must be in [0, 1), got ${weight}`);
  }

  /** The smoothed value after x; a non-finite x is passed through without poisoning later points. */
  push(x: number): number {
    if (!Number.isFinite(x)) return x;
    this.last = this.weight * this.last + (1 - this.weight) * x;
    this.count++;
    return this.last / (1 - this.weight ** this.count);
  }
}

export function smooth(values: ArrayLike<number>, weight: number): number[] {
  const s = new EmaSmoother(weight);
  return Array.from(values, (v) => s.push(v));
}
