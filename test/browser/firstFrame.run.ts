/**
 * Measures how soon each page shows its first frame in headless Chromium: from navigation start
 * until its main controls are in the DOM and the frame after that is painted — timed inside the
 * page (a MutationObserver, then requestAnimationFrame + setTimeout), so the driver's round trips
 * do not count. A measurement, not a test: `node out/test/browser/firstFrame.run.js` prints one
 * line a page (median of 5). Build with --production first to measure what ships.
 */
import type { Page } from 'playwright-core';
import { closeBrowser, openPage } from './chromium';

const PAGES: [page: string, ready: string][] = [
  ['train', 'button[data-action=start]'],
  ['gradcheck', '#app *'],
  ['labs', '#tab-loss'],
];

/** Installed before the page's own script runs: records when `ready` appears and is painted. */
function watchFirstFrame(ready: string): void {
  const w = window as unknown as { __glFirstFrame?: number };
  const painted = () => requestAnimationFrame(() => setTimeout(() => (w.__glFirstFrame = performance.now())));
  const observer = new MutationObserver(() => {
    if (document.querySelector(ready)) {
      observer.disconnect();
      painted();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function firstFrameMs(page: string, ready: string): Promise<number> {
  const p: Page = await openPage({
    page,
    theme: 'dark',
    beforeLoad: async (pg) => void (await pg.addInitScript(watchFirstFrame, ready)),
  });
  await p.waitForFunction(() => (window as unknown as { __glFirstFrame?: number }).__glFirstFrame !== undefined);
  const ms = await p.evaluate(() => (window as unknown as { __glFirstFrame: number }).__glFirstFrame);
  await p.close();
  return ms;
}

(async () => {
  for (const [page, ready] of PAGES) {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) runs.push(await firstFrameMs(page, ready));
    runs.sort((a, b) => a - b);
    console.log(
      `${page.padEnd(10)} first frame ${runs[2].toFixed(0)} ms (median of 5; min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)})`,
    );
  }
  await closeBrowser();
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
