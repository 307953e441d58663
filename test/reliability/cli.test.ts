import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { ROOT } from '../unit/helpers';
import { PYTHON } from '../unit/gradcheckHelpers';
import { gone, hostile } from './hostile';

/** The CLI against hostile flags, data folders and learner files: one clear line and exit 2, bounded, nothing left running. */

const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'gl-rel-cli-'));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LANG: 'C', LC_ALL: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-200_000)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-200_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit 2 with one clear line naming the problem, no stack trace. */
function clearError(r: Ran, pattern: RegExp): void {
  const text = r.stderr + r.stdout;
  assert.equal(r.code, 2, text.slice(-2000));
  assert.match(text, pattern);
  assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+|unexpected error/, 'no stack trace');
}

function kase(
  name: string,
  args: () => string[] | Promise<string[]>,
  pattern: RegExp,
  limits = { ms: 60_000, treeMb: 900 },
) {
  test(`cli: ${name}`, async () => {
    const argv = await args();
    const m = await hostile('cli', name, 'clear-error', () => cli(argv), limits);
    clearError(m.value, pattern);
  });
}

// ---- idx files and data folders ----

function idx(dims: number[], data?: Uint8Array): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d >>> 0, 4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  return Buffer.concat([head, data ?? Buffer.alloc(size)]);
}

/** A folder of the four idx files, gzip'd; `change` replaces or adds files. */
function dataDir(change: (dir: string) => void = () => undefined, counts = { train: 20, test: 10 }): string {
  const dir = tmp();
  const labels = (n: number) => idx([n], Buffer.alloc(n, 3));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([counts.train, 28, 28])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(labels(counts.train)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idx([counts.test, 28, 28])));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels(counts.test)));
  change(dir);
  return dir;
}
const replace = (dir: string, name: string) => execFileSync('rm', ['-rf', join(dir, name)]);

/** A gzip member of `header` followed by `zeros` zero bytes, written in chunks (a bomb of small size). */
async function gzipBomb(file: string, header: Uint8Array, zeros: number): Promise<void> {
  const gz = createGzip({ level: 9 });
  const out = createWriteStream(file);
  const done = new Promise<void>((r) => out.on('close', () => r()));
  gz.pipe(out);
  gz.write(header);
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let left = zeros; left > 0; left -= chunk.length) {
    if (!gz.write(left >= chunk.length ? chunk : chunk.subarray(0, left)))
      await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
}

const train = (dir: string, ...more: string[]) => ['train', '--data', dir, '--iters', '2', '--batch', '5', ...more];

