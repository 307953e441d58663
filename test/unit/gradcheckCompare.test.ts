import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prepared, analyse } from '../../src/gradcheck/check';
import {
  ERROR_FLOOR,
  SWEEP_HS,
  THRESHOLDS,
  compare,
  errorVsH,
  relativeError,
  updatesInPlace,
} from '../../src/gradcheck/analysis/compare';
import { fmt } from '../../src/gradcheck/analysis/messages';
import type { RunOutput, RunRequest } from '../../src/gradcheck/types';
import { english, toResultView } from '../../src/panels/gradcheck/resultView';
import { parseGradcheckMessage } from '../../src/protocol/gradcheck';
import { vectors } from './helpers';

/**
 * The comparison and the diagnosis on runner outputs built here from known functions, so each
 * fingerprint (sign, N, transpose, label mix-up, kink, ...) is tested apart from any runtime.
 */

type Vec = (x: number[]) => number;

/** What a runner would return for loss f at x0 and a hand-written gradient g. */
function runOutput(f: Vec, x0: number[], shape: number[], g: number[] | null, h = 1e-4, gShape = shape): RunOutput {
  const at = (i: number, s: number) => f(x0.map((v, k) => (k === i ? v + s : v)));
  const indices = x0.map((_, k) => k);
  const plus = indices.map((i) => at(i, h));
  const minus = indices.map((i) => at(i, -h));
  const central = plus.map((p, k) => Math.abs(p - minus[k]));
  const k = central.indexOf(Math.max(...central));
  const stepHs = [1e-2, 1e-3, h / 10, h / 100];
  return {
    ok: true,
    x: x0,
    shape,
    f0: f(x0),
    f0Again: f(x0),
    indices,
    plus,
    minus,
    steps: g
      ? stepHs.map((s) => ({ h: s, plus: indices.map((i) => at(i, s)), minus: indices.map((i) => at(i, -s)) }))
      : [],
    sweep: { index: k, hs: SWEEP_HS, plus: SWEEP_HS.map((s) => at(k, s)), minus: SWEEP_HS.map((s) => at(k, -s)) },
    analytic: g ? { values: g, shape: gShape } : null,
    mutated: [],
    probes: [],
    evaluations: 0,
    elapsedMs: 0,
    runtime: 'test',
  };
}

function prepared(
  params: string[],
  inputs: RunRequest['inputs'],
  wrt: string,
  withGradient = true,
  h = 1e-4,
): Prepared {
  const loss = { name: 'loss', params, line: 1, endLine: 3 };
  const gradient = withGradient ? { name: 'loss_grad', params, line: 5, endLine: 7 } : undefined;
  const request: RunRequest = {
    file: '/tmp/x.py',
    loss: { name: 'loss' },
    params,
    gradient: gradient && { name: 'loss_grad', style: 'args', args: params },
    inputs,
    wrt,
    h,
    stepHs: [1e-2, 1e-3, h / 10, h / 100],
    stepLimit: 100,
    sweepHs: SWEEP_HS,
    seed: 0,
    timeoutMs: 1000,
  };
  return {
    request,
    language: 'python',
    loss,
    gradient,
    functions: [loss, ...(gradient ? [gradient] : [])],
    wrtChoices: [wrt],
    lossSource: 'return ...',
    batched: true,
    externalWeights: false,
  };
}

const sumSquares: Vec = (x) => x.reduce((s, v) => s + v * v, 0);
const x4 = [0.5, -1.2, 2.0, 0.7];
const grad4 = x4.map((v) => 2 * v);

test('relative error is |a − n| / max(|a|, |n|), and 0 when both are 0', () => {
  assert.equal(relativeError(2, 1), 0.5);
  assert.equal(relativeError(-1, 1), 2 / 1);
  assert.equal(relativeError(0, 0), 0);
  assert.ok(Number.isNaN(relativeError(NaN, 1)));
});

