/**
 * The loss tells when the network is not learning (issue 11 item 3): recorded curves of the book's
 * TwoLayerNet at learning rates 0.1, 10 and 100 (test/fixtures/train/loss-curves.json, made by
 * recordCurves.ts), real short runs, and the CLI's explanation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LossDiagnosis, LossWatch, Probe, chanceLoss, probe } from '../../src/core/lossWatch';
import { createNetwork } from '../../src/engine/network';
import { BOOK_DEFAULTS, TrainEvent, Trainer, learningRateAt } from '../../src/core/trainer';
import { initParams } from '../../src/core/twoLayerNet';
import { Random } from '../../src/core/random';
import { loadBundled } from '../../src/node/mnistFiles';
import { TRAIN_STRINGS, diagnosisText } from '../../src/protocol/train';
import { ROOT } from './helpers';

interface Curve {
  start: Probe;
  loss: number[];
  epochs: { epoch: number; iter: number; trainAccuracy: number; probe: Probe }[];
}
const curves: Record<string, Curve> = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'loss-curves.json'), 'utf8'),
);

/** Feeds a curve to a watch the way the trainer does; returns every verdict it gave, in order. */
function replay(curve: Curve): (LossDiagnosis | null)[] {
  const watch = new LossWatch(10, curve.start);
  const said: (LossDiagnosis | null)[] = [];
  curve.loss.forEach((loss, i) => {
    const nan = watch.add(loss);
    if (nan) said.push(nan);
    const e = curve.epochs.find((x) => x.iter === i + 1);
    if (e) {
      const found = watch.atEpoch({
        iter: e.iter,
        epoch: e.epoch,
        trainAccuracy: e.trainAccuracy,
        probe: () => e.probe,
      });
      if (found !== undefined) said.push(found);
    }
  });
  return said;
}

test('ln C is the loss of a network that gives every class 1/C: ln 10 ≈ 2.302585', () => {
  assert.equal(chanceLoss(10), Math.log(10));
  assert.ok(Math.abs(chanceLoss(10) - 2.302585) < 1e-6);
});

test('recorded curves: lr 0.1 raises no alarm; lr 10 is stuck at ln 10 with saturated sigmoids; lr 100 rises above it', () => {
  assert.deepEqual(replay(curves['0.1']), [], 'the book’s learning rate learns');
  const [ten, ...moreTen] = replay(curves['10']);
  assert.equal(ten?.kind, 'saturated');
  assert.deepEqual(moreTen, [], 'said once');
  if (ten?.kind !== 'saturated') return;
  assert.equal(ten.iter, 101, 'right after the first epoch');
  assert.ok(Math.abs(ten.loss - Math.log(10)) < 0.1, `stuck at ≈ ln 10: ${ten.loss}`);
  assert.ok(ten.saturation > 0.9 && ten.trainAccuracy < 0.15);
  const [hundred] = replay(curves['100']);
  assert.equal(hundred?.kind, 'rising');
  if (hundred?.kind === 'rising') assert.ok(hundred.loss > 10, `far above ln 10: ${hundred.loss}`);
  // Before the first epoch is over nothing is said, however wild the first steps.
  assert.deepEqual(
    replay({ ...curves['100'], loss: curves['100'].loss.slice(0, 100), epochs: curves['100'].epochs.slice(0, 1) }),
    [],
  );
});

test('a loss that stops being a number is said at once; one that comes down and goes back up is rising', () => {
  const watch = new LossWatch(10);
  assert.equal(watch.add(2.3), undefined);
  assert.deepEqual(watch.add(NaN), { kind: 'not-a-number', iter: 2, loss: NaN });
  assert.equal(watch.add(Infinity), undefined, 'said once');
  const back = new LossWatch(10, undefined, 10);
  const curve = [...Array(100).fill(0.3), ...Array(20).fill(1.4)];
  curve.forEach((l) => back.add(l));
  assert.equal(
    back.atEpoch({ iter: 120, epoch: 3, trainAccuracy: 0.8, probe: () => ({ loss: 1.4, saturation: 0 }) })?.kind,
    'rising',
  );
});

