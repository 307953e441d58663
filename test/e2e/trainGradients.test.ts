/**
 * The training panel's gradient views in a real VS Code: during a run the learner opens "Gradients
 * while training" (dW1 beside W1, the initial-loss check, norms and ratios), changes the learning
 * rate mid-run and sees the change marked on the loss chart and kept with the run; then the
 * "Overfit a tiny set" preset trains 100 images to ~100 % train accuracy.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { openTrainPanel, workbenchSession } from './harness/session';
import { canvasSignature, screenshot, until } from './harness/workbench';

describe('Training panel: gradient views', { timeout: 420_000 }, () => {
  let frame: Frame;
  const progressText = () => frame.$eval('.progress-text', (e) => e.textContent ?? '');
  const button = (action: string) => frame.locator(`button[data-action="${action}"]`);

  const wb = workbenchSession({ name: 'trainGradients' });

  before(async () => {
    frame = await openTrainPanel(wb.page);
  });

  it('shows dW1 beside W1 and the initial loss during a run; a learning-rate change mid-run is marked and kept', async () => {
    await frame.fill('input[name="iters"]', '20000');
    await button('start').click();
    await until(
      'the initial-loss check',
      () => frame.$eval('#gradients .initial-loss', (e) => e.textContent ?? ''),
      (t) => /Initial loss 2\.\d{4} ≈ ln 10/.test(t),
    );
    await frame.locator('#gradients').scrollIntoViewIfNeeded();
    await until(
      'dW1 painted',
      () => canvasSignature(frame, '#gradients canvas[aria-label^="dW1"]'),
      (s) => s.painted > 1000,
    );
    await until(
      'W1 painted',
      () => canvasSignature(frame, '#gradients canvas[aria-label^="W1"]'),
      (s) => s.painted > 1000,
    );
    await until(
      'the norm chart drawn',
      () => canvasSignature(frame, '#gradients canvas[aria-label^="Gradient norm"]'),
      (s) => s.painted > 500,
    );

    await button('pause').click();
    await until('paused', progressText, (t) => /^Paused at iteration/.test(t));
    await frame.fill('input[name="liveLearningRate"]', '0.3');
    await frame.click('button[name="applyRate"]');
    await until(
      'the change marked on the loss chart',
      () => frame.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.rateMarkers ?? '0'),
      (n) => n === '1',
    );
    await button('resume').click();
    await until('training goes on', progressText, (t) => /^Iteration/.test(t));
    await screenshot(wb.page, 'train-gradients-e2e');
    await button('stop').click();
    await until('the run to stop', progressText, (t) => /^stopped · test/.test(t));
    // The change stays with the kept run (its marker is still drawn from the run list).
    assert.equal(await frame.$eval('#loss-chart', (c) => (c as HTMLCanvasElement).dataset.rateMarkers), '1');
  });

  it('the "Overfit a tiny set" preset trains 100 images to ≥ 98 % train accuracy', async () => {
    await frame.click('button[name="overfitPreset"]');
    assert.equal(await frame.inputValue('input[name="trainImages"]'), '100');
    await button('start').click();
    const done = await until('the preset run to finish', progressText, (t) => /^finished · test/.test(t), 180_000);
    const train = Number(/train (\d+\.\d\d)%/.exec(done)?.[1]);
    assert.ok(train >= 98, done);
  });
});
