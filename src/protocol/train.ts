/**
 * The training panel's messages (issue 3): what the extension sends the page, what the page may
 * ask for (validated here: a webview is untrusted input), the form's rules shared by both sides,
 * and the page's English string table. Pure: imported by the extension, the worker and the page.
 */
import type { LossDiagnosis } from '../core/lossWatch';
import { BOOK_DEFAULTS, StopReason, TrainConfig } from '../core/trainer';
import { GradientMethod } from '../core/twoLayerNet';
import { ProtocolError, bool, messageType, num, oneOf, optNum, record, str } from './validate';
import { LEARNING_RATE_MAX, LearningRateChange, WATCH_STRINGS, WatchToWebview } from './trainWatch';
import { LAB_PAGE_STRINGS } from './labFileStrings';
import { STUDY_NOTE_FROM_WEBVIEW } from './studyNote';

export const TRAIN_VIEW_TYPE = 'gradientLab.train';

export type DatasetChoice = { kind: 'bundled' } | { kind: 'fashion' } | { kind: 'folder'; path: string };

/** Everything a run needs: the book's hyperparameters plus where the images come from. */
export interface RunConfig extends TrainConfig {
  dataset: DatasetChoice;
  /** Train on the first N training images only (absent or 0: all) — the "overfit a tiny set" check. */
  trainImages?: number;
  /** Every N iterations compare backprop with the numerical gradient (absent or 0: never). */
  checkEvery?: number;
}

export const DEFAULT_RUN_CONFIG: RunConfig = { ...BOOK_DEFAULTS, dataset: { kind: 'bundled' } };

/** The training panel's controls a lab file may set, lock or hide (the form's fields). */
export const TRAIN_CONTROLS = [
  'hiddenSize',
  'learningRate',
  'batchSize',
  'iters',
  'weightInitStd',
  'seed',
  'gradientMethod',
  'dataset',
  'sampling',
  'trainImages',
  'checkEvery',
] as const;
export type TrainControl = (typeof TRAIN_CONTROLS)[number];
/** The form's controls that are not a typed number. */
const TRAIN_CHOICE_CONTROLS = ['gradientMethod', 'dataset', 'sampling'] as const;
export type TrainNumberControl = Exclude<TrainControl, (typeof TRAIN_CHOICE_CONTROLS)[number]>;
/** The form's number fields (the text a learner types), in the form's order. */
export const TRAIN_NUMBER_CONTROLS: readonly TrainNumberControl[] = TRAIN_CONTROLS.filter(
  (c): c is TrainNumberControl => !(TRAIN_CHOICE_CONTROLS as readonly string[]).includes(c),
);

export type RunStatus = 'running' | 'paused' | StopReason | 'loaded';

