/** 4.2 Loss functions: edit y and t, sum of squares and cross entropy error follow. */
import { crossEntropyError, sumSquaresError } from '../../src/core/functions';
import { format } from '../shared/l10n';
import { withAlpha } from '../shared/theme';
import { Chart, baseOptions, chartCanvas, chartLab, themedScale } from './charts';
import { fmt, h, newId, numberField } from './dom';
import { savedNumber, savedValue, type Lab, type LabContext } from './lab';

/** The book's two outputs for an image of a "2": one confident and right, one confident and wrong. */
export const BOOK_Y1 = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
export const BOOK_Y2 = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];
const BOOK_LABEL = 2;

export function oneHot(label: number, size = 10): number[] {
  return Array.from({ length: size }, (_, k) => (k === label ? 1 : 0));
}

export function lossLab(ctx: LabContext): Lab {
  const { s } = ctx;
  const savedY = savedValue(ctx.saved, 'y');
  let y =
    Array.isArray(savedY) && savedY.length === 10 && savedY.every((v) => typeof v === 'number' && Number.isFinite(v))
      ? (savedY as number[])
      : [...BOOK_Y1];
  let label = savedNumber(ctx.saved, 'label') ?? BOOK_LABEL;
  let colors = ctx.colors;

  const fields = y.map((v, k) => {
    const f = numberField(format(s.lossOutput, k), v, s.invalidNumber, { 'data-class': k, size: 5 });
    f.wrap.classList.add('loss-y');
    f.input.addEventListener('input', () => {
      const value = f.read();
      if (value === undefined) return;
      y[k] = value;
      update();
    });
    return f;
  });

  const radioName = newId('loss-label');
  const radios = Array.from({ length: 10 }, (_, k) => {
    const input = h('input', { type: 'radio', name: radioName, value: k, checked: k === label });
    input.addEventListener('change', () => {
      if (input.checked) {
        label = k;
        update();
      }
    });
    return h('label', { class: 'radio' }, input, h('span', { text: String(k) }));
  });

  const preset = (text: string, values: number[]) => {
    const b = h('button', { type: 'button', class: 'secondary', text });
    b.addEventListener('click', () => {
      y = [...values];
      label = BOOK_LABEL;
      fields.forEach((f, k) => f.set(y[k]));
      radios.forEach((r, k) => ((r.querySelector('input') as HTMLInputElement).checked = k === label));
      update();
    });
    return b;
  };

  const sseOut = h('output', { id: 'loss-sse', class: 'big mono' });
  const ceeOut = h('output', { id: 'loss-cee', class: 'big mono' });
  const sumOut = h('span', { id: 'loss-sum', class: 'muted mono' });
  const warning = h('p', { id: 'loss-warning', class: 'warning', 'aria-live': 'polite' });
  const { box, canvas } = chartCanvas(s.lossChart);

  const presetRow = h('div', { class: 'row' }, preset(s.lossPreset1, BOOK_Y1), preset(s.lossPreset2, BOOK_Y2));
  const radioSet = h('fieldset', { class: 'radios' }, h('legend', { text: s.lossCorrectClass }), ...radios);
  const root = h(
    'section',
    { class: 'lab', 'aria-labelledby': 'lab-heading' },
    h('p', { text: s.lossIntro }),
    presetRow,
    h('div', { class: 'loss-grid' }, ...fields.map((f) => f.wrap)),
    radioSet,
    h(
      'div',
      { class: 'results' },
      h(
        'div',
        { class: 'result' },
        h('span', { class: 'muted', text: s.lossSse }),
        h('code', { text: 'E = ½ Σₖ (yₖ − tₖ)²' }),
        sseOut,
      ),
      h(
        'div',
        { class: 'result' },
        h('span', { class: 'muted', text: s.lossCee }),
        h('code', { text: 'E = −Σₖ tₖ log(yₖ + 1e-7)' }),
        ceeOut,
      ),
    ),
    sumOut,
    warning,
    box,
    h('p', { class: 'muted', text: s.lossWhy }),
  );

  const barColors = () => y.map((_, k) => (k === label ? colors.series[1] : withAlpha(colors.accent, 0.75)));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: y.map((_, k) => String(k)),
      datasets: [
        {
          label: s.lossOutputSeries,
          data: [...y],
          backgroundColor: barColors(),
          borderColor: colors.foreground,
          borderWidth: 0,
        },
      ],
    },
    options: {
      ...baseOptions(colors),
      plugins: { legend: { display: false } },
      scales: { x: themedScale(colors), y: { ...themedScale(colors, s.lossOutputSeries), min: 0, suggestedMax: 1 } },
    } as never,
  });

  function update(): void {
    const t = oneHot(label);
    sseOut.value = fmt(sumSquaresError(y, t));
    ceeOut.value = fmt(crossEntropyError(y, t));
    const sum = y.reduce((a, b) => a + b, 0);
    sumOut.textContent = format(s.lossSum, fmt(sum, 12));
    warning.textContent = Math.abs(sum - 1) > 1e-9 ? format(s.lossSumWarning, fmt(sum, 12)) : '';
    chart.data.datasets[0].data = [...y];
    chart.data.datasets[0].backgroundColor = barColors();
    chart.update('none');
    ctx.save({ y, label });
  }
  update();

  const lab = chartLab(root, chart, (c) => {
    colors = c;
    chart.data.datasets[0].backgroundColor = barColors();
  });
  // The book's presets set both y and the label: locking either locks them.
  return { ...lab, controls: { y: [...fields.map((f) => f.wrap), presetRow], label: [radioSet, presetRow] } };
}
