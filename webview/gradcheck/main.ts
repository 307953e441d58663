/**
 * The gradient check page: the form (gradient, what to differentiate, h, the inputs as JSON with
 * the book's presets) and the result (verdict, plain-language diagnosis, the elements worst first,
 * the error-vs-h chart). View only: everything shown arrives finished from the extension.
 */
import {
  GRADCHECK_STRINGS,
  GradcheckFromWebview,
  GradcheckToWebview,
  ResultView,
  SetupView,
} from '../../src/protocol/gradcheck';
import { el } from '../shared/dom';
import type { GradcheckControl } from '../../src/protocol/labFile';
import { markLocked } from '../shared/lockNote';
import { format, strings } from '../shared/l10n';
import { onMessage, post, vscode } from '../shared/vscode';
import { ErrorChart } from './chart';
import { renderTable } from './table';
import { errorMessage } from '../../src/util/text';
import { insideOnResult, insideReceive, insideSection } from './inside';
import { noteButtons, noteCharts } from '../shared/studyNote';
import { themeColors } from '../shared/theme';
import type { StudyNote } from '../../src/protocol/studyNote';

const S = strings(GRADCHECK_STRINGS);
const send = (m: GradcheckFromWebview) => post(m);

const labelled = (text: string, control: HTMLElement, ...after: HTMLElement[]) =>
  el('label', {}, el('span', { text }), control, ...after);

// ---- the form -----------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const signature = el('code', { class: 'signature' });
const goToFunction = el('button', { class: 'secondary', type: 'button', text: S.goToFunction });
const gradient = el('select', { id: 'gradient' });
const wrt = el('select', { id: 'wrt' });
const h = el('input', {
  id: 'h',
  type: 'number',
  step: 'any',
  min: '0',
  inputmode: 'decimal',
  'aria-describedby': 'h-error',
});
const hError = el('span', { id: 'h-error', class: 'invalid-reason', role: 'alert' });
const preset = el('select', { id: 'preset' });
const batch = el('input', { id: 'batch', type: 'number', min: '1', max: '1000', step: '1' });
const seed = el('input', { id: 'seed', type: 'number', min: '0', step: '1' });
const generate = el('button', { id: 'generate', class: 'secondary', type: 'button', text: S.generate });
const inputs = el('textarea', { id: 'inputs', rows: '9', spellcheck: 'false', 'aria-describedby': 'inputs-error' });
const inputsError = el('div', { id: 'inputs-error', class: 'error', role: 'alert' });
const run = el('button', { id: 'run', type: 'button', text: S.run });
const cancel = el('button', { id: 'cancel', class: 'secondary', type: 'button', text: S.cancel, hidden: '' });
const status = el('span', { id: 'status', class: 'muted', 'aria-live': 'polite' });
const share = el('button', {
  class: 'secondary',
  type: 'button',
  name: 'shareSetup',
  text: S.shareSetup,
  title: S.shareTitle,
});
/** A lab file's instruction, as plain text (textContent: never HTML). */
const instruction = el('aside', { class: 'lab-instruction', 'aria-label': S.instructionLabel });
instruction.hidden = true;
let lossLine = 1;

// The verdict comes first, above the form: with the Output panel open a short panel still shows
// it; the table and the chart follow the form.
const result = el('section', { id: 'result', 'aria-live': 'polite' }, el('p', { class: 'muted', text: S.nothingYet }));
const details = el('section', { id: 'result-details' });
app.append(
  el('h1', { text: S.title }),
  instruction,
  result,
  el(
    'section',
    { class: 'card setup' },
    el('div', { class: 'loss-line' }, el('span', { class: 'muted', text: `${S.loss}: ` }), signature, goToFunction),
    el('div', { class: 'row' }, labelled(S.gradient, gradient), labelled(S.wrt, wrt), labelled(S.h, h, hError)),
    el(
      'details',
      { open: '' },
      el('summary', { text: S.inputs }),
      el(
        'div',
        { class: 'row' },
        labelled(S.preset, preset),
        labelled(S.batchSize, batch),
        labelled(S.seed, seed),
        generate,
      ),
      labelled(S.inputs, inputs),
      inputsError,
    ),
    el('div', { class: 'row actions' }, run, cancel, share, status),
  ),
);
inputs.parentElement!.classList.add('inputs-label');
/** The inputs' part of the form (hidden whole when a lab file hides the inputs). */
const inputsPart = inputs.closest('details')!;
inputs.previousElementSibling!.classList.add('visually-hidden');

