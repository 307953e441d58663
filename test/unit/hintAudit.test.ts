/**
 * The hint audit of the gradient checker: for every diagnosis, a wrong piece of code that gets
 * it, and then the hint followed — its own formula (the Fix it prints) written over the line it
 * names, or, for hints that prescribe no formula, the change their words ask for — and the check
 * run again in real Python (or the JavaScript worker) must pass. A hint that names a formula
 * that would not pass fails here. The exercise's hints have their own audit in
 * tutorialHintAudit.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckReport } from '../../src/gradcheck/check';
import { applyFix, type Fix } from '../../src/gradcheck/analysis/formulas';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import type { Json } from '../../src/protocol/validate';
import { ROOT } from './helpers';
import { testRunners } from './gradcheckHelpers';
import { fixtureText } from './fixtureFiles';

const runners = testRunners();
const dir = mkdtempSync(join(tmpdir(), 'gl-hints-'));
let n = 0;

interface Case {
  name: string;
  code: string;
  ext?: 'py' | 'js';
  source: string;
  fn: string;
  grad?: string;
  wrt?: string;
  inputs?: Record<string, Json>;
  /** The formula the hint must print (part of it), when it prints one. */
  formula?: string;
  /** For hints that prescribe no formula: the change their words ask for. */
  follow?: (source: string) => string;
  /** Inputs for the check after the fix, when the hint says to change the inputs. */
  after?: Record<string, Json>;
}

const CEE = `import numpy as np


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size
`;

const grad = (body: string) => `${CEE}

def cross_entropy_error_grad(y, t):
${body}
`;

const SOFTMAX = `import numpy as np


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
`;

const BOOK_Y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
const BOOK_T = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
const Y2 = [
  [0.1, 0.05, 0.6, 0.02, 0.05, 0.1, 0.01, 0.05, 0.01, 0.01],
  [0.2, 0.1, 0.1, 0.05, 0.05, 0.1, 0.1, 0.2, 0.05, 0.05],
];
const T2 = [BOOK_T, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]];

