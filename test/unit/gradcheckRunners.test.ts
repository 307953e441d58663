import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/gradcheck/check';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import { runJs } from '../../src/gradcheck/run/jsRunner';
import { runPython } from '../../src/gradcheck/run/pythonRunner';
import { FIXTURES, HARNESS, PYTHON, WORKER, testRunners } from './gradcheckHelpers';
import { ROOT } from './helpers';

/** What the runners guarantee beyond the fixtures: errors a learner can act on, isolation, limits. */

const text = (r: Awaited<ReturnType<typeof runCheck>>) =>
  [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m))].join('\n');
const tmp = () => mkdtempSync(join(tmpdir(), 'gl-gradcheck-'));

test('no Python: the check says so and how to choose another interpreter', async () => {
  const r = await runCheck(
    { file: join(FIXTURES, 'py', 'function_2.py'), functionName: 'function_2' },
    { ...testRunners('/no/such/python3'), pythonHint: 'set gradientLab.pythonPath' },
  );
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['no-python']]);
  assert.match(
    text(r),
    /'\/no\/such\/python3' was not found.*Install Python 3 with numpy, then set gradientLab\.pythonPath/,
  );
});

test('no numpy: the check names the interpreter and the command that installs numpy', async () => {
  // The same Python without its site-packages (-S) cannot import numpy.
  const dir = tmp();
  const wrapper = join(dir, 'python-without-site');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  const r = await runCheck(
    { file: join(FIXTURES, 'py', 'function_2.py'), functionName: 'function_2' },
    testRunners(wrapper),
  );
  assert.deepEqual([r.verdict, r.diagnosis], ['error', ['no-numpy']]);
  assert.match(text(r), /numpy is not installed for .*python.* -m pip install numpy.*python3-numpy/);
});

test("the editor's unsaved text is checked, not the file on disk — in Python and in JavaScript", async () => {
  const py = await runCheck(
    {
      file: join(FIXTURES, 'py', 'function_2.py'),
      functionName: 'function_2',
      inputs: { x: [3, 4] },
      source: 'def function_2(x):\n    return x[0] ** 2 + x[1] ** 2\n\ndef function_2_grad(x):\n    return -2 * x\n',
    },
    testRunners(),
  );
  assert.deepEqual(py.diagnosis, ['sign']);
  const js = await runCheck(
    {
      file: join(FIXTURES, 'js', 'function2.js'),
      functionName: 'function2',
      inputs: { x: [3, 4] },
      source:
        'function function2(x) { return x[0] ** 2 + x[1] ** 2; }\nfunction function2Grad(x) { return [6 * x[0], 6 * x[1]]; }\n',
    },
    testRunners(),
  );
  assert.deepEqual(js.diagnosis, ['scale']);
});

test("a check writes nothing into the learner's folder (no __pycache__) and their helper modules import", async () => {
  const dir = tmp();
  cpSync(join(FIXTURES, 'py', 'uses_helper_module.py'), join(dir, 'uses_helper_module.py'));
  cpSync(join(FIXTURES, 'py', 'helpers'), join(dir, 'helpers'), { recursive: true });
  const before = readdirSync(dir, { recursive: true }).sort();
  const r = await runCheck({ file: join(dir, 'uses_helper_module.py'), functionName: 'loss' }, testRunners());
  assert.equal(r.verdict, 'pass', text(r));
  assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before);
});

test('an exception in an imported helper points at the helper file and line', async () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'helper.py'),
    'import numpy as np\n\ndef softmax(x):\n    return np.exp(x) / np.sum(np.exp(x), axis=2)\n',
  );
  writeFileSync(join(dir, 'main.py'), 'from helper import softmax\n\ndef loss(x):\n    return softmax(x).sum()\n');
  const py = await runCheck({ file: join(dir, 'main.py'), functionName: 'loss' }, testRunners());
  assert.equal(py.error?.file, join(dir, 'helper.py'));
  assert.equal(py.error?.line, 4);
  assert.match(py.error?.message ?? '', /AxisError|axis 2 is out of bounds/);
  writeFileSync(
    join(dir, 'util.ts'),
    'export function norm(v: number[]): number {\n  const w: any = null;\n  return w.length;\n}\n',
  );
  writeFileSync(
    join(dir, 'main.ts'),
    "import { norm } from './util';\nexport const loss = (x: number[]): number => norm(x);\n",
  );
  const js = await runCheck({ file: join(dir, 'main.ts'), functionName: 'loss' }, testRunners());
  assert.deepEqual([js.error?.file, js.error?.line, js.error?.source], [join(dir, 'util.ts'), 3, 'return w.length;']);
});

