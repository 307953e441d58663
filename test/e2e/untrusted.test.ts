/**
 * In an untrusted workspace (Workspace Trust on, folder in Restricted Mode) the extension refuses to
 * run the learner's code and says why, while training on the bundled MNIST subset still works.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workbenchSession } from './harness/session';
import {
  goToLine,
  openFile,
  runCommand,
  screenshot,
  until,
  waitForNotification,
  webviewFrame,
} from './harness/workbench';

describe('untrusted workspace (Restricted Mode)', { timeout: 300_000 }, () => {
  const wb = workbenchSession({ name: 'untrusted', trusted: false });

  it('the folder opens in Restricted Mode', async () => {
    const status = await until(
      'the Restricted Mode indicator',
      () => wb.page.$$eval('.statusbar-item', (els) => els.map((e) => e.textContent ?? '')),
      (items) => items.some((t) => t.includes('Restricted Mode')),
    );
    assert.ok(status.some((t) => t.includes('Restricted Mode')));
  });

  it('Check Gradient of Selection refuses to run the code and says it needs a trusted workspace', async () => {
    await openFile(wb.page, 'loss_correct.py');
    await goToLine(wb.page, 5);
    await runCommand(wb.page, 'Gradient Lab: Check Gradient of Selection');
    const message = await waitForNotification(wb.page, /trust/i);
    assert.match(message, /trust/i);
    await screenshot(wb.page, 'untrusted-gradcheck-refused');
    // Nothing ran: no gradient check result page appeared.
    assert.equal(
      await wb.page.$$eval(
        '.tabs-container .tab',
        (tabs) => tabs.filter((t) => /gradient/i.test(t.getAttribute('aria-label') ?? '')).length,
      ),
      0,
    );
  });

  it('training on the bundled data still works', async () => {
    await runCommand(wb.page, 'Gradient Lab: Train TwoLayerNet');
    const frame = await webviewFrame(wb.page, 'button[data-action="start"]');
    await frame.fill('input[name="iters"]', '300');
    await frame.locator('button[data-action="start"]').click();
    const done = await until(
      'the run to finish',
      () => frame.$eval('.progress-text', (e) => e.textContent ?? ''),
      (t) => /^finished · test .* 300 it in/.test(t),
      120_000,
    );
    assert.match(done, /300 it in/);
    assert.ok((await frame.$$('table.epochs tbody tr')).length >= 3);
  });
});
