import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RUN_CONFIG, type RunView } from '../../src/protocol/train';
import { RunStore, RunStoreError, writeAtomic } from '../../src/panels/train/runStore';
import type { TwoLayerParams } from '../../src/core/twoLayerNet';
import { hostile } from './hostile';

/** A run history that survives damaged files: nothing lost, nothing overwritten, every skip named. */

const AREA = 'run store';
const view = (id: string, name = `run ${id}`): RunView => ({
  id,
  name,
  config: { ...DEFAULT_RUN_CONFIG, iters: 3 },
  datasetName: 'MNIST',
  createdAt: 1714557600000 + id.length,
  hidden: false,
  status: 'finished',
  iterations: 3,
  epochs: [{ epoch: 1, iter: 3, trainAccuracy: 0.5, testAccuracy: 0.4 }],
  finalLoss: 1.5,
  trainAccuracy: 0.5,
  testAccuracy: 0.4,
  wallSeconds: 1,
  hasModel: false,
});
const H = 2;
const params: TwoLayerParams = {
  W1: { rows: 784, cols: H, data: new Float64Array(784 * H).fill(0.01) },
  b1: new Float64Array(H),
  W2: { rows: H, cols: 10, data: new Float64Array(H * 10).fill(0.02) },
  b2: new Float64Array(10),
};

/** A store with three runs r1, r2 (with weights), r3. */
function seeded(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gl-rel-store-')), 'train-runs');
  const s = new RunStore(dir);
  s.add(view('r1'), [3, 2, 1]);
  s.add(view('r2'), [2, 1, 0.5], params);
  s.add(view('r3'), [1, 1, 1]);
  return dir;
}

function open(dir: string) {
  const notices: string[] = [];
  const store = new RunStore(dir, (m) => notices.push(m));
  return { store, notices, ids: () => store.list().map((r) => r.id) };
}

const indexOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { runs: unknown[] };

async function kase(name: string, fn: () => void | Promise<void>) {
  test(`run store: ${name}`, async () => {
    await hostile(AREA, name, 'nothing-lost', fn, { ms: 20_000 });
  });
}

kase('a truncated index.json: runs rebuilt from their files, the index kept aside, the next run keeps them all', () => {
  const dir = seeded();
  const text = readFileSync(join(dir, 'index.json'), 'utf8');
  writeFileSync(join(dir, 'index.json'), text.slice(0, text.length / 2));
  const { store, notices, ids } = open(dir);
  assert.deepEqual(ids().sort(), ['r1', 'r2', 'r3']);
  assert.match(notices.join('\n'), /cannot be read .*kept as .*unreadable-/);
  assert.ok(readdirSync(dir).some((n) => n.startsWith('index.json.unreadable-')));
  store.add(view('r4'), [1]);
  assert.deepEqual(open(dir).ids().sort(), ['r1', 'r2', 'r3', 'r4']);
  assert.ok(store.params('r2'), 'weights survive');
});

kase('an empty index.json', () => {
  const dir = seeded();
  writeFileSync(join(dir, 'index.json'), '');
  assert.deepEqual(open(dir).ids().sort(), ['r1', 'r2', 'r3']);
});

kase('index.json whose runs is not a list', () => {
  const dir = seeded();
  writeFileSync(join(dir, 'index.json'), '{"version":1,"runs":{"a":1}}');
  assert.deepEqual(open(dir).ids().sort(), ['r1', 'r2', 'r3']);
});

kase('index.json missing: runs recovered from their files with a notice', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'index.json')]);
  const o = open(dir);
  assert.deepEqual(o.ids().sort(), ['r1', 'r2', 'r3']);
  assert.match(o.notices.join('\n'), /recovered/);
});

kase('a null entry is skipped with a notice naming it, the others kept, the entry written back', () => {
  const dir = seeded();
  const idx = indexOf(dir);
  idx.runs.splice(1, 0, null);
  writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
  const o = open(dir);
  assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
  assert.match(o.notices.join('\n'), /saved run #2 .* skipped: it is null/);
  o.store.add(view('r4'), [1]);
  assert.ok(indexOf(dir).runs.includes(null), 'the unreadable entry is kept in the file');
});

for (const [what, entry, why] of [
  ['a number', 42, /it is number/],
  ['a string', 'r9', /it is string/],
  ['a list', [1, 2], /it is a list/],
  ['no config', { ...view('r8'), config: undefined }, /no hyperparameters/],
  ['a bad config', { ...view('r8'), config: { ...DEFAULT_RUN_CONFIG, hiddenSize: -5 } }, /hyperparameters are invalid/],
  ['unknown status', { ...view('r8'), status: 'exploded' }, /status/],
  ['epochs not a list', { ...view('r8'), epochs: 'many' }, /epochs/],
  ['createdAt a string', { ...view('r8'), createdAt: 'yesterday' }, /createdAt/],
] as const) {
  kase(`an entry that is ${what} is skipped and named`, () => {
    const dir = seeded();
    const idx = indexOf(dir);
    idx.runs.push(entry);
    writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
    const o = open(dir);
    assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
    assert.match(o.notices.join('\n'), why);
  });
}

kase('a crafted id reaching outside the folder is refused, and no file outside is read or deleted', () => {
  const dir = seeded();
  const outside = join(dir, '..', 'secret.loss');
  writeFileSync(outside, Buffer.from(new Float64Array([42]).buffer));
  const idx = indexOf(dir);
  idx.runs.push({ ...view('x'), id: '../secret' });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
  const o = open(dir);
  assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
  assert.match(o.notices.join('\n'), /id is not one of the store/);
  assert.equal(o.store.losses('../secret').length, 0);
  assert.equal(o.store.delete('../secret'), false);
  assert.ok(existsSync(outside));
});

kase('duplicate ids: the first is kept', () => {
  const dir = seeded();
  const idx = indexOf(dir);
  idx.runs.push({ ...view('r1'), name: 'dup' });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(idx));
  assert.deepEqual(
    open(dir)
      .store.list()
      .map((r) => r.name),
    ['run r1', 'run r2', 'run r3'],
  );
});

