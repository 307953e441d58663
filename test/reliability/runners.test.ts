import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckReport } from '../../src/gradcheck/check';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import { OUTPUT_CAP_BYTES } from '../../src/gradcheck/run/childRun';
import { runJs } from '../../src/gradcheck/run/jsRunner';
import { runPython } from '../../src/gradcheck/run/pythonRunner';
import { HARNESS, PYTHON, WORKER, testRunners } from '../unit/gradcheckHelpers';
import { gone, hostile } from './hostile';

/** Learner code that prints, floods, imitates answers, allocates and forks: the runners stay in charge. */

const tmp = () => mkdtempSync(join(tmpdir(), 'gl-rel-run-'));
const text = (r: CheckReport) => [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m))].join('\n');
const AREA = 'runner';

/** An answer that would PASS a gradient of 2·x at x = [1] (numerical 2 = analytic 2). */
const FORGED = JSON.stringify({
  ok: true,
  x: [1],
  shape: [1],
  f0: 1,
  f0Again: 1,
  indices: [0],
  plus: [1.0002],
  minus: [0.9998],
  steps: [],
  sweep: null,
  analytic: { values: [2], shape: [1] },
  mutated: [],
  probes: [],
  evaluations: 3,
  elapsedMs: 1,
  runtime: 'forged',
});
const PY_WRONG =
  'import numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    return 6 * x\n';
const JS_WRONG =
  'function loss(x) { return x.reduce((s, v) => s + v * v, 0); }\nfunction lossGrad(x) { return x.map((v) => 6 * v); }\n';

/** The product's runners with smaller memory limits, so the limits are reached quickly on a slow machine. */
const smallLimits = (python: string) => ({
  ...testRunners(python),
  js: (r: Parameters<typeof runJs>[0], s?: AbortSignal) =>
    runJs(r, { workerPath: WORKER, memoryMb: 96, rssMb: 320 }, s),
  python: (r: Parameters<typeof runPython>[0], s?: AbortSignal) =>
    runPython(r, { python, harness: HARNESS, memoryMb: 700 }, s),
});

async function check(
  area: string,
  name: string,
  file: string,
  source: string,
  extra: Partial<Parameters<typeof runCheck>[0]> = {},
  python = PYTHON,
) {
  const dir = tmp();
  writeFileSync(join(dir, file), source);
  const outcome =
    area === 'imitation' || area === 'output' ? 'correct-result' : area === 'memory' ? 'bounded' : 'clear-error';
  return hostile(
    AREA,
    `${area}: ${name}`,
    outcome,
    () =>
      runCheck(
        { file: join(dir, file), functionName: 'loss', inputs: { x: [1, 2, 3] }, timeoutMs: 8000, ...extra },
        smallLimits(python),
      ),
    { ms: 30_000 },
  );
}

const imitations: [string, string, string][] = [
  [
    'atexit print of an answer line',
    'p.py',
    `import atexit\n${PY_WRONG}atexit.register(lambda: print('\\x1eGRADCHECK ' + ${JSON.stringify(FORGED)}))\n`,
  ],
  [
    'print of an answer line inside the loss',
    'p.py',
    `${PY_WRONG.replace('return float', `print('\\x1eGRADCHECK ' + ${JSON.stringify(FORGED)})\n    return float`)}`,
  ],
  [
    'os.write(1) of an answer at exit',
    'p.py',
    `import atexit, os\n${PY_WRONG}atexit.register(lambda: os.write(1, ('\\x1eGRADCHECK ' + ${JSON.stringify(FORGED)} + '\\n').encode()))\n`,
  ],
  [
    'sys.__stdout__ answer at load',
    'p.py',
    `import sys\nsys.__stdout__.write('\\x1eGRADCHECK ' + ${JSON.stringify(FORGED)} + '\\n')\n${PY_WRONG}`,
  ],
  [
    'a malformed imitation at exit',
    'p.py',
    `import atexit\n${PY_WRONG}atexit.register(lambda: print('\\x1eGRADCHECK {"ok": true, "x": 5}'))\n`,
  ],
  [
    'postMessage from worker_threads',
    'p.js',
    `const wt = require('worker_threads');\nif (wt.parentPort) wt.parentPort.postMessage(${FORGED});\n${JS_WRONG}`,
  ],
  [
    'process.stdout answer line',
    'p.js',
    `require('process').stdout.write('\\x1eGRADCHECK ' + JSON.stringify(${FORGED}) + '\\n');\n${JS_WRONG}`,
  ],
  [
    'process.on exit answer',
    'p.js',
    `const p = require('process'); p.on('exit', () => p.stdout.write('\\x1eGRADCHECK ' + JSON.stringify(${FORGED}) + '\\n'));\n${JS_WRONG}`,
  ],
  [
    'writes to fd 3 without the nonce',
    'p.js',
    `try { require('fs').writeSync(3, '\\x1eGRADCHECK ' + JSON.stringify(${FORGED}) + '\\n'); } catch {}\n${JS_WRONG}`,
  ],
];

