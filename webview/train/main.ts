/**
 * The training panel's page. It draws what the extension sends (runs, throttled progress, the
 * model) and asks for what the learner does (start, pause, export…); it never trains.
 */
import { BUNDLED_TRAIN_COUNT } from '../../src/data/mnist';
import { findOverfitting } from '../../src/protocol/runHistory';
import { learningRateAt } from '../../src/core/trainer';
import {
  DEFAULT_RUN_CONFIG,
  PanelOptions,
  RunView,
  TRAIN_STRINGS,
  TrainLabView,
  TrainFromWebview,
  TrainToWebview,
  diagnosisText,
} from '../../src/protocol/train';
import { format, initialData } from '../shared/l10n';
import { themeColors, whenThemeChanges } from '../shared/theme';
import { onMessage, post as postRaw, vscode } from '../shared/vscode';
import { TrainCharts, XAxis, resolveAxis } from './charts';
import { DEFAULT_SMOOTHING } from './smoothing';
import { Controls } from './controls';
import { button, el } from '../shared/dom';
import { decimal, duration, integer, pct } from './format';
import { FormState, TrainForm, formStateOf } from './form';
import { ModelPanel } from './modelPanel';
import { badge } from './badge';
import { NetCheckCard } from './netCheckCard';
import { GradientsCard } from './gradientsCard';
import { Runs } from './state';
import { S } from './strings';
import { RunsTable, STATUS_KEYS, settingsText } from './runsTable';
import { NS, noteButtons, noteCharts } from '../shared/studyNote';
import type { StudyNote } from '../../src/protocol/studyNote';

interface PageState {
  form: FormState;
  smoothing: number;
  showRaw: boolean;
  onlyMistakes: boolean;
  xAxis: XAxis;
  /** The lab file last applied (its seq): a reloaded page keeps the learner's edits of free controls. */
  labSeq?: number;
}

const post = (m: TrainFromWebview) => postRaw(m);
const saved = vscode.getState() as Partial<PageState> | undefined;
const page: PageState = {
  form: saved?.form ?? formStateOf(DEFAULT_RUN_CONFIG),
  smoothing: saved?.smoothing ?? DEFAULT_SMOOTHING,
  showRaw: saved?.showRaw ?? true,
  onlyMistakes: saved?.onlyMistakes ?? false,
  xAxis: saved?.xAxis ?? 'auto',
  ...(typeof saved?.labSeq === 'number' ? { labSeq: saved.labSeq } : {}),
};
const remember = () => vscode.setState(page);
const options = initialData<PanelOptions>() ?? {
  fashionAvailable: false,
  fashionDir: '',
  bundledTrainCount: BUNDLED_TRAIN_COUNT,
};
const runs = new Runs();
let theme = themeColors();

// ---- the parts ----
const form = new TrainForm(
  options,
  page.form,
  (s) => ((page.form = s), remember()),
  () => post({ type: 'pickFolder' }),
  () => {
    const config = form.validate();
    if (config) post({ type: 'share', config });
  },
);
const controls = new Controls({
  start: () => {
    const config = form.validate();
    if (config) post({ type: 'start', config });
  },
  pause: () => post({ type: 'pause' }),
  resume: () => post({ type: 'resume' }),
  step: () => post({ type: 'step' }),
  stop: () => post({ type: 'stop' }),
  reset: () => post({ type: 'reset' }),
});
const lossCanvas = el('canvas', { id: 'loss-chart', role: 'img', 'aria-label': S.lossChart });
const accuracyCanvas = el('canvas', { id: 'accuracy-chart', role: 'img', 'aria-label': S.accuracyChart });
const charts = new TrainCharts(lossCanvas, accuracyCanvas, theme);
charts.smoothing = page.smoothing;
charts.showRaw = page.showRaw;
charts.xAxis = page.xAxis;
charts.trainCount = options.bundledTrainCount;
charts.source(() => runs.all().filter((e) => !e.view.hidden));
const table = new RunsTable(
  {
    show: (id, shown) => post({ type: 'setHidden', id, hidden: !shown }),
    rename: (id, name) => post({ type: 'renameRun', id, name }),
    remove: (id) => post({ type: 'deleteRun', id }),
    exportRun: (id, f) => post({ type: 'exportRun', id, format: f }),
    saveModel: (id, f) => post({ type: 'saveModel', id, format: f }),
    inspect: (id) => post({ type: 'selectModel', id }),
  },
  (e) => theme.series[e.colorIndex % theme.series.length],
);
const model = new ModelPanel(
  theme,
  (id, requestId, pixels) => post({ type: 'predict', id, requestId, pixels }),
  page.onlyMistakes,
  (v) => ((page.onlyMistakes = v), remember()),
);
const netCheck = new NetCheckCard((batchSize) => post({ type: 'checkNetwork', batchSize }));
const gradients = new GradientsCard(theme, {
  setLearningRate: (learningRate) => post({ type: 'setLearningRate', learningRate }),
  findLearningRate: () => {
    const config = form.validate();
    if (config) post({ type: 'findLearningRate', config });
  },
  useLearningRate: (lr) => form.setLearningRate(lr),
});
const notice = el('div', { class: 'notice', role: 'alert' });
/** A lab file's instruction, as plain text (textContent: never HTML). */
const instruction = el('aside', { class: 'lab-instruction', 'aria-label': S.instructionLabel });
instruction.hidden = true;

