import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { GRADCHECK_STRINGS, GradcheckToWebview, ResultView, parseGradcheckMessage } from '../../src/protocol/gradcheck';
import {
  ROOT,
  SHOTS_DIR,
  Theme,
  closeBrowser,
  openPage,
  pageErrors,
  paintedPixels,
  pixelsNear,
  posted,
  sendMessages,
} from './chromium';
import { recordedMessages } from './gradcheckPage';

/**
 * The gradient check page in headless Chromium, fed the messages the extension sends after a real
 * check of a learner bug (the missing / batch_size, in Python): it must show the verdict, the
 * diagnosis, the table and a drawn error-vs-h chart in every theme, and post only valid messages.
 */

let messages: GradcheckToWebview[];
before(async () => {
  messages = await recordedMessages('py/cross_entropy_missing_batch_division.py', 'cross_entropy_error');
});
after(() => closeBrowser());

async function open(theme: Theme = 'dark', height = 1250): Promise<Page> {
  const page = await openPage({ page: 'gradcheck', strings: GRADCHECK_STRINGS, theme, height });
  await sendMessages(page, messages);
  await page.waitForSelector('canvas');
  return page;
}

test('the panel shows a FAIL verdict with the batch-size diagnosis, the table worst first and the chart; every control is labelled and reachable with Tab', async () => {
  const page = await open('dark');
  assert.equal(await page.textContent('.verdict .badge'), 'FAIL');
  assert.match((await page.textContent('.verdict'))!, /4 of 40 elements/);
  const diagnosis = await page.$$eval('ul.diagnosis li', (lis) =>
    lis.map((li) => ({ code: li.getAttribute('data-code'), text: li.textContent })),
  );
  assert.equal(diagnosis.length, 1);
  assert.equal(diagnosis[0].code, 'scale');
  assert.match(diagnosis[0].text!, /batch size N = 4.*return -t \/ \(y \+ 1e-7\) \/ y\.shape\[0\]/);
  assert.match((await page.textContent('.recognised'))!, /cross entropy error: 0\.5108 and 2\.303/);
  const rows = await page.$$eval('table.elements tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.equal(rows.length, 12, 'the first 12 rows, then "Show all"');
  assert.equal(rows[0][6], '✗', 'the worst element first');
  assert.equal(rows.filter((r) => r[6] === '✗').length, 4);
  await page.click('text=Show all 40');
  assert.equal(await page.$$eval('table.elements tbody tr', (trs) => trs.length), 40);
  assert.ok((await paintedPixels(page, 'canvas')) > 2000, 'the error-vs-h chart drew');
  assert.match((await page.textContent('.thresholds'))!, /≤ 1e-5/);
  assert.deepEqual(pageErrors(page), []);

  // Every control is labelled and reachable with Tab.
  const unlabelled = await page.$$eval('select, input, textarea, button', (els) =>
    els
      .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label') && !e.textContent?.trim())
      .map((e) => e.outerHTML),
  );
  assert.deepEqual(unlabelled, []);
  const reached = new Set<string>();
  // From "Show all": past the Replay/Trace controls below the result (webview/gradcheck/inside.ts), round to the form.
  for (let k = 0; k < 20; k++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || ''));
  }
  for (const id of ['gradient', 'wrt', 'h', 'preset', 'batch', 'seed', 'generate', 'inputs', 'run'])
    assert.ok(reached.has(id), `${id} is reachable with Tab`);
});

