import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckOptions, CheckReport, runCheck } from '../../src/gradcheck/check';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import { qualifiedName } from '../../src/gradcheck/source/findFunctions';
import { importedFunctions } from '../../src/gradcheck/source/imports';
import { FIXTURES, testRunners } from './gradcheckHelpers';
import { isDifferentiable } from '../../src/gradcheck/run/inputs';

/**
 * The Python checker on the shapes real code has (issue 10): the book's own common/ and
 * TwoLayerNet, CS231n-style (loss, dW) and (loss, grads), Coursera-style (dj_dw, dj_db),
 * layers through dout, packages, defaults, output arguments — and the diagnoses, each hint that
 * names a formula tested by applying it and seeing the check pass.
 */

const PY = join(FIXTURES, 'python');
const BOOK = join(PY, 'book');
const runners = testRunners();
const text = (r: CheckReport) =>
  [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m)), ...(r.notes ?? []).map((m) => formatMsg(m))].join(
    '\n',
  );
const check = (o: Partial<CheckOptions> & { file: string; functionName: string }) =>
  runCheck({ timeoutMs: 30_000, ...o }, runners);
const tmp = () => mkdtempSync(join(tmpdir(), 'gl-gcpy-'));
/** A learner's Python file in a new folder: its text, or its lines (joined with newlines). */
const pyFile = (name: string, source: string | string[]) => {
  const file = join(tmp(), name);
  writeFileSync(file, typeof source === 'string' ? source : source.join('\n'));
  return file;
};

/** A check that must pass on every element, and excellently (a float64 gradient). */
function passes(r: CheckReport, what: string): void {
  assert.equal(r.verdict, 'pass', `${what}:\n${text(r)}`);
  assert.deepEqual(
    r.diagnosis.filter((d) => d !== 'truncation'),
    [],
    text(r),
  );
  assert.ok(r.maxRelativeError !== null && r.maxRelativeError <= 1e-5, `${what}: ${r.maxRelativeError}`);
  for (const g of r.groups ?? [r])
    assert.ok(
      g.rows.every((row) => row.ok === true && row.analytic !== null),
      `${what}: every element of ${g.wrt} compared`,
    );
}

// ---- return shapes ---------------------------------------------------------------------------

test('CS231n (W, X, y, reg) → (loss, dW): integer labels y, reg = 0.1, the returned dW compared without --grad', async () => {
  for (const fn of ['softmax_loss_naive', 'softmax_loss_vectorized']) {
    const r = await check({ file: join(PY, 'cs231n', 'softmax.py'), functionName: fn });
    passes(r, fn);
    assert.equal(r.wrt, 'W');
    assert.deepEqual(r.shape, [2, 3]);
    assert.equal(r.gradientFrom, `${fn}() → dW`);
    const y = r.inputs.y as number[];
    assert.ok(y.length === 4 && y.every((v) => Number.isInteger(v) && v >= 0 && v < 3), `labels: ${JSON.stringify(y)}`);
    assert.equal(r.inputs.reg, 0.1);
    assert.ok(r.maxRelativeError! <= 1e-7, `excellent: ${r.maxRelativeError}`);
  }
  passes(await check({ file: join(PY, 'cs231n', 'linear_svm.py'), functionName: 'svm_loss_vectorized' }), 'svm');
});

test('(loss, grads) with grads a dict, and {loss, grad} / {cost, grads} dicts, are read without --grad', async () => {
  const file = pyFile('dicts.py', [
    'import numpy as np',
    'def loss_dict(W, x):',
    '    return {"loss": np.sum(np.tanh(x @ W)), "grad": x.T @ (1 - np.tanh(x @ W) ** 2)}',
    'def cost_grads(W, x):',
    '    return {"cost": np.sum(np.tanh(x @ W)), "grads": {"W": x.T @ (1 - np.tanh(x @ W) ** 2)}}',
    'def pair_of_dict(W, x):',
    '    return np.sum(np.tanh(x @ W)), {"dW": x.T @ (1 - np.tanh(x @ W) ** 2), "dx": (1 - np.tanh(x @ W) ** 2) @ W.T}',
    '',
  ]);
  for (const fn of ['loss_dict', 'cost_grads', 'pair_of_dict']) passes(await check({ file, functionName: fn }), fn);
  const dx = await check({ file, functionName: 'pair_of_dict', wrt: 'x' });
  passes(dx, 'dx by its spelling');
  assert.equal(dx.gradientFrom, 'pair_of_dict() → dx');
});

test('--grad none on a (loss, grad) function: numerical-only, not a pass', async () => {
  const r = await check({
    file: join(PY, 'cs231n', 'softmax.py'),
    functionName: 'softmax_loss_naive',
    gradientName: null,
  });
  assert.equal(r.verdict, 'numerical-only');
  assert.ok(r.rows.every((row) => row.analytic === null));
});

// ---- gradient shapes -------------------------------------------------------------------------

test('Coursera compute_gradient returning (dj_dw, dj_db) for scalar w and b passes, for w and for b', async () => {
  // The lab's own functions, from the real corpus (kept once there; see python/MANIFEST.json).
  const file = join(FIXTURES, 'real', 'coursera', 'linear_regression_uni.py');
  for (const wrt of ['w', 'b']) {
    const r = await check({ file, functionName: 'compute_cost', wrt });
    passes(r, wrt);
    assert.deepEqual(r.shape, [], 'w and b are scalars');
    assert.equal(typeof r.inputs.w, 'number');
    assert.equal((r.inputs.x as number[]).length, 4);
    assert.equal(r.gradient?.name, 'compute_gradient');
  }
  // dj_db comes first here and w is a vector: matched by the names in the return statement.
  const logistic = join(PY, 'coursera', 'logistic_regression.py');
  for (const wrt of ['w', 'b'])
    passes(await check({ file: logistic, functionName: 'compute_cost_logistic', wrt }), `logistic ${wrt}`);
});

test('a gradient written into an output argument is compared, not called a mutation', async () => {
  const file = pyFile(
    'outarg.py',
    'import numpy as np\n\ndef sse(y, t):\n    return 0.5 * np.sum((y - t) ** 2)\n\ndef sse_grad(y, t, out):\n    out[...] = y - t\n',
  );
  const r = await check({ file, functionName: 'sse' });
  passes(r, 'output argument');
  assert.equal(r.gradientFrom, 'sse_grad() → out');
});