function setLab(lab: TrainLabView | null | undefined): void {
  const apply = !!lab && lab.seq !== page.labSeq;
  form.setLab(lab ?? null, apply);
  if (lab) page.labSeq = lab.seq;
  else delete page.labSeq;
  remember();
  instruction.textContent = lab?.instruction ?? '';
  instruction.hidden = !lab?.instruction;
  gradients.lockRate(!!lab?.lock.includes('learningRate'), S.lockedByTeacher);
  if (lab && apply) instruction.scrollIntoView?.({ block: 'nearest' });
}
const advice = el('div', { class: 'advice', role: 'status', 'aria-live': 'polite' });
const epochTitle = el('span', { text: S.epochTable });
const epochHeading = el('h2', {}, epochTitle, badge('4.5'));
const epochBody = el('tbody');
const epochScroll = el('div', { class: 'scroll' });
/** The epoch table follows the newest epoch while training, unless the learner scrolled up to read. */
let followEpochs = true;
epochScroll.addEventListener('scroll', () => {
  followEpochs = epochScroll.scrollTop + epochScroll.clientHeight >= epochScroll.scrollHeight - 8;
});

/** A diagnosis in the learner's language, numbers in VS Code's. */
function explain(v: RunView): string {
  const t = (k: keyof typeof TRAIN_STRINGS, ...a: (string | number)[]) => format(S[k], ...a);
  // A run recorded before diagnoses carried their rate: the rate its history says was in effect then.
  const rate = learningRateAt(v.diagnosis!.iter, v.config.learningRate, v.learningRateChanges);
  return diagnosisText(v.diagnosis!, rate, t, decimal);
}

// ---- layout ----
const smoothing = el('input', {
  type: 'range',
  min: 0,
  max: 0.99,
  step: 0.01,
  value: page.smoothing,
  name: 'smoothing',
});
smoothing.addEventListener('input', () => {
  charts.smoothing = page.smoothing = Number(smoothing.value);
  remember();
  charts.schedule();
});
const raw = el('input', { type: 'checkbox', name: 'showRaw' });
raw.checked = page.showRaw;
raw.addEventListener('change', () => {
  charts.showRaw = page.showRaw = raw.checked;
  remember();
  charts.schedule();
});
const xAxisSelect = el(
  'select',
  { name: 'xAxis' },
  ...(
    [
      ['auto', S.xAuto],
      ['iterations', S.xIterations],
      ['epochs', S.xEpochs],
      ['images', S.xImages],
    ] as const
  ).map(([value, text]) => el('option', { value, text })),
);
xAxisSelect.value = page.xAxis;
xAxisSelect.addEventListener('change', () => {
  charts.xAxis = page.xAxis = xAxisSelect.value as XAxis;
  remember();
  renderRuns();
  charts.schedule();
});
const lossOptions = [
  el('label', { class: 'inline' }, el('span', { text: S.smoothing }), smoothing),
  el('label', { class: 'inline' }, raw, el('span', { text: S.showRaw })),
];
/** The runs on the charts, compactly: the run list's colours, outside the plot so it never covers it. */
const legend = el('ul', { class: 'legend', 'aria-label': S.runs });
type ChartName = 'loss' | 'accuracy';
const chartCard = (
  title: string,
  canvas: HTMLCanvasElement,
  which: ChartName,
  extra: Node[],
  section: Node,
  key: string,
) =>
  el(
    'section',
    { class: 'card chart-card' },
    el(
      'div',
      { class: 'row spread' },
      el('h2', {}, title, section),
      el(
        'div',
        { class: 'row' },
        ...extra,
        button(S.savePng, () => post({ type: 'exportChart', chart: which, dataUrl: charts.png(which) }), {
          class: 'secondary small',
        }),
      ),
    ),
    el('p', { class: 'muted small legend-key', text: key }),
    el('div', { class: 'chart-box' }, canvas),
  );
