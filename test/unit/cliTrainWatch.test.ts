import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'train', ...args], { encoding: 'utf8', timeout: 120000 });
const jsonLines = (out: string): any[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('train --grad-stats N --check-every N --json: typed lines for the gradient views, the summary keeps its keys', () => {
  const r = run('--iters', '200', '--grad-stats', '50', '--check-every', '100', '--json', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  for (const l of lines) assert.equal(typeof l.type, 'string');
  const initial = lines.filter((l) => l.type === 'initialLoss');
  assert.equal(initial.length, 1);
  assert.ok(Math.abs(initial[0].loss - Math.log(10)) < 0.01 && initial[0].verdict === 'as-expected');
  const stats = lines.filter((l) => l.type === 'gradStats');
  assert.deepEqual(
    stats.map((l) => l.iter),
    [50, 100, 150, 200],
  );
  for (const s of stats) {
    assert.deepEqual(
      s.groups.map((g: { name: string }) => g.name),
      ['W1', 'b1', 'W2', 'b2'],
    );
    for (const g of s.groups) {
      assert.ok(g.gradNorm > 0 && g.weightNorm >= 0, JSON.stringify(g));
      if (g.weightNorm > 0) assert.ok(Math.abs(g.updateRatio - (0.1 * g.gradNorm) / g.weightNorm) < 1e-12);
    }
  }
  const checks = lines.filter((l) => l.type === 'gradCheck');
  assert.deepEqual(
    checks.map((l) => l.iter),
    [1, 100, 200],
  );
  for (const c of checks) assert.ok(c.ok && c.relError < 1e-3, JSON.stringify(c));
  const summary = lines[lines.length - 1];
  assert.equal(summary.type, 'summary');
  for (const key of [
    'reason',
    'iterations',
    'epochs',
    'finalLoss',
    'trainAccuracy',
    'testAccuracy',
    'wallSeconds',
    'engine',
    'dataset',
  ])
    assert.ok(key in summary, key);
});

test('train --overfit 100 with the preset reaches train accuracy 1 while test accuracy stays low', () => {
  const r = run('--overfit', '100', '--batch', '10', '--lr', '1', '--iters', '1000', '--json');
  assert.equal(r.status, 0, r.stderr);
  const summary = jsonLines(r.stdout).pop();
  assert.ok(summary.trainAccuracy >= 0.98 && summary.testAccuracy < 0.85, JSON.stringify(summary));
  assert.match(summary.dataset, /first 100 training images/);
});

test('train --lr-finder prints the curve and a suggestion; --json gives typed points', () => {
  const r = run('--lr-finder', '--json');
  assert.equal(r.status, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const points = lines.filter((l) => l.type === 'lrFinder');
  assert.ok(points.length > 100);
  assert.equal(points[0].learningRate, 1e-5);
  const last = lines[lines.length - 1];
  assert.equal(last.type, 'lrFinderSummary');
  assert.equal(last.bookRate, 0.1);
  assert.ok(last.suggested === last.minimumAt / 10);
  const text = run('--lr-finder');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /suggested rate [0-9.]+ \(a tenth of it\); the book uses 0\.1/);
});

test('train --sampling shuffled is accepted, a bad value is a one-line usage error', () => {
  const ok = run('--iters', '20', '--sampling', 'shuffled', '--json');
  assert.equal(ok.status, 0, ok.stderr);
  const bad = run('--sampling', 'random');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--sampling must be one of replacement, shuffled/);
  const zero = run('--check-every', '0');
  assert.equal(zero.status, 2);
});
