/**
 * "Check my solution" end to end without VS Code: the real harnesses (Python with numpy, the
 * JavaScript worker) run the exercise checks on correct, untouched and deliberately wrong files,
 * and the verdicts name the mistake. The wrong files are the mistakes of the study notes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';
import {
  EXERCISE_CHECKS,
  functionName,
  isValueCheck,
  type ExerciseLanguage,
  type ExerciseName,
} from '../../src/tutorial/exerciseSpec';
import { EXERCISE_STRINGS as S } from '../../src/tutorial/exerciseStrings';
import { judge, show, summarize, type Verdict } from '../../src/tutorial/exerciseVerdict';
import { runChecks } from '../../src/tutorial/exerciseRunner';
import { checkSolution, type SolutionResult } from '../../src/tutorial/checkSolution';

const HARNESS = join(ROOT, 'media', 'exercises', 'check_exercise.py');
const VALUE_CHECKS = EXERCISE_CHECKS.filter(isValueCheck);
const SOLUTION = {
  python: join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py'),
  javascript: join(ROOT, 'test', 'fixtures', 'exercises', 'solution.js'),
};
const dir = mkdtempSync(join(tmpdir(), 'gl-exercise-'));
let n = 0;

/** The solution with one edit, as a new file. */
function variant(language: ExerciseLanguage, from: string, to: string): string {
  const src = readFileSync(SOLUTION[language], 'utf8');
  assert.ok(src.includes(from), `the solution contains ${from}`);
  const file = join(dir, `variant${++n}.${language === 'python' ? 'py' : 'js'}`);
  writeFileSync(file, src.replace(from, to));
  return file;
}

/** Exactly what the extension runs: value checks in the exercise harnesses, gradient checks in src/gradcheck. */
async function check(
  language: ExerciseLanguage,
  file: string,
  only?: ExerciseName[],
  timeoutMs = 20_000,
): Promise<{ result: SolutionResult; verdicts: Verdict[] }> {
  // Like "Check my solution" above one function: only that function's checks (each Python check costs a process).
  const checks = only ? EXERCISE_CHECKS.filter((c) => only.includes(c.exercise)) : EXERCISE_CHECKS;
  const result = await checkSolution({
    language,
    file,
    checks,
    root: ROOT,
    python: 'python3',
    pythonHint: 'set a Python',
    timeoutMs,
  });
  return { result, verdicts: 'verdicts' in result ? result.verdicts : [] };
}

const byId = (vs: Verdict[], id: string) => vs.find((v) => v.id === id)!;

for (const language of ['python', 'javascript'] as const) {
  test(`the book's ${language} solution passes all ${EXERCISE_CHECKS.length} checks, including the gradient check`, async () => {
    const { result, verdicts } = await check(language, SOLUTION[language]);
    assert.ok('verdicts' in result, JSON.stringify(result));
    const summary = summarize(verdicts);
    assert.equal(summary.passed, EXERCISE_CHECKS.length, JSON.stringify(verdicts.filter((v) => v.status !== 'pass')));
    assert.equal(summary.allPassed, true);
    assert.deepEqual(
      verdicts.map((v) => v.id),
      EXERCISE_CHECKS.map((c) => c.id),
    );
    // The gradient checker's own summary: its largest relative error is far below its 1e-5 threshold.
    assert.match(byId(verdicts, 'cee-grad-batch').detail!.key, /matches the numerical gradient/);
    assert.ok(Number(byId(verdicts, 'cee-grad-batch').detail!.args[0]) < 1e-6);
  });

  for (const lang of ['en', 'ko']) {
    test(`the untouched ${lang} ${language} template reports every check as a TODO naming its function`, async () => {
      const file = join(ROOT, 'media', 'exercises', lang, `gradient_lab_ch4.${language === 'python' ? 'py' : 'js'}`);
      const { verdicts } = await check(
        language,
        file,
        lang === 'ko' ? ['gradientDescent', 'crossEntropyErrorGrad'] : undefined,
      );
      assert.deepEqual(new Set(verdicts.map((v) => v.status)), new Set(['todo']));
      assert.deepEqual(byId(verdicts, 'descent-lr-0.1').detail, {
        key: S.todo,
        args: [functionName('gradientDescent', language)],
      });
      assert.equal(summarize(verdicts).allPassed, false);
    });
  }
}

