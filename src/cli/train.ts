import {
  BOOK_DEFAULTS,
  EVALUATION_PATHS,
  EvaluationPath,
  SAMPLINGS,
  Sampling,
  TrainConfig,
  TrainEvent,
  Trainer,
} from '../core/trainer';
import { useSecondCore } from '../node/pairThread';
import { GradientWatcher } from '../core/gradientWatch';
import { initialLossCheck, withTrainImages } from '../core/sanity';
import { findLearningRate } from '../core/lrFinder';
import { DEFAULT_ENGINE, ENGINES, EngineName, createNetwork } from '../engine/network';
import { FastTwoLayerNet } from '../engine/fastNet';
import { Dataset } from '../core/dataset';
import { loadBundled, loadFolder } from '../node/mnistFiles';
import { FlagSpec, UsageError, parseArgs } from './args';
import { ProgressBar, rate } from './progress';
import { cliT } from '../l10n/cli';
import { INT_LIMITS, TRAIN_STRINGS, diagnosisText } from '../protocol/train';
import type { LossDiagnosis } from '../core/lossWatch';

export const TRAIN_USAGE =
  'usage: npm run train -- [--hidden N] [--lr X] [--batch N] [--iters N] [--std X] [--seed N] [--method backprop|numerical] [--engine NAME] [--data DIR] [--json]\n' +
  '       [--sampling replacement|shuffled] [--overfit K] [--grad-stats N] [--check-every N] [--lr-finder]\n' +
  '       [--evaluation worker|split|in-thread]   (the second core: the per-epoch accuracies, and half of each step\n' +
  '       taken between them, the default; half of every step and accuracy check; or none)';

const SPECS: Record<string, FlagSpec> = {
  hidden: { kind: 'int', min: INT_LIMITS.hiddenSize[0], max: INT_LIMITS.hiddenSize[1] },
  lr: { kind: 'number', min: 0, exclusiveMin: true },
  batch: { kind: 'int', min: INT_LIMITS.batchSize[0], max: INT_LIMITS.batchSize[1] },
  iters: { kind: 'int', min: INT_LIMITS.iters[0], max: INT_LIMITS.iters[1] },
  std: { kind: 'number', min: 0, exclusiveMin: true },
  seed: { kind: 'int', min: INT_LIMITS.seed[0], max: INT_LIMITS.seed[1] },
  method: { kind: 'string', choices: ['backprop', 'numerical'] },
  engine: { kind: 'string', choices: ENGINES },
  data: { kind: 'string' },
  json: { kind: 'bool' },
  help: { kind: 'bool' },
  sampling: { kind: 'string', choices: SAMPLINGS },
  overfit: { kind: 'int', min: 1 },
  'grad-stats': { kind: 'int', min: 1 },
  'check-every': { kind: 'int', min: 1 },
  'lr-finder': { kind: 'bool' },
  evaluation: { kind: 'string', choices: EVALUATION_PATHS },
};

export interface TrainOptions {
  config: TrainConfig;
  engine: EngineName;
  dataDir?: string;
  json: boolean;
  /** Train on the first K training images only (the "overfit a tiny set" check). */
  overfit?: number;
  /** Every N iterations: each parameter group's gradient norm and update/weight ratio. */
  gradStats?: number;
  /** Every N iterations (and before the first): backprop against the numerical gradient. */
  checkEvery?: number;
  lrFinder: boolean;
  /** How the run uses a second core (see EvaluationPath): 'split' falls back to 'worker', and that to in-thread. */
  evaluation: EvaluationPath;
}

export function parseTrainArgs(argv: string[]): TrainOptions | 'help' {
  const { flags } = parseArgs(argv, SPECS);
  if (flags.help) return 'help';
  const num = (k: string, d: number) => (flags[k] as number | undefined) ?? d;
  const config: TrainConfig = {
    hiddenSize: num('hidden', BOOK_DEFAULTS.hiddenSize),
    learningRate: num('lr', BOOK_DEFAULTS.learningRate),
    batchSize: num('batch', BOOK_DEFAULTS.batchSize),
    iters: num('iters', BOOK_DEFAULTS.iters),
    weightInitStd: num('std', BOOK_DEFAULTS.weightInitStd),
    seed: num('seed', BOOK_DEFAULTS.seed),
    gradientMethod: (flags.method as TrainConfig['gradientMethod']) ?? 'backprop',
  };
  if (flags.sampling) config.sampling = flags.sampling as Sampling;
  // `--data "$DIR"` with DIR unset would otherwise train on the bundled set without a word.
  if (flags.data === '') throw new UsageError(cliT('--data needs a folder (got an empty value)'));
  return {
    config,
    engine: (flags.engine as EngineName) ?? DEFAULT_ENGINE,
    dataDir: flags.data as string | undefined,
    json: !!flags.json,
    overfit: flags.overfit as number | undefined,
    gradStats: flags['grad-stats'] as number | undefined,
    checkEvery: flags['check-every'] as number | undefined,
    lrFinder: !!flags['lr-finder'],
    evaluation: (flags.evaluation as EvaluationPath | undefined) ?? 'worker',
  };
}

