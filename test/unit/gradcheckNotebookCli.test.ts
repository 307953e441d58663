import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';

/** `npm run gradcheck -- chapter4.ipynb FUNCTION ...`: a notebook checked as the panel checks it, messages in cells. */

const CLI = join(ROOT, 'dist', 'cli.js');
const CHAPTER4 = join(ROOT, 'test', 'e2e', 'fixtures', 'workspace', 'chapter4.ipynb');
const gradcheck = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'gradcheck', ...args, '--python', PYTHON], { encoding: 'utf8', timeout: 60_000 });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
const notebook = (...cells: string[]) =>
  JSON.stringify({
    cells: cells.map((source) => ({
      cell_type: source.startsWith('#') ? 'markdown' : 'code',
      metadata: {},
      outputs: [],
      source: source.split(/(?<=\n)/),
    })),
    metadata: { kernelspec: { language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  });

test("the book's chapter-4 notebook: FAIL with scale, exit 1; the report names the cells", () => {
  const r = gradcheck(CHAPTER4, 'cross_entropy_error');
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stdout,
    /Gradient check of cross_entropy_error \(cell 2, line 1\) in .*chapter4\.ipynb, against cross_entropy_error_grad \(cell 3, line 1\)/,
  );
  assert.match(r.stdout, /Diagnosis \(scale\):/);
  const j = lastJson(gradcheck(CHAPTER4, 'cross_entropy_error', '--json', '--batch', '5').stdout);
  assert.deepEqual(
    [j.verdict, j.diagnosis, j.gradient, j.shape, j.cell],
    ['fail', ['scale'], 'cross_entropy_error_grad', [5, 10], 2],
  );
  assert.match(j.message, /batch size N = 5/);
});

test('an error in a cell exits 2 and names the cell and the line; --cell picks a definition', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-nbcli-'));
  const file = join(dir, 'chapter4.ipynb');
  writeFileSync(
    file,
    notebook(
      'import numpy as np\n%matplotlib inline\n',
      '# 4.2.1 Sum of squares\n',
      'def loss(x):\n    return np.sum(x ** 2)\n',
      'def loss(x):\n    y = x ** 2\n    return np.sum(y) + undefined_name\n',
    ),
  );
  const r = gradcheck(file, 'loss', '--json');
  assert.equal(r.status, 2, r.stderr);
  const j = lastJson(r.stdout);
  assert.deepEqual([j.verdict, j.diagnosis, j.cell, j.line, j.error.cell], ['error', ['exception'], 4, 3, 4]);
  assert.match(j.message, /NameError at chapter4\.ipynb, cell 4, line 3/);
  const first = gradcheck(file, 'loss', '--cell', '3', '--json');
  assert.equal(first.status, 0, first.stdout);
  const bad = gradcheck(file, 'loss', '--cell', '2');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--cell 2: chapter4\.ipynb has no code cell 2 \(it has 4 cells\)/);
});

test('a file that is not a notebook is an error a learner can read (exit 2), in text and JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-nbcli-'));
  const file = join(dir, 'broken.ipynb');
  writeFileSync(file, '{"cells": [');
  const r = gradcheck(file, 'loss', '--json');
  assert.equal(r.status, 2);
  assert.match(lastJson(r.stdout).message, /Cannot read .*broken\.ipynb: not a Jupyter notebook \(invalid JSON/);
});
