/**
 * `npm run bench -- --peers`: the book's whole run (10,000 iterations, accuracy every epoch) on the
 * engine against the peers a learner would pick instead — the book's numpy code, PyTorch and JAX on
 * the CPU (scripts/bench_numpy.py --run-only, scripts/peers/torch_run.py, scripts/peers/jax_run.py),
 * each when its Python has it, else skipped with a note. Rounds are interleaved (each round runs
 * every contender once, starting one further along) so a change of load hits all alike; it prints
 * medians, min–max, the ratios and each one's test accuracy, and never fails on time.
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { cpus, loadavg } from 'os';
import { resolve } from 'path';
import { Dataset, LabeledImages } from '../core/dataset';
import { BOOK_DEFAULTS, EvaluationPath, TrainConfig, isEpochIteration, iterPerEpoch } from '../core/trainer';
import { FlagSpec, parseArgs } from './args';
import { loadDataset } from './train';

export const PEERS_USAGE =
  'usage: npm run bench -- --peers [--json] [--rounds N] [--iters N] [--seed N] [--data DIR] [--python CMD]\n' +
  '       [--peer-threads N] [--only engine,engine-1core,engine-split,numpy,pytorch,jax]   (Python: --python, else\n' +
  '       $PEERS_PYTHON, else python3; engine-1core: the engine with its per-epoch evaluation in the training thread;\n' +
  '       engine-split: every step and evaluation split over two threads)';

const SPECS: Record<string, FlagSpec> = {
  json: { kind: 'bool' },
  rounds: { kind: 'int', min: 1, max: 20 },
  iters: { kind: 'int', min: 1, max: 1_000_000 },
  seed: { kind: 'int', min: 0 },
  data: { kind: 'string' },
  python: { kind: 'string' },
  'peer-threads': { kind: 'int', min: 1, max: 64 },
  only: { kind: 'string' },
  help: { kind: 'bool' },
};

/** A Python peer: its script under scripts/, extra arguments, and the module whose import says it is installed. */
interface Peer {
  name: string;
  script: string;
  args: string[];
  module: string;
}

const PEERS: Peer[] = [
  { name: 'numpy', script: 'bench_numpy.py', args: ['--run-only'], module: 'numpy' },
  { name: 'pytorch', script: 'peers/torch_run.py', args: [], module: 'torch' },
  { name: 'jax', script: 'peers/jax_run.py', args: [], module: 'jax' },
];

/** One contender's run, as the engine measures it and as the peer scripts print it. */
export interface PeerRun {
  runSeconds: number;
  evalSeconds: number;
  testAccuracy: number;
  trainAccuracy: number;
  version?: string;
  threads?: number | string;
  compileSeconds?: number;
  /** CPU time of the run (all threads): beside the wall time, it tells what a loaded machine took away. */
  cpuSeconds?: number;
  /** The engine's evaluation worker's time, overlapped with training (the second core). */
  evalWorkerSeconds?: number;
}

export interface ContenderSummary {
  name: string;
  version: string;
  threads: number | string | null;
  runs: number[];
  /** CPU seconds of each run, when the contender reports them. */
  cpuRuns: (number | null)[];
  medianRunSeconds: number;
  minRunSeconds: number;
  maxRunSeconds: number;
  medianEvalSeconds: number;
  medianCpuSeconds: number | null;
  /** The engine: median time of its evaluation worker (on the second core, not in the run's critical path). */
  medianEvalWorkerSeconds: number | null;
  /** (median run − median evaluation) / iterations, in ms: one training iteration. */
  msPerIter: number;
  /** Median evaluation time / epochs: one accuracy check over every train and test image. */
  evalSecondsPerEpoch: number;
  testAccuracy: number;
  trainAccuracy: number;
  /** This contender's median over the engine's: how many times faster the engine is. */
  engineIsFaster: number;
}