/**
 * The study note of the run in focus (the live one, else the newest): its hyperparameters, the
 * verdict and advice the panel shows, a row per run on the charts, and the two charts.
 */
function trainNote(): StudyNote | undefined {
  const focus = runs.focus;
  if (!focus) return undefined;
  const v = focus.view;
  const c = v.config;
  const shown = runs.all().filter((e) => !e.view.hidden);
  const rows = (shown.length ? shown : [focus]).map((e) => [
    e.view.name,
    S[STATUS_KEYS[e.view.status]],
    settingsText(e.view),
    e.view.finalLoss === null ? '—' : decimal(e.view.finalLoss, 4),
    pct(e.view.trainAccuracy),
    pct(e.view.testAccuracy),
  ]);
  return {
    title: `${S.title}: ${v.name}`,
    setup: [
      [S.dataset, v.datasetName],
      [S.hiddenSize, String(c.hiddenSize)],
      [S.learningRate, String(c.learningRate)],
      [S.batchSize, String(c.batchSize)],
      [S.iters, integer(c.iters)],
      [S.weightInitStd, String(c.weightInitStd)],
      [S.seed, String(c.seed)],
      [S.gradientMethod, c.gradientMethod === 'numerical' ? S.methodNumerical : S.methodBackprop],
    ],
    table: {
      head: [S.runName, S.status, S.settings, S.lossChart, S.trainAccuracy, S.testAccuracy],
      rows,
    },
    verdict: v.status === 'running' || v.status === 'paused' ? S[STATUS_KEYS[v.status]] : finishedText(v),
    diagnosis: adviceFor(v).map((p) => p.textContent ?? ''),
  };
}
const notes = noteButtons(() => {
  const note = trainNote();
  if (!note) {
    showNotice('info', NS.noteNoRun);
    return undefined;
  }
  return {
    note,
    charts: noteCharts(
      [
        { name: 'loss', alt: S.lossChart, canvas: lossCanvas },
        { name: 'accuracy', alt: S.accuracyChart, canvas: accuracyCanvas },
      ],
      theme.background,
    ),
  };
});

document.getElementById('app')!.append(
  el('h1', { text: S.title }),
  instruction,
  el('p', { class: 'muted', text: S.intro }),
  notice,
  netCheck.root,
  el(
    'div',
    { class: 'top' },
    // The advice sits under the controls, where the learner looks after Start (and the charts may be out of sight).
    el('section', { class: 'card setup' }, form.root, controls.root, advice),
    el('section', { class: 'card epochs-card' }, epochHeading, epochScroll),
  ),
  el(
    'div',
    { class: 'chart-toolbar' },
    el('label', { class: 'inline' }, el('span', { text: S.xAxis }), xAxisSelect),
    notes,
  ),
  legend,
  el(
    'div',
    { class: 'charts' },
    chartCard(S.lossChart, lossCanvas, 'loss', lossOptions, badge('4.2'), S.legendLoss),
    chartCard(S.accuracyChart, accuracyCanvas, 'accuracy', [], badge('4.1'), S.legendAccuracy),
  ),
  gradients.root,
  gradients.finderRoot,
  el(
    'section',
    { class: 'card runs-card' },
    el(
      'div',
      { class: 'row spread' },
      el('h2', {}, S.runs, badge('4.5')),
      el(
        'div',
        { class: 'row' },
        button(S.loadModel, () => post({ type: 'loadModel' }), { class: 'secondary small' }),
        button(S.importRun, () => post({ type: 'importRun' }), { class: 'secondary small' }),
      ),
    ),
    el('p', { class: 'muted small', text: S.runsHint }),
    table.root,
  ),
  el('section', { class: 'card', id: 'model' }, el('h2', {}, S.model, badge('4.1')), model.root),
);
const epochColumns = [S.epochColumn, S.iterationColumn, S.trainAccuracy, S.testAccuracy];
epochScroll.append(
  el(
    'table',
    { class: 'epochs' },
    el('thead', {}, el('tr', {}, ...epochColumns.map((text) => el('th', { scope: 'col', text })))),
    epochBody,
  ),
);

