/**
 * A gradient-check lab file through the extension's command (fake `vscode`, real panel controller and
 * JavaScript runner): the learner's file beside the lab file, the function it names checked with
 * its inputs and h; a page message that changes a locked value is ignored; "Share this setup" names
 * the learner's file relative to where it is saved; an unknown function, a file outside the folder
 * and an untrusted workspace are refused and open nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { install, lastPanel, posted, recorded, reset, vscode, waitForPosted } from './fakeVscode';
import { type GradcheckLabFile, parseLabFile } from '../../src/protocol/labFile';
import type { SetupView } from '../../src/protocol/gradcheck';

install();
const dir = mkdtempSync(join(tmpdir(), 'gl-labcheck-'));
const workspace = join(dir, 'class');
mkdirSync(join(workspace, 'week4'), { recursive: true });
writeFileSync(
  join(workspace, 'week4', 'loss.js'),
  [
    'function sum_squares(x) { return x.reduce((a, v) => a + v * v, 0); }',
    'function sum_squares_grad(x) { return x.map((v) => 2 * v); }',
    'module.exports = { sum_squares, sum_squares_grad };',
    '',
  ].join('\n'),
);
const context = {
  extensionUri: vscode.Uri.file(ROOT),
  extensionPath: ROOT,
  asAbsolutePath: (p: string) => join(ROOT, p),
  subscriptions: [] as { dispose(): unknown }[],
};
const LAB = {
  version: 1,
  panel: 'gradcheck',
  instruction: 'Is 2·x right?',
  file: 'week4/loss.js',
  function: 'sum_squares',
  gradient: 'sum_squares_grad',
  wrt: 'x',
  h: 0.001,
  inputs: { x: [1, -2, 3] },
  lock: ['h', 'inputs'],
  hide: ['gradient'],
};
const write = (name: string, value: unknown) => {
  writeFileSync(join(workspace, name), JSON.stringify(value));
  return vscode.Uri.file(join(workspace, name));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let open: (uri: unknown) => Promise<void>;

before(async () => {
  const { registerLabFiles } = await import('../../src/commands/labFiles');
  const { registerCheckGradient } = await import('../../src/commands/checkGradient');
  registerLabFiles(context as never);
  registerCheckGradient(context as never);
  open = recorded.commands.get('gradientLab.openLabFile')!;
});
after(async () => {
  (await import('../../src/panels/gradcheck/gradcheckPanel')).GradcheckPanel.current?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('a gradient-check lab file checks the named function with its inputs, locks and instruction', async () => {
  reset();
  vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(workspace), name: 'class' }];
  await open(write('check.gradientlab.json', LAB));
  const setup = (await waitForPosted((m) => m.type === 'setup')) as unknown as { setup: SetupView };
  assert.equal(setup.setup.signature, 'sum_squares(x)');
  assert.equal(setup.setup.h, 0.001);
  assert.equal(setup.setup.gradient, 'sum_squares_grad');
  assert.deepEqual(JSON.parse(setup.setup.inputsText), { x: [1, -2, 3] });
  assert.deepEqual(setup.setup.lab, { lock: ['h', 'inputs'], hide: ['gradient'], instruction: 'Is 2·x right?' });
  const result = (await waitForPosted((m) => m.type === 'result', { ms: 60_000 })) as unknown as {
    result: { verdict: string };
  };
  assert.equal(result.result.verdict, 'pass');

  // Locked: another h, other inputs, a preset or generated inputs are ignored; a free change runs.
  const receive = (m: unknown) => lastPanel().webview.receive(m);
  const count = posted().length;
  const same = { gradient: 'sum_squares_grad', wrt: 'x', h: 0.001, inputsText: setup.setup.inputsText };
  receive({ type: 'run', ...same, h: 0.1 });
  receive({ type: 'run', ...same, inputsText: '{"x": [5]}' });
  receive({ type: 'generate', batchSize: 2, seed: 1 });
  await sleep(300);
  assert.equal(posted().length, count, 'nothing ran');
  assert.equal(recorded.logs.filter((l) => /lab file locks/.test(l)).length, 3, recorded.logs.join('\n'));
  receive({ type: 'run', ...same, inputsText: '{ "x": [1, -2, 3] }', gradient: '' });
  await waitForPosted((m) => m.type === 'result', { from: count, ms: 60_000 });

  // Share: saved at the workspace's top, the learner's file is named from there.
  const saved = join(workspace, 'shared.gradientlab.json');
  recorded.answers.push(vscode.Uri.file(saved));
  receive({ type: 'share', ...same, wrt: 'x', gradient: 'sum_squares_grad', h: 0.5 });
  for (let i = 0; i < 100 && !recorded.messages.some((m) => /Saved this setup/.test(m.text)); i++) await sleep(20);
  const shared = parseLabFile(readFileSync(saved, 'utf8')) as GradcheckLabFile;
  assert.equal(shared.file, 'week4/loss.js');
  assert.equal(shared.function, 'sum_squares');
  assert.equal(shared.h, 0.001, 'the locked h, not the page’s');
  assert.deepEqual(shared.inputs, { x: [1, -2, 3] });
  assert.deepEqual(shared.lock, ['h', 'inputs']);
});

test('refused: an unknown function, a file outside the folder, an untrusted workspace', async () => {
  reset();
  vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(workspace), name: 'class' }];
  const panels = recorded.panels.length;
  const count = posted().length;
  await open(write('bad.gradientlab.json', { ...LAB, function: 'cross_entropy' }));
  assert.match(
    recorded.messages.pop()?.text ?? '',
    /^The lab file bad\.gradientlab\.json was not opened: "function": there is no function cross_entropy in week4\/loss\.js\./,
  );
  await open(write('bad.gradientlab.json', { ...LAB, gradient: 'sum_squares_prime' }));
  assert.match(recorded.messages.pop()?.text ?? '', /"gradient": there is no function sum_squares_prime/);
  await open(write('bad.gradientlab.json', { ...LAB, file: 'week4/missing.js' }));
  assert.match(recorded.messages.pop()?.text ?? '', /"file": the file week4\/missing\.js cannot be read/);
  vscode.workspace.isTrusted = false;
  await open(write('check.gradientlab.json', LAB));
  const m = recorded.messages.pop();
  assert.equal(m?.level, 'warning');
  assert.match(m?.text ?? '', /runs a gradient check on your own code.*trusted workspaces/);
  assert.equal(recorded.panels.length, panels);
  assert.equal(posted().length, count, 'the open panel was sent nothing');
});
