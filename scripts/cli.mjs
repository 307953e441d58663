// `npm run train|gradcheck|check-exercise|bench`: builds the bundles only when a source changed since the last build
// (scripts/sourceStamp.mjs), then runs dist/cli.js in this same process, so an up-to-date check starts
// at once. `node scripts/cli-start-time.mjs` measures it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { STAMP_FILE, sourceStamp } from './sourceStamp.mjs';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const stampFile = join(root, STAMP_FILE);
const fresh =
  existsSync(join(root, 'dist', 'cli.js')) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === sourceStamp(root);
if (!fresh) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// `npm run bench -- --check-latency`: the gradient check's latency budget (scripts/bench-check-latency.mjs).
if (process.argv[2] === 'bench' && process.argv.includes('--check-latency')) await import('./bench-check-latency.mjs');
// dist/cli.js reads its command from process.argv.slice(2), which is already `<command> [flags]`.
else createRequire(import.meta.url)(join(root, 'dist', 'cli.js'));