test('several candidates of the same shape: asked (ambiguous, with the choices), then --grad-key decides', async () => {
  const file = pyFile(
    'two.py',
    'import numpy as np\n\ndef f(x):\n    return np.sum(x ** 3)\n\ndef f_grad(x):\n    return {"first": 3 * x ** 2, "second": 2 * x}\n',
  );
  const r = await check({ file, functionName: 'f' });
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['ambiguous']]);
  assert.deepEqual(r.error?.choices, ['first', 'second']);
  assert.match(text(r), /--grad-key KEY/);
  passes(await check({ file, functionName: 'f', gradKey: 'first' }), 'chosen');
  const wrong = await check({ file, functionName: 'f', gradKey: 'second' });
  assert.equal(wrong.verdict, 'fail');
});

// ---- where parameters live -------------------------------------------------------------------

test("the book's TwoLayerNet (ch05, layers; ch04, the chain rule): every group of self.params passes, one table each", async () => {
  for (const ch of ['ch04', 'ch05']) {
    const r = await check({ file: join(BOOK, ch, 'two_layer_net.py'), functionName: 'TwoLayerNet.loss' });
    passes(r, ch);
    assert.equal(r.wrt, 'self.params');
    assert.deepEqual(
      r.groups?.map((g) => [g.wrt, g.shape]),
      [
        ["self.params['W1']", [4, 5]],
        ["self.params['b1']", [5]],
        ["self.params['W2']", [5, 3]],
        ["self.params['b2']", [3]],
      ],
    );
    assert.equal(r.gradient?.qualified, 'TwoLayerNet.gradient');
    assert.match(
      text(r),
      /constructed as TwoLayerNet\(input_size=4, hidden_size=5, output_size=3, weight_init_std=0\.1\)/,
    );
    assert.deepEqual(r.inputs.__init__, { input_size: 4, hidden_size: 5, output_size: 3, weight_init_std: 0.1 });
  }
  for (const wrt of ["self.params['W1']", 'self.params["b2"]', "net.params['W2']"]) {
    const one = await check({ file: join(BOOK, 'ch05', 'two_layer_net.py'), functionName: 'TwoLayerNet.loss', wrt });
    passes(one, wrt);
    assert.equal(one.groups, undefined);
  }
});

/**
 * The book's code with one bug: SoftmaxWithLoss.backward's one-hot branch without / batch_size. Made from
 * the verbatim copy (fixtures/gradcheck/python/book, see its MANIFEST.json) so the book is kept once.
 */
function bookWithoutBatchSize(): string {
  const dir = join(tmp(), 'book_broken');
  cpSync(BOOK, dir, { recursive: true });
  const layers = join(dir, 'common', 'layers.py');
  const good = '            dx = (self.y - self.t) / batch_size\n';
  const source = readFileSync(layers, 'utf8');
  assert.equal(source.split(good).length, 2, 'the one-hot branch of SoftmaxWithLoss.backward, once');
  writeFileSync(
    layers,
    source.replace(good, '            dx = (self.y - self.t)  # BUG (fixture): the / batch_size is missing\n'),
  );
  return dir;
}

test("the book's TwoLayerNet with SoftmaxWithLoss missing / batch_size fails in every group with the batch size named", async () => {
  const r = await check({
    file: join(bookWithoutBatchSize(), 'ch05', 'two_layer_net.py'),
    functionName: 'TwoLayerNet.loss',
  });
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.diagnosis, ['scale']);
  assert.deepEqual(
    r.groups?.map((g) => g.verdict),
    ['fail', 'fail', 'fail', 'fail'],
  );
  assert.match(text(r), /exactly the batch size N = 4/);
});

test('the inputs JSON sets paths and the constructor: self.params entries and "__init__" values', async () => {
  const file = join(BOOK, 'ch05', 'two_layer_net.py');
  const W2 = [
    [0.5, -0.4],
    [0.3, 0.8],
    [-0.6, 0.2],
  ];
  const inputs = {
    __init__: { input_size: 2, hidden_size: 3, output_size: 2 },
    "self.params['W2']": W2,
    x: [
      [0.6, 0.9],
      [-0.3, 0.4],
    ],
    t: [
      [0, 1],
      [1, 0],
    ],
  };
  const r = await check({ file, functionName: 'TwoLayerNet.loss', wrt: "self.params['W2']", inputs });
  passes(r, 'given W2');
  assert.deepEqual(r.rows.map((row) => row.x).sort(), W2.flat().sort(), 'the given values were checked');
});

test("a parameter dict passed to a plain function: --wrt params checks each entry; params['b'] one", async () => {
  const file = pyFile('plain.py', [
    'import numpy as np',
    'def loss(params, x):',
    '    return np.sum((x @ params["W"] + params["b"]) ** 2)',
    'def loss_grad(params, x):',
    '    r = 2 * (x @ params["W"] + params["b"])',
    '    return {"W": x.T @ r, "b": r.sum(axis=0)}',
    '',
  ]);
  const inputs = {
    params: {
      W: [
        [0.1, 0.2],
        [0.3, -0.4],
      ],
      b: [0.5, -0.5],
    },
    x: [
      [1, 2],
      [3, 4],
      [-1, 0.5],
    ],
  };
  const all = await check({ file, functionName: 'loss', wrt: 'params', inputs });
  passes(all, 'params');
  assert.deepEqual(
    all.groups?.map((g) => g.wrt),
    ["params['W']", "params['b']"],
  );
  passes(await check({ file, functionName: 'loss', wrt: "params['b']", inputs }), 'b');
});

// ---- layers ----------------------------------------------------------------------------------

