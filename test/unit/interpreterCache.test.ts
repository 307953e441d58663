import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/gradcheck/check';
import { isShim, resolveInterpreter } from '../../src/gradcheck/run/interpreterCache';
import { PYTHON, testRunners } from './gradcheckHelpers';

/** A shim like pyenv's (…/shims/python3): a script that counts its starts and execs the real interpreter. */
function shim(dir: string): { path: string; starts: () => number } {
  const log = join(dir, 'starts');
  writeFileSync(log, '');
  mkdirSync(join(dir, 'shims'));
  const path = join(dir, 'shims', 'python3');
  writeFileSync(path, `#!/bin/sh\necho x >> ${log}\nexec ${PYTHON} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

test('issue 11: the first Python check goes through a shim, the next ones start the real interpreter directly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-shim-'));
  const s = shim(dir);
  const file = join(dir, 'f.py');
  writeFileSync(file, 'def function_2(x):\n    return (x ** 2).sum()\n\n\ndef function_2_grad(x):\n    return 2 * x\n');
  assert.equal(resolveInterpreter(s.path, dir), s.path);
  for (let k = 0; k < 3; k++) {
    const r = await runCheck({ file, functionName: 'function_2', inputs: { x: [3, 4] } }, testRunners(s.path));
    assert.equal(r.verdict, 'pass');
  }
  assert.equal(s.starts(), 1, 'the shim started once, for the first check');
  assert.notEqual(resolveInterpreter(s.path, dir), s.path);
  rmSync(dir, { recursive: true });
});

test('a wrapper that is not a shim (it adds flags) is always run as it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-wrap-'));
  const wrapper = join(dir, 'python-without-site');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  assert.equal(isShim(wrapper, dir), false);
  assert.equal(resolveInterpreter(wrapper, dir), wrapper);
  rmSync(dir, { recursive: true });
});

test('a new or changed .python-version (pyenv local) sends the next check through the shim again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-shim-'));
  const s = shim(dir);
  const file = join(dir, 'f.py');
  writeFileSync(file, 'def function_2(x):\n    return (x ** 2).sum()\n\n\ndef function_2_grad(x):\n    return 2 * x\n');
  const check = async () =>
    assert.equal(
      (await runCheck({ file, functionName: 'function_2', inputs: { x: [3, 4] } }, testRunners(s.path))).verdict,
      'pass',
    );
  await check();
  assert.notEqual(resolveInterpreter(s.path, dir), s.path, 'remembered');
  writeFileSync(join(dir, '.python-version'), 'system\n');
  assert.equal(resolveInterpreter(s.path, dir), s.path, 'a local version file: the shim decides again');
  await check();
  assert.notEqual(resolveInterpreter(s.path, dir), s.path);
  // The same file rewritten later (another version): its mtime changes, the shim decides again.
  utimesSync(join(dir, '.python-version'), new Date(), new Date(Date.now() + 5000));
  assert.equal(resolveInterpreter(s.path, dir), s.path);
  assert.equal(s.starts(), 2);
  rmSync(dir, { recursive: true });
});
