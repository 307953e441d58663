/** What `npm run bench` measures, and how it prints it. */
import { TRAINER_SLICE_MS } from '../core/trainer';

/** The JSON printed by scripts/bench_numpy.py. */
export interface NumpyResult {
  numpy: string;
  python: string;
  /** OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) as the script saw it, else 'default'. */
  blasThreads: string;
  msPerIter: number;
  evalMs: number;
  runSeconds: number;
  testAccuracy: number;
  trainAccuracy: number;
  numgradTimedParams: number;
  numgradSecondsEstimate: number;
}

export interface GradViewsCost {
  /** One snapshot: backprop's gradient on the mini-batch, group norms, dW1 and W1 as images. */
  snapshotMs: number;
  /** At the panel's rate of one snapshot every 250 ms of training: the added ms per iteration. */
  snapshotMsPerIter: number;
  /** One epoch's histograms of every group's weights and gradients, and per iteration (one epoch = iterPerEpoch). */
  histogramsMs: number;
  histogramsMsPerIter: number;
  /** One backprop-vs-numerical check (the timeline), and per iteration at the default "every 100". */
  timelineCheckMs: number;
  timelineMsPerIterEvery100: number;
}

export interface BenchResult {
  quick: boolean;
  dataset: string;
  seed: number;
  node: string;
  cpu: string;
  runIters: number;
  epochs: number;
  engineMsPerIter: number;
  engineItPerSec: number;
  referenceMsPerIter: number;
  referenceItPerSec: number;
  numpyMsPerIter: number | null;
  numpyItPerSec: number | null;
  engineEvalMs: number;
  referenceEvalMs: number;
  numpyEvalMs: number | null;
  engineRunSeconds: number;
  engineTestAccuracy: number;
  engineTrainAccuracy: number;
  /** Not run: iterations × ms/iter + epochs × evaluation time. */
  referenceRunSecondsEstimate: number;
  numpyRunSeconds: number | null;
  numpyTestAccuracy: number | null;
  numpyTrainAccuracy: number | null;
  numgradParams: number;
  numgradFastSeconds: number;
  numgradNaiveTimedParams: number;
  numgradNaiveSecondsEstimate: number;
  numgradNumpySecondsEstimate: number | null;
  numgradMaxAbsDiffVsNaive: number;
  /** With the book's δ = 1e-7 in log(y + δ). */
  numgradMaxAbsDiffVsBackprop: number;
  /** With δ = 0, the loss backprop differentiates exactly. */
  numgradMaxAbsDiffVsBackpropDelta0: number;
  /** The first iteration also copies the training set's non-zero pixels into the engine. */
  firstIterationMs: number;
  /** The longest of the other iterations. */
  longestIterationMs: number;
  /** The longest iteration + accuracy check on the whole train and test sets. */
  longestEpochPauseMs: number;
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  peakRssMB: number;
  /** The training panel's gradient views (issue 16), measured as the worker does them on the engine. */
  gradViews: GradViewsCost;
  numpy: { version: string; python: string; blasThreads: string } | null;
  numpySkipped: string | null;
}

const fixed = (x: number, digits: number) => x.toFixed(digits);
const ratio = (slow: number | null, fast: number) => (slow === null ? '' : `${(slow / fast).toFixed(1)}×`);
const pad = (s: string, n: number) => s.padStart(n);

