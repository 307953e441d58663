import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import { runCheck } from '../../src/gradcheck/check';
import { InsideRunners, replayElement, traceShapes } from '../../src/inside/inside';
import type { Replay } from '../../src/inside/replay';
import { lineTexts } from '../../src/inside/trace';
import { makeInsideRunner } from '../../src/inside/runInside';
import { FIXTURES, HARNESS, PYTHON, testRunners } from './gradcheckHelpers';
import { fixture } from './fixtureFiles';
import { ROOT, assertAllClose, assertClose, vectors } from './helpers';

/**
 * The replay of a numerical gradient and the shape trace, with real Python (and the JS worker):
 * the book's function_2 at (3, 4) against the test vectors, each classic bug of a learner's own
 * numerical_gradient, the lambda that reads net.W, and the trace line by line.
 */

const INSIDE = join(ROOT, 'test', 'fixtures', 'inside');
const runners: InsideRunners = { ...testRunners(), inside: makeInsideRunner(PYTHON, HARNESS) };
const notes = (r: Replay) => r.notes.map((n) => formatMsg(n)).join('\n');
const stepNotes = (r: Replay) =>
  r.steps
    .filter((s) => s.note)
    .map((s) => formatMsg(s.note!))
    .join('\n');
const value = (r: Replay, key: string) => r.steps.find((s) => s.key === key)!.values[0]!;

async function replay(file: string, fn: string, opts: Record<string, unknown> = {}): Promise<Replay> {
  const r = await replayElement({ file, functionName: fn, ...opts }, runners);
  assert.ok(r.ok, r.ok ? '' : formatMsg(r.message));
  return r.value;
}

test('function_2 at (3, 4): each step of the central difference, and the slopes are the test vectors', async () => {
  const partial = vectors.partial_derivatives;
  const expected = [partial['d_dx0_via_f(x0)=x0*x0+16'], partial['d_dx1_via_f(x1)=9+x1*x1']];
  for (const [file, fn] of [
    [join(FIXTURES, 'py', 'function_2.py'), 'function_2'],
    [join(FIXTURES, 'js', 'function2.js'), 'function2'],
  ]) {
    for (const k of [0, 1]) {
      const r = await replay(file, fn, { inputs: { x: [3, 4] }, element: `x[${k}]` });
      assert.equal(r.mode, 'central');
      assert.deepEqual(
        r.steps.map((s) => s.key),
        ['value', 'plus', 'fplus', 'minus', 'fminus', 'slope', 'restore'],
      );
      assert.deepEqual(
        r.steps.map((s) => s.label),
        [
          `x[${k}]`,
          `x[${k}] + h`,
          'f(x + h)',
          `x[${k}] − h`,
          'f(x − h)',
          '(f(x + h) − f(x − h)) / 2h',
          `x[${k}] restored`,
        ],
      );
      const x = [3, 4][k];
      const other = [4, 3][k] ** 2;
      assert.equal(value(r, 'value'), x);
      assert.equal(value(r, 'plus'), x + 1e-4);
      assert.equal(value(r, 'fplus'), (x + 1e-4) ** 2 + other);
      assert.equal(value(r, 'minus'), x - 1e-4);
      assertClose(value(r, 'fminus'), (x - 1e-4) ** 2 + other, { rel: 1e-15 });
      assertClose(value(r, 'slope'), expected[k], { abs: 1e-9 }, `${file} slope x[${k}]`);
      assertClose(value(r, 'slope'), vectors.numerical_gradient_function_2[0].expected[k], { abs: 1e-7 });
      assert.equal(value(r, 'restore'), x);
      assert.equal(r.notes.length, 0);
    }
  }
});

