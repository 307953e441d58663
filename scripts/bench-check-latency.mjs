#!/usr/bin/env node
/**
 * Click-to-verdict latency of a gradient check, measured the way the panel runs one: prepare,
 * then runPrepared with the runners makeRunners builds (the panel controller's path, minus the
 * webview's postMessage). Python through the given interpreter (default: `python3`, a pyenv shim
 * here) and TypeScript in the worker, each check N times in one process (the extension host keeps
 * the interpreter lookup between clicks). Prints the first check and the median of the rest.
 * Never fails on time. Run after `node scripts/build.mjs`, under `flock /tmp/heavy.lock`:
 *
 *   node scripts/bench-check-latency.mjs [--python python3] [--n 7] [--json]
 */
import * as esbuild from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const python = arg('python', 'python3');
const n = Math.max(2, Number(arg('n', '7')));
const json = process.argv.includes('--json');

// The checker as the extension bundles it (src/gradcheck), built into a temporary file.
const out = join(mkdtempSync(join(tmpdir(), 'gl-bench-')), 'checker.cjs');
writeFileSync(
  join(dirname(out), 'entry.ts'),
  `export { prepare, runPrepared } from '${join(ROOT, 'src/gradcheck/check')}';\nexport { makeRunners } from '${join(ROOT, 'src/gradcheck/run/runners')}';\n`,
);
await esbuild.build({
  entryPoints: [join(dirname(out), 'entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'silent',
});
const { createRequire } = await import('node:module');
const { prepare, runPrepared, makeRunners } = createRequire(import.meta.url)(out);

const runners = makeRunners({
  python,
  harness: join(ROOT, 'media/python/gradcheck_harness.py'),
  workerPath: join(ROOT, 'dist/jsRunnerWorker.js'),
  pythonHint: '',
});
const cases = [
  {
    name: `Python (${python}), cross entropy 4×10`,
    file: join(ROOT, 'test/fixtures/gradcheck/py/cross_entropy.py'),
    functionName: 'cross_entropy_error',
  },
  {
    name: 'TypeScript (worker), softmax loss',
    file: join(ROOT, 'test/fixtures/gradcheck/js/softmaxLoss.ts'),
    functionName: 'softmaxLoss',
  },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const c of cases) {
  const times = [];
  let verdict = '';
  for (let k = 0; k < n; k++) {
    const started = performance.now();
    const p = prepare({ file: c.file, functionName: c.functionName });
    const r = await runPrepared(p, runners);
    times.push(performance.now() - started);
    verdict = r.verdict;
  }
  const row = {
    check: c.name,
    verdict,
    firstMs: Math.round(times[0]),
    medianMs: Math.round(median(times.slice(1))),
    runs: n,
  };
  results.push(row);
  if (!json)
    console.log(`${row.check}: first ${row.firstMs} ms, then median ${row.medianMs} ms over ${n - 1} (${verdict})`);
}
if (json) console.log(JSON.stringify(results));