export function formatReport(r: BenchResult): string {
  const np = r.numpyMsPerIter !== null;
  const lines: string[] = [];
  lines.push(`Gradient Lab benchmark${r.quick ? ' (--quick)' : ''}: ${r.dataset}, seed ${r.seed}`);
  lines.push(
    `node ${r.node}, ${r.numpy ? `numpy ${r.numpy.version} (python ${r.numpy.python}, BLAS threads: ${r.numpy.blasThreads})` : `numpy ${r.numpySkipped}`}, ${r.cpu}`,
  );
  lines.push('');
  lines.push('Training iteration, batch 100 (gradient, SGD update, loss on the updated weights)');
  lines.push(`                        ms/iter      it/s   engine is`);
  lines.push(`  engine (fast, f32)   ${pad(fixed(r.engineMsPerIter, 3), 8)} ${pad(fixed(r.engineItPerSec, 0), 9)}`);
  lines.push(
    `  reference (f64)      ${pad(fixed(r.referenceMsPerIter, 3), 8)} ${pad(fixed(r.referenceItPerSec, 0), 9)}   ${ratio(r.referenceMsPerIter, r.engineMsPerIter)} faster`,
  );
  if (np)
    lines.push(
      `  numpy (the book)     ${pad(fixed(r.numpyMsPerIter!, 3), 8)} ${pad(fixed(r.numpyItPerSec!, 0), 9)}   ${ratio(r.numpyMsPerIter, r.engineMsPerIter)} faster`,
    );
  lines.push('');
  lines.push(`One epoch's evaluation (accuracy over all train and test images)`);
  lines.push(
    `  engine ${fixed(r.engineEvalMs, 1)} ms, reference ${fixed(r.referenceEvalMs, 1)} ms${np ? `, numpy ${fixed(r.numpyEvalMs!, 1)} ms` : ''}`,
  );
  lines.push('');
  lines.push(`Whole run: ${r.runIters} iterations, accuracy every epoch (${r.epochs} epochs)`);
  lines.push(
    `  engine     ${pad(fixed(r.engineRunSeconds, 2), 7)} s   test accuracy ${fixed(r.engineTestAccuracy, 4)}  train ${fixed(r.engineTrainAccuracy, 4)}`,
  );
  if (np) {
    lines.push(
      `  numpy      ${pad(fixed(r.numpyRunSeconds!, 2), 7)} s   test accuracy ${fixed(r.numpyTestAccuracy!, 4)}  train ${fixed(r.numpyTrainAccuracy!, 4)}`,
    );
    const pp = (r.engineTestAccuracy - r.numpyTestAccuracy!) * 100;
    lines.push(
      `  → the engine is ${ratio(r.numpyRunSeconds, r.engineRunSeconds)} faster; test accuracy ${pp >= 0 ? '+' : ''}${fixed(pp, 2)} pp vs numpy`,
    );
  }
  lines.push(
    `  reference ~${fixed(r.referenceRunSecondsEstimate, 0)} s (not run: extrapolated from its ms/iter and evaluation time above)`,
  );
  lines.push('');
  lines.push(`Numerical gradient of all ${r.numgradParams} parameters, one batch of 100, float64, h = 1e-4`);
  lines.push(`  fast (incremental)     ${pad(fixed(r.numgradFastSeconds, 3), 9)} s  (best of 3)`);
  lines.push(
    `  naive (book, TS)      ~${pad(fixed(r.numgradNaiveSecondsEstimate, 1), 9)} s  (extrapolated from ${r.numgradNaiveTimedParams} parameters)   fast is ${ratio(r.numgradNaiveSecondsEstimate, r.numgradFastSeconds)} faster`,
  );
  if (r.numgradNumpySecondsEstimate !== null) {
    lines.push(
      `  numpy (book)          ~${pad(fixed(r.numgradNumpySecondsEstimate, 1), 9)} s  (extrapolated the same way)          fast is ${ratio(r.numgradNumpySecondsEstimate, r.numgradFastSeconds)} faster`,
    );
  }
  lines.push(`  max |fast − naive| on the timed parameters: ${r.numgradMaxAbsDiffVsNaive.toExponential(2)}`);
  lines.push(
    `  max |fast − backprop|: ${r.numgradMaxAbsDiffVsBackprop.toExponential(2)} (the book's δ = 1e-7), ${r.numgradMaxAbsDiffVsBackpropDelta0.toExponential(2)} (δ = 0)`,
  );
  lines.push('');
  lines.push('Responsiveness of the training loop (engine run above)');
  lines.push(
    `  first iteration ${fixed(r.firstIterationMs, 1)} ms (copies the non-zero pixels in), longest other ${fixed(r.longestIterationMs, 1)} ms`,
  );
  lines.push(
    `  longest iteration + epoch evaluation ${fixed(r.longestEpochPauseMs, 1)} ms; the trainer yields every ${TRAINER_SLICE_MS} ms`,
  );
  lines.push(
    `  event loop delay during the run: p99 ${fixed(r.eventLoopDelayP99Ms, 1)} ms, max ${fixed(r.eventLoopDelayMaxMs, 1)} ms`,
  );
  const g = r.gradViews;
  lines.push('Gradient views of the training panel (cost on the engine, this run)');
  lines.push(
    `  snapshot (dW1, norms, ratios) ${fixed(g.snapshotMs, 2)} ms; every 250 ms: +${fixed(g.snapshotMsPerIter, 4)} ms/iteration (${pctOf(g.snapshotMsPerIter, r.engineMsPerIter)} of an iteration)`,
  );
  lines.push(
    `  histograms ${fixed(g.histogramsMs, 2)} ms per epoch: +${fixed(g.histogramsMsPerIter, 4)} ms/iteration (${pctOf(g.histogramsMsPerIter, r.engineMsPerIter)})`,
  );
  lines.push(
    `  backprop-vs-numerical check ${fixed(g.timelineCheckMs, 2)} ms; every 100 iterations: +${fixed(g.timelineMsPerIterEvery100, 4)} ms/iteration (${pctOf(g.timelineMsPerIterEvery100, r.engineMsPerIter)})`,
  );
  lines.push(`Peak memory (max RSS of this process): ${fixed(r.peakRssMB, 0)} MB`);
  return lines.join('\n');
}

function pctOf(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)} %`;
}