test("the book's layers: SoftmaxWithLoss via backward(dout=1), one-hot or integer t; Affine, Relu, Sigmoid via a seeded dout", async () => {
  const file = join(BOOK, 'common', 'layers.py');
  const soft = await check({ file, functionName: 'SoftmaxWithLoss.forward', workspace: BOOK });
  passes(soft, 'SoftmaxWithLoss');
  assert.match(text(soft), /returns one number \(a loss layer\), so backward was called with dout = 1/);
  const x = [
    [0.3, -1.2, 2.0],
    [1.1, 0.4, -0.7],
  ];
  passes(
    await check({ file, functionName: 'SoftmaxWithLoss.forward', workspace: BOOK, inputs: { x, t: [2, 0] } }),
    'integer t',
  );
  passes(
    await check({
      file,
      functionName: 'SoftmaxWithLoss.forward',
      workspace: BOOK,
      inputs: {
        x,
        t: [
          [0, 0, 1],
          [1, 0, 0],
        ],
      },
    }),
    'one-hot t',
  );
  for (const [fn, wrt] of [
    ['Affine.forward', 'x'],
    ['Affine.forward', 'self.W'],
    ['Affine.forward', 'self.b'],
    ['Relu.forward', 'x'],
    ['Sigmoid.forward', 'x'],
  ]) {
    const r = await check({ file, functionName: fn, wrt, workspace: BOOK });
    passes(r, `${fn} ${wrt}`);
    assert.match(text(r), /seeded random upstream gradient dout \(seed 7\): the scalar is sum\(out \* dout\)/);
    if (wrt.startsWith('self.')) assert.equal(r.gradientFrom, `Affine.backward() → self.d${wrt.slice(5)}`);
  }
});

test('a layer whose backward stores the transposed dW fails with the transpose named', async () => {
  const file = join(BOOK, 'common', 'layers.py');
  const inputs = {
    __init__: {
      W: [
        [0.1, 0.2, 0.3],
        [0.3, 0.4, -0.5],
      ],
      b: [0.1, -0.1, 0.2],
    },
    x: [
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ],
  };
  const bad = readFileSync(file, 'utf8').replace(
    'self.dW = np.dot(self.x.T, dout)',
    'self.dW = np.dot(dout.T, self.x)',
  );
  const t = await check({ file, source: bad, functionName: 'Affine.forward', wrt: 'self.W', workspace: BOOK, inputs });
  assert.deepEqual([t.verdict, t.diagnosis], ['fail', ['transpose']], text(t));
  passes(
    await check({ file, functionName: 'Affine.forward', wrt: 'self.W', workspace: BOOK, inputs }),
    'np.dot(self.x.T, dout), as the hint says',
  );
});

test("the book's Dropout layer (a fresh np.random mask at every forward) passes: each forward draws the same mask", async () => {
  const file = join(BOOK, 'common', 'layers.py');
  const x = Array.from({ length: 4 }, (_, i) => Array.from({ length: 5 }, (_, j) => 0.3 + i - 0.7 * j));
  const r = await check({ file, functionName: 'Dropout.forward', workspace: BOOK, inputs: { x } });
  passes(r, 'Dropout.forward');
  assert.equal(r.gradientFrom, 'Dropout.backward()');
  // Still a real check: a backward that forgets the mask fails at the dropped units.
  const bad = readFileSync(file, 'utf8').replace('return dout * self.mask', 'return dout');
  const b = await check({ file, source: bad, functionName: 'Dropout.forward', workspace: BOOK, inputs: { x } });
  assert.equal(b.verdict, 'fail', text(b));
  assert.ok(
    b.diagnosis.every((d) => d !== 'nondeterministic'),
    text(b),
  );
});

test('a function of one number given a vector (the book\'s function_1): checked at one element, not "forgot np.sum"', async () => {
  const file = pyFile('gradient_1d.py', [
    'import numpy as np',
    'def function_1(x):',
    '    return 0.01*x**2 + 0.1*x',
    'def normalise(a):',
    '    return np.exp(a) / np.sum(np.exp(a))',
    'def loss(x):',
    '    return x ** 2',
    '',
  ]);
  const r = await check({ file, functionName: 'function_1' });
  assert.equal(r.verdict, 'numerical-only', text(r));
  const x = r.inputs.x;
  assert.equal(typeof x, 'number', JSON.stringify(r.inputs));
  assert.equal(r.rows.length, 1);
  // The book's derivative 0.02x + 0.1 (0.2 at x = 5), at the element checked.
  assert.ok(Math.abs(r.rows[0].numerical - (0.02 * (x as number) + 0.1)) < 1e-9, text(r));
  assert.match(text(r), /function_1\(\) returned an array of shape \(\d+,\), one value per element of x: .* x = /);
  // Not element-wise (each value depends on all of a), or named as a loss: still "a loss must be one number".
  for (const fn of ['normalise', 'loss']) {
    const e = await check({ file, functionName: fn });
    assert.deepEqual([e.verdict, e.diagnosis], ['error', ['not-scalar']], `${fn}: ${text(e)}`);
  }
});

test("the book's ch07 Convolution(W, b) and Pooling(pool_h, pool_w): images (N, C, H, W) and 4-D filters, as their code unpacks them", async () => {
  const file = join(BOOK, 'common', 'layers.py');
  for (const [fn, wrt, shape] of [
    ['Convolution.forward', 'x', [2, 3, 4, 4]],
    ['Convolution.forward', 'self.W', [2, 3, 3, 3]],
    ['Convolution.forward', 'self.b', [2]],
    ['Pooling.forward', 'x', [2, 3, 4, 4]],
  ] as const) {
    const r = await check({ file, functionName: fn, wrt, workspace: BOOK });
    passes(r, `${fn} ${wrt}`);
    assert.deepEqual(r.shape, shape);
  }
  // Real checks: a filter gradient left in im2col's order, and a pool that routes dout to the wrong element, fail.
  const src = readFileSync(file, 'utf8');
  const dW = src.replace(
    'self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)',
    'self.dW = self.dW.reshape(FN, C, FH, FW)',
  );
  const w = await check({ file, source: dW, functionName: 'Convolution.forward', wrt: 'self.W', workspace: BOOK });
  assert.equal(w.verdict, 'fail', text(w));
  const pool = src.replace('self.arg_max.flatten()] = dout', '(self.arg_max.flatten() + 1) % pool_size] = dout');
  const p = await check({ file, source: pool, functionName: 'Pooling.forward', workspace: BOOK });
  assert.equal(p.verdict, 'fail', text(p));
});

test('a layer built from PyTorch-style sizes Linear(in_channels, out_channels): x as wide as in_channels', async () => {
  const file = pyFile('linear.py', [
    'import numpy as np',
    'class Linear:',
    '    def __init__(self, in_channels, out_channels):',
    '        self.w = np.random.randn(in_channels, out_channels)',
    '        self.b = np.zeros((1, out_channels))',
    '    def forward(self, inputs):',
    '        self.x = inputs',
    '        return np.dot(inputs, self.w) + self.b',
    '    def backward(self, grad):',
    '        self.dw = np.dot(self.x.T, grad)',
    '        return np.dot(grad, self.w.T)',
    '',
  ]);
  const r = await check({ file, functionName: 'Linear.forward' });
  passes(r, 'Linear.forward');
  assert.deepEqual(r.inputs.__init__, { in_channels: 4, out_channels: 3 });
  passes(await check({ file, functionName: 'Linear.forward', wrt: 'self.w' }), 'self.w from self.dw');
});

