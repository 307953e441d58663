/**
 * Messages between the extension and the chapter-4 labs page (webview/labs), and the page's
 * English string table. The page is view-only: it computes with src/core in the browser and
 * tells the extension which lab it shows, so the walkthrough can tick that step off.
 */
import { type Json, isRecord, messageType, oneOf } from './validate';
import { STUDY_NOTE_TYPES, StudyNoteFromWebview, parseStudyNoteMessage } from './studyNote';
import { LAB_PAGE_STRINGS } from './labFileStrings';

export const LAB_IDS = ['loss', 'tangent', 'errorH', 'field', 'descent', 'simpleNet', 'saddle'] as const;
export type LabId = (typeof LAB_IDS)[number];

/**
 * Context keys that tick a step off (`onContext:<key>` in package.json). A step is done when the
 * learner does the thing: a lab was shown, a training run finished, a gradient check passed.
 */
export const PROGRESS_KEYS = {
  lossLab: 'gradientLab.tutorial.lossLab',
  diffLab: 'gradientLab.tutorial.diffLab',
  gradientLab: 'gradientLab.tutorial.gradientLab',
  descentLab: 'gradientLab.tutorial.descentLab',
  simpleNetLab: 'gradientLab.tutorial.simpleNetLab',
  /** Set by the training panel when a run finishes. */
  trainingFinished: 'gradientLab.trainingFinished',
  /** Set when an exercise check or a Check Gradient run passes. */
  gradientCheckPassed: 'gradientLab.gradientCheckPassed',
} as const;

export type ProgressKey = (typeof PROGRESS_KEYS)[keyof typeof PROGRESS_KEYS];

export function isLabId(v: unknown): v is LabId {
  return typeof v === 'string' && (LAB_IDS as readonly string[]).includes(v);
}

/**
 * A lab file's setup of one lab (src/protocol/labFile.ts): the lab's state to start from, the
 * controls locked and hidden, the instruction in the display language. `seq` numbers each opening,
 * so a page that reloads applies the file's values once.
 */
export interface LabSetupView {
  seq: number;
  state: Record<string, Json>;
  lock: string[];
  hide: string[];
  instruction?: string;
}

/** What the extension puts in the page at start (renderPage's `data`). */
export interface LabPageData {
  lab: LabId;
  setup?: LabSetupView;
}

// ---- to the webview ----
export interface ShowLabMessage {
  type: 'showLab';
  lab: LabId;
  /** A lab file's setup for this lab; null: none (every control free). */
  setup?: LabSetupView | null;
}
export type ToLabMessage = ShowLabMessage;

// ---- from the webview ----
export interface LabReadyMessage {
  type: 'ready';
}
/** Sent whenever a lab becomes visible (at start, from the switcher, after showLab). */
export interface LabShownMessage {
  type: 'labShown';
  lab: LabId;
}
export interface OpenTutorialMessage {
  type: 'openTutorial';
}
/** "Share this setup": the lab shown and its state as the page keeps it (checked by the lab-file parser). */
export interface ShareLabMessage {
  type: 'share';
  lab: LabId;
  state: Record<string, unknown>;
}
export type FromLabMessage =
  | LabReadyMessage
  | LabShownMessage
  | OpenTutorialMessage
  | ShareLabMessage
  | StudyNoteFromWebview;

const FROM_LAB_TYPES = ['ready', 'labShown', 'openTutorial', 'share', ...STUDY_NOTE_TYPES] as const;

/** Checks a message from the labs page; throws ProtocolError naming what is wrong. */
export function validateFromLab(msg: unknown): FromLabMessage {
  const { type, body } = messageType(msg, FROM_LAB_TYPES);
  switch (type) {
    case 'labShown':
      return { type, lab: oneOf(body, 'lab', LAB_IDS) };
    case 'share':
      return { type, lab: oneOf(body, 'lab', LAB_IDS), state: isRecord(body.state) ? body.state : {} };
    case 'ready':
    case 'openTutorial':
      return { type };
    case 'studyNote':
      return parseStudyNoteMessage(type, body);
  }
}

