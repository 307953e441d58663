import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, from out/test/unit/*.js or test/unit/*.ts. */
export const ROOT = join(__dirname, '..', '..', '..');

export const vectors: any = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'test-vectors.json'), 'utf8'));

export function assertClose(actual: number, expected: number, tol: { rel?: number; abs?: number }, what = ''): void {
  const diff = Math.abs(actual - expected);
  const ok =
    (tol.abs !== undefined && diff <= tol.abs) ||
    (tol.rel !== undefined && diff <= tol.rel * Math.max(Math.abs(expected), 1e-300));
  assert.ok(ok, `${what} expected ${expected}, got ${actual} (diff ${diff})`);
}

export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: { rel?: number; abs?: number },
  what = '',
): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