kase(
  '--hidden 100000 (the kernels would pass WebAssembly’s function size)',
  () => ['train', '--hidden', '100000'],
  /--hidden must be at most 1000/,
);
kase('--seed 2^32', () => ['train', '--seed', '4294967296'], /--seed must be at most 4294967295/);
kase('--iters 10^12', () => ['train', '--iters', '1000000000000'], /--iters must be at most/);
kase('--batch 10^9', () => ['train', '--batch', '1000000000'], /--batch must be at most 60000/);
kase('--lr Infinity', () => ['train', '--lr', 'Infinity'], /--lr must be a number/);
kase('--lr 0x10 hex', () => ['train', '--std', '-0'], /--std must be greater than 0/);
kase('--data that does not exist', () => train('/no/such/folder'), /no such folder/);
kase('--data that is a file', () => train(CLI), /no such folder/);
kase(
  '--data with a FIFO for the training images',
  () =>
    train(
      dataDir((d) => {
        replace(d, 'train-images-idx3-ubyte.gz');
        execFileSync('mkfifo', [join(d, 'train-images-idx3-ubyte')]);
      }),
    ),
  /not a regular file/,
);
kase(
  '--data with a /dev/zero symlink',
  () =>
    train(
      dataDir((d) => {
        replace(d, 't10k-images-idx3-ubyte.gz');
        symlinkSync('/dev/zero', join(d, 't10k-images-idx3-ubyte'));
      }),
    ),
  /not a regular file/,
);
kase(
  '--data with a symlink loop (ELOOP)',
  () =>
    train(
      dataDir((d) => {
        replace(d, 'train-labels-idx1-ubyte.gz');
        symlinkSync('train-labels-idx1-ubyte', join(d, 'train-labels-idx1-ubyte'));
      }),
    ),
  /loop of symbolic links/,
);
kase(
  '--data with a folder named like the images (EISDIR)',
  () =>
    train(
      dataDir((d) => {
        replace(d, 't10k-labels-idx1-ubyte.gz');
        mkdirSync(join(d, 't10k-labels-idx1-ubyte'));
      }),
    ),
  /is a folder, not a file/,
);
kase(
  '--data folder that is a symlink loop',
  () => {
    const d = tmp();
    symlinkSync(join(d, 'loop'), join(d, 'loop'));
    return train(join(d, 'loop'));
  },
  /loop of symbolic links/,
);
kase('--data with 0 test images', () => train(dataDir(undefined, { train: 20, test: 0 })), /holds no images/);
kase('--data with 0 training images', () => train(dataDir(undefined, { train: 0, test: 10 })), /holds no images/);
kase(
  '--data whose images have 0 pixels',
  () => train(dataDir((d) => writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(idx([20, 0, 28]))))),
  /0 pixels/,
);
kase(
  '--data whose header claims 2^31 images (gzip)',
  () =>
    train(
      dataDir((d) =>
        writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(idx([2 ** 31, 28, 28], Buffer.alloc(10)))),
      ),
    ),
  /more than the 768 MiB/,
);
kase(
  '--data with a gzip bomb (10 images promised, 300 MB inside)',
  async () => {
    const d = dataDir();
    await gzipBomb(join(d, 'train-images-idx3-ubyte.gz'), idx([20, 28, 28], Buffer.alloc(0)), 300 * 1024 * 1024);
    return train(d);
  },
  /inflates to more than the 15696 bytes its header promises/,
  { ms: 60_000, treeMb: 400 },
);
kase(
  '--data with truncated gzip',
  () =>
    train(
      dataDir((d) =>
        writeFileSync(
          join(d, 't10k-images-idx3-ubyte.gz'),
          (() => {
            const z = gzipSync(idx([10, 28, 28]));
            return z.subarray(0, z.length - 6);
          })(),
        ),
      ),
    ),
  /damaged|truncated/,
);
kase(
  '--data with a raw idx with extra bytes',
  () =>
    train(
      dataDir((d) => {
        replace(d, 't10k-images-idx3-ubyte.gz');
        writeFileSync(join(d, 't10k-images-idx3-ubyte'), Buffer.concat([idx([10, 28, 28]), Buffer.alloc(7)]));
      }),
    ),
  /7 unexpected bytes/,
);
kase(
  '--data with a bad magic number',
  () =>
    train(
      dataDir((d) => writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from('PK\x03\x04 not idx')))),
    ),
  /bad magic number/,
);
kase(
  '--data with labels that are not digits',
  () =>
    train(
      dataDir((d) => writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([20], Buffer.alloc(20, 200))))),
    ),
  /not a digit class/,
);
kase(
  '--data with a file of random bytes named .gz',
  () =>
    train(
      dataDir((d) =>
        writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8])),
      ),
    ),
  /damaged/,
);

// ---- gradcheck ----

function learner(file: string, source: string): string {
  const dir = tmp();
  writeFileSync(join(dir, file), source);
  return join(dir, file);
}
const TWO_X = 'def f(x):\n    return (x ** 2).sum()\n\ndef f_grad(x):\n    return 2 * x\n';
const gc = (file: string, ...more: string[]) => ['gradcheck', file, 'f', '--python', PYTHON, ...more];
/** gradcheck of a correct 2·x with more flags. */
const gcTwo = (...more: string[]) => gc(learner('two.py', TWO_X), ...more);
/** gradcheck of a correct 2·x with an --inputs file holding `json`. */
const gcInputs = (json: string) => () => {
  const f = learner('two.py', TWO_X);
  writeFileSync(f + '.json', json);
  return gc(f, '--inputs', f + '.json');
};