test('a right gradient passes with an excellent relative error; the thresholds are the stated ones', () => {
  const r = analyse(prepared(['x'], { x: x4 }, 'x'), runOutput(sumSquares, x4, [4], grad4), '');
  assert.equal(r.verdict, 'pass');
  assert.deepEqual(r.diagnosis, []);
  assert.ok(r.maxRelativeError! < THRESHOLDS.excellent);
  assert.deepEqual([THRESHOLDS.relative, THRESHOLDS.excellent, THRESHOLDS.absolute], [1e-5, 1e-7, 1e-8]);
  assert.match(english(r.summary.text, ...r.summary.args), /matches the numerical gradient/);
});

for (const [name, g, code, says] of [
  ['the opposite sign', grad4.map((v) => -v), 'sign', /opposite sign/],
  ['N times too large with N = 4 rows', grad4.map((v) => 4 * v), 'scale', /batch size N = 4/],
  ['a factor of 2', grad4.map((v) => v / 2), 'scale', /factor of 2/],
  ['all zeros', [0, 0, 0, 0], 'zero', /0 everywhere/],
  // Only x[0]: the loop's first pass and no more (return grad inside the loop) or iddx/idx.
  [
    'only the first element right, the rest 0 (return in the loop, iddx/idx)',
    [grad4[0], 0, 0, 0],
    'partial',
    /Only the first of 4 .*return grad indented inside the for loop/,
  ],
  ['one element right, the rest 0 (a loop that skips)', [0, 0, grad4[2], 0], 'partial', /Only 1 of 4/],
] as const) {
  test(`a gradient with ${name} fails with the diagnosis '${code}'`, () => {
    const r = analyse(
      prepared(
        ['x', 't'],
        {
          x: x4,
          t: [
            [0, 1, 0, 0],
            [1, 0, 0, 0],
            [0, 0, 1, 0],
            [0, 0, 0, 1],
          ],
        },
        'x',
      ),
      runOutput(sumSquares, x4, [4], [...g]),
      '',
    );
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.diagnosis, [code]);
    assert.match(english(r.messages[0].text, ...r.messages[0].args), says);
  });
}

test('a transposed gradient is recognised from its shape, and from its values when square', () => {
  const W = [0.3, -0.8, 1.1, 0.4, 0.9, -0.5];
  const c = [1, 2, 3, 4, 5, 6];
  const f: Vec = (w) => w.reduce((s, v, k) => s + c[k] * v * v, 0);
  const dW = W.map((v, k) => 2 * c[k] * v); // (2, 3), row-major
  const dWt = [dW[0], dW[3], dW[1], dW[4], dW[2], dW[5]]; // (3, 2)
  const r = analyse(
    prepared(['W'], { W: [W.slice(0, 3), W.slice(3)] }, 'W'),
    runOutput(f, W, [2, 3], dWt, 1e-4, [3, 2]),
    '',
  );
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['transpose']]);
  assert.equal(
    r.rows.every((row) => row.ok),
    true,
    'the table shows the values transposed back: they agree',
  );
  const reshaped = analyse(
    prepared(['W'], { W: [W.slice(0, 3), W.slice(3)] }, 'W'),
    runOutput(f, W, [2, 3], dWt, 1e-4, [2, 3]),
    '',
  );
  assert.deepEqual(reshaped.diagnosis, ['transpose'], '.reshape of the transpose');
  assert.match(english(reshaped.messages[0].text, ...reshaped.messages[0].args), /Use \.T/);
  const S = [0.3, -0.8, 1.1, 0.4];
  const g = (s: number[]) => s.map((v, k) => 2 * (k + 1) * v);
  const fs: Vec = (s) => s.reduce((a, v, k) => a + (k + 1) * v * v, 0);
  const gs = g(S);
  const square = analyse(
    prepared(['W'], { W: [S.slice(0, 2), S.slice(2)] }, 'W'),
    runOutput(fs, S, [2, 2], [gs[0], gs[2], gs[1], gs[3]]),
    '',
  );
  assert.deepEqual(square.diagnosis, ['transpose']);
});

test('a kink within h: the analytic side slope is flagged as a kink, not as a wrong formula', () => {
  const relu: Vec = (x) => x.reduce((s, v, k) => s + Math.max(0, v) * (k + 1), 0);
  const x = [0.5, -1.2, 0.00004, 2.0];
  const r = analyse(prepared(['x'], { x }, 'x'), runOutput(relu, x, [4], [1, 0, 3, 4]), '');
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['kink']]);
  assert.match(english(r.messages[0].text, ...r.messages[0].args), /x\[2\] = 4e-5/);
  assert.notEqual(r.errorVsH!.index, 2, 'the error-vs-h chart avoids the kinked element');
});

