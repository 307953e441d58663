import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BOOK_LOSSES,
  bookProbes,
  defaultWrt,
  generateInit,
  generateInputs,
  inputsToText,
  labelForms,
  namedClassifier,
  presetsFor,
  recogniseBookLoss,
  roleOf,
  wrtChoices,
} from '../../src/gradcheck/run/inputs';
import { vectors } from './helpers';

test('a loss (y, t) gets softmax rows and one-hot targets, N × 10, the batch size as asked', () => {
  const { y, t } = generateInputs(['y', 't'], { batchSize: 3, seed: 1 }) as { y: number[][]; t: number[][] };
  assert.equal(y.length, 3);
  assert.equal(t.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.equal(y[i].length, 10);
    assert.ok(Math.abs(y[i].reduce((a, b) => a + b, 0) - 1) < 1e-3, 'a softmax row sums to 1 (rounded to 4 decimals)');
    assert.ok(y[i].every((v) => v > 0 && v < 1));
    assert.deepEqual([...t[i]].sort(), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'one-hot');
  }
});

test('W is a matrix, b and x fit it, batch_size is N; values stay at least 0.05 from a kink at 0', () => {
  const v = generateInputs(['W', 'x', 'b', 't', 'batch_size'], { batchSize: 4, seed: 2 }) as Record<
    string,
    number[][] | number[] | number
  >;
  assert.deepEqual([(v.W as number[][]).length, (v.W as number[][])[0].length], [2, 3]);
  assert.deepEqual([(v.x as number[][]).length, (v.x as number[][])[0].length], [4, 2]);
  assert.equal((v.b as number[]).length, 3);
  assert.equal(v.batch_size, 4);
  for (const m of [v.W, v.x, v.b]) assert.ok((m as number[] | number[][]).flat().every((e) => Math.abs(e) >= 0.05));
});

test('the same seed gives the same inputs, another seed others; one example when there is no batch axis', () => {
  assert.deepEqual(
    generateInputs(['x', 't'], { batchSize: 4, seed: 7 }),
    generateInputs(['x', 't'], { batchSize: 4, seed: 7 }),
  );
  assert.notDeepEqual(
    generateInputs(['x', 't'], { batchSize: 4, seed: 7 }),
    generateInputs(['x', 't'], { batchSize: 4, seed: 8 }),
  );
  const one = generateInputs(['y', 't'], { batchSize: 4, seed: 0, batched: false }) as { y: number[]; t: number[] };
  assert.equal(one.y.length, 10);
  assert.equal(typeof one.y[0], 'number');
  assert.equal(
    (generateInputs(['x'], { batchSize: 4, seed: 0 }).x as number[]).length,
    2,
    "a lone x is function_2's (x0, x1)",
  );
});

test('what to differentiate: W first, then the class weights, then x or y — never t or a count', () => {
  assert.equal(defaultWrt(['x', 'W', 't']), 'W');
  assert.equal(defaultWrt(['x', 't'], { name: 'Net', line: 1, endLine: 9, attributes: ['W', 'cache'] }), 'self.W');
  assert.equal(defaultWrt(['t', 'y']), 'y');
  assert.deepEqual(wrtChoices(['y', 't', 'batch_size']), ['y', 't', 'batch_size']);
  assert.deepEqual(['y_pred', 'labels', 'N', 'delta', 'W1', 'scores'].map(roleOf), [
    'probs',
    'labels',
    'batch',
    'constant',
    'weights',
    'logits',
  ]);
});

test("presets put the book's values on the function's own parameter names", () => {
  const f2 = presetsFor({ params: ['v'] });
  assert.deepEqual(f2, [{ id: 'function_2', inputs: { v: [3, 4] }, wrt: 'v' }]);
  const yt = presetsFor({ params: ['pred', 'target'] });
  assert.deepEqual(
    yt.map((p) => p.id),
    ['book-yt-1', 'book-yt-2', 'book-yt-batch'],
  );
  assert.deepEqual(yt[0].inputs.pred, vectors.sum_squares_error[0].y);
  assert.deepEqual(yt[1].inputs.target, vectors.sum_squares_error[1].t);
  const net = presetsFor(
    { params: ['x', 't'], className: 'simpleNet' },
    { name: 'simpleNet', line: 1, endLine: 9, attributes: ['W'] },
  );
  assert.deepEqual(net, [
    {
      id: 'simpleNet',
      inputs: { 'self.W': vectors.simpleNet[0].W, x: vectors.simpleNet[0].x, t: vectors.simpleNet[0].t },
      wrt: 'self.W',
    },
  ]);
});

