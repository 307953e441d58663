import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { crc32, NPZ_LIMITS, NpzError, readNpz, writeNpz } from '../../src/data/npz';
import { IdxError, parseIdx } from '../../src/data/idx';
import { zlibInflater } from '../../src/node/inflate';
import { AnswerError, validateRunResult } from '../../src/gradcheck/run/answer';
import { decodeResult } from '../../src/gradcheck/run/pythonRunner';
import { runFileJob } from '../../src/panels/train/fileJobs';
import { TrainSession } from '../../src/panels/train/trainSession';
import { BOOK_DEFAULTS } from '../../src/core/trainer';
import { ROOT } from '../unit/helpers';
import { hostile } from './hostile';

/** File formats (idx, npz, JSON models and runs) and the answer validator against hostile bytes. */

const FILE_WORKER = join(ROOT, 'dist', 'fileWorker.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'gl-rel-fmt-'));

/** One zip member, stored or deflated, with the sizes it declares (which may lie). */
function zip(
  name: string,
  data: Uint8Array,
  opts: { deflate?: boolean; declaredSize?: number; cut?: number } = {},
): Uint8Array {
  const body = opts.deflate ? deflateRawSync(data) : data;
  const nameBytes = Buffer.from(name);
  /** What the local header and the central-directory entry both say: method, CRC, sizes, name length. */
  const shared = (b: Buffer, at: number) => {
    b.writeUInt16LE(opts.deflate ? 8 : 0, at);
    b.writeUInt32LE(crc32(data), at + 6);
    b.writeUInt32LE(body.length, at + 10);
    b.writeUInt32LE(opts.declaredSize ?? data.length, at + 14);
    b.writeUInt16LE(nameBytes.length, at + 18);
  };
  const local = Buffer.alloc(30 + nameBytes.length);
  local.writeUInt32LE(0x04034b50, 0);
  shared(local, 8);
  nameBytes.copy(local, 30);
  const central = Buffer.alloc(46 + nameBytes.length);
  central.writeUInt32LE(0x02014b50, 0);
  shared(central, 10);
  nameBytes.copy(central, 46);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + body.length, 16);
  const all = Buffer.concat([local, body, central, end]);
  return opts.cut ? all.subarray(0, opts.cut) : all;
}