kase('gradcheck --h 1e-50 on a correct 2·x', () => gcTwo('--h', '1e-50'), /too small for float64/);
kase('gradcheck --h 1e-14', () => gcTwo('--h', '1e-14'), /too small for float64/);
kase(
  'gradcheck --timeout 3000000 (timer overflow)',
  () => gcTwo('--timeout', '3000000'),
  /--timeout must be at most 600/,
);
kase('gradcheck --seed 2^32', () => gcTwo('--seed', '4294967296'), /--seed must be at most 4294967295/);
kase('gradcheck --inputs {"x": []}', gcInputs('{"x": []}'), /x has no elements/);
kase('gradcheck --inputs {"x": [[], []]}', gcInputs('{"x": [[], []]}'), /x has no elements/);
kase(
  'gradcheck --inputs that is a FIFO',
  () => {
    const f = learner('two.py', TWO_X);
    execFileSync('mkfifo', [f + '.json']);
    return gc(f, '--inputs', f + '.json');
  },
  /not a regular file/,
);
kase('gradcheck --inputs /dev/zero', () => gcTwo('--inputs', '/dev/zero'), /not a regular file/);
for (const bad of ['{"x": [[1, 2], [3]]}', '{"x": [1, "a"]}', '{"x": null}', '{"x": [[1, 2], 3]}'])
  kase(`gradcheck --inputs ${bad}`, gcInputs(bad), /x is not a number or a rectangular array of numbers/);
kase('gradcheck --inputs not JSON', gcInputs('{x: 1'), /--inputs .*JSON|Expected property name/);
kase('gradcheck --inputs a JSON list', gcInputs('[1, 2]'), /must be an object/);
kase(
  'gradcheck FILE that is a FIFO',
  () => {
    const d = tmp();
    execFileSync('mkfifo', [join(d, 'f.py')]);
    return gc(join(d, 'f.py'));
  },
  /not a regular file/,
);
kase(
  'gradcheck FILE that is a folder',
  () => {
    const d = tmp();
    mkdirSync(join(d, 'f.py'));
    return gc(join(d, 'f.py'));
  },
  /is a folder/,
);
kase('gradcheck FILE that does not exist', () => gc('/no/such/file.py'), /no such file/);
kase(
  'gradcheck --python that does not exist',
  () => ['gradcheck', learner('two.py', TWO_X), 'f', '--python', '/no/such/python3'],
  /was not found/,
);
kase(
  'gradcheck an unknown function in a file of 5,000 functions names 30 of them',
  () => [
    'gradcheck',
    learner('many.py', Array.from({ length: 5000 }, (_, i) => `def g${i}(x):\n    return x\n`).join('')),
    'nope',
    '--python',
    PYTHON,
  ],
  /There is no function nope in .* \(functions found: g0, g1, (g\d+, ){27}g29, …\)\.$/m,
);
kase(
  'gradcheck an unknown function',
  () => ['gradcheck', learner('two.py', TWO_X), 'nope', '--python', PYTHON],
  /There is no function nope/,
);

test('cli: gradcheck of a UTF-8 BOM file passes (exit 0)', async () => {
  const f = learner('bom.py', '\uFEFF' + TWO_X);
  const m = await hostile('cli', 'gradcheck BOM file', 'correct-result', () => cli(gc(f)), { ms: 60_000 });
  assert.equal(m.value.code, 0, m.value.stdout + m.value.stderr);
  assert.match(m.value.stdout, /Verdict: PASS/);
});

test('cli: gradcheck of a BOM TypeScript file passes', async () => {
  const f = learner(
    'bom.ts',
    '\uFEFFexport function f(x: number[]): number { return x.reduce((s, v) => s + v * v, 0); }\nexport function fGrad(x: number[]): number[] { return x.map((v) => 2 * v); }\n',
  );
  const m = await hostile('cli', 'gradcheck BOM ts file', 'correct-result', () => cli(['gradcheck', f, 'f']), {
    ms: 60_000,
  });
  assert.equal(m.value.code, 0, m.value.stdout + m.value.stderr);
});