test('not blamed on the learning rate: a slow start (lr 0.01), a loss still falling, sigmoids saturated by the initial weights', () => {
  let probed = 0;
  const flat = (level: number, n = 200) => Array.from({ length: n }, (_, i) => level - i * 1e-5);
  const judge = (losses: number[], start?: Probe, trainAccuracy = 0.1) => {
    const w = new LossWatch(10, start);
    losses.forEach((l) => w.add(l));
    return w.atEpoch({
      iter: losses.length + 1,
      epoch: 3,
      trainAccuracy,
      probe: () => (probed++, { loss: 2.3, saturation: 0 }),
    });
  };
  assert.equal(judge(flat(2.298)), undefined, 'stuck at ln 10 but no sigmoid saturated: too slow, not too large');
  assert.equal(probed, 1, 'the network is probed only when the loss looks stuck');
  const falling = Array.from({ length: 200 }, (_, i) => 6 - i / 40);
  assert.equal(judge(falling), undefined, 'a loss above ln 10 that is coming down (a large init std) is learning');
  assert.equal(
    judge(flat(5.2), { loss: 5.5, saturation: 0.6 }),
    undefined,
    'high from the start: the initial weights, not the steps',
  );
});

test('a verdict is withdrawn when the run recovers', () => {
  const w = new LossWatch(10, undefined, 10);
  const e = (epoch: number, trainAccuracy: number) => ({
    iter: epoch * 10,
    epoch,
    trainAccuracy,
    probe: () => ({ loss: 2.3, saturation: 1 }),
  });
  for (let i = 0; i < 20; i++) w.add(2.26);
  assert.equal(w.atEpoch(e(2, 0.1))?.kind, 'saturated');
  for (let i = 0; i < 20; i++) w.add(0.9);
  assert.equal(w.atEpoch(e(4, 0.7)), null);
  assert.equal(w.diagnosis, undefined);
});

test('probe() is the book’s forward pass: ln 10 for a network of zeros, every sigmoid saturated for huge W1', () => {
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const zero = initParams(shape, 0, new Random(1));
  const p = probe(zero, data.train);
  assert.ok(Math.abs(p.loss - Math.log(10)) < 1e-6, `${p.loss}`);
  assert.equal(p.saturation, 0);
  const huge = initParams(shape, 100, new Random(1));
  assert.ok(probe(huge, data.train).saturation > 0.9);
});

test('real short runs: lr 10 and lr 100 are explained after the first epoch, lr 0.1 is not', async () => {
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const run = async (learningRate: number) => {
    const config = { ...BOOK_DEFAULTS, learningRate, iters: 300 };
    const events: TrainEvent[] = [];
    const summary = await new Trainer(createNetwork('fast', shape, config), data, config).run((e) => events.push(e));
    return { summary, said: events.filter((e) => e.type === 'diagnosis') };
  };
  const book = await run(0.1);
  assert.deepEqual(book.said, []);
  assert.equal(book.summary.diagnosis, undefined);
  const ten = await run(10);
  assert.equal(ten.summary.reason, 'finished', 'lr 10 never becomes NaN');
  assert.equal(ten.summary.diagnosis?.kind, 'saturated');
  assert.equal(ten.said.length, 1);
  const hundred = await run(100);
  assert.equal(hundred.summary.diagnosis?.kind, 'rising');
  const text = diagnosisText(hundred.summary.diagnosis!, 100, (k, ...a) =>
    TRAIN_STRINGS[k].replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)])),
  );
  assert.match(
    text,
    /^The loss rose to 1\d\.\d\d by iteration 101: above ln 10 ≈ 2\.30.*learning rate 100 .*Chapter 4\.4.*the book uses 0\.1\.$/,
  );
});

const english = (k: keyof typeof TRAIN_STRINGS, ...a: (string | number)[]) =>
  TRAIN_STRINGS[k].replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));

test('rate changed mid-run (0.1 → 100 at iteration 30): the loss rises, the text blames 100', async () => {
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const config = { ...BOOK_DEFAULTS, learningRate: 0.1, iters: 300 };
  const trainer = new Trainer(createNetwork('fast', shape, config), data, config);
  // The learner raises the rate while the run goes (the panel's learning-rate field).
  trainer.beforeStep = (iter) => {
    if (iter === 30) trainer.setLearningRate(100);
  };
  const said: LossDiagnosis[] = [];
  const summary = await trainer.run((e) => {
    if (e.type === 'diagnosis' && e.diagnosis) said.push(e.diagnosis);
  });
  assert.deepEqual(summary.learningRateChanges, [{ iter: 30, learningRate: 100 }]);
  assert.equal(said[0]?.kind, 'rising', JSON.stringify(said));
  assert.equal(said[0].learningRate, 100);
  assert.equal(summary.diagnosis?.learningRate, 100);
  // The run's configured rate is passed as the fallback, as the panel and the CLI do: the diagnosis's own wins.
  const text = diagnosisText(summary.diagnosis!, config.learningRate, english);
  assert.match(text, /learning rate 100 /);
  assert.doesNotMatch(text, /learning rate 0\.1 /);
});

