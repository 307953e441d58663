import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCheck } from '../../src/gradcheck/check';
import { findFunction, outline, qualifiedName } from '../../src/gradcheck/source/findFunctions';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import { FIXTURES, testRunners } from './gradcheckHelpers';

/**
 * The shapes real JavaScript/TypeScript takes (issue 10): a loss returning { cost, grad } or
 * [loss, dW], gradients keyed by parameter name, a gradient written into an output argument,
 * defaulted parameters, functions defined by assignment (a prototype object inside an IIFE,
 * module.exports = { ... }), a gradient in another file. Every expected number here is computed
 * in the test from the formula, not taken from the checker.
 */

const DIR = join(FIXTURES, 'js', 'shapes');
const runners = testRunners();
const check = (file: string, functionName: string, extra: Record<string, unknown> = {}) =>
  runCheck({ file: join(DIR, file), functionName, ...extra }, runners);
const text = (r: Awaited<ReturnType<typeof check>>) =>
  [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m))].join('\n');

const X = [
  [0.5, -1.2],
  [1.5, 0.3],
  [-0.7, 2.1],
];
const yLin = [0.4, -1.1, 2.0];
const w = [0.3, -0.8];

test('{ cost, grad } returned by the loss is compared without --grad; a gradient missing its 1/n fails as scale n', async () => {
  const ok = await check('costGrad.js', 'linearCost', { inputs: { w, X, y: yLin }, wrt: 'w' });
  assert.equal(ok.verdict, 'pass', text(ok));
  assert.equal(ok.gradientFrom, 'linearCost() → grad');
  // Xᵀ(Xw − y)/n, by hand.
  const err = X.map((r, i) => r[0] * w[0] + r[1] * w[1] - yLin[i]);
  const expected = [0, 1].map((j) => X.reduce((s, r, i) => s + err[i] * r[j], 0) / X.length);
  const byIndex = new Map(ok.rows.map((r) => [r.index, r.analytic]));
  expected.forEach((v, j) => assert.ok(Math.abs(byIndex.get(j)! - v) < 1e-12));
  const bad = await check('costGrad.js', 'linearCostNoMean', { inputs: { w, X, y: yLin }, wrt: 'w' });
  assert.equal(bad.verdict, 'fail');
  assert.deepEqual(bad.diagnosis, ['scale']);
  assert.match(text(bad), /\b3 times/);
});

test('{ loss, grads: { W, b } } is read by the checked parameter; [loss, dW] arrays too, and a sign error is named', async () => {
  const W = [
    [0.2, -0.5, 0.9],
    [1.1, 0.4, -0.3],
  ];
  const b = [0.1, -0.2, 0.3];
  for (const wrt of ['W', 'b']) {
    const r = await check('lossGrads.ts', 'affineSquare', { inputs: { W, b, x: X }, wrt });
    assert.equal(r.verdict, 'pass', `${wrt}: ${text(r)}`);
    assert.equal(r.gradientFrom, 'affineSquare() → grads');
    assert.deepEqual(r.shape, wrt === 'W' ? [2, 3] : [3]);
  }
  const arr = await check('lossGrads.ts', 'squareLoss', { inputs: { W, X } });
  assert.equal(arr.verdict, 'pass', text(arr));
  assert.equal(arr.gradientFrom, 'squareLoss() → [1]');
  const sign = await check('lossGrads.ts', 'squareLossSign', { inputs: { W, X } });
  assert.equal(sign.verdict, 'fail');
  assert.deepEqual(sign.diagnosis, ['sign']);
});

