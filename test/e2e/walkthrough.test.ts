/**
 * The chapter 4 walkthrough in a real VS Code: Open Tutorial from the palette shows it on the
 * Welcome page; a step's link opens its lab beside it; the step ticks off after its action; the
 * walkthrough is also listed on the Welcome page. Screenshots in light and dark.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCodeServer, type CodeServer } from './harness/codeServer';
import { closeAllEditors, closeBrowser, openWorkbench, runCommand, saveText, screenshot, setTheme, until, webviewFrame, type Workbench } from './harness/workbench';

const WALKTHROUGH = 'Learning gradients (Chapter 4)';

describe('the chapter 4 walkthrough', { timeout: 300_000 }, () => {
  let server: CodeServer;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ name: 'walkthrough' });
    wb = await openWorkbench(server);
  });

  after(async () => {
    if (server) saveText('walkthrough-exthost.log', server.extensionHostLog());
    await closeBrowser('walkthrough');
    await server?.stop();
  });

  /** The walkthrough's step, by its id in the manifest (VS Code renders data-step-id="<extension>#<walkthrough>#<step>"). */
  const step = (id: string) => wb.page.locator(`.getting-started-step[data-step-id$="#${id}"]`);
  /** A step's tick: VS Code's checkbox in the step, role="checkbox" with data-done-step-id. */
  const stepDone = async (id: string) => (await step(id).locator('[data-done-step-id]').first().getAttribute('aria-checked')) === 'true';

  it('Open Tutorial shows the walkthrough; its loss-functions link opens the lab and ticks the step off', async () => {
    await runCommand(wb.page, 'Gradient Lab: Open Tutorial');
    await wb.page.locator('.gettingStartedContainer .getting-started-category .category-title, .gettingStartedContainer h2', { hasText: WALKTHROUGH }).first().waitFor({ timeout: 30_000 });
    await step('lossFunctions').waitFor({ timeout: 30_000 });
    assert.equal(await stepDone('lossFunctions'), false, 'nothing is ticked off before the learner acted');

    await step('lossFunctions').click();
    await step('lossFunctions').locator('a, .button-link', { hasText: 'Open the loss calculator' }).first().click();
    const lab = await webviewFrame(wb.page, '#lab-heading');
    await until('the loss lab to show', () => lab.$eval('#lab-heading', (h) => h.textContent ?? ''), (t) => t.length > 0);
    assert.equal(await lab.$eval('#tab-loss', (t) => t.getAttribute('aria-selected')), 'true');
    await until('the step to tick off', () => stepDone('lossFunctions'), (done) => done === true, 15_000);
    assert.equal(await stepDone('numericalDiff'), false, 'only the step whose lab was opened is done');
    await screenshot(wb.page, 'walkthrough-light');
    await setTheme(wb, 'dark');
    await screenshot(wb.page, 'walkthrough-dark');
    await setTheme(wb, 'light');
  });

  it('the Welcome page lists the walkthrough and opens it', async () => {
    await closeAllEditors(wb.page);
    await runCommand(wb.page, 'Help: Welcome');
    const entry = wb.page.locator('.gettingStartedContainer .getting-started-category', { hasText: WALKTHROUGH }).first();
    await entry.waitFor({ timeout: 30_000 });
    await entry.click();
    await step('lossFunctions').waitFor({ timeout: 30_000 });
    assert.equal(await stepDone('lossFunctions'), true, 'the tick is kept');
  });
});
