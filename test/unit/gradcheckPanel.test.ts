import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { FIXTURES, PYTHON } from './gradcheckHelpers';
import { fake, installFakeVscode, vscodeFake, waitForPosted } from './gradcheckFakeVscode';

/**
 * The extension side of the gradient check — panel controller and command — against a fake
 * `vscode`: what it sends the page, how it treats the page's messages, diagnostics, trust.
 */

installFakeVscode();
type PanelModule = typeof import('../../src/panels/gradcheck/gradcheckPanel');
type CommandModule = typeof import('../../src/commands/checkGradient');
let panelModule: PanelModule;
let commandModule: CommandModule;
const context = { extensionUri: vscodeFake.Uri.file(ROOT), asAbsolutePath: (p: string) => join(ROOT, p), subscriptions: [] as { dispose(): void }[] };
const diagnostics = vscodeFake.languages.createDiagnosticCollection();
const uri = (f: string) => vscodeFake.Uri.file(join(FIXTURES, f));
const types = () => (fake.posted as { type: string }[]).map((m) => m.type);
type Result = { type: 'result'; result: { verdict: string; codes: string[]; headline: string } };

before(async () => {
  fake.config = { pythonPath: PYTHON, 'checkGradient.timeoutSeconds': 20 };
  panelModule = await import('../../src/panels/gradcheck/gradcheckPanel');
  commandModule = await import('../../src/commands/checkGradient');
});
after(() => panelModule.GradcheckPanel.current?.dispose());

async function show(file: string, functionName: string, gradientName?: string | null): Promise<Result> {
  fake.posted.length = 0;
  panelModule.GradcheckPanel.show(context as never, diagnostics as never, { uri: uri(file) as never, functionName, gradientName });
  return (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
}

test('the panel checks its function and sends setup, running, then the result, on a page with a strict CSP', async () => {
  const r = await show('py/cross_entropy_missing_batch_division.py', 'cross_entropy_error');
  assert.deepEqual(types(), ['setup', 'running', 'result']);
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['scale']]);
  assert.match(fake.html, /default-src 'none'/);
  assert.match(fake.html, /<script nonce="[^"]+" src="[^"]*dist\/webview\/gradcheck\.js"/);
  assert.match(fake.html, /gradcheck\/gradcheck\.css/);
});

test('a syntax error becomes a diagnostic at its line of the file; a later clean check clears it', async () => {
  const r = await show('py/missing_colon.py', 'cross_entropy_error');
  assert.deepEqual(r.result.codes, ['syntax']);
  assert.deepEqual(fake.diagnostics.get(join(FIXTURES, 'py', 'missing_colon.py'))?.map((d) => d.line), [4], '0-based line 4 is line 5');
  await show('py/function_2.py', 'function_2');
  assert.equal(fake.diagnostics.has(join(FIXTURES, 'py', 'missing_colon.py')), true, 'another file keeps its own diagnostics');
  await show('py/missing_colon.py', 'cross_entropy_error', null);
  fake.posted.length = 0;
});

test("the page's messages: invalid ones are logged and dropped; run, preset, bad JSON and stop are answered", async () => {
  await show('py/function_2.py', 'function_2');
  fake.posted.length = 0;
  fake.receive!({ type: 'eval', code: 'process.exit()' });
  fake.receive!({ type: 'run', gradient: 'a b', wrt: 'x', h: 1e-4, inputsText: '{}' });
  assert.equal(fake.logged.filter((l) => /dropped an invalid message/.test(l)).length, 2);
  assert.deepEqual(fake.posted, []);

  fake.receive!({ type: 'preset', id: 'function_2' });
  const inputs = await waitForPosted((m) => m.type === 'inputs');
  assert.deepEqual(JSON.parse(inputs.inputsText as string), { x: [3, 4] });

  fake.posted.length = 0;
  fake.receive!({ type: 'run', gradient: '', wrt: 'x', h: 1e-4, inputsText: '{"x": [3, 4]}' });
  const plain = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.deepEqual([plain.result.verdict, plain.result.codes], ['pass', []]);
  assert.match(plain.result.headline, /No hand-written gradient/);

  fake.posted.length = 0;
  fake.receive!({ type: 'run', gradient: 'function_2_grad', wrt: 'x', h: 1e-4, inputsText: '{"x": [3, 4' });
  const bad = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.match(bad.result.headline, /not valid JSON/);

  await show('py/infinite_loop.py', 'mean_loss').catch(() => undefined);
});

test('Stop ends a running check and tells the page', async () => {
  fake.posted.length = 0;
  panelModule.GradcheckPanel.show(context as never, diagnostics as never, { uri: uri('js/infiniteLoop.js') as never, functionName: 'meanSquare' });
  await waitForPosted((m) => m.type === 'running');
  fake.receive!({ type: 'cancel' });
  const stopped = (await waitForPosted((m) => m.type === 'result', 3000)) as unknown as Result;
  assert.deepEqual(stopped.result.codes, ['cancelled']);
  assert.match(stopped.result.headline, /stopped/);
});

test('in an untrusted workspace the command refuses, says why, and offers to manage trust', async () => {
  commandModule.registerCheckGradient(context as never);
  fake.trusted = false;
  fake.posted.length = 0;
  fake.executed.length = 0; // earlier passing checks ticked off a walkthrough step (setContext)
  await fake.commands.get('gradientLab.checkGradient')!(uri('py/function_2.py'), 'function_2');
  fake.trusted = true;
  assert.match(fake.warnings[0], /runs your own Python or JavaScript code.*only in trusted workspaces/);
  assert.deepEqual(fake.executed, ['workbench.trust.manage']);
  assert.deepEqual(fake.posted, [], 'nothing ran');
});

test('with no gradient by convention the command asks which one, and checks with it', async () => {
  let offered: string[] = [];
  fake.quickPicks.push((items) => {
    offered = items.map((i) => i.label);
    return items.find((i) => i.label === 'numericalGradient');
  });
  fake.posted.length = 0;
  vscodeFake.workspace.openTextDocument = async (u) => ({ uri: u, fileName: u.fsPath, languageId: 'javascript', getText: () => require('node:fs').readFileSync(u.fsPath, 'utf8'), version: 1 });
  await fake.commands.get('gradientLab.checkGradient')!(uri('js/iddxTypo.js'), 'cubeSum');
  assert.deepEqual(offered, ['(none: numerical gradient only)', 'numericalGradient']);
  const r = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['partial']]);
});
