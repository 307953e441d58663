import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdxError, parseIdx } from '../../src/data/idx';
import { BUNDLED_FILES, BUNDLED_TRAIN_COUNT, loadSplit } from '../../src/data/mnist';
import { zlibInflater } from '../../src/node/inflate';
import { loadBundled, loadFolder } from '../../src/node/mnistFiles';
import { ROOT } from './helpers';

const MEDIA = join(ROOT, 'media', 'mnist');

function idx(dims: number[], data: number[], magicType = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = magicType;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

test('parseIdx reads raw and gzip idx files with their dimensions', () => {
  const raw = idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  for (const bytes of [raw, new Uint8Array(gzipSync(raw))]) {
    const a = parseIdx(bytes, 'x', zlibInflater);
    assert.deepEqual(a.dims, [2, 2, 3]);
    assert.deepEqual(Array.from(a.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  }
});

test('the bundled subset loads: 10k train and 10k test, 784 pixels, MNIST labels', () => {
  const d = loadBundled(MEDIA);
  assert.equal(d.train.count, 10000);
  assert.equal(BUNDLED_TRAIN_COUNT, d.train.count, 'the count the training page is told is the bundled file’s');
  assert.equal(d.test.count, 10000);
  assert.equal(d.train.size, 784);
  // The first MNIST training labels are 5 0 4 1 9 2; the first test labels 7 2 1 0 4.
  assert.deepEqual(Array.from(d.train.labels.subarray(0, 6)), [5, 0, 4, 1, 9, 2]);
  assert.deepEqual(Array.from(d.test.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
  // About 80% of MNIST pixels are zero.
  const zeros = d.train.images.reduce((n, p) => n + (p === 0 ? 1 : 0), 0) / d.train.images.length;
  assert.ok(zeros > 0.75 && zeros < 0.85, `zero fraction ${zeros}`);
});

test('bad magic number gives its own error', () => {
  assert.throws(
    () => parseIdx(idx([3], [1, 2, 3], 0x0d), 'labels.idx', zlibInflater),
    (e: Error) =>
      e instanceof IdxError && /bad magic number 0x00000d01/.test(e.message) && /labels\.idx/.test(e.message),
  );
});

test('a truncated file gives its own error', () => {
  const bytes = idx([2, 28, 28], new Array(2 * 784).fill(0));
  assert.throws(
    () => parseIdx(bytes.subarray(0, bytes.length - 100), 'img', zlibInflater),
    /truncated: the header promises 1568 bytes of data \(2×28×28\) but the file has 1468/,
  );
  assert.throws(() => parseIdx(bytes.subarray(0, 10), 'img', zlibInflater), /truncated header/);
  const gz = gzipSync(bytes);
  assert.throws(
    () => parseIdx(new Uint8Array(gz.subarray(0, gz.length - 20)), 'img.gz', zlibInflater),
    /gzip data is damaged/,
  );
});

test('images and labels of different counts give their own error', () => {
  assert.throws(
    () => loadSplit(idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), idx([3], [1, 2, 3]), 'imgs', 'labs', zlibInflater),
    /labs: has 3 labels but imgs has 2 images: the two files do not belong together/,
  );
});

test('a changed byte in a bundled file gives a checksum error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-idx-'));
  for (const f of Object.values(BUNDLED_FILES)) copyFileSync(join(MEDIA, f), join(dir, f));
  const target = join(dir, BUNDLED_FILES.testLabels);
  const bytes = readFileSync(target);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(target, bytes);
  assert.throws(() => loadBundled(dir), /t10k-labels-idx1-ubyte\.gz: checksum mismatch/);
});

test('loadFolder reads a folder of idx files named as the book downloads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-folder-'));
  const img = idx([2, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4]);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(img));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([2], [3, 7])));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), img);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([2], [1, 9]));
  const d = loadFolder(dir);
  assert.equal(d.train.count, 2);
  assert.equal(d.train.size, 4);
  assert.deepEqual(Array.from(d.test.labels), [1, 9]);
});

test('loadFolder names what is missing', () => {
  assert.throws(() => loadFolder('/no/such/folder'), /no such folder/);
  const dir = mkdtempSync(join(tmpdir(), 'gl-empty-'));
  assert.throws(() => loadFolder(dir), /no train images file/);
});

test("loadFolder on a project folder finds the idx files a few levels down (the book's dataset/, torchvision's MNIST/raw/), the nearest first, refuses to guess between two as near, and names the book's mnist.pkl", () => {
  const project = mkdtempSync(join(tmpdir(), 'gl-project-'));
  const img = idx([2, 2, 2], [0, 255, 0, 255, 1, 2, 3, 4]);
  const put = (folder: string) => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), gzipSync(img));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([2], [3, 7])));
    writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(img));
    writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([2], [1, 9])));
  };
  mkdirSync(join(project, 'ch04'));
  writeFileSync(join(project, 'ch04', 'train_neuralnet.py'), '# the learner’s code\n');
  put(join(project, 'data', 'MNIST', 'raw'));
  const d = loadFolder(project);
  assert.deepEqual(Array.from(d.test.labels), [1, 9]);
  assert.match(d.name, /data[/\\]MNIST[/\\]raw: 2 train, 2 test/);
  // The nearest wins (its path is in the name); two at the same depth are not guessed between.
  put(join(project, 'dataset'));
  assert.match(loadFolder(project).name, /dataset: 2 train, 2 test/);
  put(join(project, 'mnist'));
  assert.throws(() => loadFolder(project), /several folders below hold idx files: dataset, mnist; give one of them/);
  const book = mkdtempSync(join(tmpdir(), 'gl-pkl-'));
  writeFileSync(join(book, 'mnist.pkl'), 'not read');
  assert.throws(() => loadFolder(book), /mnist\.pkl is a Python pickle .* train-images-idx3-ubyte\.gz/);
});