test('a correct MSE(y, t, deltas) that fills deltas passes; mutates-input only when the checked input changes', async () => {
  const y = [0.3, 11.5, -0.4, 0.9];
  const t = [0.1, 0.2, 0.3, 0.4];
  const ok = await check('mseDeltas.js', 'MSE', { inputs: { y, t, deltas: [0, 0, 0, 0] }, wrt: 'y' });
  assert.equal(ok.verdict, 'pass', text(ok));
  assert.deepEqual(ok.diagnosis, []);
  assert.equal(ok.gradientFrom, 'MSE() → deltas');
  // d/dy of Σ(y − t)²/(2n) is (y − t)/n.
  const byIndex = new Map(ok.rows.map((r) => [r.index, r.analytic]));
  y.forEach((v, i) => assert.ok(Math.abs(byIndex.get(i)! - (v - t[i]) / 4) < 1e-12));
  // Generated inputs (deltas of another length than y) work the same.
  const generated = await check('mseDeltas.js', 'MSE', { wrt: 'y' });
  assert.equal(generated.verdict, 'pass', text(generated));
  const clips = await check('mseDeltas.js', 'MSEClips', { inputs: { y, t, deltas: [0, 0, 0, 0] }, wrt: 'y' });
  assert.equal(clips.verdict, 'fail');
  assert.ok(clips.diagnosis.includes('mutates-input'), text(clips));
  assert.match(text(clips), /\by\b/);
});

test('a defaulted parameter keeps its default (eps = 1e-8): no "no value for eps"', async () => {
  const o = outline(readFileSync(join(DIR, 'mseDeltas.js'), 'utf8'), 'javascript');
  assert.deepEqual(findFunction(o, 'logLoss')?.defaults, { eps: '1e-8' });
  const y = [0.2, 0.5, 0.3];
  const t = [0, 1, 0];
  const r = await check('mseDeltas.js', 'logLoss', { inputs: { y, t } });
  assert.equal(r.verdict, 'pass', text(r));
  assert.equal(r.gradient?.qualified, 'logLossGrad');
  assert.equal(r.inputs.eps, undefined);
  assert.ok(Math.abs(r.rows.find((row) => row.index === 1)!.numerical - -1 / (0.5 + 1e-8)) < 1e-6);
});

test('a method on a prototype object inside an IIFE is found by parsing and looked up in the running module', async () => {
  const o = outline(readFileSync(join(DIR, 'protoIife.js'), 'utf8'), 'javascript');
  assert.deepEqual(o.functions.map(qualifiedName), ['Quad.costGrad']);
  const Y = [0.5, -1.5, 2.0];
  const r = await check('protoIife.js', 'Quad.costGrad', { inputs: { Y } });
  assert.equal(r.verdict, 'pass', text(r));
  // The constructor ran with no options: scale 2, so the gradient is 4·Y.
  const byIndex = new Map(r.rows.map((row) => [row.index, row.analytic]));
  Y.forEach((v, i) => assert.ok(Math.abs(byIndex.get(i)! - 4 * v) < 1e-12));
});

test('module.exports = { mse: function } with its gradient in another file (--grad ./grad.ts:gradient)', async () => {
  const yPred = [0.3, 0.7, -0.2, 1.4];
  const yTrue = [0.0, 1.0, 0.0, 1.0];
  const none = await check('mseModule.js', 'mse', { inputs: { yPred, yTrue } });
  assert.equal(none.verdict, 'numerical-only');
  const ok = await check('mseModule.js', 'mse', { inputs: { yPred, yTrue }, gradientName: './grad.ts:gradient' });
  assert.equal(ok.verdict, 'pass', text(ok));
  assert.equal(ok.gradient?.qualified, 'gradient');
  const bad = await check('mseModule.js', 'mse', {
    inputs: { yPred, yTrue },
    gradientName: './grad.ts:gradientNoMean',
  });
  assert.equal(bad.verdict, 'fail');
  assert.deepEqual(bad.diagnosis, ['scale']);
  const missing = await check('mseModule.js', 'mse', { gradientName: './grad.ts:nothing' });
  assert.equal(missing.verdict, 'error');
  assert.deepEqual(missing.diagnosis, ['not-found']);
});

test('scalar w and b: [cost, dj_dw, dj_db] and { cost, dj_dw, dj_db } give the gradient of the checked one', async () => {
  const x = [1.0, 2.0, 3.5];
  const y = [2.1, 3.9, 7.2];
  const [wv, bv] = [0.7, -0.3];
  const err = x.map((v, i) => wv * v + bv - y[i]);
  const dw = err.reduce((s, e, i) => s + e * x[i], 0) / 3;
  const db = err.reduce((s, e) => s + e, 0) / 3;
  for (const fn of ['costAndGradients', 'costAndGradientsObject']) {
    for (const [wrt, expected] of [
      ['w', dw],
      ['b', db],
    ] as const) {
      const r = await check('costGrad.js', fn, { inputs: { x, y, w: wv, b: bv }, wrt });
      assert.equal(r.verdict, 'pass', `${fn} ${wrt}: ${text(r)}`);
      assert.deepEqual(r.shape, []);
      assert.ok(Math.abs(r.rows[0].analytic! - expected) < 1e-12, `${fn} ${wrt}`);
    }
  }
});

