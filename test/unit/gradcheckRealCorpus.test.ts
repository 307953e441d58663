import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as vm from 'node:vm';
import { CheckReport, runCheck } from '../../src/gradcheck/check';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import type { Json } from '../../src/protocol/validate';
import { type Edit, corpusText } from './fixtureFiles';
import { FIXTURES, PYTHON, testRunners } from './gradcheckHelpers';

/**
 * The corpus of real code (issue 10, item 9): test/fixtures/gradcheck/real/manifest.json lists
 * every file (repository, path, commit, licence) and every case (function, --wrt/--grad, the
 * expected verdict and diagnosis). Each case's verdict is first established here, without the
 * checker, by a central-difference check of our own — numpy for Python, plain JavaScript for
 * JS — at inputs of our own; the checker, at its own inputs, must then give the same verdict.
 * The table of (source, expected, oracle, got) is printed at the end.
 */

const STORED = join(FIXTURES, 'real');
interface FileEntry {
  file: string;
  repository: string;
  path: string;
  commit: string;
  licence: string;
  kind: 'extract' | 'broken';
  copyOf?: string;
  /** Not stored: written from this file (relative to the corpus) with `header` and `edits` (see fixtureFiles.ts). */
  derivedFrom?: string;
  header?: string[];
  edits?: Edit[];
}
interface Case {
  id: string;
  file: string;
  function: string;
  wrt?: string;
  grad?: string;
  inputs?: string;
  line?: number;
  expected: string;
  diagnosis?: string[];
}
const manifest = JSON.parse(readFileSync(join(STORED, 'manifest.json'), 'utf8')) as {
  files: FileEntry[];
  cases: Case[];
};

/**
 * The corpus as the checker and the oracle run it, in a folder of its own: the stored files, plus the
 * ones the manifest marks `derivedFrom` (the Korean edition's files that differ from the book's only in
 * comments, the broken copies made from their originals by one exact edit, and the common/ folders
 * beside them), written where a `sys.path.append(os.pardir)` finds them.
 */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gl-real-'));
  cpSync(STORED, dir, { recursive: true });
  for (const f of manifest.files) {
    if (!f.derivedFrom) continue;
    mkdirSync(dirname(join(dir, f.file)), { recursive: true });
    writeFileSync(join(dir, f.file), corpusText(f.file));
  }
  return dir;
}
const REAL = corpus();
after(() => rmSync(REAL, { recursive: true, force: true }));
const runners = testRunners();

// ---- inputs the checker is given for the cases that need them (the rest it makes itself) ----

/** A symmetric P with a zero diagonal summing to 1, as tsnejs's d2p makes it. */
function tsneP(n: number): number[] {
  const p = new Array<number>(n * n).fill(0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.2 + ((i * 7 + j * 3) % 5) / 10;
      p[i * n + j] = v;
      p[j * n + i] = v;
      sum += 2 * v;
    }
  }
  return p.map((v) => v / sum);
}
const TSNE_Y = [
  [0.5, -1.2],
  [1.1, 0.3],
  [-0.7, 0.9],
  [0.2, -0.4],
];
const NAMED_INPUTS: Record<string, Record<string, Json>> = {
  'tsne-late': { 'self.N': 4, 'self.dim': 2, 'self.iter': 200, 'self.P': tsneP(4), Y: TSNE_Y },
  'tsne-early': { 'self.N': 4, 'self.dim': 2, 'self.iter': 0, 'self.P': tsneP(4), Y: TSNE_Y },
  'scalar-x': { x: 0.7 },
  // The book evaluates function_1 at x = 5 (its slope there is 0.2).
  'book-x5': { x: 5 },
};

// ---- the Python oracle: numpy central differences on the learner's own code ----