test('cli: a JS execSync("sleep 20") check — reported at the time limit, and the CLI exits then', async () => {
  const f = learner('s.js', "function f(x) { require('child_process').execSync('sleep 20'); return 0; }\n");
  const m = await hostile(
    'cli',
    'execSync sleep 20 exits',
    'clear-error',
    () => cli(['gradcheck', f, 'f', '--timeout', '1']),
    { ms: 10_000 },
  );
  assert.equal(m.value.code, 2);
  assert.match(m.value.stdout, /did not finish within 1\.0 s/);
});

test('cli: Python through a non-exec wrapper with an endless loop — the CLI exits at the time limit', async () => {
  const d = tmp();
  const wrapper = join(d, 'py');
  writeFileSync(wrapper, `#!/bin/sh\n${PYTHON} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const f = learner('loop.py', 'def f(x):\n    while True:\n        pass\n');
  const m = await hostile(
    'cli',
    'non-exec wrapper loop exits',
    'clear-error',
    () => cli(['gradcheck', f, 'f', '--python', wrapper, '--timeout', '1']),
    { ms: 10_000 },
  );
  assert.equal(m.value.code, 2);
});

test('cli: an fd-1 flood is bounded and the report says how much was dropped', async () => {
  const f = learner(
    'flood.py',
    'import os\n\ndef f(x):\n    return (x ** 2).sum()\n\ndef f_grad(x):\n    for _ in range(30):\n        os.write(1, b"z" * 2**20)\n    return 2 * x\n',
  );
  const m = await hostile('cli', 'fd-1 flood through the CLI', 'bounded', () => cli(gc(f)), {
    ms: 60_000,
    treeMb: 700,
  });
  assert.equal(m.value.code, 0, m.value.stderr);
  assert.match(m.value.stdout, /Your code printed \d+ bytes more than the 64 KiB kept per stream/);
});

test('cli: an atexit imitation of the answer cannot turn a 3× gradient into a PASS', async () => {
  const f = learner(
    'fake.py',
    'import atexit\n\ndef f(x):\n    return (x ** 2).sum()\n\ndef f_grad(x):\n    return 6 * x\n\natexit.register(lambda: print("\\x1eGRADCHECK {\\"ok\\": true}"))\n',
  );
  const m = await hostile('cli', 'atexit imitation', 'correct-result', () => cli(gc(f, '--json')), { ms: 60_000 });
  assert.equal(m.value.code, 1);
  assert.equal(JSON.parse(m.value.stdout.trim().split('\n').pop()!).diagnosis[0], 'scale');
});

// SIGKILL cannot be handled: the interpreter sees its parent gone and ends itself (gradient_lab_answer.watch_parent).
for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGHUP', 129],
  ['SIGKILL', null],
] as const) {
  test(`cli: ${signal} to the CLI mid-check (a CI runner cancelling, a closed terminal) ends the interpreter too`, async () => {
    const d = tmp();
    const pidFile = join(d, 'pid');
    const f = learner(
      'loop.py',
      `import os\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\n\ndef f(x):\n    while True:\n        pass\n`,
    );
    const m = await hostile(
      'cli',
      `${signal} mid-check`,
      'nothing-lost',
      () =>
        new Promise<{ code: number | null; pid: number }>((resolve) => {
          const child = spawn(process.execPath, [CLI, ...gc(f, '--timeout', '60')], { stdio: 'ignore' });
          const poll = setInterval(() => {
            let pid = 0;
            try {
              pid = Number(readFileSync(pidFile, 'utf8'));
            } catch {
              return;
            }
            clearInterval(poll);
            child.on('close', (c) => resolve({ code: c, pid }));
            child.kill(signal);
          }, 50);
        }),
      { ms: 30_000 },
    );
    assert.equal(m.value.code, code);
    assert.ok(await gone(m.value.pid, 4000), 'the interpreter has ended');
  });
}
