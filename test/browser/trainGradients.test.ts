/**
 * The training page's gradient views in headless Chromium, fed what the real worker measured
 * (dist/trainWorker.js through TrainSession): snapshots, histograms, the initial loss, the backprop
 * timeline, a live learning-rate change and the learning-rate finder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { BOOK_DEFAULTS } from '../../src/core/trainer';
import { TrainSession, runWorkerJob } from '../../src/panels/train/trainSession';
import { DEFAULT_RUN_CONFIG, type RunView, type TrainToWebview, startedRun } from '../../src/protocol/train';
import type { LrFinderView, WatchItem } from '../../src/protocol/trainWatch';
import {
  ROOT,
  SHOTS_DIR,
  Theme,
  closeBrowser,
  openPage,
  pageErrors,
  paintedPixels,
  posted,
  sendMessages,
} from './chromium';

const WORKER = join(ROOT, 'dist', 'trainWorker.js');
const dataset = { kind: 'bundled' as const, dir: join(ROOT, 'media', 'mnist') };
const options = { fashionAvailable: false, fashionDir: '', bundledTrainCount: 10000 };
let items: WatchItem[] = [];
let finder: LrFinderView;

before(async () => {
  const recorded: WatchItem[] = [];
  await new Promise<void>((resolve, reject) => {
    new TrainSession(
      WORKER,
      { type: 'train', config: { ...BOOK_DEFAULTS, iters: 300, checkEvery: 100 }, dataset, watchMs: 5 },
      {
        watch: (i) => recorded.push(i),
        done: () => resolve(),
        error: (m) => reject(new Error(m)),
      },
    );
  });
  items = recorded;
  finder = (await runWorkerJob(WORKER, { type: 'lrFinder', config: BOOK_DEFAULTS, dataset }, 'lrFinder')).result;
});
after(closeBrowser);

const run: RunView = startedRun({
  id: 'live1',
  name: '#1 · batch 100 · lr 0.1 · hidden 50',
  config: DEFAULT_RUN_CONFIG,
  datasetName: 'MNIST',
  createdAt: 0,
});

/** The page gets every item but only the last 60 snapshots (the worker sends a few a second; the test ran faster). */
function fewer(all: WatchItem[]): WatchItem[] {
  const snapshots = all.filter((i) => i.kind === 'snapshot');
  const keep = new Set(snapshots.slice(-60));
  return all.filter((i) => i.kind !== 'snapshot' || keep.has(i));
}

async function openLive(theme: Theme, width: number): Promise<Page> {
  const page = await openPage({ page: 'train', data: options, theme, width, height: 1000 });
  const msgs: TrainToWebview[] = [
    { type: 'init', runs: [], histories: [], options },
    { type: 'runStarted', run },
    {
      type: 'progress',
      id: run.id,
      fromIter: 1,
      loss: [2.3, 2.29, 2.28],
      epochs: [],
      iter: 3,
      iters: 10000,
      itPerSec: 0,
      etaSeconds: null,
      elapsedMs: 30,
    },
    ...fewer(items).map((item) => ({ type: 'watch' as const, id: run.id, item })),
  ];
  await sendMessages(page, msgs);
  await page.waitForTimeout(400);
  return page;
}

test('the gradient views draw what the worker measured: dW1 beside W1, norms, ratios with the 1e-3 rule, histograms, timeline', async () => {
  const page = await openLive('dark', 1280);
  assert.ok((await paintedPixels(page, '#gradients canvas[aria-label^="W1"]')) > 1000);
  assert.ok((await paintedPixels(page, '#gradients canvas[aria-label^="dW1"]')) > 1000);
  const initial = await page.textContent('#gradients .initial-loss');
  assert.match(initial ?? '', /Initial loss 2\.\d{4} ≈ ln 10 = 2\.3026: before learning every class gets about 1\/10/);
  for (const chart of ['Gradient norm', 'Update/weight ratio'])
    assert.ok((await paintedPixels(page, `#gradients canvas[aria-label^="${chart}"]`)) > 500, chart);
  assert.match(
    (await page.textContent('#gradients .grad-check p')) ?? '',
    /iteration 300: relative error [0-9.e-]+ — backprop agrees/,
  );
  assert.match(
    (await page.textContent('#gradients h3:has(+ select), #gradients .row.spread h3')) ?? '',
    /Histograms at epoch 3/,
  );
  await page.selectOption('select[name="histGroup"]', 'W2');
  assert.match((await page.textContent('.histograms figcaption')) ?? '', /W2 weights/);
  assert.deepEqual(pageErrors(page), []);
  await page.screenshot({
    path: join(SHOTS_DIR, 'train-gradients-dark.png'),
    clip: await page.$eval('#gradients', (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y + window.scrollY, width: Math.min(r.width, 1000), height: Math.min(r.height, 560) };
    }),
    fullPage: true,
  });
  await page.close();
});

