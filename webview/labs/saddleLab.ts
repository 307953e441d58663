/** 4.4.1's caveat: where a zero (or tiny) gradient misleads — a saddle point and a plateau. */
import { gradientDescent, numericalGradient, type VectorFunction } from '../../src/core/gradient';
import { format } from '../shared/l10n';
import { withAlpha, type ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale, type Plugin } from './charts';
import { controlRow, h, labSection, sci, selectOf } from './dom';
import { savedValue, type Lab, type LabContext } from './lab';

export type Surface = 'saddle' | 'plateau';
export type SaddleVerdict = 'atSaddle' | 'escaped' | 'onPlateau' | 'atMinimum' | 'onTheWay';

export const SURFACES: Record<Surface, { f: VectorFunction; starts: [number, number][]; range: [number, number] }> = {
  saddle: {
    f: (x) => x[0] ** 2 - x[1] ** 2,
    starts: [
      [1.5, 0],
      [1.5, 0.01],
    ],
    range: [-4, 4],
  },
  plateau: {
    f: (x) => 1 - Math.exp(-(x[0] ** 2 + x[1] ** 2)),
    starts: [
      [2.5, 2.5],
      [1, 0.5],
    ],
    range: [0, 1],
  },
};
export const SADDLE_LR = 0.1;
export const SADDLE_STEPS = 100;
const VIEW = 3;

export function runSurface(surface: Surface, start: ArrayLike<number>) {
  const { f } = SURFACES[surface];
  const { x, path } = gradientDescent(f, start, SADDLE_LR, SADDLE_STEPS);
  const grad = numericalGradient(f, Float64Array.from(x));
  const gradNorm = Math.hypot(grad[0], grad[1]);
  return {
    x,
    path,
    value: f(Float64Array.from(x)),
    gradNorm,
    verdict: saddleVerdict(surface, x, f(Float64Array.from(x)), gradNorm),
  };
}

/** Why the run stopped where it did. */
export function saddleVerdict(surface: Surface, x: ArrayLike<number>, value: number, gradNorm: number): SaddleVerdict {
  if (surface === 'saddle') {
    if (Math.abs(x[1]) > 1) return 'escaped';
    return gradNorm < 1e-4 ? 'atSaddle' : 'onTheWay';
  }
  if (value < 1e-6) return 'atMinimum';
  return gradNorm < 1e-3 ? 'onPlateau' : 'onTheWay';
}