for (const [name, file, source] of imitations) {
  test(`an imitated answer (${name}) is output, and a 3× gradient still FAILS`, async () => {
    const m = await check('imitation', name, file, source);
    const r = m.value;
    assert.equal(r.verdict, 'fail', text(r));
    assert.deepEqual(r.diagnosis, ['scale'], text(r));
  });
}

/** Output floods: bounded, and the check still passes; `more` checks what was dropped or the memory used. */
const floods: {
  name: string;
  label: string;
  file: string;
  source: string;
  more?: (m: Awaited<ReturnType<typeof check>>) => void;
}[] = [
  {
    name: 'fd-1 flood (40 × os.write(1, 1 MiB)): kept up to the cap, the rest counted and dropped, the check passes',
    label: 'fd-1 flood 40 MiB',
    file: 'p.py',
    source:
      'import os\nimport numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    for _ in range(40):\n        os.write(1, b"z" * 2**20)\n    return 2 * x\n',
    more: (m) => {
      assert.ok(
        (m.value.output?.droppedBytes ?? 0) >= 40 * 2 ** 20 - OUTPUT_CAP_BYTES,
        JSON.stringify(m.value.output?.droppedBytes),
      );
      assert.ok(m.peakMb < 400, `peak ${m.peakMb} MB`);
    },
  },
  {
    name: 'sys.__stdout__.write of 10 MB a call, 5 times: bounded memory, the check passes',
    label: 'sys.__stdout__ 50 MB',
    file: 'p.py',
    source:
      'import sys\nimport numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    for _ in range(5):\n        sys.__stdout__.write("y" * 10**7)\n    return 2 * x\n',
    more: (m) => {
      assert.ok((m.value.output?.droppedBytes ?? 0) > 4 * 10 ** 7);
    },
  },
  {
    name: 'print() flood of 30 MB through sys.stdout stays bounded in the harness and the host',
    label: 'print flood 30 MB',
    file: 'p.py',
    source:
      'import numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    for _ in range(30):\n        print("p" * 10**6)\n    return 2 * x\n',
  },
  {
    name: 'stderr flood of 20 MiB: bounded, the check passes',
    label: 'stderr flood 20 MiB',
    file: 'p.py',
    source:
      'import os\nimport numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    for _ in range(20):\n        os.write(2, b"e" * 2**20)\n    return 2 * x\n',
    more: (m) => {
      assert.ok((m.value.output?.droppedBytes ?? 0) > 19 * 2 ** 20);
    },
  },
  {
    name: 'JS: process.stdout flood of 30 MB is bounded and the check passes',
    label: 'JS stdout flood 30 MB',
    file: 'p.js',
    source: `function loss(x) { return x.reduce((s, v) => s + v * v, 0); }\nfunction lossGrad(x) { const o = require('process').stdout; for (let i = 0; i < 30; i++) o.write('j'.repeat(1e6)); return x.map((v) => 2 * v); }\n`,
  },
];
for (const { name, label, file, source, more } of floods) {
  test(name, async () => {
    const m = await check('output', label, file, source);
    assert.equal(m.value.verdict, 'pass', text(m.value));
    more?.(m);
  });
}

