#!/usr/bin/env node
/**
 * The gradient check's latency budget, click-equivalent to verdict: what the panel's controller
 * does on a click (prepare, runPrepared with the runners makeRunners builds, the result view it
 * posts, serialized) for Python through each interpreter given (default: Debian's /usr/bin/python3
 * and the python3 on PATH, a pyenv shim here) and for TypeScript. Each is measured
 *
 *   first   no spare, the interpreter lookup forgotten: a shim is passed (the very first check);
 *   cold    no spare (how every check ran before the warm pool: one process started per check);
 *   warm    a spare started ahead and ready (a file with lenses open, a check some seconds ago);
 *   b2b     back to back: clicked again the moment the verdict shows (the spare still starting);
 *
 * and split, from the checker's own clock (its answer's `timings`), into interpreter start, module
 * load (numpy's import — or the checker bundle's for TypeScript — then the learner's module),
 * evaluations, the error-vs-h sweep, messaging (request and answer through the pipes, the
 * process's exit) and the host's analysis and view. Medians over --n clicks, min–max of the total.
 * It never fails on time; the machine's load is printed with the figures. Run it under
 * `flock /tmp/heavy.lock` (the build is checked first, as `npm run bench` does):
 *
 *   npm run bench -- --check-latency [--python /usr/bin/python3 --python python3] [--n 7] [--json]
 */
import * as esbuild from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const all = (name) => argv.flatMap((a, i) => (a === `--${name}` && argv[i + 1] ? [argv[i + 1]] : []));
const one = (name, fallback) => all(name)[0] ?? fallback;
const pythons = all('python').length
  ? all('python')
  : [...(existsSync('/usr/bin/python3') ? ['/usr/bin/python3'] : []), 'python3'];
const n = Math.max(3, Number(one('n', '7')));
const modes = one('modes', 'first,cold,warm,b2b').split(',');
const json = argv.includes('--json');
if (!existsSync(join(ROOT, 'dist/jsRunnerWorker.js'))) {
  console.error('dist/jsRunnerWorker.js is missing: run node scripts/build.mjs first');
  process.exit(2);
}

