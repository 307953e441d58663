/**
 * Lab files opened through the extension's own command, CodeLens and link handler (fake `vscode`,
 * real controller): the training panel takes the file's setup, locks and instruction; a message
 * that would change a locked value is ignored; "Share this setup" writes a file that opens to the
 * same setup; a bad file or a link outside the workspace is refused and changes nothing.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainToWebview } from '../../src/protocol/train';
import { DEFAULT_RUN_CONFIG } from '../../src/protocol/train';
import { type TrainLabFile, parseLabFile } from '../../src/protocol/labFile';
import { ROOT } from './helpers';
import { Uri, fakeContext, install, lastPanel, recorded, reset, vscode } from './fakeVscode';

const dir = mkdtempSync(join(tmpdir(), 'gl-labfiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));
install();

const context = {
  ...fakeContext(ROOT, dir),
  workspaceState: (() => {
    const m = new Map<string, unknown>();
    return { get: (k: string) => m.get(k), update: async (k: string, v: unknown) => void m.set(k, v) };
  })(),
};
const workspace = join(dir, 'class');
mkdirSync(workspace, { recursive: true });
const LR10 = {
  version: 1,
  panel: 'train',
  instruction: { en: 'Why does <this> diverge?', ko: '왜 발산할까요?' },
  train: { learningRate: 10, iters: 1000 },
  lock: ['learningRate'],
  hide: ['gradientMethod'],
};
const write = (name: string, value: unknown) => {
  const file = join(workspace, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return Uri.file(file);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup() {
  const { registerLabFiles } = await import('../../src/commands/labFiles');
  registerLabFiles(context as never);
  const open = recorded.commands.get('gradientLab.openLabFile')!;
  assert.ok(open, 'the command is registered');
  return open;
}

test('a lab file opens the training panel set up, locked and instructed; locked values cannot be changed', async () => {
  const open = await setup();
  reset();
  vscode.workspace.workspaceFolders = [{ uri: Uri.file(workspace), name: 'class' }];
  const lens = recorded.codeLensProviders.at(-1)!;
  const uri = write('lr10.gradientlab.json', LR10);
  const lenses = lens.provideCodeLenses({ uri }) as { command: { title: string; command: string } }[];
  assert.deepEqual(
    lenses.map((l) => [l.command.title, l.command.command]),
    [['Open in Gradient Lab', 'gradientLab.openLabFile']],
  );
  assert.deepEqual(lens.provideCodeLenses({ uri: Uri.file(join(workspace, 'package.json')) }), []);

  await open(uri);
  const panel = lastPanel();
  const posted = panel.webview.posted as TrainToWebview[];
  panel.webview.receive({ type: 'ready' });
  const init = posted.find((m) => m.type === 'init') as Extract<TrainToWebview, { type: 'init' }>;
  assert.ok(init?.lab, 'init carries the lab setup');
  assert.equal(init.lab.config.learningRate, 10);
  assert.equal(init.lab.config.iters, 1000);
  assert.equal(init.lab.config.batchSize, DEFAULT_RUN_CONFIG.batchSize);
  assert.deepEqual(init.lab.lock, ['learningRate']);
  assert.deepEqual(init.lab.hide, ['gradientMethod']);
  assert.equal(init.lab.instruction, 'Why does <this> diverge?');

  // The page cannot change a locked value: a start, a live change or the finder with another rate is ignored.
  const before = posted.length;
  panel.webview.receive({ type: 'start', config: { ...init.lab.config, learningRate: 0.1 } });
  panel.webview.receive({ type: 'setLearningRate', learningRate: 0.1 });
  panel.webview.receive({ type: 'findLearningRate', config: { ...init.lab.config, learningRate: 0.1 } });
  await sleep(300);
  assert.deepEqual(
    posted.slice(before).map((m) => m.type),
    [],
    'nothing started, nothing changed',
  );
  assert.equal(recorded.logs.filter((l) => /Ignored .*lab file locks/.test(l)).length, 3, recorded.logs.join('\n'));

  // Share: the form's values, the locked ones as the file has them.
  const sharedPath = join(workspace, 'shared.gradientlab.json');
  recorded.answers.push(Uri.file(sharedPath));
  panel.webview.receive({ type: 'share', config: { ...init.lab.config, learningRate: 0.5, iters: 300, seed: 9 } });
  for (let i = 0; i < 100 && !recorded.messages.some((m) => /Saved this setup/.test(m.text)); i++) await sleep(20);
  const shared = parseLabFile(readFileSync(sharedPath, 'utf8')) as TrainLabFile;
  assert.equal(shared.config.learningRate, 10);
  assert.equal(shared.config.iters, 300);
  assert.equal(shared.config.seed, 9);
  assert.deepEqual(shared.lock, ['learningRate']);
  assert.deepEqual(shared.hide, ['gradientMethod']);
  assert.deepEqual(shared.instruction, LR10.instruction);

  // …and opening the shared file gives the panel that same setup again (Korean this time).
  vscode.env.language = 'ko';
  const count = posted.length;
  await open(Uri.file(sharedPath));
  const again = posted.slice(count).find((m) => m.type === 'lab') as Extract<TrainToWebview, { type: 'lab' }>;
  assert.ok(again?.lab);
  assert.deepEqual(again.lab.config, shared.config);
  assert.deepEqual(again.lab.lock, ['learningRate']);
  assert.equal(again.lab.instruction, '왜 발산할까요?');
  assert.ok(again.lab.seq !== init.lab.seq, 'a new opening is applied again by the page');
});

test('a bad lab file is refused with the field named and the panel keeps its state', async () => {
  reset();
  vscode.workspace.workspaceFolders = [{ uri: Uri.file(workspace), name: 'class' }];
  const open = recorded.commands.get('gradientLab.openLabFile')!;
  const panels = recorded.panels.length;
  const posted = lastPanel().webview.posted as TrainToWebview[];
  const count = posted.length;
  const bad: [unknown, RegExp][] = [
    [{ ...LR10, train: { learningRate: 10, momentum: 0.9 } }, /"train\.momentum" is not a field/],
    [{ ...LR10, train: { learningRate: 'fast' } }, /"train\.learningRate" must be a number greater than 0/],
    [{ ...LR10, lock: ['lr'] }, /"lock\[0\]" must be one of/],
    ['{ "version": 1, ', /not valid JSON/],
  ];
  for (const [value, why] of bad) {
    await open(write('bad.gradientlab.json', value));
    const m = recorded.messages.pop();
    assert.equal(m?.level, 'error');
    assert.match(m!.text, /^The lab file bad\.gradientlab\.json was not opened: /);
    assert.match(m!.text, why);
  }
  assert.equal(recorded.panels.length, panels, 'no panel was opened');
  assert.equal(posted.length, count, 'the open panel was sent nothing');
});

test('a vscode:// link opens only lab files inside the workspace', async () => {
  reset();
  vscode.workspace.workspaceFolders = [{ uri: Uri.file(workspace), name: 'class' }];
  const handler = recorded.uriHandlers.at(-1)!;
  const posted = lastPanel().webview.posted as TrainToWebview[];
  const outside = join(dir, 'elsewhere.gradientlab.json');
  writeFileSync(outside, JSON.stringify(LR10));
  const count = posted.length;
  for (const file of [outside, '../elsewhere.gradientlab.json', 'lr10.json', '']) {
    await handler.handleUri({ path: '/open', query: `file=${encodeURIComponent(file)}` });
    const m = recorded.messages.pop();
    assert.match(m?.text ?? '', /Only lab files inside the open workspace can be opened from a link/, file);
  }
  assert.equal(posted.length, count);
  await handler.handleUri({ path: '/open', query: 'file=lr10.gradientlab.json' });
  const lab = posted.slice(count).find((m) => m.type === 'lab') as Extract<TrainToWebview, { type: 'lab' }>;
  assert.equal(lab?.lab?.config.learningRate, 10);
});

test('a window reload keeps the lab file’s setup: the revived panel sends the same setup (not applied again)', async () => {
  reset();
  const { TrainPanel } = await import('../../src/panels/train/trainPanel');
  const before = lastPanel().webview.posted as TrainToWebview[];
  const last = [...before].reverse().find((m) => m.type === 'lab') as Extract<TrainToWebview, { type: 'lab' }>;
  const panel = vscode.window.createWebviewPanel('gradientLab.train', 'Train TwoLayerNet');
  TrainPanel.revive(panel as never, context as never);
  panel.webview.receive({ type: 'ready' });
  const init = (panel.webview.posted as TrainToWebview[]).find((m) => m.type === 'init') as Extract<
    TrainToWebview,
    { type: 'init' }
  >;
  assert.deepEqual(init.lab?.config, last.lab?.config);
  assert.deepEqual(init.lab?.lock, ['learningRate']);
  assert.equal(init.lab?.seq, last.lab?.seq, 'the page has applied it already');
  panel.webview.receive({ type: 'setLearningRate', learningRate: 0.1 });
  assert.match(recorded.logs.at(-1) ?? '', /Ignored a learning-rate change/);
});
