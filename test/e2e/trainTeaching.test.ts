/**
 * What the training panel teaches, in a real VS Code at 700 px (issue 11): a learning rate of 10
 * does not "finish" silently — the panel says the loss is stuck at ln 10 and why; runs of batch
 * 1000 and batch 100 are compared on an images-seen axis, and the form says beforehand why batch
 * 1000 takes longer. Screenshots at 700 px in test-results/e2e/ (the README shows them).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { openTrainPanel, workbenchSession } from './harness/session';
import { screenshot, until } from './harness/workbench';

describe('Training panel at 700 px: lr 10 explained, batch sizes on an images-seen axis', { timeout: 420_000 }, () => {
  let frame: Frame;

  const progressText = () => frame.$eval('.progress-text', (e) => e.textContent ?? '');
  const setField = async (name: string, value: string) => {
    await frame.fill(`input[name="${name}"]`, value);
    assert.equal(await frame.inputValue(`input[name="${name}"]`), value);
  };
  const runRows = () => frame.$$eval('table.runs tbody tr', (rows) => rows.length);
  const start = async () => {
    const before = await runRows();
    await frame.locator('button[data-action="start"]').click();
    // The last run's "finished …" stays until this run has started (its evaluation worker first): its row first.
    await until('the run to start', runRows, (n) => n > before, 60_000);
    return until('the run to finish', progressText, (t) => /^finished/.test(t), 180_000);
  };

  const wb = workbenchSession({ name: 'train-teaching', viewport: { width: 700, height: 900 }, closeSideBar: true });

  before(async () => {
    frame = await openTrainPanel(wb.page);
  });

  it('lr 10 is explained while it runs and after: stuck at ln 10, saturated sigmoids, the book’s lesson', async () => {
    await setField('learningRate', '10');
    await setField('iters', '1000');
    const done = await start();
    assert.match(done, /^finished · not learning · test \d+\.\d\d%/);
    const advice = await frame.$eval('.advice', (e) => e.textContent ?? '');
    assert.match(
      advice,
      /The loss has stayed at 2\.\d\d ≈ ln 10 = 2\.30 since iteration \d+: the network only guesses/,
    );
    assert.match(advice, /The learning rate 10 is too large: .*hidden sigmoids/);
    assert.match(advice, /Chapter 4\.4/);
    const status = await frame.$eval('table.runs tbody tr:last-child td.status', (e) => e.textContent ?? '');
    assert.equal(status, 'finished · not learning');
    await frame.$eval('.advice', (e) => e.scrollIntoView({ block: 'end' }));
    await wb.page.waitForTimeout(300);
    await screenshot(wb.page, 'e2e-train-lr10-700');
  });

  it('batch 1000 is explained before it starts; batch 1000 and 100 share an images-seen axis', async () => {
    await setField('learningRate', '0.1');
    await setField('batchSize', '1000');
    await setField('iters', '300');
    const slow = await frame.$eval('.batch-slow', (e) => ((e as HTMLElement).hidden ? '' : (e.textContent ?? '')));
    assert.match(
      slow,
      /^Expect about \d+× the time of batch 100: each iteration computes the gradient of 1,000 images, and an epoch is only 10 iterations, so 30 epochs mean 30 accuracy checks\.$/,
    );
    await start();
    await setField('batchSize', '100');
    await setField('iters', '3000');
    assert.equal(await frame.$eval('.batch-slow', (e) => (e as HTMLElement).hidden), true);
    await start();
    // Hide the lr 10 run so the two batch sizes are compared alone.
    await frame.locator('table.runs tbody tr:first-child input[type="checkbox"]').uncheck();
    await until(
      'the loss chart on an images-seen axis',
      () => frame.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.axis ?? ''),
      (a) => a === 'images',
    );
    assert.equal(await frame.$eval('#accuracy-chart', (c) => (c as HTMLCanvasElement).dataset.axis), 'images');
    // 300 × 1000 and 3000 × 100 images: both runs end at 300,000 on the same axis.
    const ticks = await frame.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.xticks ?? '');
    assert.match(ticks, /300,000/);
    assert.equal(await frame.$$eval('.legend li', (li) => li.length), 2);
    await frame.$eval('.chart-toolbar', (e) => e.scrollIntoView({ block: 'start' }));
    await wb.page.waitForTimeout(500);
    await screenshot(wb.page, 'e2e-train-batches-700');
  });
});
