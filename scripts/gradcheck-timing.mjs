// Median time of one gradient check, end to end from a terminal (`node dist/cli.js gradcheck …`,
// the bundles already built: process start, worker or interpreter start, the check), and the
// check's own time as it reports it (elapsedMs), for TypeScript/JavaScript and Python files of
// the test fixtures and the real-code corpus. Ratios matter here, not absolute numbers: the
// machine is shared. Run under `flock /tmp/heavy.lock` after `node scripts/build.mjs --quiet`.
// Usage: node scripts/gradcheck-timing.mjs [runs=7] [--python PATH]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 7);
const pyAt = args.indexOf('--python');
const python = pyAt >= 0 ? args[pyAt + 1] : existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node scripts/build.mjs --quiet first');
const fx = (p) => join(root, 'test', 'fixtures', 'gradcheck', p);

const CASES = [
  ['TS', 'softmax cross entropy (4×10)', fx('js/softmaxLoss.ts'), 'softmaxLoss'],
  ['TS', '{ loss, grads } of an affine layer', fx('js/shapes/lossGrads.ts'), 'affineSquare', '--wrt', 'W'],
  ['JS', 'mse + gradient in another file (./grad.ts)', fx('js/shapes/mseModule.js'), 'mse', '--grad', './grad.ts:gradient'],
  ['JS', 'tsnejs tSNE.costGrad (IIFE prototype)', fx('real/js/tsne.js'), 'tSNE.costGrad', '--inputs', fx('js/shapes/tsne-inputs.json')],
  ['Python', 'CS231n softmax_loss_naive (loss, dW)', fx('real/cs231n/classifiers/softmax.py'), 'softmax_loss_naive'],
  ['Python', "the book's TwoLayerNet.loss, self.params", fx('real/book/ch04/two_layer_net.py'), 'TwoLayerNet.loss'],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const [lang, what, file, fn, ...flags] of CASES) {
  const wall = [];
  const inside = [];
  let verdict = '';
  for (let k = 0; k < runs + 1; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'gradcheck', file, fn, ...flags, '--python', python, '--json'], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    verdict = j.verdict;
    if (k === 0) continue; // the first run warms the disk cache
    wall.push(ms);
    inside.push(j.elapsedMs);
  }
  rows.push([lang, what, verdict, median(wall).toFixed(0), median(inside).toFixed(0)]);
}
console.log(`| language | check | verdict | end to end, median of ${runs} (ms) | the check itself (ms) |`);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
