/** 4.3 Error against h for forward and central differences, with the book's h = 1e-50 trap. */
import { function1, numericalDiff, numericalDiffForward, type ScalarFunction } from '../../src/core/gradient';
import { format } from '../shared/l10n';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale } from './charts';
import { controlRow, fmt, h, labSection, numberField, selectOf } from './dom';
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

/** Log-axis tick label: "1e-8" at every `step`-th power of ten, nothing between. */
function powerOfTen(step: number): (value: number | string) => string {
  return (value) => {
    const e = Math.round(Math.log10(Number(value)));
    return Math.abs(Number(value) / 10 ** e - 1) < 1e-9 && e % step === 0 ? `1e${e}` : '';
  };
}

/** The h axis: 1e-16 … 1, reaching down to the typed h when it is smaller (1e-50: the book's trap). */
export function hAxisMin(picked: number): number {
  return picked > 0 && picked < 1e-16 ? 10 ** Math.floor(Math.log10(picked) - 1) : 1e-16;
}

/** H_GRID, continued in whole decades down to the axis' end when the typed h is below 1e-16. */
export function hGrid(picked: number): number[] {
  const min = hAxisMin(picked);
  const more: number[] = [];
  for (let e = -17; 10 ** e >= min; e--) more.push(10 ** e);
  return [...H_GRID, ...more];
}

export function errorCurve(c: Case, method: 'forward' | 'central', picked = 1e-4): { x: number; y: number }[] {
  const diff = method === 'forward' ? numericalDiffForward : numericalDiff;
  return hGrid(picked).map((hh) => ({ x: hh, y: Math.max(ERROR_FLOOR, Math.abs(diff(c.f, c.x, hh) - c.exact)) }));
}

export function errorHLab(ctx: LabContext): Lab {
  const { s } = ctx;
  const savedCase = savedValue(ctx.saved, 'case');
  let which: keyof typeof ERROR_H_CASES = savedCase === 'sin' ? 'sin' : 'book';
  let pickedH = savedNumber(ctx.saved, 'h') ?? 1e-50;

  const select = selectOf('errorh-function', which, ['book', s.errorHBook], ['sin', s.errorHSin]);
  const hField = numberField(s.errorHPick, pickedH, s.invalidNumber, { id: 'errorh-h', size: 10 });
  const trueOut = h('p', { id: 'errorh-true', class: 'mono' });
  const cells = {
    forward: { est: h('td', { id: 'errorh-forward', class: 'mono' }), err: h('td', { class: 'mono' }) },
    central: { est: h('td', { id: 'errorh-central', class: 'mono' }), err: h('td', { class: 'mono' }) },
  };
  const vanished = h('p', { id: 'errorh-vanished', class: 'warning', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.errorHChart, 'chart-box tall');
  const marked = h('p', { id: 'errorh-marked', class: 'muted' });

  const root = labSection(
    s.errorHIntro,
    controlRow(h('label', { for: 'errorh-function' }, h('span', { text: s.errorHFunction }), select), hField.wrap),
    trueOut,
    h(
      'table',
      { class: 'values' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: s.errorHMethod }),
          h('th', { scope: 'col', text: s.errorHEstimate }),
          h('th', { scope: 'col', text: s.errorHError }),
        ),
      ),
      h(
        'tbody',
        {},
        h('tr', {}, h('th', { scope: 'row', text: s.errorHForward }), cells.forward.est, cells.forward.err),
        h('tr', {}, h('th', { scope: 'row', text: s.errorHCentral }), cells.central.est, cells.central.err),
      ),
    ),
    vanished,
    box,
    marked,
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
        // The typed h: its two errors, marked where they are (1e-50 included: the axis reaches it).
        {
          label: s.errorHYours,
          data: [] as Point[],
          showLine: false,
          pointRadius: 7,
          pointStyle: 'crossRot',
          borderWidth: 3,
        },
      ],
    },
    options: {
      ...baseOptions(ctx.colors),
      scales: {
        x: {
          ...themedScale(ctx.colors, 'h'),
          type: 'logarithmic',
          min: 1e-16,
          max: 1,
          ticks: { color: ctx.colors.foreground, callback: powerOfTen(2), autoSkip: false },
          grid: { color: labelledGrid },
        },
        y: {
          ...themedScale(ctx.colors, s.errorHAxisError),
          type: 'logarithmic',
          min: ERROR_FLOOR,
          max: 10,
          ticks: { color: ctx.colors.foreground, callback: powerOfTen(2), autoSkip: false },
          grid: { color: labelledGrid },
        },
      },
    } as never,
  });
  paintSeries(ctx.colors);

  function paintSeries(c: ThemeColors): void {
    chart.data.datasets.forEach((d, i) => {
      const color = i < 2 ? c.series[i] : c.foreground;
      (d as { borderColor?: string }).borderColor = color;
      (d as { backgroundColor?: string }).backgroundColor = color;
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
    chart.data.datasets[0].data = errorCurve(c, 'forward', pickedH);
    chart.data.datasets[1].data = errorCurve(c, 'central', pickedH);
    const floor = (e: number) => Math.max(ERROR_FLOOR, e);
    chart.data.datasets[2].data = [
      { x: pickedH, y: floor(Math.abs(forward - c.exact)) },
      { x: pickedH, y: floor(Math.abs(central - c.exact)) },
    ];
    chart.data.datasets[2].label = format(s.errorHYours, fmt(pickedH));
    marked.textContent = format(
      s.errorHMarked,
      fmt(pickedH),
      fmt(Math.abs(forward - c.exact), 3),
      fmt(Math.abs(central - c.exact), 3),
      `1e${Math.round(Math.log10(hAxisMin(pickedH)))}`,
    );
    const x = chart.options.scales!.x as { min: number; ticks: { callback: (v: number | string) => string } };
    x.min = hAxisMin(pickedH);
    // Labels every 2 decades on 1e-16…1; every 8 when the axis reaches down to 1e-50.
    x.ticks.callback = powerOfTen(x.min < 1e-16 ? 8 : 2);
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
  const lab = chartLab(root, chart, (c) => {
    colors = c;
    paintSeries(c);
  });
  return { ...lab, controls: { case: [select.closest('label') ?? select], h: [hField.wrap] } };
}
