import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PeersResult, median, runWork } from '../../src/cli/benchPeers';
import { BOOK_DEFAULTS } from '../../src/core/trainer';
import { ROOT } from './helpers';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

test('runWork counts the book run’s floating-point work: dense by hand, sparse from the non-zero pixels', () => {
  // 4 train images of 3 pixels (5 of 12 not zero), 2 test images (1 of 6 not zero), 2 classes.
  const train = {
    count: 4,
    size: 3,
    images: Uint8Array.from([1, 0, 0, 2, 3, 0, 0, 0, 0, 4, 5, 0]),
    labels: new Uint8Array(4),
  };
  const test = { count: 2, size: 3, images: Uint8Array.from([0, 0, 0, 0, 9, 0]), labels: new Uint8Array(2) };
  const data = { name: 't', train, test, classes: 2 };
  const config = { ...BOOK_DEFAULTS, hiddenSize: 5, batchSize: 2, iters: 5 };
  const w = runWork(data, config);
  // iter_per_epoch = 4 / 2 = 2: accuracy after i = 0, 2, 4.
  assert.equal(w.epochs, 3);
  assert.equal(w.iters, 5);
  const B = 2;
  const H = 5;
  const C = 2;
  const K = 3;
  const iterDense = 3 * 2 * B * K * H + 4 * 2 * B * H * C;
  const evalDense = 2 * 6 * K * H + 2 * 6 * H * C;
  assert.equal(w.dense, 5 * iterDense + 3 * evalDense);
  const iterSparse = ((3 * 2 * (B * 5)) / 4) * H + 4 * 2 * B * H * C;
  const evalSparse = 2 * 6 * H + 2 * 6 * H * C;
  assert.equal(w.sparse, 5 * iterSparse + 3 * evalSparse);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

// Never asserts on time: that every contender ran (or was skipped with a reason) and the JSON has every figure.
test('bench --peers --json: the engine and numpy interleaved, ratios, accuracies, GFLOP/s and the WASM peak', () => {
  const args = [join(ROOT, 'dist', 'cli.js'), 'bench', '--peers', '--json', '--iters', '300', '--rounds', '2'];
  args.push('--only', 'engine,engine-1core,engine-split,numpy,jax', '--python', 'python3');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as PeersResult;
  assert.equal(result.iters, 300);
  assert.equal(result.rounds, 2);
  const engine = result.contenders.find((c) => c.name === 'engine')!;
  assert.equal(engine.runs.length, 2);
  assert.ok(engine.minRunSeconds <= engine.medianRunSeconds && engine.medianRunSeconds <= engine.maxRunSeconds);
  assert.equal(result.engineRunSeconds, engine.medianRunSeconds);
  // The engine's run is `train --json` in a fresh process: its own summary's time, evaluation share and CPU time.
  assert.ok(engine.medianEvalSeconds > 0 && engine.medianEvalSeconds < engine.medianRunSeconds);
  assert.ok(engine.cpuRuns.every((c) => c !== null && c > 0));
  assert.ok(Math.abs(engine.msPerIter - ((engine.medianRunSeconds - engine.medianEvalSeconds) * 1000) / 300) < 1e-9);
  assert.ok(Math.abs(engine.evalSecondsPerEpoch - engine.medianEvalSeconds / result.epochs) < 1e-12);
  assert.ok(result.testAccuracy.engine > 0.2 && result.testAccuracy.engine <= 1);
  // With and without the second core: the same run (the same accuracies), the evaluation's time moved to the worker.
  const oneCore = result.contenders.find((c) => c.name === 'engine-1core')!;
  assert.equal(oneCore.runs.length, 2);
  assert.equal(result.engineOneCoreRunSeconds, oneCore.medianRunSeconds);
  assert.deepEqual([engine.threads, oneCore.threads], [2, 1]);
  assert.equal(oneCore.testAccuracy, engine.testAccuracy);
  assert.equal(oneCore.trainAccuracy, engine.trainAccuracy);
  assert.ok(engine.medianEvalWorkerSeconds! > 0 && oneCore.medianEvalWorkerSeconds === 0);
  // Split over two threads: the same run again, no evaluation worker.
  const split = result.contenders.find((c) => c.name === 'engine-split')!;
  assert.equal(result.engineSplitRunSeconds, split.medianRunSeconds);
  assert.deepEqual(
    [split.threads, split.testAccuracy, split.trainAccuracy],
    [2, engine.testAccuracy, engine.trainAccuracy],
  );
  assert.equal(split.medianEvalWorkerSeconds, 0);
  for (const name of ['engine-1core', 'engine-split'])
    assert.notEqual(result.fastestPeerName, name, 'the engine run another way is not a peer');
  for (const key of ['engineGflops', 'engineSparseGflops', 'denseGflop', 'sparseGflop', 'wasmSimdPeakGflops'] as const)
    assert.ok(Number.isFinite(result[key]) && result[key]! > 0, `${key} = ${result[key]}`);
  assert.ok(result.sparseGflop < result.denseGflop / 2, 'MNIST pixels are mostly zero');
  // JAX is not asked of this machine: either it ran or it is skipped with the failed import.
  if (!result.contenders.some((c) => c.name === 'jax')) assert.match(result.skipped.jax, /not installed.*jax/);
  if (hasNumpy) {
    const numpy = result.contenders.find((c) => c.name === 'numpy')!;
    assert.equal(numpy.runs.length, 2);
    assert.equal(result.numpyRunSeconds, numpy.medianRunSeconds);
    assert.ok(result.testAccuracy.numpy > 0.2 && result.testAccuracy.numpy <= 1);
    assert.ok(Math.abs(numpy.engineIsFaster - numpy.medianRunSeconds / engine.medianRunSeconds) < 1e-12);
    assert.ok(result.fastestPeerName !== null && result.fastestPeerRunSeconds! > 0);
    assert.ok(Number.isFinite(result.engineVsNumpyAccuracyPp));
  } else {
    assert.match(result.skipped.numpy, /not installed/);
  }
});

test('bench --peers rejects a bad flag with a usage message', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', '--peers', '--rounds', '0'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--rounds must be at least 1/);
});