app.append(details, insideSection);

function options(select: HTMLSelectElement, items: { value: string; label: string }[], selected: string): void {
  select.replaceChildren(...items.map((i) => el('option', { value: i.value, text: i.label })));
  select.value = selected;
}

/** The inputs as the extension will parse them; shows why not, next to the text area. */
function checkInputs(): boolean {
  let message = '';
  try {
    const v = JSON.parse(inputs.value) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) message = S.invalidInputs;
  } catch (e) {
    message = format(S.invalidJson, errorMessage(e));
  }
  inputs.setAttribute('aria-invalid', message ? 'true' : 'false');
  inputsError.textContent = message;
  return !message;
}

function checkH(): boolean {
  const v = Number(h.value);
  const ok = h.value.trim() !== '' && Number.isFinite(v) && v > 0 && v <= 1;
  h.setAttribute('aria-invalid', ok ? 'false' : 'true');
  hError.textContent = ok ? '' : S.invalidH;
  return ok;
}

function saveState(): void {
  vscode.setState({
    signature: signature.textContent,
    inputs: inputs.value,
    h: h.value,
    wrt: wrt.value,
    gradient: gradient.value,
  });
}

function applySetup(s: SetupView): void {
  signature.textContent = s.signature;
  lossLine = s.line;
  goToFunction.title = `${s.fileName}, ${format(S.line, s.line)}`;
  options(gradient, s.gradientChoices, s.gradient);
  options(
    wrt,
    s.wrtChoices.map((w) => ({ value: w, label: w })),
    s.wrt,
  );
  options(preset, [{ value: '', label: S.presetNone }, ...s.presets.map((p) => ({ value: p.id, label: p.label }))], '');
  preset.disabled = s.presets.length === 0;
  h.value = String(s.h);
  batch.value = String(s.batchSize);
  seed.value = String(s.seed);
  inputs.value = s.inputsText;
  // After the page was hidden and rebuilt, keep what the learner had typed for the same function.
  const saved = vscode.getState() as
    | { signature?: string; inputs?: string; h?: string; wrt?: string; gradient?: string }
    | undefined;
  // A lab file's locked values are the file's, whatever was typed before.
  const free = (c: GradcheckControl) => !s.lab?.lock.includes(c);
  if (saved?.signature === s.signature && saved.inputs) {
    if (free('inputs')) inputs.value = saved.inputs;
    if (saved.h && free('h')) h.value = saved.h;
    if (saved.wrt && s.wrtChoices.includes(saved.wrt) && free('wrt')) wrt.value = saved.wrt;
    if (saved.gradient !== undefined && s.gradientChoices.some((c) => c.value === saved.gradient) && free('gradient'))
      gradient.value = saved.gradient;
  }
  applyLab(s.lab);
  checkInputs();
  saveState();
}

/** Each control of the panel a lab file may lock or hide: its controls, and what is hidden with it. */
function labControls(): Record<GradcheckControl, { controls: HTMLElement[]; box: HTMLElement }> {
  return {
    gradient: { controls: [gradient], box: gradient.closest('label')! },
    wrt: { controls: [wrt], box: wrt.closest('label')! },
    h: { controls: [h], box: h.closest('label')! },
    inputs: { controls: [inputs, preset, batch, seed, generate], box: inputsPart },
  };
}

