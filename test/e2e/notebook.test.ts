/**
 * Gradient checks in a Jupyter notebook, in VS Code's built-in notebook editor (no Jupyter
 * extension, no kernel): chapter4.ipynb is built like the book's chapter-4 notebook — imports in
 * cell 1, cross_entropy_error in cell 2, its hand-written gradient without / batch_size in cell 3.
 * The CodeLens in cell 2 checks with the cells above and the gradient's cell: FAIL, `scale`;
 * fixing cell 3 (unsaved) makes it PASS; a syntax error in a cell is a diagnostic on that cell.
 * First, the exercise as a notebook: created from the palette, solved in its cells, checked from
 * the CodeLens in a cell — and the walkthrough's last step ticks off.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame, Locator, Page } from 'playwright-core';
import { workbenchSession } from './harness/session';
import {
  closeAllEditors,
  ourOneProblem,
  runCommand,
  screenshot,
  setTheme,
  until,
  webviewFrame,
} from './harness/workbench';

interface Verdict {
  verdict: string;
  headline: string;
  codes: string[];
  diagnosis: string[];
  signature: string;
  location: string;
}

/** The visible notebook editor's code cells, in order (each a Monaco editor). */
const codeCells = (page: Page) => page.locator('.notebook-editor:visible .cell-list-container .code-cell-row');
const cellEditor = (page: Page, index: number) => codeCells(page).nth(index);

/** Opens a workspace notebook through Quick Open (Ctrl+P) and waits for its code cells. */
async function openNotebook(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.fill('.quick-input-widget input', name);
  await page.waitForSelector(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label*="${name}"]`, {
    timeout: 20_000,
  });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${name}"]`, { timeout: 20_000 });
  await codeCells(page).first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** The notebook's focused cell: its list keeps that one rendered and in view. */
const focusedRow = (page: Page) =>
  page.locator('.notebook-editor:visible .cell-list-container .monaco-list-row.focused').first();
/** A rendered row's text as written (Monaco draws spaces as no-break spaces). */
const rowText = async (row: Locator) => ((await row.textContent({ timeout: 5_000 })) ?? '').replace(/\u00a0/g, ' ');

/**
 * Moves the notebook's focus cell by cell with the keyboard (command mode, ↓) to the code cell
 * whose text has `text`, enters its editor (Enter) and returns that cell's row. Only the focused
 * row is read: the list renders the cells near the viewport alone, and ↓ scrolls the next one in.
 */
async function enterCell(page: Page, text: string): Promise<Locator> {
  // Out of the cell's editor into the notebook's command mode (after a CodeLens click or a
  // notification the keyboard focus may be elsewhere: back into the focused cell first).
  if (!(await page.evaluate(() => document.activeElement?.closest('.notebook-editor') != null)))
    await focusedRow(page).locator('.view-lines').first().click();
  // Escape hides the notification toasts first when some are shown (their keybinding outweighs
  // the notebook's): press it until the focus has left the cell's editor.
  await until(
    "the notebook's command mode (Escape)",
    async () => {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      return page.evaluate(() => {
        const el = document.activeElement;
        const mode = el?.closest('.notebook-editor') && !el.closest('.monaco-editor') ? 'command' : '';
        return mode || `focus on ${el?.tagName}.${el?.className}`;
      });
    },
    (mode) => mode === 'command',
    20_000,
    200,
  );
  for (let moves = 0; moves < 30; moves++) {
    const index = await until(
      'a focused cell',
      () => focusedRow(page).getAttribute('data-index', { timeout: 5_000 }),
      (i) => i !== null,
      20_000,
    );
    if ((await rowText(focusedRow(page))).includes(text)) {
      const row = page.locator(`.notebook-editor:visible .cell-list-container .monaco-list-row[data-index="${index}"]`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (i) => document.activeElement?.closest(`.monaco-list-row[data-index="${i}"] .monaco-editor`) != null,
        index,
        { timeout: 20_000 },
      );
      return row;
    }
    await page.keyboard.press('ArrowDown');
    await until(
      'the focus to move to the next cell',
      () => focusedRow(page).getAttribute('data-index', { timeout: 5_000 }),
      (i) => i !== index,
      20_000,
    );
  }
  throw new Error(`no code cell of the notebook shows ${text}`);
}