test('JS: typed arrays in a loop (new Float64Array(1e8)) end with a clear out-of-memory error', async () => {
  const src =
    'const keep = [];\nfunction loss(x) { for (;;) { const a = new Float64Array(1e8); a.fill(1); keep.push(a); } }\n';
  const m = await check('memory', 'Float64Array(1e8) loop', 'p.js', src);
  assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'memory']);
  assert.match(m.value.error?.message ?? '', /out-of-memory/);
  assert.ok(m.treePeakMb < 1500, `tree peak ${m.treePeakMb} MB`);
});

test('JS: Buffer.alloc in a loop ends with out-of-memory', async () => {
  const src = 'const keep = [];\nfunction loss(x) { for (;;) keep.push(require("buffer").Buffer.alloc(5e7, 1)); }\n';
  const m = await check('memory', 'Buffer.alloc loop', 'p.js', src);
  assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'memory']);
});

test('JS: a growing plain array hits the heap limit with out-of-memory', async () => {
  const src =
    'const keep = [];\nfunction loss(x) { for (;;) keep.push({ a: [1, 2, 3, 4, 5, 6, 7, 8], s: "x" + keep.length }); }\n';
  const m = await check('memory', 'heap growth', 'p.js', src);
  assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'memory'], text(m.value));
});

test('Python: numpy allocation beyond the limit ends with out-of-memory, not a frozen machine', async () => {
  const src = 'import numpy as np\nkeep = []\n\ndef loss(x):\n    while True:\n        keep.append(np.ones(10**8))\n';
  const m = await check('memory', 'numpy allocation loop', 'p.py', src, { timeoutMs: 25_000 });
  assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'memory'], text(m.value));
});

test('JS: execSync("sleep 20") is stopped at the time limit with its child process', async () => {
  const src = "function loss(x) { require('child_process').execSync('sleep 20'); return 0; }\n";
  const m = await check('process', 'execSync sleep 20', 'p.js', src, { timeoutMs: 1000 });
  assert.equal(m.value.error?.kind, 'timeout');
  assert.ok(m.ms < 6000, `${m.ms} ms`);
});

test('JS: a background child process (spawn sleep) is ended with the check', async () => {
  const dir = tmp();
  const src = `function loss(x) { const c = require('child_process').spawn('sleep', ['30'], { stdio: 'ignore' }); require('fs').writeFileSync(${JSON.stringify(join(dir, 'pid'))}, String(c.pid)); return x.reduce((s, v) => s + v * v, 0); }\nfunction lossGrad(x) { return x.map((v) => 2 * v); }\n`;
  const m = await check('process', 'spawned sleep left running', 'p.js', src);
  assert.equal(m.value.verdict, 'pass', text(m.value));
  const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
  assert.ok(await gone(pid), 'the spawned sleep has ended');
});

test('Python through a wrapper that does not exec (like conda run) + an endless loop: the real python ends too', async () => {
  const dir = tmp();
  const wrapper = join(dir, 'wrapped-python');
  writeFileSync(wrapper, `#!/bin/sh\n${PYTHON} "$@"\necho done\n`);
  chmodSync(wrapper, 0o755);
  const src = `import os\nopen(${JSON.stringify(join(dir, 'pid'))}, "w").write(str(os.getpid()))\n\ndef loss(x):\n    while True:\n        pass\n`;
  // Time enough for the interpreter to start and import numpy on a busy machine (two test files at a time), so
  // that the loop, not the start, is what the limit ends.
  const m = await check('process', 'non-exec wrapper + endless loop', 'p.py', src, { timeoutMs: 4000 }, wrapper);
  assert.equal(m.value.error?.kind, 'timeout');
  assert.ok(await gone(Number(readFileSync(join(dir, 'pid'), 'utf8'))), 'the real python has ended');
});

