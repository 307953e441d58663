/**
 * "Gradients while training": what the worker measures before a step, drawn as it arrives —
 * dW1 beside W1 in the same colours, each group's gradient norm and update/weight ratio (with the
 * 1e-3 rule of thumb), histograms of weights and gradients at the latest epoch, the initial-loss
 * check, the backprop-vs-numerical timeline — plus the live learning rate and the learning-rate finder.
 */
import type { ChartDataset } from 'chart.js';
import { UPDATE_RATIO_RULE } from '../../src/core/gradientWatch';
import type {
  GradHistograms,
  GradSnapshot,
  Histogram,
  LrFinderView,
  WatchItem,
  WatchToWebview,
} from '../../src/protocol/trainWatch';
import { CHART_BASE, Chart } from '../shared/chart';
import { format } from '../shared/l10n';
import { ThemeColors, withAlpha } from '../shared/theme';
import { button, el } from '../shared/dom';
import { sci } from './format';
import { decodeBase64, paintSignedTiles, signedColors } from './pixels';
import { S } from './strings';

type XY = { x: number; y: number };
const GROUPS = ['W1', 'b1', 'W2', 'b2'] as const;
/** Points kept per group and chart: older ones are thinned by half when the limit is reached. */
const MAX_POINTS = 2000;
const TILES_PER_ROW = 8;

export interface GradientsCallbacks {
  setLearningRate(lr: number): void;
  findLearningRate(): void;
  useLearningRate(lr: number): void;
}

