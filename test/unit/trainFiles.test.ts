import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '../../src/core/random';
import { initParams } from '../../src/core/twoLayerNet';
import { DEFAULT_RUN_CONFIG, RunView } from '../../src/protocol/train';
import {
  ModelFileError,
  paramsFromJson,
  paramsFromNpz,
  paramsToJson,
  paramsToNpz,
} from '../../src/panels/train/modelFile';
import { runFromJson, runToCsv, runToJson } from '../../src/panels/train/runExport';
import { RunStore } from '../../src/panels/train/runStore';
import { ROOT } from './helpers';

const view: RunView = {
  id: 'r1',
  name: 'batch 10 vs 100',
  config: { ...DEFAULT_RUN_CONFIG, batchSize: 10, iters: 5 },
  datasetName: 'MNIST (bundled subset: 10k train, 10k test)',
  createdAt: 1714557600000,
  hidden: false,
  status: 'diverged',
  iterations: 5,
  epochs: [
    { epoch: 1, iter: 1, trainAccuracy: 0.1032, testAccuracy: 0.101 },
    { epoch: 2, iter: 4, trainAccuracy: 0.2, testAccuracy: 0.1875 },
  ],
  finalLoss: null,
  trainAccuracy: 0.2,
  testAccuracy: 0.1875,
  wallSeconds: 0.25,
  message: 'The loss became NaN at iteration 5: the learning rate 0.1 is too large.',
  hasModel: false,
};
const losses = [2.302585092994046, 2.1, 0.1 + 0.2, 1e-17, NaN];

test('CSV export: one row per iteration with full-precision losses, accuracies on epoch rows', () => {
  const csv = runToCsv(view, losses);
  const rows = csv
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  assert.deepEqual(rows[0], ['iteration', 'loss', 'epoch', 'train_accuracy', 'test_accuracy', 'learning_rate']);
  assert.equal(rows.length, 6);
  // Parsed back, every value is the number that went in (NaN as "NaN", as pandas reads it).
  assert.deepEqual(
    rows.slice(1).map((r) => Number(r[1])),
    losses,
  );
  assert.deepEqual(
    rows.slice(1).map((r) => Number(r[0])),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(rows[1].slice(2).map(Number), [1, 0.1032, 0.101, 0.1]);
  assert.deepEqual(rows[4].slice(2).map(Number), [2, 0.2, 0.1875, 0.1]);
  assert.deepEqual(rows[2].slice(2), ['', '', '', '0.1']);
});

test('a learning-rate change during the run is in the CSV (from its iteration on) and survives the JSON round trip', () => {
  const changed = { ...view, learningRateChanges: [{ iter: 3, learningRate: 0.5 }] };
  const rows = runToCsv(changed, losses)
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  assert.deepEqual(
    rows.slice(1).map((r) => Number(r[5])),
    [0.1, 0.1, 0.5, 0.5, 0.5],
  );
  const { run } = runFromJson(runToJson(changed, losses), 'run.json');
  assert.deepEqual(run.learningRateChanges, [{ iter: 3, learningRate: 0.5 }]);
  const bad = JSON.parse(runToJson(changed, losses));
  bad.learningRateChanges = [{ iter: 0, learningRate: -1 }];
  assert.throws(
    () => runFromJson(JSON.stringify(bad), 'bad.json'),
    /bad\.json: every learning-rate change needs an iteration/,
  );
});

test('JSON export round-trips a run: hyperparameters, epochs, losses (NaN included)', () => {
  const { run, losses: back } = runFromJson(runToJson(view, losses), 'run.json');
  assert.deepEqual(back, losses);
  const { id: _i, hidden: _h, hasModel: _m, ...rest } = view;
  assert.deepEqual(run, rest);
});

test('importing something that is not a run export says what is wrong', () => {
  assert.throws(
    () => runFromJson('{"W1": []}', 'model.json'),
    /model\.json: not a Gradient Lab run \(no "format": "gradient-lab\.run"\)/,
  );
  assert.throws(() => runFromJson('{oops', 'x.json'), /x\.json: not valid JSON/);
  const bad = JSON.parse(runToJson(view, losses));
  bad.config.batchSize = 0;
  assert.throws(
    () => runFromJson(JSON.stringify(bad), 'b.json'),
    /b\.json: its hyperparameters are invalid \(batchSize\)/,
  );
});

const params = initParams({ inputSize: 784, hiddenSize: 7, outputSize: 10 }, 0.01, new Random(5));

test('saved parameters load back exactly from .npz and from JSON', () => {
  const fromNpz = paramsFromNpz(paramsToNpz(params), 'm.npz');
  const { params: fromJson, meta } = paramsFromJson(
    paramsToJson(params, { name: 'h7', config: { ...DEFAULT_RUN_CONFIG, hiddenSize: 7 } }),
    'm.json',
  );
  for (const p of [fromNpz, fromJson]) {
    assert.deepEqual(Array.from(p.W1.data), Array.from(params.W1.data));
    assert.deepEqual([p.W1.rows, p.W1.cols, p.W2.rows, p.W2.cols], [784, 7, 7, 10]);
    assert.deepEqual(Array.from(p.b2), Array.from(params.b2));
  }
  assert.equal(meta.name, 'h7');
  assert.equal(meta.config?.hiddenSize, 7);
  // JSON holds nested lists, so numpy's np.array(json['W1']) has shape (784, 7).
  const o = JSON.parse(paramsToJson(params));
  assert.equal(o.W1.length, 784);
  assert.equal(o.W1[0].length, 7);
});

test('loading parameters of the wrong shape names the array and the shape expected', () => {
  const wrong = JSON.parse(paramsToJson(params));
  wrong.W2 = wrong.W2.slice(0, 5);
  assert.throws(
    () => paramsFromJson(JSON.stringify(wrong), 'w.json'),
    (e: Error) => e instanceof ModelFileError && /w\.json: W2 has shape \(5, 10\); expected \(7, 10\)/.test(e.message),
  );
  assert.throws(
    () => paramsFromJson('{"W1": [[1, 2]], "b1": [0, 0], "W2": [[0]], "b2": [0]}', 'small.json'),
    /small\.json: W1 has shape \(1, 2\); expected \(784, hidden_size\)/,
  );
  assert.throws(
    () => paramsFromJson('{"W1": [[1, "2"]]}', 's.json'),
    /s\.json: W1 must be a list of numbers or a list of equally long lists/,
  );
  assert.throws(() => paramsFromJson('{"W1": [[1]]}', 'part.json'), /part\.json: no b1, W2, b2/);
  const npz = readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'numpy-params.npz'));
  const fromNumpy = paramsFromNpz(npz, 'numpy-params.npz');
  assert.deepEqual(
    [fromNumpy.W1.cols, fromNumpy.b1[0], fromNumpy.b2[9]],
    [2, 0.5, 1],
    'a file numpy wrote loads as a 784-2-10 net',
  );
});

