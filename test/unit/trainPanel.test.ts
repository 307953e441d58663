/**
 * The training panel's controller outside VS Code: the fake `vscode` module (fakeVscode.ts: a
 * webview that records what it is sent, dialogs that answer with temp files) around the real
 * controller, worker bundle and run store.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainToWebview } from '../../src/protocol/train';
import { DEFAULT_RUN_CONFIG } from '../../src/protocol/train';
import { ROOT } from './helpers';
import { Uri, fakeContext, install, lastPanel, recorded, waitForPosted } from './fakeVscode';

const dir = mkdtempSync(join(tmpdir(), 'gl-panel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

install();

const context = fakeContext(ROOT, dir);

function until<T extends TrainToWebview['type']>(
  type: T,
  from = 0,
  ms = 30000,
): Promise<Extract<TrainToWebview, { type: T }>> {
  return waitForPosted((m: TrainToWebview) => m.type === type, { from, ms }) as Promise<
    Extract<TrainToWebview, { type: T }>
  >;
}

test('the controller runs a whole session: start, live progress, a kept run, its model, exports, load, gradient check, close', async () => {
  const { TrainPanel } = await import('../../src/panels/train/trainPanel');
  const { RunStore } = await import('../../src/panels/train/runStore');
  const { paramsFromNpz } = await import('../../src/panels/train/modelFile');
  const trainPanel = TrainPanel.show(context as never);
  const panel = lastPanel();
  const { webview } = panel;
  const { receive } = webview;
  const posted = webview.posted as TrainToWebview[];

  // The page: strict CSP with a nonce, the bundle, the strings.
  assert.match(
    webview.html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'nonce-[^']+'">/,
  );
  assert.match(webview.html, /<script nonce="[^"]+" src="file:\/\/[^"]*\/dist\/webview\/train\.js">/);
  assert.match(webview.html, /"start":"Start"/);

  receive({ type: 'ready' });
  const init = await until('init');
  assert.deepEqual(init.runs, []);
  assert.equal(init.options.bundledTrainCount, 10000);

  // A malformed message is logged and dropped.
  receive({ type: 'deleteRun', id: '../../secrets' });
  assert.match(recorded.logs.pop()!, /Dropped a message from the training page: id is not a run id/);

  const from = posted.length;
  receive({ type: 'start', config: { ...DEFAULT_RUN_CONFIG, iters: 300, seed: 5 } });
  const startedRun = (await until('runStarted', from)).run;
  receive({ type: 'start', config: { ...DEFAULT_RUN_CONFIG } });
  assert.match((await until('notice', from)).text, /A run is already in progress/);
  const finished = await until('runFinished', from);
  const model = await until('model', from);
  const progress = posted.slice(from).filter((m) => m.type === 'progress') as Extract<
    TrainToWebview,
    { type: 'progress' }
  >[];
  assert.equal(
    progress.reduce((n, p) => n + p.loss.length, 0),
    300,
    'every iteration reached the page once',
  );
  assert.ok(progress.every((p) => p.id === startedRun.id));
  assert.equal(finished.run.status, 'finished');
  assert.equal(finished.run.iterations, 300);
  assert.deepEqual(
    finished.run.epochs.map((e) => e.iter),
    [1, 101, 201],
  );
  assert.equal(finished.run.datasetName, 'MNIST (bundled subset: 10k train, 10k test)');
  assert.equal(finished.history.loss.length, 300);
  assert.equal(model.view.id, startedRun.id);
  assert.deepEqual(
    recorded.executed,
    [['setContext', 'gradientLab.trainingFinished', true]],
    'the walkthrough step is ticked',
  );

  // The drawing pad: the first test image, drawn back, is classified as the model did.
  const digit = model.view.samples[0];
  const pixels = Array.from(Buffer.from(digit.pixels, 'base64'), (p) => p / 255);
  receive({ type: 'predict', requestId: 7, id: startedRun.id, pixels });
  const probs = await until('probabilities', from);
  assert.equal(probs.requestId, 7);
  assert.equal(probs.probs.indexOf(Math.max(...probs.probs)), digit.predicted);
  assert.ok(Math.abs(probs.probs.reduce((a, b) => a + b, 0) - 1) < 1e-12);

  // Rename is kept on disk (what a window reload reads back).
  const beforeRename = posted.length;
  receive({ type: 'renameRun', id: startedRun.id, name: 'batch 100' });
  assert.equal((await until('runUpdated', beforeRename)).run.name, 'batch 100');
  assert.equal(new RunStore(join(dir, 'storage', 'train-runs')).list()[0].name, 'batch 100');

  // Exports go where the save dialog says.
  recorded.answers.push(Uri.file(join(dir, 'run.csv')));
  receive({ type: 'exportRun', id: startedRun.id, format: 'csv' });
  recorded.answers.push(Uri.file(join(dir, 'model.npz')));
  receive({ type: 'saveModel', id: startedRun.id, format: 'npz' });
  recorded.answers.push(Uri.file(join(dir, 'loss.png')));
  receive({ type: 'exportChart', chart: 'loss', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' });
  const written = () => ['run.csv', 'model.npz', 'loss.png'].every((f) => existsSync(join(dir, f)));
  for (let i = 0; i < 250 && !written(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(readFileSync(join(dir, 'run.csv'), 'utf8').split('\n').length, 302);
  assert.equal(paramsFromNpz(readFileSync(join(dir, 'model.npz')), 'model.npz').W1.cols, 50);
  assert.deepEqual([...readFileSync(join(dir, 'loss.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  // Loading the saved weights makes a 'loaded' run with the same accuracy.
  const beforeLoad = posted.length;
  recorded.answers.push([Uri.file(join(dir, 'model.npz'))]);
  receive({ type: 'loadModel' });
  const loaded = await until('runFinished', beforeLoad);
  assert.equal(loaded.run.status, 'loaded');
  assert.equal(loaded.run.testAccuracy, model.view.testAccuracy);
  assert.equal((await until('model', beforeLoad)).view.id, loaded.run.id);

  // The gradient check, as the command runs it.
  const beforeCheck = posted.length;
  await trainPanel.checkNetwork(3);
  const checks = posted.slice(beforeCheck).filter((m) => m.type === 'netCheck');
  assert.deepEqual(
    checks.map((c) => c.state),
    ['running', 'done'],
  );
  const done = checks[1] as Extract<TrainToWebview, { type: 'netCheck'; state: 'done' }>;
  assert.deepEqual(
    done.result.groups.map((g) => g.verdict),
    ['match', 'match', 'match', 'match'],
  );

  // The learning-rate finder, as the page asks for it: running, then done; a folder that is not there: an error.
  const finder = async (config: typeof DEFAULT_RUN_CONFIG) => {
    const before = posted.length;
    await trainPanel.findLearningRate(config);
    return posted.slice(before).filter((m) => m.type === 'lrFinder') as Extract<TrainToWebview, { type: 'lrFinder' }>[];
  };
  const found = await finder(DEFAULT_RUN_CONFIG);
  assert.deepEqual(
    found.map((m) => m.state),
    ['running', 'done'],
  );
  const missing = await finder({
    ...DEFAULT_RUN_CONFIG,
    dataset: { kind: 'folder', path: join(dir, 'no-such-folder') },
  });
  assert.deepEqual(
    missing.map((m) => m.state),
    ['running', 'error'],
  );
  assert.match((missing[1] as { text: string }).text, /^The learning-rate finder failed: /);

  // Closing the panel mid-run ends the worker; the run is kept as far as it came, without weights.
  const beforeLong = posted.length;
  receive({ type: 'start', config: { ...DEFAULT_RUN_CONFIG, iters: 1_000_000 } });
  const longRun = (await until('runStarted', beforeLong)).run;
  await until('progress', beforeLong);
  const session = (trainPanel as unknown as { session: { exited: Promise<number>; iteration: number } }).session;
  panel.dispose();
  const reached = session.iteration;
  assert.equal(await session.exited, 1, 'terminated');
  assert.equal(TrainPanel.current, undefined);
  const afterClose = posted.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(posted.length, afterClose, 'nothing is sent after the panel closed');
  const store = new RunStore(join(dir, 'storage', 'train-runs'));
  const kept = store.get(longRun.id)!;
  assert.ok(reached > 0);
  assert.deepEqual([kept.status, kept.iterations, kept.hasModel], ['stopped', reached, false]);
  assert.equal(
    kept.message,
    `Interrupted at iteration ${reached} when its panel closed; the history is kept, the weights are not.`,
  );
  assert.equal(store.losses(longRun.id).length, reached);
  assert.ok(
    Number.isFinite(kept.finalLoss) && kept.finalLoss! > 0 && kept.finalLoss! < 3,
    `final loss ${kept.finalLoss}`,
  );
});

test('Inspect evaluates a run on the data it was trained on, not on the bundled set', async () => {
  const { TrainPanel } = await import('../../src/panels/train/trainPanel');
  // An idx folder whose test split is the bundled *train* split: accuracies differ from the bundled test set's.
  const folder = join(dir, 'idx-folder');
  mkdirSync(folder);
  const mnist = join(ROOT, 'media', 'mnist');
  for (const [to, from] of [
    ['train-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.first10k.gz'],
    ['train-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.first10k.gz'],
    ['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.first10k.gz'],
    ['t10k-labels-idx1-ubyte.gz', 'train-labels-idx1-ubyte.first10k.gz'],
  ])
    copyFileSync(join(mnist, from), join(folder, to));

  TrainPanel.show(context as never);
  const { receive, posted } = lastPanel().webview as unknown as {
    receive: (m: unknown) => void;
    posted: TrainToWebview[];
  };
  receive({ type: 'ready' });
  const init = await until('init');
  const bundledRun = init.runs.find((r) => r.hasModel && r.config.dataset.kind === 'bundled')!;
  assert.ok(bundledRun, 'a bundled run with weights from the test above');

  const from = posted.length;
  receive({
    type: 'start',
    config: { ...DEFAULT_RUN_CONFIG, iters: 200, seed: 9, dataset: { kind: 'folder', path: folder } },
  });
  const finished = await until('runFinished', from);
  const trained = await until('model', from);
  assert.equal(trained.view.id, finished.run.id);

  // Look at another run, then back: the folder run's model is evaluated afresh by the worker.
  const beforeOther = posted.length;
  receive({ type: 'selectModel', id: bundledRun.id });
  assert.equal((await until('model', beforeOther)).view.id, bundledRun.id);
  const beforeBack = posted.length;
  receive({ type: 'selectModel', id: finished.run.id });
  const again = await until('model', beforeBack);
  assert.equal(again.view.id, finished.run.id);
  assert.equal(again.view.testAccuracy, trained.view.testAccuracy, 'the same weights on the same test images');
  lastPanel().dispose();
});

test('a run whose loss is not a number from the start: the kept run blames the initial weights, not the learning rate', async () => {
  const { TrainPanel } = await import('../../src/panels/train/trainPanel');
  TrainPanel.show(context as never);
  const { receive, posted } = lastPanel().webview as unknown as {
    receive: (m: unknown) => void;
    posted: TrainToWebview[];
  };
  receive({ type: 'ready' });
  await until('init');
  const from = posted.length;
  receive({ type: 'start', config: { ...DEFAULT_RUN_CONFIG, iters: 50, weightInitStd: 1e308 } });
  const { run } = await until('runFinished', from);
  assert.equal(run.status, 'diverged');
  assert.equal(run.diagnosis?.kind === 'not-a-number' && run.diagnosis.fromStart, true);
  // The runs table's tooltip and the exports carry this message; the page words the diagnosis itself.
  assert.match(run.message ?? '', /from the start.*initial weights are too large.*weight_init_std = 0\.01/);
  assert.doesNotMatch(run.message ?? '', /learning rate 0\.1 is too large/);
  lastPanel().dispose();
});
