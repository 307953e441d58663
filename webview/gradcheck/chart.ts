/**
 * Error vs h on a log-log chart: the forward difference's error falls like h until rounding
 * takes over near 1e-8, the central difference's like h² until about 1e-5 — the book's
 * "why not h = 1e-50" lesson, drawn from the learner's own function. Theme colours throughout.
 */
import type { ChartView, GradcheckStrings } from '../../src/protocol/gradcheck';
import { CHART_BASE, Chart } from '../shared/chart';
import { ThemeColors, onThemeChange, withAlpha } from '../shared/theme';

/** Points with an error that is not finite (log of a negative number, say) are left out. */
const points = (hs: number[], errors: number[]) =>
  hs.map((h, k) => ({ x: h, y: errors[k] })).filter((p) => Number.isFinite(p.y) && p.y > 0);

export class ErrorChart {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;
  /** Every result makes a chart: each stops following the theme when it is destroyed. */
  private readonly stopTheming: () => void;

  constructor(canvas: HTMLCanvasElement, view: ChartView, S: GradcheckStrings) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: S.forward, data: points(view.hs, view.forward), borderWidth: 2, pointRadius: 3, tension: 0 },
          {
            label: S.central,
            data: points(view.hs, view.central),
            borderWidth: 2,
            pointRadius: 3,
            tension: 0,
            borderDash: [6, 3],
          },
        ],
      },
      options: {
        ...CHART_BASE,
        parsing: false,
        scales: {
          x: { type: 'logarithmic', reverse: true, title: { display: true, text: S.axisH }, min: 1e-16, max: 1 },
          y: { type: 'logarithmic', title: { display: true, text: S.axisError }, min: 1e-17, max: 10 },
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 7 } },
          tooltip: {
            callbacks: {
              label: (c) => `${c.dataset.label}: h = ${c.parsed.x?.toExponential(0)}, ${c.parsed.y?.toExponential(2)}`,
            },
          },
        },
      },
    });
    this.stopTheming = onThemeChange((c) => this.applyTheme(c));
  }

  private applyTheme(c: ThemeColors): void {
    const [forward, central] = this.chart.data.datasets;
    forward.borderColor = forward.backgroundColor = c.series[1];
    central.borderColor = central.backgroundColor = c.series[0];
    for (const axis of ['x', 'y'] as const) {
      const scale = this.chart.options.scales![axis]!;
      scale.ticks = {
        ...scale.ticks,
        color: c.muted,
        callback: (v) => (Math.log10(Number(v)) % 1 === 0 ? Number(v).toExponential(0) : ''),
      };
      scale.grid = { ...scale.grid, color: withAlpha(c.grid, c.highContrast ? 1 : 0.6) };
      (scale as { title: { color?: string } }).title.color = c.foreground;
    }
    this.chart.options.plugins!.legend!.labels = { ...this.chart.options.plugins!.legend!.labels, color: c.foreground };
    this.chart.update();
  }

  destroy(): void {
    this.stopTheming();
    this.chart.destroy();
  }
}
