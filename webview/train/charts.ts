/**
 * The two charts (chart.js): mini-batch loss per iteration — raw and faint, plus a smoothed line —
 * and train/test accuracy per epoch, one colour per run so runs overlay. Redrawn at most ~8 times
 * a second however fast progress arrives, from a curve thinned to what the canvas can show.
 */
import type { ChartDataset } from 'chart.js';
import { BUNDLED_TRAIN_COUNT } from '../../src/data/mnist';
import { envelope, thin, type XY } from '../../src/protocol/runHistory';
import { DEFAULT_SMOOTHING, smooth } from './smoothing';
import { CHART_BASE, Chart } from '../shared/chart';
import { format } from '../shared/l10n';
import { ThemeColors, withAlpha } from '../shared/theme';
import { LANG } from './format';
import type { RunEntry } from './state';
import { S } from './strings';

const REDRAW_MS = 120;
/** chart.js draws lower `order` on top: every smoothed line above every raw one, newer runs above older. */
const RAW_BELOW = 1e6;
const BUCKETS = 600;

type LineSet = ChartDataset<'line', XY[]> & { glRaw?: boolean };

/** What the x axis counts. 'auto': images seen when the shown runs differ in batch size, else iterations and epochs. */
export type XAxis = 'auto' | 'iterations' | 'epochs' | 'images';
type Resolved = Exclude<XAxis, 'auto'>;

/** Iterations per epoch of a run: from its epochs (the book's max(train_size / batch_size, 1)), else the set's size. */
function perEpoch(run: RunEntry, trainCount: number): number {
  const e = run.view.epochs;
  if (e.length >= 2) return e[1].iter - e[0].iter;
  return Math.max(trainCount / run.view.config.batchSize, 1);
}

/** Where iteration `iter` of `run` sits on an axis counting `axis`. */
export function xOf(run: RunEntry, iter: number, axis: Resolved, trainCount: number): number {
  if (axis === 'images') return iter * run.view.config.batchSize;
  if (axis === 'epochs') return (iter - 1) / perEpoch(run, trainCount) + 1;
  return iter;
}

/** The axis a choice means for these runs: 'auto' is images seen when batch sizes differ. */
export function resolveAxis(choice: XAxis, runs: RunEntry[], chart: 'loss' | 'accuracy'): Resolved {
  if (choice !== 'auto') return choice;
  if (new Set(runs.map((r) => r.view.config.batchSize)).size > 1) return 'images';
  return chart === 'loss' ? 'iterations' : 'epochs';
}

