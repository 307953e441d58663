import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BenchResult, formatReport } from '../../src/cli/benchReport';
import { ROOT } from './helpers';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

// Never asserts on time: only that every figure is there and sane.
test('bench --quick --json ends with one JSON object of engine, reference, numpy and numerical-gradient figures', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'bench', '--quick', '--json'], {
    encoding: 'utf8',
    timeout: 180000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]) as BenchResult;
  assert.equal(result.quick, true);
  assert.equal(result.runIters, 300);
  for (const key of [
    'engineMsPerIter',
    'engineItPerSec',
    'referenceMsPerIter',
    'engineEvalMs',
    'engineRunSeconds',
    'numgradFastSeconds',
    'numgradNaiveSecondsEstimate',
    'peakRssMB',
  ] as const) {
    assert.ok(Number.isFinite(result[key]) && result[key] > 0, `${key} = ${result[key]}`);
  }
  assert.ok(
    result.engineTestAccuracy > 0.2 && result.engineTestAccuracy <= 1,
    `engine test accuracy ${result.engineTestAccuracy}`,
  );
  assert.equal(result.numgradParams, 39760);
  for (const [key, v] of Object.entries(result.gradViews))
    assert.ok(Number.isFinite(v) && v > 0, `gradViews.${key} = ${v}`);
  assert.ok(result.numgradMaxAbsDiffVsBackprop <= 1e-7, `vs backprop ${result.numgradMaxAbsDiffVsBackprop}`);
  assert.ok(result.numgradMaxAbsDiffVsBackpropDelta0 <= 1e-9);
  assert.ok(result.numgradMaxAbsDiffVsNaive <= 1e-9);
  if (hasNumpy) {
    assert.ok(
      result.numpyMsPerIter! > 0 && result.numpyRunSeconds! > 0 && result.numgradNumpySecondsEstimate! > 0,
      JSON.stringify(result),
    );
    // Same book, same hyperparameters, different random numbers: after 3 epochs both are well above chance.
    assert.ok(
      result.numpyTestAccuracy! > 0.2 && result.numpyTestAccuracy! <= 1,
      `numpy test accuracy ${result.numpyTestAccuracy}`,
    );
    assert.equal(result.numpySkipped, null);
  } else {
    assert.equal(result.numpyMsPerIter, null);
    assert.equal(result.numpyRunSeconds, null);
    assert.match(result.numpySkipped ?? '', /import numpy/);
  }
});

test('the bench report prints ratios against numpy, and says when numpy was not measured', () => {
  const base = {
    quick: false,
    dataset: 'MNIST',
    seed: 42,
    node: 'v20',
    cpu: '2 × CPU',
    runIters: 10000,
    epochs: 100,
    engineMsPerIter: 0.2,
    engineItPerSec: 5000,
    referenceMsPerIter: 10,
    referenceItPerSec: 100,
    engineEvalMs: 14,
    referenceEvalMs: 400,
    engineRunSeconds: 3.5,
    engineTestAccuracy: 0.935,
    engineTrainAccuracy: 0.96,
    referenceRunSecondsEstimate: 140,
    numgradParams: 39760,
    numgradFastSeconds: 0.05,
    numgradNaiveTimedParams: 200,
    numgradNaiveSecondsEstimate: 80,
    numgradMaxAbsDiffVsNaive: 1e-12,
    numgradMaxAbsDiffVsBackprop: 5e-8,
    numgradMaxAbsDiffVsBackpropDelta0: 1e-10,
    firstIterationMs: 20,
    longestIterationMs: 2,
    longestEpochPauseMs: 30,
    eventLoopDelayMaxMs: 40,
    eventLoopDelayP99Ms: 35,
    peakRssMB: 150,
    gradViews: {
      snapshotMs: 1,
      snapshotMsPerIter: 0.0008,
      histogramsMs: 2,
      histogramsMsPerIter: 0.02,
      timelineCheckMs: 5,
      timelineMsPerIterEvery100: 0.05,
    },
  };
  const withNumpy: BenchResult = {
    ...base,
    numpyMsPerIter: 1,
    numpyItPerSec: 1000,
    numpyEvalMs: 60,
    numpyRunSeconds: 14,
    numpyTestAccuracy: 0.93,
    numpyTrainAccuracy: 0.95,
    numgradNumpySecondsEstimate: 30,
    numpy: { version: '2.4.6', python: '3.11', blasThreads: 'default' },
    numpySkipped: null,
  };
  const text = formatReport(withNumpy);
  assert.match(
    text,
    /snapshot \(dW1, norms, ratios\) 1\.00 ms; every 250 ms: \+0\.0008 ms\/iteration \(0\.4 % of an iteration\)/,
  );
  assert.match(text, /backprop-vs-numerical check 5\.00 ms; every 100 iterations: \+0\.0500 ms\/iteration \(25\.0 %\)/);
  assert.match(text, /numpy \(the book\)\s+1\.000\s+1000\s+5\.0× faster/);
  assert.match(text, /the engine is 4\.0× faster; test accuracy \+0\.50 pp vs numpy/);
  assert.match(text, /fast is 600\.0× faster/);
  assert.match(text, /reference ~140 s \(not run: extrapolated/);
  const without: BenchResult = {
    ...base,
    numpyMsPerIter: null,
    numpyItPerSec: null,
    numpyEvalMs: null,
    numpyRunSeconds: null,
    numpyTestAccuracy: null,
    numpyTrainAccuracy: null,
    numgradNumpySecondsEstimate: null,
    numpy: null,
    numpySkipped: 'not measured: `python3 -c "import numpy"` failed',
  };
  const plain = formatReport(without);
  assert.match(plain, /numpy not measured/);
  assert.doesNotMatch(plain, /numpy \(the book\)/);
});