test("the book's relu_grad (np.zeros(x)): the hint names np.zeros_like(x), and with it the check passes", async () => {
  const file = join(BOOK, 'common', 'functions.py');
  const r = await check({ file, functionName: 'relu', workspace: BOOK });
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['exception']], text(r));
  const hint = /write (np\.zeros_like\(x\)) for an array shaped like x/.exec(text(r));
  assert.ok(hint, text(r));
  const fixed = readFileSync(file, 'utf8').replace('grad = np.zeros(x)', `grad = ${hint[1]}`);
  passes(await check({ file, source: fixed, functionName: 'relu', workspace: BOOK }), 'relu with np.zeros_like(x)');
});

test('a training switch without a default (forward(self, x, for_trainning), train_flg) is True, not an array', async () => {
  const file = pyFile('bn.py', [
    'import numpy as np',
    'class Norm:',
    '    def forward(self, x, for_trainning):',
    '        if for_trainning:',
    '            self.mu = np.mean(x, axis=0)',
    '        return (x - self.mu) * 3.0',
    '    def backward(self, dout):',
    '        return 3.0 * (dout - np.mean(dout, axis=0))',
    '',
  ]);
  const r = await check({ file, functionName: 'Norm.forward' });
  passes(r, 'Norm.forward');
  assert.equal(r.inputs.for_trainning, true);
  for (const name of ['train_flg', 'training', 'is_training', 'train_mode', 'use_flag'])
    assert.equal(isDifferentiable(name), false, name);
});

test('a file whose top level runs past the time limit (a notebook export calling train()): the running line is named', async () => {
  const file = pyFile('two_layer_net.py', [
    'import numpy as np',
    'def loss(x):',
    '    return np.sum(x ** 2)',
    'def loss_grad(x):',
    '    return 2 * x',
    'def train():',
    '    while True:',
    '        np.dot(np.ones((50, 50)), np.ones((50, 50)))',
    '# In[2]:',
    'net = None',
    'train()',
    '',
  ]);
  // 8 s: the limit counts the interpreter's start and numpy's import too, slow on a loaded machine.
  const r = await check({ file, functionName: 'loss', timeoutMs: 8000 });
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['timeout']], text(r));
  assert.match(text(r), /^Line 11 of two_layer_net\.py \(train\(\)\) was still running after 8\.0 s/m);
  // Moved under if __name__ == "__main__": as the message says, the check runs.
  const fixed = readFileSync(file, 'utf8').replace('train()\n', 'if __name__ == "__main__":\n    train()\n');
  passes(await check({ file, source: fixed, functionName: 'loss', timeoutMs: 8000 }), 'under __main__');
});

test('a file that reads its dataset at the top level (not there, or load_mnist offline): the hint says move it; moved, it passes', async () => {
  const lines = [
    'import pickle',
    'import numpy as np',
    "with open('dataset/mnist.pkl', 'rb') as f:",
    '    dataset = pickle.load(f)',
    'def loss(x):',
    '    return np.sum(x ** 2)',
    'def loss_grad(x):',
    '    return 2 * x',
    '',
  ];
  const file = pyFile('train.py', lines);
  const r = await check({ file, functionName: 'loss' });
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['exception']], text(r));
  assert.match(
    text(r),
    /FileNotFoundError at train\.py, line 3 .*\n.*reads or downloads data .* put it under if __name__ == "__main__":/,
  );
  const moved = ['import pickle', 'import numpy as np', ...lines.slice(4, 8), 'if __name__ == "__main__":'];
  moved.push(...lines.slice(2, 4).map((l) => `    ${l}`), '');
  passes(await check({ file, source: moved.join('\n'), functionName: 'loss' }), 'moved under __main__');
});

test('parameters and gradients in parallel lists (book 2: self.params = [W, b], self.grads = [dW, db]): self.grads[i] for self.params[i]', async () => {
  const lines = [
    'import numpy as np',
    'class Affine:',
    '    def __init__(self, W, b):',
    '        self.params = [W, b]',
    '        self.grads = [np.zeros_like(W), np.zeros_like(b)]',
    '    def forward(self, x):',
    '        W, b = self.params',
    '        self.x = x',
    '        return np.dot(x, W) + b',
    '    def backward(self, dout):',
    '        W, b = self.params',
    '        self.grads[0][...] = np.dot(self.x.T, dout)',
    '        self.grads[1][...] = np.sum(dout, axis=0)',
    '        return np.dot(dout, W.T)',
    '',
  ];
  const file = pyFile('layers.py', lines);
  const a = await check({ file, functionName: 'Affine.forward', wrt: 'self.params' });
  passes(a, 'Affine self.params');
  assert.deepEqual(
    (a.groups ?? []).map((g) => [g.wrt, g.gradientFrom]),
    [
      ['self.params[0]', 'Affine.backward() → self.grads[0]'],
      ['self.params[1]', 'Affine.backward() → self.grads[1]'],
    ],
  );
  const bad = lines.join('\n').replace('self.grads[0][...] = np.dot', 'self.grads[0][...] = 2 * np.dot');
  const b = await check({ file, source: bad, functionName: 'Affine.forward', wrt: 'self.params[0]' });
  assert.deepEqual([b.verdict, b.diagnosis], ['fail', ['scale']], text(b));
});

test("the book's ch03 step_function (dtype=np.int, gone from numpy 1.24) run at load: the hint names int; with it the check runs", async () => {
  const lines = [
    'import numpy as np',
    'def step_function(x):',
    '    return np.array(x > 0, dtype=np.int)',
    'y = step_function(np.arange(-5.0, 5.0, 0.1))',
    'def sigmoid(x):',
    '    return 1 / (1 + np.exp(-x))',
    'def sigmoid_grad(x):',
    '    return (1.0 - sigmoid(x)) * sigmoid(x)',
    '',
  ];
  const file = pyFile('ch3.py', lines);
  const r = await check({ file, functionName: 'sigmoid' });
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['exception']], text(r));
  assert.doesNotMatch(text(r), /numpy arrays have \.ndim/);
  const hint = /np\.int is gone from numpy 1\.24 on .*: write (\w+) instead/.exec(text(r));
  assert.ok(hint, text(r));
  const fixed = lines.join('\n').replace('dtype=np.int', `dtype=${hint[1]}`);
  passes(await check({ file, source: fixed, functionName: 'sigmoid' }), 'dtype=int');
});

