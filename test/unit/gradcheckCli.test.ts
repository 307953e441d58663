import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { FIXTURES, PYTHON } from './gradcheckHelpers';
import { fixture } from './fixtureFiles';

/** `npm run gradcheck -- FILE FUNCTION ...`: the same report, exit codes 0 pass / 1 fail / 2 error. */

const CLI = join(ROOT, 'dist', 'cli.js');
const gradcheck = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'gradcheck', ...args, '--python', PYTHON], { encoding: 'utf8', timeout: 60_000 });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

test('a passing check prints the report and exits 0; --inputs takes the JSON the panel edits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-cli-'));
  writeFileSync(join(dir, 'in.json'), JSON.stringify({ x: [3, 4] }));
  const r = gradcheck(join(FIXTURES, 'js', 'function2.js'), 'function2', '--inputs', join(dir, 'in.json'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Verdict: PASS — Your gradient matches the numerical gradient/);
  assert.match(r.stdout, /x\[1\]\s+4\s+8\s+8/);
  assert.match(r.stdout, /Error vs h at x\[1\]/);
  assert.match(r.stdout, /Thresholds: .*≤ 1e-5/);
});

test('--json: the last line is one object with verdict, maxRelativeError, diagnosis and message; a fail exits 1', () => {
  const r = gradcheck(
    fixture('gradcheck/py/cross_entropy_missing_batch_division.py'),
    'cross_entropy_error',
    '--json',
    '--batch',
    '5',
  );
  assert.equal(r.status, 1, r.stderr);
  const j = lastJson(r.stdout);
  assert.equal(j.verdict, 'fail');
  assert.deepEqual(j.diagnosis, ['scale']);
  assert.ok(j.maxRelativeError > 0.7 && j.maxRelativeError < 0.9, String(j.maxRelativeError));
  assert.match(j.message, /batch size N = 5/);
  assert.equal(j.gradient, 'cross_entropy_error_grad');
  assert.deepEqual(j.shape, [5, 10]);
});

test('an error exits 2 and gives the line in the learner’s file', () => {
  const r = gradcheck(join(FIXTURES, 'py', 'missing_colon.py'), 'cross_entropy_error', '--json');
  assert.equal(r.status, 2, r.stderr);
  const j = lastJson(r.stdout);
  assert.deepEqual([j.verdict, j.diagnosis, j.line], ['error', ['syntax'], 5]);
  assert.match(j.message, /add the colon at the end of line 5/);
});

test('--grad none: verdict numerical-only (exit 0, not a pass), saying how to name a gradient; --wrt and --h choose', () => {
  const r = gradcheck(
    join(FIXTURES, 'py', 'softmax_with_loss.py'),
    'softmax_loss',
    '--grad',
    'none',
    '--wrt',
    't',
    '--h',
    '1e-5',
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const j = lastJson(r.stdout);
  assert.deepEqual([j.verdict, j.gradient, j.wrt, j.h, j.maxRelativeError], ['numerical-only', null, 't', 1e-5, null]);
  assert.match(
    j.message,
    /Only the numerical gradient of softmax_loss\(\) was computed .*not a pass.*softmax_loss_grad \(or grad_softmax_loss\).*--grad NAME/,
  );
  const text = gradcheck(join(FIXTURES, 'py', 'sum_squares_error.py'), 'sum_squares_error');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /Verdict: NUMERICAL-ONLY — Only the numerical gradient of sum_squares_error\(\)/);
  assert.doesNotMatch(text.stdout, /Thresholds:/);
  const ko = spawnSync(
    process.execPath,
    [CLI, 'gradcheck', join(FIXTURES, 'js', 'crossEntropyNoGrad.js'), 'crossEntropyError'],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LANG: 'ko_KR.UTF-8', LC_ALL: '' },
    },
  );
  assert.equal(ko.status, 0, ko.stderr);
  assert.match(
    ko.stdout,
    /crossEntropyError\(\)의 수치 미분 기울기만 계산했습니다.*crossEntropyErrorGrad 또는 gradCrossEntropyError/,
  );
});

for (const [why, args, message] of [
  ['no function named', [join(FIXTURES, 'js', 'function2.js')], /FILE and FUNCTION are required/],
  ['a negative h', [join(FIXTURES, 'js', 'function2.js'), 'function2', '--h', '-1'], /--h must be greater than 0/],
  [
    'inputs that are not JSON',
    [join(FIXTURES, 'js', 'function2.js'), 'function2', '--inputs', join(FIXTURES, 'expected.json.nope')],
    /--inputs .*no such file/,
  ],
] as const) {
  test(`gradcheck: ${why} is a usage error with exit code 2`, () => {
    const r = gradcheck(...args);
    assert.equal(r.status, 2);
    assert.match(r.stderr, message);
  });
}

test('an unknown function lists the functions the file has', () => {
  const r = gradcheck(join(FIXTURES, 'py', 'simple_net.py'), 'los', '--json');
  assert.equal(r.status, 2);
  assert.match(
    lastJson(r.stdout).message,
    /There is no function los .*softmax, cross_entropy_error, simpleNet\.predict, simpleNet\.loss, simpleNet\.gradient/,
  );
});