test('h = 10e-4 (the notes’ typo) fails only the cubic check, with the h hint', async () => {
  const { verdicts } = await check(
    'python',
    variant('python', 'def numerical_diff(f, x):\n    h = 1e-4', 'def numerical_diff(f, x):\n    h = 10e-4'),
    ['numericalDiff'],
  );
  assert.equal(byId(verdicts, 'diff-at-5').status, 'pass');
  assert.equal(byId(verdicts, 'diff-cube').status, 'fail');
  assert.equal(byId(verdicts, 'diff-cube').hint?.key, S.fixHTypo);
});

test('a forward difference is recognised and the hint names the central difference', async () => {
  const { verdicts } = await check(
    'python',
    variant('python', 'return (f(x + h) - f(x - h)) / (2 * h)', 'return (f(x + h) - f(x)) / h'),
    ['numericalDiff'],
  );
  assert.equal(byId(verdicts, 'diff-at-5').status, 'fail');
  assert.equal(byId(verdicts, 'diff-at-5').hint?.key, S.fixForwardDifference);
  const f1 = (x: number) => 0.01 * x ** 2 + 0.1 * x;
  assert.deepEqual(byId(verdicts, 'diff-at-5').detail?.args, [
    '0.1999999999990898',
    String((f1(5 + 1e-4) - f1(5)) / 1e-4),
  ]);
});

test('"/ 2*h" is recognised as an operator-precedence slip', async () => {
  const { verdicts } = await check(
    'javascript',
    variant('javascript', 'return (f(x + h) - f(x - h)) / (2 * h);', 'return (f(x + h) - f(x - h)) / 2 * h;'),
    ['numericalDiff'],
  );
  assert.equal(byId(verdicts, 'diff-at-10').hint?.key, S.fixPrecedence);
});

test('forgetting "/ batch_size" fails the batch check with the averaging hint, single examples still pass', async () => {
  const { verdicts } = await check(
    'python',
    variant('python', 'return -np.sum(t * np.log(y + 1e-7)) / batch_size', 'return -np.sum(t * np.log(y + 1e-7))'),
    ['crossEntropyError'],
  );
  assert.equal(byId(verdicts, 'cee-example-1').status, 'pass');
  assert.equal(byId(verdicts, 'cee-batch').status, 'fail');
  assert.equal(byId(verdicts, 'cee-batch').hint?.key, S.fixNotAveraged);
});

test('cross entropy without δ gives inf on the book’s zeros and the log(0) hint', async () => {
  const { verdicts } = await check(
    'javascript',
    variant('javascript', '(e -= ts[n][k] * Math.log(v + 1e-7))', '(e -= ts[n][k] * Math.log(v))'),
    ['crossEntropyError'],
  );
  // 0 · log(0) = 0 · −∞ = NaN in IEEE arithmetic
  assert.equal(byId(verdicts, 'cee-example-1').hint?.key, S.fixMissingDelta);
  assert.match(byId(verdicts, 'cee-example-1').detail!.args[1] as string, /NaN/);
});

test('not restoring x[idx] is caught even where the gradient value happens to be right', async () => {
  const { verdicts } = await check(
    'python',
    variant('python', '        x[idx] = tmp_val\n    return grad', '    return grad'),
    ['numericalGradient'],
  );
  const v = byId(verdicts, 'gradient-3-4');
  assert.equal(v.status, 'fail');
  assert.equal(v.hint?.key, S.hintNotRestored);
});

test('the "iddx" typo is an error pointing at the learner’s line', async () => {
  const file = variant('python', 'for idx in range(x.size):', 'for iddx in range(x.size):');
  const { verdicts } = await check('python', file, ['numericalGradient']);
  const v = byId(verdicts, 'gradient-3-4');
  assert.equal(v.status, 'error');
  assert.equal(v.detail?.args[0], 'NameError');
  const line = readFileSync(file, 'utf8').split('\n')[(v.line ?? 0) - 1];
  assert.match(line, /tmp_val = x\[idx\]/);
});

test('a wrong-signed gradient fails the gradient check with the sign hint', async () => {
  const { verdicts } = await check(
    'javascript',
    variant('javascript', 'r.map((v, k) => -tr[k] / (v + 1e-7) / n)', 'r.map((v, k) => tr[k] / (v + 1e-7) / n)'),
    ['crossEntropyErrorGrad'],
  );
  assert.equal(byId(verdicts, 'cee-grad-single').status, 'fail');
  assert.match(byId(verdicts, 'cee-grad-single').hint!.key, /opposite sign/);
});