test("a δ of 1e-5 inside the log makes y − t fail by δ / y: named (log-delta), and the book's 1e-7 it names passes", async () => {
  const lines = [
    'import numpy as np',
    'def softmax(x):',
    '    x = x - np.max(x, axis=1, keepdims=True)',
    '    return np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)',
    'def cross_entropy_loss(y, t):',
    '    return -np.sum(t * np.log(y + 1e-5)) / y.shape[0]',
    'class SoftmaxWithLoss:',
    '    def forward(self, x, t):',
    '        self.t = t',
    '        self.y = softmax(x)',
    '        return cross_entropy_loss(self.y, self.t)',
    '    def backward(self, dout=1):',
    '        return (self.y - self.t) / self.t.shape[0]',
    '',
  ];
  const file = pyFile('layers.py', lines);
  const r = await check({ file, functionName: 'SoftmaxWithLoss.forward' });
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['log-delta']], text(r));
  const hint = /δ = 1e-5 inside the log \((np\.log\(y \+ 1e-5\))\).*write (np\.log\(y \+ 1e-7\))\./.exec(text(r));
  assert.ok(hint, text(r));
  passes(
    await check({ file, source: lines.join('\n').replace(hint[1], hint[2]), functionName: 'SoftmaxWithLoss.forward' }),
    "with the book's δ",
  );
});

test("a learner's own activation names (softmax_function, softmax_past, my_sigmoid) are activations, not losses that forgot np.sum", async () => {
  const file = pyFile('activation_function.py', [
    'import numpy as np',
    'def softmax_function(a):',
    '    return np.exp(a) / np.sum(np.exp(a))',
    'def softmax_past(a):',
    '    return np.exp(a - np.max(a)) / np.sum(np.exp(a - np.max(a)))',
    'def my_sigmoid(x):',
    '    return 1 / (1 + np.exp(-x))',
    'def softmax_loss(a):',
    '    return -np.log(np.exp(a) / np.sum(np.exp(a)))',
    '',
  ]);
  for (const fn of ['softmax_function', 'softmax_past', 'my_sigmoid']) {
    const r = await check({ file, functionName: fn });
    assert.deepEqual([r.verdict, r.diagnosis], ['error', ['not-scalar']], text(r));
    assert.match(text(r), new RegExp(`${fn}\\(\\) is an activation, not a loss`), fn);
  }
  const loss = await check({ file, functionName: 'softmax_loss' });
  assert.match(text(loss), /did you forget np\.sum/, text(loss));
});

test('an axis or dim parameter defaulting to None keeps None (softmax(x, dim=None) inside a loss), not a generated array', async () => {
  const file = pyFile('functions.py', [
    'import numpy as np',
    'def softmax(x, dim=None):',
    '    e = np.exp(x)',
    '    return e / np.sum(e, axis=dim, keepdims=True)',
    'def nll(x, dim=None):',
    '    return -np.sum(np.log(softmax(x, dim)))',
    'def nll_grad(x, dim=None):',
    '    return x.size * softmax(x, dim) - 1',
    '',
  ]);
  const r = await check({ file, functionName: 'nll' });
  passes(r, 'nll with dim=None');
  assert.equal('dim' in r.inputs, false, JSON.stringify(r.inputs));
});

test('a weightless layer (Relu, Dropout) gets a batch of mixed signs by default, so a backward without its mask fails', async () => {
  const file = join(BOOK, 'common', 'layers.py');
  const src = readFileSync(file, 'utf8');
  for (const [fn, edit] of [
    ['Relu.forward', ['dout[self.mask] = 0', 'pass']],
    ['Dropout.forward', ['return dout * self.mask', 'return dout']],
  ] as const) {
    const good = await check({ file, functionName: fn, workspace: BOOK });
    passes(good, fn);
    assert.deepEqual(good.shape, [4, 5]);
    const bad = await check({ file, source: src.replace(edit[0], edit[1]), functionName: fn, workspace: BOOK });
    assert.equal(bad.verdict, 'fail', `${fn} without its mask:\n${text(bad)}`);
  }
});

test('CS231n layers: affine_forward → (out, cache) with affine_backward(dout, cache) → (dx, dw, db), each by its name', async () => {
  const file = join(PY, 'cs231n', 'layers.py');
  for (const wrt of ['x', 'w', 'b']) {
    const r = await check({ file, functionName: 'affine_forward', wrt });
    passes(r, wrt);
    assert.equal(r.gradientFrom, `affine_backward() → d${wrt}`);
    assert.match(text(r), /seeded random upstream gradient dout/);
  }
  passes(await check({ file, functionName: 'relu_forward' }), 'relu');
  const bad = readFileSync(file, 'utf8').replace(
    'dw = x.reshape(x.shape[0], -1).T.dot(dout)',
    'dw = dout.T.dot(x.reshape(x.shape[0], -1))',
  );
  const t = await check({ file, source: bad, functionName: 'affine_forward', wrt: 'w' });
  assert.deepEqual([t.verdict, t.diagnosis], ['fail', ['transpose']], text(t));
});

test("element-wise pairs: the book's sigmoid / sigmoid_grad through a seeded dout", async () => {
  const r = await check({ file: join(BOOK, 'common', 'functions.py'), functionName: 'sigmoid', workspace: BOOK });
  passes(r, 'sigmoid');
  assert.equal(r.gradient?.name, 'sigmoid_grad');
  assert.match(text(r), /element-wise function with its derivative/);
});

// ---- loading code as its project does ---------------------------------------------------------