export interface EpochPoint {
  epoch: number;
  iter: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** A batch of a run's progress: from the training worker to the host, and on to the page with the run's id. */
export interface ProgressBatch {
  /** The iteration number of loss[0]; loss[k] belongs to iteration fromIter + k. */
  fromIter: number;
  loss: number[];
  epochs: EpochPoint[];
  iter: number;
  iters: number;
  itPerSec: number;
  etaSeconds: number | null;
  /** Training time so far, paused time left out. */
  elapsedMs: number;
  /** What the loss says now, when the network is not learning. */
  diagnosis?: LossDiagnosis;
}

/** A run as the run list shows it: hyperparameters, outcome, per-epoch accuracies (the loss history travels apart). */
export interface RunView {
  id: string;
  name: string;
  config: RunConfig;
  datasetName: string;
  createdAt: number;
  hidden: boolean;
  status: RunStatus;
  iterations: number;
  epochs: EpochPoint[];
  finalLoss: number | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
  wallSeconds: number;
  /** Why the run stopped early (divergence), in the learner's language. */
  message?: string;
  /** What the loss says when the network is not learning (src/core/lossWatch.ts). */
  diagnosis?: LossDiagnosis;
  hasModel: boolean;
  /** Learning-rate changes made while the run trained (absent: the rate of config throughout). */
  learningRateChanges?: LearningRateChange[];
}

/** A run as it starts: shown, running, nothing measured yet. */
export function startedRun(run: Pick<RunView, 'id' | 'name' | 'config' | 'datasetName' | 'createdAt'>): RunView {
  return {
    ...run,
    hidden: false,
    status: 'running',
    iterations: 0,
    epochs: [],
    finalLoss: null,
    trainAccuracy: null,
    testAccuracy: null,
    wallSeconds: 0,
    hasModel: false,
  };
}

/** A run's mini-batch losses: point k is the mean over iterations k·stride+1 … (k+1)·stride. */
export interface LossHistory {
  id: string;
  stride: number;
  loss: number[];
}

export interface SampleImage {
  index: number;
  label: number;
  predicted: number;
  /** 784 grey levels (0–255) as base64. */
  pixels: string;
}

export interface ModelView {
  id: string;
  testAccuracy: number;
  samples: SampleImage[];
  mistakes: SampleImage[];
  /** confusion[true][predicted] over the test set. */
  confusion: number[][];
  /** W1's first `shown` columns as 28×28 images, each scaled by its own largest |w|: int8 (−127…127) as base64. */
  weights: { hiddenSize: number; shown: number; side: number; images: string };
}

export type Verdict = 'match' | 'close' | 'mismatch';

export interface ParamCheck {
  name: 'W1' | 'b1' | 'W2' | 'b2';
  shape: number[];
  /** With the book's loss, δ = 1e-7 inside log(y + δ). */
  maxAbsDiff: number;
  relativeError: number;
  /** With δ = 0: the loss whose exact gradient backprop computes. */
  relativeErrorNoDelta: number;
  verdict: Verdict;
}

export interface NetCheckResult {
  batchSize: number;
  hiddenSize: number;
  parameters: number;
  seconds: number;
  groups: ParamCheck[];
}

export interface PanelOptions {
  fashionAvailable: boolean;
  fashionDir: string;
  bundledTrainCount: number;
}

/**
 * A lab file's setup as the page applies it (src/protocol/labFile.ts): `seq` numbers each opening,
 * so a page that reloads applies the file's values once and keeps the learner's edits after.
 */
export interface TrainLabView {
  seq: number;
  config: RunConfig;
  lock: TrainControl[];
  hide: TrainControl[];
  /** In the display language, plain text (the page sets it as text, never as HTML). */
  instruction?: string;
}

export type TrainToWebview =
  | {
      type: 'init';
      runs: RunView[];
      histories: LossHistory[];
      current?: string;
      options: PanelOptions;
      lab?: TrainLabView;
    }
  | { type: 'lab'; lab: TrainLabView | null }
  | { type: 'runStarted'; run: RunView }
  | ({ type: 'progress'; id: string } & ProgressBatch)
  | { type: 'runState'; id: string; state: 'running' | 'paused' }
  | { type: 'runFinished'; run: RunView; history: LossHistory }
  | { type: 'runUpdated'; run: RunView; history?: LossHistory }
  | { type: 'runDeleted'; id: string }
  | { type: 'reset' }
  | { type: 'model'; view: ModelView }
  | { type: 'probabilities'; requestId: number; id: string; probs: number[] }
  | { type: 'folderPicked'; path: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string }
  | { type: 'netCheck'; state: 'running'; batchSize: number }
  | { type: 'netCheck'; state: 'done'; result: NetCheckResult }
  | { type: 'netCheck'; state: 'error'; text: string }
  | WatchToWebview;

/**
 * What the page may send, derived from the table FROM_WEBVIEW below (one entry a message: its body's
 * parser), as are the list of known types and parseTrainMessage. Adding a message is one entry there;
 * the panel's handler switch then fails to compile until it handles the new type.
 */
export type TrainFromWebview = {
  [K in keyof typeof FROM_WEBVIEW]: Flat<{ type: K } & ReturnType<(typeof FROM_WEBVIEW)[K]>>;
}[keyof typeof FROM_WEBVIEW];
type Flat<T> = { [K in keyof T]: T[K] };

// ---- the form's rules (the page refuses bad values with these; the extension checks again) ----

export type FieldName =
  | 'hiddenSize'
  | 'learningRate'
  | 'batchSize'
  | 'iters'
  | 'weightInitStd'
  | 'seed'
  | 'gradientMethod'
  | 'dataset'
  | 'sampling'
  | 'trainImages'
  | 'checkEvery';

/** A reason a value is refused: a key of TRAIN_STRINGS and its {0}, {1} arguments. */
export interface FieldError {
  field: FieldName;
  reason: 'errWhole' | 'errPositive' | 'errRange' | 'errFolder' | 'errBatchTooLarge';
  args: (string | number)[];
}

/** The form's and the CLI's limits (hidden above 1000 would compile kernels past WebAssembly's function size). */
export const INT_LIMITS = {
  hiddenSize: [1, 1000],
  batchSize: [1, 60000],
  iters: [1, 1_000_000],
  seed: [0, 4294967295],
} as const;

export const RUN_NAME_MAX = 80;
export const PATH_MAX = 4096;
export const IMAGE_PIXELS = 784;

/**
 * Checks the form's values (numbers may be NaN when a field does not parse). `trainCount` is the
 * size of the chosen training set when known (the bundled subset: 10,000), so a batch that
 * cannot be drawn is refused before anything starts.
 */
export function checkRunConfig(
  v: Record<string, unknown>,
  trainCount?: number,
): { config?: RunConfig; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const n = (k: FieldName) => (typeof v[k] === 'number' ? (v[k] as number) : NaN);
  for (const [field, [min, max]] of Object.entries(INT_LIMITS) as [FieldName, readonly [number, number]][]) {
    const x = n(field);
    if (!Number.isInteger(x)) errors.push({ field, reason: 'errWhole', args: [min, max] });
    else if (x < min || x > max) errors.push({ field, reason: 'errRange', args: [min, max] });
  }
  for (const field of ['learningRate', 'weightInitStd'] as const) {
    const x = n(field);
    if (!Number.isFinite(x) || x <= 0) errors.push({ field, reason: 'errPositive', args: [] });
  }
  const batch = n('batchSize');
  /** A batch larger than the images it is drawn from is refused (unless the batch size is already wrong). */
  const batchFits = (count: number | undefined) => {
    if (count !== undefined && Number.isInteger(batch) && batch > count && !errors.some((e) => e.field === 'batchSize'))
      errors.push({ field: 'batchSize', reason: 'errBatchTooLarge', args: [count] });
  };
  batchFits(trainCount);
  // Optional (older saved runs and forms do not have them): absent means the book's way.
  const optionalInt = (field: 'trainImages' | 'checkEvery', max: number): number | undefined => {
    if (v[field] === undefined) return undefined;
    const x = n(field);
    if (!Number.isInteger(x) || x < 0 || x > max) errors.push({ field, reason: 'errWhole', args: [0, max] });
    return x > 0 ? x : undefined;
  };
  const trainImages = optionalInt('trainImages', INT_LIMITS.batchSize[1]);
  const checkEvery = optionalInt('checkEvery', INT_LIMITS.iters[1]);
  batchFits(trainImages);
  const sampling = v.sampling;
  if (sampling !== undefined && sampling !== 'replacement' && sampling !== 'shuffled') {
    errors.push({ field: 'sampling', reason: 'errRange', args: ['replacement', 'shuffled'] });
  }
  const method = v.gradientMethod;
  if (method !== 'backprop' && method !== 'numerical')
    errors.push({ field: 'gradientMethod', reason: 'errRange', args: ['backprop', 'numerical'] });
  const dataset = parseDataset(v.dataset);
  if (!dataset) errors.push({ field: 'dataset', reason: 'errFolder', args: [] });
  if (errors.length || !dataset) return { errors };
  return {
    errors,
    config: {
      hiddenSize: n('hiddenSize'),
      learningRate: n('learningRate'),
      batchSize: batch,
      iters: n('iters'),
      weightInitStd: n('weightInitStd'),
      seed: n('seed'),
      gradientMethod: method as GradientMethod,
      dataset,
      ...(sampling === 'shuffled' ? { sampling } : {}),
      ...(trainImages !== undefined ? { trainImages } : {}),
      ...(checkEvery !== undefined ? { checkEvery } : {}),
    },
  };
}

function parseDataset(v: unknown): DatasetChoice | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const d = v as Record<string, unknown>;
  if (d.kind === 'bundled' || d.kind === 'fashion') return { kind: d.kind };
  if (d.kind === 'folder' && typeof d.path === 'string' && d.path.trim() !== '' && d.path.length <= PATH_MAX)
    return { kind: 'folder', path: d.path.trim() };
  return undefined;
}

