/** 4.3 Numerical differentiation: f(x) = 0.01x² + 0.1x with a draggable x and its tangent. */
import { function1, numericalDiff } from '../../src/core/gradient';
import { format } from '../shared/l10n';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale } from './charts';
import { controlRow, fmt, h, labSection, numberField } from './dom';
import { savedNumber, type Lab, type LabContext } from './lab';

const X_MIN = 0;
const X_MAX = 20;

/** The book's tangent_line: the line through (x, f(x)) with slope numerical_diff(f, x). */
export function tangentLine(x: number): { slope: number; at: (t: number) => number } {
  const slope = numericalDiff(function1, x);
  const intercept = function1(x) - slope * x;
  return { slope, at: (t) => slope * t + intercept };
}

export function tangentLab(ctx: LabContext): Lab {
  const { s } = ctx;
  let x = savedNumber(ctx.saved, 'x') ?? 5;
  let colors = ctx.colors;

  const slider = h('input', { type: 'range', min: X_MIN, max: X_MAX, step: 0.1, value: x, 'aria-label': s.tangentX });
  const field = numberField(s.tangentX, x, s.invalidNumber, { id: 'tangent-x', size: 6 });
  const fxOut = h('output', { id: 'tangent-fx', class: 'mono' });
  const numericOut = h('output', { id: 'tangent-numeric', class: 'mono big' });
  const trueOut = h('output', { id: 'tangent-true', class: 'mono' });
  const diffOut = h('output', { id: 'tangent-diff', class: 'mono' });
  const { box, canvas } = chartCanvas(s.tangentChart, 'chart-box tall');

  const presets = [5, 10].map((v) => {
    const b = h('button', { type: 'button', class: 'secondary', text: `x = ${v}` });
    b.addEventListener('click', () => setX(v));
    return b;
  });

  const row = (label: string, out: HTMLElement) =>
    h('tr', {}, h('th', { scope: 'row', text: label }), h('td', {}, out));
  const root = labSection(
    s.tangentIntro,
    controlRow(h('label', { class: 'slider' }, h('span', { text: s.tangentX }), slider), field.wrap, ...presets),
    box,
    h(
      'table',
      { class: 'values' },
      row(s.tangentFx, fxOut),
      row(s.tangentNumeric, numericOut),
      row(s.tangentTrue, trueOut),
      row(s.tangentDiff, diffOut),
    ),
    h('p', { class: 'muted', text: s.tangentWhy }),
  );

  const curve = Array.from({ length: 201 }, (_, i) => ({ x: i / 10, y: function1(i / 10) }));
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: s.tangentCurve, data: curve, showLine: true, pointRadius: 0, borderWidth: 2 },
        { label: '', data: [], showLine: true, pointRadius: 0, borderWidth: 2, borderDash: [6, 4] },
        { label: 'x', data: [], pointRadius: 7, pointHoverRadius: 9 },
      ],
    },
    options: {
      ...baseOptions(colors),
      plugins: {
        legend: {
          labels: { color: colors.foreground, filter: (item: { datasetIndex?: number }) => item.datasetIndex !== 2 },
        },
      },
      scales: {
        x: { ...themedScale(colors, 'x'), type: 'linear', min: X_MIN, max: X_MAX },
        y: { ...themedScale(colors, 'f(x)'), min: -1, max: 6 },
      },
    } as never,
  });
  paintSeries(colors);

  function paintSeries(c: ThemeColors): void {
    const [curveSet, lineSet, pointSet] = chart.data.datasets as { borderColor?: string; backgroundColor?: string }[];
    curveSet.borderColor = c.accent;
    lineSet.borderColor = c.series[1];
    pointSet.backgroundColor = c.series[1];
    pointSet.borderColor = c.foreground;
  }

  function setX(v: number, from?: 'slider' | 'field'): void {
    x = Math.min(X_MAX, Math.max(X_MIN, v));
    if (from !== 'slider') slider.value = String(x);
    if (from !== 'field') field.set(x);
    const line = tangentLine(x);
    const exact = 0.02 * x + 0.1;
    fxOut.value = fmt(function1(x));
    numericOut.value = String(line.slope);
    trueOut.value = fmt(exact);
    diffOut.value = (line.slope - exact).toExponential(2);
    chart.data.datasets[1].label = format(s.tangentLine, fmt(x, 6));
    chart.data.datasets[1].data = [X_MIN, X_MAX].map((t) => ({ x: t, y: line.at(t) }));
    chart.data.datasets[2].data = [{ x, y: function1(x) }];
    chart.update('none');
    ctx.save({ x });
  }

  slider.addEventListener('input', () => setX(Number(slider.value), 'slider'));
  field.input.addEventListener('change', () => {
    const v = field.read();
    if (v !== undefined) setX(v, 'field');
  });

  // Drag the point: pointer x → data x through the chart's own scale.
  let dragging = false;
  const toX = (e: PointerEvent) => chart.scales.x.getValueForPixel(e.offsetX) ?? x;
  canvas.addEventListener('pointerdown', (e) => {
    if (canvas.dataset.locked === 'true') return;
    const px = chart.scales.x.getPixelForValue(x);
    const py = chart.scales.y.getPixelForValue(function1(x));
    if (Math.hypot(e.offsetX - px, e.offsetY - py) > 24 && e.offsetY > chart.chartArea.bottom) return;
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    setX(Math.round(toX(e) * 100) / 100);
  });
  canvas.addEventListener('pointermove', (e) => dragging && setX(Math.round(toX(e) * 100) / 100));
  canvas.addEventListener('pointerup', () => (dragging = false));
  canvas.classList.add('draggable');

  setX(x);
  const lab = chartLab(root, chart, (c) => {
    colors = c;
    paintSeries(c);
  });
  return { ...lab, controls: { x: [slider.closest('label') ?? slider, field.wrap, ...presets, canvas] } };
}