test('RunStore keeps runs, losses and weights across instances (a window reload) and deletes them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-runs-'));
  try {
    const a = new RunStore(dir);
    a.add({ ...view, id: 'r1' }, losses);
    a.add({ ...view, id: 'r2', name: 'kept with weights', status: 'finished' }, [1, 0.5], params);
    a.update('r1', { name: 'renamed', hidden: true });
    const b = new RunStore(dir);
    assert.deepEqual(
      b.list().map((r) => [r.id, r.name, r.hidden, r.hasModel]),
      [
        ['r1', 'renamed', true, false],
        ['r2', 'kept with weights', false, true],
      ],
    );
    assert.deepEqual(Array.from(b.losses('r1')), losses);
    assert.deepEqual(b.history('r1', 2), {
      id: 'r1',
      stride: 3,
      loss: [(2.302585092994046 + 2.1 + 0.30000000000000004) / 3, NaN],
    });
    assert.equal(b.params('r1'), undefined);
    assert.deepEqual(Array.from(b.params('r2')!.W1.data), Array.from(params.W1.data));
    assert.equal(b.history('r1'), b.history('r1'), "a run's curve is read from disk once");
    assert.deepEqual(b.history('r2').loss, [1, 0.5]);
    assert.ok(b.delete('r2'));
    assert.deepEqual(b.history('r2').loss, [], 'a deleted run forgets its curve');
    assert.deepEqual(
      new RunStore(dir).list().map((r) => r.id),
      ['r1'],
    );
    assert.equal(b.params('r2'), undefined);
    writeFileSync(join(dir, 'index.json'), '{ broken');
    const logged: string[] = [];
    // A damaged index loses nothing: it is kept aside and the runs come back from their own files.
    assert.deepEqual(
      new RunStore(dir, (m) => logged.push(m)).list().map((r) => [r.id, r.name]),
      [['r1', 'renamed']],
    );
    assert.match(logged[0], /cannot be read .* kept as .*index\.json\.unreadable-\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('RunStore keeps a run’s learning-rate changes across a reload and skips a run whose changes are malformed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-runs-'));
  try {
    const a = new RunStore(dir);
    a.add({ ...view, id: 'lr1', learningRateChanges: [{ iter: 21, learningRate: 0.5 }] }, losses);
    assert.deepEqual(new RunStore(dir).get('lr1')?.learningRateChanges, [{ iter: 21, learningRate: 0.5 }]);
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    index.runs.push({ ...index.runs[0], id: 'lr2', learningRateChanges: 'fast' });
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
    const logged: string[] = [];
    assert.deepEqual(
      new RunStore(dir, (m) => logged.push(m)).list().map((r) => r.id),
      ['lr1'],
    );
    assert.match(logged.join('\n'), /id "lr2".*skipped: its learning-rate changes are not a list/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
