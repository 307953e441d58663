import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';

test('Random repeats for a seed and differs between seeds', () => {
  const a = new Random(5),
    b = new Random(5),
    c = new Random(6);
  const xs = Array.from({ length: 5 }, () => a.random());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b.random()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c.random()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('randn has mean ≈ 0 and standard deviation ≈ 1', () => {
  const r = new Random(1);
  const n = 200000;
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = r.randn();
    s += v;
    s2 += v * v;
  }
  const mean = s / n;
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(s2 / n - mean * mean) - 1) < 0.01);
});

test('choice samples with replacement within range and covers it', () => {
  const r = new Random(2);
  const idx = r.choice(10, 1000);
  assert.ok(idx.every((i) => i >= 0 && i < 10));
  assert.equal(new Set(idx).size, 10);
  // With replacement: 20 draws from 10 must repeat.
  assert.ok(new Set(r.choice(10, 20)).size < 20);
});
