/**
 * The training page (dist/webview/train.js) in headless Chromium, fed the messages two real runs
 * produced (test/fixtures/train/panel-messages.json, made by test/fixtures/train/record.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  TRAIN_STRINGS,
  type ModelView,
  type NetCheckResult,
  type RunView,
  type TrainToWebview,
} from '../../src/protocol/train';
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

const messages: TrainToWebview[] = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
);
const init = messages[0] as Extract<TrainToWebview, { type: 'init' }>;
const started = messages.find((m) => m.type === 'runStarted')!;
const progress = messages.filter((m) => m.type === 'progress');
const finished = messages.find((m) => m.type === 'runFinished') as Extract<TrainToWebview, { type: 'runFinished' }>;
const model = (messages.find((m) => m.type === 'model') as Extract<TrainToWebview, { type: 'model' }>).view;

after(closeBrowser);

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
/** The buttons' disabled flags (what `disabled` reads) with no run, a run going, a run paused. */
const BUTTONS = {
  idle: { start: false, pause: true, resume: true, step: true, stop: true, reset: true },
  running: { start: true, pause: false, resume: true, step: true, stop: false, reset: false },
  paused: { start: true, pause: true, resume: false, step: false, stop: false, reset: false },
};

async function open(theme: Theme = 'dark', width = 1280): Promise<Page> {
  return openPage({ page: 'train', data: init.options, theme, width, height: 1000 });
}

async function disabled(page: Page): Promise<Record<string, boolean>> {
  return page.$$eval('button[data-action]', (bs) =>
    Object.fromEntries(bs.map((b) => [b.getAttribute('data-action'), (b as HTMLButtonElement).disabled])),
  );
}

async function points(page: Page, id: string): Promise<number> {
  return page.$eval(`#${id}`, (c) => Number((c as HTMLCanvasElement).dataset.points ?? 0));
}

/** Pixels of a canvas within `tol` of a colour: proof that a series in that colour was drawn. */
async function pixelsOfColor(page: Page, selector: string, hex: string, tol = 24): Promise<number> {
  return page.$eval(
    selector,
    (el, [h, t]) => {
      const c = el as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt((h as string).slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < (t as number)) n++;
      return n;
    },
    [hex, tol] as const,
  );
}

async function posts(page: Page, type: string): Promise<Record<string, unknown>[]> {
  return ((await posted(page)) as Record<string, unknown>[]).filter((m) => m.type === type);
}

/** A README screenshot from the top of `from` to the bottom of `to`, kept under 200 KB. */
async function shoot(page: Page, name: string, from: string, to: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const top = (await page.$eval(from, (e) => e.getBoundingClientRect().top + window.scrollY)) as number;
  const bottom = (await page.$eval(to, (e) => e.getBoundingClientRect().bottom + window.scrollY)) as number;
  const file = join(SHOTS_DIR, name);
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y: Math.max(0, top - 8), width: 1280, height: bottom - top + 16 },
  });
  assert.ok(statSync(file).size < 200_000, `${name}: ${statSync(file).size} bytes`);
}

async function replayRun(page: Page): Promise<void> {
  await sendMessages(page, messages);
  await page.waitForFunction(() => Number(document.getElementById('accuracy-chart')?.dataset.points) > 200);
}

