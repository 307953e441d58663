/**
 * A run's history as files: CSV for spreadsheets and pandas (one row per iteration, accuracies on
 * epoch rows) and JSON with everything, which the panel can import again to compare runs.
 */
import { learningRateChangesProblem } from '../../protocol/trainWatch';
import { RUN_NAME_MAX, RunView, checkRunConfig, type EpochPoint } from '../../protocol/train';
import { errorMessage } from '../../util/text';

export const RUN_FORMAT = 'gradient-lab.run';

export class RunFileError extends Error {}

/**
 * Columns: iteration, loss, epoch, train_accuracy, test_accuracy (the last three only where an epoch
 * ended), learning_rate (the rate that iteration trained with: changes made during the run included).
 */
export function runToCsv(view: RunView, losses: ArrayLike<number>): string {
  const byIter = new Map(view.epochs.map((e) => [e.iter, e]));
  const changes = view.learningRateChanges ?? [];
  const lines = ['iteration,loss,epoch,train_accuracy,test_accuracy,learning_rate'];
  let rate = view.config.learningRate;
  let next = 0;
  for (let i = 0; i < losses.length; i++) {
    const e = byIter.get(i + 1);
    while (next < changes.length && changes[next].iter <= i + 1) rate = changes[next++].learningRate;
    lines.push(`${i + 1},${String(losses[i])},${e ? `${e.epoch},${e.trainAccuracy},${e.testAccuracy}` : ',,'},${rate}`);
  }
  return lines.join('\n') + '\n';
}

export type ImportedRun = Omit<RunView, 'id' | 'hidden' | 'hasModel'>;

export function runToJson(view: RunView, losses: ArrayLike<number>): string {
  const { id: _id, hidden: _hidden, hasModel: _hasModel, ...rest } = view;
  const run: ImportedRun = rest;
  // JSON has no NaN: a diverged run's last loss is written as null and read back as NaN.
  return JSON.stringify(
    { format: RUN_FORMAT, version: 1, ...run, loss: Array.from(losses, (l) => (Number.isFinite(l) ? l : null)) },
    null,
    1,
  );
}

export function runFromJson(text: string, file: string): { run: ImportedRun; losses: number[] } {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`${file}: not valid JSON (${errorMessage(e)})`);
  }
  if (typeof o !== 'object' || o === null || o.format !== RUN_FORMAT) {
    throw new RunFileError(
      `${file}: not a Gradient Lab run (no "format": "${RUN_FORMAT}"); use a file saved with a run's JSON button`,
    );
  }
  const fail = (why: string): never => {
    throw new RunFileError(`${file}: ${why}`);
  };
  const { config, errors } = checkRunConfig((o.config ?? {}) as Record<string, unknown>);
  if (!config) fail(`its hyperparameters are invalid (${errors.map((e) => e.field).join(', ')})`);
  if (!Array.isArray(o.loss) || !o.loss.every((l) => l === null || typeof l === 'number'))
    fail('"loss" must be a list of numbers');
  const losses = (o.loss as (number | null)[]).map((l) => (l === null ? NaN : l));
  if (!Array.isArray(o.epochs)) fail('"epochs" must be a list');
  const epochs = (o.epochs as unknown[]).map((e): EpochPoint => {
    const r = e as Record<string, unknown>;
    const vals = [r?.epoch, r?.iter, r?.trainAccuracy, r?.testAccuracy];
    if (!vals.every((v) => typeof v === 'number' && Number.isFinite(v)))
      fail('every epoch needs numbers epoch, iter, trainAccuracy and testAccuracy');
    return {
      epoch: r.epoch as number,
      iter: r.iter as number,
      trainAccuracy: r.trainAccuracy as number,
      testAccuracy: r.testAccuracy as number,
    };
  });
  const n = (k: string) => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : null);
  const statuses = ['finished', 'stopped', 'diverged', 'loaded'];
  return {
    losses,
    run: {
      name: typeof o.name === 'string' && o.name.trim() ? o.name.trim().slice(0, RUN_NAME_MAX) : file,
      config: config!,
      datasetName: typeof o.datasetName === 'string' ? o.datasetName.slice(0, 300) : '',
      createdAt: n('createdAt') ?? Date.now(),
      status: (statuses.includes(o.status as string) ? o.status : 'stopped') as ImportedRun['status'],
      iterations: losses.length,
      epochs,
      finalLoss: n('finalLoss'),
      trainAccuracy: n('trainAccuracy'),
      testAccuracy: n('testAccuracy'),
      wallSeconds: n('wallSeconds') ?? 0,
      message: typeof o.message === 'string' ? o.message.slice(0, 500) : undefined,
      ...(o.learningRateChanges !== undefined
        ? { learningRateChanges: learningRateChanges(o.learningRateChanges, fail) }
        : {}),
    },
  };
}

/** The run's learning-rate changes as a file holds them (absent: none). */
function learningRateChanges(v: unknown, fail: (why: string) => never): RunView['learningRateChanges'] {
  const problem = learningRateChangesProblem(v);
  if (problem) fail(problem.replace(/^its learning-rate changes/, '"learningRateChanges"'));
  return (v as { iter: number; learningRate: number }[] | undefined)?.map((c) => ({
    iter: c.iter,
    learningRate: c.learningRate,
  }));
}
