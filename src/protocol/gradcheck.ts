/**
 * The gradient check panel's messages (issue 4): what the extension sends the page (all text
 * already translated and numbers already formatted — the page only lays out), what the page may
 * ask for (validated here: a webview is untrusted input), and the page's English string table.
 * Pure: imported by the extension and the page.
 */
import { ProtocolError, messageType, num, oneOf, str } from './validate';
import { INSIDE_FROM_WEBVIEW, InsideFromWebview, InsideToWebview, parseInsideMessage } from './inside';
import type { GradcheckControl } from './labFile';
import { LAB_PAGE_STRINGS } from './labFileStrings';
import { STUDY_NOTE_TYPES, StudyNoteFromWebview, parseStudyNoteMessage } from './studyNote';

export const GRADCHECK_VIEW_TYPE = 'gradientLab.checkGradient';

export type GradcheckVerdict = 'pass' | 'fail' | 'error' | 'numerical-only';
export type PresetChoice = 'function_2' | 'book-yt-1' | 'book-yt-2' | 'book-yt-batch' | 'simpleNet';
export const PRESET_CHOICES: readonly PresetChoice[] = [
  'function_2',
  'book-yt-1',
  'book-yt-2',
  'book-yt-batch',
  'simpleNet',
];

/** What is being checked and with what: the form at the top of the panel. */
export interface SetupView {
  fileName: string;
  language: 'python' | 'javascript' | 'typescript';
  /** e.g. "cross_entropy_error(y, t)". */
  signature: string;
  line: number;
  /** '' = no hand-written gradient; otherwise a function's qualified name. */
  gradient: string;
  gradientChoices: { value: string; label: string }[];
  wrt: string;
  wrtChoices: string[];
  h: number;
  batchSize: number;
  seed: number;
  inputsText: string;
  presets: { id: PresetChoice; label: string }[];
  /** A lab file's locked and hidden controls and its instruction (src/protocol/labFile.ts). */
  lab?: { lock: GradcheckControl[]; hide: GradcheckControl[]; instruction?: string };
}

export interface RowView {
  element: string;
  x: string;
  numerical: string;
  analytic: string;
  absError: string;
  relError: string;
  /** true: passes; false: fails; null: nothing to compare with. */
  ok: boolean | null;
}

export interface ChartView {
  element: string;
  hs: number[];
  forward: number[];
  central: number[];
  /** Caption: what the errors are measured against. */
  caption: string;
}

export interface ResultView {
  verdict: GradcheckVerdict;
  headline: string;
  /** Plain-language diagnosis, one paragraph per finding. */
  messages: string[];
  codes: string[];
  /** How it was checked, when not the plain case (dout, where the gradient came from, the constructor). */
  notes?: string[];
  /** A dict of parameters (self.params): one table per group. */
  groups?: { wrt: string; verdict: GradcheckVerdict; headline: string; rows: RowView[]; hasAnalytic: boolean }[];
  /** Where in the learner's file an error points (for "Go to line"). */
  location?: { label: string; line: number; source?: string };
  thresholds: string;
  recognised?: string;
  rows: RowView[];
  hasAnalytic: boolean;
  chart: ChartView | null;
  stats: string;
}

export type GradcheckToWebview =
  | { type: 'setup'; setup: SetupView }
  | { type: 'inputs'; inputsText: string; wrt: string }
  | { type: 'running' }
  | { type: 'result'; result: ResultView }
  | InsideToWebview;

export type GradcheckFromWebview =
  | { type: 'ready' }
  | { type: 'run'; gradient: string; wrt: string; h: number; inputsText: string }
  /** "Share this setup": the form as it is. */
  | { type: 'share'; gradient: string; wrt: string; h: number; inputsText: string }
  | { type: 'preset'; id: PresetChoice }
  | { type: 'generate'; batchSize: number; seed: number }
  | { type: 'reveal'; line: number }
  | { type: 'cancel' }
  | InsideFromWebview
  | StudyNoteFromWebview;

const FROM_WEBVIEW = [
  'ready',
  'run',
  'share',
  'preset',
  'generate',
  'reveal',
  'cancel',
  ...INSIDE_FROM_WEBVIEW,
  ...STUDY_NOTE_TYPES,
] as const;

