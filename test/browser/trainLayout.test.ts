/**
 * The training page at real widths (issue 11, items 3 and 5–9): 350, 700 and 1,400 px in the light,
 * dark and high-contrast themes, fed the messages of two real runs (batch 1000 and batch 100,
 * test/fixtures/train/panel-messages.json) and of a run at learning rate 10 that stops learning.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LossDiagnosis } from '../../src/core/lossWatch';
import { TRAIN_STRINGS, type RunView, type TrainToWebview } from '../../src/protocol/train';
import { ROOT, Theme, closeBrowser, openPage, pageErrors, paintedPixels, sendMessages } from './chromium';

type Progress = Extract<TrainToWebview, { type: 'progress' }>;
const messages: TrainToWebview[] = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
);
const init = messages[0] as Extract<TrainToWebview, { type: 'init' }>;
const started = messages.find((m) => m.type === 'runStarted') as Extract<TrainToWebview, { type: 'runStarted' }>;
const progress = messages.filter((m): m is Progress => m.type === 'progress');
const finished = messages.find((m) => m.type === 'runFinished') as Extract<TrainToWebview, { type: 'runFinished' }>;
const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'train.json'), 'utf8'));
const koStrings = Object.fromEntries(Object.entries(TRAIN_STRINGS).map(([k, v]) => [k, ko[v]]));

after(closeBrowser);

const WIDTHS = [350, 700, 1400] as const;
const THEMES: Theme[] = ['light', 'dark', 'high-contrast'];

function open(
  opts: {
    theme?: Theme;
    width?: number;
    height?: number;
    lang?: string;
    locale?: string;
    strings?: Record<string, string>;
  } = {},
): Promise<Page> {
  return openPage({ page: 'train', data: init.options, theme: 'dark', width: 1400, height: 900, ...opts });
}

async function replay(page: Page): Promise<void> {
  await sendMessages(page, messages);
  await page.waitForFunction(() => Number(document.getElementById('accuracy-chart')?.dataset.points) > 200);
  await page.waitForSelector('.sample');
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());

// ---- item 3: a learning rate that is too large is explained ----

const saturated: LossDiagnosis = {
  kind: 'saturated',
  iter: 101,
  loss: 2.2571,
  chance: Math.log(10),
  saturation: 1,
  trainAccuracy: 0.0991,
};
const lr10: RunView = {
  ...started.run,
  id: 'r-lr10',
  name: '#3 · batch 100 · lr 10 · hidden 50',
  config: { ...started.run.config, learningRate: 10 },
};

async function lr10Run(page: Page): Promise<void> {
  const first = progress[0];
  await sendMessages(page, [
    { ...init, runs: [], histories: [] },
    { type: 'runStarted', run: lr10 },
    { ...first, id: lr10.id, loss: Array(30).fill(2.3), iter: 30, epochs: [] },
  ]);
  await page.waitForFunction(
    () =>
      document.querySelector('canvas.sparkline') && !(document.querySelector('canvas.sparkline') as HTMLElement).hidden,
  );
  assert.equal(await page.$$eval('.advice p', (p) => p.length), 0, 'nothing said before the loss says it');
  const epochs = [1, 2].map((epoch) => ({
    epoch,
    iter: (epoch - 1) * 100 + 1,
    trainAccuracy: 0.0991,
    testAccuracy: 0.0982,
  }));
  await sendMessages(page, [
    { ...first, id: lr10.id, fromIter: 31, iter: 130, loss: Array(100).fill(2.26), epochs, diagnosis: saturated },
  ]);
  await page.waitForSelector('.advice p.diagnosis');
}

test('lr 10: the panel says, while it runs and when it ends, that the loss is stuck at ln 10 and why', async () => {
  const page = await open({ width: 700 });
  await lr10Run(page);
  const advice = await text(page, '.advice');
  assert.match(
    advice,
    /^not learning The loss has stayed at 2\.26 ≈ ln 10 = 2\.30 since iteration 101: the network only guesses \(train accuracy 9\.9%\)\./,
  );
  assert.match(
    advice,
    /The learning rate 10 is too large: its first steps pushed 100% of the hidden sigmoids to 0 or 1, where sigmoid′\(a\) = \(1 − y\)·y ≈ 0/,
  );
  assert.match(
    advice,
    /Chapter 4\.4: a learning rate that is too large makes gradient descent diverge.*the book uses 0\.1\./,
  );
  assert.equal(await page.$eval('.advice .book-section', (b) => b.getAttribute('data-section')), '4.4');
  assert.equal(await text(page, `tr[data-run="r-lr10"] td.status`), 'running · not learning');

  const done: RunView = {
    ...lr10,
    status: 'finished',
    iterations: 10000,
    testAccuracy: 0.0981,
    trainAccuracy: 0.1005,
    wallSeconds: 6.7,
    diagnosis: saturated,
    hasModel: true,
  };
  await sendMessages(page, [
    { type: 'runFinished', run: done, history: { id: lr10.id, stride: 1, loss: Array(200).fill(2.26) } },
  ]);
  await page.waitForFunction(() => /^finished/.test(document.querySelector('.progress-text')?.textContent ?? ''));
  assert.equal(
    await text(page, '.progress-text'),
    'finished · not learning · test 9.81% · train 10.05% · 10,000 it in 6.7 s',
  );
  assert.match(await text(page, '.advice'), /learning rate 10 is too large/, 'the explanation stays after the run');
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('lr 10 in Korean: the same explanation in Korean', async () => {
  const page = await open({ width: 700, strings: koStrings, lang: 'ko' });
  await lr10Run(page);
  const advice = await text(page, '.advice');
  assert.match(advice, /^학습 안 됨 반복 101 이후 손실이 2\.26 ≈ ln 10 = 2\.30 근처에 머물러 있습니다/);
  assert.match(advice, /학습률\(10\)이 너무 큽니다/);
  assert.match(advice, /4\.4절/);
  assert.equal(await text(page, '.advice .book-section'), '4.4 기울기');
  await page.close();
});

// ---- item 9: numbers in VS Code's display language; the epoch table follows the newest epoch ----

test('numbers follow VS Code’s display language, not the browser’s locale', async () => {
  for (const [lang, locale, thousand] of [
    ['en', 'de-DE', '1,001'],
    ['ko', 'de-DE', '1,001'],
    ['de', 'en-US', '1.001'],
  ] as const) {
    const page = await open({ lang, locale });
    await replay(page);
    const iterations = await page.$$eval('table.epochs tbody td:nth-child(2)', (tds) =>
      tds.map((td) => td.textContent),
    );
    assert.equal(iterations[10], thousand, `${lang} in a ${locale} browser: iteration 1001 is written ${thousand}`);
    const ticks = await page.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.xticks ?? '');
    const grouped = ticks.split('|').find((t) => t.length > 4) ?? '';
    assert.ok(
      grouped.includes(thousand[1]) && !grouped.includes(thousand[1] === ',' ? '.' : ','),
      `${lang}: chart ticks ${ticks}`,
    );
    await page.close();
  }
});

test('the epoch table follows the newest epoch while training, until the learner scrolls up', async () => {
  const page = await open({ width: 350 });
  await sendMessages(page, [{ ...init, runs: [], histories: [] }, started]);
  const atBottom = () => page.$eval('.epochs-card .scroll', (s) => s.scrollTop + s.clientHeight >= s.scrollHeight - 2);
  const rows = () => page.$$eval('table.epochs tbody tr', (r) => r.length);
  let shown = 0;
  for (const m of progress) {
    await sendMessages(page, [m]);
    shown += m.epochs.length;
    if (shown >= 12) break;
  }
  await page.waitForFunction((n) => document.querySelectorAll('table.epochs tbody tr').length === n, shown);
  assert.ok(await page.$eval('.epochs-card .scroll', (s) => s.scrollHeight > s.clientHeight + 50), 'the table scrolls');
  assert.equal(await atBottom(), true, `epoch ${shown} is in sight`);
  await page.$eval('.epochs-card .scroll', (s) => s.scrollTo({ top: 0 }));
  await page.waitForTimeout(50);
  const rest = progress.slice(progress.findIndex((m) => m.epochs.some((e) => e.epoch === shown)) + 1);
  await sendMessages(page, rest.slice(0, 20));
  await page.waitForFunction((n) => document.querySelectorAll('table.epochs tbody tr').length > n, shown);
  assert.ok((await rows()) > shown);
  assert.equal(await page.$eval('.epochs-card .scroll', (s) => s.scrollTop), 0, 'scrolled up to read: left there');
  await page.close();
});

// ---- item 8: first feedback ----

test('no ETA until the speed is steady; a live loss sparkline sits beside the controls, above the fold at 350 px', async () => {
  const page = await open({ width: 350, height: 900 });
  await sendMessages(page, [
    { ...init, runs: [], histories: [] },
    started,
    { ...progress[0], etaSeconds: null, itPerSec: 5.9 },
  ]);
  await page.waitForFunction(() => /measuring/.test(document.querySelector('.progress-text')?.textContent ?? ''));
  assert.match(await text(page, '.progress-text'), /^Iteration [\d,]+ \/ 2,000 · 5\.9 it\/s · measuring the speed…$/);
  await sendMessages(page, [{ ...progress[1], etaSeconds: 5.2 }]);
  await page.waitForFunction(() => /ETA/.test(document.querySelector('.progress-text')?.textContent ?? ''));
  assert.match(await text(page, '.progress-text'), /· ETA 0:05$/);
  await sendMessages(page, progress.slice(2, 12));
  await page.waitForFunction(
    () => Number((document.querySelector('canvas.sparkline') as HTMLCanvasElement)?.dataset.points) > 50,
  );
  assert.ok((await paintedPixels(page, 'canvas.sparkline')) > 100, 'the sparkline drew the loss');
  const [spark, start, chart] = await page.$$eval('canvas.sparkline, button[data-action="start"], #loss-chart', (els) =>
    els.map((e) => e.getBoundingClientRect().top),
  );
  assert.ok(Math.abs(spark - start) < 120, `the sparkline is by the controls (${spark} vs ${start})`);
  assert.ok(spark < 900 && chart > 900, `above the fold (${spark}) where the chart is not (${chart})`);
  assert.match(
    (await page.$eval('canvas.sparkline', (c) => c.getAttribute('aria-label')))!,
    /^Loss so far: 2\.\d{3} → \d\.\d{3}$/,
  );
  await page.close();
});

// ---- item 5: comparing batch sizes ----

test('runs of different batch sizes share an images-seen axis by default; iterations and epochs on request; a compact legend', async () => {
  const page = await open({ width: 700, theme: 'high-contrast' });
  await replay(page);
  const axes = () =>
    page.$$eval('#loss-chart, #accuracy-chart', (cs) => cs.map((c) => (c as HTMLCanvasElement).dataset.axis));
  assert.deepEqual(await axes(), ['images', 'images'], 'batch 1000 and batch 100: images seen');
  // Both runs saw 2,000 × batch images: batch 1000 reaches 2,000,000, batch 100 200,000 (a tenth of the width, not squeezed into the left tenth by epochs).
  const ticks = await page.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.xticks!);
  assert.match(ticks, /2,000,000/);
  await page.selectOption('select[name="xAxis"]', 'iterations');
  await page.waitForFunction(
    () => (document.getElementById('loss-chart') as HTMLCanvasElement).dataset.axis === 'iterations',
  );
  assert.deepEqual(await axes(), ['iterations', 'iterations']);
  await page.selectOption('select[name="xAxis"]', 'epochs');
  await page.waitForFunction(
    () => (document.getElementById('loss-chart') as HTMLCanvasElement).dataset.axis === 'epochs',
  );
  assert.match(await page.$eval('#accuracy-chart', (c) => (c as HTMLCanvasElement).dataset.xticks!), /200/);
  assert.equal(
    await page.evaluate(() => (window as unknown as { __glState: { xAxis: string } }).__glState.xAxis),
    'epochs',
    'remembered',
  );
  await page.selectOption('select[name="xAxis"]', 'auto');
  // Five runs: the legend is the compact list above the charts, the plots keep their height.
  const more = [2, 3, 4].map((k) => ({
    ...finished.run,
    id: `r-more${k}`,
    name: `#${k + 2} · batch ${10 * k} · lr 0.1 · hidden 50`,
  }));
  for (const run of more) await sendMessages(page, [{ type: 'runFinished', run, history: finished.history }]);
  await page.waitForFunction(() => document.querySelectorAll('.legend li').length === 5);
  assert.deepEqual(await page.$$eval('.legend li', (li) => li.map((l) => l.textContent)), [
    init.runs[0].name,
    finished.run.name,
    ...more.map((r) => r.name),
  ]);
  await page.waitForTimeout(300);
  for (const id of ['loss-chart', 'accuracy-chart']) {
    const plot = await page.$eval(`#${id}`, (c) => Number((c as HTMLCanvasElement).dataset.plotHeight));
    assert.ok(plot > 200, `${id}: the plot keeps ${plot} of 280 px`);
  }
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('before a batch-1000 run starts, the form says why it takes about ten times longer', async () => {
  const page = await open({ width: 700 });
  assert.equal(
    await text(page, '.batch-note'),
    '10,000 iterations × batch 100 = 1,000,000 images seen: 100 epochs of 10,000 training images, each ending with an accuracy check on all 20,000 train and test images.',
  );
  assert.equal(await page.$eval('.batch-slow', (e) => (e as HTMLElement).hidden), true);
  await page.fill('input[name="batchSize"]', '1000');
  assert.equal(await page.$eval('.batch-slow', (e) => (e as HTMLElement).hidden), false);
  assert.equal(
    await text(page, '.batch-slow'),
    'Expect about 10× the time of batch 100: each iteration computes the gradient of 1,000 images, and an epoch is only 10 iterations, so 1,000 epochs mean 1,000 accuracy checks.',
  );
  assert.match(await text(page, '.batch-note'), /= 10,000,000 images seen: 1,000 epochs/);
  await page.fill('input[name="batchSize"]', '10');
  assert.equal(await page.$eval('.batch-slow', (e) => (e as HTMLElement).hidden), true, 'a small batch is not slower');
  await page.close();
});

// ---- items 6, 7 and the book's sections, at every width and theme ----

for (const width of WIDTHS) {
  for (const theme of THEMES) {
    test(`${width} px, ${theme}: confusion matrix whole and uncovered, run actions reachable, every card names its book section`, async () => {
      const page = await open({ width, theme });
      await replay(page);
      await page.waitForTimeout(200);
      // Item 6: the confusion matrix overlaps no other part of the model view and is not cut.
      const overlap = await page.$eval('table.confusion', (t) => {
        const r = t.getBoundingClientRect();
        return [...document.querySelectorAll('.model-col')]
          .filter((c) => !c.contains(t))
          .filter((c) => {
            const o = c.getBoundingClientRect();
            return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
          }).length;
      });
      assert.equal(overlap, 0, 'nothing covers the confusion matrix');
      const fit = await page.$eval('table.confusion', (t) => {
        const col = t.closest('.model-col') as HTMLElement;
        const cell = t.querySelector('tbody tr:last-child td:last-child')!.getBoundingClientRect();
        return {
          right: cell.right,
          colRight: col.getBoundingClientRect().right,
          scrolls: col.scrollWidth > col.clientWidth,
          overflow: getComputedStyle(col).overflowX,
        };
      });
      if (width >= 700)
        assert.ok(
          fit.right <= fit.colRight + 0.5 && !fit.scrolls,
          `${width}: the last column is in view (${fit.right} ≤ ${fit.colRight})`,
        );
      else
        assert.ok(!fit.scrolls || fit.overflow === 'auto', 'narrower than the matrix: it scrolls inside its own box');
      // Item 7: no horizontal scrolling of the run list; each run's actions are inside its card and named.
      assert.equal(
        await page.$eval('.runs-wrap', (w) => w.scrollWidth <= w.clientWidth),
        true,
        'the run list does not scroll sideways',
      );
      const rows = await page.$$eval('table.runs tbody tr', (trs) =>
        trs.map((tr) => {
          const card = tr.closest('.runs-card')!.getBoundingClientRect();
          const controls = [...tr.querySelectorAll('button, summary')].filter(
            (b) => (b as HTMLElement).offsetParent !== null,
          );
          return {
            inside: controls.every(
              (b) => b.getBoundingClientRect().left >= card.left && b.getBoundingClientRect().right <= card.right,
            ),
            tall: tr.getBoundingClientRect().height,
            menuLabel: tr.querySelector('summary')?.getAttribute('aria-label'),
          };
        }),
      );
      assert.equal(rows.length, 2);
      for (const r of rows) {
        assert.ok(r.inside, `${width}: every visible action inside the card`);
        assert.ok(r.tall < 160, `${width}: a run row is ${r.tall} px tall, not a column of stacked buttons`);
        assert.match(r.menuLabel ?? '', /^More actions for #\d · batch \d+ · lr 0\.1 · hidden 50$/);
      }
      const row = 'tr[data-run="r-batch1000"]';
      await page.click(`${row} summary`);
      const items = await page.$$eval(`${row} .run-menu-items button`, (bs) =>
        bs.map((b) => ({
          text: b.textContent,
          right: b.getBoundingClientRect().right,
          left: b.getBoundingClientRect().left,
        })),
      );
      assert.deepEqual(
        items.map((i) => i.text),
        ['Rename', 'CSV', 'JSON', 'Save model (.npz)', 'Save model (JSON)', 'Delete'],
      );
      assert.ok(
        items.every((i) => i.left >= 0 && i.right <= width),
        `${width}: the menu opens inside the panel`,
      );
      await page.focus(`${row} .run-menu-items button`);
      await page.keyboard.press('Escape');
      assert.equal(
        await page.$eval(`${row} details`, (d) => (d as HTMLDetailsElement).open),
        false,
        'Escape closes the menu',
      );
      assert.equal(
        await page.evaluate(() => document.activeElement?.tagName),
        'SUMMARY',
        'and focus returns to its button',
      );
      // The book's sections.
      const sections = await page.$$eval('.book-section', (b) => b.map((x) => x.getAttribute('data-section')));
      for (const s of ['4.1', '4.2', '4.5']) assert.ok(sections.includes(s), `a card names section ${s}`);
      assert.equal(await text(page, '.chart-card .book-section'), '4.2 Loss functions');
      assert.deepEqual(pageErrors(page), []);
      await page.close();
    });
  }
}