for (const [theme, forward, central] of [
  ['dark', '#d18616', '#3794ff'],
  ['light', '#d18616', '#1a85ff'],
  ['high-contrast', '#d18616', '#3794ff'],
] as const) {
  test(`the chart draws its two series in the ${theme} theme's chart colours`, async () => {
    const page = await open(theme);
    assert.ok((await pixelsNear(page, forward)) > 100, 'forward difference in --vscode-charts-orange');
    assert.ok((await pixelsNear(page, central)) > 100, 'central difference in --vscode-charts-blue');
    if (theme !== 'high-contrast') {
      mkdirSync(SHOTS_DIR, { recursive: true });
      const path = join(SHOTS_DIR, `gradcheck-panel-${theme}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size < 200_000, 'README screenshots stay under 200 KB');
    }
    assert.deepEqual(pageErrors(page), []);
  });
}

test('inputs that are not JSON are flagged and never sent; valid ones go out as a run message the extension accepts', async () => {
  const page = await open();
  await page.fill('#inputs', '{"y": [1, 2,');
  assert.equal(await page.getAttribute('#inputs', 'aria-invalid'), 'true');
  assert.match((await page.textContent('#inputs-error'))!, /not valid JSON/);
  await page.fill('#h', '-1');
  assert.equal(await page.textContent('#h-error'), GRADCHECK_STRINGS.invalidH, 'h says what is wrong with h, beside h');
  assert.match((await page.textContent('#inputs-error'))!, /not valid JSON/, 'and the inputs keep their own message');
  await page.click('#run');
  assert.equal((await posted(page)).filter((m) => (m as { type: string }).type === 'run').length, 0);
  await page.fill('#inputs', '{"y": [[0.2, 0.8]], "t": [[0, 1]]}');
  await page.fill('#h', '0.001');
  assert.deepEqual(
    [await page.textContent('#h-error'), await page.textContent('#inputs-error')],
    ['', ''],
    'fixed fields clear their messages',
  );
  await page.click('#run');
  const runs = (await posted(page)).filter((m) => (m as { type: string }).type === 'run');
  assert.equal(runs.length, 1);
  const parsed = parseGradcheckMessage(runs[0]);
  assert.deepEqual(parsed, {
    type: 'run',
    gradient: 'cross_entropy_error_grad',
    wrt: 'y',
    h: 0.001,
    inputsText: '{"y": [[0.2, 0.8]], "t": [[0, 1]]}',
  });
  assert.equal(await page.textContent('#status'), GRADCHECK_STRINGS.running);
});

test('a preset, Generate and Go to line post their requests; new inputs from the extension replace the text', async () => {
  const page = await open();
  await page.selectOption('#preset', 'book-yt-1');
  await page.fill('#batch', '8');
  await page.fill('#seed', '3');
  await page.click('#generate');
  const error: ResultView = {
    verdict: 'error',
    headline: 'Your loss raised NameError',
    messages: ['That name is not defined'],
    codes: ['exception'],
    location: { label: 'f.py, line 7', line: 7, source: 'x[idx]' },
    thresholds: '',
    rows: [],
    hasAnalytic: false,
    chart: null,
    stats: '',
  };
  await sendMessages(page, [{ type: 'result', result: error }]);
  await page.click('text=Go to line 7');
  const sent = (await posted(page)).map((m) => parseGradcheckMessage(m));
  assert.deepEqual(
    sent.filter((m) => m.type !== 'ready'),
    [
      { type: 'preset', id: 'book-yt-1' },
      { type: 'generate', batchSize: 8, seed: 3 },
      { type: 'reveal', line: 7 },
    ],
  );
  assert.equal(await page.textContent('.verdict .badge'), 'ERROR');
  assert.equal(await page.textContent('.location code'), 'x[idx]');
  // New inputs from the extension replace the text and the variable to differentiate.
  await sendMessages(page, [{ type: 'inputs', inputsText: '{\n  "y": [0.1, 0.9],\n  "t": [0, 1]\n}', wrt: 'y' }]);
  assert.equal(await page.inputValue('#inputs'), '{\n  "y": [0.1, 0.9],\n  "t": [0, 1]\n}');
  assert.equal(await page.getAttribute('#inputs', 'aria-invalid'), 'false');
});

/** The page's strings in Korean, as the extension sends them with a Korean display language. */
function koreanStrings(): Record<string, string> {
  const ko = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'gradcheck.json'), 'utf8')) as Record<
    string,
    string
  >;
  return Object.fromEntries(Object.entries(GRADCHECK_STRINGS).map(([k, v]) => [k, ko[v] ?? v]));
}

for (const width of [350, 700, 1400]) {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`issue 11: at ${width} px (${theme}) the verdict comes before the form, the Korean badge stays on one line, nothing overflows`, async () => {
      for (const language of ['en', 'ko'] as const) {
        const page = await openPage({
          page: 'gradcheck',
          strings: language === 'ko' ? koreanStrings() : GRADCHECK_STRINGS,
          theme,
          width,
          height: 600,
        });
        const pass = messages.map((m) =>
          m.type === 'result' ? { ...m, result: { ...m.result, verdict: 'pass' as const } } : m,
        );
        await sendMessages(page, pass);
        await page.waitForSelector('canvas');
        const box = async (sel: string) => (await page.locator(sel).first().boundingBox())!;
        const verdict = await box('.verdict');
        assert.ok(verdict.y + verdict.height <= (await box('.setup')).y, 'the verdict is above the form');
        assert.ok(verdict.y < 600, 'the verdict is in the first screen');
        const badge = await box('.verdict .badge');
        const lineHeight = await page.$eval(
          '.verdict .badge',
          (e) => parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.4,
        );
        assert.ok(
          badge.height <= lineHeight * 1.2,
          `${language} badge on one line (${badge.height} px for a ${lineHeight} px line)`,
        );
        if (language === 'ko') assert.equal(await page.textContent('.verdict .badge'), '통과');
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
        assert.ok((await box('#result-details canvas')).y > (await box('.setup')).y, 'table and chart follow the form');
        assert.deepEqual(pageErrors(page), []);
        if (width === 700 && theme === 'dark') {
          mkdirSync(SHOTS_DIR, { recursive: true });
          await page.screenshot({ path: join(SHOTS_DIR, `gradcheck-700-${language}.png`) });
        }
        await page.close();
      }
    });
  }
}
