/**
 * What "Check my solution" checks in the chapter-4 exercise file: the book's values (copied from
 * test-vectors.json, recomputed with numpy float64) and the gradient check. The value checks run
 * in media/exercises/check_exercise.py (Python) or exerciseWorker.ts (JavaScript); the gradient
 * checks in the gradient checker of src/gradcheck.
 * No vscode import.
 */
import { BOOK_T, BOOK_Y } from '../gradcheck/run/inputs';

export type ExerciseLanguage = 'python' | 'javascript';

/** The functions the learner writes, by their name in each language. */
export const EXERCISES = {
  sumSquaresError: { python: 'sum_squares_error', javascript: 'sumSquaresError' },
  crossEntropyError: { python: 'cross_entropy_error', javascript: 'crossEntropyError' },
  crossEntropyErrorGrad: { python: 'cross_entropy_error_grad', javascript: 'crossEntropyErrorGrad' },
  numericalDiff: { python: 'numerical_diff', javascript: 'numericalDiff' },
  numericalGradient: { python: 'numerical_gradient', javascript: 'numericalGradient' },
  gradientDescent: { python: 'gradient_descent', javascript: 'gradientDescent' },
} as const;
export type ExerciseName = keyof typeof EXERCISES;
export const EXERCISE_NAMES = Object.keys(EXERCISES) as ExerciseName[];

/**
 * An argument as the harnesses build it: a number, an array (numpy float64 array in Python,
 * a plain Array in JavaScript), or one of the book's functions supplied by the harness.
 */
export type CheckArg = number | { array: number[] | number[][] } | { fn: 'function_1' | 'function_2' | 'cube' };

export interface Tolerance {
  rel?: number;
  abs?: number;
}

/** Things a wrong answer can be recognised as, to give a specific hint (see exerciseVerdict.ts). */
export type Diagnosis =
  | 'missingHalf'
  | 'missingDelta'
  | 'missingMinus'
  | 'notAveraged'
  | 'forwardDifference'
  | 'hTypo'
  | 'precedence'
  | 'hTooSmall'
  | 'notRestored'
  | 'descentUsesGradient';

export interface ValueCheck {
  kind: 'value';
  id: string;
  exercise: ExerciseName;
  args: CheckArg[];
  expected: number | number[];
  tol: Tolerance;
  /** Index of an array argument the function must leave as it found it. */
  restores?: number;
  /** The batch size, for recognising a missing `/ batch_size`. */
  batch?: number;
  diagnose: Diagnosis[];
}

/**
 * The learner's analytic gradient against central differences of their own loss, run by the
 * gradient checker (src/gradcheck, through gradcheckAdapter.ts) with its diagnosis.
 */
export interface GradientCheck {
  kind: 'gradient';
  id: string;
  exercise: ExerciseName;
  loss: ExerciseName;
  /** The loss's arguments by parameter name (the templates call them y and t). */
  inputs: Record<string, number[] | number[][]>;
  /** Which input the gradient is taken with respect to. */
  wrt: string;
  /**
   * Whose loss the numerical gradient differentiates: the learner's own `loss`, or the book's
   * (REFERENCE_LOSSES, whose values are the test vectors'): a gradient that matches a wrong
   * loss passes the first and fails the second.
   */
  against: 'own' | 'book';
}

export type ExerciseCheck = ValueCheck | GradientCheck;

const [BOOK_Y1, BOOK_Y2] = BOOK_Y;
const T2 = BOOK_T;
/** Like the book's y but without zeros, so y − h stays inside log's domain for the gradient check. */
const Y_NO_ZEROS = [0.1, 0.05, 0.6, 0.02, 0.05, 0.1, 0.01, 0.05, 0.01, 0.01];
const Y_BATCH = [
  [0.2, 0.5, 0.3],
  [0.1, 0.1, 0.8],
];
const T_BATCH = [
  [0, 1, 0],
  [0, 0, 1],
];

