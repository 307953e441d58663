/** chart.js with only the parts the labs use, and axis styling from the VS Code theme. */
import {
  BarController,
  BarElement,
  CategoryScale,
  ScatterController,
  type ChartConfiguration,
  type Plugin,
  type ScaleOptions,
} from 'chart.js';
import { CHART_BASE, Chart } from '../shared/chart';
import type { ThemeColors } from '../shared/theme';
import type { Lab } from './lab';

// The line-chart parts come with ../shared/chart; the labs also draw bars and scatter plots.
Chart.register(BarController, BarElement, CategoryScale, ScatterController);

export { Chart };
export type { ChartConfiguration, Plugin };

/** Axis colours and fonts from the theme; merged into each scale. */
export function themedScale(c: ThemeColors, title?: string): Partial<ScaleOptions> {
  return {
    grid: { color: c.grid },
    border: { color: c.muted },
    ticks: { color: c.foreground },
    title: title ? { display: true, text: title, color: c.foreground } : { display: false },
  } as Partial<ScaleOptions>;
}

/** Options every lab chart shares: no animation (the labs animate themselves), themed legend. */
export function baseOptions(c: ThemeColors) {
  return {
    ...CHART_BASE,
    color: c.foreground,
    plugins: {
      legend: { labels: { color: c.foreground } },
      tooltip: { enabled: true },
    },
  };
}

/** Re-applies theme colours to an existing chart's scales and legend, then redraws. */
export function rethemeChart(chart: Chart, c: ThemeColors): void {
  // biome-ignore lint/suspicious/noExplicitAny: chart.js's options are a deep union; this walks them untyped.
  const opts = chart.options as Record<string, any>;
  opts.color = c.foreground;
  if (opts.plugins?.legend?.labels) opts.plugins.legend.labels.color = c.foreground;
  for (const scale of Object.values(opts.scales ?? {}) as Record<string, typeof opts>[]) {
    // A scriptable grid colour (a function) reads the lab's current colours itself.
    if (typeof scale.grid?.color !== 'function') scale.grid = { ...scale.grid, color: c.grid };
    scale.border = { ...scale.border, color: c.muted };
    scale.ticks = { ...scale.ticks, color: c.foreground };
    if (scale.title) scale.title.color = c.foreground;
  }
  chart.update('none');
}

/**
 * What a chart lab hands the page: on a theme switch its own colours first (`repaint`), then the
 * chart's scales and legend; disposing stops what `stop` stops (an animation) and destroys the chart.
 */
export function chartLab(root: HTMLElement, chart: Chart, repaint: (c: ThemeColors) => void, stop?: () => void): Lab {
  return {
    root,
    retheme(c) {
      repaint(c);
      rethemeChart(chart, c);
    },
    dispose() {
      stop?.();
      chart.destroy();
    },
  };
}

/** A canvas in a sized box, labelled for screen readers. */
export function chartCanvas(
  label: string,
  className = 'chart-box',
): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const box = document.createElement('div');
  box.className = className;
  box.append(canvas);
  return { box, canvas };
}
