/** 4.4 The gradient: arrows of −∇(x0² + x1²) over [−2, 2]², click or type a point to inspect. */
import { function2, numericalGradient } from '../../src/core/gradient';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale, type Plugin } from './charts';
import { fmt, h, labSection, numberField, controlRow } from './dom';
import { savedNumber, type Lab, type LabContext } from './lab';

const RANGE = 2;
/** The book's grid: np.arange(-2, 2.5, 0.25) in both directions. */
export const FIELD_GRID = Array.from({ length: 17 }, (_, i) => -2 + i * 0.25);
/** Longest arrow (at a corner, |∇f| = 2√8) drawn this long, in data units. */
const LONGEST_ARROW = 0.36;
const SCALE = LONGEST_ARROW / (2 * Math.hypot(RANGE, RANGE));

export function gradientAt(x0: number, x1: number): Float64Array {
  return numericalGradient(function2, Float64Array.from([x0, x1]));
}

/** (6.00000000000378, 7.999999999999119) — a vector as the book prints it, with full digits. */
export function vectorText(v: ArrayLike<number>, digits?: number): string {
  return `(${Array.from(v, (e) => (digits ? fmt(e, digits) : String(e))).join(', ')})`;
}

export function fieldLab(ctx: LabContext): Lab {
  const { s } = ctx;
  let colors = ctx.colors;
  let point = [savedNumber(ctx.saved, 'x0') ?? 3, savedNumber(ctx.saved, 'x1') ?? 4];

  const f0 = numberField(s.fieldX0, point[0], s.invalidNumber, { id: 'field-x0', size: 6 });
  const f1 = numberField(s.fieldX1, point[1], s.invalidNumber, { id: 'field-x1', size: 6 });
  const numericOut = h('output', { id: 'field-numeric', class: 'mono' });
  const analyticOut = h('output', { id: 'field-analytic', class: 'mono big' });
  const outside = h('p', { id: 'field-outside', class: 'muted', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.fieldChart, 'chart-box square');
  const presets = [
    [3, 4],
    [0, 2],
    [3, 0],
  ].map(([a, b]) => {
    const btn = h('button', { type: 'button', class: 'secondary', text: `(${a}, ${b})` });
    btn.addEventListener('click', () => inspect(a, b, true));
    return btn;
  });

  const root = labSection(
    s.fieldIntro,
    controlRow(f0.wrap, f1.wrap, h('span', { class: 'muted', text: s.fieldBookPoints }), ...presets),
    h(
      'table',
      { class: 'values' },
      h('tr', {}, h('th', { scope: 'row', text: s.fieldNumeric }), h('td', {}, numericOut)),
      h('tr', {}, h('th', { scope: 'row', text: s.fieldAnalytic }), h('td', {}, analyticOut)),
    ),
    outside,
    box,
  );

  const arrows: Plugin = {
    id: 'gradientArrows',
    afterDatasetsDraw(chart) {
      const g = chart.ctx;
      const px = (v: number) => chart.scales.x.getPixelForValue(v);
      const py = (v: number) => chart.scales.y.getPixelForValue(v);
      const draw = (x0: number, x1: number, color: string, width: number) => {
        const grad = gradientAt(x0, x1);
        const [ax, ay] = [px(x0), py(x1)];
        const [bx, by] = [px(x0 - SCALE * grad[0]), py(x1 - SCALE * grad[1])];
        const len = Math.hypot(bx - ax, by - ay);
        if (len < 0.5) return;
        const head = Math.min(6, len * 0.45);
        const angle = Math.atan2(by - ay, bx - ax);
        g.strokeStyle = g.fillStyle = color;
        g.lineWidth = width;
        g.beginPath();
        g.moveTo(ax, ay);
        g.lineTo(bx, by);
        g.stroke();
        g.beginPath();
        g.moveTo(bx, by);
        g.lineTo(bx - head * Math.cos(angle - 0.4), by - head * Math.sin(angle - 0.4));
        g.lineTo(bx - head * Math.cos(angle + 0.4), by - head * Math.sin(angle + 0.4));
        g.closePath();
        g.fill();
      };
      g.save();
      for (const x0 of FIELD_GRID) for (const x1 of FIELD_GRID) draw(x0, x1, colors.muted, 1);
      if (Math.abs(point[0]) <= RANGE && Math.abs(point[1]) <= RANGE) draw(point[0], point[1], colors.series[1], 2.5);
      g.restore();
    },
  };

  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets: [{ label: 'x', data: [] as { x: number; y: number }[], pointRadius: 6 }] },
    options: {
      ...baseOptions(colors),
      plugins: { legend: { display: false } },
      scales: {
        x: {
          ...themedScale(colors, 'x0'),
          type: 'linear',
          min: -RANGE - 0.5,
          max: RANGE + 0.5,
          ticks: { color: colors.foreground, stepSize: 0.5 },
        },
        y: {
          ...themedScale(colors, 'x1'),
          min: -RANGE - 0.5,
          max: RANGE + 0.5,
          ticks: { color: colors.foreground, stepSize: 0.5 },
        },
      },
    } as never,
    plugins: [arrows],
  });

  function paintPoint(c: ThemeColors): void {
    const d = chart.data.datasets[0] as { backgroundColor?: string; borderColor?: string };
    d.backgroundColor = c.series[1];
    d.borderColor = c.foreground;
  }
  paintPoint(colors);

  function inspect(x0: number, x1: number, fillFields = false): void {
    point = [x0, x1];
    if (fillFields) {
      f0.set(x0);
      f1.set(x1);
    }
    numericOut.value = vectorText(gradientAt(x0, x1));
    analyticOut.value = vectorText([2 * x0, 2 * x1], 12);
    const inView = Math.abs(x0) <= RANGE && Math.abs(x1) <= RANGE;
    outside.textContent = inView ? '' : s.fieldOutside;
    chart.data.datasets[0].data = inView ? [{ x: x0, y: x1 }] : [];
    chart.update('none');
    ctx.save({ x0, x1 });
  }

  const onField = () => {
    const a = f0.read();
    const b = f1.read();
    if (a !== undefined && b !== undefined) inspect(a, b);
  };
  f0.input.addEventListener('input', onField);
  f1.input.addEventListener('input', onField);
  canvas.addEventListener('click', (e) => {
    if (canvas.dataset.locked === 'true') return;
    const a = chart.scales.x.getValueForPixel(e.offsetX);
    const b = chart.scales.y.getValueForPixel(e.offsetY);
    if (a === undefined || b === undefined) return;
    const round = (v: number) => Math.round(Math.max(-RANGE, Math.min(RANGE, v)) * 100) / 100;
    inspect(round(a), round(b), true);
  });

  inspect(point[0], point[1]);
  const lab = chartLab(root, chart, (c) => {
    colors = c;
    paintPoint(c);
  });
  return { ...lab, controls: { x0: [f0.wrap, ...presets, canvas], x1: [f1.wrap, ...presets, canvas] } };
}