export const CASES: Case[] = [
  {
    name: 'cross_entropy_error_grad without / batch_size (the issue): the hint names −t / (y + δ) / batch_size',
    code: 'scale',
    source: grad('    batch_size = y.shape[0]\n    return -t / (y + 1e-7)'),
    fn: 'cross_entropy_error',
    formula: 'return -t / (y + 1e-7) / batch_size',
  },
  {
    name: 'the same without a batch_size variable in the gradient: the rows of y',
    code: 'scale',
    source: grad('    return -t / (y + 1e-7)'),
    fn: 'cross_entropy_error',
    formula: 'return -t / (y + 1e-7) / y.shape[0]',
  },
  {
    name: "a batch-averaged loss the checker does not know: the learner's own expression divided by N",
    code: 'scale',
    source: `import numpy as np\n\n\ndef mean_cube(y, t):\n    return np.sum((y - t) ** 3) / y.shape[0]\n\n\ndef mean_cube_grad(y, t):\n    return 3 * (y - t) ** 2\n`,
    fn: 'mean_cube',
    formula: 'return (3 * (y - t) ** 2) / y.shape[0]',
  },
  {
    name: 'the gradient divides by N, the loss does not: the gradient of this loss',
    code: 'scale',
    source: `import numpy as np\n\n\ndef cross_entropy_error(y, t):\n    return -np.sum(t * np.log(y + 1e-7))\n\n\ndef cross_entropy_error_grad(y, t):\n    return -t / (y + 1e-7) / y.shape[0]\n`,
    fn: 'cross_entropy_error',
    formula: 'return -t / (y + 1e-7)',
  },
  {
    name: 'sum of squares with the ½ differentiated twice: y − t',
    code: 'scale',
    source: `import numpy as np\n\n\ndef sum_squares_error(y, t):\n    return 0.5 * np.sum((y - t) ** 2)\n\n\ndef sum_squares_error_grad(y, t):\n    return 2 * (y - t)\n`,
    fn: 'sum_squares_error',
    formula: 'return y - t',
  },
  {
    name: 'a constant factor on a function of its own: theirs divided by it',
    code: 'scale',
    source: `import numpy as np\n\n\ndef wave(x):\n    return np.sum(np.sin(x))\n\n\ndef wave_grad(x):\n    return 3 * np.cos(x)\n`,
    fn: 'wave',
    formula: 'return (3 * np.cos(x)) / 3',
  },
  {
    name: 'cross entropy gradient with the sign flipped: −t / (y + δ) / batch_size',
    code: 'sign',
    source: grad('    batch_size = y.shape[0]\n    return t / (y + 1e-7) / batch_size'),
    fn: 'cross_entropy_error',
    formula: 'return -t / (y + 1e-7) / batch_size',
  },
  {
    name: "softmax-with-loss with t − y: the learner's expression negated",
    code: 'sign',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'sign_error.py'), 'utf8'),
    fn: 'softmax_loss',
    formula: 'return -((t - softmax(x)) / x.shape[0])',
  },
  {
    name: 'sign and batch size both off (−N times)',
    code: 'sign',
    source: grad('    return t / (y + 1e-7)'),
    fn: 'cross_entropy_error',
    formula: 'return -t / (y + 1e-7) / y.shape[0]',
  },
  {
    name: 'dW = dyᵀ·x on a non-square W: transposed back',
    code: 'transpose',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'transposed.py'), 'utf8'),
    fn: 'loss',
    formula: 'return (np.dot(dy.T, x)).T',
  },
  {
    name: 'dW = dyᵀ·x on a square W (the shapes agree): transposed back',
    code: 'transpose',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'transposed.py'), 'utf8'),
    fn: 'loss',
    inputs: {
      W: [
        [0.5, -0.2, 0.1],
        [0.3, 0.8, -0.6],
        [-0.4, 0.2, 0.7],
      ],
      x: [
        [0.6, 0.9, -0.3],
        [0.1, -0.5, 0.4],
      ],
      t: [
        [0, 0, 1],
        [1, 0, 0],
      ],
    },
    formula: 'return (np.dot(dy.T, x)).T',
  },
  {
    name: 'a bias gradient that keeps the batch axis: summed over the batch',
    code: 'axis',
    source: `${SOFTMAX}\n\ndef loss(b, x, W, t):\n    y = softmax(np.dot(x, W) + b)\n    return -np.sum(t * np.log(y + 1e-7)) / x.shape[0]\n\n\ndef loss_grad(b, x, W, t):\n    return (softmax(np.dot(x, W) + b) - t) / x.shape[0]\n`,
    fn: 'loss',
    wrt: 'b',
    formula: 'return np.sum((softmax(np.dot(x, W) + b) - t) / x.shape[0], axis=0)',
  },
  {
    name: 'a bias gradient summed over axis=1: the words say axis=0',
    code: 'axis',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'bias_wrong_axis.py'), 'utf8'),
    fn: 'loss',
    wrt: 'b',
    follow: (s) => s.replace('np.sum(dy, axis=1)', 'np.sum(dy, axis=0)'),
  },
  {
    name: 'the right numbers in other places: the words say check the axis and reshape vs transpose',
    code: 'axis',
    source: `import numpy as np\n\nC = np.array([1.0, 2.0, 3.0, 4.0])\n\n\ndef weighted(x):\n    return np.sum(C * x ** 2)\n\n\ndef weighted_grad(x):\n    return (2 * C * x)[::-1]\n`,
    fn: 'weighted',
    inputs: { x: [0.4, -0.7, 1.1, 0.9] },
    follow: (s) => s.replace('(2 * C * x)[::-1]', '2 * C * x'),
  },
  {
    name: "a loss without δ is NaN on the book's example: δ inside its log",
    code: 'nan',
    source: grad('    return -t / (y + 1e-7)')
      .replace('np.log(y + 1e-7)', 'np.log(y)')
      .replace(
        'def cross_entropy_error_grad(y, t):\n    return -t / (y + 1e-7)',
        'def cross_entropy_error_grad(y, t):\n    return -t / (y + 1e-7)',
      ),
    fn: 'cross_entropy_error',
    inputs: { y: BOOK_Y, t: BOOK_T },
    formula: 'return -np.sum(t * np.log(y + 1e-7)) / batch_size',
    // y = 0 stays at the edge of log's domain for f(y − h): the fixed loss is checked where it is defined.
    after: { y: Y2[0], t: BOOK_T },
  },
  {
    name: 'a gradient that divides by y = 0: the gradient of this loss, δ and all',
    code: 'nan',
    source: `import numpy as np\n\n\ndef cross_entropy_error(y, t):\n    return -np.sum(t * np.log(np.maximum(y, 1e-7))) / y.shape[0]\n\n\ndef cross_entropy_error_grad(y, t):\n    return -t / y / y.shape[0]\n`,
    fn: 'cross_entropy_error',
    inputs: { y: [[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0], Y2[1]], t: T2 },
    formula: 'return -t / (y + 1e-7) / y.shape[0]',
  },
  {
    name: "a δ of 1e-5 inside the log: y − t is off by δ / y; the words name the book's 1e-7",
    code: 'log-delta',
    source: `${SOFTMAX}\n\ndef loss(x, t):\n    y = softmax(x)\n    return -np.sum(t * np.log(y + 1e-5)) / x.shape[0]\n\n\ndef loss_grad(x, t):\n    return (softmax(x) - t) / x.shape[0]\n`,
    fn: 'loss',
    follow: (s) => s.replace('np.log(y + 1e-5)', 'np.log(y + 1e-7)'),
  },
  {
    name: 'a gradient array created and never filled: the words say return the filled array',
    code: 'zero',
    source: `import numpy as np\n\n\ndef function_2(x):\n    return x[0] ** 2 + x[1] ** 2\n\n\ndef function_2_grad(x):\n    grad = np.zeros_like(x)\n    dx = 2 * x\n    return grad\n`,
    fn: 'function_2',
    inputs: { x: [3.0, 4.0] },
    follow: (s) => s.replace('    return grad', '    return dx'),
  },
  {
    name: 'a loop variable typo that updates one element again and again: the words say visit every index',
    code: 'partial',
    source: `import numpy as np\n\n\ndef function_2(x):\n    return np.sum(x ** 2)\n\n\ndef numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x)\n    idx = 0\n    for iddx in range(x.size):\n        tmp_val = x[idx]\n        x[idx] = tmp_val + h\n        fxh1 = f(x)\n        x[idx] = tmp_val - h\n        fxh2 = f(x)\n        grad[idx] = (fxh1 - fxh2) / (2 * h)\n        x[idx] = tmp_val\n    return grad\n`,
    fn: 'function_2',
    grad: 'numerical_gradient',
    inputs: { x: [3.0, 4.0, -1.5] },
    follow: (s) => s.replace('    idx = 0\n', '').replace('for iddx in', 'for idx in'),
  },
  {
    // A learner's 03_gradient.py (Nega0619/DeepLearning_from_Scratch_01): return grad one level too deep.
    name: 'return grad indented inside the loop: the words say put it level with for',
    code: 'partial',
    source: `import numpy as np\n\n\ndef function_2(x):\n    return x[0] ** 2 + x[1] ** 2\n\n\ndef numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x)\n    for idx in range(x.size):\n        tmp_val = x[idx]\n        x[idx] = tmp_val + h\n        fxh1 = f(x)\n        x[idx] = tmp_val - h\n        fxh2 = f(x)\n        grad[idx] = (fxh1 - fxh2) / (2 * h)\n        x[idx] = tmp_val\n        return grad\n`,
    fn: 'function_2',
    grad: 'numerical_gradient',
    inputs: { x: [3.0, 4.0] },
    follow: (s) => s.replace('        return grad\n', '    return grad\n'),
  },
  {
    name: 'a forward difference as the gradient: the words say the central difference',
    code: 'step-size',
    source: `import numpy as np\n\n\ndef cube(x):\n    return np.sum(x ** 3)\n\n\ndef numerical_gradient(f, x):\n    h = 1e-4\n    grad = np.zeros_like(x)\n    fx = f(x)\n    for idx in range(x.size):\n        tmp_val = x[idx]\n        x[idx] = tmp_val + h\n        grad[idx] = (f(x) - fx) / h\n        x[idx] = tmp_val\n    return grad\n`,
    fn: 'cube',
    grad: 'numerical_gradient',
    inputs: { x: [1.5, -2.0, 0.7] },
    follow: (s) =>
      s.replace(
        '        grad[idx] = (f(x) - fx) / h\n',
        '        fxh1 = f(x)\n        x[idx] = tmp_val - h\n        grad[idx] = (fxh1 - f(x)) / (2 * h)\n',
      ),
  },
  {
    name: "h = 10e-4 (the notes' typo): the words say write 1e-4",
    code: 'step-size',
    source: fixtureText('gradcheck/py/h_10e-4.py'),
    fn: 'softmax_loss',
    grad: 'numerical_gradient',
    inputs: { a: [0.3, 2.9, 4.0] },
    follow: (s) => s.replace('    h = 10e-4', '    h = 1e-4'),
  },
  {
    name: "relu's kink within h of an input: the words say move the input away",
    code: 'kink',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'relu_kink.py'), 'utf8'),
    fn: 'relu_loss',
    inputs: { x: [0.5, -1.2, 0.00004, 2.0] },
    follow: (s) => s,
    after: { x: [0.5, -1.2, 0.3, 2.0] },
  },
  {
    name: 'a numerical gradient that never restores x[idx]: the words say x[idx] = tmp_val',
    code: 'mutates-input',
    source: fixtureText('gradcheck/py/forgot_restore.py'),
    fn: 'function_2',
    grad: 'numerical_gradient',
    inputs: { x: [3.0, 4.0] },
    follow: (s) =>
      s.replace(
        '        grad[idx] = (fxh1 - fxh2) / (2 * h)\n',
        '        grad[idx] = (fxh1 - fxh2) / (2 * h)\n        x[idx] = tmp_val\n',
      ),
  },
  {
    name: 'a loss drawing its own mini-batch: the words say pick the batch outside',
    code: 'nondeterministic',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'nondeterministic.py'), 'utf8'),
    fn: 'batch_loss',
    inputs: { w: [0.5, -0.2] },
    follow: (s) =>
      s.replace(
        '    batch = np.random.choice(X.size, 10)\n    return np.mean((X[batch] * w[0] + w[1]) ** 2)',
        '    return np.mean((X * w[0] + w[1]) ** 2)',
      ),
  },
  {
    name: "t used as labels and as one-hot at once: the hint's label form",
    code: 'onehot-label',
    source: readFileSync(join(ROOT, 'test', 'fixtures', 'gradcheck', 'py', 'onehot_label_mix.py'), 'utf8'),
    fn: 'cross_entropy_error',
    inputs: { y: Y2.map((r) => r.slice(0, 10)), t: [2, 7] },
    follow: (s) =>
      s.replace(
        '-np.sum(t * np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size',
        '-np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size',
      ),
  },
  {
    name: 'a gradient of the wrong shape: the words say the shape of what it differentiates',
    code: 'shape',
    source: `import numpy as np\n\n\ndef function_2(x):\n    return np.sum(x ** 2)\n\n\ndef function_2_grad(x):\n    return np.append(2 * x, 0.0)\n`,
    fn: 'function_2',
    inputs: { x: [3.0, 4.0] },
    follow: (s) => s.replace('np.append(2 * x, 0.0)', '2 * x'),
  },
  {
    name: "chapter 3's 1-D softmax fed a batch: the hint prescribes the per-row softmax (max and sum with axis=-1)",
    code: 'softmax-rows',
    source: `import numpy as np\n\n\ndef softmax(a):\n    c = np.max(a)\n    exp_a = np.exp(a - c)\n    return exp_a / np.sum(exp_a)\n\n\ndef softmax_loss(x, t):\n    y = softmax(x)\n    return -np.sum(t * np.log(y + 1e-7)) / x.shape[0]\n\n\ndef softmax_loss_grad(x, t):\n    return (softmax(x) - t) / x.shape[0]\n`,
    fn: 'softmax_loss',
    wrt: 'x',
    inputs: {
      x: [
        [0.3, -1.2, 0.8],
        [1.5, 0.1, -0.4],
      ],
      t: [
        [0, 0, 1],
        [1, 0, 0],
      ],
    },
    follow: (s) =>
      s.replace(
        '    c = np.max(a)\n    exp_a = np.exp(a - c)\n    return exp_a / np.sum(exp_a)\n',
        '    x = a - np.max(a, axis=-1, keepdims=True)\n    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)\n',
      ),
  },
  {
    name: 'a gradient without the regularisation term: the words say d{W} += its derivative',
    code: 'regularisation',
    source: `import numpy as np\n\n\ndef loss(W, x, t, reg):\n    return 0.5 * np.sum((np.dot(x, W) - t) ** 2) + 0.5 * reg * np.sum(W * W)\n\n\ndef loss_grad(W, x, t, reg):\n    dW = np.dot(x.T, np.dot(x, W) - t)\n    return dW\n`,
    fn: 'loss',
    wrt: 'W',
    follow: (s) => s.replace('    return dW\n', '    dW += reg * W\n    return dW\n'),
  },
  {
    name: 'binary cross entropy on p with the gradient for the logit (p − t): the words say divide by p·(1 − p)',
    code: 'logit',
    source: `import numpy as np\n\n\ndef bce(p, t):\n    return -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p))\n\n\ndef bce_grad(p, t):\n    return p - t\n`,
    fn: 'bce',
    inputs: { p: [0.2, 0.7, 0.45, 0.9], t: [0, 1, 1, 0] },
    follow: (s) => s.replace('    return p - t\n', '    return (p - t) / (p * (1 - p))\n'),
  },
  {
    // A gradient returned in a dict (grads['W'], the book's TwoLayerNet): `return (grads) * 4` would raise
    // TypeError, so the hint prescribes no line; its words say to divide the loss by the batch size.
    name: 'a gradient dict divided by N for a summed loss: no `(grads) * N`, the words say / N in the loss',
    code: 'scale',
    source: `import numpy as np\n\n\nclass Net:\n    def __init__(self, input_size, output_size, weight_init_std=0.01):\n        self.params = {}\n        self.params['W'] = weight_init_std * np.random.randn(input_size, output_size)\n\n    def loss(self, x, t):\n        y = np.dot(x, self.params['W'])\n        return 0.5 * np.sum((y - t) ** 2)\n\n    def gradient(self, x, t):\n        batch_size = x.shape[0]\n        y = np.dot(x, self.params['W'])\n        grads = {}\n        grads['W'] = np.dot(x.T, y - t) / batch_size\n        return grads\n`,
    fn: 'Net.loss',
    wrt: "self.params['W']",
    follow: (s) => s.replace('return 0.5 * np.sum((y - t) ** 2)\n', 'return 0.5 * np.sum((y - t) ** 2) / x.shape[0]\n'),
  },
  {
    // A tuple of gradients (return dW, db): `return -(-dW, -db)` would raise TypeError.
    name: 'a tuple of gradients with the wrong sign: no -(dW, db), the words say check the minus signs',
    code: 'sign',
    source: `import numpy as np\n\n\ndef loss(W, b, x, t):\n    return 0.5 * np.sum((np.dot(x, W) + b - t) ** 2)\n\n\ndef loss_grad(W, b, x, t):\n    d = np.dot(x, W) + b - t\n    dW = np.dot(x.T, d)\n    db = np.sum(d, axis=0)\n    return -dW, -db\n`,
    fn: 'loss',
    wrt: 'W',
    follow: (s) => s.replace('    return -dW, -db\n', '    return dW, db\n'),
  },
  {
    // The book's 4.2.4 form: t holds class indices (y[np.arange(N), t]), so the check gives it indices.
    name: "the book's cross entropy on class indices t, its gradient without / N: the hint divides by N",
    code: 'scale',
    source: `import numpy as np\n\n\ndef cross_entropy_error(y, t):\n    batch_size = y.shape[0]\n    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size\n\n\ndef cross_entropy_error_grad(y, t):\n    batch_size = y.shape[0]\n    dy = np.zeros_like(y)\n    dy[np.arange(batch_size), t] = -1 / (y[np.arange(batch_size), t] + 1e-7)\n    return dy\n`,
    fn: 'cross_entropy_error',
    formula: 'return (dy) / batch_size',
  },
  {
    // The same without a batch_size variable: the rows of y, never the check's own N (`/ 4`, wrong for a batch of 100).
    name: 'class indices t, no batch_size variable in the gradient: the hint divides by y.shape[0]',
    code: 'scale',
    source: `import numpy as np\n\n\ndef cross_entropy_error(y, t):\n    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7)) / y.shape[0]\n\n\ndef cross_entropy_error_grad(y, t):\n    dy = np.zeros_like(y)\n    dy[np.arange(y.shape[0]), t] = -1 / (y[np.arange(y.shape[0]), t] + 1e-7)\n    return dy\n`,
    fn: 'cross_entropy_error',
    formula: 'return (dy) / y.shape[0]',
  },
  {
    name: 'JavaScript: crossEntropyErrorGrad without / batch size — the formula maps over y',
    code: 'scale',
    ext: 'js',
    source: `function crossEntropyError(y, t) {\n  let s = 0;\n  for (let i = 0; i < y.length; i++) for (let k = 0; k < y[i].length; k++) s += t[i][k] * Math.log(y[i][k] + 1e-7);\n  return -s / y.length;\n}\n\nfunction crossEntropyErrorGrad(y, t) {\n  const dy = y.map((row, i) => row.map((v, k) => -t[i][k] / (v + 1e-7)));\n  return dy;\n}\n\nmodule.exports = { crossEntropyError, crossEntropyErrorGrad };\n`,
    fn: 'crossEntropyError',
    inputs: { y: Y2, t: T2 },
    formula: 'return y.map((row, i) => row.map((v, k) => -t[i][k] / (v + 1e-7) / y.length))',
  },
  {
    name: 'JavaScript: a loss without δ — δ inside Math.log',
    code: 'nan',
    ext: 'js',
    source: `function crossEntropyError(y, t) {\n  let s = 0;\n  for (let k = 0; k < y.length; k++) s += t[k] * Math.log(y[k]);\n  return -s;\n}\n\nfunction crossEntropyErrorGrad(y, t) {\n  return y.map((v, k) => -t[k] / (v + 1e-7));\n}\n\nmodule.exports = { crossEntropyError, crossEntropyErrorGrad };\n`,
    fn: 'crossEntropyError',
    inputs: { y: BOOK_Y, t: BOOK_T },
    formula: 'for (let k = 0; k < y.length; k++) s += t[k] * Math.log(y[k] + 1e-7);',
    after: { y: Y2[0], t: BOOK_T },
  },
];

