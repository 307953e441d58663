import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confusionAccuracy, confusionMatrix } from '../../src/panels/train/confusion';
import { MNIST_SIDE, toMnistInput } from '../../webview/train/drawnDigit';
import { RateMeter } from '../../src/panels/train/rateMeter';
import { downsampleMean, envelope, findOverfitting, thin } from '../../src/protocol/runHistory';
import { EmaSmoother, smooth } from '../../webview/train/smoothing';
import { assertClose } from './helpers';

test('smoothing is a debiased exponential moving average: a constant stays constant, a step is followed gradually', () => {
  assert.deepEqual(
    smooth([2, 2, 2, 2], 0.9).map((v) => Number(v.toFixed(12))),
    [2, 2, 2, 2],
  );
  const s = smooth([0, 0, 1, 1], 0.5);
  // s_k = 0.5 s_{k−1} + 0.5 x_k, debiased by 1 − 0.5^k: 0, 0, 0.5/0.875, 0.75/0.9375
  assertClose(s[2], 0.5 / 0.875, { abs: 1e-15 });
  assertClose(s[3], 0.75 / 0.9375, { abs: 1e-15 });
  const e = new EmaSmoother(0.9);
  e.push(1);
  assert.ok(Number.isNaN(e.push(NaN)), 'a NaN loss shows as NaN');
  assertClose(e.push(1), 1, { abs: 1e-12 }, 'and does not poison the points after it');
  assert.throws(() => new EmaSmoother(1), /smoothing weight must be in \[0, 1\)/);
});

test('confusionMatrix counts true×predicted and its diagonal is the accuracy', () => {
  const m = confusionMatrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], 3);
  assert.deepEqual(m, [
    [1, 0, 0],
    [0, 1, 1],
    [0, 0, 2],
  ]);
  assert.equal(confusionAccuracy(m), 0.8);
  assert.throws(() => confusionMatrix([1], [1, 2]), /1 labels but 2 predictions/);
});

test('downsampleMean keeps short histories as they are and averages long ones in blocks', () => {
  assert.deepEqual(downsampleMean([1, 2, 3], 10), { stride: 1, loss: [1, 2, 3] });
  assert.deepEqual(downsampleMean([1, 3, 5, 7, 9], 2), { stride: 3, loss: [3, 8] });
  assert.ok(Number.isNaN(downsampleMean([1, NaN, 1, 1], 2).loss[0]), 'a NaN stays visible');
});

test('envelope keeps each bucket’s spikes in order; thin keeps the last point', () => {
  const v = Array.from({ length: 1000 }, (_, i) => (i === 437 ? 9 : i === 612 ? -4 : 1));
  const pts = envelope(v, 1, 50);
  assert.ok(pts.length <= 100);
  assert.ok(
    pts.some((p) => p.x === 438 && p.y === 9),
    'the spike at iteration 438 survives',
  );
  assert.ok(
    pts.some((p) => p.x === 613 && p.y === -4),
    'and the dip at 613',
  );
  assert.ok(
    pts.every((p, i) => i === 0 || p.x > pts[i - 1].x),
    'x increases',
  );
  assert.deepEqual(
    envelope([5, 6], 10, 50),
    [
      { x: 10, y: 5 },
      { x: 20, y: 6 },
    ],
    'stride scales x',
  );
  const t = thin(
    Array.from({ length: 10 }, (_, i) => i),
    1,
    4,
  );
  assert.deepEqual(
    t.map((p) => p.x),
    [1, 4, 7, 10],
  );
});

const epochs = (pairs: [number, number][]) =>
  pairs.map(([train, test], i) => ({ epoch: i + 1, trainAccuracy: train, testAccuracy: test }));

