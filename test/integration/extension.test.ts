/**
 * Inside the extension host, through the VS Code API: the extension activates, registers every
 * command its manifest contributes, its panels are created once and disposed when closed, and its
 * settings are honoured.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, teardown, test } from './mocha';

const ID = 'gradient-lab.gradient-lab';

function webviewTabs(viewType: string): vscode.Tab[] {
  // A webview tab's viewType carries a prefix of VS Code's ("mainThreadWebview-…").
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

/** A file of the workspace the tests run in (a copy of test/e2e/fixtures/workspace). */
function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run with the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
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
    for (const id of [
      'gradientLab.train',
      'gradientLab.checkGradient',
      'gradientLab.checkNetworkGradients',
      'gradientLab.openTutorial',
      'gradientLab.createExercise',
    ]) {
      assert.ok(contributed.includes(id), `${id} is contributed`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed commands without a handler',
    );
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

  test('Check Gradient on a file opens its panel titled with the function, and closing disposes it', async () => {
    const uri = fixture('loss_correct.py');
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('gradientLab.checkGradient', uri, 'function_2');
    await until('the gradient check panel', () => webviewTabs('gradientLab.checkGradient').length === 1, 30_000);
    const [tab] = webviewTabs('gradientLab.checkGradient');
    assert.match(tab.label, /function_2/);
    await vscode.window.tabGroups.close(tab);
    await until('the panel to be disposed', () => webviewTabs('gradientLab.checkGradient').length === 0);
  });

  test('the gradientLab.checkGradient.codeLens setting is honoured: lenses off, then on again', async () => {
    const uri = fixture('loss_correct.py');
    await vscode.window.showTextDocument(uri);
    const lenses = async () => {
      const all =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      return all
        .filter((l) => l.command?.command === 'gradientLab.checkGradient')
        .map((l) => `${l.range.start.line + 1}:${l.command!.arguments?.[1]}`);
    };
    const config = () => vscode.workspace.getConfiguration('gradientLab');
    try {
      assert.deepEqual(
        await lenses(),
        // The lens over the gradient function checks the pair through its loss ("Gradient of function_2 · check").
        ['4:function_2', '8:function_2'],
        'one lens above each function, on its def line',
      );
      // User settings, so the fixture folder is never written to.
      await config().update('checkGradient.codeLens', false, vscode.ConfigurationTarget.Global);
      assert.deepEqual(await lenses(), []);
      await config().update('checkGradient.codeLens', true, vscode.ConfigurationTarget.Global);
      assert.deepEqual(await lenses(), ['4:function_2', '8:function_2']);
    } finally {
      await config().update('checkGradient.codeLens', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
