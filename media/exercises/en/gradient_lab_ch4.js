// Gradient Lab: chapter 4 exercises (Deep Learning from Scratch, chapter 4), in JavaScript
// gradient-lab-exercise: ch4
//
// Replace each TODO with your code, then click "Check my solution" above a function.
// The checks call your functions with the book's inputs and compare the results with the
// book's numbers; crossEntropyErrorGrad is compared with a numerical gradient of your own
// crossEntropyError and of the book's. A failed check says what came back and what to try.
// Vectors are plain arrays of numbers; a batch is an array of rows (arrays).

/** E = 1/2 * sum over k of (y[k] - t[k])**2 */
function sumSquaresError(y, t) {
  // TODO: return the sum of squares error of y (the network output) and t (one-hot label)
  throw new Error('TODO: sumSquaresError');
}

/**
 * E = -sum(t * log(y + delta)) / N with delta = 1e-7; t is one-hot, shaped like y.
 * y is either one example (an array of numbers, N = 1) or a batch (an array of N rows).
 */
function crossEntropyError(y, t) {
  // TODO: return the (batch) cross entropy error
  throw new Error('TODO: crossEntropyError');
}

/** dE/dy of crossEntropyError above: shaped like y (an array, or an array of rows). */
function crossEntropyErrorGrad(y, t) {
  // TODO: differentiate -sum(t * log(y + delta)) / N with respect to each element of y
  throw new Error('TODO: crossEntropyErrorGrad');
}

/** The derivative of f at x by the central difference, h = 1e-4. */
function numericalDiff(f, x) {
  // TODO: (f(x + h) - f(x - h)) / (2 * h)
  throw new Error('TODO: numericalDiff');
}

/**
 * The gradient of f at x (an array of numbers), one partial derivative per element.
 * For each element: keep its value, evaluate f with it raised by h and lowered by h,
 * then put the value back.
 */
function numericalGradient(f, x) {
  // TODO: return an array as long as x
  throw new Error('TODO: numericalGradient');
}

/** x <- x - lr * numericalGradient(f, x), stepNum times from a copy of initX; return x. */
function gradientDescent(f, initX, lr = 0.01, stepNum = 100) {
  // TODO: use your numericalGradient
  throw new Error('TODO: gradientDescent');
}

module.exports = { sumSquaresError, crossEntropyError, crossEntropyErrorGrad, numericalDiff, numericalGradient, gradientDescent };