export function loadDataset(dataDir: string | undefined, bundledDir: string): Dataset {
  return dataDir ? loadFolder(dataDir) : loadBundled(bundledDir);
}

export async function runTrain(argv: string[], bundledDir: string): Promise<number> {
  const opts = parseTrainArgs(argv);
  if (opts === 'help') {
    process.stdout.write(TRAIN_USAGE + '\n');
    return 0;
  }
  const loaded = loadDataset(opts.dataDir, bundledDir);
  const data = opts.overfit ? withTrainImages(loaded, opts.overfit) : loaded;
  const { config } = opts;
  if (config.batchSize > data.train.count) {
    throw new UsageError(
      cliT('--batch {0} is larger than the training set ({1} images)', config.batchSize, data.train.count),
    );
  }
  const shape = { inputSize: data.train.size, hiddenSize: config.hiddenSize, outputSize: data.classes };
  const net = createNetwork(opts.engine, shape, config, { shared: opts.evaluation !== 'in-thread' });
  const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  if (opts.lrFinder) return runLrFinder(net, data, config, opts.json, emit);
  const trainer = new Trainer(net, data, config);
  const secondCore = await useSecondCore(opts.evaluation, net, {
    engine: opts.engine,
    shape,
    train: data.train,
    test: data.test,
  });
  const { evaluator, splitProblem } = secondCore;
  trainer.evaluator = evaluator;
  if (splitProblem !== undefined && !opts.json)
    process.stdout.write(
      cliT(
        '--evaluation split is not possible here ({0}): the evaluation runs on the second core instead',
        splitProblem,
      ) + '\n',
    );
  const bar = opts.json ? undefined : new ProgressBar(config.iters);
  const say = (line: string) => (bar ? bar.log(line) : process.stdout.write(line + '\n'));
  const watcher = new GradientWatcher(net, data.train, config.seed);
  trainer.beforeStep = (iter, batch) => {
    if (iter === 1) {
      const check = initialLossCheck(net.lossOn(data.train, batch), data.classes);
      if (opts.json) emit({ type: 'initialLoss', ...check });
      else say(cliT(INITIAL_LOSS_TEXT[check.verdict], check.loss.toFixed(4), check.expected.toFixed(4)));
    }
    if (opts.gradStats && iter % opts.gradStats === 0) {
      const { groups } = watcher.snapshot(batch, trainer.currentLearningRate);
      if (opts.json) emit({ type: 'gradStats', iter, learningRate: trainer.currentLearningRate, groups });
      else
        say(
          cliT(
            'iter {0}  ‖∇W‖ and update/weight ratio: {1}',
            iter,
            groups.map((g) => `${g.name} ${g.gradNorm.toExponential(2)} ${g.updateRatio.toExponential(1)}`).join('  '),
          ),
        );
    }
    if (opts.checkEvery && (iter === 1 || iter % opts.checkEvery === 0)) {
      const check = watcher.agreement(batch);
      if (opts.json) emit({ type: 'gradCheck', iter, ...check });
      else
        say(
          cliT(
            check.ok
              ? 'iter {0}  backprop agrees with the numerical gradient (relative error {1})'
              : 'iter {0}  backprop DISAGREES with the numerical gradient (relative error {1}): the gradient code is wrong',
            iter,
            check.relError.toExponential(1),
          ),
        );
    }
  };
  let lastJsonProgress = 0;

  if (opts.json) emit({ type: 'start', dataset: data.name, engine: opts.engine, ...config });
  else {
    process.stdout.write(
      cliT('Training TwoLayerNet {0}-{1}-{2} on {3}', data.train.size, config.hiddenSize, data.classes, data.name) +
        '\n',
    );
    process.stdout.write(
      cliT(
        'learning rate {0}, batch {1}, {2} iterations, init std {3}, seed {4}, {5}, engine {6}',
        config.learningRate,
        config.batchSize,
        config.iters,
        config.weightInitStd,
        config.seed,
        config.gradientMethod,
        opts.engine,
      ) + '\n',
    );
  }
  // The training thread's part of the per-epoch accuracy checks: from an epoch's last iteration to its check
  // (with the evaluation worker, only the copy of the weights).
  let evalMs = 0;
  let lastIterationMs = 0;
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'epoch') evalMs += e.elapsedMs - lastIterationMs;
    if (e.type === 'iteration') lastIterationMs = e.elapsedMs;
    if (e.type === 'iteration') {
      if (bar) bar.update(e.iter, e.elapsedMs, ` loss ${e.loss.toFixed(4)}`);
      else if (e.elapsedMs - lastJsonProgress > 1000 || e.iter === config.iters) {
        lastJsonProgress = e.elapsedMs;
        emit({
          type: 'progress',
          iter: e.iter,
          iters: config.iters,
          loss: e.loss,
          ...rate(e.iter, config.iters, e.elapsedMs),
        });
      }
    } else if (e.type === 'diagnosis') {
      if (opts.json) emit({ type: 'diagnosis', diagnosis: e.diagnosis ?? null });
      else if (e.diagnosis && e.diagnosis.kind !== 'not-a-number') bar!.log(explain(e.diagnosis, config.learningRate));
    } else if (e.type === 'epoch') {
      if (bar)
        bar.log(
          cliT(
            'epoch {0}  iter {1}  train acc {2}  test acc {3}',
            String(e.epoch).padStart(3),
            String(e.iter).padStart(6),
            e.trainAccuracy.toFixed(4),
            e.testAccuracy.toFixed(4),
          ),
        );
      else
        emit({
          type: 'epoch',
          epoch: e.epoch,
          iter: e.iter,
          trainAccuracy: e.trainAccuracy,
          testAccuracy: e.testAccuracy,
        });
    }
  };
  const stopOnSignal = () => trainer.stop();
  process.once('SIGINT', stopOnSignal);
  const cpuBefore = process.cpuUsage();
  const summary = await trainer.run(onEvent).finally(() => secondCore.close());
  const cpu = process.cpuUsage(cpuBefore);
  process.off('SIGINT', stopOnSignal);
  bar?.end();
  if (opts.json) {
    // evalSeconds: the accuracy checks' share of wallSeconds on the training thread; evalWorkerSeconds: the
    // evaluation worker's time (overlapped with training); cpuSeconds: this process's CPU time over the run
    // (both threads, the progress output), which a loaded machine does not inflate as it does the wall.
    emit({
      type: 'summary',
      ...summary,
      engine: opts.engine,
      dataset: data.name,
      evaluation: trainer.evaluation,
      ...(splitProblem === undefined ? {} : { splitProblem }),
      evalSeconds: evalMs / 1000,
      evalWorkerSeconds: (evaluator?.busyMs ?? 0) / 1000,
      // steps split over the engine's two threads ('split': all; 'worker': those taken while the worker was idle)
      pairedSteps: net instanceof FastTwoLayerNet ? net.pairedSteps : 0,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
  } else {
    if (summary.diagnosis) process.stdout.write(explain(summary.diagnosis, config.learningRate) + '\n');
    process.stdout.write(
      cliT(
        'Done ({0}): {1} iterations in {2} s, {3} epochs; final train accuracy {4}, test accuracy {5}',
        cliT(summary.reason),
        summary.iterations,
        summary.wallSeconds.toFixed(1),
        summary.epochs,
        accuracyText(summary.trainAccuracy),
        accuracyText(summary.testAccuracy),
      ) + '\n',
    );
  }
  return summary.reason === 'diverged' ? 1 : 0;
}

/** What the initial-loss check says, by verdict: {0} the loss, {1} ln(classes). */
const INITIAL_LOSS_TEXT = {
  'as-expected': 'initial loss {0}, as expected: ≈ ln 10 = {1}, every class equally likely before learning',
  'too-high':
    'initial loss {0}, far above ln 10 = {1}: the initial weights are too large (--std) or the loss has a bug',
  'too-low':
    'initial loss {0}, below ln 10 = {1}: the network is already confident before learning — check the data and labels',
} as const;

/** --lr-finder: a short run with the rate growing from 1e-5 to 10; prints the curve and the suggestion. */
function runLrFinder(
  net: Parameters<typeof findLearningRate>[0],
  data: Dataset,
  config: TrainConfig,
  json: boolean,
  emit: (o: object) => void,
): number {
  const result = findLearningRate(net, data.train, { batchSize: config.batchSize, seed: config.seed });
  if (json) {
    for (const p of result.points) emit({ type: 'lrFinder', ...p });
    emit({
      type: 'lrFinderSummary',
      minimumAt: result.minimumAt,
      suggested: result.suggested,
      diverged: result.diverged,
      bookRate: BOOK_DEFAULTS.learningRate,
    });
    return 0;
  }
  process.stdout.write(cliT('Learning-rate finder: one mini-batch per rate, from 1e-5 to 10') + '\n');
  const low = Math.min(...result.points.map((p) => p.smoothed));
  const high = Math.max(...result.points.map((p) => p.smoothed));
  result.points.forEach((p, i) => {
    if (i % 15 !== 0 && i !== result.points.length - 1) return;
    const bar = '#'.repeat(Math.round((40 * (p.smoothed - low)) / Math.max(high - low, 1e-12)));
    process.stdout.write(`${p.learningRate.toExponential(1).padStart(8)}  ${p.smoothed.toFixed(3)}  ${bar}\n`);
  });
  process.stdout.write(
    cliT(
      'lowest loss at rate {0}; suggested rate {1} (a tenth of it); the book uses {2}',
      result.minimumAt.toPrecision(2),
      result.suggested.toPrecision(2),
      BOOK_DEFAULTS.learningRate,
    ) + '\n',
  );
  return 0;
}

/** What the loss says when the network is not learning, and the book's lesson, in the CLI's language. */
function explain(d: LossDiagnosis, learningRate: number): string {
  return diagnosisText(d, learningRate, (key, ...args) => cliT(TRAIN_STRINGS[key], ...args));
}

/** An accuracy as printed; '-' before the first epoch was measured. */
function accuracyText(a: number): string {
  return Number.isNaN(a) ? '-' : a.toFixed(4);
}
