import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { install, recorded, vscode } from './fakeVscode';
import { ROOT } from './helpers';

install();

test('activation registers every command the manifest contributes, and loads nothing heavy', (t) => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const context = {
    subscriptions: [] as { dispose(): void }[],
    extensionUri: vscode.Uri.file(ROOT),
    extensionPath: ROOT,
    globalStorageUri: vscode.Uri.file(join(ROOT, 'out', 'activation-storage')),
    workspaceState: { get: () => undefined, update: async () => undefined },
    globalState: { get: () => undefined, update: async () => undefined, setKeysForSync() {} },
  };
  const start = performance.now();
  const extension = require(join(ROOT, 'dist', 'extension.js'));
  extension.activate(context);
  const ms = performance.now() - start;
  // A figure for the note, never a pass/fail on time (benchmarks measure speed).
  t.diagnostic(`require + activate: ${ms.toFixed(1)} ms`);
  const declared: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
  for (const id of declared)
    assert.ok(recorded.commands.has(id), `${id} is declared in package.json but not registered`);
  assert.ok(context.subscriptions.length >= declared.length, 'every registration is disposed with the extension');
  // Nothing started at activation: no panel, no worker, no data loaded.
  assert.equal(recorded.panels.length, 0);
  assert.equal(recorded.executed.length, 0);
});
