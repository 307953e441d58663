/** 4.4.2 The gradient of a network: simpleNet's W, its loss and dW, with a re-roll and a step. */
import { softmaxVector } from '../../src/core/functions';
import { toRows } from '../../src/core/matrix';
import { Random } from '../../src/core/random';
import { SimpleNet } from '../../src/core/simpleNet';
import { button } from '../shared/dom';
import { format } from '../shared/l10n';
import type { ThemeColors } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale } from './charts';
import { fmt, h, labSection } from './dom';
import { savedValue, type Lab, type LabContext } from './lab';

export const SIMPLE_NET_X = [0.6, 0.9];
export const SIMPLE_NET_T = [0, 0, 1];
/** The two fixed W of the test vectors (numpy, seeded), so the book's numbers can be compared. */
export const BOOK_W = [
  [
    [0.47355232, 0.9977393, 0.84668094],
    [0.85557411, 0.03563661, 0.69422093],
  ],
  [
    [-0.99410894, 0.82344361, -0.63989023],
    [1.57474657, -0.45575843, 0.00442616],
  ],
];
const STEP_LR = 0.1;

function isMatrix2x3(v: unknown): v is number[][] {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((r) => Array.isArray(r) && r.length === 3 && r.every((e) => typeof e === 'number' && Number.isFinite(e)))
  );
}

function matrixTable(id: string, caption: string, rows: number[][], digits: number): HTMLTableElement {
  return h(
    'table',
    { id, class: 'matrix mono' },
    h('caption', { text: caption }),
    ...rows.map((r) => h('tr', {}, ...r.map((v) => h('td', { text: fmt(v, digits) })))),
  );
}

export function simpleNetLab(ctx: LabContext): Lab {
  const { s } = ctx;
  const saved = savedValue(ctx.saved, 'W');
  let W: number[][] = isMatrix2x3(saved) ? saved : BOOK_W[0];
  let seed = 1;
  let colors = ctx.colors;

  const tables = h('div', { class: 'matrices' });
  const lossOut = h('output', { id: 'simplenet-loss', class: 'mono big' });
  const argmaxOut = h('output', { id: 'simplenet-argmax', class: 'mono' });
  const changeOut = h('p', { id: 'simplenet-change', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.simpleNetChart);

  const root = labSection(
    s.simpleNetIntro,
    h(
      'div',
      { class: 'row', id: 'simplenet-controls' },
      ...BOOK_W.map((w, i) => button(format(s.simpleNetBookW, i + 1), () => setW(w), { class: 'secondary' })),
      button(
        s.simpleNetReroll,
        () => {
          const rng = new Random(seed++);
          setW([0, 1].map(() => [0, 1, 2].map(() => rng.randn())));
        },
        { class: 'secondary' },
      ),
      button(s.simpleNetStep, step),
    ),
    changeOut,
    tables,
    h(
      'table',
      { class: 'values' },
      h('tr', {}, h('th', { scope: 'row', text: s.simpleNetLoss }), h('td', {}, lossOut)),
      h('tr', {}, h('th', { scope: 'row', text: s.simpleNetArgmax }), h('td', {}, argmaxOut)),
    ),
    box,
    h('p', { class: 'muted', text: s.simpleNetHint }),
  );

  const labels = [0, 1].flatMap((i) => [0, 1, 2].map((j) => `W[${i}][${j}]`));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'dW', data: [] as number[] }] },
    options: {
      ...baseOptions(colors),
      plugins: { legend: { display: false } },
      scales: { x: themedScale(colors), y: themedScale(colors, 'dW') },
    } as never,
  });

  function paint(c: ThemeColors): void {
    const d = chart.data.datasets[0] as { backgroundColor?: string[]; data: number[] };
    d.backgroundColor = d.data.map((v) => (v < 0 ? c.series[1] : c.accent));
  }

  function compute(w: number[][]) {
    const net = new SimpleNet(w);
    const p = net.predict(SIMPLE_NET_X);
    const loss = net.loss(SIMPLE_NET_X, SIMPLE_NET_T);
    const dW = toRows(net.numericalGradient(SIMPLE_NET_X, SIMPLE_NET_T));
    return { p: Array.from(p), y: Array.from(softmaxVector(p)), loss, dW };
  }

  function setW(w: number[][], message = ''): void {
    W = w.map((r) => [...r]);
    const { p, y, loss, dW } = compute(W);
    const argmax = p.indexOf(Math.max(...p));
    tables.replaceChildren(
      matrixTable('simplenet-w', s.simpleNetW, W, 8),
      matrixTable('simplenet-p', s.simpleNetPredict, [p], 8),
      matrixTable('simplenet-y', s.simpleNetSoftmax, [y], 8),
      matrixTable('simplenet-dw', s.simpleNetDw, dW, 8),
    );
    lossOut.value = String(loss);
    argmaxOut.value = String(argmax);
    changeOut.textContent = message;
    chart.data.datasets[0].data = dW.flat();
    paint(colors);
    chart.update('none');
    ctx.save({ W });
  }

  function step(): void {
    const before = compute(W);
    const next = W.map((r, i) => r.map((w, j) => w - STEP_LR * before.dW[i][j]));
    setW(next, format(s.simpleNetLossChange, fmt(before.loss, 10), fmt(compute(next).loss, 10)));
  }

  setW(W);
  const lab = chartLab(root, chart, (c) => {
    colors = c;
    paint(c);
  });
  return { ...lab, controls: { W: [root.querySelector('#simplenet-controls')!] } };
}