const PY_DRIVER = `
import contextlib, importlib.util, io, json, os, sys
import numpy as np
ROOT = sys.argv[1]

def load(rel):
    path = os.path.join(ROOT, rel)
    folder = os.path.dirname(path)
    for k in [k for k in sys.modules if k.split('.')[0] in ('common', 'cs231n')]:
        del sys.modules[k]
    sys.path[:0] = [folder, os.path.dirname(folder)]
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        spec = importlib.util.spec_from_file_location('oracle_' + rel.replace('/', '_').replace('.', '_'), path)
        mod = importlib.util.module_from_spec(spec)
        with contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(mod)
    finally:
        os.chdir(cwd)
        del sys.path[:2]
    return mod

def check(f, x, g):
    """Central differences of f() (which reads x) against g; x is moved in place and restored."""
    g = np.asarray(g, dtype=float)
    num = np.zeros(x.shape)
    h = 1e-6
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        fp = f()
        x[idx] = old - h
        fm = f()
        x[idx] = old
        num[idx] = (fp - fm) / (2 * h)
    if g.shape != num.shape:
        return ('fail', None)
    rel = np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-7)
    m = float(rel.max())
    return ('pass' if m < 1e-4 else 'fail' if m > 1e-2 else 'unclear', m)

def worst(results):
    for r in results:
        if r[0] != 'pass':
            return r
    return ('pass', max(r[1] for r in results))

def numerical_only(f, x):
    """No gradient of the learner's exists for this function: the numerical one must at least be finite."""
    num = check(f, x, np.zeros(x.shape))
    return ('numerical-only', None) if num[1] is not None and np.isfinite(f()) else ('error', None)

rng = np.random.default_rng(7)
X6 = rng.standard_normal((6, 4))
Y6 = rng.integers(0, 3, 6)
T6 = np.eye(3)[Y6]

def twolayer(rel, keys, std_name='weight_init_std', reg=None, method='gradient'):
    np.random.seed(1)
    m = load(rel)
    net = m.TwoLayerNet(4, 5, 3, **({std_name: 0.5} if std_name else {}))
    if reg is None:
        grads = getattr(net, method)(X6, T6)
        f = lambda: net.loss(X6, T6)
    else:
        loss, grads = net.loss(X6, Y6, reg=reg)
        f = lambda: net.loss(X6, Y6, reg=reg)[0]
    return worst([check(f, net.params[k], grads[k]) for k in keys])

def layer(rel, cls, x, *args, params=()):
    m = load(rel)
    obj = getattr(m, cls)(*args)
    dout = rng.standard_normal(obj.forward(x.copy()).shape)
    dx = obj.backward(dout.copy())
    results = [check(lambda: float(np.sum(obj.forward(x) * dout)), x, dx)]
    for name, grad in params:
        results.append(check(lambda: float(np.sum(obj.forward(x) * dout)), getattr(obj, name), getattr(obj, grad)))
    return worst(results)

def classifier(rel, fn, reg=0.1):
    f = getattr(load(rel), fn)
    W = rng.standard_normal((4, 3))
    loss, dW = f(W, X6, Y6, reg)
    return check(lambda: f(W, X6, Y6, reg)[0], W, dW)

def regression(rel, cost, grad, wrt, multi, order):
    """order: how the lab returns its gradients, 'wb' (dj_dw, dj_db) or 'bw' (dj_db, dj_dw)."""
    m = load(rel)
    X = rng.standard_normal((6, 2)) if multi else rng.standard_normal(6)
    y = (rng.random(6) > 0.5).astype(float) if multi else rng.standard_normal(6)
    w = rng.standard_normal(2) if multi else np.array([0.7])
    b = np.array([-0.3])
    W = (lambda: w) if multi else (lambda: float(w[0]))
    out = getattr(m, grad)(X, y, W(), float(b[0]))
    dw, db = out if order == 'wb' else out[::-1]
    f = lambda: getattr(m, cost)(X, y, W(), float(b[0]))
    return check(f, w, np.atleast_1d(dw)) if wrt == 'w' else check(f, b, np.atleast_1d(db))

def cache_layer(rel, fwd, args, wrt, grad_index=0):
    """CS231n: fwd(*args) -> (out, cache) and its backward(dout, cache) -> dx or (dx, dw, db); args[wrt] checked."""
    m = load(rel)
    f = getattr(m, fwd)
    out, cache = f(*args)
    dout = rng.standard_normal(np.shape(out))
    try:
        g = getattr(m, fwd.replace('_forward', '_backward', 1))(dout, cache)
    except Exception:
        return ('error', None)
    g = g[grad_index] if isinstance(g, tuple) else g
    return check(lambda: float(np.sum(f(*args)[0] * dout)), args[wrt], g)

def multilayer(rel):
    """The book's MultiLayerNet, its layer sizes a Python list as the book passes them."""
    np.random.seed(1)
    net = load(rel).MultiLayerNet(4, [5], 3, weight_init_std=0.5)
    grads = net.gradient(X6, T6)
    return worst([check(lambda: net.loss(X6, T6), net.params[k], grads[k]) for k in ['W1', 'b1', 'W2', 'b2']])

def cs231n_net(rel, **kw):
    """CS231n's TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale, reg): loss(X, y) -> (loss, grads)."""
    np.random.seed(1)
    net = load(rel).TwoLayerNet(4, 5, 3, **kw)
    grads = net.loss(X6, Y6)[1]
    return worst([check(lambda: net.loss(X6, Y6)[0], net.params[k], grads[k]) for k in ['W1', 'b1', 'W2', 'b2']])

def away_from_zero(x):
    return np.where(np.abs(x) < 0.1, 0.5, x)

def syntax_error(rel, line):
    try:
        compile(open(os.path.join(ROOT, rel)).read(), rel, 'exec')
    except SyntaxError as e:
        return ('error', None) if e.lineno == line else ('fail', None)
    return ('pass', None)

def simplenet(rel):
    np.random.seed(2)
    net = load(rel).simpleNet()
    x = np.array([0.6, 0.9])
    t = np.array([0, 0, 1])
    return numerical_only(lambda: net.loss(x, t), net.W)

FLZ = 'cs231n-layers/fortileizhang_layers.py'
KT = 'cs231n-layers/kingtaurus_layers.py'
PENGUIN_LOSS = 'learners-ko/penguin1109_loss_function.py'

CASES = {
    'book-tln4-params': lambda: twolayer('book/ch04/two_layer_net.py', ['W1', 'b1', 'W2', 'b2']),
    'book-tln4-W1': lambda: twolayer('book/ch04/two_layer_net.py', ['W1']),
    'book-simplenet': lambda: simplenet('book/ch04/gradient_simplenet.py'),
    'book-function2': lambda: (lambda m, x: check(lambda: m.function_2(x), x, m.numerical_gradient(m.function_2, x.copy())))(load('book/ch04/gradient_2d.py'), np.array([3.0, 4.0])),
    'book-function1': lambda: (lambda m, x: numerical_only(lambda: m.function_1(x[0]), x))(load('book/ch04/gradient_1d.py'), np.array([5.0])),
    'book-tln5-params': lambda: twolayer('book/ch05/two_layer_net.py', ['W1', 'b1', 'W2', 'b2']),
    'book-softmaxwithloss': lambda: (lambda m, x: (lambda o: (o.forward(x, T6[:4]), check(lambda: o.forward(x, T6[:4]), x, o.backward(1)))[1])(m.SoftmaxWithLoss()))(load('book/common/layers.py'), rng.standard_normal((4, 3))),
    'book-affine': lambda: layer('book/common/layers.py', 'Affine', rng.standard_normal((4, 3)), rng.standard_normal((3, 2)), rng.standard_normal(2), params=[('W', 'dW'), ('b', 'db')]),
    'book-sigmoid-layer': lambda: layer('book/common/layers.py', 'Sigmoid', rng.standard_normal((4, 3))),
    'book-sigmoid-grad': lambda: (lambda m, x, d: check(lambda: float(np.sum(m.sigmoid(x) * d)), x, m.sigmoid_grad(x) * d))(load('book/common/functions.py'), rng.standard_normal(5), rng.standard_normal(5)),
    'book-cee': lambda: (lambda m, y: numerical_only(lambda: m.cross_entropy_error(y, T6[:2]), y))(load('book/common/functions.py'), np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])),
    'book-mullayer': lambda: (lambda m: (lambda o, x, y: (o.forward(x[0], y), check(lambda: o.forward(x[0], y), x, [o.backward(1.0)[0]]))[1])(m.MulLayer(), np.array([100.0]), 2.0))(load('book/ch05/layer_naive.py')),
    'ko-tln4-params': lambda: twolayer('book-ko/ch4/two_layer_net.py', ['W1', 'b1', 'W2', 'b2']),
    'ko-learning-algorithm': lambda: (lambda m: (lambda net: numerical_only(lambda: net.loss(X6, T6), net.params['W2']))(m.TwoLayerNet(4, 5, 3)))(load('book-ko/ch4/learning_algorithm.py')),
    'ko-simplenet': lambda: simplenet('book-ko/ch4/gradient_simplenet.py'),
    'ko-tln5-b2': lambda: twolayer('book-ko/ch5/two_layer_net.py', ['b2']),
    'ko-relu': lambda: layer('book-ko/common/layers.py', 'Relu', away_from_zero(rng.standard_normal((4, 3)))),
    'cs231n-softmax-naive': lambda: classifier('cs231n/classifiers/softmax.py', 'softmax_loss_naive'),
    'cs231n-softmax-vectorized': lambda: classifier('cs231n/classifiers/softmax.py', 'softmax_loss_vectorized'),
    'cs231n-svm-naive': lambda: classifier('cs231n/classifiers/linear_svm.py', 'svm_loss_naive'),
    'cs231n-svm-vectorized': lambda: classifier('cs231n/classifiers/linear_svm.py', 'svm_loss_vectorized'),
    'cs231n-twolayernet': lambda: twolayer('cs231n/classifiers/neural_net.py', ['W1', 'b1', 'W2', 'b2'], std_name='std', reg=0.1),
    'cs231n-softmax-loss-layer': lambda: (lambda f, x: check(lambda: f(x, Y6)[0], x, f(x, Y6)[1]))(load('cs231n/layers.py').softmax_loss, rng.standard_normal((6, 3))),
    'cs231n-svm-loss-layer': lambda: (lambda f, x: check(lambda: f(x, Y6)[0], x, f(x, Y6)[1]))(load('cs231n/layers.py').svm_loss, rng.standard_normal((6, 3))),
    'accipd-svm-syntax': lambda: syntax_error('cs231n-accipd/linear_svm.py', 18),
    'coursera-linear-w': lambda: regression('coursera/linear_regression_uni.py', 'compute_cost', 'compute_gradient', 'w', False, 'wb'),
    'coursera-linear-b': lambda: regression('coursera/linear_regression_uni.py', 'compute_cost', 'compute_gradient', 'b', False, 'wb'),
    'coursera-logistic-w': lambda: regression('coursera/logistic_regression.py', 'compute_cost', 'compute_gradient', 'w', True, 'bw'),
    'coursera-logistic-reg-w': lambda: regression('coursera/logistic_regularized.py', 'compute_cost_reg', 'compute_gradient_reg', 'w', True, 'bw'),
    'codinglab-bug': lambda: regression('coursera/codinglab_gradient.py', 'compute_cost', 'compute_gradient', 'w', False, 'bw'),
    'nn-mse': lambda: (lambda m, t, p: check(lambda: m.mse(t, p), p, m.mse_prime(t, p)))(load('nn-from-scratch/losses.py'), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))),
    'nn-tanh': lambda: (lambda m, x, d: check(lambda: float(np.sum(m.tanh(x) * d)), x, m.tanh_prime(x) * d))(load('nn-from-scratch/activations.py'), rng.standard_normal(5), rng.standard_normal(5)),
    'fortileizhang-batchnorm-x': lambda: cache_layer(FLZ, 'batchnorm_forward', [rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal(4), {'mode': 'train'}], 0),
    'fortileizhang-batchnorm-gamma': lambda: cache_layer(FLZ, 'batchnorm_forward', [rng.standard_normal((6, 4)), rng.standard_normal(4), rng.standard_normal(4), {'mode': 'train'}], 1, 1),
    'fortileizhang-spatial-batchnorm': lambda: cache_layer(FLZ, 'spatial_batchnorm_forward', [rng.standard_normal((2, 3, 4, 4)), rng.standard_normal(3), rng.standard_normal(3), {'mode': 'train'}], 0),
    'fortileizhang-dropout': lambda: cache_layer(FLZ, 'dropout_forward', [rng.standard_normal((4, 5)), {'p': 0.6, 'mode': 'train', 'seed': 1}], 0),
    'fortileizhang-conv-w': lambda: cache_layer(FLZ, 'conv_forward_naive', [rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2), {'stride': 1, 'pad': 1}], 1, 1),
    'fortileizhang-conv-x': lambda: cache_layer(FLZ, 'conv_forward_naive', [rng.standard_normal((2, 3, 5, 5)), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2), {'stride': 1, 'pad': 1}], 0),
    'fortileizhang-maxpool-nameerror': lambda: cache_layer(FLZ, 'max_pool_forward_naive', [rng.standard_normal((2, 3, 4, 4)), {'pool_height': 2, 'pool_width': 2, 'stride': 2}], 0),
    'kingtaurus-maxpool': lambda: cache_layer(KT, 'max_pool_forward_naive', [rng.standard_normal((2, 3, 4, 4)), {'pool_height': 2, 'pool_width': 2, 'stride': 2}], 0),
    'kingtaurus-softplus-slope': lambda: cache_layer(KT, 'continuous_appx_relu_forward', [rng.standard_normal((3, 4))], 0),
    'penguin-tln5-backprop': lambda: twolayer('learners-ko/penguin1109_two_layer_net_backprop.py', ['W1', 'b1', 'W2', 'b2'], method='backprop'),
    'yxk121-cee-labels': lambda: (lambda m, y: numerical_only(lambda: m.cross_entropy_error(y, Y6), y))(load('learners-zh/yxk121_try_mblf.py'), rng.random((6, 3)) + 0.1),
    'sysujayce-cee-true-label': lambda: (lambda m, y: numerical_only(lambda: m.cross_entropy_error(T6, y), y))(load('learners-zh/sysujayce/common/functions.py'), rng.random((6, 3)) + 0.1),
    'sysujayce-mse-true-label': lambda: (lambda m, y: numerical_only(lambda: m.mean_squared_error(T6, y), y))(load('learners-zh/sysujayce/common/functions.py'), rng.random((6, 3))),
    'sysujayce-tln4-true-label': lambda: twolayer('learners-zh/sysujayce/chapter4/two_layer_net.py', ['W1', 'b1', 'W2', 'b2'], std_name=None),
    'penguin-mse-label-onehot': lambda: (lambda m, y: numerical_only(lambda: m.mean_squared_error(y, T6), y))(load(PENGUIN_LOSS), rng.random((6, 3))),
    'penguin-cee-label-onehot': lambda: (lambda m, y: numerical_only(lambda: m.batch_cee_onehot(y, T6), y))(load(PENGUIN_LOSS), rng.random((6, 3)) + 0.1),
    'penguin-cee-label-index': lambda: (lambda m, y: numerical_only(lambda: m.batch_cee(y, Y6), y))(load(PENGUIN_LOSS), rng.random((6, 3)) + 0.1),
    'book-multilayernet': lambda: multilayer('book/common/multi_layer_net.py'),
    'kingtaurus-fc-twolayernet': lambda: cs231n_net('cs231n-layers/kingtaurus_fc_net.py', weight_scale=0.5, reg=0.1),
    'broken-no-reg-in-loss': lambda: classifier('broken/softmax_no_reg_in_loss.py', 'softmax_loss_vectorized'),
    'broken-naive-no-mean': lambda: classifier('broken/softmax_naive_no_mean.py', 'softmax_loss_naive'),
    'broken-svm-transposed': lambda: classifier('broken/svm_transposed.py', 'svm_loss_vectorized'),
    'broken-tln4-sign': lambda: twolayer('broken/ch04/two_layer_net_sign.py', ['W2']),
    'broken-linear-no-m': lambda: regression('broken/linear_gradient_no_m.py', 'compute_cost', 'compute_gradient', 'w', False, 'wb'),
    'broken-mse-prime-sign': lambda: (lambda m, t, p: check(lambda: m.mse(t, p), p, m.mse_prime(t, p)))(load('broken/losses_sign.py'), rng.standard_normal((3, 4)), rng.standard_normal((3, 4))),
}
print(json.dumps({k: list(v()) for k, v in CASES.items()}))
`;

