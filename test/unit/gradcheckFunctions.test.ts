import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conventionalGradient,
  findFunction,
  functionAt,
  gradientCall,
  gradientNames,
  indexesRows,
  isNumericalName,
  languageOf,
  outline,
  qualifiedName,
} from '../../src/gradcheck/source/findFunctions';

const PY = `import numpy as np

def softmax(x):
    """Softmax.
Text at column 0 inside a docstring does not end the function."""
    return np.exp(x) / np.sum(np.exp(x))


def cross_entropy_error(y,
                        t, delta=1e-7, *args, **kwargs):
    def inner(v):
        return v
    return -np.sum(t * np.log(y + delta))

def cross_entropy_error_grad(y, t):
    return -t / y

f = lambda w: cross_entropy_error(w, w)

class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)
        self.b = np.zeros(3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)

    def gradient(self, x, t):
        return x
`;

test('Python: top-level defs, multi-line parameters, lambdas and methods, with their lines', () => {
  const o = outline(PY, 'python');
  assert.deepEqual(
    o.functions.map((f) => [qualifiedName(f), f.params.join(','), f.line, f.endLine]),
    [
      ['softmax', 'x', 3, 6],
      ['cross_entropy_error', 'y,t,delta', 9, 13],
      ['cross_entropy_error_grad', 'y,t', 15, 16],
      ['f', 'w', 18, 18],
      ['simpleNet.predict', 'x', 25, 26],
      ['simpleNet.loss', 'x,t', 28, 29],
      ['simpleNet.gradient', 'x,t', 31, 32],
    ],
  );
  assert.deepEqual(o.classes[0].attributes, ['W', 'b']);
  assert.equal(functionAt(o, 12)?.name, 'cross_entropy_error', 'a nested def belongs to its outer function');
  assert.equal(functionAt(o, 29)?.name, 'loss');
  assert.equal(functionAt(o, 1), undefined);
});

test('a gradient is found by the usual names, or a backward/gradient method of the same class', () => {
  const o = outline(PY, 'python');
  assert.equal(conventionalGradient(o, findFunction(o, 'cross_entropy_error')!)?.name, 'cross_entropy_error_grad');
  assert.equal(qualifiedName(conventionalGradient(o, findFunction(o, 'simpleNet.loss')!)!), 'simpleNet.gradient');
  assert.equal(conventionalGradient(o, findFunction(o, 'softmax')!), undefined);
  assert.deepEqual(gradientNames('f').slice(0, 3), ['f_grad', 'grad_f', 'd_f']);
  assert.ok(gradientNames('loss').includes('lossGrad') && gradientNames('loss').includes('gradLoss'));
  // CS231n's layers, also with a variant after _forward (conv_forward_naive, affine_relu_forward_withdrop_out).
  assert.equal(gradientNames('affine_forward')[0], 'affine_backward');
  assert.equal(gradientNames('conv_forward_naive')[0], 'conv_backward_naive');
  assert.equal(gradientNames('max_pool_forward_fast')[0], 'max_pool_backward_fast');
  assert.equal(gradientNames('affine_relu_forward_withdrop_out')[0], 'affine_relu_backward_withdrop_out');
  assert.equal(gradientNames('forward')[0], 'forward_grad');
});

test('the shared list of gradient names: _prime, _derivative, derivative_, _backward, camelCase, compute_cost → compute_gradient; never numerical_', () => {
  const pairs: [string, string, 'python' | 'javascript'][] = [
    ['mse', 'mse_prime', 'python'],
    ['sigmoid', 'sigmoid_derivative', 'python'],
    ['tanh', 'derivative_tanh', 'python'],
    ['relu', 'relu_backward', 'python'],
    ['cost', 'd_cost', 'python'],
    ['f', 'grad_f', 'python'],
    ['f', 'f_grad', 'python'],
    ['compute_cost', 'compute_gradient', 'python'],
    ['softmax_loss', 'softmax_grad', 'python'],
    ['loss', 'gradient', 'python'],
    ['mse', 'msePrime', 'javascript'],
    ['sigmoid', 'sigmoidDerivative', 'javascript'],
    ['relu', 'reluBackward', 'javascript'],
    ['computeCost', 'computeGradient', 'javascript'],
    ['loss', 'dLoss', 'javascript'],
    ['crossEntropy', 'gradCrossEntropy', 'javascript'],
  ];
  for (const [loss, grad, language] of pairs) {
    const src =
      language === 'python'
        ? `def numerical_${grad}(x):\n    return x\n\ndef ${loss}(x):\n    return x\n\ndef ${grad}(x):\n    return x\n`
        : `function numerical${grad}(x) { return x; }\nfunction ${loss}(x) { return x; }\nfunction ${grad}(x) { return x; }\n`;
    const o = outline(src, language);
    assert.equal(conventionalGradient(o, findFunction(o, loss)!)?.name, grad, `${loss} → ${grad}`);
  }
  const o = outline(
    'def f(x):\n    return x\n\ndef numerical_gradient_f(x):\n    return x\n\ndef numericalGrad(x):\n    return x\n',
    'python',
  );
  assert.equal(
    conventionalGradient(o, findFunction(o, 'f')!),
    undefined,
    'a numerical gradient is never taken for the learner’s own',
  );
  assert.ok(!gradientNames('loss').some((n) => /^numerical/.test(n)));
  assert.ok(
    isNumericalName('numerical_gradient') &&
      isNumericalName('numericalGradient') &&
      !isNumericalName('numerically_stable'),
  );
});

