import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

const PARTS = ['start', 'import', 'learnerModule', 'evaluations', 'sweep', 'messaging', 'hostAnalysis'];
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasNumpy = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

// Never asserts on time: that a click is split into its parts by the checker's own clock — the parts
// that must take time do (a report without its timings once gave a split of zeros), and they add up.
test('the check-latency benchmark splits a click: interpreter start, numpy, evaluations, messaging add up to the total', {
  skip: hasNumpy ? false : `no numpy for ${python}`,
}, () => {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/bench-check-latency.mjs'), '--n', '3', '--modes', 'cold', '--python', python, '--json'],
    { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(
    out.rows.map((row: { runtime: string }) => row.runtime),
    [`Python (${python})`, 'TypeScript'],
  );
  for (const row of out.rows) {
    assert.equal(row.verdict, 'pass', JSON.stringify(row));
    assert.equal(row.runs, 3);
    assert.ok(row.minMs <= row.totalMs && row.totalMs <= row.maxMs, JSON.stringify(row));
    for (const part of PARTS) assert.ok(row[`${part}Ms`] >= 0, `${part}: ${JSON.stringify(row)}`);
    assert.ok(row.evaluationsMs > 0, `the evaluations take time: ${JSON.stringify(row)}`);
    assert.ok(row.sweepMs > 0, `the error-vs-h sweep takes time: ${JSON.stringify(row)}`);
    // Medians of parts need not add up to the median total exactly; they stay within it.
    const sum = PARTS.reduce((s, p) => s + row[`${p}Ms`], 0);
    assert.ok(sum > 0.5 * row.minMs && sum < 1.5 * row.maxMs + 5, `parts ${sum} vs total ${JSON.stringify(row)}`);
  }
  const py = out.rows[0];
  // A cold Python check starts an interpreter and imports numpy before it can evaluate anything.
  assert.ok(py.startMs > 0 && py.importMs > 0, JSON.stringify(py));
  assert.deepEqual(out.targetsMs, { python: 1000, typescript: 300 });
  assert.ok(out.load.cores >= 1);
});