test('the default element is the worst one of the check', async () => {
  const file = join(FIXTURES, 'py', 'sign_error.py');
  const report = await runCheck({ file, functionName: 'softmax_loss' }, runners);
  assert.equal(report.verdict, 'fail');
  const r = await replayElement({ file, functionName: 'softmax_loss' }, runners, report);
  assert.ok(r.ok);
  assert.deepEqual(r.value.position, report.rows[0].position);
  assertClose(value(r.value, 'slope'), report.rows[0].numerical, { rel: 1e-12 });
});

test('a method’s self.W made by __init__: the element is found from the check’s shape', async () => {
  const file = join(FIXTURES, 'py', 'simple_net.py');
  const report = await runCheck({ file, functionName: 'simpleNet.loss' }, runners);
  const r = await replayElement({ file, functionName: 'simpleNet.loss', element: 'W[1, 2]' }, runners, report);
  assert.ok(r.ok, r.ok ? '' : formatMsg(r.message));
  assert.equal(r.value.element, 'W[1, 2]');
  assertClose(value(r.value, 'slope'), report.rows.find((x) => x.index === 5)!.numerical, { rel: 1e-12 });
});

test('a bad element is refused with the shape and an example', async () => {
  const r = await replayElement(
    { file: join(FIXTURES, 'py', 'function_2.py'), functionName: 'function_2', inputs: { x: [3, 4] }, element: 'x[2]' },
    runners,
  );
  assert.ok(!r.ok);
  assert.equal(formatMsg(r.message), 'x[2] is not an element of x (2): write it like x[1].');
});

test('the book’s own numerical_gradient on np.array([3, 4]) (int64): x + h truncated, as the replay of its loop shows', async () => {
  const r = await replay(join(INSIDE, 'book_numerical_gradient.py'), 'function_2', {
    gradientName: 'numerical_gradient',
    inputs: { x: [3, 4] },
    element: 'x[1]',
    dtype: 'int64',
  });
  assert.equal(r.mode, 'learner');
  const lines = r.steps.map((s) => `${s.line} ${s.label} | ${(s.bound ?? []).join(', ')}`);
  assert.deepEqual(lines.slice(0, 13), [
    '11 h = 1e-4  # 0.0001 | h = 0.0001',
    '12 grad = np.zeros_like(x) | grad: (2,) int64',
    "14 it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite']) | ",
    '15 while not it.finished: | ',
    '16 idx = it.multi_index | idx = (1,)',
    '17 tmp_val = x[idx] | tmp_val = 4',
    '18 x[idx] = float(tmp_val) + h | x[1] = 4',
    '19 fxh1 = f(x)  # f(x+h) | fxh1 = 25',
    '21 x[idx] = tmp_val - h | x[1] = 3',
    '22 fxh2 = f(x)  # f(x-h) | fxh2 = 18',
    '23 grad[idx] = (fxh1 - fxh2) / (2 * h) | grad[1] = 35000',
    '25 x[idx] = tmp_val  # restore | x[1] = 4',
    '26 it.iternext() | ',
  ]);
  assert.match(stepNotes(r), /x is an integer array \(int64\): 4\.0001 was stored as 4\./);
  assert.match(stepNotes(r), /3\.9999 was stored as 3\./);
  assert.match(notes(r), /meant 4\.0001 but stored 4/);
  assert.equal(r.learnerValue, 35000);
  assert.match(notes(r), /Your numerical_gradient gives 35000 for x\[1\]; central differences with h = 1e-4 give /);
});

test('x[idx] not restored: the replay names the element left shifted', async () => {
  const r = await replay(fixture('gradcheck/py/forgot_restore.py'), 'function_2', {
    gradientName: 'numerical_gradient',
    inputs: { x: [3, 4] },
    element: 'x[0]',
  });
  assert.equal(r.mode, 'learner');
  assert.ok(!r.steps.some((s) => /x\[idx\] = tmp_val$/.test(s.label)));
  assert.deepEqual(
    r.steps.filter((s) => s.iteration === 0).map((s) => (s.bound ?? []).join(', ')),
    [
      'idx = 0',
      'tmp_val = 3',
      'x[0] = 3.0001',
      'fxh1 = 25.00060001',
      'x[0] = 2.9999',
      'fxh2 = 24.99940001',
      'grad[0] = 6.00000000000378',
    ],
  );
  assert.match(notes(r), /x\[0\] was not restored: it is 2\.9999 after your numerical_gradient returned, not 3\./);
  assert.match(notes(r), /x\[1\] was not restored: it is 3\.9999/);
});