export function saddleLab(ctx: LabContext): Lab {
  const { s } = ctx;
  let colors = ctx.colors;
  const savedSurface = savedValue(ctx.saved, 'surface');
  let surface: Surface = savedSurface === 'plateau' ? 'plateau' : 'saddle';
  let startIndex = savedValue(ctx.saved, 'start') === 1 ? 1 : 0;

  const select = selectOf('saddle-surface', surface, ['saddle', s.saddleSaddle], ['plateau', s.saddlePlateau]);
  const startRow = h('div', { class: 'row', role: 'group' });
  const endOut = h('p', { id: 'saddle-end', class: 'mono' });
  const verdictOut = h('p', { id: 'saddle-verdict', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.saddleChart, 'chart-box square');
  // The shading's colour scale: what faint and strong mean, with the values at the ends.
  const scaleBar = h('div', { class: 'scale-bar' });
  const scaleLow = h('span', { class: 'mono' });
  const scaleHigh = h('span', { class: 'mono' });
  const scale = h(
    'div',
    { id: 'saddle-scale', class: 'colour-scale', role: 'img' },
    h('span', { class: 'muted', text: s.saddleScaleTitle }),
    scaleLow,
    scaleBar,
    scaleHigh,
  );

  const root = labSection(
    s.saddleIntro,
    controlRow(h('label', { for: 'saddle-surface' }, h('span', { text: s.saddleSurface }), select)),
    startRow,
    endOut,
    verdictOut,
    box,
    scale,
  );

  function paintScale(): void {
    const [lo, hi] = SURFACES[surface].range;
    scaleBar.style.background = `linear-gradient(to right, ${withAlpha(colors.accent, 0.05)}, ${withAlpha(colors.accent, 0.55)})`;
    scaleLow.textContent = `≤ ${lo}`;
    scaleHigh.textContent = `≥ ${hi}`;
    scale.setAttribute('aria-label', format(s.saddleScale, String(lo), String(hi)));
  }

  const shading: Plugin = {
    id: 'surfaceShading',
    beforeDatasetsDraw(chart) {
      const g = chart.ctx;
      const { left, top, width, height } = chart.chartArea;
      const { f, range } = SURFACES[surface];
      const cells = 48;
      const x = new Float64Array(2);
      g.save();
      for (let i = 0; i < cells; i++) {
        for (let j = 0; j < cells; j++) {
          x[0] = chart.scales.x.getValueForPixel(left + ((i + 0.5) * width) / cells) ?? 0;
          x[1] = chart.scales.y.getValueForPixel(top + ((j + 0.5) * height) / cells) ?? 0;
          const level = (Math.max(range[0], Math.min(range[1], f(x))) - range[0]) / (range[1] - range[0]);
          g.fillStyle = withAlpha(colors.accent, 0.05 + 0.5 * level);
          // Whole-pixel cell edges: overlapping translucent cells would draw a grid pattern.
          const [x0, x1] = [Math.round(left + (i * width) / cells), Math.round(left + ((i + 1) * width) / cells)];
          const [y0, y1] = [Math.round(top + (j * height) / cells), Math.round(top + ((j + 1) * height) / cells)];
          g.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
      }
      g.restore();
    },
  };

  const chart = new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'x', data: [] as { x: number; y: number }[], showLine: true, pointRadius: 2, borderWidth: 2 },
      ],
    },
    options: {
      ...baseOptions(colors),
      plugins: { legend: { display: false } },
      scales: {
        x: { ...themedScale(colors, 'x0'), type: 'linear', min: -VIEW, max: VIEW, grid: { display: false } },
        y: { ...themedScale(colors, 'x1'), min: -VIEW, max: VIEW, grid: { display: false } },
      },
    } as never,
    plugins: [shading],
  });

  function paint(c: ThemeColors): void {
    const d = chart.data.datasets[0] as { borderColor?: string; backgroundColor?: string };
    d.borderColor = d.backgroundColor = c.series[1];
  }
  paint(colors);

  function renderStarts(): void {
    const labels =
      surface === 'saddle' ? [s.saddleStartOnRidge, s.saddleStartNudged] : [s.saddleStartFar, s.saddleStartNear];
    startRow.replaceChildren(
      ...labels.map((text, i) => {
        const b = h('button', {
          type: 'button',
          class: i === startIndex ? '' : 'secondary',
          'aria-pressed': String(i === startIndex),
          text,
        });
        b.addEventListener('click', () => {
          startIndex = i;
          update();
        });
        // A lab file that locks the start: these buttons are rebuilt, so they read the lock here.
        if (startRow.dataset.locked === 'true') {
          b.disabled = true;
          b.title = startRow.title;
        }
        return b;
      }),
    );
  }

  function update(): void {
    renderStarts();
    const start = SURFACES[surface].starts[startIndex];
    const r = runSurface(surface, start);
    endOut.textContent = format(
      s.saddleEnd,
      SADDLE_STEPS,
      SADDLE_LR,
      sci(r.x[0], 4),
      sci(r.x[1], 4),
      sci(r.value, 4),
      sci(r.gradNorm, 3),
    );
    verdictOut.textContent = {
      atSaddle: s.saddleAtSaddle,
      escaped: s.saddleEscaped,
      onPlateau: s.saddleOnPlateau,
      atMinimum: s.saddleAtMinimum,
      onTheWay: s.descentOnTheWay,
    }[r.verdict];
    verdictOut.className = r.verdict === 'atMinimum' ? 'ok' : 'warning';
    chart.data.datasets[0].data = r.path.map((p) => ({ x: p[0], y: p[1] }));
    chart.update('none');
    paintScale();
    ctx.save({ surface, start: startIndex });
  }

  select.addEventListener('change', () => {
    surface = select.value === 'plateau' ? 'plateau' : 'saddle';
    if (startRow.dataset.locked !== 'true') startIndex = 0;
    update();
  });

  update();
  const lab = chartLab(root, chart, (c) => {
    colors = c;
    paint(c);
    paintScale();
  });
  return { ...lab, controls: { surface: [select.closest('label') ?? select], start: [startRow] } };
}
