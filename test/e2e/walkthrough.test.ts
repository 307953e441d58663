/**
 * The chapter 4 walkthrough in a real VS Code: Open Tutorial from the palette shows it on the
 * Welcome page; a step's link opens its lab beside it; the step ticks off after its action; the
 * walkthrough is also listed on the Welcome page; a learner goes through all seven steps — five
 * labs, a finished training run, a passing gradient check — and every one ticks off.
 * Screenshots in light and dark.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { walkthroughStep, walkthroughStepDone, workbenchSession } from './harness/session';
import {
  closeAllEditors,
  goToLine,
  openFile,
  runCommand,
  screenshot,
  setTheme,
  until,
  webviewFrame,
} from './harness/workbench';

const WALKTHROUGH = 'Learning gradients (Chapter 4)';

describe('the chapter 4 walkthrough', { timeout: 300_000 }, () => {
  const wb = workbenchSession({ name: 'walkthrough' });

  const step = (id: string) => walkthroughStep(wb.page, id);
  const stepDone = (id: string) => walkthroughStepDone(wb.page, id);

  it('Open Tutorial shows the walkthrough; its loss-functions link opens the lab and ticks the step off', async () => {
    await runCommand(wb.page, 'Gradient Lab: Open Tutorial');
    await wb.page
      .locator('.gettingStartedContainer .getting-started-category .category-title, .gettingStartedContainer h2', {
        hasText: WALKTHROUGH,
      })
      .first()
      .waitFor({ timeout: 30_000 });
    await step('lossFunctions').waitFor({ timeout: 30_000 });
    assert.equal(await stepDone('lossFunctions'), false, 'nothing is ticked off before the learner acted');

    await step('lossFunctions').click();
    await step('lossFunctions').locator('a, .button-link', { hasText: 'Open the loss calculator' }).first().click();
    const lab = await webviewFrame(wb.page, '#lab-heading');
    await until(
      'the loss lab to show',
      () => lab.$eval('#lab-heading', (h) => h.textContent ?? ''),
      (t) => t.length > 0,
    );
    assert.equal(await lab.$eval('#tab-loss', (t) => t.getAttribute('aria-selected')), 'true');
    await until(
      'the step to tick off',
      () => stepDone('lossFunctions'),
      (done) => done === true,
      15_000,
    );
    assert.equal(await stepDone('numericalDiff'), false, 'only the step whose lab was opened is done');
    await screenshot(wb.page, 'walkthrough-light');
    await setTheme(wb, 'dark');
    await screenshot(wb.page, 'walkthrough-dark');
    await setTheme(wb, 'light');
  });

  it('the Welcome page lists the walkthrough and opens it', async () => {
    await closeAllEditors(wb.page);
    await runCommand(wb.page, 'Help: Welcome');
    const entry = wb.page
      .locator('.gettingStartedContainer .getting-started-category', { hasText: WALKTHROUGH })
      .first();
    await entry.waitFor({ timeout: 30_000 });
    await entry.click();
    await step('lossFunctions').waitFor({ timeout: 30_000 });
    assert.equal(await stepDone('lossFunctions'), true, 'the tick is kept');
  });

  it('going through all seven steps ticks every one off: five labs, a finished run, a passing check', async () => {
    const showWalkthrough = async () => {
      await runCommand(wb.page, 'Gradient Lab: Open Tutorial');
      await step('checkGradient').waitFor({ timeout: 30_000 });
    };
    const labs: [id: string, link: string, tab: string][] = [
      ['numericalDiff', 'Open the tangent lab', 'tangent'],
      ['gradient', 'Open the gradient field', 'field'],
      ['gradientDescent', 'Open the gradient descent lab', 'descent'],
      ['simpleNet', 'Open the simpleNet lab', 'simpleNet'],
    ];
    for (const [id, link, tab] of labs) {
      await showWalkthrough();
      assert.equal(await stepDone(id), false, `${id} is not ticked before its lab opened`);
      await step(id).click();
      await step(id).locator('a, .button-link', { hasText: link }).first().click();
      await webviewFrame(wb.page, `#tab-${tab}[aria-selected="true"]`);
      // The lab may have been revealed over the walkthrough (in whichever group was active): show it again.
      await showWalkthrough();
      await until(
        `the ${id} step to tick off`,
        () => stepDone(id),
        (done) => done === true,
        15_000,
      );
    }

    // Train TwoLayerNet from its step's link; the step ticks off when the run finishes.
    await showWalkthrough();
    assert.equal(await stepDone('trainTwoLayerNet'), false);
    await step('trainTwoLayerNet').click();
    await step('trainTwoLayerNet').locator('a, .button-link', { hasText: 'Train TwoLayerNet' }).first().click();
    const train = await webviewFrame(wb.page, 'button[data-action="start"]');
    await train.fill('input[name="iters"]', '200');
    await train.locator('button[data-action="start"]').click();
    await until(
      'the run to finish',
      () => train.$eval('.progress-text', (e) => e.textContent ?? ''),
      (t) => /^finished · test/.test(t),
      60_000,
    );

    // A gradient check that passes ticks off the last step.
    await openFile(wb.page, 'loss_correct.ts');
    await goToLine(wb.page, 2);
    await runCommand(wb.page, 'Gradient Lab: Check Gradient of Selection');
    const check = await webviewFrame(wb.page, '#result .verdict', 90_000);
    assert.equal(await check.$eval('#result .verdict', (v) => v.classList.contains('pass')), true, 'the check passes');

    await showWalkthrough();
    for (const id of [
      'lossFunctions',
      'numericalDiff',
      'gradient',
      'gradientDescent',
      'simpleNet',
      'trainTwoLayerNet',
      'checkGradient',
    ]) {
      await until(
        `the ${id} step to be ticked off`,
        () => stepDone(id),
        (done) => done === true,
        15_000,
      );
    }
    await screenshot(wb.page, 'walkthrough-all-done-light');
  });
});