test('h = 1e-50: x + h == x, shown at the line that adds it', async () => {
  const r = await replay(fixture('inside/h_1e-50.py'), 'function_2', {
    gradientName: 'numerical_gradient',
    inputs: { x: [3, 4] },
    element: 'x[1]',
  });
  const add = r.steps.find((s) => s.label === 'x[idx] = tmp_val + h')!;
  assert.deepEqual(add.bound, ['x[1] = 4']);
  assert.equal(
    formatMsg(add.note!),
    '4 + 1e-50 == 4 in float64: h = 1e-50 is lost to rounding, so x[1] did not change.',
  );
  assert.deepEqual(
    r.steps
      .filter((s) => s.iteration === 1)
      .map((s) => (s.bound ?? []).join(', '))
      .slice(3, 6),
    ['fxh1 = 25', 'x[1] = 4', 'fxh2 = 25'],
  );
  assert.equal(r.learnerValue, 0);
  assert.match(notes(r), /h = 1e-50 is lost: 4 \+ 1e-50 == 4 in float64 \(rounding error, 4\.3\.1\)/);
});

test('a loop over the wrong range: the element is never perturbed', async () => {
  const r = await replay(fixture('inside/wrong_range.py'), 'function_2', {
    gradientName: 'numerical_gradient',
    inputs: { x: [3, 4] },
    element: 'x[1]',
  });
  assert.match(notes(r), /Your loop never perturbed x\[1\]: it ran 1 iterations over 1 of the 2 elements/);
  assert.equal(r.learnerValue, 0);
  assert.ok(r.steps.some((s) => s.label === 'for idx in range(x.size - 1):'));
});

test('iddx: the replay stops at the line that raised, and names the loop variable', async () => {
  const r = await replay(fixture('gradcheck/py/iddx_typo.py'), 'function_2', {
    gradientName: 'numerical_gradient',
    inputs: { x: [3, 4] },
    element: 'x[0]',
  });
  const last = r.steps[r.steps.length - 1];
  assert.equal(last.line, 13);
  assert.equal(formatMsg(last.note!), "This line raised NameError: name 'idx' is not defined.");
  assert.equal(
    notes(r),
    "Line 13 `tmp_val = x[idx]` raised NameError: name 'idx' is not defined: the loop variable is iddx, not idx.",
  );
});

/** simpleNet's backprop: dW = outer(x, softmax(x·W) − t). */
function backprop(W: number[], x: number[], t: number[]): number[] {
  const z = [0, 1, 2].map((j) => x[0] * W[j] + x[1] * W[3 + j]);
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return [0, 1].flatMap((i) => [0, 1, 2].map((j) => x[i] * (e[j] / s - t[j])));
}

test('f = lambda w: net.loss(x, t) with net.W passed: x IS net.W, and the gradient equals backprop’s', async () => {
  const r = await replay(join(INSIDE, 'gradient_simplenet.py'), 'f', { gradientName: null, element: 'w[1, 2]' });
  const id = r.identity!;
  assert.deepEqual([id.param, id.reads, id.passed, id.shared, id.source], ['w', 'net.W', 'net.W', true, 'file']);
  assert.equal(id.idX, id.idTarget);
  // δ = 1e-7 in log(y + δ) moves the numerical gradient by ~δ/y: within the checker's 1e-5.
  assertAllClose(id.sharedGradient!, backprop(id.values!, [0.6, 0.9], [0, 0, 1]), { rel: 1e-5 }, 'dW');
  assert.deepEqual(id.copiedGradient, [0, 0, 0, 0, 0, 0]);
  assert.match(
    notes(r),
    /f never reads its argument w: it reads net\.W\. The x that numerical_gradient perturbs is net\.W itself \(the same object, id 0x[0-9a-f]+\)/,
  );
  // The replay runs on net.W itself: its values and a slope equal to backprop's.
  assert.equal(value(r, 'value'), id.values![5]);
  assertClose(value(r, 'slope'), backprop(id.values!, [0.6, 0.9], [0, 0, 1])[5], { rel: 1e-5 });
});

