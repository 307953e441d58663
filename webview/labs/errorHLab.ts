/** 4.3 Error against h for forward and central differences, with the book's h = 1e-50 trap. */
import { function1, numericalDiff, numericalDiffForward, type ScalarFunction } from '../../src/core/gradient';
import { format } from '../shared/l10n';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale } from './charts';
import { fmt, h, numberField } from './dom';
import { savedNumber, savedValue, type Lab, type LabContext } from './lab';

type Point = { x: number; y: number };

interface Case {
  f: ScalarFunction;
  x: number;
  exact: number;
}

export const ERROR_H_CASES: Record<'book' | 'sin', Case> = {
  book: { f: function1, x: 5, exact: 0.2 },
  sin: { f: Math.sin, x: 1, exact: Math.cos(1) },
};

/** Errors of exactly 0 are drawn here: a log axis has no 0. */
export const ERROR_FLOOR = 1e-17;

/** h = 10^0 … 10^-16 in quarter decades. */
export const H_GRID = Array.from({ length: 65 }, (_, i) => Number((10 ** (-i / 4)).toPrecision(6)));

/** Log-axis tick label: "1e-8" at every other power of ten, nothing between. */
function powerOfTen(value: number | string): string {
  const e = Math.round(Math.log10(Number(value)));
  return Math.abs(Number(value) / 10 ** e - 1) < 1e-9 && e % 2 === 0 ? `1e${e}` : '';
}

export function errorCurve(c: Case, method: 'forward' | 'central'): { x: number; y: number }[] {
  const diff = method === 'forward' ? numericalDiffForward : numericalDiff;
  return H_GRID.map((hh) => ({ x: hh, y: Math.max(ERROR_FLOOR, Math.abs(diff(c.f, c.x, hh) - c.exact)) }));
}

export function errorHLab(ctx: LabContext): Lab {
  const { s } = ctx;
  const savedCase = savedValue(ctx.saved, 'case');
  let which: keyof typeof ERROR_H_CASES = savedCase === 'sin' ? 'sin' : 'book';
  let pickedH = savedNumber(ctx.saved, 'h') ?? 1e-50;

  const select = h('select', { id: 'errorh-function' }, h('option', { value: 'book', text: s.errorHBook }), h('option', { value: 'sin', text: s.errorHSin }));
  select.value = which;
  const hField = numberField(s.errorHPick, pickedH, s.invalidNumber, { id: 'errorh-h', size: 10 });
  const trueOut = h('p', { id: 'errorh-true', class: 'mono' });
  const cells = {
    forward: { est: h('td', { id: 'errorh-forward', class: 'mono' }), err: h('td', { class: 'mono' }) },
    central: { est: h('td', { id: 'errorh-central', class: 'mono' }), err: h('td', { class: 'mono' }) },
  };
  const vanished = h('p', { id: 'errorh-vanished', class: 'warning', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.errorHChart, 'chart-box tall');

  const root = h(
    'section',
    { class: 'lab' },
    h('p', { text: s.errorHIntro }),
    h('div', { class: 'row' }, h('label', { for: 'errorh-function' }, h('span', { text: s.errorHFunction }), select), hField.wrap),
    trueOut,
    h(
      'table',
      { class: 'values' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: s.errorHMethod }), h('th', { scope: 'col', text: s.errorHEstimate }), h('th', { scope: 'col', text: s.errorHError }))),
      h(
        'tbody',
        {},
        h('tr', {}, h('th', { scope: 'row', text: s.errorHForward }), cells.forward.est, cells.forward.err),
        h('tr', {}, h('th', { scope: 'row', text: s.errorHCentral }), cells.central.est, cells.central.err),
      ),
    ),
    vanished,
    box,
    h('p', { class: 'muted', text: s.errorHZeroDrawn }),
  );

  let colors = ctx.colors;
  // Grid lines only at the labelled powers of ten: a line at every minor tick hides the curves.
  const labelledGrid = (c: { tick?: { label?: unknown } }) => (c.tick?.label ? colors.grid : 'transparent');
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: s.errorHForward, data: [] as Point[], showLine: true, pointRadius: 2, borderWidth: 2 },
        { label: s.errorHCentral, data: [] as Point[], showLine: true, pointRadius: 2, borderWidth: 2 },
      ],
    },
    options: {
      ...baseOptions(ctx.colors),
      scales: {
        x: { ...themedScale(ctx.colors, 'h'), type: 'logarithmic', min: 1e-16, max: 1, ticks: { color: ctx.colors.foreground, callback: powerOfTen, autoSkip: false }, grid: { color: labelledGrid } },
        y: { ...themedScale(ctx.colors, s.errorHAxisError), type: 'logarithmic', min: ERROR_FLOOR, max: 10, ticks: { color: ctx.colors.foreground, callback: powerOfTen, autoSkip: false }, grid: { color: labelledGrid } },
      },
    } as never,
  });
  paintSeries(ctx.colors);

  function paintSeries(c: ThemeColors): void {
    chart.data.datasets.forEach((d, i) => {
      (d as { borderColor?: string }).borderColor = c.series[i];
      (d as { backgroundColor?: string }).backgroundColor = c.series[i];
    });
  }

  function update(): void {
    const c = ERROR_H_CASES[which];
    trueOut.textContent = format(s.errorHTrue, fmt(c.exact));
    const forward = numericalDiffForward(c.f, c.x, pickedH);
    const central = numericalDiff(c.f, c.x, pickedH);
    cells.forward.est.textContent = String(forward);
    cells.forward.err.textContent = fmt(Math.abs(forward - c.exact), 3);
    cells.central.est.textContent = String(central);
    cells.central.err.textContent = fmt(Math.abs(central - c.exact), 3);
    vanished.textContent = c.x + pickedH === c.x ? s.errorHVanished : '';
    chart.data.datasets[0].data = errorCurve(c, 'forward');
    chart.data.datasets[1].data = errorCurve(c, 'central');
    chart.update('none');
    ctx.save({ case: which, h: pickedH });
  }

  select.addEventListener('change', () => {
    which = select.value === 'sin' ? 'sin' : 'book';
    update();
  });
  hField.input.addEventListener('input', () => {
    const v = hField.read();
    if (v !== undefined && v > 0) {
      pickedH = v;
      update();
    } else if (v !== undefined) hField.input.setAttribute('aria-invalid', 'true');
  });

  update();
  return chartLab(root, chart, (c) => {
    colors = c;
    paintSeries(c);
  });
}