test('a NaN loss names the rate that iteration used, in the summary and the diagnosis', async () => {
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const config = { ...BOOK_DEFAULTS, learningRate: 0.1, iters: 60, seed: 3 };
  const trainer = new Trainer(createNetwork('reference', shape, config), data, config);
  trainer.beforeStep = (iter) => {
    if (iter === 5) trainer.setLearningRate(1e308);
  };
  const summary = await trainer.run();
  assert.equal(summary.reason, 'diverged');
  assert.equal(summary.diagnosis?.kind, 'not-a-number');
  assert.equal(summary.diagnosis?.learningRate, 1e308);
  assert.match(summary.message ?? '', /learning rate 1e\+308 is too large/);
  assert.match(diagnosisText(summary.diagnosis!, 0.1, english), /learning rate 1e\+308 is too large/);
});

test('learningRateAt: the last change at or before the iteration; old diagnoses fall back', () => {
  const changes = [
    { iter: 30, learningRate: 100 },
    { iter: 200, learningRate: 0.05 },
  ];
  assert.equal(learningRateAt(1, 0.1, changes), 0.1);
  assert.equal(learningRateAt(29, 0.1, changes), 0.1);
  assert.equal(learningRateAt(30, 0.1, changes), 100);
  assert.equal(learningRateAt(199, 0.1, changes), 100);
  assert.equal(learningRateAt(500, 0.1, changes), 0.05);
  assert.equal(learningRateAt(500, 0.1), 0.1);
  // A diagnosis saved before it carried its rate (or a bad one): the fallback rate is named.
  const old: LossDiagnosis = { kind: 'rising', iter: 101, loss: 12.3, lowest: 2.1, chance: Math.log(10) };
  assert.match(diagnosisText(old, learningRateAt(old.iter, 0.1, changes), english), /learning rate 100 /);
  assert.match(diagnosisText({ ...old, learningRate: -1 }, 7, english), /learning rate 7 /);
});

test('the CLI explains lr 10 in English and Korean, and says nothing of the kind at lr 0.1', () => {
  const cli = (lang: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'train', '--iters', '250', ...args], {
      encoding: 'utf8',
      env: { ...process.env, LANG: lang, LC_ALL: '' },
    });
  const en = cli('C', '--lr', '10');
  assert.equal(en.status, 0);
  assert.match(
    en.stdout,
    /The loss has stayed at 2\.\d\d ≈ ln 10 = 2\.30 since iteration 101: the network only guesses/,
  );
  assert.match(en.stdout, /The learning rate 10 is too large: .*\d+% of the hidden sigmoids/);
  assert.match(en.stdout, /Chapter 4\.4/);
  const ko = cli('ko_KR.UTF-8', '--lr', '10');
  assert.match(ko.stdout, /학습률\(10\)이 너무 큽니다/);
  assert.match(ko.stdout, /4\.4절/);
  const book = cli('C', '--lr', '0.1');
  assert.doesNotMatch(book.stdout, /too large|Chapter 4\.4/);
});

test('a loss that is not a number from the start blames the initial weights, not the learning rate', async () => {
  // The watch alone: the untrained network's probe already gave NaN.
  const watch = new LossWatch(10, { loss: NaN, saturation: 0 });
  assert.deepEqual(watch.add(NaN), { kind: 'not-a-number', iter: 1, loss: NaN, fromStart: true });
  // A whole run with weight_init_std 1e308 (x·W1 overflows before any update), in every place it is said.
  const data = loadBundled(join(ROOT, 'media', 'mnist'));
  const shape = { inputSize: 784, hiddenSize: 50, outputSize: 10 };
  const config = { ...BOOK_DEFAULTS, weightInitStd: 1e308, iters: 20 };
  const summary = await new Trainer(createNetwork('fast', shape, config), data, config).run();
  assert.equal(summary.reason, 'diverged');
  assert.deepEqual(
    [summary.diagnosis?.kind, summary.diagnosis?.kind === 'not-a-number' && summary.diagnosis.fromStart],
    ['not-a-number', true],
  );
  const text = diagnosisText(summary.diagnosis!, config.learningRate, english);
  assert.match(text, /from the start.*initial weights are too large.*weight_init_std = 0\.01/);
  for (const said of [text, summary.message ?? '']) assert.doesNotMatch(said, /learning rate 0\.1 is too large/);
  assert.match(summary.message ?? '', /initial weights are too large/);
  // The book's init with a rate that overflows is still the rate's fault.
  const rate = { ...BOOK_DEFAULTS, learningRate: 1e300, iters: 20 };
  const byRate = await new Trainer(createNetwork('fast', shape, rate), data, rate).run();
  assert.equal(byRate.reason, 'diverged');
  assert.match(diagnosisText(byRate.diagnosis!, rate.learningRate, english), /learning rate 1e\+300 is too large/);
});
