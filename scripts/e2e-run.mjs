// Runs the end-to-end suite (test/e2e) against a real VS Code: code-server + Debian Chromium.
//   1. checks the toolchain installed by scripts/e2e-setup.sh (fails, never skips, if it is missing),
//   2. packages the extension with `npm run package` (production build + VSIX) and the test-only
//      Korean language pack fixture,
//   3. runs out/test/e2e/*.test.js one file at a time (each file starts its own code-server with
//      setsid on a free loopback port and stops it when done),
//   4. kills any server a crashed test left behind, and exits with the tests' status.
// Usage: node scripts/e2e-run.mjs [file-name-filter ...]   e.g. `node scripts/e2e-run.mjs train korean`
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(join(root, 'package.json'));
const fail = (msg) => {
  console.error(`[e2e] ERROR: ${msg}`);
  process.exit(1);
};
const step = (msg) => console.log(`[e2e] ${msg}`);

// GL_E2E_ENV points elsewhere (another toolchain; or a broken one, to see the run fail).
// E2E_CACHE is the folder scripts/e2e-setup.sh installed into (default .cache/e2e).
const envFile = process.env.GL_E2E_ENV ?? join(process.env.E2E_CACHE ?? join(root, '.cache', 'e2e'), 'env.json');
if (!existsSync(envFile))
  fail(`the toolchain is missing (${envFile}): run \`bash scripts/e2e-setup.sh\` first (npm run test:e2e does both).`);
const env = JSON.parse(readFileSync(envFile, 'utf8'));
for (const [what, path] of Object.entries(env))
  if (!existsSync(path)) fail(`${what} is missing at ${path}: run \`bash scripts/e2e-setup.sh\`.`);

const work = mkdtempSync(join(tmpdir(), 'gl-e2e-run-'));
const vsix = join(work, 'gradient-lab.vsix');
const started = Date.now();

step('packaging the extension (npm run package)');
// A build running at the same moment in this tree (npm run watch) can change dist/ under the zipper;
// packaging again then succeeds. A real failure fails all three times.
for (let attempt = 1; ; attempt++) {
  const pack = spawnSync('npm', ['run', '--silent', 'package', '--', '-o', vsix], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (pack.status === 0 && existsSync(vsix)) break;
  if (attempt === 3) fail(`npm run package failed (exit ${pack.status}):\n${pack.stdout}\n${pack.stderr}`);
  step(
    `npm run package failed (exit ${pack.status}), packaging again: ${(pack.stderr.match(/Error[^\n]*/) ?? [''])[0]}`,
  );
}

step('packaging the Korean language pack fixture');
const koVsix = join(work, 'ko-language-pack.vsix');
const { createVSIX } = require('@vscode/vsce');
const quiet = console.log;
console.log = () => {};
try {
  await createVSIX({
    cwd: join(root, 'test', 'e2e', 'fixtures', 'ko-language-pack'),
    packagePath: koVsix,
    dependencies: false,
    allowMissingRepository: true,
    skipLicense: true,
  });
} finally {
  console.log = quiet;
}

// The tests are built with everything else (test/**/*.test.ts -> out/test/); make sure they are fresh.
step('building the tests');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) fail('the build failed');

const filters = process.argv.slice(2);
const testDir = join(root, 'out', 'test', 'e2e');
const files = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => join(testDir, f));
if (files.length === 0) fail(`no end-to-end tests matched ${filters.join(', ') || '(all)'} in ${testDir}`);

const pids = join(work, 'pids');
mkdirSync(pids);
const results = join(root, 'test-results', 'e2e');
mkdirSync(results, { recursive: true });
step(`running ${files.length} file(s): ${files.map((f) => f.split('/').pop()).join(', ')}`);
const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    GL_E2E_ENV: envFile,
    GL_E2E_VSIX: vsix,
    GL_E2E_KO_VSIX: koVsix,
    GL_E2E_PIDS: pids,
    GL_E2E_RESULTS: results,
  },
});

// A test that crashed may have left its code-server running: end those process groups.
for (const pid of readdirSync(pids)) {
  try {
    process.kill(-Number(pid), 'SIGKILL');
  } catch {
    // already stopped by its test
  }
}
rmSync(work, { recursive: true, force: true });
step(`finished in ${Math.round((Date.now() - started) / 1000)} s; screenshots and logs in ${results}`);
process.exit(run.status ?? 1);
