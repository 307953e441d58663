/**
 * Every text of the three panels readable in VS Code's four built-in default themes, with the
 * colours VS Code really gives a webview there (test/fixtures/themes/vscode-themes.json): WCAG AA,
 * 4.5:1 for normal text, 3:1 for large. The pages are in the states a learner sees most: the
 * training page after a finished run (initial-loss check, run list, the model's mistakes and
 * confusion matrix), each chapter-4 lab as it opens, and the gradient check's PASS, FAIL and
 * numerical-only results.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { GRADCHECK_STRINGS, type GradcheckToWebview } from '../../src/protocol/gradcheck';
import type { TrainToWebview } from '../../src/protocol/train';
import { LAB_IDS, LAB_STRINGS } from '../../src/protocol/tutorial';
import { ROOT, VSCODE_THEMES, closeBrowser, openPage, pageErrors, sendMessages } from './chromium';
import { lowContrastText } from './contrast';
import { recordedMessages } from './gradcheckPage';

const messages: TrainToWebview[] = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
);
const init = messages[0] as Extract<TrainToWebview, { type: 'init' }>;

let checks: Record<string, GradcheckToWebview[]>;
before(async () => {
  checks = {
    fail: await recordedMessages('py/cross_entropy_missing_batch_division.py', 'cross_entropy_error'),
    pass: await recordedMessages('py/cross_entropy.py', 'cross_entropy_error'),
    'numerical-only': await recordedMessages('py/sum_squares_error.py', 'sum_squares_error'),
  };
});
after(closeBrowser);

const report = (low: Awaited<ReturnType<typeof lowContrastText>>) =>
  low.map((l) => `${l.ratio} < ${l.needed}: "${l.text}" (${l.element}, ${l.color} on ${l.background})`);

async function assertReadable(page: Page, what: string): Promise<void> {
  assert.deepEqual(report(await lowContrastText(page)), [], `${what}: text below WCAG AA contrast`);
  assert.deepEqual(pageErrors(page), []);
}

for (const theme of VSCODE_THEMES) {
  test(`${theme}: the training page after a run — initial loss, runs, mistakes, confusion matrix — is readable`, async () => {
    const page = await openPage({ page: 'train', data: init.options, theme, width: 1280, height: 1000 });
    const started = messages.findIndex((m) => m.type === 'runStarted');
    const id = (messages[started] as Extract<TrainToWebview, { type: 'runStarted' }>).run.id;
    const initialLoss: TrainToWebview = {
      type: 'watch',
      id,
      item: { kind: 'initialLoss', loss: 2.2961, expected: Math.log(10), verdict: 'as-expected' },
    };
    await sendMessages(page, [...messages.slice(0, started + 1), initialLoss, ...messages.slice(started + 1)]);
    await page.waitForFunction(() => Number(document.getElementById('accuracy-chart')?.dataset.points) > 200);
    await page.waitForSelector('.sample.wrong');
    await page.waitForSelector('table.confusion td');
    await page.waitForSelector('.initial-loss.ok');
    await assertReadable(page, theme);
    await page.close();
  });

  test(`${theme}: every chapter-4 lab as it opens is readable`, async () => {
    for (const lab of LAB_IDS) {
      const page = await openPage({
        page: 'labs',
        data: { lab },
        strings: LAB_STRINGS,
        theme,
        width: 900,
        height: 900,
      });
      await page.waitForSelector('#lab-heading');
      await page.waitForTimeout(100);
      await assertReadable(page, `${theme}, ${lab} lab`);
      await page.close();
    }
  });

  test(`${theme}: the gradient check's PASS, FAIL and numerical-only results are readable`, async () => {
    for (const [verdict, msgs] of Object.entries(checks)) {
      const page = await openPage({ page: 'gradcheck', strings: GRADCHECK_STRINGS, theme, height: 1250 });
      await sendMessages(page, msgs);
      await page.waitForSelector(`#result .verdict.${verdict}`);
      await assertReadable(page, `${theme}, ${verdict}`);
      await page.close();
    }
  });
}
