import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveInterpreter } from '../../src/gradcheck/interpreterCache';
import { PYTHON } from './gradcheckHelpers';

/** A shim like pyenv's: a script that counts its starts and execs the real interpreter. */
function shim(dir: string): { path: string; starts: () => number } {
  const log = join(dir, 'starts');
  writeFileSync(log, '');
  mkdirSync(join(dir, 'shims'));
  const path = join(dir, 'shims', 'python3');
  writeFileSync(path, `#!/bin/sh\necho x >> ${log}\nexec ${PYTHON} "$@"\n`);
  chmodSync(path, 0o755);
  return { path, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

test('issue 11: a shim is asked for the real interpreter once per folder, and the real one is used after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-shim-'));
  const s = shim(dir);
  const real = await resolveInterpreter(s.path, dir);
  assert.notEqual(real, s.path);
  assert.equal(await resolveInterpreter(s.path, dir), real);
  assert.equal(await resolveInterpreter(s.path, dir), real);
  assert.equal(s.starts(), 1, 'the shim started once');
  rmSync(dir, { recursive: true });
});

test('a command that does not start is not remembered, and comes back unchanged (its error is reported as before)', async () => {
  const missing = join(tmpdir(), 'no-such-python-gl');
  assert.equal(await resolveInterpreter(missing, tmpdir()), missing);
  assert.equal(await resolveInterpreter(missing, tmpdir()), missing);
});

test('a wrapper that is not a shim (it adds flags) is run as it is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-wrap-'));
  const wrapper = join(dir, 'python-without-site');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  assert.equal(await resolveInterpreter(wrapper, dir), wrapper);
  rmSync(dir, { recursive: true });
});