// ---- the JavaScript oracle: the learner's file run in a plain vm context, central differences ----

function loadJs(rel: string): vm.Context {
  const ctx = vm.createContext({ module: { exports: {} }, console: { log: () => undefined } });
  vm.runInContext(readFileSync(join(REAL, rel), 'utf8'), ctx);
  return ctx;
}
function checkJs(f: (x: number[]) => number, x: number[], g: number[]): [string, number] {
  const h = 1e-6;
  let m = 0;
  x.forEach((v, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] = v + h;
    minus[i] = v - h;
    const n = (f(plus) - f(minus)) / (2 * h);
    m = Math.max(m, Math.abs(g[i] - n) / Math.max(Math.abs(g[i]), Math.abs(n), 1e-7));
  });
  return [m < 1e-4 ? 'pass' : m > 1e-2 ? 'fail' : 'unclear', m];
}
function tsneOracle(iter: number): [string, number] {
  const lib = (loadJs('js/tsne.js').module as { exports: { tSNE: new () => Record<string, unknown> } }).exports;
  const t = new lib.tSNE();
  Object.assign(t, { N: 4, dim: 2, iter, P: Float64Array.from(tsneP(4)) });
  const costGrad = t.costGrad as (Y: number[][]) => { cost: number; grad: number[][] };
  const unflat = (v: number[]) => [0, 1, 2, 3].map((i) => v.slice(2 * i, 2 * i + 2));
  const y = TSNE_Y.flat();
  return checkJs((v) => costGrad.call(t, unflat(v)).cost, y, costGrad.call(t, unflat(y)).grad.flat());
}
function deltasOracle(
  rel: string,
  call: (ctx: vm.Context, y: number[], t: number[], d: number[]) => number,
): [string, number] {
  const ctx = loadJs(rel);
  const y = [0.3, -1.2, 0.8, 2.0];
  const t = [0, 1, 0, 1];
  const d = [0, 0, 0, 0];
  call(ctx, y, t, d);
  return checkJs((v) => call(ctx, v, t, [0, 0, 0, 0]), y, d);
}
function sigmoidOracle(rel: string): [string, number] {
  const fns = loadJs(rel).nnjs.functions as Record<string, (x: number) => number>;
  return checkJs((v) => fns.sigmoid(v[0]), [0.7], [fns.sigmoid_prime(0.7)]);
}
const JS_ORACLES: Record<string, () => [string, number]> = {
  'tsne-costgrad': () => tsneOracle(200),
  'tsne-early-exaggeration': () => tsneOracle(0),
  'mlvis-mse-deltas': () => deltasOracle('js/mlvis-loss-v1.js', (c, y, t, d) => c.MSE(y, t, d)),
  'mlvis-evaluate-deltas': () =>
    deltasOracle('js/mlvis-loss.js', (c, y, t, d) => new c.LossFunction().EvaluateDeltas(y, t, d)),
  'nnjs-sigmoid': () => sigmoidOracle('js/nnjs_functions.js'),
  'broken-mlvis-half': () => deltasOracle('broken/mlvis-loss-half.js', (c, y, t, d) => c.MSE(y, t, d)),
  'broken-nnjs-prime-sign': () => sigmoidOracle('broken/nnjs_prime_wrong.js'),
};

