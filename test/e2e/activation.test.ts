/**
 * The packaged VSIX installs into a real VS Code, its commands are in the palette under
 * "Gradient Lab:", and running one activates the extension (recorded by the extension host) with
 * no "command not found" error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCodeServer, type CodeServer } from './harness/codeServer';
import { closeBrowser, notifications, openWorkbench, paletteEntries, runCommand, saveText, webviewFrame, type Workbench } from './harness/workbench';

/** The manifest's English titles (package.nls.json), as a user reads them in the palette. */
const COMMANDS = [
  'Gradient Lab: Check Gradient of Selection',
  'Gradient Lab: Check TwoLayerNet Gradients',
  'Gradient Lab: Create Exercise File',
  'Gradient Lab: Open Tutorial',
  'Gradient Lab: Train TwoLayerNet',
];

describe('the extension in a real VS Code (code-server)', { timeout: 300_000 }, () => {
  let server: CodeServer;
  let wb: Workbench;

  before(async () => {
    server = await startCodeServer({ name: 'activation' });
    wb = await openWorkbench(server);
  });

  after(async () => {
    if (server) saveText('activation-exthost.log', server.extensionHostLog());
    await closeBrowser();
    await server?.stop();
  });

  it('lists every Gradient Lab command in the command palette', async () => {
    const rows = await paletteEntries(wb.page, 'Gradient Lab:', /^Gradient Lab: /);
    const ours = rows.filter((r) => r.startsWith('Gradient Lab: ')).map((r) => r.split(',')[0]).sort();
    assert.deepEqual(ours, COMMANDS);
  });

  it('activates on Train TwoLayerNet from the palette and opens its panel without errors', async () => {
    assert.doesNotMatch(server.extensionHostLog(), /_doActivateExtension gradient-lab\.gradient-lab/, 'activation is lazy: nothing activates the extension at startup');
    await runCommand(wb.page, 'Gradient Lab: Train TwoLayerNet');
    await webviewFrame(wb.page, '#app *');
    const log = server.extensionHostLog();
    assert.match(log, /_doActivateExtension gradient-lab\.gradient-lab.*activationEvent: 'onCommand:gradientLab\.train'/);
    assert.doesNotMatch(log, /Activating extension 'gradient-lab\.gradient-lab' failed/);
    const errors = (await notifications(wb.page)).filter((n) => /not found|failed|error/i.test(n));
    assert.deepEqual(errors, []);
  });
});