/** Parameters of a 784-H-10 TwoLayerNet: W1, b1, W2, b2. */
export function parameterCount(hiddenSize: number, inputSize = IMAGE_PIXELS, classes = 10): number {
  return inputSize * hiddenSize + hiddenSize + hiddenSize * classes + classes;
}

/**
 * The book's numerical_gradient does 2 forward passes per parameter, each costing about
 * batch × parameters multiply-adds: time grows as batch × P². Scaled from the numpy measurement
 * for the book's defaults (≈31 s per iteration for P = 39,760, batch 100).
 */
export const NUMPY_NAIVE_SECONDS_PER_ITERATION = 31;
export function naiveNumericalSecondsPerIteration(hiddenSize: number, batchSize: number): number {
  const p = parameterCount(hiddenSize) / parameterCount(50);
  return NUMPY_NAIVE_SECONDS_PER_ITERATION * (batchSize / 100) * p * p;
}

/**
 * A diagnosis in words: what the loss did, why, and the book's lesson; `t` translates a TRAIN_STRINGS key.
 * The rate named is the one in effect at the diagnosed iteration (`d.learningRate`); `learningRate` is
 * for a diagnosis recorded without it.
 */
export function diagnosisText(
  d: LossDiagnosis,
  fallbackLearningRate: number,
  t: (key: keyof typeof TRAIN_STRINGS, ...args: (string | number)[]) => string,
  num: (x: number, digits: number) => string = (x, digits) => x.toFixed(digits),
): string {
  const learningRate = typeof d.learningRate === 'number' && d.learningRate > 0 ? d.learningRate : fallbackLearningRate;
  // JSON carries NaN as null.
  const notANumber = (x: number | null) => (x === null || Number.isNaN(x) ? 'NaN' : String(x));
  const classes = d.kind === 'not-a-number' ? 0 : Math.round(Math.exp(d.chance));
  // Not a number before any update: the initial weights, and no lesson about the learning rate.
  if (d.kind === 'not-a-number' && d.fromStart) return t('diagNotANumberStart', notANumber(d.loss));
  const what =
    d.kind === 'not-a-number'
      ? t('diagNotANumber', notANumber(d.loss), d.iter, learningRate)
      : d.kind === 'rising'
        ? t('diagRising', num(d.loss, 2), d.iter, classes, num(d.chance, 2), learningRate)
        : t(
            'diagSaturated',
            num(d.loss, 2),
            classes,
            num(d.chance, 2),
            d.iter,
            num(100 * d.trainAccuracy, 1),
            learningRate,
            num(100 * d.saturation, 0),
          );
  return `${what} ${t('lrLesson')}`;
}