kase('a .loss path that is a directory: the list still loads, that curve is empty with a notice', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'r2.loss')]);
  mkdirSync(join(dir, 'r2.loss'));
  const o = open(dir);
  assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
  assert.deepEqual(o.store.history('r2').loss, []);
  assert.match(o.notices.join('\n'), /r2\.loss cannot be read \(it is a folder/);
});

kase('a .loss that is a FIFO is refused at once, no blocked read', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'r1.loss')]);
  execFileSync('mkfifo', [join(dir, 'r1.loss')]);
  const o = open(dir);
  assert.deepEqual(o.store.losses('r1').length, 0);
  assert.match(o.notices.join('\n'), /not a regular file/);
});

kase('a .loss symlinked to /dev/zero is refused, not read forever', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'r1.loss')]);
  symlinkSync('/dev/zero', join(dir, 'r1.loss'));
  const o = open(dir);
  assert.equal(o.store.losses('r1').length, 0);
});

kase('a sparse 300 MB .loss is refused by its size', () => {
  const dir = seeded();
  truncateSync(join(dir, 'r3.loss'), 300 * 1024 * 1024);
  const o = open(dir);
  assert.equal(o.store.losses('r3').length, 0);
  assert.match(o.notices.join('\n'), /more than the/);
});

kase('damaged weights: the run is kept without them, with a notice', () => {
  const dir = seeded();
  writeFileSync(join(dir, 'r2.npz'), 'PK not really');
  const o = open(dir);
  assert.equal(o.store.params('r2'), undefined);
  assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
  assert.match(o.notices.join('\n'), /weights of run r2 cannot be read/);
});

kase('index.json that is a directory: set aside, runs rebuilt', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'index.json')]);
  mkdirSync(join(dir, 'index.json'));
  assert.deepEqual(open(dir).ids().sort(), ['r1', 'r2', 'r3']);
});

kase('index.json with a UTF-8 byte order mark reads', () => {
  const dir = seeded();
  writeFileSync(join(dir, 'index.json'), '\uFEFF' + readFileSync(join(dir, 'index.json'), 'utf8'));
  const o = open(dir);
  assert.deepEqual(o.ids(), ['r1', 'r2', 'r3']);
  assert.equal(o.notices.length, 0);
});

kase('a damaged <id>.run.json with its losses: recovered from the losses', () => {
  const dir = seeded();
  execFileSync('rm', [join(dir, 'index.json')]);
  writeFileSync(join(dir, 'r3.run.json'), '{');
  const o = open(dir);
  assert.deepEqual(o.ids().sort(), ['r1', 'r2', 'r3']);
  assert.equal(o.store.get('r3')?.name, 'Recovered run r3');
  assert.equal(o.store.get('r3')?.iterations, 3);
});

kase(
  'storage folder that cannot be made (a file in its place): a RunStoreError naming it, before anything is written',
  () => {
    const base = mkdtempSync(join(tmpdir(), 'gl-rel-store-'));
    const dir = join(base, 'train-runs');
    writeFileSync(dir, 'a file where the folder should be');
    const s = new RunStore(dir);
    assert.throws(
      () => s.ensureWritable(),
      (e: Error) => e instanceof RunStoreError && e.message.includes(dir),
    );
    assert.throws(
      () => s.add(view('r1'), [1]),
      (e: Error) => e instanceof RunStoreError && e.message.includes(dir),
    );
    assert.equal(readFileSync(dir, 'utf8'), 'a file where the folder should be');
  },
);

kase('a storage folder under a file (ENOTDIR) is a clear RunStoreError', () => {
  const base = mkdtempSync(join(tmpdir(), 'gl-rel-store-'));
  writeFileSync(join(base, 'file'), 'x');
  const s = new RunStore(join(base, 'file', 'train-runs'));
  assert.throws(() => s.ensureWritable(), RunStoreError);
  assert.deepEqual(s.list(), []);
});

kase('an atomic write that fails leaves neither a temp file nor a half file', () => {
  const base = mkdtempSync(join(tmpdir(), 'gl-rel-store-'));
  assert.throws(() => writeAtomic(join(base, 'no-such-folder', 'x.json'), new Uint8Array(3)));
  mkdirSync(join(base, 'target.json'));
  assert.throws(() => writeAtomic(join(base, 'target.json'), new Uint8Array(3)));
  assert.deepEqual(readdirSync(base).sort(), ['target.json']);
});

kase('left-over temp files of a crashed write do not disturb the list', () => {
  const dir = seeded();
  writeFileSync(join(dir, 'index.json.123-abc.tmp'), '{half');
  writeFileSync(join(dir, 'r9.loss.55-x.tmp'), 'zz');
  assert.deepEqual(open(dir).ids(), ['r1', 'r2', 'r3']);
});

kase('renaming and deleting keep the run files and index in step across reloads', () => {
  const dir = seeded();
  const o = open(dir);
  o.store.update('r1', { name: 'renamed' });
  o.store.delete('r3');
  execFileSync('rm', [join(dir, 'index.json')]);
  const again = open(dir);
  assert.deepEqual(
    again.store
      .list()
      .map((r) => [r.id, r.name])
      .sort(),
    [
      ['r1', 'renamed'],
      ['r2', 'run r2'],
    ],
  );
});
