import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NpzError, crc32, decodeNpy, encodeNpy, readNpz, writeNpz } from '../../src/data/npz';
import { zlibInflater } from '../../src/node/inflate';
import { ROOT } from './helpers';

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'fixtures', 'train', name));

test('crc32 is the zip checksum (the standard check value of "123456789")', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('encodeNpy writes numpy’s v1.0 header, 64-byte aligned, and decodeNpy reads it back exactly', () => {
  const data = Float64Array.from([0.1, -2.5e-300, 1e308, 3, 4, 5]);
  const bytes = encodeNpy({ shape: [2, 3], data });
  const headerLen = new DataView(bytes.buffer).getUint16(8, true);
  assert.equal((10 + headerLen) % 64, 0);
  assert.match(
    new TextDecoder().decode(bytes.subarray(10, 10 + headerLen)),
    /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/,
  );
  const back = decodeNpy(bytes, 'x.npy');
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(Array.from(back.data), Array.from(data));
  assert.match(
    new TextDecoder().decode(encodeNpy({ shape: [3], data: new Float64Array(3) }).subarray(10, 70)),
    /'shape': \(3,\)/,
  );
});

test('readNpz reads the params np.savez and np.savez_compressed wrote', () => {
  for (const name of ['numpy-params.npz', 'numpy-params-compressed.npz']) {
    const p = readNpz(fixture(name), name, zlibInflater);
    assert.deepEqual(Object.keys(p).sort(), ['W1', 'W2', 'b1', 'b2']);
    assert.deepEqual(p.W1.shape, [784, 2]);
    assert.deepEqual(Array.from(p.W1.data.subarray(0, 4)), [0.001257, -0.001321, 0.006404, 0.001049]);
    assert.ok(
      Math.abs(p.W1.data.reduce((a, b) => a + b, 0) - -0.176931) < 1e-12,
      `${name}: W1 sums to the value numpy printed`,
    );
    assert.deepEqual(Array.from(p.b1.data), [0.5, -0.25]);
    assert.deepEqual(p.W2.shape, [2, 10]);
    assert.equal(p.W2.data[13], 13 / 8);
    assert.equal(p.b2.data[9], 1);
  }
});

test('readNpz converts float32, int64 and Fortran-order arrays to C-order float64', () => {
  const p = readNpz(fixture('numpy-dtypes.npz'), 'numpy-dtypes.npz', zlibInflater);
  assert.deepEqual(Array.from(p.f32.data), [1.5, -2, 3.25]);
  assert.deepEqual(Array.from(p.i64.data), [1, -2, 3]);
  assert.deepEqual(p.fortran.shape, [2, 3]);
  assert.deepEqual(Array.from(p.fortran.data), [0, 1, 2, 3, 4, 5]);
});

test('writeNpz then readNpz round-trips every array bit for bit', () => {
  const W = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i) * 1e-3);
  const bytes = writeNpz({ W1: { shape: [3, 4], data: W }, b1: { shape: [4], data: Float64Array.from([1, 2, 3, 4]) } });
  const back = readNpz(bytes, 'mine.npz', zlibInflater);
  assert.deepEqual(Array.from(back.W1.data), Array.from(W));
  assert.deepEqual(back.W1.shape, [3, 4]);
  assert.deepEqual(back.b1.shape, [4]);
});

test('damaged or foreign files fail with a message naming the file and what to do', () => {
  assert.throws(
    () => readNpz(new TextEncoder().encode('not a zip at all, just text'), 'notes.npz', zlibInflater),
    (e: Error) => e instanceof NpzError && /notes\.npz: not an \.npz file.*np\.savez/.test(e.message),
  );
  const good = writeNpz({ b: { shape: [2], data: Float64Array.from([1, 2]) } });
  const bad = Uint8Array.from(good);
  bad[30 + 'b.npy'.length + 80] ^= 0xff; // a data byte of the member
  assert.throws(() => readNpz(bad, 'flipped.npz', zlibInflater), /flipped\.npz: b\.npy is damaged/);
  assert.throws(() => decodeNpy(new Uint8Array(20), 'x.npy'), /x\.npy: not a \.npy array/);
});
