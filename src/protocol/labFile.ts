/**
 * Lab files (`*.gradientlab.json`, issue 17): a teacher's exact setup of one panel — the training
 * panel's hyperparameters, dataset and seed; a chapter-4 lab's point, h or learning rate; or the
 * gradient check of a named function with given inputs — with controls to hide or lock and an
 * instruction shown at the top. Parsed and checked here (pure: the extension, the pages and the
 * CLI share it); a bad file is refused as a whole, with the field named, so nothing changes.
 * media/schema/gradientlab.schema.json describes the same format for VS Code's JSON editor;
 * test/unit/labFile.test.ts keeps the two in step.
 */
import {
  DEFAULT_RUN_CONFIG,
  type FieldError,
  type RunConfig,
  TRAIN_CONTROLS,
  type TrainControl,
  checkRunConfig,
} from './train';
import { LAB_IDS, type LabId } from './tutorial';
import { type Json, isRecord, json } from './validate';

export const LAB_FILE_SUFFIX = '.gradientlab.json';
export const LAB_FILE_VERSION = 1;
/** A lab file is small: its largest part is a gradient check's inputs. */
export const LAB_FILE_MAX_BYTES = 1_000_000;
export const INSTRUCTION_MAX = 2000;
export const LAB_FILE_PANELS = ['train', 'lab', 'gradcheck'] as const;
export type LabFilePanel = (typeof LAB_FILE_PANELS)[number];
// The training panel's controls (TRAIN_CONTROLS) are the form's fields: ./train keeps them with its rules.

/** Each lab's state (what its page keeps) and so its controls: the names a lab file sets, locks or hides. */
export const LAB_CONTROLS = {
  loss: ['y', 'label'],
  tangent: ['x'],
  errorH: ['case', 'h'],
  field: ['x0', 'x1'],
  descent: ['lr', 'steps'],
  simpleNet: ['W'],
  saddle: ['surface', 'start'],
} as const satisfies Record<LabId, readonly string[]>;
export type LabControl<L extends LabId = LabId> = (typeof LAB_CONTROLS)[L][number];

/** The gradient check panel's controls. */
export const GRADCHECK_CONTROLS = ['gradient', 'wrt', 'h', 'inputs'] as const;
export type GradcheckControl = (typeof GRADCHECK_CONTROLS)[number];

/** Plain text, one for every language or one per language (`en` is the fallback). */
export type Instruction = string | { en?: string; ko?: string };

interface Common<C extends string> {
  instruction?: Instruction;
  /** Controls shown but not changeable (disabled, with the reason as their tooltip). */
  lock: C[];
  /** Controls not shown at all (their value is the file's, or the default). */
  hide: C[];
}

export interface TrainLabFile extends Common<TrainControl> {
  panel: 'train';
  config: RunConfig;
}

export interface LabLabFile extends Common<string> {
  panel: 'lab';
  lab: LabId;
  /** Only the keys of LAB_CONTROLS[lab]; absent ones keep the lab's own start. */
  state: Record<string, Json>;
}

export interface GradcheckLabFile extends Common<GradcheckControl> {
  panel: 'gradcheck';
  /** The learner's file, relative to the lab file's folder (forward slashes). */
  file: string;
  function: string;
  /** A function of the file; null: none (numerical gradient only); absent: found by convention. */
  gradient?: string | null;
  wrt?: string;
  h?: number;
  inputs?: Record<string, Json>;
}

export type LabFile = TrainLabFile | LabLabFile | GradcheckLabFile;

/** Why a lab file is refused: a LABFILE_STRINGS key, the field (a JSON path) and the other arguments. */
export interface LabFileError {
  field: string;
  reason: keyof typeof LABFILE_STRINGS;
  args: (string | number)[];
}

