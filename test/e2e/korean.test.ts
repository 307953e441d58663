/**
 * With VS Code's display language set to Korean (argv.json "locale": "ko", as "Configure Display
 * Language" writes it), the palette shows the Korean command titles (package.nls.ko.json) and the
 * training panel its Korean strings (vscode.l10n bundle, src/l10n/ko/).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workbenchSession } from './harness/session';
import { ROOT } from './harness/toolchain';
import { paletteEntries, runCommand, screenshot, setTheme, tabTitles, until, webviewFrame } from './harness/workbench';

const HANGUL = /[\uAC00-\uD7A3]/;

/** The Korean titles a learner finds in the palette (package.nls.ko.json). */
const KOREAN_COMMANDS = [
  'Gradient Lab: TwoLayerNet 학습하기',
  'Gradient Lab: 선택한 함수의 기울기 검사',
  'Gradient Lab: TwoLayerNet 기울기 검사',
  'Gradient Lab: 튜토리얼 열기',
  'Gradient Lab: 연습 문제 파일 만들기',
];

/** The Korean of an English UI string, as the l10n bundle will carry it (src/l10n/ko/*.json merged). */
function korean(english: string): string {
  const dir = join(ROOT, 'src', 'l10n', 'ko');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const table = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (typeof table[english] === 'string') return table[english];
  }
  throw new Error(`No Korean translation of "${english}" in src/l10n/ko/`);
}

describe('Korean display language', { timeout: 300_000 }, () => {
  const wb = workbenchSession({ name: 'korean', locale: 'ko' });

  it('the command palette shows the Korean command titles', async () => {
    const rows = await paletteEntries(wb.page, 'Gradient Lab:', HANGUL);
    const ours = rows.filter((r) => r.startsWith('Gradient Lab: ')).map((r) => r.split(',')[0]);
    assert.deepEqual(
      KOREAN_COMMANDS.filter((c) => !ours.includes(c)),
      [],
      `shown: ${JSON.stringify(ours)}`,
    );
    assert.deepEqual(
      ours.filter((r) => !HANGUL.test(r)),
      [],
      'every Gradient Lab command has a Korean title',
    );
  });

  it('the training panel speaks Korean: tab, heading, buttons, status', async () => {
    await runCommand(wb.page, KOREAN_COMMANDS[0]);
    const frame = await webviewFrame(wb.page, 'button[data-action="start"]');
    const title = korean('Train TwoLayerNet');
    assert.match(title, HANGUL);
    assert.equal(await frame.$eval('h1', (h) => h.textContent), title);
    for (const english of ['Start', 'Pause', 'Ready. Press Start to train with these hyperparameters.'])
      assert.match(korean(english), HANGUL, `"${english}" is translated`);
    assert.equal((await frame.locator('button[data-action="start"]').textContent())?.trim(), korean('Start'));
    assert.equal((await frame.locator('button[data-action="pause"]').textContent())?.trim(), korean('Pause'));
    assert.equal(
      await frame.$eval('.progress-text', (e) => e.textContent),
      korean('Ready. Press Start to train with these hyperparameters.'),
    );
    assert.equal(await frame.$eval('html', (e) => e.lang), 'ko');
    await until(
      'the tab to carry the Korean title',
      () => tabTitles(wb.page),
      (t) => t.some((x) => x.includes(title)),
    );

    await screenshot(wb.page, 'korean-train-light');
    await setTheme(wb, 'dark');
    await screenshot(wb.page, 'korean-train-dark');
    await setTheme(wb, 'light');
  });
});