/** Values from test-vectors.json; the relative tolerance 1e-9 is the vectors' own. */
export const EXERCISE_CHECKS: readonly ExerciseCheck[] = [
  {
    kind: 'value',
    id: 'sse-example-1',
    exercise: 'sumSquaresError',
    args: [{ array: BOOK_Y1 }, { array: T2 }],
    expected: 0.09750000000000003,
    tol: { rel: 1e-9 },
    diagnose: ['missingHalf'],
  },
  {
    kind: 'value',
    id: 'sse-example-2',
    exercise: 'sumSquaresError',
    args: [{ array: BOOK_Y2 }, { array: T2 }],
    expected: 0.5975,
    tol: { rel: 1e-9 },
    diagnose: ['missingHalf'],
  },
  {
    kind: 'value',
    id: 'cee-example-1',
    exercise: 'crossEntropyError',
    args: [{ array: BOOK_Y1 }, { array: T2 }],
    expected: 0.510825457099338,
    tol: { rel: 1e-9 },
    diagnose: ['missingDelta', 'missingMinus'],
  },
  {
    kind: 'value',
    id: 'cee-example-2',
    exercise: 'crossEntropyError',
    args: [{ array: BOOK_Y2 }, { array: T2 }],
    expected: 2.302584092994546,
    tol: { rel: 1e-9 },
    diagnose: ['missingDelta', 'missingMinus'],
  },
  {
    kind: 'value',
    id: 'cee-batch',
    exercise: 'crossEntropyError',
    args: [{ array: [BOOK_Y1, BOOK_Y2] }, { array: [T2, T2] }],
    expected: 1.406704775046942,
    tol: { rel: 1e-9 },
    batch: 2,
    diagnose: ['notAveraged', 'missingDelta', 'missingMinus'],
  },
  {
    kind: 'gradient',
    id: 'cee-grad-single',
    exercise: 'crossEntropyErrorGrad',
    loss: 'crossEntropyError',
    inputs: { y: Y_NO_ZEROS, t: T2 },
    wrt: 'y',
    against: 'own',
  },
  {
    kind: 'gradient',
    id: 'cee-grad-batch',
    exercise: 'crossEntropyErrorGrad',
    loss: 'crossEntropyError',
    inputs: { y: Y_BATCH, t: T_BATCH },
    wrt: 'y',
    against: 'own',
  },
  {
    kind: 'gradient',
    id: 'cee-grad-book-single',
    exercise: 'crossEntropyErrorGrad',
    loss: 'crossEntropyError',
    inputs: { y: Y_NO_ZEROS, t: T2 },
    wrt: 'y',
    against: 'book',
  },
  {
    kind: 'gradient',
    id: 'cee-grad-book-batch',
    exercise: 'crossEntropyErrorGrad',
    loss: 'crossEntropyError',
    inputs: { y: Y_BATCH, t: T_BATCH },
    wrt: 'y',
    against: 'book',
  },
  {
    kind: 'value',
    id: 'diff-at-5',
    exercise: 'numericalDiff',
    args: [{ fn: 'function_1' }, 5],
    expected: 0.1999999999990898,
    tol: { rel: 1e-9 },
    diagnose: ['precedence', 'hTooSmall', 'forwardDifference'],
  },
  {
    kind: 'value',
    id: 'diff-at-10',
    exercise: 'numericalDiff',
    args: [{ fn: 'function_1' }, 10],
    expected: 0.2999999999986347,
    tol: { rel: 1e-9 },
    diagnose: ['precedence', 'hTooSmall', 'forwardDifference'],
  },
  // Not in the vectors: on a quadratic every h gives the same central difference, so a cubic
  // is what tells h = 1e-4 from the notes' typo h = 10e-4 (= 1e-3). (2+h)³ − (2−h)³ over 2h = 12 + h².
  {
    kind: 'value',
    id: 'diff-cube',
    exercise: 'numericalDiff',
    args: [{ fn: 'cube' }, 2],
    expected: 12.00000001000845,
    tol: { rel: 1e-9 },
    diagnose: ['precedence', 'hTypo', 'hTooSmall', 'forwardDifference'],
  },
  {
    kind: 'value',
    id: 'gradient-3-4',
    exercise: 'numericalGradient',
    args: [{ fn: 'function_2' }, { array: [3, 4] }],
    expected: [6.00000000000378, 7.999999999999119],
    tol: { abs: 1e-9 },
    restores: 1,
    diagnose: ['notRestored'],
  },
  {
    kind: 'value',
    id: 'gradient-0-2',
    exercise: 'numericalGradient',
    args: [{ fn: 'function_2' }, { array: [0, 2] }],
    expected: [0, 4],
    tol: { abs: 1e-6 },
    restores: 1,
    diagnose: ['notRestored'],
  },
  {
    kind: 'value',
    id: 'gradient-3-0',
    exercise: 'numericalGradient',
    args: [{ fn: 'function_2' }, { array: [3, 0] }],
    expected: [6, 0],
    tol: { abs: 1e-6 },
    restores: 1,
    diagnose: ['notRestored'],
  },
  {
    kind: 'value',
    id: 'descent-lr-0.1',
    exercise: 'gradientDescent',
    args: [{ fn: 'function_2' }, { array: [-3, 4] }, 0.1, 100],
    expected: [-6.11110793e-10, 8.14814391e-10],
    tol: { rel: 1e-6 },
    diagnose: ['descentUsesGradient'],
  },
  {
    kind: 'value',
    id: 'descent-lr-10',
    exercise: 'gradientDescent',
    args: [{ fn: 'function_2' }, { array: [-3, 4] }, 10, 100],
    expected: [-25898374700000, -1295248620000],
    tol: { rel: 1e-6 },
    diagnose: ['descentUsesGradient'],
  },
  {
    kind: 'value',
    id: 'descent-lr-1e-10',
    exercise: 'gradientDescent',
    args: [{ fn: 'function_2' }, { array: [-3, 4] }, 1e-10, 100],
    expected: [-2.99999994, 3.99999992],
    tol: { abs: 1e-7 },
    diagnose: ['descentUsesGradient'],
  },
];