// The checker as the extension bundles it (src/gradcheck, the result view), built into a temporary file.
const tmp = mkdtempSync(join(tmpdir(), 'gl-bench-'));
const out = join(tmp, 'checker.cjs');
writeFileSync(
  join(tmp, 'entry.ts'),
  [
    `export { prepare, runPrepared } from '${join(ROOT, 'src/gradcheck/check')}';`,
    `export { makeRunners } from '${join(ROOT, 'src/gradcheck/run/runners')}';`,
    `export { WarmPool } from '${join(ROOT, 'src/gradcheck/run/warmPool')}';`,
    `export { prestartPython } from '${join(ROOT, 'src/gradcheck/run/pythonRunner')}';`,
    `export { prestartJs } from '${join(ROOT, 'src/gradcheck/run/jsRunner')}';`,
    `export { forgetInterpreters } from '${join(ROOT, 'src/gradcheck/run/interpreterCache')}';`,
    `export { toResultView } from '${join(ROOT, 'src/panels/gradcheck/resultView')}';`,
  ].join('\n'),
);
await esbuild.build({
  entryPoints: [join(tmp, 'entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'silent',
});
const checker = createRequire(import.meta.url)(out);
const { prepare, runPrepared, makeRunners, WarmPool, prestartPython, prestartJs, forgetInterpreters, toResultView } =
  checker;

const HARNESS = join(ROOT, 'media/python/gradcheck_harness.py');
const WORKER = join(ROOT, 'dist/jsRunnerWorker.js');
const now = () => performance.timeOrigin + performance.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PARTS = ['start', 'import', 'learnerModule', 'evaluations', 'sweep', 'messaging', 'hostAnalysis'];

/** One click: prepare, run, analyse, the view posted to the page; split by the checker's own clock. */
async function click(c, runners) {
  const text = readFileSync(c.file, 'utf8');
  let runnerEnd = 0;
  const timed = {
    ...runners,
    python: async (req, signal) => {
      const r = await runners.python(req, signal);
      runnerEnd = now();
      return r;
    },
    js: async (req, signal) => {
      const r = await runners.js(req, signal);
      runnerEnd = now();
      return r;
    },
  };
  const t0 = now();
  const p = prepare({ file: c.file, source: text, functionName: c.functionName });
  const report = await runPrepared(p, timed);
  // What the controller posts: the page's view, serialized by postMessage.
  JSON.stringify({ type: 'result', result: toResultView(report, (s) => s) });
  const t1 = now();
  const T = report.timings ?? {};
  const startedAt = T.startedAt ?? t0;
  const start = Math.max(0, startedAt - t0);
  const imported = Math.max(0, (T.requestAt ?? startedAt) - Math.max(startedAt, t0));
  const learnerModule = T.loadMs ?? 0;
  const sweep = T.sweepMs ?? 0;
  const evaluations = Math.max(0, (T.checkMs ?? 0) - sweep);
  const runner = (runnerEnd || t1) - t0;
  const messaging = Math.max(0, runner - start - imported - learnerModule - evaluations - sweep);
  return {
    verdict: report.verdict,
    total: t1 - t0,
    start,
    import: imported,
    learnerModule,
    evaluations,
    sweep,
    messaging,
    hostAnalysis: t1 - t0 - runner,
  };
}

const cases = [
  ...pythons.map((python) => ({
    runtime: `Python (${python})`,
    python,
    file: join(ROOT, 'test/fixtures/gradcheck/py/cross_entropy.py'),
    functionName: 'cross_entropy_error',
  })),
  {
    runtime: 'TypeScript',
    file: join(ROOT, 'test/fixtures/gradcheck/js/softmaxLoss.ts'),
    functionName: 'softmaxLoss',
  },
];

const rows = [];
const loadBefore = loadavg()[0];
for (const c of cases) {
  for (const mode of modes) {
    const pool = mode === 'warm' || mode === 'b2b' ? new WarmPool() : undefined;
    const runners = makeRunners({ python: c.python ?? '', harness: HARNESS, workerPath: WORKER, pythonHint: '', pool });
    const folder = dirname(c.file);
    const prestart = () =>
      c.python
        ? prestartPython({ python: c.python, harness: HARNESS, pool }, folder)
        : prestartJs({ workerPath: WORKER, pool }, folder);
    const clicks = [];
    // One click first that is not counted (the disk cache, the shim's lookup for warm and b2b).
    for (let k = -1; k < n; k++) {
      if (mode === 'first') forgetInterpreters();
      if (mode === 'warm') {
        prestart();
        const keys = [...pool.spares.keys()];
        for (const key of keys) await pool.whenReady(key);
        await sleep(50);
      }
      const r = await click(c, runners);
      if (k >= 0) clicks.push(r);
      if (mode !== 'b2b') await sleep(150);
    }
    pool?.dispose();
    const row = { runtime: c.runtime, mode, verdict: clicks[0].verdict, runs: n };
    row.totalMs = Math.round(median(clicks.map((x) => x.total)));
    row.minMs = Math.round(Math.min(...clicks.map((x) => x.total)));
    row.maxMs = Math.round(Math.max(...clicks.map((x) => x.total)));
    for (const part of PARTS) row[`${part}Ms`] = Math.round(median(clicks.map((x) => x[part])) * 10) / 10;
    rows.push(row);
    if (!json) {
      const parts = PARTS.map((p) => `${p} ${row[`${p}Ms`]}`).join(', ');
      console.log(
        `${c.runtime.padEnd(30)} ${mode.padEnd(5)} ${String(row.totalMs).padStart(5)} ms` +
          ` (${row.minMs}–${row.maxMs}; ${row.verdict}) = ${parts}`,
      );
    }
  }
}
const load = {
  loadavg1Before: loadBefore,
  loadavg1After: loadavg()[0],
  cores: (await import('node:os')).cpus().length,
};
rmSync(tmp, { recursive: true, force: true });
if (json) console.log(JSON.stringify({ load, targetsMs: { python: 1000, typescript: 300 }, rows }));
else
  console.log(
    `load average ${load.loadavg1Before.toFixed(2)} before, ${load.loadavg1After.toFixed(2)} after, on ${load.cores} cores;` +
      ' targets: Python < 1000 ms, TypeScript < 300 ms (click to verdict)',
  );
process.exit(0);