// ---- validating what the page sends ----

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PNG_DATA_URL = 20_000_000;

function runId(o: Record<string, unknown>): string {
  const id = str(o, 'id', 64);
  if (!RUN_ID.test(id)) throw new ProtocolError('id is not a run id');
  return id;
}

type Body = Record<string, unknown>;
const bare = (_body: Body) => ({});
const withId = (body: Body) => ({ id: runId(body) });

/** Every message the page may send and how its body is checked; the one list (see TrainFromWebview). */
const FROM_WEBVIEW = {
  ...STUDY_NOTE_FROM_WEBVIEW,
  ready: bare,
  pause: bare,
  resume: bare,
  step: bare,
  stop: bare,
  reset: bare,
  loadModel: bare,
  importRun: bare,
  pickFolder: bare,
  start: (body: Body): { config: RunConfig } => {
    const { config, errors } = checkRunConfig(record(body.config, 'config'));
    if (!config)
      throw new ProtocolError(`config is invalid: ${errors.map((e) => `${e.field} (${e.reason})`).join(', ')}`);
    return { config };
  },
  renameRun: (body: Body) => {
    const name = str(body, 'name', RUN_NAME_MAX).trim();
    if (!name) throw new ProtocolError('name must not be empty');
    return { id: runId(body), name };
  },
  setHidden: (body: Body) => ({ id: runId(body), hidden: bool(body, 'hidden') }),
  deleteRun: withId,
  selectModel: withId,
  exportRun: (body: Body) => ({ id: runId(body), format: oneOf(body, 'format', ['csv', 'json'] as const) }),
  saveModel: (body: Body) => ({ id: runId(body), format: oneOf(body, 'format', ['json', 'npz'] as const) }),
  exportChart: (body: Body) => {
    const dataUrl = str(body, 'dataUrl', MAX_PNG_DATA_URL);
    if (!/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(dataUrl)) {
      throw new ProtocolError('dataUrl must be a base64 PNG data URL');
    }
    return { chart: oneOf(body, 'chart', ['loss', 'accuracy'] as const), dataUrl };
  },
  predict: (body: Body) => {
    const pixels = body.pixels;
    if (!Array.isArray(pixels) || pixels.length !== IMAGE_PIXELS) {
      throw new ProtocolError(`pixels must be an array of ${IMAGE_PIXELS} numbers`);
    }
    if (!pixels.every((p) => typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new ProtocolError('pixels must be numbers between 0 and 1');
    }
    return {
      requestId: num(body, 'requestId', { integer: true, min: 0 }),
      id: runId(body),
      pixels: pixels as number[],
    };
  },
  checkNetwork: (body: Body) => ({ batchSize: optNum(body, 'batchSize', { integer: true, min: 1, max: 100 }) ?? 3 }),
  setLearningRate: (body: Body) => {
    const learningRate = num(body, 'learningRate', { max: LEARNING_RATE_MAX });
    if (!(learningRate > 0)) throw new ProtocolError('learningRate must be greater than 0');
    return { learningRate };
  },
  /** "Share this setup": the form as it is (checked like Start). */
  share: (body: Body): { config: RunConfig } => {
    const { config, errors } = checkRunConfig(record(body.config, 'config'));
    if (!config)
      throw new ProtocolError(`config is invalid: ${errors.map((e) => `${e.field} (${e.reason})`).join(', ')}`);
    return { config };
  },
  findLearningRate: (body: Body): { config: RunConfig } => {
    const { config, errors } = checkRunConfig(record(body.config, 'config'));
    if (!config)
      throw new ProtocolError(`config is invalid: ${errors.map((e) => `${e.field} (${e.reason})`).join(', ')}`);
    return { config };
  },
};

const TYPES = Object.keys(FROM_WEBVIEW) as (keyof typeof FROM_WEBVIEW)[];

/** Returns the message typed, or throws ProtocolError saying what is wrong with it. */
export function parseTrainMessage(msg: unknown): TrainFromWebview {
  const { type, body } = messageType(msg, TYPES);
  return { type, ...FROM_WEBVIEW[type](body) } as TrainFromWebview;
}

// ---- the page's strings (English; the extension translates them with vscode.l10n.t) ----

export const TRAIN_STRINGS = {
  title: 'Train TwoLayerNet',
  intro:
    'The book’s TwoLayerNet (chapter 4.5), trained by mini-batch SGD in a worker thread: set the hyperparameters, press Start, and watch the loss fall and the accuracy rise.',
  hyperparameters: 'Hyperparameters',
  hiddenSize: 'Hidden size',
  learningRate: 'Learning rate',
  batchSize: 'Batch size',
  iters: 'Iterations',
  weightInitStd: 'Weight init std',
  seed: 'Seed',
  dataset: 'Dataset',
  datasetBundled: 'Bundled MNIST subset (10,000 train, 10,000 test)',
  datasetFashion: 'Fashion-MNIST ({0})',
  datasetFolder: 'A folder of idx files…',
  folderPath: 'Folder with train-images / train-labels / t10k-images / t10k-labels idx files',
  browse: 'Browse…',
  gradientMethod: 'Gradient',
  methodBackprop: 'Backpropagation (chapter 5 preview)',
  methodNumerical: 'Numerical gradient (the book’s chapter 4 method)',
  numericalWarning:
    'Slow on purpose. The book’s numerical_gradient does 2 forward passes for each of the {0} parameters: {1} passes per iteration, about {2} per iteration in numpy, so {3} iterations would take about {4}. This panel computes the same central differences incrementally, far faster but still much slower than backprop: try 10 iterations and watch iterations/s — that gap is why chapter 5 exists.',
  defaults: 'Book defaults',

  errWhole: 'Enter a whole number from {0} to {1}.',
  errRange: 'Must be between {0} and {1}.',
  errPositive: 'Enter a number greater than 0 (e.g. 0.1).',
  errFolder: 'Choose a folder of idx files (Browse…).',
  errBatchTooLarge: 'Larger than the training set ({0} images): choose at most {0}.',
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  step: 'Step',
  stopRun: 'Stop',
  reset: 'Reset',
  progressLabel: 'Training progress',
  progressText: 'Iteration {0} / {1} · {2} it/s · ETA {3}',
  idleText: 'Ready. Press Start to train with these hyperparameters.',
  pausedText: 'Paused at iteration {0} / {1}. Step runs one iteration.',
  lossChart: 'Loss (mini-batch cross-entropy)',
  accuracyChart: 'Accuracy per epoch',
  iteration: 'iteration',
  epoch: 'epoch',
  imagesSeen: 'images seen',
  xAxis: 'x axis',
  xAuto: 'Auto (images seen when batch sizes differ)',
  xIterations: 'Iterations',
  xEpochs: 'Epochs',
  xImages: 'Images seen',
  legendLoss: 'solid: smoothed · faint: each mini-batch',
  legendAccuracy: 'solid: train · dashed: test',
  batchNote:
    '{0} iterations × batch {1} = {2} images seen: {3} epochs of {4} training images, each ending with an accuracy check on all {5} train and test images.',
  batchSlow:
    'Expect about {0}× the time of batch 100: each iteration computes the gradient of {1} images, and an epoch is only {2} iterations, so {3} epochs mean {3} accuracy checks.',
  progressTextNoEta: 'Iteration {0} / {1} · {2} it/s · measuring the speed…',
  sparkline: 'Loss so far: {0} → {1}',
  moreActions: 'More actions for {0}',
  bookSection: 'Deep Learning from Scratch, chapter {0}',
  sec41: '4.1 Learning from data',
  sec42: '4.2 Loss functions',
  sec44: '4.4 Gradient',
  sec45: '4.5 The learning algorithm',
  rawLoss: '{0} loss',
  smoothLoss: '{0} smoothed',
  trainAcc: '{0} train',
  testAcc: '{0} test',
  smoothing: 'Smoothing',
  showRaw: 'Raw loss',
  savePng: 'Save PNG',
  epochTable: 'Epochs of the current run',
  epochColumn: 'Epoch',
  iterationColumn: 'Iteration',
  trainAccuracy: 'Train accuracy',
  testAccuracy: 'Test accuracy',
  runs: 'Runs',
  runsHint:
    'Every finished run stays here. Tick Show to overlay it on the charts — e.g. batch 10 vs 100 vs 1000, hidden 10 vs 50 vs 200.',
  noRuns: 'No runs yet.',
  show: 'Show',
  runName: 'Name',
  status: 'Status',
  settings: 'Hyperparameters',
  runSettings: 'batch {0} · lr {1} · hidden {2} · iters {3} · std {4} · seed {5}',
  /** A learning-rate change in a run's settings: "lr 0.1 → 0.5 from iteration 1,801". */
  rateFrom: '{0} from iteration {1}',
  settingsNumerical: 'numerical',
  result: 'Result',
  actions: 'Actions',
  rename: 'Rename',
  deleteRun: 'Delete',
  exportCsv: 'CSV',
  exportJson: 'JSON',
  exportCsvTitle: 'Export the history as CSV (one row per iteration)',
  exportJsonTitle: 'Export the run as JSON (can be imported again)',
  confirmDelete: 'Delete? Click again',
  dismiss: 'Dismiss',
  saveJson: 'Save model (JSON)',
  saveNpz: 'Save model (.npz)',
  loadModel: 'Load model…',
  importRun: 'Import run…',
  inspect: 'Inspect',
  statusRunning: 'running',
  statusPaused: 'paused',
  statusFinished: 'finished',
  statusStopped: 'stopped',
  statusDiverged: 'diverged',
  statusLoaded: 'loaded model',
  resultText: 'test {0} · train {1} · {2} it in {3}',
  divergedAdvice:
    'The loss became {0} at iteration {1}: the learning rate {2} is too large. Try a smaller one (the book uses 0.1).',
  notLearning: 'not learning',
  diagNotANumber:
    'The loss became {0} at iteration {1}: the weights overflowed, so the learning rate {2} is too large.',
  diagNotANumberStart:
    'The loss is {0} from the start: the untrained network already gives it, so the learning rate is not the cause. The initial weights are too large — x·W1 overflows and softmax gets ∞ − ∞. Start from small random weights, as the book does: weight_init_std = 0.01.',
  diagRising:
    'The loss rose to {0} by iteration {1}: above ln {2} ≈ {3}, the loss of a network that gives every class the same probability. It is not learning: with learning rate {4} each step W ← W − η·∂L/∂W jumps past the minimum and lands higher up.',
  diagSaturated:
    'The loss has stayed at {0} ≈ ln {1} = {2} since iteration {3}: the network only guesses (train accuracy {4}%). The learning rate {5} is too large: its first steps pushed {6}% of the hidden sigmoids to 0 or 1, where sigmoid′(a) = (1 − y)·y ≈ 0, so almost no gradient reaches W1 and learning stops.',
  lrLesson:
    'Chapter 4.4: a learning rate that is too large makes gradient descent diverge (from (−3, 4), η = 10 runs off to about (−2.6e13, −1.3e12)); one that is too small barely moves. Try a smaller one: the book uses 0.1.',
  overfittingAdvice:
    'Overfitting: from epoch {0} to {1} train accuracy rose ({2} → {3}) while test accuracy fell ({4} → {5}). The network is fitting the training images, not digits; stopping at epoch {0} (early stopping) would keep the better model.',
  model: 'See the model',
  modelOf: 'Model of run “{0}” · test accuracy {1}',
  noModel: 'Finish or stop a run (or load a model) to see its predictions, confusion matrix and weights.',
  predictions: 'Test images: predicted (true)',
  onlyMistakes: 'Only mistakes',
  wrong: 'wrong',
  confusion: 'Confusion matrix (rows: true label, columns: predicted)',
  weights: 'W1: the weights into each hidden unit, as 28×28 images (blue negative, red positive)',
  weightsShown: 'showing {0} of {1} hidden units',
  draw: 'Draw a digit',
  drawHint: 'Draw with the mouse or a finger, or focus the pad and use the arrow keys with Space to paint.',
  clear: 'Clear',
  probabilities: 'Probabilities',
  netCheck: 'Gradient check: numerical gradient vs backprop',
  netCheckIntro:
    'Every parameter of a fresh TwoLayerNet (hidden {0}) on the first {1} training images: the book’s central differences (h = 1e-4) against backpropagation.',
  netCheckRunning: 'Computing the numerical gradient of all {0} parameters…',
  netCheckAgain: 'Check again',
  netCheckBatch: 'Batch size',
  parameter: 'Parameter',
  shape: 'Shape',
  maxAbsDiff: 'Max |numerical − backprop|',
  relativeError: 'Relative error (δ = 1e-7, the book’s loss)',
  relativeErrorNoDelta: 'Relative error (δ = 0)',
  verdict: 'Verdict',
  verdictMatch: 'match',
  verdictClose: 'close (rounding)',
  verdictMismatch: 'MISMATCH',
  netCheckExplain:
    'Relative error = ‖numerical − backprop‖ / (‖numerical‖ + ‖backprop‖). With the book’s loss it sits near 5e-7: the δ = 1e-7 in log(y + δ) is part of the loss the numerical gradient differentiates, while backprop’s dy = (y − t)/N leaves it out. Without δ the two agree to about 1e-10: below 1e-7 is a match, above 1e-4 a bug.',
  netCheckTime: '{0} parameters, {1} s',
  durSeconds: '{0} s',
  durMinutes: '{0} min',
  durHours: '{0} h',
  durDays: '{0} days',
  ...WATCH_STRINGS,
  ...LAB_PAGE_STRINGS,
} as const;

export type TrainStrings = { [K in keyof typeof TRAIN_STRINGS]: string };
