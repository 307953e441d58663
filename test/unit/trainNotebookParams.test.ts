/**
 * A trained run's parameters as a notebook cell: the code Gradient Lab inserts is run with real
 * Python against a run trained here and saved as .npz, with the book's TwoLayerNet (imported from
 * two_layer_net.py, or defined in a cell above), and the net it builds predicts the bundled MNIST
 * test set exactly as the run did.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOK_DEFAULTS, Trainer } from '../../src/core/trainer';
import { createNetwork } from '../../src/engine/network';
import { TwoLayerNet } from '../../src/core/twoLayerNet';
import { loadBundled } from '../../src/node/mnistFiles';
import { paramsToNpz } from '../../src/panels/train/modelFile';
import { definesTwoLayerNet, paramsCell } from '../../src/panels/train/notebookParams';
import { DEFAULT_RUN_CONFIG } from '../../src/protocol/train';
import { PYTHON } from './gradcheckHelpers';
import { ROOT } from './helpers';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'notebook', 'two_layer_net.py');

/** Reads the bundled test set in numpy and prints the accuracy of `net` after the cell ran. */
const ACCURACY = `
import gzip
with gzip.open(${JSON.stringify(join(ROOT, 'media', 'mnist', 't10k-images-idx3-ubyte.gz'))}) as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 255.0
with gzip.open(${JSON.stringify(join(ROOT, 'media', 'mnist', 't10k-labels-idx1-ubyte.gz'))}) as f:
    t = np.frombuffer(f.read(), np.uint8, offset=8)
print(repr(float(net.accuracy(x, t))), net.params['W1'].dtype, net.params['W1'].shape)
`;

test("the inserted cell loads a trained run's .npz into the book's TwoLayerNet, and it predicts as the run did (real Python)", async () => {
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const config = { ...BOOK_DEFAULTS, iters: 300, seed: 3, hiddenSize: 30 };
  const network = createNetwork('reference', { inputSize: 784, hiddenSize: 30, outputSize: 10 }, config);
  const summary = await new Trainer(network, data, config).run();
  const params = network.exportParams();
  const expected = new TwoLayerNet(
    { inputSize: 784, hiddenSize: 30, outputSize: 10 },
    0.01,
    undefined,
    params,
  ).accuracyOn(data.test);
  // The weights at the end (the book evaluates once an epoch, so the run's last figure is from iteration 201).
  assert.ok(expected > 0.5, String(expected));

  const dir = mkdtempSync(join(tmpdir(), 'gl-nbparams-'));
  writeFileSync(join(dir, "run #1 'lr 0.1'.npz"), paramsToNpz(params));
  copyFileSync(FIXTURE, join(dir, 'two_layer_net.py'));
  const run = {
    name: '#1 · batch 100 · lr 0.1 · hidden 30',
    config: { ...DEFAULT_RUN_CONFIG, hiddenSize: 30 },
    iterations: 300,
    testAccuracy: summary.testAccuracy,
  };

  // 1. A notebook without TwoLayerNet: the cell imports the book's two_layer_net.py from the notebook's folder.
  const cell = paramsCell(run, "run #1 'lr 0.1'.npz", 30, false);
  assert.match(cell, /^from two_layer_net import TwoLayerNet/m);
  assert.match(cell, /net\.params\['W1'\] = params\['W1'\]/);
  const ran = spawnSync(PYTHON, ['-c', `${cell}\n${ACCURACY}`], { cwd: dir, encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  const [acc, dtype, ...shape] = ran.stdout.trim().split(/\s+/);
  assert.equal(Number(acc), expected);
  assert.equal(dtype, 'float64');
  assert.equal(shape.join(' '), '(784, 30)');

  // 2. A notebook whose cell above defines the class: no import, the cell runs after it.
  const classCell = readFileSync(FIXTURE, 'utf8');
  assert.ok(definesTwoLayerNet(['import numpy as np', classCell]));
  const inline = paramsCell(run, "run #1 'lr 0.1'.npz", 30, true);
  assert.doesNotMatch(inline, /import TwoLayerNet/);
  const after = spawnSync(PYTHON, ['-c', `${classCell}\n${inline}\n${ACCURACY}`], { cwd: dir, encoding: 'utf8' });
  assert.equal(after.status, 0, after.stderr);
  assert.equal(Number(after.stdout.trim().split(/\s+/)[0]), expected);
});

test('TwoLayerNet is recognised when a cell defines or imports it', () => {
  assert.ok(definesTwoLayerNet(['x = 1', 'class TwoLayerNet:\n    pass']));
  assert.ok(definesTwoLayerNet(['import sys, os\nsys.path.append(os.pardir)\nfrom two_layer_net import TwoLayerNet']));
  assert.ok(definesTwoLayerNet(['from ch04.two_layer_net import SimpleNet, TwoLayerNet']));
  assert.ok(!definesTwoLayerNet(['# from two_layer_net import TwoLayerNet', 'net = TwoLayerNet(784, 50, 10)']));
});
