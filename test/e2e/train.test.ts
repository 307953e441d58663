/**
 * Train TwoLayerNet in a real VS Code: the panel from the palette; Start draws both charts and fills
 * the epoch table; Pause holds the iteration, Resume continues, Stop ends the run and its worker;
 * a short run reaches the stated accuracy; closing the panel ends the training worker, the
 * evaluation worker it starts for the per-epoch accuracies on the second core and the engine's second thread (worker_threads Workers,
 * seen as "WorkerThread" threads of the extension host process), and so does reloading the window,
 * after which the panel comes back with its runs.
 * Screenshots in the light and the dark theme.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import type { Frame } from 'playwright-core';
import { threadNames } from './harness/codeServer';
import { openTrainPanel, workbenchSession } from './harness/session';
import { canvasSignature, runCommand, screenshot, setTheme, until, webviewFrame } from './harness/workbench';

/** 1,000 iterations of the book's settings on the bundled 10,000 images (10 epochs): the CLI reaches 0.85 test accuracy with the default seed. */
const SHORT_RUN_ITERS = 1000;
const SHORT_RUN_MIN_TEST_ACCURACY = 0.8;

const num = (s: string) => Number(s.replace(/[^\d.]/g, ''));

describe('Train TwoLayerNet panel', { timeout: 420_000 }, () => {
  let frame: Frame;

  /**
   * A run's worker threads: the training worker, the evaluation worker it starts on the second core, and the fast
   * engine's second thread that splits the steps taken while the evaluation worker is idle (on two cores or more).
   */
  const RUN_THREADS = availableParallelism() >= 2 ? 3 : 2;
  /** Worker threads running in the extension host(s) now. */
  const workers = () =>
    wb.server
      .extensionHostPids()
      .flatMap(threadNames)
      .filter((n) => n === 'WorkerThread').length;
  const progressText = () => frame.$eval('.progress-text', (e) => e.textContent ?? '');
  const button = (action: string) => frame.locator(`button[data-action="${action}"]`);
  const setIters = async (n: number) => {
    await frame.fill('input[name="iters"]', String(n));
    assert.equal(await frame.inputValue('input[name="iters"]'), String(n));
  };
  const epochRows = () =>
    frame.$$eval('table.epochs tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );

  const wb = workbenchSession({ name: 'train' });

  before(async () => {
    frame = await openTrainPanel(wb.page);
  });

  it('Start draws both charts; Pause holds, Resume continues, Stop ends the run and its worker', async () => {
    const idleWorkers = workers();
    const lossBefore = await canvasSignature(frame, '#loss-chart');
    const accuracyBefore = await canvasSignature(frame, '#accuracy-chart');
    await setIters(10000);
    await button('start').click();

    const running = await until(
      'the progress text to count iterations',
      progressText,
      (t) => /Iteration [\d,]+ \/ 10,000/.test(t) && num(t.split('/')[0]) > 0,
    );
    assert.match(running, /it\/s/);
    assert.equal(
      workers(),
      idleWorkers + RUN_THREADS,
      'the training worker, the evaluation worker and the engine’s second thread while the run goes',
    );

    await until('the first epoch in the table', epochRows, (rows) => rows.length >= 1);
    await until(
      'the loss chart to draw the run',
      () => canvasSignature(frame, '#loss-chart'),
      (s) => s.checksum !== lossBefore.checksum && s.painted > lossBefore.painted,
    );
    await until(
      'the accuracy chart to draw the run',
      () => canvasSignature(frame, '#accuracy-chart'),
      (s) => s.checksum !== accuracyBefore.checksum && s.painted > accuracyBefore.painted,
    );

    await button('pause').click();
    const paused = await until('Paused at iteration N', progressText, (t) =>
      /^Paused at iteration [\d,]+ \/ 10,000/.test(t),
    );
    const pausedAt = num(paused.replace(/^Paused at iteration /, '').split('/')[0]);
    assert.ok(pausedAt > 0 && pausedAt < 10000, `paused at ${pausedAt}`);
    await wb.page.waitForTimeout(1500);
    assert.equal(await progressText(), paused, 'nothing moves while paused');
    assert.equal(await button('resume').isEnabled(), true);
    assert.equal(await button('pause').isEnabled(), false);

    await button('resume').click();
    await until(
      'training to go on after Resume',
      progressText,
      (t) => /^Iteration/.test(t) && num(t.split('/')[0]) > pausedAt,
    );

    await button('stop').click();
    const stopped = await until('the run to stop', progressText, (t) => /^stopped · test/.test(t));
    assert.match(stopped, /test \d+\.\d\d% · train \d+\.\d\d%/);
    assert.equal(await button('start').isEnabled(), true, 'the form is ready for the next run');
    await until(
      'the worker to end after Stop',
      async () => workers(),
      (n) => n === idleWorkers,
      10_000,
    );
  });

  it(`a ${SHORT_RUN_ITERS}-iteration run lists its epochs and reaches ${SHORT_RUN_MIN_TEST_ACCURACY * 100}% test accuracy`, async () => {
    await setIters(SHORT_RUN_ITERS);
    await button('start').click();
    const done = await until(
      'the short run to finish',
      progressText,
      (t) => /^finished · test/.test(t) && t.includes(`${SHORT_RUN_ITERS.toLocaleString('en-US')} it in`),
      120_000,
    );
    const rows = await epochRows();
    assert.equal(rows.length, 10, `10 epochs of 100 iterations: ${JSON.stringify(rows)}`);
    const [epoch, , train, test] = rows[rows.length - 1];
    assert.equal(epoch, '10');
    assert.ok(num(test) / 100 >= SHORT_RUN_MIN_TEST_ACCURACY, `last epoch's test accuracy ${test}`);
    assert.ok(num(train) / 100 >= SHORT_RUN_MIN_TEST_ACCURACY, `last epoch's train accuracy ${train}`);
    assert.ok(num(rows[0][3]) < num(test), 'accuracy rises from the first epoch to the last');
    assert.match(done, new RegExp(`${SHORT_RUN_ITERS.toLocaleString('en-US')} it in`));

    await screenshot(wb.page, 'train-light');
    const lightChart = await canvasSignature(frame, '#accuracy-chart');
    await setTheme(wb, 'dark');
    await until(
      'the page to follow the dark theme',
      () => frame.$eval('body', (b) => b.className),
      (c) => c.includes('vscode-dark'),
    );
    await until(
      'the chart to redraw in dark colours',
      () => canvasSignature(frame, '#accuracy-chart'),
      (s) => s.checksum !== lightChart.checksum,
      10_000,
    );
    await screenshot(wb.page, 'train-dark');
    await setTheme(wb, 'light');
  });

  it('a message from the page that breaks the protocol is logged and dropped: no run starts', async () => {
    const before = await progressText();
    // What a compromised page could send: the page's own channel to VS Code, with an impossible config.
    // What a compromised page could send, through the same channel its acquireVsCodeApi().postMessage
    // uses (the webview host frame's __vscode_post_message__), with an impossible configuration.
    const host = frame.parentFrame();
    assert.ok(host, 'the page runs inside the webview host frame');
    await host.evaluate(() => {
      const post = (window as unknown as Record<string, (channel: string, data: unknown) => void>)
        .__vscode_post_message__;
      post('onmessage', { message: { type: 'start', config: { hiddenSize: -5, learningRate: 'lots', iters: 1e12 } } });
    });
    const log = await until(
      'the extension to log the dropped message',
      async () => wb.server.extensionLogs('Gradient Lab: Training'),
      (l) => /Dropped a message from the training page/.test(l),
      10_000,
    );
    assert.match(log, /Dropped a message from the training page: .*(hiddenSize|learningRate|config)/);
    await wb.page.waitForTimeout(1000);
    assert.equal(await progressText(), before, 'no run started');
    assert.equal(await button('start').isEnabled(), true);
  });

  it('reloading the window ends the worker; the panel comes back with its runs, the interrupted one kept as stopped', async () => {
    const runRows = () =>
      frame.$$eval('table.runs tbody tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
      );
    const keptBefore = (await runRows()).length;
    assert.ok(keptBefore >= 2, 'the runs of the tests above are listed');
    const idleWorkers = workers();
    await setIters(100000);
    await button('start').click();
    await until('training to run', progressText, (t) => /^Iteration/.test(t) && num(t.split('/')[0]) > 0);
    const hosts = wb.server.extensionHostPids();

    const reloaded = wb.page.waitForEvent('framenavigated', {
      predicate: (f) => f === wb.page.mainFrame(),
      timeout: 60_000,
    });
    await runCommand(wb.page, 'Developer: Reload Window');
    await reloaded;
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The serializer brings the panel back; its page lists the kept runs.
    frame = await webviewFrame(wb.page, 'table.runs tbody tr', 90_000);
    const rows = await until('the runs to be listed again', runRows, (r) => r.length === keptBefore + 1, 30_000);
    const interrupted = rows[rows.length - 1];
    assert.ok(
      interrupted.includes('stopped'),
      `the interrupted run is kept as stopped: ${JSON.stringify(interrupted)}`,
    );
    assert.equal(await button('start').isEnabled(), true, 'nothing is running after the reload');
    // No training thread in any extension host, and the old host (with its worker) is gone.
    await until(
      'the old extension host to end',
      async () => wb.server.extensionHostPids().filter((pid) => hosts.includes(pid)).length,
      (n) => n === 0,
      30_000,
    );
    await until(
      'no training worker after the reload',
      async () => workers(),
      (n) => n === idleWorkers,
      10_000,
    );
  });

  it('closing the panel ends the training worker', async () => {
    const idleWorkers = workers();
    await setIters(100000);
    await button('start').click();
    await until('training to run', progressText, (t) => /^Iteration/.test(t) && num(t.split('/')[0]) > 0);
    assert.equal(workers(), idleWorkers + RUN_THREADS);
    await wb.page.locator('.tabs-container .tab.active .tab-actions .action-label').click();
    await until(
      'the panel to close',
      async () => (await wb.page.$$('.tabs-container .tab')).length,
      (n) => n === 0,
      10_000,
    );
    await until(
      'the worker thread to end',
      async () => workers(),
      (n) => n === idleWorkers,
      10_000,
    );
  });
});
