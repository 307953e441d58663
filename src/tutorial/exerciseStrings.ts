/**
 * English text of exercise check results, translated by the extension with vscode.l10n.t
 * (Korean in src/l10n/ko/tutorial.json). Placeholders {0}, {1} are filled in by the caller.
 */
export const EXERCISE_STRINGS = {
  'check.sse-example-1': 'book example 1 (y favours "2", the label is 2)',
  'check.sse-example-2': 'book example 2 (y favours "7", the label is 2)',
  'check.cee-example-1': 'book example 1 (y favours "2", the label is 2)',
  'check.cee-example-2': 'book example 2 (y favours "7", the label is 2)',
  'check.cee-batch': 'a batch of the two book examples (one-hot t)',
  'check.cee-grad-single': 'gradient check against your cross entropy error, one example',
  'check.cee-grad-batch': 'gradient check against your cross entropy error, a batch of 2',
  'check.cee-grad-book-single': 'gradient check against the book’s cross entropy error (δ = 1e-7), one example',
  'check.cee-grad-book-batch': 'gradient check against the book’s cross entropy error (δ = 1e-7, / N), a batch of 2',
  'check.diff-at-5': 'function_1 at x = 5',
  'check.diff-at-10': 'function_1 at x = 10',
  'check.diff-cube': 'x³ at x = 2 (tells h = 1e-4 from h = 1e-3)',
  'check.gradient-3-4': 'function_2 at (3, 4)',
  'check.gradient-0-2': 'function_2 at (0, 2)',
  'check.gradient-3-0': 'function_2 at (3, 0)',
  'check.descent-lr-0.1': 'from (−3, 4), lr = 0.1, 100 steps',
  'check.descent-lr-10': 'from (−3, 4), lr = 10, 100 steps (diverges in the book too)',
  'check.descent-lr-1e-10': 'from (−3, 4), lr = 1e-10, 100 steps (barely moves in the book too)',

  gotExpected: 'got {0}, as the book does',
  expectedGot: 'expected {0}, got {1}',
  expectedNumber: 'returned {0} numbers where one number was expected ({1})',
  wrongLength: 'returned {0} numbers where {1} were expected',
  notNumbers: 'did not return numbers (expected {0})',
  returnedNothing: 'returned nothing (None / undefined)',
  inputChanged: 'the result is right, but x was changed: after the call it is {0}, before it was {1}',
  todo: '{0} is still a TODO',
  missing: 'there is no function named {0} in the file',
  timeout: 'stopped: it ran longer than the time limit',
  raised: '{0}: {1}',
  notRun: 'this check did not run',
  line: 'line {0}',

  hintFinishTodo: 'Replace the TODO line with your code and return the result.',
  hintMissing: 'Keep the function name {0} from the template: the checks call it by name.',
  hintTimeout: 'Look for a loop that never ends (a while loop, or a for loop over the wrong range).',
  hintMissingHalf: 'Sum of squares error has a factor ½ in front: E = ½ Σ (y − t)².',
  hintMissingDelta: 'log(0) is −∞: add a tiny delta inside the log, log(y + 1e-7).',
  hintMissingMinus: 'The sign is flipped: cross entropy error is −Σ t log(y + δ), with a minus in front.',
  hintNotAveraged:
    'For a batch, divide the sum by the batch size N (the number of rows of y): the batch loss is an average.',
  hintForwardDifference:
    'This is what a forward difference (f(x+h) − f(x)) / h gives. Use the central difference (f(x+h) − f(x−h)) / (2*h).',
  hintHTypo: 'This is what h = 1e-3 gives. 10e-4 means 10 × 10⁻⁴ = 1e-3; write h = 1e-4.',
  hintPrecedence: 'Brackets: "/ 2*h" divides by 2 and then multiplies by h. Write "/ (2*h)".',
  hintHTooSmall: 'The result is 0: h is so small that x + h == x in floating point. Use h = 1e-4.',
  hintNotRestored:
    'Put x[idx] back to its original value after evaluating f(x+h) and f(x−h). Otherwise the next element is measured at the wrong point and the caller’s x is left changed.',
  hintDescent:
    'Each step is x ← x − lr · numerical_gradient(f, x), step_num times, starting from init_x. If numerical_gradient fails its checks, fix it first.',
  // The same hints with the line they prescribe, derived from the learner's own code (exerciseFixes.ts).
  fixMissingHalf: 'Sum of squares error has a factor ½ in front: E = ½ Σ (y − t)². Write: {0}',
  fixMissingDelta: 'log(0) is −∞: add a tiny delta inside the log, log(y + 1e-7). Write: {0}',
  fixMissingMinus: 'The sign is flipped: cross entropy error is −Σ t log(y + δ), with a minus in front. Write: {0}',
  fixNotAveraged:
    'For a batch, divide the sum by the batch size N (the number of rows of y): the batch loss is an average. Write: {0}',
  fixForwardDifference: 'This is what a forward difference (f(x+h) − f(x)) / h gives. Use the central difference: {0}',
  fixHTypo: 'This is what h = 1e-3 gives. 10e-4 means 10 × 10⁻⁴ = 1e-3. Write: {0}',
  fixPrecedence: 'Brackets: "/ 2*h" divides by 2 and then multiplies by h. Write: {0}',
  fixHTooSmall: 'The result is 0: h is so small that x + h == x in floating point. Write: {0}',
  hintSse: 'E = ½ Σ (y − t)²: subtract, square, sum, then halve.',
  hintCee:
    'E = −Σ t log(y + 1e-7), divided by the batch size N when y has one row per example (reshape a 1-D y into one row first).',
  hintNumericalDiff: 'Use the central difference with h = 1e-4: (f(x+h) − f(x−h)) / (2*h).',
  hintNumericalGradient:
    'For each element idx: keep x[idx], set it to x[idx] + h and evaluate f, set it to x[idx] − h and evaluate f, grad[idx] = (fxh1 − fxh2) / (2*h), then put x[idx] back.',
} as const;
