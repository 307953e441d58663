/**
 * Runs the Mocha integration tests (test/integration) inside code-server's real extension host.
 *
 * code-server has no --extensionDevelopmentPath/--extensionTestsPath options, and its VS Code server
 * (lib/vscode/out/server-main.js) does not take them on its command line either. The web workbench
 * reads them from the page URL instead — `?payload=[["extensionDevelopmentPath", …],
 * ["extensionTestsPath", …]]` — but only when the server runs with `enable-smoke-test-driver`, which
 * code-server passes through with `--vscode-option enable-smoke-test-driver`. The extension host then
 * loads index.run.js, runs Mocha, and the workbench reports the exit code to
 * window.codeAutomationExit (and the host's console to window.codeAutomationLog), as
 * @vscode/test-web does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCodeServer, type CodeServer } from './harness/codeServer';
import { ROOT } from './harness/toolchain';
import { closeBrowser, launchBrowser, saveText } from './harness/workbench';

/** console.log's arguments as Node prints them: Mocha's reporter logs printf-style ('%d passing (%s)', 2, '4s'). */
function consoleText(args: unknown[]): string {
  const rest = [...args];
  const first = rest.shift();
  const text =
    typeof first === 'string'
      ? first.replace(/%[sdifjoO%]/g, (m) => (m === '%%' ? '%' : rest.length ? String(rest.shift()) : m))
      : JSON.stringify(first);
  return [text, ...rest.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(' ');
}

/** How many test('…') the integration files define, so a test that silently did not run fails this one. */
function definedTests(): number {
  const dir = join(ROOT, 'test', 'integration');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .reduce((n, f) => n + (readFileSync(join(dir, f), 'utf8').match(/^\s*test\(/gm)?.length ?? 0), 0);
}

describe('integration tests inside the extension host (code-server)', { timeout: 300_000 }, () => {
  let server: CodeServer;

  before(async () => {
    server = await startCodeServer({ name: 'integration', smokeTestDriver: true });
  });

  after(async () => {
    await closeBrowser('integration');
    await server?.stop();
  });

  it('every Mocha integration test passes', async () => {
    const page = await (await launchBrowser()).newPage({ viewport: { width: 1280, height: 800 } });
    const lines: string[] = [];
    let exited: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((r) => (exited = r));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => lines.push(consoleText(args)));
    await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));

    const authority = `127.0.0.1:${server.port}`;
    const remote = (path: string) => `vscode-remote://${authority}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(ROOT, 'out', 'test', 'integration', 'index.run.js'))],
    ]);
    await page.goto(
      `http://${authority}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(payload)}`,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new Error(`no exit code within 240 s; log so far:\n${lines.join('\n')}`)),
          240_000,
        )),
    );
    const code = await Promise.race([exitCode, timeout]).finally(() => clearTimeout(timer));
    const report = lines.join('\n');
    saveText('integration.log', report);

    assert.equal(code, 0, `the extension host reported exit code ${code}:\n${report}`);
    const passing = Number(/(\d+) passing/.exec(report)?.[1] ?? 0);
    assert.equal(passing, definedTests(), `every test defined in test/integration ran and passed:\n${report}`);
    assert.doesNotMatch(report, /\d+ failing/);
  });
});