test("the book's losses are recognised from their values on its two examples", () => {
  assert.equal(bookProbes(['y', 't'])!.length, 4);
  assert.equal(bookProbes(['x']), undefined);
  const sse = vectors.sum_squares_error.map((v: { expected: number }) => v.expected);
  const ce = vectors['cross_entropy_error_single_delta_1e-7'].map((v: { expected: number }) => v.expected);
  assert.deepEqual(BOOK_LOSSES['sum-of-squares'], sse);
  assert.deepEqual(BOOK_LOSSES['cross-entropy'], ce);
  assert.equal(recogniseBookLoss([...sse, null, null])?.kind, 'sum-of-squares');
  assert.equal(recogniseBookLoss([null, null, ...ce])?.kind, 'cross-entropy', 'with t as the label 2');
  assert.equal(
    recogniseBookLoss([0.5108256237659907, 2.3025850929940455, null, null]),
    undefined,
    'without δ the digits differ',
  );
});

test('inputs are written one row per line and read back unchanged', () => {
  const inputs = {
    W: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    x: [0.6, 0.9],
    n: 3,
  };
  const text = inputsToText(inputs);
  assert.deepEqual(JSON.parse(text), inputs);
  assert.equal(text, '{\n  "W": [\n    [1, 2, 3],\n    [4, 5, 6]\n  ],\n  "x": [0.6, 0.9],\n  "n": 3\n}');
});

test('inputs by role: CS231n (W, X, y, reg) gets integer labels and reg 0.1; (x, y) without weights keeps y as rows', () => {
  const v = generateInputs(['W', 'X', 'y', 'reg'], { batchSize: 4, seed: 0 }) as {
    W: number[][];
    X: number[][];
    y: number[];
    reg: number;
  };
  assert.deepEqual([v.W.length, v.W[0].length, v.X.length, v.X[0].length], [2, 3, 4, 2]);
  assert.ok(v.y.length === 4 && v.y.every((l) => Number.isInteger(l) && l >= 0 && l < 3), JSON.stringify(v.y));
  assert.equal(v.reg, 0.1);
  const plain = generateInputs(['x', 'y'], { batchSize: 4, seed: 0 }) as { y: number[][] };
  assert.ok(Array.isArray(plain.y[0]), 'no weights, no reg: y stays a batch of rows');
});

test('inputs by role: Coursera (x, y, w, b) scalars w and b; (X, y, w, b) a vector w; defaults kept unless None or reg', () => {
  const one = generateInputs(['x', 'y', 'w', 'b'], { batchSize: 4, seed: 0 }) as {
    x: number[];
    y: number[];
    w: number;
    b: number;
  };
  assert.deepEqual([typeof one.w, typeof one.b, one.x.length, one.y.length], ['number', 'number', 4, 4]);
  const many = generateInputs(['X', 'y', 'w', 'b'], { batchSize: 4, seed: 0 }) as {
    X: number[][];
    w: number[];
    b: number;
  };
  assert.deepEqual([many.X.length, many.X[0].length, many.w.length, typeof many.b], [4, 2, 2, 'number']);
  const d = generateInputs(['y', 't', 'eps', 'reg', 'labels'], {
    batchSize: 2,
    seed: 0,
    defaults: { eps: '1e-8', reg: '0.0', labels: 'None' },
  });
  assert.deepEqual(Object.keys(d).sort(), ['labels', 'reg', 't', 'y']);
  assert.equal(d.reg, 0.1);
});

test("a network's constructor: sizes by name that fit x and t, init scale 0.1, other defaults kept", () => {
  assert.deepEqual(
    generateInit(
      ['input_size', 'hidden_size', 'output_size', 'weight_init_std'],
      { weight_init_std: '0.01' },
      { D: 4, C: 3 },
      0,
    ),
    { input_size: 4, hidden_size: 5, output_size: 3, weight_init_std: 0.1 },
  );
  const affine = generateInit(['W', 'b'], {}, { D: 4, C: 3 }, 0) as { W: number[][]; b: number[] };
  assert.deepEqual([affine.W.length, affine.W[0].length, affine.b.length], [4, 3, 3]);
  assert.deepEqual(generateInit(['dropout_ratio'], { dropout_ratio: '0.5' }, { D: 4, C: 3 }, 0), {});
  // The book's MultiLayerNet: a sizes list, and 'relu' (He's scale) replaced by the number it also takes.
  assert.deepEqual(
    generateInit(
      ['input_size', 'hidden_size_list', 'output_size', 'activation', 'weight_init_std'],
      { activation: "'relu'", weight_init_std: "'relu'" },
      { D: 4, C: 3 },
      0,
    ),
    { input_size: 4, hidden_size_list: [5], output_size: 3, weight_init_std: 0.1 },
  );
  // Another string is a choice of its own (init='uniform'): kept.
  assert.deepEqual(generateInit(['weight_scale'], { weight_scale: "'uniform'" }, { D: 4, C: 3 }, 0), {});
});

