import { spawnSync } from 'child_process';
import { cpus } from 'os';
import { resolve } from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { Dataset, toBatch } from '../core/dataset';
import { fastNumericalGradient } from '../engine/fastNumericalGradient';
import { numericalGradient } from '../core/gradient';
import { Matrix } from '../core/matrix';
import { createNetwork } from '../engine/network';
import { Random } from '../core/random';
import { BOOK_DEFAULTS, TrainConfig, Trainer, iterPerEpoch } from '../core/trainer';
import { PARAM_NAMES, TrainableNetwork, TwoLayerNet, paramData } from '../core/twoLayerNet';
import { FlagSpec, parseArgs } from './args';
import { loadDataset } from './train';
import { BenchResult, GradViewsCost, NumpyResult, formatReport } from './benchReport';
import { GradientWatcher, groupHistograms } from '../core/gradientWatch';
import { columnImages } from '../panels/train/modelView';
import { engineRun, runPeers } from './benchPeers';

export const BENCH_USAGE =
  'usage: npm run bench -- [--quick] [--json] [--seed N] [--data DIR] [--no-numpy] [--python CMD] [--numpy-threads N]\n' +
  '       npm run bench -- --peers --help   (the whole run against numpy, PyTorch and JAX)';

const SPECS: Record<string, FlagSpec> = {
  quick: { kind: 'bool' },
  json: { kind: 'bool' },
  seed: { kind: 'int', min: 0 },
  data: { kind: 'string' },
  'no-numpy': { kind: 'bool' },
  python: { kind: 'string' },
  'numpy-threads': { kind: 'int', min: 1 },
  help: { kind: 'bool' },
};

/** How much to run: the full benchmark, or --quick (seconds, for the unit test). */
interface Plan {
  runIters: number;
  engineTimedIters: number;
  referenceTimedIters: number;
  evalRepeats: number;
  naiveParams: number;
  numpyTimedIters: number;
  numpyNumgradParams: number;
}

const FULL: Plan = {
  runIters: 10000,
  engineTimedIters: 2000,
  referenceTimedIters: 100,
  evalRepeats: 5,
  naiveParams: 200,
  numpyTimedIters: 1000,
  numpyNumgradParams: 300,
};
const QUICK: Plan = {
  runIters: 300,
  engineTimedIters: 200,
  referenceTimedIters: 10,
  evalRepeats: 1,
  naiveParams: 20,
  numpyTimedIters: 50,
  numpyNumgradParams: 20,
};

export async function runBench(argv: string[], bundledDir: string): Promise<number> {
  if (argv.includes('--peers'))
    return runPeers(
      argv.filter((a) => a !== '--peers'),
      bundledDir,
    );
  const { flags } = parseArgs(argv, SPECS);
  if (flags.help) {
    process.stdout.write(BENCH_USAGE + '\n');
    return 0;
  }
  const plan = flags.quick ? QUICK : FULL;
  const seed = (flags.seed as number | undefined) ?? BOOK_DEFAULTS.seed;
  const dataDir = flags.data as string | undefined;
  const data = loadDataset(dataDir, bundledDir);
  const config: TrainConfig = { ...BOOK_DEFAULTS, seed, iters: plan.runIters };
  const log = flags.json ? () => undefined : (line: string) => process.stderr.write(line + '\n');

  log(`timing ${plan.engineTimedIters} iterations of the engine and ${plan.referenceTimedIters} of the reference…`);
  const engine = timeIterations(
    createNetwork('fast', shapeOf(data, config), config),
    data,
    config,
    plan.engineTimedIters,
  );
  const engineEvalMs = timeEvaluation(engine.net, data, plan.evalRepeats);
  const reference = timeIterations(
    createNetwork('reference', shapeOf(data, config), config),
    data,
    config,
    plan.referenceTimedIters,
  );
  const referenceEvalMs = timeEvaluation(reference.net, data, 1);

  log(`training the engine for ${plan.runIters} iterations with per-epoch accuracy…`);
  const run = await timeRun(data, config);
  // The whole run's time and accuracy are `npm run train`'s own, in a fresh process (the run above, in this
  // warmed-up process, gives the responsiveness figures).
  const trainRun = engineRun(resolve(bundledDir, '..', '..', 'dist', 'cli.js'), dataDir, config);

  log('the gradient views…');
  const gradViews = timeGradientViews(data, config, engine.msPerIter, plan.evalRepeats);

  log('numerical gradients…');
  const numgrad = timeNumericalGradients(data, seed, plan.naiveParams);

  let numpy: NumpyResult | null = null;
  let numpySkipped = flags['no-numpy'] ? 'skipped (--no-numpy)' : '';
  if (!flags['no-numpy']) {
    log(`running the book's numpy code (${plan.runIters} iterations)…`);
    const python = (flags.python as string | undefined) ?? 'python3';
    const threads = flags['numpy-threads'] as number | undefined;
    const out = runNumpy(
      python,
      resolve(bundledDir, '..', '..', 'scripts', 'bench_numpy.py'),
      dataDir ?? bundledDir,
      seed,
      plan,
      threads,
    );
    if (typeof out === 'string') numpySkipped = out;
    else numpy = out;
  }

  const epochs = Math.ceil(plan.runIters / iterPerEpoch(data.train.count, config.batchSize));
  const result: BenchResult = {
    quick: !!flags.quick,
    dataset: data.name,
    seed,
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    runIters: plan.runIters,
    epochs,
    engineMsPerIter: engine.msPerIter,
    engineItPerSec: 1000 / engine.msPerIter,
    referenceMsPerIter: reference.msPerIter,
    referenceItPerSec: 1000 / reference.msPerIter,
    numpyMsPerIter: numpy?.msPerIter ?? null,
    numpyItPerSec: numpy ? 1000 / numpy.msPerIter : null,
    engineEvalMs,
    referenceEvalMs,
    numpyEvalMs: numpy?.evalMs ?? null,
    engineRunSeconds: trainRun.runSeconds,
    engineTestAccuracy: trainRun.testAccuracy,
    engineTrainAccuracy: trainRun.trainAccuracy,
    referenceRunSecondsEstimate: (plan.runIters * reference.msPerIter + epochs * referenceEvalMs) / 1000,
    numpyRunSeconds: numpy?.runSeconds ?? null,
    numpyTestAccuracy: numpy?.testAccuracy ?? null,
    numpyTrainAccuracy: numpy?.trainAccuracy ?? null,
    ...numgrad,
    numgradNumpySecondsEstimate: numpy?.numgradSecondsEstimate ?? null,
    firstIterationMs: run.firstIterationMs,
    longestIterationMs: run.longestIterationMs,
    longestEpochPauseMs: run.longestEpochPauseMs,
    eventLoopDelayMaxMs: run.eventLoopDelayMaxMs,
    eventLoopDelayP99Ms: run.eventLoopDelayP99Ms,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    gradViews,
    numpy: numpy ? { version: numpy.numpy, python: numpy.python, blasThreads: numpy.blasThreads } : null,
    numpySkipped: numpy ? null : numpySkipped,
  };
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(formatReport(result) + '\n');
  return 0;
}