test('Python through a non-exec wrapper answers on stdout when fd 3 is not passed on, and imitations still fail', async () => {
  const dir = tmp();
  const wrapper = join(dir, 'closing-python');
  // Closes fd 3 as `conda run` does (subprocess with close_fds).
  writeFileSync(wrapper, `#!/bin/sh\nexec 3>&-\n${PYTHON} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const m = await check('imitation', 'wrapper without fd 3 + atexit imitation', 'p.py', imitations[0][2], {}, wrapper);
  assert.deepEqual([m.value.verdict, m.value.diagnosis], ['fail', ['scale']], text(m.value));
});

test('Python: a background thread that never ends does not hold the check past its answer', async () => {
  const src =
    'import threading, time\nimport numpy as np\nthreading.Thread(target=lambda: time.sleep(60)).start()\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    return 2 * x\n';
  const m = await check('process', 'non-daemon thread', 'p.py', src);
  assert.equal(m.value.verdict, 'pass', text(m.value));
  assert.ok(m.ms < 8000);
});

test('Python: os._exit(0) inside the loss is a clear error, not a hang', async () => {
  const src = 'import os\n\ndef loss(x):\n    os._exit(0)\n';
  const m = await check('exit', 'os._exit in loss', 'p.py', src);
  assert.equal(m.value.verdict, 'error');
  assert.match(text(m.value), /without a result|exited/);
});

test('JS: process.exit() inside the loss is a clear error', async () => {
  const src = "function loss(x) { require('process').exit(3); }\n";
  const m = await check('exit', 'process.exit in loss', 'p.js', src);
  assert.equal(m.value.verdict, 'error');
  assert.match(m.value.error?.message ?? '', /process\.exit/);
});

test('Python: the interpreter killed by a signal mid-check is a clear error naming the signal', async () => {
  const src = 'import os, signal\n\ndef loss(x):\n    os.kill(os.getpid(), signal.SIGKILL)\n';
  const m = await check('exit', 'SIGKILL self', 'p.py', src);
  assert.equal(m.value.verdict, 'error');
  assert.match(m.value.error?.message ?? '', /SIGKILL/);
});

/** Learner code that leaves the check's process group: a new session keeps the check's pipes and outlives it. */
const escapes: [string, string, string, (pidFile: string) => string][] = [
  [
    'Python: a child in a session of its own (start_new_session) holding stdout',
    'new session',
    'p.py',
    (pidFile) =>
      `import subprocess\np = subprocess.Popen(["sleep", "60"], start_new_session=True)\nopen(${JSON.stringify(pidFile)}, "w").write(str(p.pid))\n${PY_WRONG}`,
  ],
  [
    'Python: a double-forked daemon (fork, setsid, fork)',
    'double fork',
    'p.py',
    (pidFile) =>
      `import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\n        time.sleep(60)\n    os._exit(0)\ntime.sleep(0.3)\n${PY_WRONG}`,
  ],
  [
    "JS: spawn('sleep', { detached: true }).unref()",
    'detached spawn',
    'p.js',
    (pidFile) =>
      `const c = require('child_process').spawn('sleep', ['60'], { detached: true, stdio: 'inherit' });\nc.unref();\nrequire('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));\n${JS_WRONG}`,
  ],
];
for (const [name, label, file, source] of escapes) {
  test(`${name}: ended with the check, which reports at once`, async () => {
    const dir = tmp();
    const pidFile = join(dir, 'pid');
    const m = await check('process', label, file, source(pidFile));
    assert.deepEqual([m.value.verdict, m.value.diagnosis], ['fail', ['scale']], text(m.value));
    assert.ok(m.ms < 8000, `${m.ms} ms`);
    assert.ok(await gone(Number(readFileSync(pidFile, 'utf8'))), 'the escaped process has ended');
  });
}

/** BaseExceptions the learner's code raises are theirs: an exception at their line, never "could not run the check". */
const baseExceptions: [string, string, RegExp, RegExp][] = [
  ['sys.exit() in the loss', 'import sys\n\ndef loss(x):\n    sys.exit(0)\n', /^SystemExit/, /line 4/],
  [
    'KeyboardInterrupt in the gradient',
    'import numpy as np\n\ndef loss(x):\n    return float(np.sum(x ** 2))\n\ndef loss_grad(x):\n    raise KeyboardInterrupt\n',
    /^KeyboardInterrupt/,
    /line 7/,
  ],
  [
    'a BaseException subclass',
    'class Stop(BaseException):\n    pass\n\ndef loss(x):\n    raise Stop("no")\n',
    /^Stop: no/,
    /line 5/,
  ],
  [
    'exit() while the file loads',
    'import sys\nsys.exit(3)\n\ndef loss(x):\n    return 0.0\n',
    /calls exit\(\)/,
    /line 2/,
  ],
];
for (const [name, source, message, line] of baseExceptions) {
  test(`Python: ${name} is an exception at the learner's line`, async () => {
    const m = await check('exit', name, 'p.py', source);
    assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'exception'], text(m.value));
    assert.match(m.value.error?.message ?? '', message);
    assert.match(text(m.value), line);
  });
}