test("the book's layout: a file in ch04 imports common.* (with or without sys.path.append(os.pardir)); common/layers.py itself loads", async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'ch04'));
  mkdirSync(join(dir, 'common'));
  for (const f of ['__init__.py', 'functions.py', 'gradient.py', 'layers.py', 'util.py'])
    writeFileSync(join(dir, 'common', f), readFileSync(join(BOOK, 'common', f)));
  writeFileSync(
    join(dir, 'ch04', 'mine.py'),
    'import numpy as np\nfrom common.functions import softmax, cross_entropy_error\n\ndef loss(x, t):\n    return cross_entropy_error(softmax(x), t)\n\ndef loss_grad(x, t):\n    return (softmax(x) - t) / x.shape[0]\n',
  );
  const r = await check({ file: join(dir, 'ch04', 'mine.py'), functionName: 'loss', workspace: dir });
  assert.equal(r.verdict, 'pass', text(r));
  passes(
    await check({ file: join(dir, 'common', 'layers.py'), functionName: 'Relu.forward', workspace: dir }),
    'common/layers.py',
  );
});

test('a module of a package runs as part of it: from .lossfn import LossFn works', async () => {
  const r = await check({
    file: join(PY, 'pkg', 'shapes', 'model.py'),
    functionName: 'loss',
    workspace: join(PY, 'pkg'),
  });
  passes(r, 'package');
});

// ---- inputs by role --------------------------------------------------------------------------

test('a parameter with a default keeps it (eps=1e-8): no "no value for eps"', async () => {
  const file = pyFile(
    'eps.py',
    'import numpy as np\n\ndef cross_entropy(y, t, eps=1e-8):\n    return -np.sum(t * np.log(y + eps)) / y.shape[0]\n\ndef cross_entropy_grad(y, t, eps=1e-8):\n    return -t / (y + eps) / y.shape[0]\n',
  );
  const r = await check({ file, functionName: 'cross_entropy' });
  assert.equal(r.verdict, 'pass', text(r));
  assert.equal('eps' in r.inputs, false);
});

// ---- diagnoses, each formula applied ---------------------------------------------------------

const NET = join(PY, 'cs231n', 'neural_net.py');
const netSource = readFileSync(NET, 'utf8');

test('reg: a gradient missing 2·reg·W2 is named; adding it passes (also in a group of self.params)', async () => {
  const broken = netSource.replace(
    "grads['W2'] = hidden.T.dot(dscores) + 2 * reg * W2",
    "grads['W2'] = hidden.T.dot(dscores)",
  );
  assert.notEqual(broken, netSource);
  for (const wrt of ["self.params['W2']", 'self.params']) {
    const r = await check({ file: NET, source: broken, functionName: 'TwoLayerNet.loss', wrt });
    assert.equal(r.verdict, 'fail');
    assert.deepEqual(r.diagnosis, ['regularisation']);
    assert.match(
      text(r),
      /Your gradient lacks 2·reg·W2: the loss adds reg \* np\.sum\(W2 \* W2\).*dW2 \+= 2 \* reg \* W2/,
    );
  }
  // The hint applied: grads['W2'] += 2 * reg * W2.
  const fixed = broken.replace(
    '        return loss, grads',
    "        grads['W2'] += 2 * reg * W2\n        return loss, grads",
  );
  passes(await check({ file: NET, source: fixed, functionName: 'TwoLayerNet.loss' }), 'fixed');
});

test('reg: a loss missing reg·ΣW² (the gradient has 2·reg·W) is named; adding it to the loss passes', async () => {
  const file = join(PY, 'cs231n', 'softmax.py');
  const src = readFileSync(file, 'utf8');
  const broken = src.replace(
    'loss = -np.log(probs[np.arange(num_train), y]).sum() / num_train + reg * np.sum(W * W)',
    'loss = -np.log(probs[np.arange(num_train), y]).sum() / num_train',
  );
  const r = await check({ file, source: broken, functionName: 'softmax_loss_vectorized' });
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['regularisation']]);
  assert.match(
    text(r),
    /Your gradient adds 2·reg·W .*but the loss has no regularisation term.*Add reg \* np\.sum\(W \* W\) to the loss/,
  );
  const fixed = broken.replace('.sum() / num_train\n', '.sum() / num_train + reg * np.sum(W * W)\n');
  passes(await check({ file, source: fixed, functionName: 'softmax_loss_vectorized' }), 'fixed');
  // reg·W where the loss has reg·ΣW²: "use 2·reg·W".
  const half = src.replace(
    'dW = X.T.dot(dscores) / num_train + 2 * reg * W',
    'dW = X.T.dot(dscores) / num_train + reg * W',
  );
  const h = await check({ file, source: half, functionName: 'softmax_loss_vectorized' });
  assert.match(
    text(h),
    /the loss adds reg \* np\.sum\(W \* W\), whose derivative is 2·reg·W, but your gradient adds reg·W\. Use 2·reg·W/,
  );
});

test('reg ≠ 0 does not hide a missing / N: found with reg = 0; dividing passes', async () => {
  const file = join(PY, 'cs231n', 'softmax.py');
  const src = readFileSync(file, 'utf8');
  const broken = src.replace('dW = X.T.dot(dscores) / num_train + 2 * reg * W', 'dW = X.T.dot(dscores) + 2 * reg * W');
  const r = await check({ file, source: broken, functionName: 'softmax_loss_vectorized' });
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['scale']]);
  assert.match(text(r), /exactly the batch size N = 4.*\n.*checking again with reg = 0/);
  passes(await check({ file, source: src, functionName: 'softmax_loss_vectorized' }), 'with / num_train');
});

test('a factor that is not the batch: mean over all elements vs over rows, with reg ≠ 0 too; the named division passes', async () => {
  const file = join(tmp(), 'mean.py');
  const loss =
    'import numpy as np\n\ndef mse_loss(W, X, t, reg):\n    return np.mean((X @ W - t) ** 2) + reg * np.sum(W * W)\n\n';
  writeFileSync(file, loss);
  const grad = (division: string) =>
    `${loss}def mse_grad(W, X, t, reg):\n    return 2 * X.T @ (X @ W - t) / ${division} + 2 * reg * W\n`;
  const r = await check({ file, source: grad('X.shape[0]'), functionName: 'mse_loss' });
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['scale']], text(r));
  assert.match(
    text(r),
    /3 times the numerical one — 3 is the size of axis 1 of t \(4, 3\), not the batch.*Divide the gradient by t\.size \(12\)/,
  );
  passes(await check({ file, source: grad('t.size'), functionName: 'mse_loss' }), 'divided by t.size');
});