test("a gradient equal to a central difference with h = 1e-3 is named as such (the learner's h = 10e-4)", () => {
  const f: Vec = (x) => x.reduce((s, v) => s + Math.exp(v) + v ** 3, 0);
  const x = [0.3, -0.4, 1.2];
  const theirs = x.map(
    (_, i) =>
      (f(x.map((v, k) => (k === i ? v + 1e-3 : v))) - f(x.map((v, k) => (k === i ? v - 1e-3 : v)))) / (2 * 1e-3),
  );
  const r = analyse(prepared(['x'], { x }, 'x'), runOutput(f, x, [3], theirs), '');
  assert.equal(r.verdict, 'pass');
  assert.deepEqual(r.diagnosis, ['step-size']);
  assert.match(english(r.messages[0].text, ...r.messages[0].args), /h = 0\.001, not h = 1e-4.*10e-4 is 1e-3/);
  const exact = x.map((v) => Math.exp(v) + 3 * v * v);
  assert.deepEqual(
    analyse(prepared(['x'], { x }, 'x'), runOutput(f, x, [3], exact), '').diagnosis,
    [],
    'a right gradient is not blamed',
  );
});

test('where −log y curves sharply the h = 1e-4 reference itself is off; agreeing at h/10 passes as converged', () => {
  const f: Vec = (y) => -Math.log(y[0] + 1e-7) - Math.log(y[1] + 1e-7);
  const y = [0.004, 0.3];
  const exact = y.map((v) => -1 / (v + 1e-7));
  const out = runOutput(f, y, [2], exact);
  const plain = compare(out, 1e-4, exact);
  assert.equal(plain.failing, 1, 'without refinement the right gradient would fail at y[0]');
  const r = analyse(prepared(['y'], { y }, 'y'), out, '');
  assert.deepEqual([r.verdict, r.diagnosis], ['pass', ['truncation']]);
  assert.equal(r.rows.find((row) => row.index === 0)?.converged, true);
});

test('non-determinism and mutated inputs make the numbers untrustworthy: reported first, no pattern guessed', () => {
  const out = runOutput(
    sumSquares,
    x4,
    [4],
    grad4.map((v) => -v),
  );
  const noisy = analyse(prepared(['x'], { x: x4 }, 'x'), { ...out, f0Again: out.f0 + 0.01 }, '');
  assert.deepEqual([noisy.verdict, noisy.diagnosis], ['fail', ['nondeterministic']]);
  const mutated = analyse(
    prepared(['x'], { x: x4 }, 'x'),
    { ...runOutput(sumSquares, x4, [4], grad4), mutated: [{ fn: 'gradient', arg: 'x' }] },
    '',
  );
  assert.deepEqual([mutated.verdict, mutated.diagnosis], ['fail', ['mutates-input']]);
  assert.match(english(mutated.messages[0].text, ...mutated.messages[0].args), /restore it afterwards/);
});

test('a NaN loss is reported with the book’s δ; a gradient of the wrong shape names both shapes', () => {
  const nan = analyse(
    prepared(['y', 't'], { y: [0, 1], t: [1, 0] }, 'y'),
    runOutput(() => NaN, [0, 1], [2], [1, 1]),
    '',
  );
  assert.deepEqual([nan.verdict, nan.diagnosis], ['fail', ['nan']]);
  assert.match(english(nan.messages[0].text, ...nan.messages[0].args), /log\(y \+ 1e-7\)/);
  const wrong = analyse(
    prepared(
      ['b', 'x'],
      {
        b: [0.1, 0.2, 0.3],
        x: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
          [1, 1, 1],
        ],
      },
      'b',
    ),
    runOutput(sumSquares, [0.1, 0.2, 0.3], [3], [1, 2, 3, 4], 1e-4, [4]),
    '',
  );
  assert.deepEqual([wrong.verdict, [...wrong.diagnosis].sort()], ['fail', ['axis', 'shape']]);
  assert.match(english(wrong.messages[0].text, ...wrong.messages[0].args), /shape \(4,\) but b has shape \(3,\)/);
});

