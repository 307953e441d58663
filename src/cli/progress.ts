/** A one-line terminal progress bar with iterations/s and ETA. */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export interface Rate {
  itPerSec: number;
  etaSeconds: number;
}

export function rate(done: number, total: number, elapsedMs: number): Rate {
  const itPerSec = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  return { itPerSec, etaSeconds: itPerSec > 0 ? (total - done) / itPerSec : Infinity };
}

export function renderBar(done: number, total: number, elapsedMs: number, width = 30, extra = ''): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const { itPerSec, etaSeconds } = rate(done, total, elapsedMs);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${total} ${itPerSec.toFixed(0)} it/s ETA ${formatDuration(etaSeconds)}${extra}`;
}

/** Draws in place on a terminal; elsewhere (CI logs) prints a line every 10%. */
export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, elapsedMs: number, extra = ''): void {
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r${renderBar(done, this.total, elapsedMs, 30, extra)}\x1b[K`);
    } else {
      const decile = Math.floor((done * 10) / this.total);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.out.write(renderBar(done, this.total, elapsedMs, 30, extra) + '\n');
    }
  }

  /** Prints a line to stdout above the bar. */
  log(line: string): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    this.lastDraw = 0;
    process.stdout.write(line + '\n');
  }

  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