function shapeOf(data: Dataset, config: TrainConfig) {
  return { inputSize: data.train.size, hiddenSize: config.hiddenSize, outputSize: data.classes };
}

/** ms per trainStep on the trainer's batch sequence, after a short warm-up (the JIT, the sparse copy). */
function timeIterations(
  net: TrainableNetwork,
  data: Dataset,
  config: TrainConfig,
  iters: number,
): { msPerIter: number; net: TrainableNetwork } {
  const rng = new Random(config.seed ^ 0x5eed);
  const batch = new Int32Array(config.batchSize);
  const step = () => {
    rng.choice(data.train.count, config.batchSize, batch);
    net.trainStep(data.train, batch, config.learningRate, 'backprop');
  };
  for (let i = 0; i < Math.min(50, iters); i++) step();
  const start = performance.now();
  for (let i = 0; i < iters; i++) step();
  return { msPerIter: (performance.now() - start) / iters, net };
}

/** ms for one epoch's evaluation: accuracy over the whole train and test sets. */
function timeEvaluation(net: TrainableNetwork, data: Dataset, repeats: number): number {
  net.accuracyOn(data.test);
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    net.accuracyOn(data.train);
    net.accuracyOn(data.test);
  }
  return (performance.now() - start) / repeats;
}

/**
 * The default CLI run, as `npm run train` does it, watching what decides the worker's
 * responsiveness: how long it goes without returning to its event loop.
 */
async function timeRun(data: Dataset, config: TrainConfig) {
  const net = createNetwork('fast', shapeOf(data, config), config);
  const trainer = new Trainer(net, data, config);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let last = 0;
  let firstIterationMs = 0;
  let longestIterationMs = 0;
  let longestEpochPauseMs = 0;
  delay.enable();
  await trainer.run((e) => {
    if (e.type === 'iteration' && e.iter === 1) firstIterationMs = e.elapsedMs;
    else if (e.type === 'iteration') longestIterationMs = Math.max(longestIterationMs, e.elapsedMs - last);
    if (e.type === 'epoch') longestEpochPauseMs = Math.max(longestEpochPauseMs, e.elapsedMs - last);
    if (e.type !== 'done' && e.type !== 'diagnosis') last = e.elapsedMs;
  });
  delay.disable();
  return {
    firstIterationMs,
    longestIterationMs,
    longestEpochPauseMs,
    eventLoopDelayMaxMs: delay.max / 1e6,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
  };
}