test("error vs h on the book's f(x) = 0.01x² + 0.1x: central beats forward, and h = 1e-50 would be useless", () => {
  const f: Vec = (x) => 0.01 * x[0] ** 2 + 0.1 * x[0];
  const out = runOutput(f, [5], [1], [0.2]);
  const e = errorVsH(out, 0.2)!;
  assert.equal(e.referenceKind, 'analytic');
  const at = (h: number) => e.hs.indexOf(h);
  assert.ok(e.forward[at(1e-4)] > 1e-6 && e.forward[at(1e-4)] < 1e-4, 'forward: truncation error ~ h·f″/2f′ = 5e-5');
  assert.ok(e.central[at(1e-4)] < 1e-10, 'central: exact up to rounding for a quadratic');
  assert.ok(e.central[at(1e-15)] > 1e-3, 'rounding dominates at h = 1e-15');
  assert.equal(Math.min(...e.central), ERROR_FLOOR <= Math.min(...e.central) ? Math.min(...e.central) : NaN);
  assert.equal(
    analyse(prepared(['x'], { x: [5] }, 'x'), out, '').rows[0].numerical,
    vectors['numerical_diff_central_h_1e-4'].at['5'],
  );
});

test('the panel view: translated text, formatted numbers, worst rows first, the chart and "Go to line"', () => {
  const r = analyse(
    prepared(['x'], { x: x4 }, 'x'),
    runOutput(
      sumSquares,
      x4,
      [4],
      grad4.map((v, k) => (k === 2 ? v + 1 : v)),
    ),
    'hint',
  );
  const view = toResultView(r, (text, ...args) => `«${english(text, ...args)}»`);
  assert.equal(view.verdict, 'fail');
  assert.match(view.headline, /^«Your gradient does not match at 1 of 4/);
  assert.equal(view.rows[0].element, 'x[2]');
  assert.equal(view.rows[0].ok, false);
  assert.equal(view.rows[0].numerical, fmt(4));
  assert.equal(view.chart?.hs.length, 15);
  assert.match(view.thresholds, /≤ 1e-5/);
  assert.ok(view.hasAnalytic);
});

test('messages from the page are validated: bad ones are refused with the reason', () => {
  assert.deepEqual(parseGradcheckMessage({ type: 'run', gradient: '', wrt: 'self.W', h: 1e-4, inputsText: '{}' }), {
    type: 'run',
    gradient: '',
    wrt: 'self.W',
    h: 1e-4,
    inputsText: '{}',
  });
  for (const [bad, why] of [
    [{ type: 'run', gradient: 'x; rm -rf /', wrt: 'x', h: 1e-4, inputsText: '{}' }, /gradient must be a function name/],
    [{ type: 'run', gradient: '', wrt: 'x', h: -1, inputsText: '{}' }, /h must be at least/],
    [{ type: 'run', gradient: '', wrt: 'x', h: 1e-4, inputsText: 3 }, /inputsText must be a string/],
    [{ type: 'preset', id: 'mnist' }, /id must be one of/],
    [{ type: 'reveal', line: 0.5 }, /line must be a whole number/],
    [{ type: 'eval', code: '1' }, /type must be one of/],
    ['run', /message must be an object/],
  ] as const) {
    assert.throws(() => parseGradcheckMessage(bad), why);
  }
});

test("updatesInPlace follows numpy's rule for x -= lr * grad (the broadcast shape must be x's)", () => {
  const ok: [number[], number[]][] = [
    [[3], [3]],
    [[1, 3], [3]],
    [
      [2, 3],
      [1, 3],
    ],
    [[2, 3], [3]],
    [[4, 1], [1]],
  ];
  const no: [number[], number[]][] = [
    [[3], [1, 3]],
    [[3], [1, 1, 3]],
    [[3], [3, 1]],
    [
      [3, 1],
      [1, 3],
    ],
    [
      [2, 3],
      [3, 2],
    ],
  ];
  for (const [x, g] of ok) assert.equal(updatesInPlace(x, g), true, `${x} -= ${g}`);
  for (const [x, g] of no) assert.equal(updatesInPlace(x, g), false, `${x} -= ${g}`);
});