test('BCE on probabilities with the logit gradient p − t: named; dividing by p·(1 − p) passes', async () => {
  const file = join(tmp(), 'bce.py');
  const loss =
    'import numpy as np\n\ndef bce(y_pred, y_true):\n    return -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))\n\n';
  const r = await check({
    file,
    source: `${loss}def bce_grad(y_pred, y_true):\n    return (y_pred - y_true) / y_pred.size\n`,
    functionName: 'bce',
  });
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['logit']], text(r));
  assert.match(text(r), /slope with respect to the logit z.*Divide by y_pred \* \(1 - y_pred\)/);
  writeFileSync(file, loss);
  passes(
    await check({
      file,
      source: `${loss}def bce_grad(y_pred, y_true):\n    return (y_pred - y_true) / y_pred.size / (y_pred * (1 - y_pred))\n`,
      functionName: 'bce',
    }),
    'fixed',
  );
});

test('NameError for np: "add import numpy as np", not a typo hint; adding it passes', async () => {
  const file = join(tmp(), 'noimport.py');
  const body = 'def loss(x):\n    return np.sum(x ** 2)\n\ndef loss_grad(x):\n    return 2 * x\n';
  const r = await check({ file, source: body, functionName: 'loss' });
  assert.deepEqual(r.diagnosis, ['exception', 'missing-import']);
  assert.match(text(r), /add import numpy as np at the top of the file/);
  assert.doesNotMatch(text(r), /typo/);
  writeFileSync(file, body);
  passes(await check({ file, source: `import numpy as np\n${body}`, functionName: 'loss' }), 'with the import');
});

test('an integer array made in the code (np.array([[1, 2], [3, 4]])) is named, and checked on a float copy', async () => {
  const file = pyFile('ints.py', [
    'import numpy as np',
    'class Net:',
    '    def __init__(self):',
    '        self.W = np.array([[1, 2], [3, 4]])',
    '    def loss(self, x):',
    '        return np.sum((x @ self.W) ** 2)',
    '    def gradient(self, x):',
    '        return 2 * x.T @ (x @ self.W)',
    '',
  ]);
  const r = await check({
    file,
    functionName: 'Net.loss',
    wrt: 'self.W',
    inputs: {
      x: [
        [0.5, -1.0],
        [2.0, 0.25],
      ],
    },
  });
  assert.equal(r.verdict, 'pass', text(r));
  assert.deepEqual(r.diagnosis, ['integer-input']);
  assert.match(text(r), /self\.W is an integer array \(int64\).*np\.array\(\[3\.0, 4\.0\]\)/);
  const fixed = readFileSync(file, 'utf8').replace('np.array([[1, 2], [3, 4]])', 'np.array([[1.0, 2.0], [3.0, 4.0]])');
  passes(
    await check({
      file,
      source: fixed,
      functionName: 'Net.loss',
      wrt: 'self.W',
      inputs: {
        x: [
          [0.5, -1.0],
          [2.0, 0.25],
        ],
      },
    }),
    'floats',
  );
});

test('a complex gradient: a non-zero imaginary part is a bad return (float64 would drop it silently); a zero one is compared', async () => {
  const loss = ['import numpy as np', '', 'def f(x):', '    return float(np.sum(x ** 2))', ''];
  const wrong = await check({
    file: pyFile('c.py', [...loss, 'def f_grad(x):', '    return (2 * x).astype(complex) + 1j']),
    functionName: 'f',
  });
  assert.equal(wrong.verdict, 'error', text(wrong));
  assert.deepEqual(wrong.diagnosis, ['bad-return']);
  assert.match(text(wrong), /returned complex numbers \(imaginary parts up to 1\)/);
  const real = await check({
    file: pyFile('c0.py', [...loss, 'def f_grad(x):', '    return (2 * x).astype(complex)']),
    functionName: 'f',
  });
  passes(real, 'a complex dtype with zero imaginary parts');
});

test("a gradient with the right numbers in a shape numpy's update cannot write back (keepdims=True for b2) fails on the learner's own self.params; both named fixes pass", async () => {
  const variant = (line: string) => {
    const dir = join(tmp(), 'book_keepdims');
    cpSync(BOOK, dir, { recursive: true });
    const file = join(dir, 'ch04', 'two_layer_net.py');
    const good = "        grads['b2'] = np.sum(dy, axis=0)\n";
    const source = readFileSync(file, 'utf8');
    assert.equal(source.split(good).length, 2, "TwoLayerNet.gradient's db2 line, once");
    writeFileSync(file, source.replace(good, `        grads['b2'] = ${line}\n`));
    return check({ file, functionName: 'TwoLayerNet.loss', gradientName: 'TwoLayerNet.gradient' });
  };
  const wrong = await variant('np.sum(dy, axis=0, keepdims=True)');
  assert.equal(wrong.verdict, 'fail', text(wrong));
  assert.deepEqual(wrong.diagnosis, ['shape']);
  assert.deepEqual(
    wrong.groups?.map((g) => [g.wrt, g.verdict]),
    [
      ["self.params['W1']", 'pass'],
      ["self.params['b1']", 'pass'],
      ["self.params['W2']", 'pass'],
      ["self.params['b2']", 'fail'],
    ],
  );
  assert.match(text(wrong), /has shape \(1, 3\) but self\.params\['b2'\] has shape \(3,\)/);
  assert.match(text(wrong), /non-broadcastable output operand/);
  // The two fixes the message names, applied: np.sum without keepdims=True, and grad.reshape(x.shape).
  passes(await variant('np.sum(dy, axis=0)  # keepdims=True removed'), 'without keepdims');
  passes(
    await variant("np.sum(dy, axis=0, keepdims=True).reshape(self.params['b2'].shape)"),
    'reshaped to the shape of b2',
  );
});

test("a gradient of (1, n) for an input the checker generated with shape (n,) passes with a note (the shape was the checker's choice)", async () => {
  const r = await check({
    file: pyFile('row.py', [
      'import numpy as np',
      '',
      'def f(x):',
      '    return np.sum(x ** 2)',
      '',
      'def f_grad(x):',
      '    return (2 * x).reshape(1, -1)',
    ]),
    functionName: 'f',
    inputs: { x: [0.5, -1.5, 2.0] },
  });
  assert.equal(r.verdict, 'pass', text(r));
  assert.deepEqual(r.diagnosis, ['shape']);
  assert.match(text(r), /Note: your gradient has shape \(1, 3\) for x of shape \(3,\)/);
});

