/**
 * The training form in a panel narrower than 350 px — the walkthrough's Train TwoLayerNet button
 * opens it beside the walkthrough, half of a 700 px window (≈ 320 px; e2e journeys.test.ts):
 * every field stays inside its card, nothing scrolls sideways, in the three themes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainToWebview } from '../../src/protocol/train';
import { ROOT, type Theme, closeBrowser, openPage } from './chromium';

const messages: TrainToWebview[] = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
);
const init = messages[0] as Extract<TrainToWebview, { type: 'init' }>;

after(closeBrowser);

for (const width of [300, 320, 350, 700, 1400]) {
  for (const theme of ['light', 'dark', 'high-contrast'] as Theme[]) {
    test(`${width} px, ${theme}: every form field inside its card, no sideways scrolling`, async () => {
      const page = await openPage({ page: 'train', data: init.options, theme, width, height: 900 });
      await page.waitForSelector('.form-grid input[name="learningRate"]');
      const out = await page.$$eval('.form-grid > *', (items) =>
        items
          .map((item) => {
            const card = (item.closest('section, .card') ?? document.body).getBoundingClientRect();
            const r = item.getBoundingClientRect();
            const field = item.querySelector('input, select')?.getAttribute('name') ?? item.textContent?.slice(0, 30);
            return { field, right: Math.round(r.right), cardRight: Math.round(card.right), hidden: r.width === 0 };
          })
          .filter((x) => !x.hidden && x.right > x.cardRight + 1),
      );
      assert.deepEqual(out, [], `${width} px: fields past their card's right edge`);
      const scrolls = await page.evaluate(
        () => document.scrollingElement!.scrollWidth > document.scrollingElement!.clientWidth + 1,
      );
      assert.equal(scrolls, false, `${width} px: the page scrolls sideways`);
    });
  }
}