describe('Gradient checks in a notebook', { timeout: 600_000 }, () => {
  const wb = workbenchSession({ name: 'notebook' });

  async function verdict(previous?: string): Promise<{ frame: Frame; v: Verdict }> {
    const frame = await webviewFrame(wb.page, '#result .verdict', 90_000);
    const read = () =>
      frame.evaluate(() => ({
        verdict:
          ['pass', 'fail', 'error'].find((c) => document.querySelector('#result .verdict')!.classList.contains(c)) ??
          '',
        headline: document.querySelector('#result .verdict span')?.textContent ?? '',
        codes: [...document.querySelectorAll('#result ul.diagnosis li')].map(
          (li) => li.getAttribute('data-code') ?? '',
        ),
        diagnosis: [...document.querySelectorAll('#result ul.diagnosis li')].map((li) => li.textContent ?? ''),
        signature: document.querySelector('code.signature')?.textContent ?? '',
        location: document.querySelector('#result')?.textContent ?? '',
      }));
    const v = await until('a verdict', read, (x) => x.verdict !== '' && x.verdict !== previous, 90_000);
    return { frame, v };
  }

  /** The walkthrough's step, and whether its tick is on (see walkthrough.test.ts). */
  const step = (id: string) => wb.page.locator(`.getting-started-step[data-step-id$="#${id}"]`);
  const stepDone = async (id: string) =>
    (await step(id).locator('[data-done-step-id]').first().getAttribute('aria-checked')) === 'true';

  it('the exercise notebook: created from the palette, solved in its cells, checked from their CodeLenses; the walkthrough step ticks off', async () => {
    await runCommand(wb.page, 'Gradient Lab: Open Tutorial');
    await step('checkGradient').waitFor({ timeout: 30_000 });
    assert.equal(await stepDone('checkGradient'), false, 'not ticked before a check passed');

    await runCommand(wb.page, 'Gradient Lab: Create Exercise File');
    await wb.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Python notebook (.ipynb)' })
      .first()
      .click();
    await wb.page.waitForSelector('.tabs-container .tab.active[aria-label*="gradient_lab_ch4.ipynb"]', {
      timeout: 30_000,
    });
    await codeCells(wb.page).first().waitFor({ state: 'visible', timeout: 60_000 });
    // "Check all exercises" above the first code cell (the marker cell, below the title's markdown).
    await cellEditor(wb.page, 0)
      .locator('.codelens-decoration a', { hasText: 'Check all exercises' })
      .first()
      .waitFor({ timeout: 60_000 });
    await cellEditor(wb.page, 0).locator('.view-lines').first().click();

    /** Replaces the TODO (the cell's last line) of the function's cell with one line, unsaved; checks it from its lens. */
    const solveAndCheck = async (def: string, code: string) => {
      const cell = await enterCell(wb.page, def);
      assert.match(await rowText(cell), /raise NotImplementedError\("TODO: /);
      await wb.page.keyboard.press('Control+End');
      await wb.page.keyboard.press('Shift+Home');
      await wb.page.keyboard.insertText(code);
      await until(
        'the solution in the cell',
        () => rowText(cell),
        (t) => t.includes(code) && !t.includes('NotImplementedError'),
        10_000,
      );
      await cell.locator('.codelens-decoration a', { hasText: 'Check my solution' }).first().click();
      // The lens counts the checks of that exercise (the loss's own and the book's): all of them pass.
      const lens = await until(
        `the lens of ${def} to show its checks`,
        async () => (await cell.locator('.codelens-decoration').first().textContent()) ?? '',
        (t) => /\d+\/\d+ checks pass/.test(t),
        90_000,
      );
      const [, passed, total] = /(\d+)\/(\d+) checks pass/.exec(lens)!;
      assert.ok(Number(total) > 0 && passed === total, lens);
      return cell;
    };
    await solveAndCheck(
      'def cross_entropy_error(y, t):',
      'return -np.sum(t * np.log(y + 1e-7)) / (y.shape[0] if y.ndim == 2 else 1)',
    );
    await solveAndCheck(
      'def cross_entropy_error_grad(y, t):',
      'return -t / (y + 1e-7) / (y.shape[0] if y.ndim == 2 else 1)',
    );
    await screenshot(wb.page, 'notebook-exercise-checked-light');
    // Saved, so that closing it later asks nothing (the checks ran on the unsaved cells).
    await runCommand(wb.page, 'File: Save');

    // The loss's checks passed from one lens, its gradient's from another: together they tick the step.
    await runCommand(wb.page, 'Gradient Lab: Open Tutorial');
    await until(
      'the checkGradient step to tick off',
      () => stepDone('checkGradient'),
      (done) => done === true,
      20_000,
    );
    await closeAllEditors(wb.page);
  });

  /** Clicks a CodeLens in the index-th cell of the open notebook. */
  async function cellCodeLens(index: number, title: string): Promise<void> {
    const lens = cellEditor(wb.page, index).locator('.codelens-decoration a', { hasText: title }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
  }

  /** Puts the cursor at the end of the cell line showing `lineText` (entering the cell's editor). */
  async function endOfLine(index: number, lineText: string): Promise<void> {
    const line = cellEditor(wb.page, index).locator('.view-line', { hasText: lineText }).first();
    await line.click();
    await wb.page.keyboard.press('End');
  }

  it('the CodeLens in cell 2 checks with cell 1 and the gradient in cell 3: FAIL, scale; the fixed cell passes unsaved', async () => {
    await openNotebook(wb.page, 'chapter4.ipynb');
    await cellCodeLens(1, 'Check gradient');
    const first = await verdict();
    assert.equal(first.v.verdict, 'fail', JSON.stringify(first.v));
    assert.ok(first.v.codes.includes('scale'), JSON.stringify(first.v.diagnosis));
    assert.match(first.v.diagnosis.join(' '), /batch size N = 4/);
    assert.match(first.v.signature, /cross_entropy_error\(y, t\)/);
    await screenshot(wb.page, 'notebook-check-fail-light');
    await setTheme(wb, 'dark');
    await screenshot(wb.page, 'notebook-check-fail-dark');
    await setTheme(wb, 'light');

    // The fix, typed into cell 3 and not saved.
    await endOfLine(2, 'return -t / (y + 1e-7)');
    await wb.page.keyboard.type(' / batch_size');
    await cellCodeLens(1, 'Check gradient');
    const fixed = await verdict('fail');
    assert.equal(fixed.v.verdict, 'pass', JSON.stringify(fixed.v));
    await screenshot(wb.page, 'notebook-check-pass-light');
  });

  it('a syntax error in cell 2 is a diagnostic on that cell, and the report says cell 2, line 1', async () => {
    // The book's mistake: the ':' after def is missing.
    await endOfLine(1, 'def cross_entropy_error(y, t):');
    await wb.page.keyboard.press('Backspace');
    await endOfLine(1, 'batch_size = y.shape[0]');
    await runCommand(wb.page, 'Gradient Lab: Check Gradient of Selection');
    const { v } = await verdict('pass');
    assert.equal(v.verdict, 'error', JSON.stringify(v));
    assert.match(v.headline + v.diagnosis.join(' '), /chapter4\.ipynb, cell 2, line 1/);
    const ours = await ourOneProblem(wb.page);
    assert.match(ours, /syntax|expected ':'/i);
    // On cell 2's editor (a squiggle there), none on the others.
    await until(
      'a squiggle in cell 2',
      () => cellEditor(wb.page, 1).locator('.squiggly-error').count(),
      (n) => n > 0,
      20_000,
    );
    assert.equal(await cellEditor(wb.page, 0).locator('.squiggly-error').count(), 0);
    assert.equal(await cellEditor(wb.page, 2).locator('.squiggly-error').count(), 0);
    await screenshot(wb.page, 'notebook-syntax-error-light');
  });
});