/**
 * The labs page's English UI text. The extension translates it with vscode.l10n.t
 * (src/l10n/ko/tutorial.json) and injects it; the page reads it with strings(LAB_STRINGS).
 * Formulas stay as they are in every language.
 */
export const LAB_STRINGS = {
  pageTitle: 'Gradient Lab: chapter 4 labs',
  labsNav: 'Chapter 4 labs',
  backToTutorial: 'Back to the walkthrough',
  invalidNumber: 'Enter a number.',
  ...LAB_PAGE_STRINGS,

  'lab.loss': 'Loss functions',
  'lab.tangent': 'Derivative and tangent',
  'lab.errorH': 'Error vs h',
  'lab.field': 'Gradient field',
  'lab.descent': 'Gradient descent',
  'lab.simpleNet': 'simpleNet gradient',
  'lab.saddle': 'Saddle points and plateaus',

  lossIntro:
    'y is what the network outputs (softmax probabilities, one per class) and t is the one-hot label. Edit y or pick the correct class: both losses follow.',
  lossCorrectClass: 'Correct class (t)',
  lossOutput: 'y for class {0}',
  lossPreset1: 'Book example 1: "2" is most likely',
  lossPreset2: 'Book example 2: "7" is most likely',
  lossSse: 'Sum of squares error',
  lossCee: 'Cross entropy error',
  lossSum: 'Σy = {0}',
  lossSumWarning: 'A softmax output sums to 1; this y sums to {0}.',
  lossWhy:
    'Cross entropy looks only at the correct class: it is −log(y + 1e-7) for that class, so it is small when the network is confident and right, and grows fast when it is confident and wrong.',
  lossChart: 'Bar chart of y for each class; the correct class is highlighted.',
  lossOutputSeries: 'y',

  tangentIntro:
    'f(x) = 0.01x² + 0.1x. Drag the point on the curve (or use the slider) to move x: the tangent line has the numerical derivative as its slope.',
  tangentX: 'x',
  tangentFx: 'f(x)',
  tangentNumeric: 'Numerical derivative (central difference, h = 1e-4)',
  tangentTrue: 'True derivative 0.02x + 0.1',
  tangentDiff: 'Difference',
  tangentCurve: 'f(x)',
  tangentLine: 'Tangent at x = {0}',
  tangentChart: 'Plot of f(x) = 0.01x² + 0.1x with its tangent line at x; drag the point to move x.',
  tangentWhy:
    'The difference is not 0: the numerical derivative is an approximation, off by rounding error in the last digits.',

  errorHIntro:
    'How far is a numerical derivative from the true one, for each h? A large h leaves truncation error, a tiny h drowns in rounding error. The central difference is accurate with a larger h than the forward difference.',
  errorHFunction: 'Function to differentiate',
  errorHBook: 'f(x) = 0.01x² + 0.1x at x = 5 (the book)',
  errorHSin: 'f(x) = sin(x) at x = 1',
  errorHForward: 'Forward difference (f(x+h) − f(x)) / h',
  errorHCentral: 'Central difference (f(x+h) − f(x−h)) / 2h',
  errorHAxisError: '|numerical − true|',
  errorHPick: 'h (try 1e-50, 1e-4, 1e-1)',
  errorHYours: 'your h = {0}',
  errorHMarked: '× on the chart: your h = {0} (forward error {1}, central error {2}); the h axis reaches {3}.',
  errorHMethod: 'Difference method',
  errorHEstimate: 'Numerical derivative',
  errorHError: 'Absolute error',
  errorHTrue: 'True derivative: {0}',
  errorHVanished:
    'x + h == x in floating point: f(x + h) is f(x), so the difference is exactly 0 and the slope comes out as 0. That is rounding error, not the derivative.',
  errorHZeroDrawn: 'An error of exactly 0 is drawn at 1e-17: a log axis cannot show 0.',
  errorHChart: 'Log–log chart of the error of forward and central differences against h.',

  fieldIntro:
    'Arrows show −∇f for f(x0, x1) = x0² + x1²: each points where f falls fastest, and arrows grow with the distance from the minimum. Click the plot or type a point to inspect it.',
  fieldX0: 'x0',
  fieldX1: 'x1',
  fieldBookPoints: 'Book points',
  fieldNumeric: 'numerical_gradient(f, x)',
  fieldAnalytic: 'Analytic gradient (2·x0, 2·x1)',
  fieldOutside: 'This point lies outside the plotted area [−2, 2]².',
  fieldChart: 'Arrow field of the negative gradient of x0² + x1² over [−2, 2]²; click to inspect a point.',

  descentIntro:
    'Gradient descent x ← x − η∇f(x) on f = x0² + x1², from (−3, 4). Slide the learning rate η (log scale) and watch the path.',
  descentLr: 'Learning rate η (log scale)',
  descentLrExact: 'η',
  descentSteps: 'Steps (step_num)',
  descentReplay: 'Replay the path',
  descentEnd: 'After {0} steps: x = ({1}, {2})',
  descentConverged: 'Converged: the path reaches the minimum (0, 0).',
  descentDiverged: 'Diverged: the learning rate is too large, every step overshoots further than the last.',
  descentStalled: 'Stalled: the learning rate is too small, x moved only {0} in total.',
  descentOnTheWay: 'On the way: more steps or a larger learning rate would get closer to (0, 0).',
  descentPath: 'Descent path',
  descentStart: 'Start point',
  descentChart: 'Contours of x0² + x1² with the gradient descent path from (−3, 4).',

  simpleNetIntro:
    'simpleNet has one weight matrix W (2×3) and loss = cross_entropy_error(softmax(x·W), t) with x = (0.6, 0.9) and t = (0, 0, 1). dW says how the loss changes when each weight moves a little.',
  simpleNetW: 'W',
  simpleNetPredict: 'x·W',
  simpleNetSoftmax: 'softmax(x·W)',
  simpleNetArgmax: 'Predicted class (argmax)',
  simpleNetLoss: 'Loss (cross entropy error)',
  simpleNetDw: 'dW = numerical_gradient(f, W)',
  simpleNetReroll: 'Re-roll W',
  simpleNetBookW: 'Book W #{0}',
  simpleNetStep: 'One step: W ← W − 0.1·dW',
  simpleNetLossChange: 'The loss went from {0} to {1}.',
  simpleNetHint:
    'A negative entry of dW means that increasing that weight lowers the loss; a step of gradient descent moves every weight against its gradient.',
  simpleNetChart: 'Bar chart of the six entries of dW.',

  saddleIntro:
    'A zero gradient does not always mean a minimum. Run gradient descent on these surfaces and see where it stops.',
  saddleSurface: 'Surface to descend',
  saddleSaddle: 'Saddle: f = x0² − x1²',
  saddlePlateau: 'Plateau: f = 1 − exp(−(x0² + x1²))',
  saddleStartOnRidge: 'Start on the ridge (1.5, 0)',
  saddleStartNudged: 'Start just off it (1.5, 0.01)',
  saddleStartFar: 'Start far out (2.5, 2.5)',
  saddleStartNear: 'Start near the bowl (1, 0.5)',
  saddleEnd: 'After {0} steps (η = {1}): x = ({2}, {3}), f = {4}, |∇f| = {5}',
  saddleAtSaddle:
    'Stopped at a saddle point: the gradient is 0 there, yet f still falls along x1. Gradient descent cannot tell.',
  saddleEscaped: 'Escaped the saddle: the tiny push along x1 doubles every few steps and the path slides off downhill.',
  saddleOnPlateau:
    'Stuck on a plateau: the surface is almost flat, so each step moves almost nothing and learning stalls.',
  saddleAtMinimum: 'Reached the minimum: here a zero gradient does mean the bottom.',
  saddleScaleTitle: 'f(x0, x1):',
  saddleScale: 'Colour scale: faint is f ≤ {0}, strong is f ≥ {1}.',
  saddleChart: 'Shaded surface with the gradient descent path.',
} as const;

export type LabStrings = { [K in keyof typeof LAB_STRINGS]: string };