test('Python: a file that closes sys.stderr (or sets it to None) is still checked', async () => {
  for (const how of ['sys.stderr.close()', 'sys.stderr = None']) {
    const m = await check('output', `${how} at load`, 'p.py', `import sys\n${how}\n${PY_WRONG}`);
    assert.deepEqual([m.value.verdict, m.value.diagnosis], ['fail', ['scale']], text(m.value));
  }
});

test('an exception with a 10 MB message: the message is clipped, the report small', async () => {
  for (const [file, source] of [
    ['p.py', 'def loss(x):\n    raise ValueError("m" * 10**7)\n'],
    ['p.js', "function loss(x) { throw new Error('m'.repeat(1e7)); }\n"],
  ]) {
    const m = await check('output', `10 MB exception message (${file})`, file, source);
    assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'exception'], text(m.value).slice(0, 500));
    assert.ok(text(m.value).length < 10_000, `${text(m.value).length} characters`);
    assert.match(m.value.error?.message ?? '', /more characters\]$/);
  }
});

test('a gradient of 2·10^7 numbers for an x of 3: a clear bad-return at once, not a timeout or a huge answer', async () => {
  for (const [file, source] of [
    ['p.py', PY_WRONG.replace('return 6 * x', 'return np.zeros(2 * 10**7)')],
    ['p.js', JS_WRONG.replace('return x.map((v) => 6 * v);', 'return new Float64Array(2e7);')],
  ]) {
    const m = await check('memory', `gradient of 2e7 numbers (${file})`, file, source);
    assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'bad-return'], text(m.value));
    assert.match(m.value.error?.message ?? '', /20000000/);
    assert.ok(m.ms < 8000, `${m.ms} ms`);
  }
});

test('JS: an async gradient is named as returning a Promise', async () => {
  const m = await check(
    'output',
    'async gradient',
    'p.js',
    JS_WRONG.replace('function lossGrad', 'async function lossGrad'),
  );
  assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'bad-return'], text(m.value));
  assert.match(m.value.error?.message ?? '', /Promise/);
});

test('JS: process or setTimeout at the top level is named as a Node.js global, not as a typo', async () => {
  for (const [name, line] of [
    ['process', 'console.log(process.argv.length);'],
    ['setTimeout', 'setTimeout(() => {}, 10);'],
  ]) {
    const m = await check('exit', `${name} at load`, 'p.js', `${JS_WRONG}${line}\n`);
    assert.deepEqual([m.value.verdict, m.value.error?.kind], ['error', 'exception'], text(m.value));
    assert.match(text(m.value), new RegExp(`${name} is a Node\\.js global .*require\\.main === module`));
    assert.doesNotMatch(text(m.value), /a typo/);
  }
});
