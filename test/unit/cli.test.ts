import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';

const CLI = join(ROOT, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000 });

for (const [why, args, message] of [
  ['negative batch', ['--batch', '-5'], /--batch must be at least 1 \(got -5\)/],
  [
    'batch larger than the train set',
    ['--batch', '20000'],
    /--batch 20000 is larger than the training set \(10000 images\)/,
  ],
  ['unknown flag', ['--epochs', '3'], /unknown flag '--epochs'/],
  ['missing folder', ['--data', '/no/such/dir'], /\/no\/such\/dir: no such folder/],
  ['empty folder name (an unset variable)', ['--data', ''], /--data needs a folder \(got an empty value\)/],
  ['non-number', ['--lr', 'fast'], /--lr must be a number \(got 'fast'\)/],
  [
    'unknown evaluation path',
    ['--evaluation', 'gpu'],
    /--evaluation must be one of worker, split, in-thread \(got 'gpu'\)/,
  ],
] as const) {
  test(`train: ${why} is a one-line usage error with exit code 2`, () => {
    const r = run('train', ...args);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  });
}

test('train --json prints one JSON object a line, the last the summary', () => {
  const r = run('train', '--iters', '150', '--json', '--seed', '4');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const summary = lines[lines.length - 1];
  assert.equal(summary.type, 'summary');
  assert.equal(summary.iterations, 150);
  assert.ok(summary.wallSeconds > 0);
  // The accuracy checks' share of the run (2 epochs over 20,000 images: never nothing, never more than the run).
  assert.ok(summary.evalSeconds > 0 && summary.evalSeconds < summary.wallSeconds, JSON.stringify(summary));
  assert.ok(summary.cpuSeconds > 0, JSON.stringify(summary));
  assert.ok(summary.trainAccuracy > 0.1 && summary.testAccuracy > 0.1);
  assert.equal(lines.filter((l) => l.type === 'epoch').length, 2);
  assert.equal(lines[0].type, 'start');
  // The accuracies came from the second core (its time is the worker's, overlapped with training).
  assert.equal(summary.evaluation, 'worker');
  assert.ok(summary.evalWorkerSeconds > 0, JSON.stringify(summary));
});

test('train --evaluation in-thread and split give the same epochs, losses and summary as the default second core', () => {
  const numbers = (...extra: string[]) => {
    const r = run('train', '--iters', '250', '--json', '--seed', '9', ...extra);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const epochs = lines.filter((l) => l.type === 'epoch');
    const s = lines[lines.length - 1];
    return { epochs, evaluation: s.evaluation, worker: s.evalWorkerSeconds, end: [s.finalLoss, s.testAccuracy] };
  };
  const two = numbers();
  const one = numbers('--evaluation', 'in-thread');
  const split = numbers('--evaluation', 'split');
  assert.deepEqual([two.evaluation, one.evaluation, split.evaluation], ['worker', 'in-thread', 'split']);
  assert.equal(one.worker, 0);
  assert.equal(split.worker, 0);
  assert.equal(two.epochs.length, 3);
  for (const other of [one, split]) {
    assert.deepEqual(two.epochs, other.epochs);
    assert.deepEqual(two.end, other.end);
  }
});

test('train --evaluation split where it cannot split says why in one line and evaluates on the second core', () => {
  for (const [args, why] of [
    [['--engine', 'reference'], /only the fast engine can split/],
    [['--hidden', '3'], /hidden layer has 4 units or fewer/],
  ] as const) {
    const text = run('train', '--iters', '120', '--evaluation', 'split', ...args);
    assert.equal(text.status, 0, text.stderr);
    const notices = text.stdout.split('\n').filter((l) => l.includes('--evaluation split is not possible here'));
    assert.equal(notices.length, 1, text.stdout);
    assert.match(notices[0], why);
    assert.match(notices[0], /the evaluation runs on the second core instead/);
    const json = run('train', '--iters', '120', '--evaluation', 'split', '--json', ...args);
    assert.equal(json.status, 0, json.stderr);
    const summary = JSON.parse(json.stdout.trim().split('\n').pop()!);
    assert.equal(summary.evaluation, 'worker');
    assert.match(summary.splitProblem, why);
  }
  // Where it can, nothing is said.
  const json = run('train', '--iters', '120', '--evaluation', 'split', '--json');
  const summary = JSON.parse(json.stdout.trim().split('\n').pop()!);
  assert.equal(summary.evaluation, 'split');
  assert.equal(summary.splitProblem, undefined);
});

test('train | head: when the reader goes away after the first lines the CLI ends quietly with code 0', async () => {
  for (const extra of [[], ['--json']]) {
    const child = spawn(process.execPath, [CLI, 'train', '--iters', '3000', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // Close our end of the pipe at the first output, as `head -1` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error:|at /, stderr);
  }
});