test('print() and console.log in the learner’s code do not disturb the result', async () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'p.py'),
    'import numpy as np\n\ndef f(x):\n    print("f at", x)\n    return np.sum(x ** 2)\n\ndef f_grad(x):\n    print("}{ not json")\n    return 2 * x\n',
  );
  writeFileSync(
    join(dir, 'p.js'),
    'function f(x) { console.log("f", x); return x[0] * x[0] + x[1] * x[1]; }\nfunction fGrad(x) { return x.map((v) => 2 * v); }\n',
  );
  for (const file of ['p.py', 'p.js']) {
    const r = await runCheck({ file: join(dir, file), functionName: 'f' }, testRunners());
    assert.deepEqual([r.verdict, r.diagnosis], ['pass', []], `${file}: ${text(r)}`);
  }
});

for (const [lang, fixture, fn] of [
  ['Python', 'py/infinite_loop.py', 'mean_loss'],
  ['JavaScript', 'js/infiniteLoop.js', 'meanSquare'],
] as const) {
  test(`${lang}: an endless loop is stopped at the time limit while the event loop keeps running`, async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    const started = Date.now();
    const r = await runCheck({ file: join(FIXTURES, fixture), functionName: fn, timeoutMs: 1200 }, testRunners());
    const elapsed = Date.now() - started;
    clearInterval(timer);
    assert.deepEqual([r.verdict, r.diagnosis], ['error', ['timeout']]);
    assert.match(text(r), /did not finish within 1\.2 s.*endless loop/);
    assert.ok(elapsed >= 1100 && elapsed < 1200 + 4000, `stopped after ${elapsed} ms`);
    assert.ok(ticks >= elapsed / 50 / 3, `the extension's thread stayed free (${ticks} ticks in ${elapsed} ms)`);
  });
}

test('a running check can be cancelled (a new check or a closed panel)', async () => {
  for (const [run, fixture, fn] of [
    [
      (r: Parameters<typeof runPython>[0], s: AbortSignal) => runPython(r, { python: PYTHON, harness: HARNESS }, s),
      'py/infinite_loop.py',
      'mean_loss',
    ],
    [
      (r: Parameters<typeof runJs>[0], s: AbortSignal) => runJs(r, { workerPath: WORKER }, s),
      'js/infiniteLoop.js',
      'meanSquare',
    ],
  ] as const) {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const r = await runCheck(
      { file: join(FIXTURES, fixture), functionName: fn, timeoutMs: 20_000 },
      { python: (q) => run(q, controller.signal), js: (q) => run(q, controller.signal), pythonHint: '' },
    );
    assert.equal(r.error?.message, 'cancelled');
    assert.ok(Date.now() - started < 5000);
  }
});

test('a large input is checked on a seeded sample, the same one each time', async () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'big.js'),
    'function loss(W) { let s = 0; for (const r of W) for (const v of r) s += v * v * v; return s; }\nfunction lossGrad(W) { return W.map((r) => r.map((v) => 3 * v * v)); }\n',
  );
  const W = Array.from({ length: 30 }, (_, i) => Array.from({ length: 40 }, (_, j) => Math.sin(i * 40 + j) + 1.5));
  const once = () =>
    runCheck({ file: join(dir, 'big.js'), functionName: 'loss', inputs: { W }, maxElements: 100 }, testRunners());
  const [a, b] = [await once(), await once()];
  assert.deepEqual([a.verdict, a.checked, a.total], ['pass', 100, 1200]);
  assert.deepEqual(
    a.rows.map((r) => r.index).sort((p, q) => p - q),
    b.rows.map((r) => r.index).sort((p, q) => p - q),
  );
});

test('the minified worker that the packaged extension ships still runs a check (its in-context code survives minification)', async () => {
  // esbuild's CLI (its JavaScript API cannot run from a bundle such as this test).
  const dir = tmp();
  const workerPath = join(dir, 'jsRunnerWorker.js');
  const built = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      join(ROOT, 'src', 'gradcheck', 'run', 'jsRunnerWorker.ts'),
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--target=node18',
      '--minify',
      `--outfile=${workerPath}`,
      '--log-level=error',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(built.status, 0, built.stderr);
  const runners = {
    ...testRunners(),
    js: (r: Parameters<typeof runJs>[0], s?: AbortSignal) => runJs(r, { workerPath }, s),
  };
  const r = await runCheck(
    { file: join(FIXTURES, 'js', 'missingBatchInLoss.js'), functionName: 'crossEntropyError' },
    runners,
  );
  assert.deepEqual([r.verdict, r.diagnosis], ['fail', ['scale']]);
});