test('a gradient N times too large is named as a missing division by N', async () => {
  const { verdicts } = await check(
    'python',
    variant('python', 'return -t / (y + 1e-7) / batch_size', 'return -t / (y + 1e-7)'),
    ['crossEntropyErrorGrad'],
  );
  assert.equal(byId(verdicts, 'cee-grad-single').status, 'pass');
  assert.equal(byId(verdicts, 'cee-grad-batch').status, 'fail');
  assert.match(byId(verdicts, 'cee-grad-batch').hint!.key, /batch size/);
});

test('a missing ":" is a load failure with the line of the def', async () => {
  const file = variant('python', 'def cross_entropy_error(y, t):', 'def cross_entropy_error(y, t)');
  const { result } = await check('python', file, ['sumSquaresError']);
  assert.ok('failure' in result && result.failure.kind === 'load', JSON.stringify(result).slice(0, 500));
  if ('failure' in result && result.failure.kind === 'load') {
    assert.equal(result.failure.error.type, 'SyntaxError');
    assert.match(readFileSync(file, 'utf8').split('\n')[result.failure.error.line! - 1], /def cross_entropy_error/);
  }
});

test('an endless loop in JavaScript times out that check only', async () => {
  const { verdicts } = await check(
    'javascript',
    variant(
      'javascript',
      'const h = 1e-4;\n  return (f(x + h)',
      'const h = 1e-4;\n  while (true) {}\n  return (f(x + h)',
    ),
    ['numericalDiff', 'sumSquaresError'],
    4000,
  );
  assert.equal(byId(verdicts, 'diff-at-5').status, 'error');
  assert.equal(byId(verdicts, 'diff-at-5').detail?.key, S.timeout);
  assert.equal(byId(verdicts, 'sse-example-1').status, 'pass');
});

test('an endless loop in Python stops at the time limit', async () => {
  const { result } = await check(
    'python',
    variant('python', 'def numerical_diff(f, x):\n', 'def numerical_diff(f, x):\n    while True:\n        pass\n'),
    ['numericalDiff'],
    2500,
  );
  assert.deepEqual(result, { failure: { kind: 'timeout', seconds: 2.5 } });
});

test('a JavaScript exercise written as a module (export function, a helper from require) passes every check', async () => {
  // exerciseFunctions accepts `export function …` (the CodeLens shows), so the checks must load it too.
  const src = readFileSync(SOLUTION.javascript, 'utf8');
  const rows = 'const rows = (a) => (Array.isArray(a[0]) ? a : [a]);';
  assert.ok(src.includes(rows));
  const folder = mkdtempSync(join(tmpdir(), 'gl-exercise-module-'));
  writeFileSync(join(folder, 'rows.js'), `exports.rows = ${rows.slice('const rows = '.length)}\n`);
  const file = join(folder, 'gradient_lab_ch4.js');
  writeFileSync(
    file,
    src.replace(rows, "const { rows } = require('./rows');").replace(/^function /gm, 'export function '),
  );
  assert.equal((readFileSync(file, 'utf8').match(/^export function /gm) ?? []).length, 6);
  const { result, verdicts } = await check('javascript', file);
  assert.ok('verdicts' in result, JSON.stringify(result).slice(0, 500));
  assert.equal(
    summarize(verdicts).passed,
    EXERCISE_CHECKS.length,
    JSON.stringify(verdicts.filter((v) => v.status !== 'pass')).slice(0, 500),
  );
});

test('a Python solution that prints to stdout (at load, in a function, at exit) still gets its outcomes', async () => {
  // Plain print()s are redirected; these reach the real stdout around and after the answer line.
  const src = readFileSync(SOLUTION.python, 'utf8')
    .replace(
      'import numpy as np\n',
      'import atexit\nimport sys\nimport numpy as np\nprint("loading")\nsys.__stdout__.write("half a line at load ")\natexit.register(print, "bye")\n',
    )
    .replace(
      'def numerical_diff(f, x):\n',
      'def numerical_diff(f, x):\n    print("numerical_diff", x)\n    print("numerical_diff", x, file=sys.__stdout__)\n',
    );
  assert.match(src, /atexit\.register/);
  assert.match(src, /file=sys\.__stdout__/);
  const file = join(dir, `variant${++n}.py`);
  writeFileSync(file, src);
  const outcomes = await runChecks({
    language: 'python',
    file,
    checks: VALUE_CHECKS,
    harness: HARNESS,
    python: PYTHON,
  });
  assert.ok('outcomes' in outcomes, JSON.stringify(outcomes).slice(0, 500));
  assert.equal(outcomes.outcomes.length, VALUE_CHECKS.length);
  const { result, verdicts } = await check('python', file);
  assert.ok('verdicts' in result, JSON.stringify(result).slice(0, 500));
  assert.equal(
    summarize(verdicts).passed,
    EXERCISE_CHECKS.length,
    JSON.stringify(verdicts.filter((v) => v.status !== 'pass')).slice(0, 500),
  );
});

