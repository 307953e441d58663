/**
 * Inside the extension host, through the VS Code API: the extension activates, registers every
 * command its manifest contributes, and its panels are created once and disposed when closed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from './mocha';

const ID = 'gradient-lab.gradient-lab';

function webviewTabs(viewType: string): vscode.Tab[] {
  // A webview tab's viewType carries a prefix of VS Code's ("mainThreadWebview-…").
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('Gradient Lab in the extension host', () => {
  let extension: vscode.Extension<unknown>;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension(ID);
    assert.ok(found, `${ID} is installed`);
    extension = found;
    await extension.activate();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates and registers every command the manifest contributes', async () => {
    assert.equal(extension.isActive, true);
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    for (const id of ['gradientLab.train', 'gradientLab.checkGradient', 'gradientLab.checkNetworkGradients', 'gradientLab.openTutorial', 'gradientLab.createExercise']) {
      assert.ok(contributed.includes(id), `${id} is contributed`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed commands without a handler');
  });

  test('Train TwoLayerNet opens one panel, reveals it when run again, and closing disposes it', async () => {
    await vscode.commands.executeCommand('gradientLab.train');
    await until('the training panel', () => webviewTabs('gradientLab.train').length === 1);
    const [tab] = webviewTabs('gradientLab.train');
    assert.equal(tab.label, vscode.l10n.t('Train TwoLayerNet'));
    await vscode.commands.executeCommand('gradientLab.train');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(webviewTabs('gradientLab.train').length, 1, 'a second run of the command reveals the same panel');
    await vscode.window.tabGroups.close(tab);
    await until('the panel to be disposed', () => webviewTabs('gradientLab.train').length === 0);
    // A fresh panel can be opened after the old one was disposed.
    await vscode.commands.executeCommand('gradientLab.train');
    await until('a new training panel', () => webviewTabs('gradientLab.train').length === 1);
  });
});
