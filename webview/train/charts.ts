/**
 * The two charts (chart.js): mini-batch loss per iteration — raw and faint, plus a smoothed line —
 * and train/test accuracy per epoch, one colour per run so runs overlay. Redrawn at most ~8 times
 * a second however fast progress arrives, from a curve thinned to what the canvas can show.
 */
import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import { envelope, thin, type XY } from '../../src/core/runHistory';
import { smooth } from '../../src/core/smoothing';
import { format } from '../shared/l10n';
import { ThemeColors, withAlpha } from '../shared/theme';
import type { RunEntry } from './state';
import { S } from './strings';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

const REDRAW_MS = 120;
/** chart.js draws lower `order` on top: every smoothed line above every raw one, newer runs above older. */
const RAW_BELOW = 1e6;
const BUCKETS = 600;

type LineSet = ChartDataset<'line', XY[]> & { glRaw?: boolean };

export class TrainCharts {
  smoothing = 0.95;
  showRaw = true;
  private theme: ThemeColors;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private runs: () => RunEntry[] = () => [];
  private made: { loss: Chart<'line', XY[]>; accuracy: Chart<'line', XY[]> } | undefined;

  /** The charts are made on the first draw, so a page can paint its form before chart.js lays anything out. */
  constructor(
    private readonly lossCanvas: HTMLCanvasElement,
    private readonly accuracyCanvas: HTMLCanvasElement,
    theme: ThemeColors,
  ) {
    this.theme = theme;
  }

  private get charts(): { loss: Chart<'line', XY[]>; accuracy: Chart<'line', XY[]> } {
    this.made ??= {
      loss: new Chart(this.lossCanvas, { type: 'line', data: { datasets: [] }, options: this.options(S.iteration, false) }),
      accuracy: new Chart(this.accuracyCanvas, { type: 'line', data: { datasets: [] }, options: this.options(S.epoch, true) }),
    };
    return this.made;
  }

  /** Where the runs to draw come from (the page's run list, filtered to the shown ones). */
  source(runs: () => RunEntry[]): void {
    this.runs = runs;
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    if (!this.made) return; // the first draw uses the new theme
    this.made.loss.options = this.options(S.iteration, false);
    this.made.accuracy.options = this.options(S.epoch, true);
    this.draw();
  }

  /** Asks for a redraw; many calls within REDRAW_MS make one. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      requestAnimationFrame(() => this.draw());
    }, REDRAW_MS);
  }

  draw(): void {
    const runs = this.runs();
    const colors = this.theme.series;
    const lossSets: LineSet[] = [];
    const accSets: LineSet[] = [];
    let markers = 0;
    const width = this.theme.highContrast ? 3 : 2;
    for (const run of runs) {
      const color = colors[run.colorIndex % colors.length];
      const name = run.view.name;
      if (run.loss.length) {
        if (this.showRaw) {
          lossSets.push({ label: format(S.rawLoss, name), data: envelope(run.loss, run.stride, BUCKETS), borderColor: withAlpha(color, this.theme.highContrast ? 0.5 : 0.28), borderWidth: 1, pointRadius: 0, glRaw: true, order: RAW_BELOW - run.colorIndex });
        }
        const smoothed = smooth(run.loss, run.stride > 1 ? this.smoothing ** run.stride : this.smoothing);
        lossSets.push({ label: format(S.smoothLoss, name), data: thin(smoothed, run.stride, 2 * BUCKETS), borderColor: color, borderWidth: width, pointRadius: 0, order: -run.colorIndex });
        // A learning-rate change during the run: a dashed vertical line at its iteration.
        const top = Math.min(2.6, Math.max(...smoothed.filter(Number.isFinite), 0.5));
        for (const c of run.view.learningRateChanges ?? []) {
          markers++;
          lossSets.push({ label: format(S.rateChanged, c.learningRate, c.iter), data: [{ x: c.iter, y: 0 }, { x: c.iter, y: top }], borderColor: color, borderWidth: 1.5, borderDash: [3, 3], pointRadius: 0, order: -run.colorIndex });
        }
      }
      const epochs = run.view.epochs;
      if (epochs.length) {
        const point = epochs.length > 60 ? 0 : 2.5;
        const order = -run.colorIndex;
        accSets.push({ label: format(S.trainAcc, name), data: epochs.map((e) => ({ x: e.epoch, y: e.trainAccuracy })), borderColor: color, backgroundColor: color, borderWidth: width, pointRadius: point, order });
        accSets.push({ label: format(S.testAcc, name), data: epochs.map((e) => ({ x: e.epoch, y: e.testAccuracy })), borderColor: color, backgroundColor: color, borderWidth: width, borderDash: [6, 4], pointRadius: point, pointStyle: 'rectRot', order });
      }
    }
    const { loss, accuracy } = this.charts;
    loss.data.datasets = lossSets;
    accuracy.data.datasets = accSets;
    loss.update('none');
    accuracy.update('none');
    // For tests and screen readers: how much each chart currently shows.
    this.lossCanvas.dataset.points = String(lossSets.reduce((n, d) => n + d.data.length, 0));
    this.lossCanvas.dataset.rateMarkers = String(markers);
    this.accuracyCanvas.dataset.points = String(accSets.reduce((n, d) => n + d.data.length, 0));
  }

  /** The chart as a PNG on the theme's background (a transparent PNG of light text is unreadable elsewhere). */
  png(which: 'loss' | 'accuracy'): string {
    const src = which === 'loss' ? this.lossCanvas : this.accuracyCanvas;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL('image/png');
  }

  private options(xTitle: string, accuracy: boolean) {
    const t = this.theme;
    const axis = (title: string) => ({
      type: 'linear' as const,
      title: { display: true, text: title, color: t.muted },
      ticks: { color: t.foreground },
      grid: { color: withAlpha(t.grid, 0.6) },
      border: { color: t.grid },
    });
    return {
      animation: false as const,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false as const,
      normalized: true,
      interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
      scales: {
        x: { ...axis(xTitle), min: accuracy ? undefined : 0 },
        y: accuracy ? { ...axis(S.accuracyChart), suggestedMin: 0.5, max: 1 } : { ...axis(S.lossChart), min: 0 },
      },
      plugins: {
        legend: {
          labels: {
            color: t.foreground,
            boxWidth: 14,
            boxHeight: 2,
            filter: (item: { datasetIndex?: number }, data: { datasets: LineSet[] }) => !data.datasets[item.datasetIndex ?? 0]?.glRaw,
          },
        },
        tooltip: { enabled: true },
      },
    };
  }
}