export interface PeersResult {
  dataset: string;
  trainImages: number;
  testImages: number;
  iters: number;
  epochs: number;
  rounds: number;
  seed: number;
  node: string;
  cpu: string;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  contenders: ContenderSummary[];
  skipped: Record<string, string>;
  engineRunSeconds: number;
  engineEvalSeconds: number;
  /** The engine with the per-epoch evaluation in its training thread (one core), when measured. */
  engineOneCoreRunSeconds: number | null;
  /** The engine with every step and evaluation split over two threads, when measured. */
  engineSplitRunSeconds: number | null;
  fastestPeerName: string | null;
  fastestPeerRunSeconds: number | null;
  numpyRunSeconds: number | null;
  testAccuracy: Record<string, number>;
  /** Engine test accuracy − numpy's, in percentage points (null without numpy). */
  engineVsNumpyAccuracyPp: number | null;
  /** Dense-equivalent floating-point work of the run (every pixel multiplied, zeros included). */
  denseGflop: number;
  /** The work on the non-zero pixels only: what a sparse engine has to do. */
  sparseGflop: number;
  engineGflops: number;
  engineSparseGflops: number;
  wasmSimdPeakGflops: number | null;
  wasmRelaxedFmaPeakGflops: number | null;
  /** engineSparseGflops over one core's WebAssembly SIMD peak (scripts/wasm-peak.mjs). */
  engineFractionOfPeak: number | null;
}

export async function runPeers(argv: string[], bundledDir: string): Promise<number> {
  const { flags } = parseArgs(argv, SPECS);
  if (flags.help) {
    process.stdout.write(PEERS_USAGE + '\n');
    return 0;
  }
  const scripts = resolve(bundledDir, '..', '..', 'scripts');
  const dataDir = flags.data as string | undefined;
  const data = loadDataset(dataDir, bundledDir);
  const rounds = (flags.rounds as number | undefined) ?? 3;
  const config: TrainConfig = {
    ...BOOK_DEFAULTS,
    seed: (flags.seed as number | undefined) ?? BOOK_DEFAULTS.seed,
    iters: (flags.iters as number | undefined) ?? BOOK_DEFAULTS.iters,
  };
  const python = (flags.python as string | undefined) ?? process.env.PEERS_PYTHON ?? 'python3';
  const threads = flags['peer-threads'] as number | undefined;
  const only = flags.only ? String(flags.only).split(',') : undefined;
  const log = flags.json ? () => undefined : (line: string) => process.stderr.write(line + '\n');
  const loadAverageBefore = loadavg();

  const skipped: Record<string, string> = {};
  const peers = PEERS.filter((p) => {
    if (only && !only.includes(p.name)) return false;
    const why = probePython(python, p.module);
    if (why) skipped[p.name] = why;
    return !why;
  });
  const contenders: { name: string; run: () => PeerRun }[] = [];
  const cli = resolve(scripts, '..', 'dist', 'cli.js');
  if (!only || only.includes('engine')) contenders.push({ name: 'engine', run: () => engineRun(cli, dataDir, config) });
  if (!only || only.includes(ONE_CORE))
    contenders.push({ name: ONE_CORE, run: () => engineRun(cli, dataDir, config, 'in-thread') });
  if (!only || only.includes(SPLIT))
    contenders.push({ name: SPLIT, run: () => engineRun(cli, dataDir, config, 'split') });
  const peerData = dataDir ?? bundledDir;
  for (const p of peers)
    contenders.push({ name: p.name, run: () => peerRun(python, scripts, p, peerData, config, threads) });

  log(`peak: node ${resolve(scripts, 'wasm-peak.mjs')}…`);
  const peak = wasmPeak(resolve(scripts, 'wasm-peak.mjs'));
  const results = new Map<string, PeerRun[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length];
      log(`round ${r + 1}/${rounds}: ${c.name}…`);
      results.get(c.name)!.push(c.run());
    }
  }

  const engine = results.get('engine');
  const engineMedian = engine ? median(engine.map((x) => x.runSeconds)) : NaN;
  const work = runWork(data, config);
  const summaries = contenders.map((c) => summarize(c.name, results.get(c.name)!, engineMedian, work));
  const peerSummaries = summaries.filter((s) => !ENGINE_NAMES.includes(s.name));
  const fastest = peerSummaries.reduce<ContenderSummary | null>(
    (best, s) => (best === null || s.medianRunSeconds < best.medianRunSeconds ? s : best),
    null,
  );
  const numpy = summaries.find((s) => s.name === 'numpy');
  const engineSummary = summaries.find((s) => s.name === 'engine');
  const result: PeersResult = {
    dataset: data.name,
    trainImages: data.train.count,
    testImages: data.test.count,
    iters: config.iters,
    epochs: work.epochs,
    rounds,
    seed: config.seed,
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    loadAverageBefore,
    loadAverageAfter: loadavg(),
    contenders: summaries,
    skipped,
    engineRunSeconds: engineMedian,
    engineEvalSeconds: engineSummary?.medianEvalSeconds ?? NaN,
    engineOneCoreRunSeconds: summaries.find((s) => s.name === ONE_CORE)?.medianRunSeconds ?? null,
    engineSplitRunSeconds: summaries.find((s) => s.name === SPLIT)?.medianRunSeconds ?? null,
    fastestPeerName: fastest?.name ?? null,
    fastestPeerRunSeconds: fastest?.medianRunSeconds ?? null,
    numpyRunSeconds: numpy?.medianRunSeconds ?? null,
    testAccuracy: Object.fromEntries(summaries.map((s) => [s.name, s.testAccuracy])),
    engineVsNumpyAccuracyPp: numpy && engineSummary ? (engineSummary.testAccuracy - numpy.testAccuracy) * 100 : null,
    denseGflop: work.dense / 1e9,
    sparseGflop: work.sparse / 1e9,
    engineGflops: work.dense / 1e9 / engineMedian,
    engineSparseGflops: work.sparse / 1e9 / engineMedian,
    wasmSimdPeakGflops: peak?.wasmSimdPeakGflops ?? null,
    wasmRelaxedFmaPeakGflops: peak?.wasmRelaxedFmaPeakGflops ?? null,
    engineFractionOfPeak: peak?.wasmSimdPeakGflops ? work.sparse / 1e9 / engineMedian / peak.wasmSimdPeakGflops : null,
  };
  process.stdout.write((flags.json ? JSON.stringify(result) : formatPeers(result)) + '\n');
  return 0;
}

