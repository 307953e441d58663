import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/gradcheck/check';
import { prestartJs } from '../../src/gradcheck/run/jsRunner';
import { prestartPython } from '../../src/gradcheck/run/pythonRunner';
import { makeRunners } from '../../src/gradcheck/run/runners';
import { WarmPool } from '../../src/gradcheck/run/warmPool';
import { HARNESS, PYTHON, WORKER } from './gradcheckHelpers';

/** The spare checkers of issue 11 item 12 / issue 18 item 5: reused, isolated, bounded, never left behind. */

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number | undefined, withinMs = 5000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !alive(pid);
}

function setup(pool: WarmPool) {
  const dir = mkdtempSync(join(tmpdir(), 'gl-warm-'));
  const runners = makeRunners({ python: PYTHON, harness: HARNESS, workerPath: WORKER, pythonHint: '', pool });
  const python = { python: PYTHON, harness: HARNESS, pool };
  return { dir, runners, python, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `body` with a new pool and a scratch folder; both are cleaned up after, whatever happens. */
async function withPool(body: (pool: WarmPool, s: ReturnType<typeof setup>) => Promise<void>): Promise<void> {
  const pool = new WarmPool();
  const s = setup(pool);
  try {
    await body(pool, s);
  } finally {
    pool.dispose();
    s.done();
  }
}

/** The pool's key of the Python spare for `dir` (the only spare there is after a prestart). */
const onlyKey = (pool: WarmPool): string => {
  const keys = [...(pool as unknown as { spares: Map<string, unknown> }).spares.keys()];
  assert.equal(keys.length, 1, 'one spare');
  return keys[0];
};

const SQUARE = (extra = '') =>
  `import os\n\n\ndef function_2(x):\n${extra}    return (x ** 2).sum()\n\n\ndef function_2_grad(x):\n    return 2 * x\n`;

test('a Python check runs in the spare started ahead (numpy imported), and a new spare waits after it', () =>
  withPool(async (pool, s) => {
    const file = join(s.dir, 'f.py');
    writeFileSync(file, SQUARE('    os.write(1, ("pid %d\\n" % os.getpid()).encode())\n'));
    prestartPython(s.python, s.dir);
    const key = onlyKey(pool);
    assert.equal(await pool.whenReady(key), true, 'the spare reports it is ready');
    const spare = pool.sparePid(key);
    assert.ok(spare && alive(spare));
    const r = await runCheck({ file, functionName: 'function_2', inputs: { x: [3, 4] } }, s.runners);
    assert.equal(r.verdict, 'pass');
    assert.deepEqual(pool.lastTake && { warm: pool.lastTake.warm, pid: pool.lastTake.pid }, { warm: true, pid: spare });
    assert.match(r.output?.stdout ?? '', new RegExp(`pid ${spare}\\b`), "the learner's code ran in the spare");
    assert.ok(await gone(spare), 'the spare ran one check and ended');
    // The next check's spare is already on its way.
    assert.equal(await pool.whenReady(key), true);
    const next = pool.sparePid(key);
    assert.ok(next && next !== spare);
    const r2 = await runCheck({ file, functionName: 'function_2', inputs: { x: [1, 2] } }, s.runners);
    assert.equal(r2.verdict, 'pass');
    assert.equal(pool.lastTake?.pid, next);
    assert.equal(pool.lastTake?.warm, true);
  }));

test('two checks of different unsaved texts of one file get their own results (no module kept between checks)', () =>
  withPool(async (pool, s) => {
    const file = join(s.dir, 'loss.py');
    writeFileSync(file, SQUARE());
    const right = SQUARE();
    const wrong = right.replace('return 2 * x', 'return 3 * x');
    const leaky = `${right}\nimport sys\nsys.modules.setdefault('__gl_leak__', []).append(1)\n`;
    const verdicts: string[] = [];
    for (const source of [right, wrong, right, leaky, leaky]) {
      prestartPython(s.python, s.dir);
      await pool.whenReady(onlyKey(pool));
      const r = await runCheck({ file, source, functionName: 'function_2', inputs: { x: [3, 4] } }, s.runners);
      assert.equal(pool.lastTake?.warm, true);
      verdicts.push(r.verdict);
    }
    assert.deepEqual(verdicts, ['pass', 'fail', 'pass', 'pass', 'pass']);
    // JavaScript: the same, through the worker's spare.
    const js = join(s.dir, 'loss.js');
    const jsRight =
      'function f(x) { return x[0] * x[0] + x[1] * x[1]; }\nfunction fGrad(x) { return [2 * x[0], 2 * x[1]]; }\n';
    writeFileSync(js, jsRight);
    const jsVerdicts: string[] = [];
    for (const source of [jsRight, jsRight.replace('2 * x[1]', '3 * x[1]'), jsRight]) {
      prestartJs({ workerPath: WORKER, pool }, s.dir);
      const r = await runCheck({ file: js, source, functionName: 'f', inputs: { x: [3, 4] } }, s.runners);
      assert.equal(pool.lastTake?.warm, true);
      jsVerdicts.push(r.verdict);
    }
    assert.deepEqual(jsVerdicts, ['pass', 'fail', 'pass']);
  }));

test('a check that hangs, or kills its own process, ends with its message, and the next check works', () =>
  withPool(async (pool, s) => {
    const file = join(s.dir, 'f.py');
    writeFileSync(file, SQUARE());
    const hang = SQUARE('    while True:\n        pass\n');
    prestartPython(s.python, s.dir);
    const key = onlyKey(pool);
    await pool.whenReady(key);
    const spare = pool.sparePid(key);
    const started = Date.now();
    const r = await runCheck(
      { file, source: hang, functionName: 'function_2', inputs: { x: [3, 4] }, timeoutMs: 1500 },
      s.runners,
    );
    assert.equal(r.verdict, 'error');
    assert.equal(r.error?.kind, 'timeout');
    assert.equal(pool.lastTake?.pid, spare);
    assert.ok(Date.now() - started < 10_000);
    assert.ok(await gone(spare), 'the hung spare was killed with its check');
    const killer = SQUARE('    os.kill(os.getpid(), 9)\n');
    await pool.whenReady(key);
    const r2 = await runCheck({ file, source: killer, functionName: 'function_2', inputs: { x: [3, 4] } }, s.runners);
    assert.equal(r2.verdict, 'error');
    assert.match(r2.error?.message ?? '', /SIGKILL|without a result/);
    await pool.whenReady(key);
    const r3 = await runCheck({ file, functionName: 'function_2', inputs: { x: [3, 4] } }, s.runners);
    assert.equal(r3.verdict, 'pass');
    // A spare killed from outside while it waits: the check starts a fresh process instead.
    await pool.whenReady(key);
    const waiting = pool.sparePid(key)!;
    process.kill(-waiting, 'SIGKILL');
    assert.ok(await gone(waiting));
    await new Promise((r) => setTimeout(r, 100));
    const r4 = await runCheck({ file, functionName: 'function_2', inputs: { x: [3, 4] } }, s.runners);
    assert.equal(r4.verdict, 'pass');
    assert.equal(pool.lastTake?.warm, false);
  }));

test('spares end when the pool is cleared or disposed, and after the idle time', async () => {
  const s = setup(new WarmPool());
  try {
    const pool = new WarmPool();
    prestartPython({ ...s.python, pool }, s.dir);
    prestartJs({ workerPath: WORKER, pool }, s.dir);
    assert.equal(pool.size, 2);
    const keys = [...(pool as unknown as { spares: Map<string, unknown> }).spares.keys()];
    for (const k of keys) assert.equal(await pool.whenReady(k), true);
    const pids = keys.map((k) => pool.sparePid(k));
    pool.dispose();
    for (const pid of pids) assert.ok(await gone(pid), `spare ${pid} ended with the pool`);
    prestartPython({ ...s.python, pool }, s.dir);
    assert.equal(pool.size, 0, 'a disposed pool starts nothing');

    const idle = new WarmPool(3000);
    prestartPython({ ...s.python, pool: idle }, s.dir);
    const key = onlyKey(idle);
    await idle.whenReady(key);
    const pid = idle.sparePid(key);
    assert.ok(alive(pid));
    assert.ok(await gone(pid, 8000), 'the idle spare ended');
    assert.equal(idle.size, 0);
    idle.dispose();

    const cleared = new WarmPool();
    prestartJs({ workerPath: WORKER, pool: cleared }, s.dir);
    const jsKey = onlyKey(cleared);
    await cleared.whenReady(jsKey);
    const jsPid = cleared.sparePid(jsKey);
    cleared.clear();
    assert.ok(await gone(jsPid));
    cleared.dispose();
  } finally {
    s.done();
  }
});