/** The English text (the extension passes vscode.l10n.t, the CLI its translator). */
export const LABFILE_STRINGS = {
  notJson: 'It is not valid JSON: {1}',
  notObject: '"{0}" must be an object ({ … }).',
  tooLarge: 'It is larger than {1} bytes.',
  unknownKey: '"{0}" is not a field of a lab file here; allowed: {1}.',
  missing: '"{0}" is missing.',
  version: '"{0}" must be {1}: this Gradient Lab reads lab files of version {1}.',
  oneOf: '"{0}" must be one of: {1}.',
  text: '"{0}" must be a text of at most {1} characters.',
  whole: '"{0}" must be a whole number from {1} to {2}.',
  positive: '"{0}" must be a number greater than 0.',
  number: '"{0}" must be a finite number.',
  range: '"{0}" must be a number from {1} to {2}.',
  dataset: '"{0}" must be "bundled", "fashion" or { "folder": "path" }.',
  batchTooLarge: '"{0}" is larger than the training set ({1} images).',
  list: '"{0}" must be a list of control names: {1}.',
  numbers: '"{0}" must be a list of {1} numbers.',
  matrix: '"{0}" must be 2 rows of 3 numbers.',
  inputs: '"{0}" must be an object of named inputs (numbers and arrays of numbers).',
  path: '"{0}" must be a relative path inside the workspace (no "..", no absolute path).',
  name: '"{0}" must be a function name such as loss or TwoLayerNet.loss.',
  unknownFunction: '"{0}": there is no function {1} in {2}.',
  noFile: '"{0}": the file {1} cannot be read.',
  unreadableFile: '"{0}": the file {1} cannot be read: {2}.',
  notOpened: 'The lab file {0} was not opened: {1}',
  shared: 'Saved this setup as {0}: open it from the explorer (Open in Gradient Lab) or send it as is.',
  openInGradientLab: 'Open in Gradient Lab',
  outsideWorkspace: 'Only lab files inside the open workspace can be opened from a link: {0} is not.',
  untrusted:
    'This lab file runs a gradient check on your own code, which Gradient Lab does only in trusted workspaces. Trust this folder to open it.',
} as const;

/** A lab file refused: every reason found (the first names the field). */
export class LabFileRefused extends Error {
  constructor(readonly errors: LabFileError[]) {
    super(errors.map((e) => `${e.field}: ${e.reason}`).join('; '));
    this.name = 'LabFileRefused';
  }
}

type T = (message: string, ...args: (string | number)[]) => string;

/** An error in words, in the language `t` translates to. */
export function labFileErrorText(e: LabFileError, t: T): string {
  return t(LABFILE_STRINGS[e.reason], e.field, ...e.args);
}

/** The instruction for a display language (`ko`, `ko-kr`, `en`…): that language's, else English, else any. */
export function instructionText(instruction: Instruction | undefined, language: string): string | undefined {
  if (instruction === undefined || typeof instruction === 'string') return instruction;
  const lang = language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
  return instruction[lang] ?? instruction.en ?? instruction.ko;
}

// ---- parsing ----

const TOP_COMMON = ['$schema', 'version', 'panel', 'instruction', 'lock', 'hide'] as const;
export const LAB_FILE_KEYS: Record<LabFilePanel, readonly string[]> = {
  train: [...TOP_COMMON, 'train'],
  lab: [...TOP_COMMON, 'lab', 'state'],
  gradcheck: [...TOP_COMMON, 'file', 'function', 'gradient', 'wrt', 'h', 'inputs'],
};
const NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const WRT = /^[A-Za-z_$][\w$]*(\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*('[^'\\]*'|"[^"\\]*"|\d+)\s*\])*$/;
const quoted = (xs: readonly (string | number)[]) => xs.map((x) => (typeof x === 'string' ? `"${x}"` : x)).join(', ');

/** Parses a lab file's text; throws LabFileRefused naming every bad field (nothing is half-applied). */
export function parseLabFile(text: string): LabFile {
  if (text.length > LAB_FILE_MAX_BYTES)
    throw new LabFileRefused([{ field: '', reason: 'tooLarge', args: [LAB_FILE_MAX_BYTES] }]);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new LabFileRefused([{ field: '', reason: 'notJson', args: [e instanceof Error ? e.message : String(e)] }]);
  }
  return checkLabFile(raw);
}