/** What the training worker's gradient views cost on the engine: best of `repeats` (at least 5) of each. */
function timeGradientViews(
  data: Dataset,
  config: TrainConfig,
  engineMsPerIter: number,
  repeats: number,
): GradViewsCost {
  const net = createNetwork('fast', shapeOf(data, config), config);
  const watcher = new GradientWatcher(net, data.train, config.seed);
  const batch = new Random(config.seed).choice(data.train.count, config.batchSize);
  const best = (f: () => void) => {
    f();
    let ms = Infinity;
    for (let i = 0; i < Math.max(5, repeats); i++) {
      const start = performance.now();
      f();
      ms = Math.min(ms, performance.now() - start);
    }
    return ms;
  };
  const snapshotMs = best(() => {
    const { params, grad } = watcher.snapshot(batch, config.learningRate);
    columnImages(params.W1, 16);
    columnImages(grad.W1, 16);
  });
  const histogramsMs = best(() => {
    const { params, grad } = watcher.snapshot(batch, config.learningRate);
    groupHistograms(params, grad);
  });
  const timelineCheckMs = best(() => watcher.agreement(batch));
  const perEpoch = iterPerEpoch(data.train.count, config.batchSize);
  return {
    snapshotMs,
    snapshotMsPerIter: (snapshotMs * engineMsPerIter) / 250,
    histogramsMs,
    histogramsMsPerIter: histogramsMs / perEpoch,
    timelineCheckMs,
    timelineMsPerIterEvery100: timelineCheckMs / 100,
  };
}

/** Fast (every parameter) and naive (a timed subset, extrapolated) numerical gradients on one batch of 100, float64. */
function timeNumericalGradients(data: Dataset, seed: number, naiveParams: number) {
  const net = new TwoLayerNet(
    { inputSize: data.train.size, hiddenSize: 50, outputSize: data.classes },
    0.01,
    new Random(seed),
  );
  const { x, t } = toBatch(data.train, new Random(seed).choice(data.train.count, 100), data.classes);
  const paramCount = PARAM_NAMES.reduce((n, name) => n + paramData(net.params, name).length, 0);
  let fast = fastNumericalGradient(net, x, t); // warm-up
  let numgradFastSeconds = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    fast = fastNumericalGradient(net, x, t);
    numgradFastSeconds = Math.min(numgradFastSeconds, (performance.now() - start) / 1000);
  }
  // The book's method on W1's weights of the pixels most often not 0 in the batch: two full forward passes each.
  const first = busiestPixel(x) * net.params.W1.cols;
  const start = performance.now();
  const naive = numericalGradient(() => net.loss(x, t), net.params.W1.data.subarray(first, first + naiveParams));
  const naiveSeconds = (performance.now() - start) / 1000;
  const backprop = net.gradient(x, t);
  const diffVsBackprop = maxDiff(backprop, fast);
  net.delta = 0;
  const diffDelta0 = maxDiff(backprop, fastNumericalGradient(net, x, t));
  return {
    numgradParams: paramCount,
    numgradFastSeconds,
    numgradNaiveTimedParams: naiveParams,
    numgradNaiveSecondsEstimate: (naiveSeconds / naiveParams) * paramCount,
    numgradMaxAbsDiffVsNaive: maxAbs(naive, fast.W1.data.subarray(first, first + naiveParams)),
    numgradMaxAbsDiffVsBackprop: diffVsBackprop,
    numgradMaxAbsDiffVsBackpropDelta0: diffDelta0,
  };
}

/** The pixel that is not 0 in the most rows of x. */
function busiestPixel(x: Matrix): number {
  const count = new Int32Array(x.cols);
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== 0) count[i % x.cols]++;
  return count.indexOf(Math.max(...count));
}

function maxDiff(a: Parameters<typeof paramData>[0], b: Parameters<typeof paramData>[0]): number {
  return Math.max(...PARAM_NAMES.map((name) => maxAbs(paramData(a, name), paramData(b, name))));
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs scripts/bench_numpy.py; a string says why numpy could not be measured. */
function runNumpy(
  python: string,
  script: string,
  dataDir: string,
  seed: number,
  plan: Plan,
  threads?: number,
): NumpyResult | string {
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `not measured: \`${python} -c "import numpy"\` failed (${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})`;
  const args = [script, '--data', dataDir, '--seed', String(seed), '--iters', String(plan.runIters)];
  args.push('--timed-iters', String(plan.numpyTimedIters), '--numgrad-params', String(plan.numpyNumgradParams));
  args.push('--eval-repeats', String(plan.evalRepeats));
  // numpy as the book runs it: its BLAS's own threads, unless --numpy-threads pins them.
  const env = threads
    ? {
        ...process.env,
        OPENBLAS_NUM_THREADS: String(threads),
        OMP_NUM_THREADS: String(threads),
        MKL_NUM_THREADS: String(threads),
      }
    : process.env;
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 15 * 60 * 1000, env });
  if (r.error || r.status !== 0)
    return `not measured: ${script} failed (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as NumpyResult;
  } catch {
    return `not measured: ${script} printed no JSON`;
  }
}