// ---- drawing the state ----
function renderRuns(): void {
  table.render(runs.all(), runs.liveId, model.runId);
  const shown = runs.all().filter((e) => !e.view.hidden);
  legend.replaceChildren(
    ...shown.map((e) => {
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = theme.series[e.colorIndex % theme.series.length];
      return el('li', {}, swatch, e.view.name);
    }),
  );
  legend.dataset.axis = resolveAxis(page.xAxis, shown, 'loss');
}

/** The sparkline follows the live run, else the newest one. */
function renderSparkline(): void {
  const focus = runs.focus;
  if (focus) controls.sparkline.draw(focus.loss, theme.series[focus.colorIndex % theme.series.length]);
}

function renderFocus(): void {
  const focus = runs.focus;
  epochTitle.textContent = focus ? `${S.epochTable}: ${focus.view.name}` : S.epochTable;
  const epochs = focus?.view.epochs ?? [];
  const follow = followEpochs;
  type Epoch = (typeof epochs)[number];
  const cells = (e: Epoch) => [integer(e.epoch), integer(e.iter), pct(e.trainAccuracy), pct(e.testAccuracy)];
  epochBody.replaceChildren(...epochs.map((e) => el('tr', {}, ...cells(e).map((text) => el('td', { text })))));
  if (follow && runs.live) epochScroll.scrollTop = epochScroll.scrollHeight;
  renderAdvice();
}

let adviceShown = '';
function renderAdvice(): void {
  const focus = runs.focus;
  const parts = focus ? adviceFor(focus.view) : [];
  const key = parts.map((p) => p.textContent).join('\n');
  if (key === adviceShown) return; // the live region speaks only when the advice changes
  adviceShown = key;
  advice.replaceChildren(...parts);
}

function adviceFor(v: RunView): HTMLElement[] {
  if (v.diagnosis) {
    const heading = el('strong', {}, v.diagnosis.kind === 'not-a-number' ? S.statusDiverged : S.notLearning, ' ');
    const level = v.diagnosis.kind === 'not-a-number' ? 'error' : 'warning diagnosis';
    return [el('p', { class: level }, heading, explain(v), badge('4.4'))];
  }
  if (v.status === 'diverged')
    return [
      el('p', {
        class: 'error',
        text: v.message ?? format(S.divergedAdvice, 'NaN', v.iterations, v.config.learningRate),
      }),
    ];
  const o = findOverfitting(v.epochs);
  if (!o) return [];
  return [
    el('p', {
      class: 'warning',
      text: format(
        S.overfittingAdvice,
        o.fromEpoch,
        o.toEpoch,
        pct(o.trainFrom),
        pct(o.trainTo),
        pct(o.testFrom),
        pct(o.testTo),
      ),
    }),
  ];
}

function setMode(): void {
  const mode = runs.live ? (runs.liveState === 'paused' ? 'paused' : 'running') : 'idle';
  controls.setMode(mode);
  form.setEnabled(mode === 'idle');
  const live = runs.live;
  const changes = live?.view.learningRateChanges ?? [];
  gradients.setLive(
    live?.view.id,
    !!live,
    changes.length ? changes[changes.length - 1].learningRate : (live?.view.config.learningRate ?? 0.1),
  );
}

function showNotice(level: 'info' | 'warning' | 'error', text: string): void {
  notice.replaceChildren(
    el(
      'p',
      { class: level === 'info' ? 'muted' : level },
      text,
      ' ',
      button('✕', () => notice.replaceChildren(), { class: 'secondary small', 'aria-label': S.dismiss }),
    ),
  );
}

function finishedText(v: RunView): string {
  if (v.status === 'diverged')
    return v.diagnosis ? `${S.statusDiverged} · ${explain(v)}` : (v.message ?? S.statusDiverged);
  const status = S[v.status === 'stopped' ? 'statusStopped' : 'statusFinished'];
  const time = duration(v.wallSeconds);
  const result = format(S.resultText, pct(v.testAccuracy), pct(v.trainAccuracy), integer(v.iterations), time);
  return v.diagnosis ? `${status} · ${S.notLearning} · ${result}` : `${status} · ${result}`;
}