test('the live learning rate: Apply posts the change, the change marks the loss chart; refused values are marked', async () => {
  const page = await openLive('light', 1000);
  assert.equal(await page.isDisabled('input[name="liveLearningRate"]'), false);
  await page.fill('input[name="liveLearningRate"]', '0.5');
  await page.click('button[name="applyRate"]');
  await page.fill('input[name="liveLearningRate"]', '-3');
  await page.click('button[name="applyRate"]');
  assert.equal(await page.getAttribute('input[name="liveLearningRate"]', 'aria-invalid'), 'true');
  const sent = ((await posted(page)) as { type: string; learningRate?: number }[]).filter(
    (m) => m.type === 'setLearningRate',
  );
  assert.deepEqual(sent, [{ type: 'setLearningRate', learningRate: 0.5 }]);
  await sendMessages(page, [{ type: 'watch', id: run.id, item: { kind: 'learningRate', iter: 4, learningRate: 0.5 } }]);
  await page.waitForTimeout(400);
  assert.equal(await page.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.rateMarkers), '1');
  // Without a run, the live rate cannot be applied.
  await sendMessages(page, [
    {
      type: 'runFinished',
      run: { ...run, status: 'finished', learningRateChanges: [{ iter: 4, learningRate: 0.5 }] },
      history: { id: run.id, stride: 1, loss: [2.3, 2.29, 2.28] },
    },
  ]);
  await page.waitForTimeout(300);
  assert.equal(await page.isDisabled('input[name="liveLearningRate"]'), true);
  assert.equal(await page.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.rateMarkers), '1');
  await page.close();
});

test('the learning-rate finder: the button sends the form’s settings, the result suggests a rate the form takes', async () => {
  const page = await openPage({ page: 'train', data: options, theme: 'high-contrast', width: 700, height: 1000 });
  await sendMessages(page, [{ type: 'init', runs: [], histories: [], options }]);
  await page.click('button[name="findLearningRate"]');
  const sent = ((await posted(page)) as { type: string; config?: { learningRate: number } }[]).filter(
    (m) => m.type === 'findLearningRate',
  );
  assert.equal(sent.length, 1);
  assert.equal(sent[0].config?.learningRate, 0.1);
  await sendMessages(page, [{ type: 'lrFinder', state: 'running' }]);
  await page.waitForSelector('button[name="findLearningRate"]:disabled', { timeout: 5000 });
  await sendMessages(page, [{ type: 'lrFinder', state: 'done', result: finder }]);
  await page.waitForTimeout(300);
  assert.match(
    (await page.textContent('#lr-finder p[role="status"]')) ?? '',
    /suggested rate [0-9.e+-]+ \(a tenth of it\)\. The book uses 0\.1/,
  );
  assert.ok((await paintedPixels(page, '#lr-finder canvas')) > 500);
  await page.click('button[name="useSuggested"]');
  assert.equal(await page.inputValue('input[name="learningRate"]'), String(Number(finder.suggested.toPrecision(2))));
  await page.close();
});

test('the overfit preset fills the form: 100 training images, batch 10, lr 1, 1,000 iterations; sampling is a choice', async () => {
  const page = await openPage({ page: 'train', data: options, theme: 'dark', width: 1000, height: 900 });
  await sendMessages(page, [{ type: 'init', runs: [], histories: [], options }]);
  await page.click('button[name="overfitPreset"]');
  assert.equal(await page.inputValue('input[name="trainImages"]'), '100');
  assert.equal(await page.inputValue('input[name="batchSize"]'), '10');
  assert.equal(await page.inputValue('input[name="learningRate"]'), '1');
  assert.equal(await page.inputValue('input[name="iters"]'), '1000');
  await page.selectOption('select[name="sampling"]', 'shuffled');
  await page.fill('input[name="checkEvery"]', '500');
  await page.click('button[data-action="start"]');
  const start = ((await posted(page)) as { type: string; config?: Record<string, unknown> }[]).find(
    (m) => m.type === 'start',
  );
  assert.deepEqual(
    {
      trainImages: start?.config?.trainImages,
      sampling: start?.config?.sampling,
      checkEvery: start?.config?.checkEvery,
      batchSize: start?.config?.batchSize,
    },
    { trainImages: 100, sampling: 'shuffled', checkEvery: 500, batchSize: 10 },
  );
  await page.close();
});

for (const theme of ['light', 'dark', 'high-contrast'] as const) {
  for (const width of [350, 700, 1400]) {
    test(`the gradient views fit ${width} px in the ${theme} theme`, async () => {
      const page = await openLive(theme, width);
      const overflow = await page.$$eval('#gradients, #lr-finder', (els) =>
        els.map((e) => e.scrollWidth - e.clientWidth),
      );
      assert.deepEqual(overflow, [0, 0]);
      const right = await page.$$eval('#gradients, #lr-finder', (els) =>
        els.map((e) => e.getBoundingClientRect().right <= window.innerWidth + 1),
      );
      assert.deepEqual(right, [true, true]);
      await page.close();
    });
  }
}
