import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEvent } from '../../src/core/trainer';

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

/**
 * The English templates a feature shows: its page's string table and the literal first argument of
 * every msg(...), l10n.t(...) and t(...) in its source files (paths from the root; comments left out).
 */
export function templatesIn(table: Record<string, string>, files: string[]): Set<string> {
  const out = new Set<string>(Object.values(table));
  for (const f of files) {
    const code = readFileSync(join(ROOT, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    for (const m of code.matchAll(/(?:\bmsg|\bl10n\.t|(?<![.\w])t)\(\s*(['"])((?:\\.|(?!\1).)*)\1/g))
      out.add(m[2].replace(/\\(['"])/g, '$1'));
  }
  return out;
}

/** A template's placeholders ({0}, {1}, ...), each once, sorted. */
export const placeholderSet = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();

/** Everything a run's events say except when it happened. */
export function timeless(events: TrainEvent[]): unknown[] {
  return events.map((e) => {
    if (e.type === 'iteration' || e.type === 'epoch') {
      const { elapsedMs: _, ...rest } = e;
      return rest;
    }
    if (e.type === 'done') return { ...e, summary: { ...e.summary, wallSeconds: 0 } };
    return e;
  });
}