let pyOracle: Record<string, [string, number | null]> | undefined;
function oracle(c: Case): [string, number | null] {
  if (c.file.endsWith('.js')) {
    assert.ok(JS_ORACLES[c.id], `no JavaScript oracle for ${c.id}`);
    return JS_ORACLES[c.id]();
  }
  pyOracle ??= JSON.parse(
    execFileSync(PYTHON, ['-c', PY_DRIVER, REAL], { encoding: 'utf8', maxBuffer: 1 << 22 }),
  ) as Record<string, [string, number | null]>;
  assert.ok(pyOracle[c.id], `no Python oracle for ${c.id}`);
  return pyOracle[c.id];
}

// ---- the manifest itself ----

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === '__pycache__' ? [] : listFiles(p, root)) : [relative(root, p)];
  });
}

test('the manifest names every file of the corpus with its repository, path, commit and licence; ≥ 30 found in public repositories', () => {
  const listed = new Set(manifest.files.map((f) => f.file));
  const onDisk = listFiles(REAL).filter((f) => f !== 'manifest.json');
  assert.deepEqual(
    onDisk.filter((f) => !listed.has(f)),
    [],
    'files without a manifest entry',
  );
  for (const f of manifest.files) {
    assert.ok(onDisk.includes(f.file), `${f.file} is missing`);
    assert.match(f.repository, /^[\w.-]+\/[\w.-]+$/, f.file);
    assert.match(f.commit, /^[0-9a-f]{40}$/, f.file);
    assert.ok(f.path && f.licence, f.file);
  }
  const found = manifest.files.filter((f) => f.kind === 'extract' && !f.file.endsWith('__init__.py') && !f.copyOf);
  assert.ok(found.length >= 30, `${found.length} files`);
  assert.ok(new Set(found.map((f) => f.repository)).size >= 8);
  for (const c of manifest.cases) assert.ok(listed.has(c.file), `${c.id}: ${c.file}`);
  const stored = new Set(listFiles(STORED));
  for (const f of manifest.files.filter((e) => e.derivedFrom)) {
    assert.ok(!stored.has(f.file), `${f.file} is written from ${f.derivedFrom}, not stored`);
    const from = f.derivedFrom!;
    assert.ok(
      existsSync(join(STORED, from)) || manifest.files.some((e) => e.file === from && e.derivedFrom),
      `${f.file}: ${from} is stored or derived in turn`,
    );
    assert.ok(f.kind !== 'broken' || f.edits?.length, `${f.file}: a broken copy names its edit`);
  }
  const broken = manifest.cases.filter((c) => c.file.startsWith('broken/'));
  assert.ok(
    broken.length >= 5 && broken.every((c) => c.expected === 'fail' && c.diagnosis?.length),
    'broken copies fail with a named diagnosis',
  );
});