test('findOverfitting: test accuracy falling for several epochs while train accuracy rises', () => {
  const over = findOverfitting(
    epochs([
      [0.8, 0.79],
      [0.9, 0.88],
      [0.95, 0.9],
      [0.97, 0.89],
      [0.98, 0.885],
      [0.99, 0.88],
    ]),
  );
  assert.deepEqual(over, { fromEpoch: 3, toEpoch: 6, trainFrom: 0.95, trainTo: 0.99, testFrom: 0.9, testTo: 0.88 });
  // The book's curves: both rise together — no warning.
  assert.equal(
    findOverfitting(
      epochs([
        [0.78, 0.79],
        [0.88, 0.89],
        [0.9, 0.905],
        [0.91, 0.912],
        [0.92, 0.92],
      ]),
    ),
    undefined,
  );
  // Only two epochs past the peak: too early to say.
  assert.equal(
    findOverfitting(
      epochs([
        [0.9, 0.9],
        [0.95, 0.88],
        [0.97, 0.87],
      ]),
    ),
    undefined,
  );
  // Test falls but train falls too (a learning rate problem, not overfitting).
  assert.equal(
    findOverfitting(
      epochs([
        [0.95, 0.9],
        [0.94, 0.89],
        [0.93, 0.88],
        [0.92, 0.87],
      ]),
    ),
    undefined,
  );
  // A wobble smaller than half a percentage point is noise.
  assert.equal(
    findOverfitting(
      epochs([
        [0.9, 0.9],
        [0.91, 0.899],
        [0.92, 0.898],
        [0.93, 0.897],
      ]),
    ),
    undefined,
  );
});

test('RateMeter measures recent iterations per second; its ETA waits for a steady rate', () => {
  const m = new RateMeter(3000);
  assert.equal(m.eta(100), null, 'unknown before two samples');
  m.add(0, 0);
  m.add(100, 1000);
  m.add(300, 2000);
  assert.equal(m.itPerSec, 150);
  assert.equal(m.eta(600), null, '100 it/s then 200 it/s: not steady, no ETA');
  m.add(500, 3000);
  m.add(700, 4000);
  m.add(900, 5000);
  assert.equal(m.itPerSec, 200, 'the window dropped the slow start');
  assert.equal(m.eta(1300), 2);
  m.add(1900, 10000); // the window drops samples older than 3 s before the newest
  assert.equal(m.itPerSec, 200);
  m.reset();
  assert.equal(m.itPerSec, 0);
  assert.equal(m.eta(100), null);
});

test('no ETA from the first half second, however steady: the 28-minute ETA of a 7-second run', () => {
  const m = new RateMeter();
  // The first epoch's accuracy check holds iteration 1 for 170 ms; then ~1,470 it/s.
  m.add(0, 0);
  m.add(1, 170);
  m.add(50, 200);
  assert.equal(m.eta(10000), null);
  for (let t = 233; t <= 1300; t += 33) m.add(50 + Math.round((t - 200) * 1.47), t);
  assert.equal(m.eta(10000), null, 'the slow first epoch is still in the window: the halves disagree');
  for (let t = 1333; t <= 3400; t += 33) m.add(50 + Math.round((t - 200) * 1.47), t);
  const eta = m.eta(10000)!;
  assert.ok(eta > 0 && eta < 8, `a steady rate gives the real ETA: ${eta} s`);
});

test('toMnistInput scales the ink to a 20-pixel box and centres its mass in 28×28', () => {
  const W = 100;
  const gray = new Float64Array(W * W);
  for (let y = 10; y < 50; y++) for (let x = 5; x < 25; x++) gray[y * W + x] = 1; // a 20×40 bar in a corner
  const out = toMnistInput(gray, W, W);
  assert.equal(out.length, MNIST_SIDE * MNIST_SIDE);
  let mass = 0,
    cx = 0,
    cy = 0,
    x0 = 28,
    x1 = -1,
    y0 = 28,
    y1 = -1;
  out.forEach((v, i) => {
    if (v <= 0) return;
    const x = i % 28,
      y = Math.floor(i / 28);
    mass += v;
    cx += v * (x + 0.5);
    cy += v * (y + 0.5);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  });
  assert.equal(y1 - y0 + 1, 20, 'the longer side becomes 20 px');
  assert.equal(x1 - x0 + 1, 10, 'the aspect ratio is kept');
  assertClose(cx / mass, 14, { abs: 0.5 }, 'centre of mass x');
  assertClose(cy / mass, 14, { abs: 0.5 }, 'centre of mass y');
  assert.ok(Math.max(...out) <= 1 && Math.min(...out) >= 0);
  assert.ok(
    toMnistInput(new Float64Array(W * W), W, W).every((v) => v === 0),
    'an empty pad gives an empty image',
  );
});
