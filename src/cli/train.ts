import { BOOK_DEFAULTS, TrainConfig, TrainEvent, Trainer } from '../core/trainer';
import { DEFAULT_ENGINE, ENGINES, EngineName, createNetwork } from '../core/network';
import { Dataset } from '../core/dataset';
import { loadBundled, loadFolder } from '../data/mnist';
import { FlagSpec, UsageError, parseArgs } from './args';
import { ProgressBar, rate } from './progress';
import { cliT } from '../l10n/cli';
import { INT_LIMITS, TRAIN_STRINGS } from '../protocol/train';

export const TRAIN_USAGE =
  'usage: npm run train -- [--hidden N] [--lr X] [--batch N] [--iters N] [--std X] [--seed N] [--method backprop|numerical] [--engine NAME] [--data DIR] [--json]';

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
};

export interface TrainOptions {
  config: TrainConfig;
  engine: EngineName;
  dataDir?: string;
  json: boolean;
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
  return { config, engine: (flags.engine as EngineName) ?? DEFAULT_ENGINE, dataDir: flags.data as string | undefined, json: !!flags.json };
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
  const data = loadDataset(opts.dataDir, bundledDir);
  const { config } = opts;
  if (config.batchSize > data.train.count) {
    throw new UsageError(cliT('--batch {0} is larger than the training set ({1} images)', config.batchSize, data.train.count));
  }
  const net = createNetwork(opts.engine, { inputSize: data.train.size, hiddenSize: config.hiddenSize, outputSize: data.classes }, config);
  const trainer = new Trainer(net, data, config);
  const bar = opts.json ? undefined : new ProgressBar(config.iters);
  const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
  let lastJsonProgress = 0;

  if (opts.json) emit({ type: 'start', dataset: data.name, engine: opts.engine, ...config });
  else {
    process.stdout.write(cliT('Training TwoLayerNet {0}-{1}-{2} on {3}', data.train.size, config.hiddenSize, data.classes, data.name) + '\n');
    process.stdout.write(
      cliT('learning rate {0}, batch {1}, {2} iterations, init std {3}, seed {4}, {5}, engine {6}', config.learningRate, config.batchSize, config.iters, config.weightInitStd, config.seed, config.gradientMethod, opts.engine) + '\n',
    );
  }
  const onEvent = (e: TrainEvent) => {
    if (e.type === 'iteration') {
      if (bar) bar.update(e.iter, e.elapsedMs, ` loss ${e.loss.toFixed(4)}`);
      else if (e.elapsedMs - lastJsonProgress > 1000 || e.iter === config.iters) {
        lastJsonProgress = e.elapsedMs;
        emit({ type: 'progress', iter: e.iter, iters: config.iters, loss: e.loss, ...rate(e.iter, config.iters, e.elapsedMs) });
      }
    } else if (e.type === 'epoch') {
      if (bar) bar.log(cliT('epoch {0}  iter {1}  train acc {2}  test acc {3}', String(e.epoch).padStart(3), String(e.iter).padStart(6), e.trainAccuracy.toFixed(4), e.testAccuracy.toFixed(4)));
      else emit({ type: 'epoch', epoch: e.epoch, iter: e.iter, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy });
    }
  };
  const stopOnSignal = () => trainer.stop();
  process.once('SIGINT', stopOnSignal);
  const summary = await trainer.run(onEvent);
  process.off('SIGINT', stopOnSignal);
  bar?.end();
  if (opts.json) {
    emit({ type: 'summary', ...summary, engine: opts.engine, dataset: data.name });
  } else {
    if (summary.reason === 'diverged') {
      process.stdout.write(cliT(TRAIN_STRINGS.divergedAdvice, summary.finalLoss, summary.iterations, config.learningRate) + '\n');
    }
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

/** An accuracy as printed; '-' before the first epoch was measured. */
function accuracyText(a: number): string {
  return Number.isNaN(a) ? '-' : a.toFixed(4);
}