test('a complex loss: a non-zero imaginary part is named (not "did you forget np.sum"); a zero one is checked as real', async () => {
  const grad = ['', 'def f_grad(x):', '    return 2 * x'];
  const wrong = await check({
    file: pyFile('cl.py', ['import numpy as np', '', 'def f(x):', '    return np.sum(x ** 2) + 0.5j', ...grad]),
    functionName: 'f',
  });
  assert.equal(wrong.verdict, 'error', text(wrong));
  assert.deepEqual(wrong.diagnosis, ['not-scalar']);
  assert.match(text(wrong), /returned the complex number .*0\.5j\)/);
  assert.doesNotMatch(text(wrong), /np\.sum/);
  const real = await check({
    file: pyFile('cl0.py', [
      'import numpy as np',
      '',
      'def f(x):',
      '    return np.sum(x ** 2).astype(complex)',
      ...grad,
    ]),
    functionName: 'f',
  });
  passes(real, 'a complex loss with a zero imaginary part');
});

test("chapter 3's 1-D softmax fed a batch (oreilly #85) is named with its file and line; the per-row softmax it prescribes passes", async () => {
  const withSoftmax = (body: string[]) => {
    const dir = join(tmp(), 'book_softmax');
    cpSync(BOOK, dir, { recursive: true });
    const functions = join(dir, 'common', 'functions.py');
    const source = readFileSync(functions, 'utf8');
    const book = /def softmax\(x\):\n(?: {4}.*\n)+/;
    assert.match(source, book, "the book's batch softmax in common/functions.py");
    writeFileSync(functions, source.replace(book, `${body.join('\n')}\n`));
    return join(dir, 'ch05', 'two_layer_net.py');
  };
  const stale = await check({
    file: withSoftmax([
      'def softmax(a):',
      '    c = np.max(a)',
      '    exp_a = np.exp(a - c)',
      '    sum_exp_a = np.sum(exp_a)',
      '    y = exp_a / sum_exp_a',
      '    return y',
    ]),
    functionName: 'TwoLayerNet.loss',
  });
  assert.equal(stale.verdict, 'fail', text(stale));
  assert.deepEqual(stale.diagnosis, ['softmax-rows']);
  assert.match(
    text(stale),
    /Your softmax \(softmax, .*common\/functions\.py line \d+\) divides by one sum over the whole batch/,
  );
  assert.match(text(stale), /its rows add up to 0\.16\d* and 0\.84\d*, not to 1 each/);
  // The two lines the message prescribes, applied.
  const fixed = await check({
    file: withSoftmax([
      'def softmax(x):',
      '    x = x - np.max(x, axis=-1, keepdims=True)',
      '    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)',
    ]),
    functionName: 'TwoLayerNet.loss',
  });
  passes(fixed, 'the per-row softmax');
});

test('a layer working in place (x[mask] = 0 in forward, dout[mask] = 0 in backward) passes with a note, and its numbers are compared', async () => {
  const relu = (name: string, backwardMask: string) =>
    check({
      file: pyFile(name, [
        'import numpy as np',
        '',
        'class Relu:',
        '    def forward(self, x):',
        '        self.mask = (x <= 0)',
        '        x[self.mask] = 0',
        '        return x',
        '',
        '    def backward(self, dout):',
        `        dout[${backwardMask}] = 0`,
        '        return dout',
      ]),
      functionName: 'Relu.forward',
      inputs: {
        x: [
          [0.9, -0.3, 0.4],
          [-1.2, 0.7, -0.05],
        ],
      },
    });
  const r = await relu('relu_inplace.py', 'self.mask');
  assert.equal(r.verdict, 'pass', text(r));
  assert.deepEqual(r.diagnosis, ['mutates-input']);
  assert.match(text(r), /Note: forward\(\) changes its input x in place/);
  assert.ok(
    r.rows.every((row) => row.ok === true && row.analytic !== null),
    'every element compared',
  );
  // A wrong in-place backward still fails on its numbers.
  const wrong = await relu('relu_inplace_wrong.py', '~self.mask');
  assert.equal(wrong.verdict, 'fail', text(wrong));
});

test("a script that imports the network (the book's ch05/gradient_check.py) is checked where the function is defined: beside it, through an alias, a star import, or a parent folder", async () => {
  const dir = join(tmp(), 'book_script');
  cpSync(BOOK, dir, { recursive: true });
  const script = (name: string, lines: string[]) => {
    const file = join(dir, 'ch05', name);
    writeFileSync(file, ['import sys, os', 'sys.path.append(os.pardir)', ...lines, ''].join('\n'));
    return file;
  };
  const cases: [string, string[], string, string][] = [
    ['gradient_check.py', ['from two_layer_net import TwoLayerNet'], 'TwoLayerNet.loss', 'two_layer_net.py'],
    ['alias.py', ['from two_layer_net import TwoLayerNet as Net'], 'Net.loss', 'two_layer_net.py'],
    ['star.py', ['from common.functions import *'], 'cross_entropy_error', 'functions.py'],
  ];
  for (const [name, lines, fn, definedIn] of cases) {
    const r = await check({ file: script(name, lines), functionName: fn });
    assert.notEqual(r.verdict, 'error', `${name}: ${text(r)}`);
    assert.ok(r.file.endsWith(definedIn), `${name}: checked in ${r.file}`);
    assert.match(
      text(r),
      new RegExp(`${fn.replace('.', '\\.')} is imported in .*${name} from .*${definedIn}: it was checked there`),
    );
  }
  // What the command offers in a file that defines no function: the imported class's methods, where defined.
  const offered = importedFunctions(
    readFileSync(join(dir, 'ch05', 'gradient_check.py'), 'utf8'),
    join(dir, 'ch05', 'gradient_check.py'),
  );
  assert.deepEqual(
    offered.map(({ file, fn }) => `${file.slice(dir.length + 1)}:${qualifiedName(fn)}`),
    ['predict', 'loss', 'accuracy', 'numerical_gradient', 'gradient'].map(
      (m) => `ch05/two_layer_net.py:TwoLayerNet.${m}`,
    ),
  );
  // Not imported, not defined: still the plain not-found.
  const none = await check({ file: script('none.py', ['import numpy as np']), functionName: 'TwoLayerNet.loss' });
  assert.equal(none.verdict, 'error');
  assert.match(text(none), /There is no function TwoLayerNet\.loss/);
});