function npy(shapeText: string, data: Uint8Array, descr = '<f8'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

function model(H: number, fill = 0.01): Uint8Array {
  const a = (rows: number, cols?: number) => ({
    shape: cols === undefined ? [rows] : [rows, cols],
    data: new Float64Array(rows * (cols ?? 1)).fill(fill),
  });
  return writeNpz({ W1: a(784, H), b1: a(H), W2: a(H, 10), b2: a(10) });
}

async function readModel(name: string, bytes: Uint8Array) {
  return runFileJob(FILE_WORKER, { type: 'readModel', name, bytes });
}

function npzCase(name: string, bytes: () => Uint8Array, pattern: RegExp) {
  test(`npz: ${name}`, async () => {
    const m = await hostile('npz', name, 'clear-error', () => readModel('m.npz', bytes()), { ms: 30_000 });
    assert.equal(m.value.ok, false);
    assert.match((m.value as { message: string }).message, pattern);
  });
}

npzCase(
  'a 1 GiB member declared in a tiny file is refused before inflating',
  () => zip('W1.npy', Buffer.alloc(1000), { deflate: true, declaredSize: 2 ** 30 }),
  /declares 1073741824 bytes uncompressed, more than the 128 MiB/,
);
npzCase(
  'a member that inflates past its declared size (a lying zip bomb)',
  () => zip('W1.npy', Buffer.alloc(50 * 1024 * 1024), { deflate: true, declaredSize: 1000 }),
  /inflates to more than the 1000 bytes it declares/,
);
npzCase(
  'a member cut off by the end of the file',
  () => {
    const z = zip('W1.npy', npy('(784, 2)', Buffer.alloc(784 * 16)));
    return Buffer.concat([z.subarray(0, 200), z.subarray(z.length - 46 - 6 - 22)]);
  },
  /cut off|damaged/,
);
npzCase(
  'a zip64 locator pointing past the end',
  () => {
    const z = Buffer.from(zip('W1.npy', Buffer.alloc(10)));
    z.writeUInt16LE(0xffff, z.length - 22 + 10);
    return z;
  },
  /damaged zip64 directory|damaged zip/,
);
npzCase(
  'a central directory offset past the end',
  () => {
    const z = Buffer.from(zip('W1.npy', Buffer.alloc(10)));
    z.writeUInt32LE(0x7fffffff, z.length - 22 + 16);
    return z;
  },
  /damaged zip/,
);
npzCase(
  '10,000 members declared',
  () => {
    const z = Buffer.from(zip('W1.npy', Buffer.alloc(10)));
    z.writeUInt16LE(10000, z.length - 22 + 10);
    return z;
  },
  /10000 members/,
);
npzCase(
  'an array whose shape holds 10^12 values',
  () => zip('W1.npy', npy('(1000000, 1000000)', Buffer.alloc(8))),
  /more than the 16777216 allowed/,
);
npzCase('a negative shape', () => zip('W1.npy', npy('(-5, 2)', Buffer.alloc(8))), /unreadable shape/);
npzCase(
  'an object array (pickled)',
  () => zip('W1.npy', npy('(2,)', Buffer.alloc(16), '|O')),
  /unreadable \.npy header|not supported/,
);
npzCase('hidden size 0 (W1 of shape (784, 0))', () => model(0), /hidden size of 0; it must be from 1 to 1000/);
npzCase('hidden size 5000', () => model(5000, 0), /hidden size of 5000/);
npzCase('NaN weights', () => model(3, NaN), /NaN or infinite/);
npzCase('not a zip at all', () => Buffer.from('just text'), /not an \.npz file/);
npzCase('an empty file', () => new Uint8Array(0), /not an \.npz file/);
npzCase(
  'a bad CRC',
  () => {
    const z = Buffer.from(zip('W1.npy', npy('(2,)', Buffer.alloc(16))));
    z[40] ^= 0xff;
    return z;
  },
  /damaged|magic/,
);

test('npz: a good model loads in the worker', async () => {
  const m = await hostile('npz', 'a good model', 'correct-result', () => readModel('m.npz', model(4)), { ms: 30_000 });
  assert.equal(m.value.ok, true);
});

function jsonCase(name: string, text: string, pattern: RegExp) {
  test(`json model: ${name}`, async () => {
    const m = await hostile('json model', name, 'clear-error', () => readModel('m.json', Buffer.from(text)), {
      ms: 30_000,
    });
    assert.equal(m.value.ok, false);
    assert.match((m.value as { message: string }).message, pattern);
  });
}
const rows = (r: number, c: number, v: unknown = 0.1) =>
  JSON.stringify(Array.from({ length: r }, () => Array(c).fill(v)));
jsonCase('not JSON', '{"W1": [', /not valid JSON/);
jsonCase('a number', '42', /expected an object/);
jsonCase('ragged W1', `{"W1": [[1, 2], [3]], "b1": [0], "W2": [[0]], "b2": [0]}`, /equally long lists/);
jsonCase(
  'strings for numbers',
  `{"W1": ${rows(784, 2, '"x"')}, "b1": [0, 0], "W2": ${rows(2, 10)}, "b2": ${JSON.stringify(Array(10).fill(0))}}`,
  /list of numbers/,
);
jsonCase(
  'W1 empty (hidden 0)',
  `{"W1": [], "b1": [], "W2": [], "b2": ${JSON.stringify(Array(10).fill(0))}}`,
  /W1 has shape/,
);
jsonCase(
  'nesting 100,000 deep',
  `{"W1": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  /list of numbers|not valid JSON|Maximum call stack/,
);
jsonCase('missing arrays', '{"format": "gradient-lab.two-layer-net"}', /no W1, b1, W2, b2/);

test('json model: with a UTF-8 byte order mark it loads', async () => {
  const text =
    '\uFEFF' +
    JSON.stringify({ W1: JSON.parse(rows(784, 2)), b1: [0, 0], W2: JSON.parse(rows(2, 10)), b2: Array(10).fill(0) });
  const m = await hostile('json model', 'BOM', 'correct-result', () => readModel('m.json', Buffer.from(text)), {
    ms: 30_000,
  });
  assert.equal(m.value.ok, true, JSON.stringify(m.value).slice(0, 300));
});

function runCase(name: string, text: string, pattern: RegExp) {
  test(`run import: ${name}`, async () => {
    const m = await hostile(
      'run import',
      name,
      'clear-error',
      () => runFileJob(FILE_WORKER, { type: 'readRun', name: 'r.json', bytes: Buffer.from(text) }),
      { ms: 30_000 },
    );
    assert.equal(m.value.ok, false);
    assert.match((m.value as { message: string }).message, pattern);
  });
}
runCase('not JSON', '{', /JSON/);
runCase('not a run', '{"format": "something else"}', /not a Gradient Lab run|format/);
runCase(
  'bad hyperparameters',
  JSON.stringify({ format: 'gradient-lab.run', version: 1, name: 'x', config: { hiddenSize: -1 }, loss: [] }),
  /hyperparameters are invalid/,
);

test('run export: 1,000,000 losses as CSV are formatted in the worker', async () => {
  const losses = new Float64Array(1_000_000).map((_, i) => 1 / (i + 1));
  const run = {
    id: 'r1',
    name: 'long',
    config: { ...BOOK_DEFAULTS, dataset: { kind: 'bundled' as const } },
    datasetName: '',
    createdAt: 0,
    hidden: false,
    status: 'finished' as const,
    iterations: 1e6,
    epochs: [],
    finalLoss: 1e-6,
    trainAccuracy: null,
    testAccuracy: null,
    wallSeconds: 1,
    hasModel: false,
  };
  const m = await hostile(
    'run export',
    '1e6 losses to CSV',
    'bounded',
    () => runFileJob(FILE_WORKER, { type: 'writeRun', format: 'csv', run, losses }),
    { ms: 60_000 },
  );
  assert.equal(m.value.ok, true);
});

function idxCase(name: string, bytes: () => Uint8Array, pattern: RegExp) {
  test(`idx: ${name}`, async () => {
    const m = await hostile(
      'idx',
      name,
      'clear-error',
      () => {
        try {
          parseIdx(bytes(), 'f.gz', zlibInflater);
          return 'parsed';
        } catch (e) {
          return e;
        }
      },
      { ms: 30_000 },
    );
    assert.ok(m.value instanceof IdxError, String(m.value));
    assert.match((m.value as Error).message, pattern);
  });
}
const { gzipSync } = require('node:zlib') as typeof import('node:zlib');
const head = (dims: number[]) => {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = 8;
  b[3] = dims.length;
  dims.forEach((d, i) => b.writeUInt32BE(d >>> 0, 4 + 4 * i));
  return b;
};
idxCase('gzip of nothing', () => gzipSync(Buffer.alloc(0)), /too short/);
idxCase(
  'gzip header promising 4 dims of 65536',
  () => gzipSync(head([65536, 65536, 65536, 65536])),
  /more than the 768 MiB/,
);
idxCase('gzip of 5 dimensions', () => gzipSync(Buffer.from([0, 0, 8, 5])), /5 dimensions/);
idxCase(
  'gzip with 64 MiB where 10 bytes are promised',
  () => gzipSync(Buffer.concat([head([10]), Buffer.alloc(64 * 1024 * 1024)])),
  /inflates to more than the 18 bytes/,
);
idxCase(
  'gzip of float data (0x0D)',
  () => gzipSync(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0])),
  /bad magic number/,
);
idxCase('raw, fewer bytes than promised', () => Buffer.concat([head([100, 28, 28]), Buffer.alloc(10)]), /truncated/);

test('idx: a good gzip file still parses, exactly count × rows × cols', () => {
  const a = parseIdx(
    gzipSync(Buffer.concat([head([3, 2, 2]), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])])),
    'ok.gz',
    zlibInflater,
  );
  assert.deepEqual(
    [a.dims, Array.from(a.data)],
    [
      [3, 2, 2],
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    ],
  );
});

/** A data folder whose four idx files are each made by `make` (a FIFO, a /dev/zero symlink). */
const hostileDataFolders: [name: string, label: string, make: (path: string) => void][] = [
  [
    'train worker: a FIFO in the data folder ends the run with a clear error, no thread left blocked',
    'FIFO data folder',
    (path) => execFileSync('mkfifo', [path]),
  ],
  [
    'train worker: a /dev/zero symlink in the data folder is refused at once',
    '/dev/zero data folder',
    (path) => symlinkSync('/dev/zero', path),
  ],
];
for (const [name, label, make] of hostileDataFolders) {
  test(name, async () => {
    const dir = tmp();
    for (const n of [
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ])
      make(join(dir, n));
    const m = await hostile(
      'train worker',
      label,
      'clear-error',
      async () => {
        let error = '';
        const s = new TrainSession(
          join(ROOT, 'dist', 'trainWorker.js'),
          { type: 'train', config: { ...BOOK_DEFAULTS, iters: 2 }, dataset: { kind: 'folder', path: dir } },
          { error: (e) => (error = e) },
        );
        await s.exited;
        return error;
      },
      { ms: 30_000 },
    );
    assert.match(m.value, /not a regular file/);
  });
}

// ---- the gradient checker's answer validator ----

const GOOD = {
  ok: true,
  x: [1, 2],
  shape: [2],
  f0: 5,
  f0Again: 5,
  indices: [0, 1],
  plus: [5.1, 5.2],
  minus: [4.9, 4.8],
  steps: [{ h: 0.01, plus: [1], minus: [1] }],
  sweep: { index: 1, hs: [0.1], plus: [1], minus: [1] },
  analytic: { values: [2, 4], shape: [2] },
  mutated: [],
  probes: [null, 1],
  evaluations: 9,
  elapsedMs: 1,
  runtime: 'x',
};
const malformed: [string, unknown, RegExp][] = [
  ['null', null, /not an object/],
  ['a list', [1], /not an object/],
  ['ok missing', { ...GOOD, ok: undefined }, /ok is neither/],
  ['x not a list', { ...GOOD, x: 5 }, /^x is not a list/],
  ['x with a string', { ...GOOD, x: [1, '2'] }, /x\[1\] is not a number/],
  ['shape that does not hold x', { ...GOOD, shape: [3] }, /shape \(3\) does not hold the 2 values/],
  ['plus shorter than indices', { ...GOOD, plus: [1] }, /plus has 1 values but indices has 2/],
  ['an index past x', { ...GOOD, indices: [0, 7] }, /indices\[1\] is not an index below 2/],
  ['f0 a string', { ...GOOD, f0: '5' }, /f0 is not a number/],
  ['analytic values vs shape', { ...GOOD, analytic: { values: [1], shape: [2, 2] } }, /analytic.shape/],
  ['steps not a list', { ...GOOD, steps: {} }, /steps is not a list/],
  ['sweep index past x', { ...GOOD, sweep: { ...GOOD.sweep, index: 9 } }, /sweep.index/],
  ['mutated entries', { ...GOOD, mutated: [5] }, /mutated\[0\]/],
  ['runtime missing', { ...GOOD, runtime: undefined }, /runtime is not text/],
  ['error kind unknown', { ok: false, error: { kind: 'pwned', message: 'x' } }, /error.kind is not one of/],
  ['error message missing', { ok: false, error: { kind: 'exception' } }, /error.message is not text/],
];
for (const [name, answer, pattern] of malformed) {
  test(`answer validator: ${name} is refused with the field named`, async () => {
    const m = await hostile('validator', `answer ${name}`, 'clear-error', () => {
      try {
        validateRunResult(answer);
        return undefined;
      } catch (e) {
        return e;
      }
    });
    assert.ok(m.value instanceof AnswerError, String(m.value));
    assert.match((m.value as Error).message, pattern);
  });
}

test('answer validator: a good answer passes, extra fields kept, NaN strings decoded', () => {
  const r = decodeResult(JSON.stringify({ ...GOOD, plus: ['NaN', 5.2], extra: { groups: [1] } }));
  assert.ok(r.ok && Number.isNaN(r.plus[0]));
  assert.deepEqual((r as unknown as { extra: unknown }).extra, { groups: [1] });
  assert.throws(() => decodeResult('{"ok": true'), SyntaxError);
});

test('npz: a file at the limits is read, one byte over is refused, and readNpz never throws anything but NpzError', () => {
  for (const bytes of [Buffer.from([0x50, 0x4b, 5, 6]), Buffer.alloc(22), zip('a.npy', Buffer.alloc(3), { cut: 40 })]) {
    assert.throws(() => readNpz(bytes, 'x.npz', zlibInflater), NpzError);
  }
  assert.equal(NPZ_LIMITS.memberBytes, 128 * 1024 * 1024);
});

// ---- a report, whatever the runner does (the panel never waits on "running" forever) ----

import { runCheck } from '../../src/gradcheck/check';
import type { RunResult } from '../../src/gradcheck/types';

const learnerFile = () => {
  const d = tmp();
  require('node:fs').writeFileSync(
    join(d, 'f.py'),
    'def f(x):\n    return (x ** 2).sum()\n\ndef f_grad(x):\n    return 2 * x\n',
  );
  return join(d, 'f.py');
};
const withRunner = (python: () => Promise<RunResult>) => ({
  python: async () => python(),
  js: async () => python(),
  pythonHint: '',
});

for (const [name, runner] of [
  ['a runner that throws', () => Promise.reject(new Error('boom'))],
  [
    'a runner that answers inconsistent arrays',
    () => Promise.resolve({ ...GOOD, plus: [1], indices: [0, 1, 5] } as unknown as RunResult),
  ],
  ['a runner that answers null', () => Promise.resolve(null as unknown as RunResult)],
] as const) {
  test(`check: ${name} still gives an error report`, async () => {
    const m = await hostile('check', name, 'clear-error', () =>
      runCheck({ file: learnerFile(), functionName: 'f', inputs: { x: [1, 2] } }, withRunner(runner)),
    );
    assert.equal(m.value.verdict, 'error');
    assert.equal(m.value.error?.kind, 'internal');
  });
}

import { fileProblem } from '../../src/node/files';

test('files: every errno a data path can raise has a plain sentence (EACCES cannot be provoked as root)', () => {
  const said = (code: string) => fileProblem(Object.assign(new Error(`${code}: raw`), { code }));
  assert.match(said('EACCES'), /permission denied/);
  assert.match(said('EPERM'), /permission denied/);
  assert.match(said('ELOOP'), /loop of symbolic links/);
  assert.match(said('EISDIR'), /folder, not a file/);
  assert.match(said('ENOENT'), /no such file/);
  assert.match(said('ENOTDIR'), /not a folder/);
  assert.match(said('ENAMETOOLONG'), /too long/);
});