test('a Python that does not exist is reported as such, naming the path', async () => {
  const result = await runChecks({
    language: 'python',
    file: SOLUTION.python,
    checks: VALUE_CHECKS,
    harness: HARNESS,
    python: '/no/such/python3',
  });
  assert.ok('failure' in result && result.failure.kind === 'pythonMissing');
  assert.equal(
    'failure' in result && result.failure.kind === 'pythonMissing' && result.failure.python,
    '/no/such/python3',
  );
});

test('a Python without numpy is reported with its path and version, so the learner can install numpy for it', async () => {
  // The same Python without its site-packages (-S) cannot import numpy.
  const wrapper = join(mkdtempSync(join(tmpdir(), 'gl-nonumpy-')), 'python-without-site');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
  chmodSync(wrapper, 0o755);
  const result = await runChecks({
    language: 'python',
    file: SOLUTION.python,
    checks: VALUE_CHECKS,
    harness: HARNESS,
    python: wrapper,
  });
  assert.ok('failure' in result && result.failure.kind === 'numpyMissing', JSON.stringify(result));
  assert.match(result.failure.python, /python/);
  assert.match(result.failure.version, /^3\.\d+\.\d+/);
});

test('judge: a flipped sign, a missing ½ and an unreported check get their own verdicts', () => {
  const checks = VALUE_CHECKS.filter((c) => ['cee-example-1', 'sse-example-2', 'diff-at-5'].includes(c.id));
  const verdicts = judge(
    checks,
    [
      { id: 'cee-example-1', status: 'ok', value: -0.510825457099338 },
      { id: 'sse-example-2', status: 'ok', value: 1.195 },
    ],
    (e) => functionName(e, 'python'),
  );
  assert.deepEqual(
    verdicts.map((v) => [v.id, v.status, v.hint?.key]),
    [
      ['sse-example-2', 'fail', S.hintMissingHalf],
      ['cee-example-1', 'fail', S.hintMissingMinus],
      ['diff-at-5', 'error', undefined],
    ],
  );
});

test('the book’s losses the gradient is also checked against give the test vectors’ values (Python and JavaScript)', async () => {
  const { execFileSync } = await import('node:child_process');
  const vm = await import('node:vm');
  const { vectors } = await import('./helpers');
  const { REFERENCE_LOSSES } = await import('../../src/tutorial/exerciseSpec');
  const ref = REFERENCE_LOSSES.crossEntropyError!;
  const cases = vectors['cross_entropy_error_single_delta_1e-7'] as { y: number[]; t: number[]; expected: number }[];
  const batch = { y: cases.map((c) => c.y), t: cases.map((c) => c.t), expected: 1.406704775046942 };
  const all = [...cases, batch];
  const py = `${ref.python.source}\nimport json\nprint(json.dumps([${ref.python.name}(c['y'], c['t']) for c in ${JSON.stringify(all)}]))\n`;
  const fromPython = JSON.parse(execFileSync(PYTHON, ['-c', py], { encoding: 'utf8' })) as number[];
  const ctx = vm.createContext({});
  vm.runInContext(ref.javascript.source, ctx);
  const fromJs = all.map((c) => (ctx[ref.javascript.name] as (y: unknown, t: unknown) => number)(c.y, c.t));
  all.forEach((c, k) => {
    for (const got of [fromPython[k], fromJs[k]])
      assert.ok(Math.abs(got - c.expected) <= 1e-9 * c.expected, `${got} vs ${c.expected}`);
  });
});

test("an exercise failure prints its numbers without a float's last-digit noise, and never hides the difference", () => {
  assert.equal(show([0.09750000000000003], [0.195]), '0.0975');
  assert.equal(show([0.1, 2], [0.10000001, 2]), '[0.1, 2]');
  assert.equal(show([0.10000001, 2], [0.1, 2]), '[0.10000001, 2]');
  // The book's rounding error keeps every digit.
  assert.equal(show(0.1999999999990898, 0.2), '0.1999999999990898');
  // Values that differ only in their noise are printed in full.
  assert.equal(show([0.1 + 2 ** -56], [0.1]), String(0.1 + 2 ** -56));
  assert.equal(show(-0.1 * 3), '-0.3');
});