/** The engine's contender with its evaluation in the training thread: what the second core saves. */
const ONE_CORE = 'engine-1core';
/** The engine with every step and accuracy check split over two threads (`train --evaluation split`). */
const SPLIT = 'engine-split';
const ENGINE_NAMES = ['engine', ONE_CORE, SPLIT];

/**
 * The engine's whole run is `npm run train -- --json` itself (dist/cli.js in a fresh Node, as each peer
 * gets a fresh Python): the time it reports is the time this benchmark reports, start-up costs included.
 */
export function engineRun(
  cli: string,
  dataDir: string | undefined,
  config: TrainConfig,
  evaluation: EvaluationPath = 'worker',
): PeerRun {
  const args = [cli, 'train', '--json', '--iters', String(config.iters), '--seed', String(config.seed)];
  if (dataDir) args.push('--data', dataDir);
  args.push('--evaluation', evaluation);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30 * 60 * 1000, maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0)
    throw new Error(`${cli} train failed: ${r.error?.message ?? (r.stderr || '').trim().split('\n').pop()}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as {
    wallSeconds: number;
    evalSeconds: number;
    cpuSeconds: number;
    testAccuracy: number;
    trainAccuracy: number;
    evaluation: EvaluationPath;
    evalWorkerSeconds: number;
  };
  return {
    runSeconds: summary.wallSeconds,
    cpuSeconds: summary.cpuSeconds,
    evalSeconds: summary.evalSeconds,
    evalWorkerSeconds: summary.evalWorkerSeconds,
    testAccuracy: summary.testAccuracy,
    trainAccuracy: summary.trainAccuracy,
    version: process.version,
    // The training thread, and the evaluation worker when it ran.
    threads: summary.evaluation === 'in-thread' ? 1 : 2,
  };
}

/** Why `python -c "import module"` fails, or '' when it works. */
function probePython(python: string, module: string): string {
  const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 120_000 });
  if (!r.error && r.status === 0) return '';
  const why = r.error?.message ?? (r.stderr || '').trim().split('\n').pop() ?? `exit ${r.status}`;
  return `not installed for ${python} (${why})`;
}

function peerRun(
  python: string,
  scripts: string,
  peer: Peer,
  dataDir: string,
  config: TrainConfig,
  threads: number | undefined,
): PeerRun {
  const args = [resolve(scripts, peer.script), ...peer.args, '--data', dataDir];
  args.push('--iters', String(config.iters), '--seed', String(config.seed));
  if (threads && peer.name === 'pytorch') args.push('--threads', String(threads));
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (threads) {
    for (const name of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[name] = String(threads);
    if (peer.name === 'jax')
      env.XLA_FLAGS = `--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=${threads}`;
  }
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 30 * 60 * 1000, env, maxBuffer: 1 << 20 });
  if (r.error || r.status !== 0)
    throw new Error(
      `${peer.script} failed: ${r.error?.message ?? (r.stderr || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as PeerRun;
}

function wasmPeak(script: string): { wasmSimdPeakGflops: number; wasmRelaxedFmaPeakGflops: number | null } | null {
  if (!existsSync(script)) return null;
  const r = spawnSync(process.execPath, [script, '--json'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout.trim());
  } catch {
    return null;
  }
}

function summarize(name: string, runs: PeerRun[], engineMedian: number, work: RunWork): ContenderSummary {
  const secs = runs.map((r) => r.runSeconds);
  const med = median(secs);
  const evalMed = median(runs.map((r) => r.evalSeconds));
  return {
    name,
    version: String(runs[0]?.version ?? ''),
    threads: runs[0]?.threads ?? null,
    runs: secs,
    cpuRuns: runs.map((r) => r.cpuSeconds ?? null),
    medianRunSeconds: med,
    minRunSeconds: Math.min(...secs),
    maxRunSeconds: Math.max(...secs),
    medianEvalSeconds: evalMed,
    medianCpuSeconds: runs.every((r) => r.cpuSeconds !== undefined) ? median(runs.map((r) => r.cpuSeconds!)) : null,
    medianEvalWorkerSeconds: runs.every((r) => r.evalWorkerSeconds !== undefined)
      ? median(runs.map((r) => r.evalWorkerSeconds!))
      : null,
    msPerIter: ((med - evalMed) * 1000) / work.iters,
    evalSecondsPerEpoch: evalMed / work.epochs,
    testAccuracy: median(runs.map((r) => r.testAccuracy)),
    trainAccuracy: median(runs.map((r) => r.trainAccuracy)),
    engineIsFaster: med / engineMedian,
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Floating-point work of the book's run (multiply and add count 1 each): per iteration x·W1 and
 * z1·W2 twice (before the update and for the loss on the updated weights) and the backward pass's
 * xᵀ·dz1, z1ᵀ·dy and dy·W2ᵀ; per epoch x·W1 and z1·W2 over every train and test image. Dense counts
 * every pixel; sparse only the non-zero ones (the expected count for a random batch).
 */
export interface RunWork {
  dense: number;
  sparse: number;
  epochs: number;
  iters: number;
}

export function runWork(data: Dataset, config: TrainConfig): RunWork {
  const H = config.hiddenSize;
  const C = data.classes;
  const B = config.batchSize;
  const K = data.train.size;
  const perEpoch = iterPerEpoch(data.train.count, B);
  let epochs = 0;
  for (let i = 0; i < config.iters; i++) if (isEpochIteration(i, perEpoch)) epochs++;
  const trainNz = nonZero(data.train);
  const testNz = nonZero(data.test);
  const iterWork = (pixels: number) => 3 * 2 * pixels * H + 4 * 2 * B * H * C;
  const evalWork = (pixels: number) => 2 * pixels * H + 2 * (data.train.count + data.test.count) * H * C;
  const dense = config.iters * iterWork(B * K) + epochs * evalWork((data.train.count + data.test.count) * K);
  const sparse = config.iters * iterWork((B * trainNz) / data.train.count) + epochs * evalWork(trainNz + testNz);
  return { dense, sparse, epochs, iters: config.iters };
}

function nonZero(set: LabeledImages): number {
  let n = 0;
  for (let i = 0; i < set.images.length; i++) if (set.images[i] !== 0) n++;
  return n;
}

const f = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits));

export function formatPeers(r: PeersResult): string {
  const lines: string[] = [];
  lines.push(
    `The book's run against its peers: ${r.dataset}, ` +
      `${r.iters} iterations, accuracy every epoch (${r.epochs}), seed ${r.seed}, ${r.rounds} interleaved rounds`,
  );
  lines.push(
    `node ${r.node}, ${r.cpu}, ` +
      `load average ${r.loadAverageBefore[0].toFixed(2)} → ${r.loadAverageAfter[0].toFixed(2)}`,
  );
  lines.push('');
  lines.push(
    '  contender    version          threads   median s   min–max s        eval s    cpu s   test acc   engine is',
  );
  for (const c of r.contenders) {
    lines.push(
      `  ${c.name.padEnd(12)} ${c.version.slice(0, 16).padEnd(16)} ${String(c.threads ?? '').padStart(7)} ` +
        `${f(c.medianRunSeconds).padStart(10)}   ${`${f(c.minRunSeconds)}–${f(c.maxRunSeconds)}`.padEnd(14)} ` +
        `${f(c.medianEvalSeconds).padStart(8)} ${f(c.medianCpuSeconds).padStart(8)}   ` +
        `${f(c.testAccuracy, 4).padStart(8)}   ` +
        (c.name === 'engine' ? '—' : `${f(c.engineIsFaster, 2)}× faster`),
    );
  }
  for (const [name, why] of Object.entries(r.skipped)) lines.push(`  ${name.padEnd(12)} skipped: ${why}`);
  lines.push('');
  lines.push("  contender    ms/iteration   one epoch's evaluation, s   (on the second core, overlapped)");
  for (const c of r.contenders)
    lines.push(
      `  ${c.name.padEnd(12)} ${f(c.msPerIter, 3).padStart(12)}   ${f(c.evalSecondsPerEpoch, 3).padStart(10)}` +
        (c.medianEvalWorkerSeconds ? `   ${f(c.medianEvalWorkerSeconds / r.epochs, 3).padStart(10)}` : ''),
    );
  lines.push('');
  if (r.fastestPeerName)
    lines.push(
      `Fastest peer: ${r.fastestPeerName} ${f(r.fastestPeerRunSeconds)} s; the engine ${f(r.engineRunSeconds)} s ` +
        `(${f(r.fastestPeerRunSeconds! / r.engineRunSeconds)}× faster)`,
    );
  if (r.engineOneCoreRunSeconds !== null)
    lines.push(
      `The second core (evaluation overlapped with training): ${f(r.engineOneCoreRunSeconds)} s → ` +
        `${f(r.engineRunSeconds)} s (${f(r.engineOneCoreRunSeconds / r.engineRunSeconds)}×)`,
    );
  if (r.engineSplitRunSeconds !== null)
    lines.push(
      `Every step split over two threads (--evaluation split): ${f(r.engineSplitRunSeconds)} s ` +
        `(${f(r.engineRunSeconds / r.engineSplitRunSeconds)}× the default)`,
    );
  if (r.engineVsNumpyAccuracyPp !== null)
    lines.push(
      `Test accuracy, engine − numpy: ${r.engineVsNumpyAccuracyPp >= 0 ? '+' : ''}${f(r.engineVsNumpyAccuracyPp)} pp`,
    );
  lines.push(
    `Work: ${f(r.denseGflop, 1)} GFLOP dense-equivalent, ${f(r.sparseGflop, 1)} GFLOP on the non-zero pixels → ` +
      `engine ${f(r.engineGflops, 1)} GFLOP/s dense-equivalent, ${f(r.engineSparseGflops, 1)} GFLOP/s sparse`,
  );
  lines.push(
    `WebAssembly SIMD peak of one core (scripts/wasm-peak.mjs): ${f(r.wasmSimdPeakGflops, 1)} GFLOP/s ` +
      `(relaxed FMA ${f(r.wasmRelaxedFmaPeakGflops, 1)}); the engine's sparse work runs at ` +
      `${r.engineFractionOfPeak === null ? '—' : `${(100 * r.engineFractionOfPeak).toFixed(0)} %`} of it`,
  );
  return lines.join('\n');
}
