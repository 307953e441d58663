// The one place that sets up what the tests need from the machine; npm run test:unit, test:browser,
// test:e2e (through scripts/e2e-setup.sh) and .ci/run all come through here.
//   node scripts/provision.mjs <part ...> [-- command ...]
// Parts: unit (a Python with numpy), browser (Chromium), e2e (Chromium, a Python with numpy,
// libkrb5-dev and a C++ toolchain for code-server's native module, fonts-nanum for Korean), all (the
// default).
// What is missing is installed with apt-get when run as root; otherwise one line says exactly what to
// install and the script exits 1. Nothing is skipped: a test that needs a piece never runs without it.
// The Python is the first of $GRADCHECK_TEST_PYTHON, `python3` on the PATH and /usr/bin/python3 that imports
// numpy; one line names it. With `-- command`, the command runs with that Python first on the PATH
// as `python3` (and in GRADCHECK_TEST_PYTHON) and CHROMIUM_PATH set, and its exit code is returned.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const parts = new Set(dash < 0 ? argv : argv.slice(0, dash));
const command = dash < 0 ? [] : argv.slice(dash + 1);
const known = ['unit', 'browser', 'e2e', 'all'];
for (const p of parts) if (!known.includes(p)) fail(`unknown part '${p}' (expected: ${known.join(', ')})`);
if (parts.size === 0 || parts.has('all')) known.forEach((p) => parts.add(p));
const needs = {
  python: parts.has('unit') || parts.has('e2e'),
  chromium: parts.has('browser') || parts.has('e2e'),
  e2e: parts.has('e2e'),
};

function fail(message) {
  process.stderr.write(`provision: ${message}\n`);
  process.exit(1);
}
const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const dpkgInstalled = (pkg) => /^Status: install ok installed/m.test(run('dpkg-query', ['-s', pkg]).stdout ?? '');
const hasDpkg = run('dpkg-query', ['--version']).status === 0;
const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)));

/** The first candidate that imports numpy: { exe (the real interpreter), via (what was asked), numpy }. */
function findPython() {
  const candidates = [process.env.GRADCHECK_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const via of candidates) {
    const r = run(via, ['-c', 'import sys, numpy; print(sys.executable); print(numpy.__version__)']);
    if (r.status === 0) {
      const [exe, numpy] = r.stdout.trim().split('\n');
      return { exe: exe || via, via, numpy };
    }
  }
  return null;
}

function findChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(path) ? path : null;
}

/** Debian packages still to install, each with the reason it is needed. */
function missing() {
  const list = [];
  if (needs.python && !findPython()) list.push(['python3-numpy', 'numpy for python3']);
  if (needs.chromium && !findChromium()) list.push(['chromium', 'Chromium']);
  if (needs.e2e) {
    const pkg = (name) => (hasDpkg ? dpkgInstalled(name) : false);
    if (!pkg('libkrb5-dev') && !existsSync('/usr/include/gssapi/gssapi.h')) list.push(['libkrb5-dev', 'gssapi.h']);
    if (!pkg('fonts-nanum')) list.push(['fonts-nanum', 'a Korean font']);
    if (!onPath('g++') || !onPath('make')) list.push(['g++', 'a C++ compiler'], ['make', 'make']);
  }
  return list;
}

let todo = missing();
if (todo.length > 0) {
  const pkgs = todo.map(([p]) => p);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    const how = onPath('apt-get') ? `sudo apt-get install -y ${pkgs.join(' ')}` : `install ${pkgs.join(' ')}`;
    fail(`the tests need ${todo.map(([, why]) => why).join(', ')}: ${how} (or run this as root), then run again`);
  }
  console.log(`[provision] installing ${pkgs.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...pkgs],
  ]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0)
      fail(`apt-get ${args[0]} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  }
  todo = missing();
  if (todo.length > 0) fail(`still missing after apt-get: ${todo.map(([p]) => p).join(' ')}`);
}

const python = needs.python ? findPython() : null;
const chromium = needs.chromium ? findChromium() : null;
const said = [];
if (python) said.push(`python ${python.exe} (numpy ${python.numpy}, found as ${python.via})`);
if (chromium) said.push(`chromium ${chromium}`);
if (needs.e2e) said.push('libkrb5-dev, fonts-nanum, g++, make present');
console.log(`[provision] ${said.join('; ')}`);

if (command.length > 0) {
  const env = { ...process.env };
  if (python) {
    // `python3` resolves to the chosen interpreter for every test and for the code under test.
    const bin = join(root, 'out', 'provision', 'bin');
    mkdirSync(bin, { recursive: true });
    const shim = join(bin, 'python3');
    writeFileSync(shim, `#!/bin/sh\nexec '${python.exe.replace(/'/g, `'\\''`)}' "$@"\n`);
    chmodSync(shim, 0o755);
    env.PATH = `${bin}${delimiter}${env.PATH ?? ''}`;
    env.GRADCHECK_TEST_PYTHON = python.exe;
  }
  if (chromium) env.CHROMIUM_PATH = chromium;
  const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