test("numerical_gradient(f, x) is called with the loss; other gradients get the loss's inputs by name", () => {
  const loss = { name: 'loss', params: ['y', 't'], line: 1, endLine: 1 };
  assert.deepEqual(gradientCall({ name: 'numerical_gradient', params: ['f', 'x'], line: 1, endLine: 1 }, loss), {
    style: 'numerical',
    args: [],
  });
  assert.deepEqual(gradientCall({ name: 'g', params: ['t', 'y'], line: 1, endLine: 1 }, loss), {
    style: 'args',
    args: ['t', 'y'],
  });
  assert.deepEqual(gradientCall({ name: 'g', params: ['a', 'b'], line: 1, endLine: 1 }, loss), {
    style: 'args',
    args: ['y', 't'],
  });
});

const TS = `import { softmaxRow } from './util';
export function crossEntropy(y: number[][], t: number[][]): number {
  return 0;
}
export const crossEntropyGrad = (y: number[][], t: number[][]): number[][] =>
  y.map((row, i) => row.map((v, k) => -t[i][k] / v));
const square = x => x * x;
export class Net {
  W: number[][] = [];
  constructor() {
    this.W = [[1]];
    this.b = [0];
  }
  loss(x: number[], t: number[]): number {
    return 0;
  }
  get size(): number { return 1; }
  backward = (x: number[]) => x;
}
`;

test('JavaScript/TypeScript: declarations, arrow constants, methods and field arrows, types stripped', () => {
  const o = outline(TS, 'typescript');
  assert.deepEqual(
    o.functions.map((f) => [qualifiedName(f), f.params.join(','), f.line, f.endLine]),
    [
      ['crossEntropy', 'y,t', 2, 4],
      ['crossEntropyGrad', 'y,t', 5, 6],
      ['square', 'x', 7, 7],
      ['Net.loss', 'x,t', 14, 16],
      ['Net.backward', 'x', 18, 18],
    ],
  );
  assert.deepEqual(o.classes[0].attributes, ['W', 'b']);
  assert.equal(conventionalGradient(o, findFunction(o, 'crossEntropy')!)?.name, 'crossEntropyGrad');
  assert.equal(qualifiedName(conventionalGradient(o, findFunction(o, 'Net.loss')!)!), 'Net.backward');
});

test('a file in the middle of an edit (unbalanced braces) still yields its functions', () => {
  const o = outline(
    'function a(x) {\n  for (let i = 0; i < 3; i++ {\n  }\n}\nfunction b(y) { return y; }\n',
    'javascript',
  );
  assert.equal(o.functions[0].name, 'a');
  assert.equal(outline('def f(x)\n    return x\n', 'python').functions[0].name, 'f', 'a def without its colon');
});

test('JavaScript written for a batch indexes rows; code for one example does not', () => {
  assert.equal(indexesRows('return y[i][k] - t[i][k];', ['y', 't']), true);
  assert.equal(indexesRows('for (const r of x) s += x[i].length;', ['x']), true);
  assert.equal(indexesRows('return y.map((row) => row.map((v) => v * 2));', ['y']), true);
  assert.equal(indexesRows('return y.reduce((s, v, k) => s + (v - t[k]) ** 2, 0);', ['y', 't']), false);
  assert.equal(indexesRows('return x[0] ** 2 + x[1] ** 2;', ['x']), false);
});

test('languages are told by the file name', () => {
  assert.deepEqual(['a.py', 'a.js', 'a.mjs', 'a.ts', 'a.mts', 'a.d.ts', 'a.txt'].map(languageOf), [
    'python',
    'javascript',
    'javascript',
    'typescript',
    'typescript',
    undefined,
    undefined,
  ]);
});

test('a function that is the gradient of another, by the naming conventions, knows its loss', async () => {
  const { lossOfGradient } = await import('../../src/gradcheck/source/findFunctions');
  const py = outline(
    'def cross_entropy_error(y, t):\n    return 0\n\n\ndef cross_entropy_error_grad(y, t):\n    return y\n\n\ndef helper(x):\n    return x\n',
    'python',
  );
  const at = (o: typeof py, name: string) => o.functions.find((f) => f.name === name)!;
  assert.equal(lossOfGradient(py, at(py, 'cross_entropy_error_grad'))?.name, 'cross_entropy_error');
  assert.equal(lossOfGradient(py, at(py, 'cross_entropy_error')), undefined);
  assert.equal(lossOfGradient(py, at(py, 'helper')), undefined);
  const js = outline(
    'function computeCost(w) { return 0; }\nfunction computeGradient(w) { return w; }\nfunction numericalGradient(f, x) { return x; }\n',
    'javascript',
  );
  assert.equal(lossOfGradient(js, at(js, 'computeGradient'))?.name, 'computeCost');
  assert.equal(lossOfGradient(js, at(js, 'numericalGradient')), undefined, 'a numerical gradient is not the learner’s');
  const cls = outline(
    'class Net:\n    def __init__(self):\n        self.W = 1\n\n    def loss(self, x):\n        return x\n\n    def gradient(self, x):\n        return x\n',
    'python',
  );
  assert.equal(lossOfGradient(cls, at(cls, 'gradient'))?.name, 'loss');
  for (const f of cls.functions.filter((g) => g.name !== 'gradient'))
    assert.equal(lossOfGradient(cls, f), undefined, f.name);
});
