/** 4.4.1 Gradient descent from (−3, 4) with a log-scale learning-rate slider and an animated path. */
import { function2, gradientDescent } from '../../src/core/gradient';
import { format } from '../shared/l10n';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale, type Plugin } from './charts';
import { h, labSection, lrFromExponent, numberField, controlRow, sci } from './dom';
import { savedNumber, type Lab, type LabContext } from './lab';

export const DESCENT_START = [-3, 4];

export type DescentVerdict = 'converged' | 'diverged' | 'stalled' | 'onTheWay';

/** Where a run ended, in the lesson's words: the book's lr 10 diverges, lr 1e-10 stalls. */
export function descentVerdict(start: ArrayLike<number>, end: ArrayLike<number>): DescentVerdict {
  const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
  const moved = Math.hypot(end[0] - start[0], end[1] - start[1]);
  if (!Number.isFinite(norm(end)) || norm(end) > 10 * norm(start)) return 'diverged';
  if (norm(end) < 1e-3) return 'converged';
  if (moved < 1e-3 * norm(start)) return 'stalled';
  return 'onTheWay';
}

/** Circles x0² + x1² = r², the contour lines of function_2, drawn under the path. */
export function contourPlugin(id: string, colors: () => ThemeColors): Plugin {
  return {
    id,
    beforeDatasetsDraw(chart) {
      const g = chart.ctx;
      const { x, y } = chart.scales;
      const cx = x.getPixelForValue(0);
      const cy = y.getPixelForValue(0);
      g.save();
      g.beginPath();
      g.rect(chart.chartArea.left, chart.chartArea.top, chart.chartArea.width, chart.chartArea.height);
      g.clip();
      g.strokeStyle = colors().grid;
      g.lineWidth = 1;
      for (let r = 0.5; r <= 6; r += 0.5) {
        g.beginPath();
        g.ellipse(
          cx,
          cy,
          Math.abs(x.getPixelForValue(r) - cx),
          Math.abs(y.getPixelForValue(r) - cy),
          0,
          0,
          2 * Math.PI,
        );
        g.stroke();
      }
      g.restore();
    },
  };
}

export function descentLab(ctx: LabContext): Lab {
  const { s } = ctx;
  let colors = ctx.colors;
  let lr = savedNumber(ctx.saved, 'lr') ?? 0.1;
  let steps = savedNumber(ctx.saved, 'steps') ?? 100;
  let frame = 0;

  const slider = h('input', {
    id: 'descent-lr-slider',
    type: 'range',
    min: -10,
    max: 1,
    step: 0.1,
    value: Math.log10(lr),
    'aria-label': s.descentLr,
  });
  const lrField = numberField(s.descentLrExact, lr, s.invalidNumber, { id: 'descent-lr', size: 8 });
  const stepsField = numberField(s.descentSteps, steps, s.invalidNumber, { id: 'descent-steps', size: 5 });
  const replay = h('button', { type: 'button', text: s.descentReplay });
  const endOut = h('p', { id: 'descent-end', class: 'mono big' });
  const verdictOut = h('p', { id: 'descent-verdict', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.descentChart, 'chart-box tall');
  const presets = [0.1, 0.01, 10, 1e-10].map((v) => {
    const b = h('button', { type: 'button', class: 'secondary', text: `η = ${v}` });
    b.addEventListener('click', () => setLr(v));
    return b;
  });

  const presetRow = controlRow(...presets);
  const root = labSection(
    s.descentIntro,
    controlRow(
      h('label', { class: 'slider wide' }, h('span', { text: s.descentLr }), slider),
      lrField.wrap,
      stepsField.wrap,
      replay,
    ),
    presetRow,
    endOut,
    verdictOut,
    box,
  );

  const chart = new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: s.descentPath, data: [], showLine: true, pointRadius: 3, borderWidth: 1.5 },
        {
          label: s.descentStart,
          data: [{ x: DESCENT_START[0], y: DESCENT_START[1] }],
          pointRadius: 6,
          pointStyle: 'rectRot',
        },
      ],
    },
    options: {
      ...baseOptions(colors),
      scales: {
        x: {
          ...themedScale(colors, 'x0'),
          type: 'linear',
          min: -3.5,
          max: 3.5,
          ticks: { color: colors.foreground, includeBounds: false },
        },
        y: {
          ...themedScale(colors, 'x1'),
          min: -4.5,
          max: 4.5,
          ticks: { color: colors.foreground, includeBounds: false },
        },
      },
    } as never,
    plugins: [contourPlugin('descentContours', () => colors)],
  });

  function paintSeries(c: ThemeColors): void {
    const [path, start] = chart.data.datasets as { borderColor?: string; backgroundColor?: string }[];
    path.borderColor = path.backgroundColor = c.accent;
    start.borderColor = start.backgroundColor = c.series[1];
  }
  paintSeries(colors);

  function run(): void {
    const { x, path } = gradientDescent(function2, DESCENT_START, lr, steps);
    endOut.textContent = format(s.descentEnd, steps, sci(x[0]), sci(x[1]));
    const verdict = descentVerdict(DESCENT_START, x);
    const moved = Math.hypot(x[0] - DESCENT_START[0], x[1] - DESCENT_START[1]);
    verdictOut.textContent = {
      converged: s.descentConverged,
      diverged: s.descentDiverged,
      stalled: format(s.descentStalled, sci(moved, 3)),
      onTheWay: s.descentOnTheWay,
    }[verdict];
    verdictOut.className = verdict === 'converged' ? 'ok' : verdict === 'onTheWay' ? '' : 'warning';
    const points = path.map((p) => ({ x: p[0], y: p[1] }));
    cancelAnimationFrame(frame);
    ctx.save({ lr, steps });
    if (ctx.reducedMotion) {
      show(points, points.length);
      return;
    }
    const started = performance.now();
    const tick = (now: number) => {
      const shown = Math.min(points.length, 1 + Math.floor(((now - started) / 1500) * points.length));
      show(points, shown);
      if (shown < points.length) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
  }

  function show(points: { x: number; y: number }[], count: number): void {
    chart.data.datasets[0].data = points.slice(0, count);
    chart.update('none');
  }

  function setLr(v: number, from?: 'slider' | 'field'): void {
    lr = v;
    if (from !== 'slider') slider.value = String(Math.log10(v));
    if (from !== 'field') lrField.set(v);
    run();
  }

  slider.addEventListener('input', () => setLr(lrFromExponent(Number(slider.value)), 'slider'));
  lrField.input.addEventListener('change', () => {
    const v = lrField.read();
    if (v !== undefined && v > 0) setLr(v, 'field');
    else lrField.input.setAttribute('aria-invalid', 'true');
  });
  stepsField.input.addEventListener('change', () => {
    const v = stepsField.read();
    if (v !== undefined && Number.isInteger(v) && v >= 1 && v <= 10000) {
      steps = v;
      run();
    } else stepsField.input.setAttribute('aria-invalid', 'true');
  });
  replay.addEventListener('click', run);

  run();
  const lab = chartLab(
    root,
    chart,
    (c) => {
      colors = c;
      paintSeries(c);
    },
    () => cancelAnimationFrame(frame),
  );
  return {
    ...lab,
    controls: { lr: [slider.closest('label') ?? slider, lrField.wrap, presetRow], steps: [stepsField.wrap] },
  };
}