/** Checks a parsed lab file (or a setup a page sent to share); throws LabFileRefused. */
export function checkLabFile(raw: unknown): LabFile {
  const errors: LabFileError[] = [];
  const fail = (field: string, reason: LabFileError['reason'], ...args: (string | number)[]) => {
    errors.push({ field, reason, args });
  };
  if (!isRecord(raw)) throw new LabFileRefused([{ field: '(file)', reason: 'notObject', args: [] }]);
  if (raw.version !== LAB_FILE_VERSION) fail('version', 'version', LAB_FILE_VERSION);
  const panel = raw.panel;
  if (typeof panel !== 'string' || !(LAB_FILE_PANELS as readonly string[]).includes(panel)) {
    fail('panel', panel === undefined ? 'missing' : 'oneOf', quoted(LAB_FILE_PANELS));
    throw new LabFileRefused(errors);
  }
  const kind = panel as LabFilePanel;
  for (const key of Object.keys(raw))
    if (!LAB_FILE_KEYS[kind].includes(key)) fail(key, 'unknownKey', quoted(LAB_FILE_KEYS[kind]));
  const instruction = checkInstruction(raw.instruction, fail);
  const controlsOf = (): readonly string[] => {
    if (kind === 'train') return TRAIN_CONTROLS;
    if (kind === 'gradcheck') return GRADCHECK_CONTROLS;
    return isLabIdValue(raw.lab) ? LAB_CONTROLS[raw.lab] : [];
  };
  const lock = controlList(raw.lock, 'lock', controlsOf(), fail);
  const hide = controlList(raw.hide, 'hide', controlsOf(), fail);
  const common = { ...(instruction !== undefined ? { instruction } : {}), lock, hide };
  let file: LabFile | undefined;
  if (kind === 'train') {
    const config = checkTrain(raw.train, fail);
    if (config) file = { panel: 'train', config, ...common } as TrainLabFile;
  } else if (kind === 'lab') {
    if (!isLabIdValue(raw.lab)) fail('lab', raw.lab === undefined ? 'missing' : 'oneOf', quoted(LAB_IDS));
    else {
      const state = checkLabState(raw.lab, raw.state, fail);
      if (state) file = { panel: 'lab', lab: raw.lab, state, ...common };
    }
  } else {
    file = checkGradcheck(raw, common as Common<GradcheckControl>, fail);
  }
  if (errors.length || !file)
    throw new LabFileRefused(errors.length ? errors : [{ field: '', reason: 'notObject', args: [] }]);
  return file;
}

type Fail = (field: string, reason: LabFileError['reason'], ...args: (string | number)[]) => void;

function isLabIdValue(v: unknown): v is LabId {
  return typeof v === 'string' && (LAB_IDS as readonly string[]).includes(v);
}

function checkInstruction(v: unknown, fail: Fail): Instruction | undefined {
  if (v === undefined) return undefined;
  const text = (x: unknown, field: string) => {
    if (typeof x !== 'string' || x.length > INSTRUCTION_MAX) {
      fail(field, 'text', INSTRUCTION_MAX);
      return false;
    }
    return true;
  };
  if (typeof v === 'string') return text(v, 'instruction') ? v : undefined;
  if (!isRecord(v)) {
    fail('instruction', 'text', INSTRUCTION_MAX);
    return undefined;
  }
  const out: { en?: string; ko?: string } = {};
  for (const [k, x] of Object.entries(v)) {
    if (k !== 'en' && k !== 'ko') fail(`instruction.${k}`, 'unknownKey', quoted(['en', 'ko']));
    else if (text(x, `instruction.${k}`)) out[k] = x as string;
  }
  return out;
}

function controlList<C extends string>(v: unknown, field: string, allowed: readonly C[], fail: Fail): C[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    fail(field, 'list', quoted(allowed));
    return [];
  }
  const out: C[] = [];
  v.forEach((x, i) => {
    if (typeof x !== 'string' || !(allowed as readonly string[]).includes(x))
      fail(`${field}[${i}]`, 'oneOf', quoted(allowed));
    else if (!out.includes(x as C)) out.push(x as C);
  });
  return out;
}

const FIELD_REASON: Record<FieldError['reason'], LabFileError['reason']> = {
  errWhole: 'whole',
  errPositive: 'positive',
  errRange: 'oneOf',
  errFolder: 'dataset',
  errBatchTooLarge: 'batchTooLarge',
};

function checkTrain(v: unknown, fail: Fail): RunConfig | undefined {
  if (v === undefined) return { ...DEFAULT_RUN_CONFIG };
  if (!isRecord(v)) {
    fail('train', 'notObject');
    return undefined;
  }
  let bad = false;
  for (const key of Object.keys(v))
    if (!(TRAIN_CONTROLS as readonly string[]).includes(key)) {
      fail(`train.${key}`, 'unknownKey', quoted(TRAIN_CONTROLS));
      bad = true;
    }
  // "bundled", "fashion" or { "folder": "path" } in the file; the form's { kind } inside.
  let dataset: unknown = DEFAULT_RUN_CONFIG.dataset;
  const d = v.dataset;
  if (d === 'bundled' || d === 'fashion') dataset = { kind: d };
  else if (isRecord(d) && Object.keys(d).length === 1 && typeof d.folder === 'string')
    dataset = { kind: 'folder', path: d.folder };
  else if (d !== undefined) dataset = undefined;
  const merged: Record<string, unknown> = { ...DEFAULT_RUN_CONFIG, ...v, dataset };
  const trainCount = (dataset as { kind?: string } | undefined)?.kind === 'bundled' ? 10000 : undefined;
  const { config, errors } = checkRunConfig(merged, trainCount);
  for (const e of errors) {
    // errRange is a range of whole numbers for the counts, a list of choices for the others.
    const numeric = e.args.every((a) => typeof a === 'number');
    const reason = e.reason === 'errRange' && numeric ? 'whole' : FIELD_REASON[e.reason];
    fail(`train.${e.field}`, reason, ...(reason === 'oneOf' ? [quoted(e.args)] : e.args));
  }
  return bad ? undefined : config;
}