test('def f(W): return net.loss(x, t) with net.W.copy(): all zeros, and why', async () => {
  const r = await replay(fixture('inside/gradient_simplenet_copy.py'), 'f', { gradientName: null, element: 'W[0, 0]' });
  const id = r.identity!;
  assert.deepEqual([id.reads, id.passed, id.shared], ['net.W', 'net.W.copy()', false]);
  assert.notEqual(id.idX, id.idTarget);
  assert.deepEqual(id.copiedGradient, [0, 0, 0, 0, 0, 0]);
  assert.equal(value(r, 'fplus'), value(r, 'fminus'));
  assert.equal(value(r, 'slope'), 0);
  assert.match(
    notes(r),
    /But your file passes net\.W\.copy\(\), a different object .*gradient is all zeros\. Pass net\.W itself: numerical_gradient\(f, net\.W\)\./,
  );
});

const Y4 = [
  [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0],
  [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0],
  [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05],
  [0.05, 0.05, 0.1, 0.5, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
];

async function trace(file: string, fn: string, opts: Record<string, unknown> = {}) {
  const r = await traceShapes({ file: join(INSIDE, file), functionName: fn, gradientName: null, ...opts }, runners);
  assert.ok(r.ok, r.ok ? '' : formatMsg(r.message));
  return r.value;
}
const rows = (t: Awaited<ReturnType<typeof trace>>) =>
  t.entries.map(
    (e) => `${e.line} ${e.name} ${JSON.stringify(e.shape)} ${e.dtype}${e.value !== undefined ? ` = ${e.value}` : ''}`,
  );

test('shape trace: the book’s batch cross entropy with labels t', async () => {
  const t = await trace('trace_batch_labels.py', 'cross_entropy_error', {
    inputs: { y: Y4, t: [2, 7, 0, 3] },
    wrt: 'y',
  });
  assert.deepEqual(rows(t), [
    '5 y [4,10] float64',
    '5 t [4] int64',
    '10 batch_size [] int = 4',
    '11 picked [4] float64',
    `12 return [] float64 = ${t.entries[4].value}`,
  ]);
  assertClose(
    t.entries[4].value as number,
    -(Math.log(0.6 + 1e-7) + Math.log(0.6 + 1e-7) + Math.log(0.2 + 1e-7) + Math.log(0.5 + 1e-7)) / 4,
    { rel: 1e-12 },
  );
  assert.equal(lineTexts(t.entries).get(5), 'y: (4, 10) float64, t: (4,) int64');
  assert.equal(lineTexts(t.entries).get(10), 'batch_size = 4');
  assert.deepEqual(t.notes, []);
});

test('shape trace: the one-hot form given labels fails at the broadcast, explained with 4.2.4', async () => {
  const t = await trace('trace_onehot_form_given_labels.py', 'cross_entropy_error', {
    inputs: { y: Y4, t: [2, 7, 0, 3] },
    wrt: 'y',
  });
  assert.deepEqual(rows(t), ['5 y [4,10] float64', '5 t [4] int64', '6 batch_size [] int = 4']);
  assert.equal(t.error?.line, 7);
  assert.match(t.error!.message, /^ValueError: operands could not be broadcast together with shapes \(4,\) \(4,10\)/);
  assert.equal(t.notes.length, 1);
  assert.equal(t.notes[0].line, 7);
  assert.match(
    formatMsg(t.notes[0].message),
    /^t holds labels \(4,\) int64, but this line treats it as one-hot: t \* np\.log\(y\) needs t shaped like y \(4, 10\)\. .*y\[np\.arange\(batch_size\), t\].*\(4\.2\.4/,
  );
});

test('shape trace: a 1-D softmax given a batch normalises the whole batch', async () => {
  const t = await trace('trace_softmax_1d.py', 'softmax_loss');
  assert.deepEqual(
    rows(t).map((r) => r.replace(/ = [-\d.e]+$/, ' = …')),
    [
      '5 a [4,10] float64',
      '6 c [] float64 = …',
      '7 exp_a [4,10] float64',
      '8 sum_exp_a [] float64 = …',
      '9 y [4,10] float64',
      '10 return [4,10] float64',
      '13 a [4,10] float64',
      '13 t [4,10] int64',
      '14 y [4,10] float64',
      '15 batch_size [] int = …',
      '16 return [] float64 = …',
    ],
  );
  assert.equal(t.notes.length, 1);
  assert.equal(t.notes[0].line, 5);
  assert.match(
    formatMsg(t.notes[0].message),
    /^softmax\(\) was given a batch \(4, 10\) but normalised it as one vector: the whole batch sums to 1 .*3\.5\.2.*axis=-1/,
  );
});

test('shape trace: (2, 324) points as columns into np.dot(x, W), the transposition explained', async () => {
  const inputs = JSON.parse(require('node:fs').readFileSync(join(INSIDE, 'points_2x324.json'), 'utf8'));
  const t = await trace('trace_points_as_columns.py', 'loss', { inputs });
  assert.deepEqual(rows(t), ['6 W [2,3] float64', '6 x [2,324] float64']);
  assert.equal(t.error?.line, 7);
  assert.match(t.error!.message, /shapes \(2,324\) and \(2,3\) not aligned/);
  assert.equal(
    formatMsg(t.notes[0].message),
    "np.dot((2, 324), (2, 3)) needs the first array's last dimension (324) to equal the second's first (2) (3.3.2, the product of matrices). Its transpose (324, 2) would fit: one example a row, as the book's functions take them (x.T, or np.array([X, Y]).T for points made with np.meshgrid).",
  );
  // With the points as rows, the same loss runs through.
  const rowsInputs = { W: inputs.W, x: inputs.x[0].map((v: number, k: number) => [v, inputs.x[1][k]]) };
  const ok = await trace('trace_points_as_columns.py', 'loss', { inputs: rowsInputs });
  assert.deepEqual(rows(ok).slice(0, 4), [
    '6 W [2,3] float64',
    '6 x [324,2] float64',
    '7 a [324,3] float64',
    '8 y [324,3] float64',
  ]);
  assert.equal(ok.error, undefined);
});

test('shape trace: x @ W with points as columns, and argmax(axis=1) on labels', async () => {
  const inputs = JSON.parse(require('node:fs').readFileSync(join(INSIDE, 'points_2x324.json'), 'utf8'));
  const m = await trace('trace_matmul_points.py', 'loss', { inputs });
  assert.deepEqual(rows(m), ['5 W [2,3] float64', '5 x [2,324] float64']);
  assert.equal(m.error?.line, 6);
  assert.match(
    formatMsg(m.notes[0].message),
    /^np\.dot\(\(2, 324\), \(2, 3\)\) needs .*\(324\).*\(2\).*Its transpose \(324, 2\) would fit/,
  );
  const a = await trace('trace_argmax_labels.py', 'cross_entropy_error', {
    inputs: { y: Y4, t: [2, 7, 0, 3] },
    wrt: 'y',
  });
  assert.deepEqual(rows(a), ['5 y [4,10] float64', '5 t [4] int64']);
  assert.equal(a.error?.line, 6);
  assert.equal(
    formatMsg(a.notes[0].message),
    't is already labels (4,): argmax(axis=1) turns one-hot t into labels, so skip it when t.ndim == 1 (the book converts only when t.size == y.size, 4.2.4).',
  );
});

test('shape trace: t.reshape(1, t.shape) and an integer x explained; a long loop is bounded', async () => {
  const t = await traceShapes(
    {
      file: fixture('gradcheck/py/reshape_shape_typo.py'),
      functionName: 'cross_entropy_error',
      gradientName: null,
      inputs: { y: Y4[0], t: [0, 0, 1, 0, 0, 0, 0, 0, 0, 0] },
    },
    runners,
  );
  assert.ok(t.ok);
  assert.match(formatMsg(t.value.notes[0].message), /t\.reshape\(1, t\.size\)/);
  const i = await traceShapes(
    {
      file: join(INSIDE, 'book_numerical_gradient.py'),
      functionName: 'function_2',
      gradientName: null,
      inputs: { x: [3, 4] },
      dtype: 'int64',
    },
    runners,
  );
  assert.ok(i.ok);
  assert.match(formatMsg(i.value.notes[0].message), /^x is an integer array \(2,\) int64/);
  const loop = await traceShapes(
    {
      file: join(FIXTURES, 'py', 'infinite_loop.py'),
      functionName: 'mean_loss',
      gradientName: null,
      maxSteps: 500,
      timeoutMs: 5000,
    },
    runners,
  );
  assert.ok(loop.ok, 'the tracer stops the endless loop itself, before the time limit');
  assert.equal(loop.value.stopped, 'steps');
  assert.deepEqual(rows(loop.value as never), [
    '5 x [2] float64',
    '6 total [] float = 0',
    '7 i [] int = 0',
    `9 total [] float64 = ${loop.value.entries[3].value}`,
  ]);
  assert.match(formatMsg(loop.value.notes[0].message), /stopped your function after 500 lines/);
});

test('CLI: --replay "x[1]" --json and --trace --json put the steps and the trace in the summary', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'gradcheck', ...args, '--python', PYTHON], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const r = cli(
    join(FIXTURES, 'py', 'function_2.py'),
    'function_2',
    '--inputs',
    join(INSIDE, 'x34.json'),
    '--replay',
    'x[1]',
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(
    j.replay.map((s: { label: string }) => s.label),
    ['x[1]', 'x[1] + h', 'f(x + h)', 'x[1] − h', 'f(x − h)', '(f(x + h) − f(x − h)) / 2h', 'x[1] restored'],
  );
  assert.deepEqual(j.replay[2].values, [25.00080001]);
  assertClose(j.replay[5].values[0], 7.999999999999119, { abs: 1e-9 });
  const text = cli(
    join(INSIDE, 'book_numerical_gradient.py'),
    'function_2',
    '--grad',
    'numerical_gradient',
    '--inputs',
    join(INSIDE, 'x34.json'),
    '--replay',
    '--dtype',
    'int64',
  );
  assert.match(text.stdout, /Replay of x\[0\] through your numerical_gradient/);
  assert.match(
    text.stdout,
    /line 18\s+x\[idx\] = float\(tmp_val\) \+ h\s+x\[0\] = 3\n\s+↳ x is an integer array \(int64\): 3\.0001 was stored as 3\./,
  );
  const t = cli(join(INSIDE, 'trace_softmax_1d.py'), 'softmax_loss', '--grad', 'none', '--trace', '--json');
  const tj = JSON.parse(t.stdout.trim().split('\n').pop()!);
  assert.deepEqual(tj.trace[0], {
    line: 5,
    name: 'a',
    shape: [4, 10],
    dtype: 'float64',
    function: 'softmax',
    text: 'a: (4, 10) float64',
  });
  assert.match(tj.traceInfo.notes[0].message, /softmax\(\) was given a batch/);
});
