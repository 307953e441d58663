import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import {
  Notebook,
  NotebookCell,
  cellLineOf,
  cellPython,
  isCellMagic,
  notebookFunctions,
  notebookModule,
  notebookScope,
  parseNotebook,
} from '../../src/gradcheck/source/notebook';
import { runNotebookCheck } from '../../src/gradcheck/notebookCheck';
import type { CheckReport } from '../../src/gradcheck/check';
import { PYTHON, testRunners } from './gradcheckHelpers';
import { ROOT } from './helpers';

/** The e2e workspace's notebook, built like the book's chapter 4: imports, cross_entropy_error, its gradient without / batch_size. */
const CHAPTER4 = join(ROOT, 'test', 'e2e', 'fixtures', 'workspace', 'chapter4.ipynb');
const text = (r: CheckReport) => [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m))].join('\n');
const code = (t: string): NotebookCell => ({ kind: 'code', text: t });
const md = (t: string): NotebookCell => ({ kind: 'markdown', text: t });
const nbOf = (...cells: NotebookCell[]): Notebook => ({ cells, language: 'python' });
const tmp = () => mkdtempSync(join(tmpdir(), 'gl-notebook-'));

test('a saved .ipynb is read cell by cell: kinds, sources joined, the kernel language', () => {
  const nb = parseNotebook(readFileSync(CHAPTER4, 'utf8'));
  assert.deepEqual(
    nb.cells.map((c) => c.kind),
    ['code', 'code', 'code'],
  );
  assert.equal(nb.language, 'python');
  assert.match(nb.cells[1].text, /^def cross_entropy_error\(y, t\):\n {4}if y\.ndim == 1:/);
  assert.throws(() => parseNotebook('{"cells": '), /not a Jupyter notebook \(invalid JSON/);
  assert.throws(() => parseNotebook('{"nbformat": 4}'), /not a Jupyter notebook \(no cells\)/);
});

test('IPython-only lines become pass at their indentation; a magic-looking line inside brackets or a string is left alone', () => {
  const cell = [
    '%matplotlib inline',
    '!pip install numpy',
    'files = !ls',
    'np.sum?',
    'for i in range(2):',
    '    %time x = i',
    'y = (3',
    '     % 2)',
    's = """',
    '!not a shell line',
    '"""',
    'z = 10 % 3',
  ].join('\n');
  assert.deepEqual(cellPython(cell).lines, [
    'pass',
    'pass',
    'pass',
    'pass',
    'for i in range(2):',
    '    pass',
    'y = (3',
    '     % 2)',
    's = """',
    '!not a shell line',
    '"""',
    'z = 10 % 3',
  ]);
  // The result is Python, line for line.
  const out = spawnSync(PYTHON, ['-c', `${cellPython(cell).lines.join('\n')}\nprint(y, z, len(s))`], {
    encoding: 'utf8',
  });
  assert.equal(out.stdout.trim(), '1 1 19', out.stderr);
  assert.ok(isCellMagic('\n%%time\nx = 1'));
  assert.ok(!isCellMagic('x = 1\n%%time'));
});

test('a cell indented as a whole is dedented as IPython does, and the removed indent is kept for columns', () => {
  const py = cellPython('\n    x = 1\n    if x:\n        y = 2\n');
  assert.deepEqual(py.lines, ['', 'x = 1', 'if x:', '    y = 2', '']);
  assert.deepEqual(py.dedent, [0, 4, 4, 4, 0]);
});

test('the module: code cells in order, markdown and %%cells left out, every line mapped back to its cell and line', () => {
  const nb = nbOf(
    md('# 4.2 Loss functions'),
    code('import numpy as np\n%matplotlib inline'),
    code('%%time\nfor i in range(10**9): pass'),
    md('text'),
    code('def f(x):\n    return np.sum(x ** 2)'),
    code('print("after")'),
  );
  const m = notebookModule(nb, 4);
  assert.deepEqual(m.included, [1, 4]);
  assert.deepEqual(m.skipped, [2]);
  assert.doesNotMatch(m.source, /after|10\*\*9/);
  const lines = m.source.split('\n');
  for (let k = 1; k <= m.lines.length; k++) {
    const at = cellLineOf(m, k);
    if (!at) {
      assert.match(lines[k - 1], /^__import__\('sys'\)\.stderr\.write/);
      continue;
    }
    const original = nb.cells[at.cell].text.split('\n')[at.line - 1];
    assert.equal(lines[k - 1], /^%/.test(original) ? 'pass' : original, `module line ${k}`);
  }
  assert.deepEqual(cellLineOf(m, lines.indexOf('    return np.sum(x ** 2)') + 1), { cell: 4, line: 2, dedent: 0 });
});

test("which cells a check runs: the function's cell; its gradient's cell below it; the cell asked from when defined twice", () => {
  const nb = nbOf(
    code('import numpy as np'),
    code('def loss(x):\n    return np.sum(x ** 2)'),
    code('def loss_grad(x):\n    return 2 * x'),
    code('def loss(x):\n    return np.sum(x ** 3)'),
  );
  assert.deepEqual(
    notebookFunctions(nb).map((f) => `${f.qualified}@${f.cell}:${f.line}`),
    ['loss@1:1', 'loss_grad@2:1', 'loss@3:1'],
  );
  assert.deepEqual(notebookScope(nb, 'loss', 1), { cell: 1, last: 2 });
  assert.deepEqual(notebookScope(nb, 'loss', 1, null), { cell: 1, last: 1 });
  assert.deepEqual(notebookScope(nb, 'loss', 3), { cell: 3, last: 3 });
  // Without a cell (the CLI): the last definition, as Run All leaves it.
  assert.deepEqual(notebookScope(nb, 'loss'), { cell: 3, last: 3 });
  assert.equal(notebookScope(nb, 'nothing'), undefined);
  // A gradient below a redefinition of the loss is not this loss's.
  const nb2 = nbOf(
    code('def loss(x):\n    return (x ** 2).sum()'),
    code('def loss(x):\n    return (x ** 3).sum()'),
    code('def loss_grad(x):\n    return 3 * x ** 2'),
  );
  assert.deepEqual(notebookScope(nb2, 'loss', 0), { cell: 0, last: 0 });
});

test("the book's chapter-4 notebook: its gradient without / batch_size fails with the scale diagnosis (real Python)", async () => {
  const notebook = parseNotebook(readFileSync(CHAPTER4, 'utf8'));
  const r = await runNotebookCheck(
    { file: CHAPTER4, notebook, functionName: 'cross_entropy_error', cell: 1 },
    testRunners(),
  );
  assert.equal(r.verdict, 'fail', text(r));
  assert.deepEqual(r.diagnosis, ['scale']);
  assert.match(text(r), /batch size|batch_size/);
  assert.equal(r.file, CHAPTER4);
  assert.deepEqual([r.loss?.cell, r.loss?.line, r.gradient?.cell, r.gradient?.line], [2, 1, 3, 1]);
});

test('the unsaved text of the cells is what is checked: the fixed cell passes, the file on disk is not read', async () => {
  const notebook = parseNotebook(readFileSync(CHAPTER4, 'utf8'));
  notebook.cells[2] = code(
    notebook.cells[2].text.replace('return -t / (y + 1e-7)', 'return -t / (y + 1e-7) / batch_size'),
  );
  const r = await runNotebookCheck(
    { file: join(tmp(), 'never-saved.ipynb'), notebook, functionName: 'cross_entropy_error', cell: 1 },
    testRunners(),
  );
  assert.equal(r.verdict, 'pass', text(r));
});

test('a syntax error and an exception name the cell and the line in it', async () => {
  const file = join(tmp(), 'chapter4.ipynb');
  const syntax = nbOf(
    code('import numpy as np\n%matplotlib inline'),
    md('## 4.2.2'),
    code('\n\ndef loss(x)\n    return np.sum(x ** 2)'),
  );
  const s = await runNotebookCheck({ file, notebook: syntax, functionName: 'loss', cell: 2 }, testRunners());
  assert.deepEqual([s.verdict, s.diagnosis, s.error?.cell, s.error?.line], ['error', ['syntax'], 3, 3], text(s));
  assert.match(text(s), /Syntax error in chapter4\.ipynb, cell 3, line 3/);
  assert.equal(s.error?.source, 'def loss(x)');

  const raised = nbOf(
    code('import numpy as np'),
    code("def helper(x):\n    # the book's typo\n    return np.sum(x ** 2) + iddx"),
    code('def loss(x):\n    return helper(x)'),
  );
  const e = await runNotebookCheck({ file, notebook: raised, functionName: 'loss', cell: 2 }, testRunners());
  assert.deepEqual(
    [e.diagnosis, e.error?.cell, e.error?.line, e.error?.source],
    [['exception'], 2, 3, 'return np.sum(x ** 2) + iddx'],
    text(e),
  );
  assert.match(text(e), /NameError at chapter4\.ipynb, cell 2, line 3/);
  assert.deepEqual(
    e.error?.trace?.map((f) => [f.cell, f.line]),
    [
      [3, 2],
      [2, 3],
    ],
  );

  const atLoad = nbOf(
    code('import numpy as np\nW = np.zeros(3)\nW.reshape(2, 2)'),
    code('def loss(x):\n    return np.sum(x ** 2)'),
  );
  const l = await runNotebookCheck({ file, notebook: atLoad, functionName: 'loss', cell: 1 }, testRunners());
  assert.deepEqual([l.error?.fn, l.error?.cell, l.error?.line], ['load', 1, 3], text(l));
});

test('a slow cell above the function stops the check at the time limit, and the message names that cell', async () => {
  const notebook = nbOf(
    code('import numpy as np'),
    md('## training'),
    code('import time\nfor i in range(10 ** 6):\n    time.sleep(0.01)'),
    code('def loss(x):\n    return np.sum(x ** 2)'),
  );
  const r = await runNotebookCheck(
    { file: join(tmp(), 'slow.ipynb'), notebook, functionName: 'loss', cell: 3, timeoutMs: 6000 },
    testRunners(),
  );
  assert.deepEqual([r.diagnosis, r.error?.cell], [['timeout'], 3], text(r));
  assert.match(text(r), /Cell 3 of slow\.ipynb was still running after 6\.0 s/);
});

test('IPython magics in the cells run as the module, and a function not in any cell lists those there are', async () => {
  const file = join(tmp(), 'magics.ipynb');
  writeFileSync(file, '{}');
  const notebook = nbOf(
    code('import numpy as np\n%matplotlib inline\n!pip install numpy'),
    code('%%bash\necho this is not Python'),
    code(
      '  def function_2(x):\n      %time y = 1\n      return np.sum(x ** 2)\n\n  def function_2_grad(x):\n      return 2 * x',
    ),
  );
  const r = await runNotebookCheck({ file, notebook, functionName: 'function_2', cell: 2 }, testRunners());
  assert.equal(r.verdict, 'pass', text(r));
  const missing = await runNotebookCheck({ file, notebook, functionName: 'loss' }, testRunners());
  assert.deepEqual(missing.diagnosis, ['not-found']);
  assert.match(
    text(missing),
    /There is no function loss in .*magics\.ipynb \(functions found: function_2, function_2_grad\)/,
  );
});
