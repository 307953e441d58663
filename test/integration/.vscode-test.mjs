// @vscode/test-cli configuration for the integration tests, for machines that can download VS Code:
//   npm run test:integration   (= build, then vscode-test --config test/integration/.vscode-test.mjs)
// Where VS Code cannot be downloaded, the same tests run inside code-server's extension host as part
// of the end-to-end suite (test/e2e/integration.test.ts, through index.run.ts).
import { defineConfig } from '@vscode/test-cli';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default defineConfig({
  label: 'integration',
  files: join(root, 'out', 'test', 'integration', '*.test.js'),
  extensionDevelopmentPath: root,
  workspaceFolder: join(root, 'test', 'e2e', 'fixtures', 'workspace'),
  version: 'stable',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 60_000, color: true },
});