test('a loss named for classification (softmax_loss(x, y), svm_loss(x, y)): x scores, y integer labels', () => {
  assert.ok(namedClassifier('softmax_loss') && namedClassifier('svm_loss_naive') && !namedClassifier('mse'));
  const inp = generateInputs(['x', 'y'], { batchSize: 4, seed: 0, classifier: true });
  const y = inp.y as number[];
  assert.equal(y.length, 4);
  assert.ok(y.every((v) => Number.isInteger(v) && v >= 0 && v < 10));
  assert.deepEqual([(inp.x as number[][]).length, (inp.x as number[][])[0].length], [4, 10]);
  assert.ok(!(generateInputs(['x', 'y'], { batchSize: 4, seed: 0 }).y as number[][]).every((v) => Number.isInteger(v)));
});

test("CS231n's layer functions: settings dicts (conv_param, bn_param, …) and operands shaped as they need", () => {
  const shape = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shape(v[0])] : []);
  const conv = generateInputs(['x', 'w', 'b', 'conv_param'], { batchSize: 4, seed: 0 });
  assert.deepEqual(conv.conv_param, { stride: 1, pad: 1 });
  assert.deepEqual([shape(conv.x), shape(conv.w), shape(conv.b)], [[2, 3, 4, 4], [2, 3, 3, 3], [2]]);
  const pool = generateInputs(['x', 'pool_param'], { batchSize: 4, seed: 0 });
  assert.deepEqual(pool.pool_param, { pool_height: 2, pool_width: 2, stride: 2 });
  assert.deepEqual(shape(pool.x), [2, 3, 4, 4]);
  const bn = generateInputs(['x', 'gamma', 'beta', 'bn_param'], { batchSize: 4, seed: 0 });
  assert.deepEqual(bn.bn_param, { mode: 'train' });
  assert.deepEqual([shape(bn.x), shape(bn.gamma), shape(bn.beta)], [[4, 5], [5], [5]]);
  const spatial = generateInputs(['x', 'gamma', 'beta', 'bn_param'], { batchSize: 4, seed: 0, spatial: true });
  assert.deepEqual([shape(spatial.x), shape(spatial.gamma)], [[2, 3, 4, 4], [3]]);
  // gamma scales what comes out of w (affine_batchnorm_relu_forward).
  const abr = generateInputs(['x', 'w', 'b', 'gamma', 'beta', 'bn_param'], { batchSize: 4, seed: 0 });
  assert.deepEqual([shape(abr.x), shape(abr.w), shape(abr.gamma)], [[4, 5], [5, 3], [3]]);
  const drop = generateInputs(['x', 'dropout_param'], { batchSize: 4, seed: 0 });
  assert.deepEqual(drop.dropout_param, { p: 0.5, mode: 'train', seed: 123 });
  assert.equal(roleOf('bn_param'), 'settings');
  assert.equal(defaultWrt(['x', 'pool_param']), 'x');
  assert.ok(!wrtChoices(['x', 'gamma', 'beta', 'bn_param']).slice(0, 3).includes('bn_param'));
});

test('answers in the form the code uses: one-hot rows for label * log y, indices for y[np.arange(N), t]', () => {
  const labelsForm =
    'batch_size = y.shape[0]\n#return -np.sum(t * np.log(y + 1e-7)) / batch_size\n' +
    'return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size';
  assert.deepEqual(labelForms(labelsForm, ['y', 't']), { oneHot: [], index: ['t'] });
  assert.deepEqual(labelForms('return 0.5 * np.sum((y - label) ** 2)', ['y', 'label']), {
    oneHot: ['y', 'label'],
    index: [],
  });
  // The book's common/functions.py: one-hot turned into indices — both, so t stays as named.
  const both =
    'if t.size == y.size:\n    t = t.argmax(axis=1)\nreturn -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7))';
  assert.deepEqual(labelForms(both, ['y', 't']).index, ['t']);
  assert.ok(labelForms(both, ['y', 't']).oneHot.includes('t'));
  const gen = (params: string[], text: string) =>
    generateInputs(params, { batchSize: 3, seed: 0, labelForms: labelForms(text, params) });
  assert.equal((gen(['y', 't'], labelsForm).t as unknown[]).length, 3);
  assert.ok((gen(['y', 't'], labelsForm).t as unknown[]).every((v) => Number.isInteger(v)));
  assert.ok(Array.isArray((gen(['y', 't'], both).t as unknown[])[0]), 'used both ways: one-hot, as t is named');
  assert.ok(Array.isArray((gen(['y', 'label'], 'return -np.sum(label * np.log(y + 1e-7))').label as unknown[])[0]));
  const indexed = gen(['y', 'label'], 'return -np.sum(np.log(y[np.arange(n), label]))');
  assert.ok(Number.isInteger((indexed.label as unknown[])[0]));
  // Names learners give the answers: never differentiated, one-hot rows unless indexed.
  assert.equal(roleOf('true_label'), 'target');
  assert.equal(defaultWrt(['true_label', 'prediction']), 'prediction');
  const named = generateInputs(['true_label', 'prediction'], { batchSize: 2, seed: 0 });
  assert.ok(Array.isArray((named.true_label as unknown[])[0]));
});