function finite(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A lab's state, each key as its page accepts it. */
function checkLabState(lab: LabId, v: unknown, fail: Fail): Record<string, Json> | undefined {
  if (v === undefined) return {};
  if (!isRecord(v)) {
    fail('state', 'notObject');
    return undefined;
  }
  const allowed = LAB_CONTROLS[lab] as readonly string[];
  const out: Record<string, Json> = {};
  let ok = true;
  const bad: Fail = (...a) => {
    ok = false;
    fail(...a);
  };
  for (const [key, x] of Object.entries(v)) {
    const field = `state.${key}`;
    if (!allowed.includes(key)) bad(field, 'unknownKey', quoted(allowed));
    else if (checkLabValue(lab, key, x, field, bad)) out[key] = x as Json;
  }
  return ok ? out : undefined;
}

function checkLabValue(lab: LabId, key: string, x: unknown, field: string, fail: Fail): boolean {
  const range = (min: number, max: number) => {
    if (finite(x) && x >= min && x <= max) return true;
    fail(field, 'range', min, max);
    return false;
  };
  const whole = (min: number, max: number) => {
    if (finite(x) && Number.isInteger(x) && x >= min && x <= max) return true;
    fail(field, 'whole', min, max);
    return false;
  };
  const one = (choices: readonly (string | number)[]) => {
    if ((choices as unknown[]).includes(x)) return true;
    fail(field, 'oneOf', quoted(choices));
    return false;
  };
  switch (`${lab}.${key}`) {
    case 'loss.y':
      if (Array.isArray(x) && x.length === 10 && x.every(finite)) return true;
      fail(field, 'numbers', 10);
      return false;
    case 'loss.label':
      return whole(0, 9);
    case 'tangent.x':
      return range(-1000, 1000);
    case 'errorH.case':
      return one(['book', 'sin']);
    case 'errorH.h':
    case 'descent.lr':
      if (finite(x) && x > 0) return true;
      fail(field, 'positive');
      return false;
    case 'field.x0':
    case 'field.x1':
      return range(-1000, 1000);
    case 'descent.steps':
      return whole(1, 10000);
    case 'simpleNet.W':
      if (Array.isArray(x) && x.length === 2 && x.every((r) => Array.isArray(r) && r.length === 3 && r.every(finite)))
        return true;
      fail(field, 'matrix');
      return false;
    case 'saddle.surface':
      return one(['saddle', 'plateau']);
    case 'saddle.start':
      return one([0, 1]);
    default:
      fail(field, 'unknownKey', quoted(LAB_CONTROLS[lab]));
      return false;
  }
}

function checkGradcheck(
  raw: Record<string, unknown>,
  common: Common<GradcheckControl>,
  fail: Fail,
): GradcheckLabFile | undefined {
  const file = raw.file;
  let ok = true;
  const bad = (field: string, reason: LabFileError['reason'], ...args: (string | number)[]) => {
    ok = false;
    fail(field, reason, ...args);
  };
  if (file === undefined) bad('file', 'missing');
  else if (!isRelativePath(file)) bad('file', 'path');
  const fn = raw.function;
  if (fn === undefined) bad('function', 'missing');
  else if (typeof fn !== 'string' || fn.length > 200 || !NAME.test(fn)) bad('function', 'name');
  const gradient = raw.gradient;
  if (gradient !== undefined && gradient !== null && (typeof gradient !== 'string' || !NAME.test(gradient)))
    bad('gradient', 'name');
  const wrt = raw.wrt;
  if (wrt !== undefined && (typeof wrt !== 'string' || wrt.length > 200 || !WRT.test(wrt))) bad('wrt', 'name');
  const h = raw.h;
  if (h !== undefined && !(finite(h) && h > 0)) bad('h', 'positive');
  else if (h !== undefined && (h as number) > 1) bad('h', 'range', 0, 1);
  let inputs: Record<string, Json> | undefined;
  if (raw.inputs !== undefined) {
    try {
      const parsed = json(raw.inputs, 'inputs');
      if (!isRecord(parsed)) bad('inputs', 'inputs');
      else inputs = parsed as Record<string, Json>;
    } catch {
      bad('inputs', 'inputs');
    }
  }
  if (!ok) return undefined;
  return {
    panel: 'gradcheck',
    file: (file as string).replace(/\\/g, '/'),
    function: fn as string,
    ...(gradient !== undefined ? { gradient: gradient as string | null } : {}),
    ...(wrt !== undefined ? { wrt: wrt as string } : {}),
    ...(h !== undefined ? { h: h as number } : {}),
    ...(inputs !== undefined ? { inputs } : {}),
    ...common,
  };
}

/** A path below the lab file's folder: relative, no "..", no drive or scheme. */
export function isRelativePath(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 1000) return false;
  const p = v.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || /^[a-z][\w+.-]*:/i.test(p)) return false;
  return p.split('/').every((part) => part !== '..' && part !== '');
}