test('functions assigned anywhere: module.exports members, exports.f, an object of functions; not a local object', () => {
  const src = [
    'function mse(y, t, eps = 1e-8) { return 0; }',
    'module.exports = {',
    '  msePrime: function (y, t) { return y; },',
    '  sq(x) { return x * x; },',
    '  ar: (a, b = 2) => a + b,',
    '};',
    'exports.other = function (x) { return x; };',
    'const net = { loss(x) { return 1; }, grad: x => x };',
    'function foo() { const local = { nope: function () {} }; }',
  ].join('\n');
  const o = outline(src, 'javascript');
  assert.deepEqual(
    o.functions.map((f) => [qualifiedName(f), f.params.join(','), Object.keys(f.defaults ?? {}).join(','), f.line]),
    [
      ['mse', 'y,t,eps', 'eps', 1],
      ['foo', '', '', 9],
      ['msePrime', 'y,t', '', 3],
      ['sq', 'x', '', 4],
      ['ar', 'a,b', 'b', 5],
      ['other', 'x', '', 7],
      ['net.loss', 'x', '', 8],
      ['net.grad', 'x', '', 8],
    ],
  );
});

test('a TypeScript TwoLayerNet: built from generated sizes, every group of this.params checked, or one by its path', async () => {
  const o = outline(readFileSync(join(DIR, 'twoLayerNet.ts'), 'utf8'), 'typescript');
  const cls = o.classes.find((c) => c.name === 'TwoLayerNet')!;
  assert.deepEqual(cls.initParams, ['inputSize', 'hiddenSize', 'outputSize', 'weightInitStd']);
  assert.deepEqual(cls.attributes, ['params', "params['W1']", "params['b1']", "params['W2']", "params['b2']"]);
  const all = await check('twoLayerNet.ts', 'TwoLayerNet.loss');
  assert.equal(all.wrt, 'self.params');
  assert.equal(all.verdict, 'pass', text(all));
  assert.deepEqual(
    all.groups?.map((g) => [g.wrt, g.verdict, g.shape]),
    [
      ["self.params['W1']", 'pass', [4, 5]],
      ["self.params['b1']", 'pass', [5]],
      ["self.params['W2']", 'pass', [5, 3]],
      ["self.params['b2']", 'pass', [3]],
    ],
  );
  assert.deepEqual(all.inputs.__init__, { inputSize: 4, hiddenSize: 5, outputSize: 3, weightInitStd: 0.1 });
  const one = await check('twoLayerNet.ts', 'TwoLayerNet.loss', { wrt: "self.params['W2']" });
  assert.equal(one.verdict, 'pass', text(one));
  assert.deepEqual(one.shape, [5, 3]);
});

test('JavaScript layers: forward/backward through a seeded random dout, for x and for the stored dW; a wrong backward fails', async () => {
  const W = [
    [0.2, -0.5, 0.9],
    [1.1, 0.4, -0.3],
  ];
  const b = [0.1, -0.2, 0.3];
  const x = [
    [0.5, -1.2],
    [1.5, 0.3],
    [-0.7, 2.1],
    [0.4, 0.8],
  ];
  for (const wrt of ['x', 'self.W', 'self.b']) {
    const r = await check('layers.js', 'Affine.forward', { inputs: { __init__: { W, b }, x }, wrt });
    assert.equal(r.verdict, 'pass', `${wrt}: ${text(r)}`);
  }
  const gen = await check('layers.js', 'Affine.forward');
  assert.equal(gen.verdict, 'pass', text(gen));
  const bad = await check('layers.js', 'Sigmoid.forward', { inputs: { x } });
  assert.equal(bad.verdict, 'fail', text(bad));
});
