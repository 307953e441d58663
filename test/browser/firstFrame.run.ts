/**
 * Measures how soon each page shows its first frame in headless Chromium: from navigation start
 * to its main controls being in the DOM, then to the next painted frame. A measurement, not a
 * test: `node out/test/browser/firstFrame.run.js` prints one line a page (median of 5).
 */
import { closeBrowser, openPage } from './chromium';

const PAGES: [page: string, ready: string][] = [
  ['train', 'button[data-action=start]'],
  ['gradcheck', '#app *'],
  ['labs', '#tab-loss'],
];

async function firstFrameMs(page: string, ready: string): Promise<number> {
  const p = await openPage({ page, theme: 'dark' });
  await p.waitForSelector(ready);
  const ms = await p.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
  await p.close();
  return ms;
}

(async () => {
  for (const [page, ready] of PAGES) {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await firstFrameMs(page, ready));
    runs.sort((a, b) => a - b);
    console.log(`${page.padEnd(10)} first frame ${runs[2].toFixed(0)} ms (median of 5; min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)})`);
  }
  await closeBrowser();
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
