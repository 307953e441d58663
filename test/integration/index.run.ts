/**
 * The extension-tests entry (VS Code's --extensionTestsPath) for running test/integration inside a
 * real extension host without @vscode/test-cli — used by test/e2e/integration.test.ts through
 * code-server. It runs every out/test/integration/*.test.js with Mocha (TDD) and rejects when one
 * fails, which VS Code turns into the exit code it reports.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface MochaRunner {
  addFile(file: string): void;
  run(done: (failures: number) => void): void;
}

export async function run(): Promise<void> {
  // Mocha is loaded from the repository at run time, not bundled into this file: its reporters
  // are found by dynamic require.
  const root = join(__dirname, '..', '..', '..');
  const Mocha = createRequire(join(root, 'package.json'))('mocha') as new (options: object) => MochaRunner;
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000 });
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) throw new Error(`No integration tests (*.test.js) in ${__dirname}: run npm run build first.`);
  for (const f of files) mocha.addFile(join(__dirname, f));
  await new Promise<void>((resolve, reject) =>
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve())),
  );
}
