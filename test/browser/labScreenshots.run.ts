/**
 * Not a test: renders labs in headless Chromium and saves PNGs for the README
 * (`node out/test/browser/labScreenshots.run.js [outDir] [theme]`, after `npm run build`).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { closeBrowser, openPage, ROOT, type Theme } from './chromium';
import { LAB_IDS, LAB_STRINGS, type LabId } from '../../src/protocol/tutorial';

/** A state worth showing, where the default is not it. */
const SETUP: Partial<Record<LabId, (page: Page) => Promise<void>>> = {
  field: async (page) => {
    await page.fill('#field-x0', '1.5');
    await page.fill('#field-x1', '-1');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  },
};

async function main(): Promise<void> {
  const outDir = process.argv[2] ?? join(ROOT, 'media', 'screenshots');
  const theme = (process.argv[3] ?? 'dark') as Theme;
  const only = process.argv[4]?.split(',');
  for (const lab of LAB_IDS) {
    if (only && !only.includes(lab)) continue;
    const page = await openPage({ page: 'labs', data: { lab }, strings: LAB_STRINGS, theme, width: 900, height: 790 });
    await SETUP[lab]?.(page);
    await page.waitForTimeout(1800); // the descent path animates for 1.5 s
    await page.screenshot({ path: join(outDir, `lab-${lab}.png`), fullPage: false });
    await page.close();
  }
  await closeBrowser();
}

void main();