export class TrainCharts {
  smoothing = DEFAULT_SMOOTHING;
  showRaw = true;
  xAxis: XAxis = 'auto';
  /** Training images of the bundled set, for runs that have not finished an epoch yet. */
  trainCount = BUNDLED_TRAIN_COUNT;
  /** The axes the last draw used, for tests and the toolbar: loss and accuracy. */
  axes: [Resolved, Resolved] = ['iterations', 'epochs'];
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
      loss: new Chart(this.lossCanvas, {
        type: 'line',
        data: { datasets: [] },
        options: this.options(this.axes[0], false),
      }),
      accuracy: new Chart(this.accuracyCanvas, {
        type: 'line',
        data: { datasets: [] },
        options: this.options(this.axes[1], true),
      }),
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
    this.made.loss.options = this.options(this.axes[0], false);
    this.made.accuracy.options = this.options(this.axes[1], true);
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
    const lossAxis = resolveAxis(this.xAxis, runs, 'loss');
    const accAxis = resolveAxis(this.xAxis, runs, 'accuracy');
    const trainCount = this.trainCount;
    const at =
      (run: RunEntry, axis: Resolved) =>
      (p: XY): XY => ({ x: xOf(run, p.x, axis, trainCount), y: p.y });
    for (const run of runs) {
      const color = colors[run.colorIndex % colors.length];
      const name = run.view.name;
      if (run.loss.length) {
        if (this.showRaw) {
          const data = envelope(run.loss, run.stride, BUCKETS).map(at(run, lossAxis));
          const faint = withAlpha(color, this.theme.highContrast ? 0.5 : 0.28);
          const order = RAW_BELOW - run.colorIndex;
          const line = { borderColor: faint, borderWidth: 1, pointRadius: 0, glRaw: true, order };
          lossSets.push({ label: format(S.rawLoss, name), data, ...line });
        }
        const smoothed = smooth(run.loss, run.stride > 1 ? this.smoothing ** run.stride : this.smoothing);
        const data = thin(smoothed, run.stride, 2 * BUCKETS).map(at(run, lossAxis));
        const line = { borderColor: color, borderWidth: width, pointRadius: 0, order: -run.colorIndex };
        lossSets.push({ label: format(S.smoothLoss, name), data, ...line });
        // A learning-rate change during the run: a dashed vertical line at its iteration.
        const top = Math.min(2.6, Math.max(...smoothed.filter(Number.isFinite), 0.5));
        for (const c of run.view.learningRateChanges ?? []) {
          markers++;
          lossSets.push({
            label: format(S.rateChanged, c.learningRate, c.iter),
            data: [
              { x: c.iter, y: 0 },
              { x: c.iter, y: top },
            ].map(at(run, lossAxis)),
            borderColor: color,
            borderWidth: 1.5,
            borderDash: [3, 3],
            pointRadius: 0,
            order: -run.colorIndex,
          });
        }
      }
      const epochs = run.view.epochs;
      if (epochs.length) {
        type Epoch = (typeof epochs)[number];
        const x = (e: Epoch) => (accAxis === 'epochs' ? e.epoch : xOf(run, e.iter, accAxis, trainCount));
        const point = epochs.length > 60 ? 0 : 2.5;
        const order = -run.colorIndex;
        const line = { borderColor: color, backgroundColor: color, borderWidth: width, pointRadius: point, order };
        const train = epochs.map((e) => ({ x: x(e), y: e.trainAccuracy }));
        accSets.push({ label: format(S.trainAcc, name), data: train, ...line });
        const test = epochs.map((e) => ({ x: x(e), y: e.testAccuracy }));
        const dashed = { borderDash: [6, 4], pointStyle: 'rectRot' as const };
        accSets.push({ label: format(S.testAcc, name), data: test, ...line, ...dashed });
      }
    }
    const { loss, accuracy } = this.charts;
    if (lossAxis !== this.axes[0] || accAxis !== this.axes[1]) {
      this.axes = [lossAxis, accAxis];
      loss.options = this.options(lossAxis, false);
      accuracy.options = this.options(accAxis, true);
    }
    loss.data.datasets = lossSets;
    accuracy.data.datasets = accSets;
    loss.update('none');
    accuracy.update('none');
    // For tests and screen readers: how much each chart currently shows.
    this.lossCanvas.dataset.points = String(lossSets.reduce((n, d) => n + d.data.length, 0));
    this.lossCanvas.dataset.rateMarkers = String(markers);
    this.accuracyCanvas.dataset.points = String(accSets.reduce((n, d) => n + d.data.length, 0));
    this.lossCanvas.dataset.axis = lossAxis;
    // For tests: the x ticks as written (in the display language) and the height left for the plot.
    for (const [canvas, chart] of [
      [this.lossCanvas, loss],
      [this.accuracyCanvas, accuracy],
    ] as const) {
      canvas.dataset.xticks = (chart.scales.x?.ticks ?? []).map((t) => String(t.label)).join('|');
      canvas.dataset.plotHeight = String(Math.round(chart.chartArea?.height ?? 0));
    }
    this.accuracyCanvas.dataset.axis = accAxis;
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

  private options(kind: Resolved, accuracy: boolean) {
    const t = this.theme;
    const xTitle = kind === 'images' ? S.imagesSeen : kind === 'epochs' ? S.epoch : S.iteration;
    const axis = (title: string) => ({
      type: 'linear' as const,
      title: { display: true, text: title, color: t.muted },
      ticks: { color: t.foreground },
      grid: { color: withAlpha(t.grid, 0.6) },
      border: { color: t.grid },
    });
    return {
      ...CHART_BASE,
      locale: LANG,
      parsing: false as const,
      normalized: true,
      interaction: { mode: 'nearest' as const, axis: 'x' as const, intersect: false },
      scales: {
        x: { ...axis(xTitle), min: accuracy || kind === 'epochs' ? undefined : 0 },
        y: accuracy ? { ...axis(S.accuracyChart), suggestedMin: 0.5, max: 1 } : { ...axis(S.lossChart), min: 0 },
      },
      plugins: {
        // The run list and the compact legend above the charts name the runs: no legend eats the plot.
        legend: {
          display: false,
          labels: {
            color: t.foreground,
            boxWidth: 14,
            boxHeight: 2,
            filter: (item: { datasetIndex?: number }, data: { datasets: LineSet[] }) =>
              !data.datasets[item.datasetIndex ?? 0]?.glRaw,
          },
        },
        tooltip: { enabled: true },
      },
    };
  }
}