function applyLab(lab: SetupView['lab']): void {
  instruction.textContent = lab?.instruction ?? '';
  instruction.hidden = !lab?.instruction;
  for (const [name, { controls, box }] of Object.entries(labControls()) as [
    GradcheckControl,
    { controls: HTMLElement[]; box: HTMLElement },
  ][]) {
    box.hidden = !!lab?.hide.includes(name);
    const locked = !!lab?.lock.includes(name);
    markLocked(controls[0].closest('label'), locked, S.locked);
    for (const c of controls) {
      c.dataset.locked = String(locked);
      if (locked) {
        (c as HTMLInputElement).disabled = true;
        c.title = S.lockedByTeacher;
        c.setAttribute('aria-description', S.lockedByTeacher);
      } else if (c.title === S.lockedByTeacher) {
        (c as HTMLInputElement).disabled = c === preset && preset.options.length <= 1;
        c.removeAttribute('title');
        c.removeAttribute('aria-description');
      }
    }
  }
}

function setRunning(on: boolean): void {
  run.disabled = on;
  cancel.hidden = !on;
  status.textContent = on ? S.running : '';
  result.setAttribute('aria-busy', on ? 'true' : 'false');
}

// ---- the result ---------------------------------------------------------------------------------
let chart: ErrorChart | undefined;
let chartCanvas: HTMLCanvasElement | undefined;

const verdictLabel = (v: ResultView['verdict']) =>
  v === 'pass'
    ? S.verdictPass
    : v === 'fail'
      ? S.verdictFail
      : v === 'numerical-only'
        ? S.verdictNumericalOnly
        : S.verdictError;

/** The check as a study note: what was checked with what, the verdict, the diagnosis, the elements. */
function gradcheckNote(r: ResultView): StudyNote {
  const yes = (ok: boolean | null) => (ok === null ? '—' : ok ? `✓ ${S.passes}` : `✗ ${S.fails}`);
  const groups = r.groups?.length ? r.groups : [{ wrt: '', rows: r.rows }];
  const rows = groups.flatMap((g) =>
    g.rows.map((x) => [x.element, x.x, x.numerical, x.analytic, x.absError, x.relError, yes(x.ok)]),
  );
  return {
    title: `${S.title}: ${signature.textContent ?? ''}`,
    setup: [
      [S.loss, `${signature.textContent ?? ''} (${goToFunction.title})`],
      [S.gradient, gradient.selectedOptions[0]?.textContent ?? gradient.value],
      [S.wrt, wrt.value],
      [S.h, h.value],
      [S.inputs, inputs.value],
    ],
    table: rows.length
      ? { head: [S.element, S.x, S.numerical, S.analytic, S.absError, S.relError, S.status], rows }
      : undefined,
    verdict: `${verdictLabel(r.verdict)} — ${r.headline}`,
    diagnosis: [
      ...r.messages,
      ...(r.location ? [`${r.location.label}${r.location.source ? `: ${r.location.source}` : ''}`] : []),
      ...(r.recognised ? [r.recognised] : []),
      ...(r.notes ?? []),
      r.thresholds,
    ],
  };
}

