/**
 * Iterations per second over the last few seconds of running (not since the start, so a pause or
 * a slow first epoch does not distort it), and the ETA that follows from it — only once the rate is
 * steady: measured over at least `steadyMs`, its older and newer halves agreeing within `tolerance`.
 * (An ETA from the first samples, taken while the first epoch's accuracy was being measured, said
 * 28 minutes for a run that took 7 seconds.)
 */
export class RateMeter {
  private samples: { iter: number; ms: number }[] = [];

  constructor(
    private readonly windowMs = 3000,
    private readonly steadyMs = 1000,
    private readonly tolerance = 0.25,
  ) {}

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
    return rate(this.samples[0], this.samples[this.samples.length - 1]);
  }

  /** Whether the rate has been measured long enough, and is the same in both halves of the window. */
  get steady(): boolean {
    const n = this.samples.length;
    if (n < 3) return false;
    const first = this.samples[0];
    const last = this.samples[n - 1];
    if (last.ms - first.ms < this.steadyMs) return false;
    const middle = (first.ms + last.ms) / 2;
    let m = 1;
    const off = (k: number) => Math.abs(this.samples[k].ms - middle);
    for (let k = 2; k < n - 1; k++) if (off(k) < off(m)) m = k;
    const older = rate(first, this.samples[m]);
    const newer = rate(this.samples[m], last);
    return older > 0 && newer > 0 && Math.abs(older - newer) <= this.tolerance * Math.max(older, newer);
  }

  /** Seconds until `total`, or null while the rate is unknown or not yet steady. */
  eta(total: number): number | null {
    const last = this.samples[this.samples.length - 1];
    return this.steady && last ? (total - last.iter) / this.itPerSec : null;
  }
}

function rate(a: { iter: number; ms: number }, b: { iter: number; ms: number }): number {
  return b.ms > a.ms ? ((b.iter - a.iter) * 1000) / (b.ms - a.ms) : 0;
}
