#!/usr/bin/env node
// Median time of a gradient check, Python and JavaScript, end to end as the CLI measures it
// (`elapsedMs` of --json: finding the function, the interpreter or worker start, every
// evaluation, the analysis) and as a terminal sees it (the whole `node dist/cli.js` process).
// Run under `flock /tmp/heavy.lock` on a shared machine; it never fails on time.
//   node scripts/bench-gradcheck.mjs [--runs 7] [--python /usr/bin/python3]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : fallback;
};
const runs = Number(arg('runs', '7'));
const pythons = arg('python', undefined)
  ? [arg('python')]
  : ['/usr/bin/python3', 'python3'].filter((p) => p === 'python3' || existsSync(p));
const fx = join(root, 'test', 'fixtures', 'gradcheck');
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli))
  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });

const cases = [
  {
    name: 'py cross_entropy_error (4×10)',
    lang: 'py',
    args: [join(fx, 'py', 'cross_entropy.py'), 'cross_entropy_error'],
  },
  {
    name: 'py CS231n softmax_loss_naive → (loss, dW)',
    lang: 'py',
    args: [join(fx, 'python', 'cs231n', 'softmax.py'), 'softmax_loss_naive'],
  },
  {
    name: 'py book TwoLayerNet.loss, self.params (4 groups)',
    lang: 'py',
    args: [join(fx, 'python', 'book', 'ch05', 'two_layer_net.py'), 'TwoLayerNet.loss'],
  },
  { name: 'js softmaxLoss.ts', lang: 'js', args: [join(fx, 'js', 'softmaxLoss.ts'), 'softmaxLoss'] },
  {
    name: 'ts { loss, grads } of an affine layer',
    lang: 'js',
    args: [join(fx, 'js', 'shapes', 'lossGrads.ts'), 'affineSquare', '--wrt', 'W'],
  },
  {
    name: 'ts TwoLayerNet.loss, this.params (4 groups)',
    lang: 'js',
    args: [join(fx, 'js', 'shapes', 'twoLayerNet.ts'), 'TwoLayerNet.loss'],
  },
  {
    name: 'js mse, gradient in ./grad.ts',
    lang: 'js',
    args: [join(fx, 'js', 'shapes', 'mseModule.js'), 'mse', '--grad', './grad.ts:gradient'],
  },
  {
    name: 'js tsnejs tSNE.costGrad (IIFE prototype)',
    lang: 'js',
    args: [
      join(fx, 'real', 'js', 'tsne.js'),
      'tSNE.costGrad',
      '--inputs',
      join(fx, 'js', 'shapes', 'tsne-inputs.json'),
    ],
  },
];

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const results = [];
for (const c of cases) {
  for (const python of c.lang === 'py' ? pythons : [null]) {
    const inside = [];
    const wall = [];
    let verdict = '';
    for (let k = 0; k < runs; k++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(
        process.execPath,
        [cli, 'gradcheck', ...c.args, '--json', ...(python ? ['--python', python] : [])],
        { encoding: 'utf8' },
      );
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const j = JSON.parse(r.stdout.trim().split('\n').pop());
      verdict = j.verdict;
      inside.push(j.elapsedMs);
    }
    results.push({
      case: c.name,
      runtime: python ?? 'node worker',
      verdict,
      medianCheckMs: Math.round(median(inside)),
      medianProcessMs: Math.round(median(wall)),
    });
  }
}
for (const r of results) {
  console.log(
    `${r.case.padEnd(48)} ${String(r.runtime).padEnd(18)} ${r.verdict.padEnd(15)} check ${String(r.medianCheckMs).padStart(5)} ms   process ${String(r.medianProcessMs).padStart(5)} ms`,
  );
}
const py = results.filter((r) => r.runtime !== 'node worker').map((r) => r.medianCheckMs);
const js = results.filter((r) => r.runtime === 'node worker').map((r) => r.medianCheckMs);
if (py.length && js.length)
  console.log(`median Python check / median JS check: ${(median(py) / median(js)).toFixed(1)}×`);
console.log(JSON.stringify({ runs, results }));
