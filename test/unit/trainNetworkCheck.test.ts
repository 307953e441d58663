import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { range, toBatch } from '../../src/core/dataset';
import { fastNumericalGradient } from '../../src/engine/fastNumericalGradient';
import { Random } from '../../src/core/random';
import { TwoLayerNet } from '../../src/core/twoLayerNet';
import { loadBundled } from '../../src/node/mnistFiles';
import { checkNetworkGradients, relativeError, verdictFor } from '../../src/panels/train/networkCheck';
import { ROOT } from './helpers';

const data = loadBundled(join(ROOT, 'media', 'mnist'));

test('relativeError is ‖a − b‖ / (‖a‖ + ‖b‖), 0 for two zero gradients', () => {
  assert.equal(relativeError([3, 4], [3, 4]), 0);
  assert.equal(relativeError([0, 0], [0, 0]), 0);
  assert.equal(relativeError([3, 4], [0, 0]), 1);
  assert.equal(relativeError([1, 0], [-1, 0]), 1, 'a flipped sign is as wrong as it gets');
  assert.deepEqual([1e-10, 5e-7, 1e-3].map(verdictFor), ['match', 'close', 'mismatch']);
  assert.equal(verdictFor(NaN), 'mismatch');
});

test('the network gradient check on the book’s gradient_check batch: every group matches, δ explains the rest', (t) => {
  const result = checkNetworkGradients(data, { batchSize: 3, hiddenSize: 50, weightInitStd: 0.01, seed: 42 });
  assert.equal(result.batchSize, 3);
  assert.deepEqual(
    result.groups.map((g) => [g.name, g.shape]),
    [
      ['W1', [784, 50]],
      ['b1', [50]],
      ['W2', [50, 10]],
      ['b2', [10]],
    ],
  );
  for (const g of result.groups) {
    assert.equal(g.verdict, 'match', g.name);
    assert.ok(g.relativeErrorNoDelta < 1e-8, `${g.name}: δ = 0 agrees to ${g.relativeErrorNoDelta}`);
    assert.ok(
      g.relativeError > 1e-7 && g.relativeError < 1e-5,
      `${g.name}: with δ = 1e-7 the error is ${g.relativeError}`,
    );
    assert.ok(g.maxAbsDiff > 0 && g.maxAbsDiff < 1e-6);
  }
  t.diagnostic(`check took ${result.seconds.toFixed(2)} s`); // measured, never asserted
});

test('a backprop bug the check exists for — forgetting / batch_size — is a mismatch', () => {
  const net = new TwoLayerNet({ inputSize: 784, hiddenSize: 10, outputSize: 10 }, 0.01, new Random(1));
  net.delta = 0;
  const { x, t } = toBatch(data.train, range(0, 3));
  const numerical = fastNumericalGradient(net, x, t);
  const buggy = net.gradient(x, t).W2.data.map((g) => g * 3); // dy = y − t without the / N
  const rel = relativeError(numerical.W2.data, buggy);
  assert.ok(Math.abs(rel - 0.5) < 1e-6, `relative error ${rel} (|3g − g| / (|3g| + |g|) = 1/2)`);
  assert.equal(verdictFor(rel), 'mismatch');
});