test('the panel draws a recorded run live: charts fill in, the epoch table grows, the buttons follow the run', async () => {
  const page = await open('dark');
  assert.deepEqual(await posts(page, 'ready'), [{ type: 'ready' }], 'the page says it is ready once');
  await sendMessages(page, [init]);
  await page.waitForFunction(() => Number(document.getElementById('loss-chart')?.dataset.points) > 0);
  assert.equal(await page.$$eval('table.runs tbody tr', (r) => r.length), 1);
  assert.deepEqual(await disabled(page), BUTTONS.idle);

  // Half of the live run: running controls, a partly drawn loss curve, the first epochs.
  const half = progress.slice(0, Math.floor(progress.length / 2));
  await sendMessages(page, [started, ...half]);
  const lastHalf = half[half.length - 1] as Extract<TrainToWebview, { type: 'progress' }>;
  await page.waitForFunction(
    (n) => document.querySelectorAll('table.epochs tbody tr').length === n,
    half.flatMap((m) => (m as { epochs: unknown[] }).epochs).length,
  );
  assert.deepEqual(await disabled(page), BUTTONS.running);
  assert.equal(
    await page.$eval('input[name="hiddenSize"]', (i) => (i as HTMLInputElement).disabled),
    true,
    'the form is locked during a run',
  );
  const text = await page.$eval('.progress-text', (e) => e.textContent);
  assert.match(
    text!,
    new RegExp(`^Iteration ${lastHalf.iter.toLocaleString('en-US')} / 2,000 · \\d[\\d,.]* it/s · ETA \\d+:\\d\\d$`),
  );
  assert.equal(await page.$eval('progress', (p) => (p as HTMLProgressElement).value), lastHalf.iter);
  const pointsMidway = await points(page, 'loss-chart');

  // The rest: the run finishes, the model arrives.
  await sendMessages(page, messages.slice(messages.indexOf(lastHalf) + 1));
  await page.waitForFunction((n) => Number(document.getElementById('loss-chart')?.dataset.points) > n, pointsMidway);
  await page.waitForSelector('.sample');
  assert.deepEqual(await disabled(page), BUTTONS.idle);
  const run = finished.run;
  const rows = await page.$$eval('table.epochs tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  assert.equal(rows.length, 20);
  assert.deepEqual(rows[0], ['1', '1', pct(run.epochs[0].trainAccuracy), pct(run.epochs[0].testAccuracy)]);
  assert.deepEqual(rows[19], ['20', '1,901', pct(run.epochs[19].trainAccuracy), pct(run.epochs[19].testAccuracy)]);
  assert.match(
    (await page.$eval('.progress-text', (e) => e.textContent))!,
    new RegExp(`^finished · test ${pct(run.testAccuracy!)} · train ${pct(run.trainAccuracy!)} · 2,000 it in`),
  );

  // Both charts drew both runs, in the theme's chart colours (blue: run 1, orange: run 2).
  // (Where the two curves coincide the newer one covers the older: count each colour's legend at least, both together as lines.)
  for (const id of ['#loss-chart', '#accuracy-chart']) {
    assert.ok((await paintedPixels(page, id)) > 5000, `${id} painted`);
    const [blue, orange] = [await pixelsOfColor(page, id, '#3794ff'), await pixelsOfColor(page, id, '#d18616')];
    assert.ok(
      blue > 20 && orange > 20 && blue + orange > 400,
      `${id}: ${blue} pixels in --vscode-charts-blue (run 1), ${orange} in --vscode-charts-orange (run 2)`,
    );
  }
  assert.equal(await points(page, 'accuracy-chart'), 2 * 200 + 2 * 20, 'train and test for 200 + 20 epochs');

  // The model: sample grid with mistakes marked, confusion matrix, W1 as images.
  const samples = await page.$$eval('.sample', (fs) =>
    fs.map((f) => [f.classList.contains('wrong'), f.querySelector('figcaption')!.textContent]),
  );
  assert.equal(samples.length, model.samples.length);
  model.samples.forEach((s, i) => {
    assert.deepEqual(samples[i], [
      s.predicted !== s.label,
      `${s.predicted} (${s.label})${s.predicted !== s.label ? ' ✗' : ''}`,
    ]);
  });
  assert.ok(
    samples.some(([wrong]) => wrong),
    'the recorded run gets some of the first 40 wrong',
  );
  const confusion = await page.$$eval('table.confusion tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))),
  );
  assert.deepEqual(confusion, model.confusion);
  assert.equal(
    confusion.reduce((s, r, i) => s + r[i], 0),
    Math.round(model.testAccuracy * 10000),
  );
  assert.ok((await paintedPixels(page, 'canvas.weights')) > 50 * 700, 'all 50 weight images drawn');
  assert.match(
    (await page.$eval('.model-heading', (e) => e.textContent))!,
    new RegExp(`test accuracy ${pct(model.testAccuracy).replace('.', '\\.')}`),
  );

  // Draw a 1 on the pad (keyboard: Space paints, Shift+arrows draw) so the screenshot shows probabilities.
  await page.focus('canvas.pad');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Space');
  for (let i = 0; i < 16; i++) await page.keyboard.press('Shift+ArrowDown');
  const predict = (await posts(page, 'predict')).pop()!;
  const probs = [0.001, 0.93, 0.01, 0.005, 0.01, 0.004, 0.01, 0.02, 0.008, 0.002];
  await sendMessages(page, [
    { type: 'probabilities', requestId: Number(predict.requestId), id: model.id, probs } satisfies TrainToWebview,
  ]);
  await page.waitForSelector('ol.probs li.best');

  assert.deepEqual(pageErrors(page), []);
  mkdirSync(SHOTS_DIR, { recursive: true });
  await shoot(page, 'train-panel-dark.png', 'body', '.charts');
  await page.check('input[name="onlyMistakes"]');
  await shoot(page, 'train-model-dark.png', '#model', '#model');
  await page.close();
});

test('light and high-contrast themes draw the charts in their own --vscode-charts colours', async () => {
  for (const [theme, blue, orange] of [
    ['light', '#1a85ff', '#d18616'],
    ['high-contrast', '#3794ff', '#d18616'],
  ] as const) {
    const page = await open(theme);
    await replayRun(page);
    await page.waitForTimeout(200);
    assert.ok(
      (await pixelsOfColor(page, '#accuracy-chart', blue)) > 150,
      `${theme}: run 1 in its --vscode-charts-blue`,
    );
    assert.ok((await pixelsOfColor(page, '#loss-chart', orange)) > 150, `${theme}: run 2 in --vscode-charts-orange`);
    const tick = await page.$eval('body', () =>
      getComputedStyle(document.body).getPropertyValue('--vscode-editor-foreground').trim(),
    );
    assert.ok(tick.length > 0);
    assert.deepEqual(pageErrors(page), []);
    if (theme === 'light') await shoot(page, 'train-panel-light.png', 'body', '.charts');
    await page.close();
  }
});

test('the form refuses invalid values with a reason and starts nothing; valid values start a run with exactly them', async () => {
  const page = await open();
  await page.fill('input[name="hiddenSize"]', '0');
  await page.fill('input[name="learningRate"]', 'fast');
  await page.fill('input[name="batchSize"]', '20000');
  await page.click('button[data-action="start"]');
  assert.deepEqual(await posts(page, 'start'), [], 'nothing started');
  const reason = (name: string) =>
    page.$eval(`input[name="${name}"]`, (i) => [
      i.getAttribute('aria-invalid'),
      document.getElementById(i.getAttribute('aria-describedby')!)!.textContent,
    ]);
  assert.deepEqual(await reason('hiddenSize'), ['true', 'Must be between 1 and 1000.']);
  assert.deepEqual(await reason('learningRate'), ['true', 'Enter a number greater than 0 (e.g. 0.1).']);
  assert.deepEqual(await reason('batchSize'), [
    'true',
    'Larger than the training set (10000 images): choose at most 10000.',
  ]);
  assert.equal(
    await page.evaluate(() => (document.activeElement as HTMLInputElement).name),
    'hiddenSize',
    'focus goes to the first refused field',
  );

  await page.fill('input[name="hiddenSize"]', '200');
  await page.fill('input[name="learningRate"]', '0.05');
  await page.fill('input[name="batchSize"]', '10');
  await page.selectOption('select[name="gradientMethod"]', 'numerical');
  const warning = await page.$eval('.numerical-warning', (e) => ((e as HTMLElement).hidden ? '' : e.textContent));
  // 784·200 + 200 + 200·10 + 10 = 159,010 parameters; 31 s × (10/100) × (159010/39760)² ≈ 49.6 s an iteration.
  assert.match(
    warning!,
    /each of the 159,010 parameters: 318,020 passes per iteration, about 50 s per iteration in numpy, so 10,000 iterations would take about 5\.7 days/,
  );
  await page.click('button[data-action="start"]');
  assert.deepEqual(await posts(page, 'start'), [
    {
      type: 'start',
      config: {
        hiddenSize: 200,
        learningRate: 0.05,
        batchSize: 10,
        iters: 10000,
        weightInitStd: 0.01,
        seed: 42,
        gradientMethod: 'numerical',
        dataset: { kind: 'bundled' },
      },
    },
  ]);
  // The form is remembered for a reload (webview state).
  const state = await page.evaluate(
    () => (window as unknown as { __glState: { form: Record<string, string> } }).__glState.form,
  );
  assert.equal(state.hiddenSize, '200');
  await page.close();
});

test('a folder of idx files: Browse asks the extension, the picked path fills the form', async () => {
  const page = await open();
  await page.selectOption('select[name="dataset"]', 'folder');
  await page.click('button[data-action="start"]');
  assert.deepEqual(await posts(page, 'start'), []);
  await page.click('button:has-text("Browse…")');
  assert.equal((await posts(page, 'pickFolder')).length, 1);
  await sendMessages(page, [{ type: 'folderPicked', path: '/data/fashion-mnist' }]);
  await page.click('button[data-action="start"]');
  const [start] = await posts(page, 'start');
  assert.deepEqual((start.config as { dataset: unknown }).dataset, { kind: 'folder', path: '/data/fashion-mnist' });
  await page.close();
});

test('Pause, Step, Resume, Stop and Reset post their messages; the buttons follow the state the extension reports', async () => {
  const page = await open();
  await sendMessages(page, [init, started, progress[0]]);
  await page.click('button[data-action="pause"]');
  await sendMessages(page, [{ type: 'runState', id: 'r-batch100', state: 'paused' }]);
  assert.deepEqual(await disabled(page), BUTTONS.paused);
  assert.match((await page.$eval('.progress-text', (e) => e.textContent))!, /^Paused at iteration \d+ \/ 2,000/);
  await page.click('button[data-action="step"]');
  await page.click('button[data-action="resume"]');
  await sendMessages(page, [{ type: 'runState', id: 'r-batch100', state: 'running' }]);
  assert.deepEqual(await disabled(page), BUTTONS.running);
  await page.click('button[data-action="stop"]');
  await page.click('button[data-action="reset"]');
  const types = ((await posted(page)) as { type: string }[]).map((m) => m.type).filter((t) => t !== 'ready');
  assert.deepEqual(types, ['pause', 'step', 'resume', 'stop', 'reset']);
  await sendMessages(page, [{ type: 'runDeleted', id: 'r-batch100' }, { type: 'reset' }]);
  assert.deepEqual(await disabled(page), BUTTONS.idle);
  assert.equal(await page.$$eval('table.runs tbody tr', (r) => r.length), 1, 'the discarded run is gone');
  await page.close();
});

test('runs can be hidden, renamed, deleted (on a second click), exported, saved and inspected', async () => {
  const page = await open();
  await replayRun(page);
  const row = 'tr[data-run="r-batch1000"]';
  // Everything but Inspect is in the run's "⋯" menu, which closes after each action.
  const fromMenu = async (item: string) => {
    await page.click(
      `${row} summary[aria-label="More actions for #1 · batch 1000 · lr 0.1 · hidden 50"], ${row} summary`,
    );
    await page.click(`${row} .run-menu-items >> ${item}`);
  };
  await page.uncheck(`${row} input[type="checkbox"]`);
  await fromMenu('text=Rename');
  await page.fill(`${row} td.name input`, 'big batch');
  await page.keyboard.press('Enter');
  await fromMenu('text=CSV');
  await fromMenu('text=JSON');
  await fromMenu('text=Save model (.npz)');
  await page.click(`${row} >> text=Inspect`);
  await fromMenu('button.delete');
  assert.equal(await page.$eval(`${row} button.delete`, (b) => b.textContent), 'Delete? Click again');
  assert.deepEqual(await posts(page, 'deleteRun'), [], 'one click does not delete');
  await page.click(`${row} button.delete`);
  const sent = ((await posted(page)) as { type: string }[]).filter((m) => !['ready'].includes(m.type));
  assert.deepEqual(sent, [
    { type: 'setHidden', id: 'r-batch1000', hidden: true },
    { type: 'renameRun', id: 'r-batch1000', name: 'big batch' },
    { type: 'exportRun', id: 'r-batch1000', format: 'csv' },
    { type: 'exportRun', id: 'r-batch1000', format: 'json' },
    { type: 'saveModel', id: 'r-batch1000', format: 'npz' },
    { type: 'selectModel', id: 'r-batch1000' },
    { type: 'deleteRun', id: 'r-batch1000' },
  ]);
  // What the extension answers is drawn: the hidden run leaves the charts, the deleted one the list.
  const before = await points(page, 'accuracy-chart');
  await sendMessages(page, [{ type: 'runUpdated', run: { ...init.runs[0], hidden: true, name: 'big batch' } }]);
  await page.waitForFunction((n) => Number(document.getElementById('accuracy-chart')?.dataset.points) < n, before);
  assert.equal(await points(page, 'accuracy-chart'), 40, 'only the 20 epochs of the shown run');
  assert.equal(await page.$eval(`${row} td.name`, (e) => e.textContent), 'big batch');
  await sendMessages(page, [{ type: 'runDeleted', id: 'r-batch1000' }]);
  assert.deepEqual(await page.$$eval('table.runs tbody tr', (r) => r.map((x) => x.getAttribute('data-run'))), [
    'r-batch100',
  ]);
  await page.close();
});

test('Save PNG sends the chart as a PNG on the theme background', async () => {
  const page = await open();
  await replayRun(page);
  await page.click('.chart-card:nth-of-type(1) >> text=Save PNG');
  const [m] = await posts(page, 'exportChart');
  assert.equal(m.chart, 'loss');
  const png = Buffer.from(String(m.dataUrl).replace('data:image/png;base64,', ''), 'base64');
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.ok(png.length > 5000);
  await page.close();
});

const run = (over: Partial<RunView>): RunView => ({ ...finished.run, id: 'x', hidden: false, ...over });

test('a diverged run says the learning rate is too large; falling test accuracy with rising train accuracy is called overfitting', async () => {
  const page = await open();
  const message =
    'The loss became NaN at iteration 3: the learning rate 1e+308 is too large. Try a smaller one (the book uses 0.1).';
  await sendMessages(page, [
    {
      ...init,
      runs: [run({ id: 'd', status: 'diverged', message, iterations: 3, epochs: [] })],
      histories: [{ id: 'd', stride: 1, loss: [2.3, 2.2, null as unknown as number] }],
    },
  ]);
  await page.waitForSelector('.advice p.error');
  assert.equal(await page.$eval('.advice', (e) => e.textContent), message);
  const epochs = [
    [0.8, 0.79],
    [0.9, 0.88],
    [0.95, 0.905],
    [0.97, 0.9],
    [0.98, 0.895],
    [0.99, 0.89],
  ].map(([tr, te], i) => ({ epoch: i + 1, iter: i * 100 + 1, trainAccuracy: tr, testAccuracy: te }));
  await sendMessages(page, [
    {
      type: 'runFinished',
      run: run({ id: 'o', name: 'hidden 200', epochs }),
      history: { id: 'o', stride: 1, loss: [1, 0.5] },
    },
  ]);
  await page.waitForSelector('.advice p.warning');
  assert.match(
    (await page.$eval('.advice', (e) => e.textContent))!,
    /^Overfitting: from epoch 3 to 6 train accuracy rose \(95\.00% → 99\.00%\) while test accuracy fell \(90\.50% → 89\.00%\)/,
  );
  await page.close();
});

test('the network gradient check card shows every parameter group with its errors and verdict', async () => {
  const page = await open();
  await sendMessages(page, [{ type: 'netCheck', state: 'running', batchSize: 3 }]);
  assert.match(
    (await page.$eval('#netcheck', (e) => e.textContent))!,
    /Computing the numerical gradient of all 39,760 parameters/,
  );
  const result: NetCheckResult = {
    batchSize: 3,
    hiddenSize: 50,
    parameters: 39760,
    seconds: 0.05,
    groups: [
      {
        name: 'W1',
        shape: [784, 50],
        maxAbsDiff: 3.46e-9,
        relativeError: 4.91e-7,
        relativeErrorNoDelta: 4.8e-10,
        verdict: 'match',
      },
      {
        name: 'b1',
        shape: [50],
        maxAbsDiff: 3.49e-9,
        relativeError: 4.92e-7,
        relativeErrorNoDelta: 5.2e-10,
        verdict: 'match',
      },
      {
        name: 'W2',
        shape: [50, 10],
        maxAbsDiff: 1.4e-7,
        relativeError: 4.9e-7,
        relativeErrorNoDelta: 2e-6,
        verdict: 'close',
      },
      { name: 'b2', shape: [10], maxAbsDiff: 0.2, relativeError: 0.5, relativeErrorNoDelta: 0.5, verdict: 'mismatch' },
    ],
  };
  await sendMessages(page, [{ type: 'netCheck', state: 'done', result }]);
  await page.waitForSelector('table.netcheck tbody tr');
  const rows = await page.$$eval('table.netcheck tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)),
  );
  assert.deepEqual(rows, [
    ['W1', '(784, 50)', '3.46e-9', '4.91e-7', '4.80e-10', '✓ match'],
    ['b1', '(50,)', '3.49e-9', '4.92e-7', '5.20e-10', '✓ match'],
    ['W2', '(50, 10)', '1.40e-7', '4.90e-7', '2.00e-6', '✓ close (rounding)'],
    ['b2', '(10,)', '2.00e-1', '5.00e-1', '5.00e-1', '✗ MISMATCH'],
  ]);
  await page.fill('input[name="netCheckBatch"]', '10');
  await page.click('text=Check again');
  assert.deepEqual(await posts(page, 'checkNetwork'), [{ type: 'checkNetwork', batchSize: 10 }]);
  await page.close();
});

test('the model view switches to the mistakes only, and forgets a deleted run', async () => {
  const page = await open();
  await replayRun(page);
  await page.check('input[name="onlyMistakes"]');
  const captions = await page.$$eval('.sample', (fs) => fs.map((f) => f.classList.contains('wrong')));
  assert.equal(captions.length, (model as ModelView).mistakes.length);
  assert.ok(captions.every(Boolean));
  await sendMessages(page, [{ type: 'runDeleted', id: model.id }]);
  assert.equal(await page.$eval('.model-body', (e) => (e as HTMLElement).hidden), true);
  await page.close();
});

test('the page speaks Korean when the extension passes Korean strings', async () => {
  const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'train.json'), 'utf8'));
  const strings = Object.fromEntries(Object.entries(TRAIN_STRINGS).map(([k, v]) => [k, ko[v]]));
  const page = await openPage({ page: 'train', data: init.options, strings, theme: 'dark', width: 1280, height: 1000 });
  assert.equal(await page.$eval('button[data-action="start"]', (b) => b.textContent), '시작');
  await page.fill('input[name="iters"]', '0');
  assert.equal(
    await page.$eval('input[name="iters"] + .invalid-reason', (e) => e.textContent),
    '1에서 1000000 사이여야 합니다.',
  );
  await sendMessages(page, messages);
  await page.waitForFunction(() => Number(document.getElementById('accuracy-chart')?.dataset.points) > 200);
  assert.match(
    (await page.$eval('.model-heading', (e) => e.textContent))!,
    /^“#2 · batch 100 · lr 0\.1 · hidden 50”의 모델 · 시험 정확도 \d+\.\d\d%$/,
  );
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('a run’s hyperparameters are written in the page’s language, with the learning rate as it changed', async () => {
  const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'train.json'), 'utf8'));
  const korean = Object.fromEntries(Object.entries(TRAIN_STRINGS).map(([k, v]) => [k, ko[v]]));
  // Changed while training: 0.1 → 0.5 from iteration 1,801 (probe-d: the run list said "lr 0.1" only).
  const run = { ...finished.run, learningRateChanges: [{ iter: 1801, learningRate: 0.5 }] };
  for (const [strings, expected] of [
    [undefined, 'batch 100 · lr 0.1 → 0.5 from iteration 1,801 · hidden 50 · iters 2,000 · std 0.01 · seed 42'],
    [korean, '배치 100 · 학습률 0.1 → 반복 1,801부터 0.5 · 은닉층 50 · 반복 2,000회 · 표준편차 0.01 · 시드 42'],
  ] as const) {
    const page = await openPage({ page: 'train', data: init.options, strings, width: 1280, height: 1000 });
    await sendMessages(page, [{ ...init, runs: [run], histories: [] }]);
    await page.waitForSelector('table.runs td.settings');
    assert.equal(await page.$eval('table.runs td.settings', (e) => e.textContent), expected);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  }
});

test('a page reopened mid-run picks the live run up from init and counts each iteration once', async () => {
  const page = await open();
  const live = { ...started.run, status: 'paused' as const, epochs: finished.run.epochs.slice(0, 2), iterations: 150 };
  const loss = (from: number, n: number) => Array.from({ length: n }, (_, k) => 2.3 - (from + k) / 1000);
  await sendMessages(page, [
    { ...init, runs: [live], histories: [{ id: live.id, stride: 1, loss: loss(1, 150) }], current: live.id },
  ]);
  assert.deepEqual(await disabled(page), BUTTONS.paused, 'a paused live run');
  // A batch that was in flight when init was made overlaps it by 50 iterations.
  const batch = progress[0] as Extract<TrainToWebview, { type: 'progress' }>;
  await sendMessages(page, [
    { ...batch, fromIter: 101, loss: loss(101, 100), iter: 200, epochs: finished.run.epochs.slice(1, 3) },
  ]);
  await page.waitForFunction(() => Number(document.getElementById('loss-chart')?.dataset.points) === 400);
  assert.equal(await page.$$eval('table.epochs tbody tr', (r) => r.length), 3, 'epoch 2 arrived twice, is listed once');
  await page.close();
});