// ---- writing ----

/** The file's text: what "Share this setup" writes (parseLabFile reads it back to the same value). */
export function labFileText(lab: LabFile): string {
  const head: Record<string, unknown> = { version: LAB_FILE_VERSION, panel: lab.panel };
  if (lab.instruction !== undefined) head.instruction = lab.instruction;
  let body: Record<string, unknown>;
  if (lab.panel === 'train') {
    const { dataset, ...rest } = lab.config;
    body = {
      train: {
        ...rest,
        dataset: dataset.kind === 'folder' ? { folder: dataset.path } : dataset.kind,
      },
    };
  } else if (lab.panel === 'lab') body = { lab: lab.lab, state: lab.state };
  else {
    const { panel: _p, instruction: _i, lock: _l, hide: _h, ...rest } = lab;
    body = rest;
  }
  const tail: Record<string, unknown> = {};
  if (lab.lock.length) tail.lock = lab.lock;
  if (lab.hide.length) tail.hide = lab.hide;
  return `${JSON.stringify({ ...head, ...body, ...tail }, null, 2)}\n`;
}

/** The default name of a shared setup: what it is about, e.g. train-lr10, lab-descent, check-cross_entropy_error. */
export function labFileName(lab: LabFile): string {
  const safe = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 60);
  const stem =
    lab.panel === 'train'
      ? `train-lr${lab.config.learningRate}`
      : lab.panel === 'lab'
        ? `lab-${lab.lab}`
        : `check-${safe(lab.function)}`;
  return `${safe(stem)}${LAB_FILE_SUFFIX}`;
}

/** A setup the page sent, with every locked control put back to the lab file's value (locks cannot be shared away). */
export function keepLocked<L extends LabFile>(shared: L, opened: LabFile | undefined): L {
  if (!opened || opened.panel !== shared.panel) return shared;
  const out = { ...shared, lock: opened.lock, hide: opened.hide, instruction: opened.instruction } as L;
  if (out.instruction === undefined) delete out.instruction;
  if (out.panel === 'train' && opened.panel === 'train') {
    const config = { ...out.config } as unknown as Record<string, unknown>;
    const from = opened.config as unknown as Record<string, unknown>;
    for (const c of opened.lock) {
      if (from[c] === undefined) delete config[c];
      else config[c] = from[c];
    }
    (out as TrainLabFile).config = config as unknown as RunConfig;
  } else if (out.panel === 'lab' && opened.panel === 'lab' && out.lab === opened.lab) {
    const state = { ...out.state };
    for (const c of opened.lock) {
      if (opened.state[c] === undefined) delete state[c];
      else state[c] = opened.state[c];
    }
    (out as LabLabFile).state = state;
  } else if (out.panel === 'gradcheck' && opened.panel === 'gradcheck') {
    const o = out as GradcheckLabFile;
    for (const c of opened.lock) {
      const key = c as GradcheckControl;
      if (opened[key] === undefined) delete o[key];
      else (o as unknown as Record<string, unknown>)[key] = opened[key];
    }
  }
  return out;
}

/** Whether a run config keeps every locked value of the lab file (the extension ignores one that does not). */
export function keepsTrainLocks(config: RunConfig, opened: TrainLabFile | undefined): boolean {
  if (!opened) return true;
  const a = config as unknown as Record<string, unknown>;
  const b = opened.config as unknown as Record<string, unknown>;
  return opened.lock.every((c) => JSON.stringify(a[c]) === JSON.stringify(b[c]));
}