const table: string[][] = [];

for (const c of manifest.cases) {
  test(`${c.id}: ${c.file} ${c.function}${c.wrt ? ` --wrt ${c.wrt}` : ''} → ${c.expected}${c.diagnosis?.length ? ` [${c.diagnosis.join(', ')}]` : ''}`, async () => {
    const [byOracle, err] = oracle(c);
    let report: CheckReport | undefined;
    try {
      assert.equal(byOracle, c.expected, `the independent check says ${byOracle} (max relative error ${err})`);
      report = await runCheck(
        {
          file: join(REAL, c.file),
          functionName: c.function,
          wrt: c.wrt,
          gradientName: c.grad,
          inputs: c.inputs ? NAMED_INPUTS[c.inputs] : undefined,
        },
        runners,
      );
      const text = [formatMsg(report.summary), ...report.messages.map((m) => formatMsg(m))].join('\n');
      assert.equal(report.verdict, c.expected, text);
      if (c.diagnosis) assert.deepEqual([...report.diagnosis].sort(), [...c.diagnosis].sort(), text);
      if (c.line !== undefined) assert.equal(report.error?.line, c.line);
    } finally {
      const source = manifest.files.find((f) => f.file === c.file)!;
      const got = report
        ? `${report.verdict}${report.diagnosis.length ? ` [${report.diagnosis.join(', ')}]` : ''}`
        : '—';
      table.push([
        `${c.id}: ${source.repository} ${c.function}${c.wrt ? ` --wrt ${c.wrt}` : ''}${source.kind === 'broken' ? ' (broken copy)' : ''}`,
        `${c.expected}${c.diagnosis?.length ? ` [${c.diagnosis.join(', ')}]` : ''}`,
        `${byOracle}${err !== null ? ` (${err.toExponential(1)})` : ''}`,
        got,
      ]);
    }
  });
}

after(() => {
  const head = ['source', 'expected', 'oracle (max rel. error)', 'got'];
  const rows = [head, head.map(() => '---'), ...table];
  console.log(rows.map((r) => `| ${r.join(' | ')} |`).join('\n'));
});