async function check(c: Case, source: string, inputs?: Record<string, Json>): Promise<CheckReport> {
  const file = join(dir, `case${++n}.${c.ext ?? 'py'}`);
  writeFileSync(file, source);
  return runCheck({ file, functionName: c.fn, gradientName: c.grad, wrt: c.wrt, inputs, timeoutMs: 20_000 }, runners);
}

const english = (r: CheckReport) => r.messages.map((m) => formatMsg(m));

for (const c of CASES) {
  test(`hint audit [${c.code}] ${c.name}`, async () => {
    const before = await check(c, c.source, c.inputs);
    assert.ok(
      before.diagnosis.includes(c.code as never),
      `diagnosis ${before.diagnosis.join(', ')}: ${english(before).join(' | ')} ${JSON.stringify(before.error ?? '')}`,
    );
    const k = before.diagnosis.indexOf(c.code as never);
    let fixed: string;
    if (c.formula !== undefined) {
      const fix = before.fixes?.find((f): f is Fix => f !== null);
      assert.ok(fix, `the hint names a formula: ${english(before).join(' | ')}`);
      assert.equal(fix.text, c.formula);
      // The hint prints the very line that is applied.
      assert.ok(
        english(before).some((m) => m.includes(fix.text)),
        `${english(before).join(' | ')} includes ${fix.text}`,
      );
      fixed = applyFix(c.source, fix);
    } else {
      assert.ok(c.follow, 'a hint without a formula says what to change');
      assert.equal(before.fixes?.[k] ?? null, null);
      fixed = c.follow(c.source);
    }
    const after = await check(c, fixed, c.after ?? c.inputs);
    assert.equal(
      after.verdict,
      'pass',
      `after following the hint: ${formatMsg(after.summary)} ${english(after).join(' | ')}\n${fixed}`,
    );
    assert.ok(
      !after.diagnosis.includes(c.code as never),
      `no ${c.code} after following the hint: ${english(after).join(' | ')}`,
    );
  });
}

test('the audit covers every diagnosis the checker gives', () => {
  const src = readFileSync(join(ROOT, 'src', 'gradcheck', 'analysis', 'diagnose.ts'), 'utf8');
  const union = /export type DiagnosisCode =([^;]+);/.exec(src)![1];
  // Every code of the union that some finding is made with (code: '…') in src/gradcheck.
  const emitted = readdirSync(join(ROOT, 'src', 'gradcheck'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, 'src', 'gradcheck', f), 'utf8'))
    .join('\n');
  const codes = [...union.matchAll(/'([\w-]+)'/g)].map((m) => m[1]).filter((c) => emitted.includes(`code: '${c}'`));
  assert.ok(codes.length >= 14, codes.join());
  // 'truncation' is a note on a passing check: it prescribes nothing. 'integer-input' (branch gcpy)
  // is a note too, and this check found no input that gets it yet (see notes/issue-11-learner.md).
  const missing = codes.filter(
    (code) => !['truncation', 'integer-input'].includes(code) && !CASES.some((c) => c.code === code),
  );
  assert.deepEqual(missing, []);
});
