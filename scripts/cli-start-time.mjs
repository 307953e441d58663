// Measures how long `npm run train|gradcheck|bench` takes to start when no source changed: the time
// to print `train --help` and exit, median of N runs (default 5), for
//   node -e 0 (Node's own start), node dist/cli.js (the bundle alone), node scripts/cli.mjs (the
//   stamp check + the bundle), npm run train (what a terminal types), and the old way (always build).
// Usage: node scripts/cli-start-time.mjs [runs]. It prints figures; it never fails on time.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const runs = Number(process.argv[2] ?? 5);
const node = process.execPath;
const build = spawnSync(node, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const cases = [
  ['node -e 0', [node, '-e', '0']],
  ['node dist/cli.js train --help', [node, 'dist/cli.js', 'train', '--help']],
  ['node scripts/cli.mjs train --help', [node, 'scripts/cli.mjs', 'train', '--help']],
  ['npm run train -- --help', ['npm', 'run', '--silent', 'train', '--', '--help']],
  [
    'old: build, then dist/cli.js',
    ['sh', '-c', `"${node}" scripts/build.mjs --quiet && "${node}" dist/cli.js train --help`],
  ],
];
for (const [name, [cmd, ...args]] of cases) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(36)} median ${times[times.length >> 1].toFixed(0).padStart(5)} ms`);
}