export const WRT_PATH = /^[A-Za-z_$][\w$]*(\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*('[^'\\]*'|"[^"\\]*"|\d+)\s*\])*$/;

/** The largest inputs text the panel accepts (about 100k numbers). */
export const MAX_INPUTS_CHARS = 2_000_000;

/** Validates a message from the page; throws ProtocolError naming what is wrong. */
export function parseGradcheckMessage(msg: unknown): GradcheckFromWebview {
  const { type, body } = messageType(msg, FROM_WEBVIEW);
  switch (type) {
    case 'ready':
    case 'cancel':
      return { type };
    case 'run':
    case 'share': {
      const gradient = str(body, 'gradient', 200);
      const wrt = str(body, 'wrt', 200);
      // A function of the file, of a file beside it (`./grad.ts:gradient`, from the picker), or the loss's own.
      if (
        gradient !== '' &&
        gradient !== '@returned' &&
        !/^(\.\/[\w.-]+\.[cm]?[jt]s:)?[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(gradient)
      ) {
        throw new ProtocolError('gradient must be a function name');
      }
      // A name or a path: W, self.W, self.params['W1'], net.params["b2"].
      if (!WRT_PATH.test(wrt)) throw new ProtocolError("wrt must be a parameter name or a path like self.params['W1']");
      return {
        type,
        gradient,
        wrt,
        h: num(body, 'h', { min: 1e-300, max: 1 }),
        inputsText: str(body, 'inputsText', MAX_INPUTS_CHARS),
      };
    }
    case 'preset':
      return { type, id: oneOf(body, 'id', PRESET_CHOICES) };
    case 'generate':
      return {
        type,
        batchSize: num(body, 'batchSize', { min: 1, max: 1000, integer: true }),
        seed: num(body, 'seed', { min: 0, max: 2 ** 31, integer: true }),
      };
    case 'reveal':
      return { type, line: num(body, 'line', { min: 1, max: 10_000_000, integer: true }) };
    case 'replay':
    case 'trace':
      return parseInsideMessage(type, body);
    case 'studyNote':
      return parseStudyNoteMessage(type, body);
  }
}

/** The page's English strings (translated by the extension with vscode.l10n.t). */
export const GRADCHECK_STRINGS = {
  title: 'Check Gradient',
  loss: 'Loss',
  line: 'line {0}',
  goToFunction: 'Go to the function',
  gradient: 'Hand-written gradient',
  noGradient: '(none: numerical gradient only)',
  returnedGradient: 'returned by the loss with it (loss, grad)',
  howChecked: 'How it was checked',
  groupTable: '{0}: {1}',
  wrt: 'Differentiate with respect to',
  h: 'Step h',
  inputs: 'Inputs (JSON: argument name → number or nested array)',
  preset: 'Book example',
  presetNone: '(choose)',
  batchSize: 'Batch size',
  seed: 'Seed',
  generate: 'Generate inputs',
  run: 'Check gradient',
  cancel: 'Stop',
  running: 'Checking…',
  stopped: 'The check was stopped.',
  invalidJson: 'The inputs are not valid JSON: {0}',
  invalidInputs: 'The inputs must be an object of argument name → number or nested array.',
  invalidH: 'h must be a positive number no larger than 1.',
  verdictPass: 'PASS',
  verdictFail: 'FAIL',
  verdictError: 'ERROR',
  verdictNumericalOnly: 'NUMERICAL ONLY',
  diagnosis: 'Diagnosis',
  goToLine: 'Go to line {0}',
  elements: 'Elements, worst first',
  numericalOnly: 'Numerical gradient',
  element: 'Element',
  x: 'Value',
  numerical: 'Numerical',
  analytic: 'Yours',
  absError: 'Abs. error',
  relError: 'Rel. error',
  status: 'Result',
  passes: 'passes',
  fails: 'fails',
  showAll: 'Show all {0}',
  errorVsH: 'Error vs h: forward and central differences on your function',
  forward: 'forward (f(x+h) − f(x)) / h',
  central: 'central (f(x+h) − f(x−h)) / 2h',
  axisH: 'h',
  axisError: 'relative error',
  chartLabel: 'Log-log chart of the relative error of forward and central differences against the step h',
  nothingYet: 'Run the check to see the result.',
  ...LAB_PAGE_STRINGS,
} as const;

export type GradcheckStrings = { [K in keyof typeof GRADCHECK_STRINGS]: string };