function receive(m: TrainToWebview): void {
  switch (m.type) {
    case 'init': {
      for (const r of m.runs)
        runs.upsert(
          r,
          m.histories.find((h) => h.id === r.id),
        );
      runs.liveId = m.current;
      const live = runs.live;
      runs.liveState = live ? (live.view.status === 'paused' ? 'paused' : 'running') : undefined;
      if (live) controls.setProgress(live.loss.length, live.view.config.iters, 0, null);
      setLab(m.lab);
      break;
    }
    case 'lab':
      setLab(m.lab);
      return;
    case 'runStarted':
      runs.upsert(m.run, { id: m.run.id, stride: 1, loss: [] });
      runs.liveId = m.run.id;
      runs.liveState = 'running';
      followEpochs = true;
      notice.replaceChildren();
      controls.setProgress(0, m.run.config.iters, 0, null);
      break;
    case 'progress': {
      const e = runs.get(m.id);
      if (!e) return;
      // A batch may overlap what init already carried: keep each iteration once.
      const skip = Math.max(0, e.loss.length - (m.fromIter - 1));
      for (let k = skip; k < m.loss.length; k++) e.loss.push((m.loss[k] as number | null) ?? NaN);
      for (const ep of m.epochs) if (!e.view.epochs.some((x) => x.epoch === ep.epoch)) e.view.epochs.push(ep);
      e.view.iterations = m.iter;
      const diagnosed = JSON.stringify(e.view.diagnosis) !== JSON.stringify(m.diagnosis);
      e.view.diagnosis = m.diagnosis;
      controls.setProgress(m.iter, m.iters, m.itPerSec, m.etaSeconds);
      charts.schedule();
      scheduleSparkline();
      if (m.epochs.length || diagnosed) renderFocus();
      if (diagnosed) renderRuns();
      return;
    }
    case 'runState': {
      runs.liveState = m.state;
      const e = runs.get(m.id);
      if (e) {
        e.view.status = m.state;
        controls.setMode(m.state);
        controls.setProgress(e.loss.length, e.view.config.iters, 0, null);
      }
      break;
    }
    case 'runFinished':
      runs.upsert(m.run, m.history);
      if (runs.liveId === m.run.id) {
        runs.liveId = undefined;
        runs.liveState = undefined;
        setMode();
        controls.finished(m.run.iterations, m.run.config.iters, finishedText(m.run));
      }
      break;
    case 'runUpdated':
      runs.upsert(m.run, m.history);
      if (model.runId === m.run.id) model.rename(m.run.name);
      break;
    case 'runDeleted':
      runs.delete(m.id);
      if (model.runId === m.id) model.forget();
      break;
    case 'reset':
      runs.liveId = undefined;
      runs.liveState = undefined;
      controls.idle();
      break;
    case 'model':
      model.show(m.view, runs.get(m.view.id)?.view.name ?? '');
      break;
    case 'probabilities':
      model.probabilities(m.requestId, m.id, m.probs);
      return;
    case 'folderPicked':
      form.setFolder(m.path);
      return;
    case 'notice':
      showNotice(m.level, m.text);
      return;
    case 'watch': {
      gradients.receive(m);
      if (m.item.kind === 'learningRate') {
        const e = runs.get(m.id);
        if (e) {
          const { kind: _kind, ...change } = m.item;
          e.view.learningRateChanges = [
            ...(e.view.learningRateChanges ?? []).filter((c) => c.iter !== change.iter),
            change,
          ];
          charts.schedule();
        }
      }
      return;
    }
    case 'lrFinder':
      gradients.finderUpdate(m);
      return;
    case 'netCheck':
      netCheck.update(m);
      if (m.state !== 'running') netCheck.root.scrollIntoView({ block: 'nearest' });
      return;
  }
  setMode();
  renderRuns();
  renderFocus();
  renderSparkline();
  charts.schedule();
}

let sparklineTimer: ReturnType<typeof setTimeout> | undefined;
/** At most ~8 redraws a second, like the charts. */
function scheduleSparkline(): void {
  if (sparklineTimer !== undefined) return;
  sparklineTimer = setTimeout(() => {
    sparklineTimer = undefined;
    renderSparkline();
  }, 120);
}

onMessage<TrainToWebview>(receive);
// Every part was built with the colours of the moment: only a later switch needs repainting.
whenThemeChanges((c) => {
  theme = c;
  charts.setTheme(c);
  model.setTheme(c);
  gradients.setTheme(c);
  renderRuns();
  renderSparkline();
});
setMode();
renderRuns();
renderFocus();
post({ type: 'ready' });
// The form and controls paint first; chart.js lays out its two charts for the frame after.
requestAnimationFrame(() => requestAnimationFrame(() => charts.draw()));