function renderResult(r: ResultView): void {
  setRunning(false);
  chart?.destroy();
  chart = undefined;
  chartCanvas = undefined;
  const verdictText = verdictLabel(r.verdict);
  const parts: HTMLElement[] = [
    el(
      'div',
      { class: `verdict ${r.verdict}`, role: 'status' },
      el('strong', { class: 'badge', text: verdictText }),
      el('span', { text: r.headline }),
    ),
    noteButtons(() => ({
      note: gradcheckNote(r),
      charts: chartCanvas
        ? noteCharts([{ name: 'error-vs-h', alt: S.errorVsH, canvas: chartCanvas }], themeColors().background)
        : [],
    })),
  ];
  if (r.messages.length) {
    parts.push(
      el('h2', { text: S.diagnosis }),
      el('ul', { class: 'diagnosis' }, ...r.messages.map((m, k) => el('li', { 'data-code': r.codes[k] ?? '' }, m))),
    );
  }
  if (r.location) {
    const go = el('button', { class: 'secondary', type: 'button', text: format(S.goToLine, r.location.line) });
    const line = r.location.line;
    go.addEventListener('click', () => send({ type: 'reveal', line }));
    parts.push(
      el(
        'div',
        { class: 'location' },
        el('span', { text: r.location.label }),
        ...(r.location.source ? [el('code', { text: r.location.source })] : []),
        go,
      ),
    );
  }
  if (r.notes?.length)
    parts.push(el('h2', { text: S.howChecked }), el('ul', { class: 'notes' }, ...r.notes.map((m) => el('li', {}, m))));
  if (r.recognised) parts.push(el('p', { class: 'recognised', text: r.recognised }));
  const below: HTMLElement[] = [];
  // A dict of parameters: one table per group, each with its own verdict.
  for (const g of r.groups ?? []) {
    const badge = g.verdict === 'pass' ? S.verdictPass : g.verdict === 'fail' ? S.verdictFail : S.verdictNumericalOnly;
    below.push(
      el('h2', { class: `group ${g.verdict}`, text: format(S.groupTable, g.wrt, badge) }),
      el('p', { class: 'muted', text: g.headline }),
      renderTable({ ...r, rows: g.rows, hasAnalytic: g.hasAnalytic }, S),
    );
  }
  if ((r.rows.length && !r.groups?.length) || r.chart) {
    const grid = el('div', { class: 'result-grid' });
    if (r.rows.length && !r.groups?.length)
      grid.append(el('div', {}, el('h2', { text: r.hasAnalytic ? S.elements : S.numericalOnly }), renderTable(r, S)));
    if (r.chart) {
      const canvas = el('canvas', { role: 'img', 'aria-label': S.chartLabel });
      grid.append(
        el(
          'div',
          {},
          el('h2', { text: S.errorVsH }),
          el('div', { class: 'chart-box' }, canvas),
          el('p', { class: 'muted caption', text: r.chart.caption }),
        ),
      );
      below.push(grid);
      chart = new ErrorChart(canvas, r.chart, S);
      chartCanvas = canvas;
    } else below.push(grid);
  }
  if (r.thresholds) below.push(el('p', { class: 'muted thresholds', text: r.thresholds }));
  if (r.stats) below.push(el('p', { class: 'muted stats', text: r.stats }));
  result.replaceChildren(...parts);
  details.replaceChildren(...below);
  insideOnResult(r);
}

// ---- wiring -------------------------------------------------------------------------------------
inputs.addEventListener('input', () => {
  checkInputs();
  saveState();
});
h.addEventListener('input', () => {
  checkH();
  saveState();
});
for (const c of [wrt, gradient]) c.addEventListener('change', saveState);
run.addEventListener('click', () => {
  if (!checkInputs() || !checkH()) return;
  setRunning(true);
  send({ type: 'run', gradient: gradient.value, wrt: wrt.value, h: Number(h.value), inputsText: inputs.value });
});
share.addEventListener('click', () => {
  if (!checkInputs() || !checkH()) return;
  send({ type: 'share', gradient: gradient.value, wrt: wrt.value, h: Number(h.value), inputsText: inputs.value });
});
cancel.addEventListener('click', () => send({ type: 'cancel' }));
goToFunction.addEventListener('click', () => send({ type: 'reveal', line: lossLine }));
preset.addEventListener('change', () => {
  if (preset.value) send({ type: 'preset', id: preset.value as 'function_2' });
});
generate.addEventListener('click', () => {
  const b = Math.round(Number(batch.value));
  const s = Math.round(Number(seed.value));
  const batchOk = Number.isFinite(b) && b >= 1 && b <= 1000;
  const seedOk = Number.isFinite(s) && s >= 0;
  batch.setAttribute('aria-invalid', batchOk ? 'false' : 'true');
  seed.setAttribute('aria-invalid', seedOk ? 'false' : 'true');
  if (batchOk && seedOk) send({ type: 'generate', batchSize: b, seed: s });
});
// Ctrl/Cmd+Enter in the inputs runs the check.
inputs.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run.click();
});

onMessage<GradcheckToWebview>((m) => {
  switch (m.type) {
    case 'setup':
      applySetup(m.setup);
      break;
    case 'inputs':
      inputs.value = m.inputsText;
      if ([...wrt.options].some((o) => o.value === m.wrt)) wrt.value = m.wrt;
      checkInputs();
      saveState();
      break;
    case 'running':
      setRunning(true);
      break;
    case 'result':
      renderResult(m.result);
      break;
    default:
      insideReceive(m);
  }
});

send({ type: 'ready' });