export function checksFor(exercise?: ExerciseName): ExerciseCheck[] {
  return EXERCISE_CHECKS.filter((c) => !exercise || c.exercise === exercise);
}

export const isValueCheck = (c: ExerciseCheck): c is ValueCheck => c.kind === 'value';
export const isGradientCheck = (c: ExerciseCheck): c is GradientCheck => c.kind === 'gradient';

export function functionName(exercise: ExerciseName, language: ExerciseLanguage): string {
  return EXERCISES[exercise][language];
}

/**
 * The book's losses, appended to the learner's file under a reserved name for the checks
 * `against: 'book'` (a unit test checks they give the test vectors' values). A name no learner
 * writes, so it never meets theirs.
 */
export const REFERENCE_LOSSES: Partial<
  Record<ExerciseName, Record<ExerciseLanguage, { name: string; source: string }>>
> = {
  crossEntropyError: {
    python: {
      name: 'gradient_lab_book_cross_entropy_error',
      source: [
        '',
        '',
        'def gradient_lab_book_cross_entropy_error(y, t):',
        '    import numpy',
        '    y = numpy.asarray(y, dtype=float)',
        '    t = numpy.asarray(t, dtype=float)',
        '    if y.ndim == 1:',
        '        t = t.reshape(1, t.size)',
        '        y = y.reshape(1, y.size)',
        '    batch_size = y.shape[0]',
        '    return -numpy.sum(t * numpy.log(y + 1e-7)) / batch_size',
        '',
      ].join('\n'),
    },
    javascript: {
      name: 'gradientLabBookCrossEntropyError',
      source: [
        '',
        '',
        'function gradientLabBookCrossEntropyError(y, t) {',
        '  const ys = Array.isArray(y[0]) ? y : [y];',
        '  const ts = Array.isArray(t[0]) ? t : [t];',
        '  let e = 0;',
        '  for (let n = 0; n < ys.length; n++) for (let k = 0; k < ys[n].length; k++) e -= ts[n][k] * Math.log(ys[n][k] + 1e-7);',
        '  return e / ys.length;',
        '}',
        '',
      ].join('\n'),
    },
  },
};

/** The checks the walkthrough's "check your own gradient" step stands for: the loss and its gradient, against both losses. */
export const GRADIENT_STEP_EXERCISES: readonly ExerciseName[] = ['crossEntropyError', 'crossEntropyErrorGrad'];

/** The step is done when the last verdict of every one of its checks is a pass. */
export function gradientStepDone(verdicts: readonly { id: string; status: string }[]): boolean {
  const last = new Map(verdicts.map((v) => [v.id, v.status]));
  return EXERCISE_CHECKS.filter((c) => GRADIENT_STEP_EXERCISES.includes(c.exercise)).every(
    (c) => last.get(c.id) === 'pass',
  );
}
