/**
 * Check Gradient of Selection in a real VS Code, on Python and TypeScript files a learner wrote,
 * started from the editor's context menu, from the CodeLens above a function and from the palette:
 * a correct gradient passes; a wrong one fails with its diagnosis (the sign, a missing factor); a
 * syntax error is reported in the Problems view at its line. Screenshots in light and dark.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { workbenchSession } from './harness/session';
import {
  clickCodeLens,
  editorContextMenu,
  goToLine,
  openFile,
  ourOneProblem,
  runCommand,
  screenshot,
  setTheme,
  webviewFrame,
} from './harness/workbench';

/** The book's mistake (a missing ":" after def, noted in the learners' notes), on line 4. */
const SYNTAX_ERROR_PY = `import numpy as np


def cross_entropy_error(y, t)
    delta = 1e-7
    return -np.sum(t * np.log(y + delta))
`;

interface Verdict {
  verdict: string;
  badge: string;
  headline: string;
  codes: string[];
  diagnosis: string[];
  signature: string;
}

describe('Check Gradient of Selection', { timeout: 420_000 }, () => {
  const wb = workbenchSession({ name: 'gradcheck', files: { 'syntax_error.py': SYNTAX_ERROR_PY }, freshEditors: true });

  /** Waits for the gradient check page to show a verdict, and reads it. */
  async function verdict(): Promise<{ frame: Frame; v: Verdict }> {
    const frame = await webviewFrame(wb.page, '#result .verdict', 90_000);
    const v = await frame.evaluate(() => ({
      verdict:
        ['pass', 'fail', 'error'].find((c) => document.querySelector('#result .verdict')!.classList.contains(c)) ?? '',
      badge: document.querySelector('#result .verdict .badge')?.textContent ?? '',
      headline: document.querySelector('#result .verdict span')?.textContent ?? '',
      codes: [...document.querySelectorAll('#result ul.diagnosis li')].map((li) => li.getAttribute('data-code') ?? ''),
      diagnosis: [...document.querySelectorAll('#result ul.diagnosis li')].map((li) => li.textContent ?? ''),
      signature: document.querySelector('code.signature')?.textContent ?? '',
    }));
    return { frame, v };
  }

  it('Python from the context menu: a correct gradient passes', async () => {
    await openFile(wb.page, 'loss_correct.py');
    await editorContextMenu(wb.page, 'return np.sum(x ** 2)', 'Check Gradient of Selection');
    const { v } = await verdict();
    assert.equal(v.verdict, 'pass', JSON.stringify(v));
    assert.equal(v.badge, 'PASS');
    assert.match(v.signature, /function_2\(x\)/);
    assert.deepEqual(v.codes, []);
  });

  it('Python from the CodeLens: a sign error fails with the sign diagnosis', async () => {
    await openFile(wb.page, 'loss_buggy.py');
    await clickCodeLens(wb.page, 'Check gradient', 0);
    const { v } = await verdict();
    assert.equal(v.verdict, 'fail', JSON.stringify(v));
    assert.equal(v.badge, 'FAIL');
    assert.match(v.signature, /function_2\(x\)/);
    assert.ok(v.codes.includes('sign'), `diagnosis: ${JSON.stringify(v.diagnosis)}`);
    assert.match(v.diagnosis.join(' '), /opposite sign/);
    await screenshot(wb.page, 'gradcheck-fail-light');
    await setTheme(wb, 'dark');
    await screenshot(wb.page, 'gradcheck-fail-dark');
    await setTheme(wb, 'light');
  });

  it('TypeScript from the CodeLens: a correct gradient passes', async () => {
    await openFile(wb.page, 'loss_correct.ts');
    await clickCodeLens(wb.page, 'Check gradient', 0);
    const { v } = await verdict();
    assert.equal(v.verdict, 'pass', JSON.stringify(v));
    assert.match(v.signature, /function2\(x\)/);
    await screenshot(wb.page, 'gradcheck-pass-light');
  });

  it('TypeScript from the context menu: a missing factor of 2 fails with the scale diagnosis', async () => {
    await openFile(wb.page, 'loss_buggy.ts');
    await editorContextMenu(wb.page, 'return x.reduce((s, v) => s + v * v, 0);', 'Check Gradient of Selection');
    const { v } = await verdict();
    assert.equal(v.verdict, 'fail', JSON.stringify(v));
    assert.ok(v.codes.includes('scale'), `diagnosis: ${JSON.stringify(v.diagnosis)}`);
    assert.match(v.diagnosis.join(' '), /0\.5 times the numerical one/);
  });

  it('a Python syntax error shows in the Problems view at its line', async () => {
    await openFile(wb.page, 'syntax_error.py');
    await goToLine(wb.page, 5);
    await runCommand(wb.page, 'Gradient Lab: Check Gradient of Selection');
    const { v } = await verdict();
    assert.equal(v.verdict, 'error', JSON.stringify(v));
    const ours = await ourOneProblem(wb.page);
    assert.match(ours, /(?:line|Ln)\s*4\b/i, `the error is on line 4: ${ours}`);
    assert.match(ours, /syntax|expected ':'/i);
    await screenshot(wb.page, 'gradcheck-syntax-error-light');
  });
});
