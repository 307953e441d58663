/**
 * Where Gradient Lab's panels open (src/panels/placement.ts), against the fake vscode: beside
 * the learner's editor group, all in one shared column, never over the walkthrough.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { install, vscode } from './fakeVscode';

install();
const load = () => import('../../src/panels/placement');
type Fake = {
  showOptions: { viewColumn: number; preserveFocus: boolean };
  viewColumn?: number;
  active: boolean;
  revealedTo: unknown[];
  dispose(): void;
};
const BESIDE = vscode.ViewColumn.Beside;

test('issue 11: the first panel opens beside the learner’s group; the next ones join its column instead of a third one', async () => {
  const { createPanel } = await load();
  vscode.window.tabGroups.activeTabGroup.viewColumn = 1; // the walkthrough
  const labs = createPanel('gradientLab.labs', 'labs', {}) as unknown as Fake;
  assert.equal(labs.showOptions.viewColumn, BESIDE);
  labs.viewColumn = 2; // VS Code put it in column 2
  const train = createPanel('gradientLab.train', 'train', {}) as unknown as Fake;
  assert.equal(train.showOptions.viewColumn, 2, 'the training panel joins the labs: the walkthrough stays visible');
  train.viewColumn = 2;
  const check = createPanel('gradientLab.gradcheck', 'check', {}, true) as unknown as Fake;
  assert.deepEqual(check.showOptions, { viewColumn: 2, preserveFocus: true }, 'no third, narrow column');
  for (const p of [labs, train, check]) p.dispose();
});

test('issue 11: a panel in the learner’s own group is shown beside it, not over what they look at', async () => {
  const { createPanel, revealPanel } = await load();
  vscode.window.tabGroups.activeTabGroup.viewColumn = 1;
  const train = createPanel('gradientLab.train', 'train', {}) as unknown as Fake;
  train.viewColumn = 1; // restored there after a reload, behind the walkthrough
  train.active = false;
  revealPanel(train as never);
  assert.deepEqual(train.revealedTo, [BESIDE]);
  train.viewColumn = 2;
  revealPanel(train as never);
  assert.deepEqual(train.revealedTo, [BESIDE, undefined], 'elsewhere: shown where it is');
  // Nothing else open and the learner in column 2 itself: a new panel goes beside, not over it.
  vscode.window.tabGroups.activeTabGroup.viewColumn = 2;
  const labs = createPanel('gradientLab.labs', 'labs', {}) as unknown as Fake;
  assert.equal(labs.showOptions.viewColumn, BESIDE);
  for (const p of [train, labs]) p.dispose();
});

test('every panel is created through the one placement decision', () => {
  const files: string[] = [];
  const walk = (d: string) =>
    readdirSync(d).forEach((f) =>
      statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') && files.push(join(d, f)),
    );
  walk(join(ROOT, 'src'));
  const direct = files.filter(
    (f) => !f.endsWith('placement.ts') && /createWebviewPanel\(|\.reveal\(/.test(readFileSync(f, 'utf8')),
  );
  assert.deepEqual(direct, []);
});
