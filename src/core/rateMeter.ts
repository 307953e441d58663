/**
 * Iterations per second over the last few seconds of running (not since the start, so a pause or
 * a slow first epoch does not distort it), and the ETA that follows from it.
 */
export class RateMeter {
  private samples: { iter: number; ms: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Records that `iter` iterations were done at time `ms`. */
  add(iter: number, ms: number): void {
    this.samples.push({ iter, ms });
    while (this.samples.length > 2 && ms - this.samples[1].ms > this.windowMs) this.samples.shift();
  }

  /** Forget the history (after a pause, time spent waiting is not training time). */
  reset(): void {
    this.samples = [];
  }

  get itPerSec(): number {
    if (this.samples.length < 2) return 0;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    return b.ms > a.ms ? ((b.iter - a.iter) * 1000) / (b.ms - a.ms) : 0;
  }

  /** Seconds until `total`, or null while the rate is unknown. */
  eta(total: number): number | null {
    const rate = this.itPerSec;
    const last = this.samples[this.samples.length - 1];
    return rate > 0 && last ? (total - last.iter) / rate : null;
  }
}
