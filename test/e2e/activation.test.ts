/**
 * The packaged VSIX installs into a real VS Code, its commands are in the palette under
 * "Gradient Lab:", and running one activates the extension (recorded by the extension host) with
 * no "command not found" error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workbenchSession } from './harness/session';
import { ROOT } from './harness/toolchain';
import { notifications, paletteEntries, runCommand, webviewFrame } from './harness/workbench';

/** The commands the issues promise, with their English titles (package.nls.json), as a user reads them in the palette. */
const REQUIRED = [
  'Gradient Lab: Check Gradient of Selection',
  'Gradient Lab: Check TwoLayerNet Gradients',
  'Gradient Lab: Create Exercise File',
  'Gradient Lab: Open Tutorial',
  'Gradient Lab: Train TwoLayerNet',
];

/** "Category: Title" of every contributed command, and of those the palette always shows (no `when` in menus.commandPalette). */
function manifestTitles(): { all: string[]; always: string[] } {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8'));
  const text = (s: string) => s.replace(/^%(.+)%$/, (_, k) => nls[k]);
  const conditional = new Set<string>(
    (manifest.contributes.menus?.commandPalette ?? [])
      .filter((m: { when?: string }) => m.when)
      .map((m: { command: string }) => m.command),
  );
  const commands = manifest.contributes.commands as { command: string; title: string; category?: string }[];
  const title = (c: { title: string; category?: string }) =>
    `${c.category ? `${text(c.category)}: ` : ''}${text(c.title)}`;
  return {
    all: commands.map(title).sort(),
    always: commands
      .filter((c) => !conditional.has(c.command))
      .map(title)
      .sort(),
  };
}

describe('the extension in a real VS Code (code-server)', { timeout: 300_000 }, () => {
  const wb = workbenchSession({ name: 'activation' });

  it('lists every Gradient Lab command in the command palette', async () => {
    const rows = await paletteEntries(wb.page, 'Gradient Lab:', /^Gradient Lab: /);
    const ours = rows
      .filter((r) => r.startsWith('Gradient Lab: '))
      .map((r) => r.split(',')[0])
      .sort();
    assert.deepEqual(
      REQUIRED.filter((c) => !ours.includes(c)),
      [],
      `missing from the palette; it shows ${JSON.stringify(ours)}`,
    );
    // The palette shows every command the manifest always offers, and nothing the manifest does not declare.
    const { all, always } = manifestTitles();
    assert.deepEqual(
      always.filter((c) => !ours.includes(c)),
      [],
    );
    assert.deepEqual(
      ours.filter((c) => !all.includes(c)),
      [],
    );
  });

  it('activates on Train TwoLayerNet from the palette and opens its panel without errors', async () => {
    const events: string[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).activationEvents ?? [];
    const atStartup = events.some((e) => e === '*' || e === 'onStartupFinished' || e.startsWith('workspaceContains:'));
    if (!atStartup)
      assert.doesNotMatch(
        wb.server.extensionHostLog(),
        /_doActivateExtension gradient-lab\.gradient-lab/,
        'nothing activates the extension before it is used',
      );
    await runCommand(wb.page, 'Gradient Lab: Train TwoLayerNet');
    await webviewFrame(wb.page, '#app *');
    const log = wb.server.extensionHostLog();
    assert.match(
      log,
      atStartup
        ? /_doActivateExtension gradient-lab\.gradient-lab/
        : /_doActivateExtension gradient-lab\.gradient-lab.*activationEvent: 'onCommand:gradientLab\.train'/,
    );
    assert.doesNotMatch(log, /Activating extension 'gradient-lab\.gradient-lab' failed/);
    const errors = (await notifications(wb.page)).filter((n) => /not found|failed|error/i.test(n));
    assert.deepEqual(errors, []);
  });
});