export class GradientsCard {
  readonly root: HTMLElement;
  readonly finderRoot: HTMLElement;
  private runId: string | undefined;
  private live = false;
  private snapshot: GradSnapshot | undefined;
  private histograms: GradHistograms | undefined;
  private norms: Record<string, XY[]> = {};
  private ratios: Record<string, XY[]> = {};
  private checks: { iter: number; relError: number; ok: boolean }[] = [];
  private finder: LrFinderView | undefined;
  private readonly status = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite', text: S.gradientsIdle });
  private readonly initial = el('p', { class: 'initial-loss', role: 'status' });
  private readonly w1 = el('canvas', { class: 'grad-tiles', role: 'img', 'aria-label': S.W1tiles });
  private readonly dw1 = el('canvas', { class: 'grad-tiles', role: 'img', 'aria-label': S.dW1tiles });
  private readonly normCanvas = el('canvas', { role: 'img', 'aria-label': S.gradNormChart });
  private readonly ratioCanvas = el('canvas', { role: 'img', 'aria-label': S.updateRatioChart });
  private readonly checkCanvas = el('canvas', { role: 'img', 'aria-label': S.gradCheckTimeline });
  private readonly checkText = el('p', { role: 'status', 'aria-live': 'polite' });
  private readonly checkSection: HTMLElement;
  private readonly histHeading = el('h3');
  private readonly histGroup: HTMLSelectElement;
  private readonly histBox = el('div', { class: 'histograms' });
  private readonly histSection: HTMLElement;
  private readonly rate: HTMLInputElement;
  private readonly apply: HTMLButtonElement;
  private readonly finderStatus = el('p', { role: 'status', 'aria-live': 'polite' });
  private readonly finderCanvas = el('canvas', { role: 'img', 'aria-label': S.lrFinder });
  private readonly finderRun: HTMLButtonElement;
  private readonly finderUse = el('div', { class: 'row' });
  private charts:
    | { norm: Chart<'line', XY[]>; ratio: Chart<'line', XY[]>; check: Chart<'line', XY[]>; finder: Chart<'line', XY[]> }
    | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private theme: ThemeColors,
    private readonly callbacks: GradientsCallbacks,
  ) {
    this.rate = el('input', {
      type: 'text',
      inputmode: 'decimal',
      name: 'liveLearningRate',
      spellcheck: 'false',
      'aria-label': S.liveRate,
    });
    this.apply = button(S.applyRate, () => this.applyRate(), { class: 'secondary small', name: 'applyRate' });
    this.rate.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.applyRate();
    });
    this.histGroup = el(
      'select',
      { name: 'histGroup', 'aria-label': S.histGroup },
      ...GROUPS.map((g) => el('option', { value: g, text: g })),
    );
    this.histGroup.addEventListener('change', () => this.renderHistograms());
    this.checkSection = el(
      'div',
      { class: 'grad-check' },
      el('h3', { text: S.gradCheckTimeline }),
      this.checkText,
      el('div', { class: 'chart-box small-chart' }, this.checkCanvas),
    );
    this.checkSection.hidden = true;
    this.histSection = el(
      'div',
      {},
      el('div', { class: 'row spread' }, this.histHeading, this.histGroup),
      this.histBox,
    );
    this.histSection.hidden = true;
    this.root = el(
      'section',
      { class: 'card', id: 'gradients', 'aria-labelledby': 'gradients-h' },
      el('h2', { id: 'gradients-h', text: S.gradients }),
      el('p', { class: 'muted small', text: S.gradientsIntro }),
      this.status,
      this.initial,
      el(
        'div',
        { class: 'row live-rate' },
        el('label', { class: 'inline' }, el('span', { text: S.liveRate }), this.rate),
        this.apply,
      ),
      el(
        'div',
        { class: 'tiles' },
        el('figure', {}, this.w1, el('figcaption', { class: 'muted small', text: S.W1tiles })),
        el('figure', {}, this.dw1, el('figcaption', { class: 'muted small', text: S.dW1tiles })),
      ),
      el(
        'div',
        { class: 'grad-charts' },
        el(
          'div',
          {},
          el('h3', { text: S.gradNormChart }),
          el('div', { class: 'chart-box small-chart' }, this.normCanvas),
        ),
        el(
          'div',
          {},
          el('h3', { text: S.updateRatioChart }),
          el('div', { class: 'chart-box small-chart' }, this.ratioCanvas),
        ),
      ),
      this.histSection,
      this.checkSection,
    );
    this.finderRun = button(S.lrFinderRun, () => this.callbacks.findLearningRate(), {
      class: 'secondary',
      name: 'findLearningRate',
    });
    this.finderRoot = el(
      'section',
      { class: 'card', id: 'lr-finder', 'aria-labelledby': 'lr-finder-h' },
      el('h2', { id: 'lr-finder-h', text: S.lrFinder }),
      el('p', { class: 'muted small', text: S.lrFinderIntro }),
      el('div', { class: 'row' }, this.finderRun),
      this.finderStatus,
      el('div', { class: 'chart-box small-chart' }, this.finderCanvas),
      this.finderUse,
    );
    this.setLive(undefined, false, 0.1);
  }

  private rateLocked = false;

  /** A lab file that locks the learning rate locks its change during a run too. */
  lockRate(locked: boolean, why: string): void {
    this.rateLocked = locked;
    for (const e of [this.rate, this.apply, ...this.finderUse.querySelectorAll('button')]) {
      e.dataset.locked = String(locked);
      if (e !== this.rate && e !== this.apply) e.disabled = locked;
      if (locked) e.title = why;
      else if (e.title === why) e.removeAttribute('title');
    }
    this.setLive(this.runId, this.live, Number(this.rate.value) || 0.1);
  }

  /** Which run the card follows, whether it is training (the live rate can change), and its current rate. */
  setLive(runId: string | undefined, live: boolean, learningRate: number): void {
    if (runId !== undefined && runId !== this.runId) this.clear(runId);
    this.live = live;
    this.rate.disabled = !live || this.rateLocked;
    this.apply.disabled = !live || this.rateLocked;
    if (document.activeElement !== this.rate && (live || this.rate.value === ''))
      this.rate.value = String(learningRate);
  }

  receive(m: Extract<WatchToWebview, { type: 'watch' }>): void {
    if (m.id !== this.runId) this.clear(m.id);
    this.add(m.item);
    this.schedule();
  }

  finderUpdate(m: Extract<WatchToWebview, { type: 'lrFinder' }>): void {
    this.finderRun.disabled = m.state === 'running';
    if (m.state === 'running') {
      this.finderStatus.className = 'muted';
      this.finderStatus.textContent = S.lrFinderRunning;
      return;
    }
    if (m.state === 'error') {
      this.finderStatus.className = 'error';
      this.finderStatus.textContent = m.text;
      return;
    }
    this.finder = m.result;
    this.finderStatus.className = '';
    this.finderStatus.textContent = format(S.lrFinderResult, sci(m.result.minimumAt), sci(m.result.suggested));
    const suggested = Number(m.result.suggested.toPrecision(2));
    const use = button(format(S.lrFinderUse, suggested), () => this.callbacks.useLearningRate(suggested), {
      class: 'secondary small',
      name: 'useSuggested',
    });
    use.disabled = this.rateLocked;
    this.finderUse.replaceChildren(use);
    this.schedule();
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    this.charts?.norm.destroy();
    this.charts?.ratio.destroy();
    this.charts?.check.destroy();
    this.charts?.finder.destroy();
    this.charts = undefined;
    this.draw();
  }

  private clear(runId: string): void {
    this.runId = runId;
    this.snapshot = undefined;
    this.histograms = undefined;
    this.norms = {};
    this.ratios = {};
    this.checks = [];
    this.initial.textContent = '';
    this.histSection.hidden = true;
    this.checkSection.hidden = true;
  }

  private add(item: WatchItem): void {
    switch (item.kind) {
      case 'snapshot': {
        this.snapshot = item;
        for (const g of item.groups) {
          // A log axis has no 0 (b1 and b2 start at 0, so their first ratio is 0): such points are left out.
          if (g.gradNorm > 0) push((this.norms[g.name] ??= []), { x: item.iter, y: g.gradNorm });
          if (g.updateRatio > 0) push((this.ratios[g.name] ??= []), { x: item.iter, y: g.updateRatio });
        }
        return;
      }
      case 'histograms':
        this.histograms = item;
        return;
      case 'gradCheck':
        this.checks.push({ iter: item.iter, relError: item.relError, ok: item.ok });
        return;
      case 'initialLoss': {
        const text =
          item.verdict === 'as-expected'
            ? S.initialLossOk
            : item.verdict === 'too-high'
              ? S.initialLossHigh
              : S.initialLossLow;
        this.initial.textContent = format(text, item.loss.toFixed(4), item.expected.toFixed(4));
        this.initial.className = `initial-loss ${item.verdict === 'as-expected' ? 'ok' : 'warning'}`;
        return;
      }
      case 'learningRate':
        if (document.activeElement !== this.rate) this.rate.value = String(item.learningRate);
        return;
    }
  }

  private applyRate(): void {
    const lr = Number(this.rate.value.trim().replace('−', '-'));
    const ok = Number.isFinite(lr) && lr > 0 && lr <= 1000;
    this.rate.setAttribute('aria-invalid', String(!ok));
    if (ok && this.live) this.callbacks.setLearningRate(lr);
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 150);
  }

  draw(): void {
    const s = this.snapshot;
    this.status.textContent = s ? '' : S.gradientsIdle;
    this.status.hidden = !!s;
    if (s) {
      const colors = signedColors(this.theme);
      paintSignedTiles(
        this.w1,
        new Int8Array(decodeBase64(s.W1.images).buffer),
        s.W1.shown,
        s.W1.side,
        TILES_PER_ROW,
        colors,
      );
      paintSignedTiles(
        this.dw1,
        new Int8Array(decodeBase64(s.dW1.images).buffer),
        s.dW1.shown,
        s.dW1.side,
        TILES_PER_ROW,
        colors,
      );
    }
    const charts = this.ensureCharts();
    charts.norm.data.datasets = GROUPS.map((g, i) => this.line(g, this.norms[g] ?? [], i));
    charts.ratio.data.datasets = [
      ...GROUPS.map((g, i) => this.line(g, this.ratios[g] ?? [], i)),
      this.rule(this.ratios, S.ruleOfThumb, UPDATE_RATIO_RULE),
    ];
    this.checkSection.hidden = this.checks.length === 0;
    const last = this.checks[this.checks.length - 1];
    if (last) {
      this.checkText.textContent = format(last.ok ? S.gradCheckOk : S.gradCheckBad, last.iter, sci(last.relError));
      this.checkText.className = last.ok ? 'ok' : 'error';
    }
    const checkPoints = this.checks.map((c) => ({ x: c.iter, y: Math.max(c.relError, 1e-12) }));
    charts.check.data.datasets = [
      { ...this.line(S.gradCheckTimeline, checkPoints, 0), pointRadius: 3 },
      this.rule({ c: checkPoints }, '1e-2', 1e-2),
    ];
    const f = this.finder;
    charts.finder.data.datasets = f
      ? [
          this.line(
            S.lrFinder,
            f.points.map((p) => ({ x: p.learningRate, y: p.smoothed })),
            0,
          ),
          this.vertical(S.bookRate, 0.1, f.points, 2),
          this.vertical(format(S.lrFinderUse, sci(f.suggested)), f.suggested, f.points, 1),
        ]
      : [];
    for (const c of Object.values(charts)) c.update('none');
    this.renderHistograms();
  }

  private renderHistograms(): void {
    const h = this.histograms;
    this.histSection.hidden = !h;
    if (!h) return;
    this.histHeading.textContent = format(S.histograms, h.epoch);
    const group = h.groups.find((g) => g.name === this.histGroup.value) ?? h.groups[0];
    this.histBox.replaceChildren(
      histogramFigure(format(S.histWeights, group.name), group.weights, this.theme.series[0], this.theme),
      histogramFigure(
        format(S.histGrads, group.name),
        group.grads,
        this.theme.series[4] ?? this.theme.error,
        this.theme,
      ),
    );
  }

  private line(label: string, data: XY[], i: number): ChartDataset<'line', XY[]> {
    const color = this.theme.series[i % this.theme.series.length];
    return { label, data, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: 0, tension: 0 };
  }

  /** A dashed horizontal line at `y` across the x range of `series`. */
  private rule(series: Record<string, XY[]>, label: string, y: number): ChartDataset<'line', XY[]> {
    const xs = Object.values(series)
      .flat()
      .map((p) => p.x);
    const data = xs.length
      ? [
          { x: Math.min(...xs), y },
          { x: Math.max(...xs), y },
        ]
      : [];
    return {
      label,
      data,
      borderColor: withAlpha(this.theme.foreground, 0.6),
      borderDash: [6, 4],
      borderWidth: 1,
      pointRadius: 0,
    };
  }

  /** A dashed vertical line at x over the y range of `points`. */
  private vertical(label: string, x: number, points: { smoothed: number }[], i: number): ChartDataset<'line', XY[]> {
    const ys = points.map((p) => p.smoothed);
    const color = this.theme.series[i % this.theme.series.length];
    return {
      label,
      data: [
        { x, y: Math.min(...ys) },
        { x, y: Math.max(...ys) },
      ],
      borderColor: color,
      borderDash: [4, 3],
      borderWidth: 1.5,
      pointRadius: 0,
    };
  }

  private ensureCharts() {
    if (this.charts) return this.charts;
    const logTicks = (v: number | string) => {
      const n = Number(v);
      const e = Math.log10(n);
      return Math.abs(e - Math.round(e)) < 1e-9 ? `1e${Math.round(e)}` : '';
    };
    const make = (
      canvas: HTMLCanvasElement,
      xTitle: string,
      xLog: boolean,
      yLog: boolean,
      yRange: { suggestedMin?: number; suggestedMax?: number } = {},
    ) =>
      new Chart<'line', XY[]>(canvas, {
        type: 'line',
        data: { datasets: [] },
        options: {
          ...CHART_BASE,
          parsing: false,
          normalized: true,
          plugins: {
            legend: { labels: { color: this.theme.foreground, boxWidth: 10, boxHeight: 2, font: { size: 10 } } },
            tooltip: { enabled: true },
          },
          scales: {
            x: {
              type: xLog ? 'logarithmic' : 'linear',
              title: { display: true, text: xTitle, color: this.theme.muted },
              ticks: xLog
                ? { color: this.theme.muted, callback: logTicks, autoSkip: false }
                : { color: this.theme.muted, maxTicksLimit: 6 },
              grid: { color: this.theme.grid },
            },
            y: {
              type: yLog ? 'logarithmic' : 'linear',
              ...yRange,
              ticks: yLog
                ? { color: this.theme.muted, callback: logTicks, autoSkip: false }
                : { color: this.theme.muted, maxTicksLimit: 5 },
              grid: { color: this.theme.grid },
            },
          },
        },
      });
    this.charts = {
      norm: make(this.normCanvas, S.iteration, false, true),
      // The ratio chart always shows the 1e-3 rule of thumb; the timeline always shows the 1e-2 threshold.
      ratio: make(this.ratioCanvas, S.iteration, false, true, { suggestedMin: 1e-4, suggestedMax: 1 }),
      check: make(this.checkCanvas, S.iteration, false, true, { suggestedMin: 1e-8, suggestedMax: 1 }),
      finder: make(this.finderCanvas, S.lrAxis, true, false),
    };
    return this.charts;
  }
}

function push(points: XY[], p: XY): void {
  points.push(p);
  if (points.length > MAX_POINTS) {
    const kept = points.filter((_, i) => i % 2 === 0);
    points.splice(0, points.length, ...kept);
  }
}

/** A small bar histogram with its range under it. */
function histogramFigure(title: string, h: Histogram, color: string, theme: ThemeColors): HTMLElement {
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}: ${sci(h.min)} … ${sci(h.max)}` });
  const width = 240;
  const height = 80;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const top = Math.max(1, ...h.counts);
  const w = width / h.counts.length;
  ctx.fillStyle = color;
  h.counts.forEach((c, k) => {
    const bar = (c / top) * (height - 2);
    ctx.fillRect(k * w + 0.5, height - bar, Math.max(1, w - 1), bar);
  });
  ctx.strokeStyle = theme.grid;
  ctx.beginPath();
  ctx.moveTo(0, height - 0.5);
  ctx.lineTo(width, height - 0.5);
  ctx.stroke();
  return el(
    'figure',
    {},
    el('figcaption', { class: 'small', text: title }),
    canvas,
    el('div', { class: 'muted small row spread' }, el('span', { text: sci(h.min) }), el('span', { text: sci(h.max) })),
  );
}
