/**
 * The hint audit of "Check my solution": for every hint the exercise checks give, a wrong
 * solution that gets it (the study notes' mistakes, in Python and JavaScript), then the hint
 * followed — the line it prints written over the learner's line, or, for a hint that prints no
 * line, the change its words ask for — and the checks of that function run again for real must
 * all pass. The gradient checker's own hints are audited in hintAudit.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFix } from '../../src/gradcheck/analysis/formulas';
import { checkSolution } from '../../src/tutorial/checkSolution';
import {
  EXERCISE_CHECKS,
  type Diagnosis,
  type ExerciseLanguage,
  type ExerciseName,
} from '../../src/tutorial/exerciseSpec';
import { EXERCISE_STRINGS as S } from '../../src/tutorial/exerciseStrings';
import { formatTemplate } from '../../src/tutorial/exerciseReport';
import type { Verdict } from '../../src/tutorial/exerciseVerdict';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';

const SOLUTION = {
  python: join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py'),
  javascript: join(ROOT, 'test', 'fixtures', 'exercises', 'solution.js'),
};
const dir = mkdtempSync(join(tmpdir(), 'gl-exhints-'));
let n = 0;

interface Case {
  language: ExerciseLanguage;
  exercise: ExerciseName;
  /** The mistake: [from, to] in the solution. */
  wrong: [string, string];
  /** The hint expected: a diagnosis, or the English template of a hint without one. */
  diagnosis?: Diagnosis;
  hint?: string;
  /** The line the hint must print. */
  fix?: string;
  /** For a hint without a line: the change its words ask for. */
  follow?: (source: string) => string;
}

const CASES: Case[] = [
  {
    language: 'python',
    exercise: 'sumSquaresError',
    wrong: ['return 0.5 * np.sum((y - t) ** 2)', 'return np.sum((y - t) ** 2)'],
    diagnosis: 'missingHalf',
    fix: 'return 0.5 * (np.sum((y - t) ** 2))',
  },
  {
    language: 'javascript',
    exercise: 'sumSquaresError',
    wrong: ['return 0.5 * e;', 'return e;'],
    diagnosis: 'missingHalf',
    fix: 'return 0.5 * (e)',
  },
  {
    language: 'python',
    exercise: 'crossEntropyError',
    wrong: ['np.log(y + 1e-7)', 'np.log(y)'],
    diagnosis: 'missingDelta',
    fix: 'return -np.sum(t * np.log(y + 1e-7)) / batch_size',
  },
  {
    language: 'javascript',
    exercise: 'crossEntropyError',
    wrong: ['Math.log(v + 1e-7)', 'Math.log(v)'],
    diagnosis: 'missingDelta',
    fix: 'ys.forEach((r, n) => r.forEach((v, k) => (e -= ts[n][k] * Math.log(v + 1e-7))));',
  },
  {
    language: 'python',
    exercise: 'crossEntropyError',
    wrong: ['return -np.sum(t * np.log(y + 1e-7)) / batch_size', 'return np.sum(t * np.log(y + 1e-7)) / batch_size'],
    diagnosis: 'missingMinus',
    fix: 'return -(np.sum(t * np.log(y + 1e-7)) / batch_size)',
  },
  {
    language: 'python',
    exercise: 'crossEntropyError',
    wrong: ['return -np.sum(t * np.log(y + 1e-7)) / batch_size', 'return -np.sum(t * np.log(y + 1e-7))'],
    diagnosis: 'notAveraged',
    fix: 'return (-np.sum(t * np.log(y + 1e-7))) / batch_size',
  },
  {
    language: 'javascript',
    exercise: 'crossEntropyError',
    wrong: ['return e / ys.length;', 'return e;'],
    diagnosis: 'notAveraged',
    fix: 'return (e) / (Array.isArray(y[0]) ? y.length : 1)',
  },
  {
    language: 'python',
    exercise: 'numericalDiff',
    wrong: ['return (f(x + h) - f(x - h)) / (2 * h)', 'return (f(x + h) - f(x)) / h'],
    diagnosis: 'forwardDifference',
    fix: 'return (f(x + h) - f(x - h)) / (2 * h)',
  },
  {
    language: 'python',
    exercise: 'numericalDiff',
    wrong: ['def numerical_diff(f, x):\n    h = 1e-4', 'def numerical_diff(f, x):\n    h = 10e-4'],
    diagnosis: 'hTypo',
    fix: 'h = 1e-4',
  },
  {
    language: 'javascript',
    exercise: 'numericalDiff',
    wrong: ['const h = 1e-4;\n  return (f(x + h)', 'const h = 1e-50;\n  return (f(x + h)'],
    diagnosis: 'hTooSmall',
    fix: 'const h = 1e-4',
  },
  {
    language: 'javascript',
    exercise: 'numericalDiff',
    wrong: ['return (f(x + h) - f(x - h)) / (2 * h);', 'return (f(x + h) - f(x - h)) / 2 * h;'],
    diagnosis: 'precedence',
    fix: 'return (f(x + h) - f(x - h)) / (2 * h)',
  },
  {
    language: 'python',
    exercise: 'numericalGradient',
    wrong: ['        x[idx] = tmp_val\n    return grad', '    return grad'],
    diagnosis: 'notRestored',
    follow: (s) =>
      s.replace(
        '        grad[idx] = (fxh1 - fxh2) / (2 * h)\n    return grad',
        '        grad[idx] = (fxh1 - fxh2) / (2 * h)\n        x[idx] = tmp_val\n    return grad',
      ),
  },
  {
    language: 'python',
    exercise: 'gradientDescent',
    wrong: ['        x -= lr * grad', '        x -= grad'],
    hint: S.hintDescent,
    follow: (s) => s.replace('        x -= grad', '        x -= lr * grad'),
  },
  {
    language: 'python',
    exercise: 'sumSquaresError',
    wrong: ['return 0.5 * np.sum((y - t) ** 2)', 'return 0.5 * np.sum(np.abs(y - t))'],
    hint: S.hintSse,
    follow: (s) => s.replace('return 0.5 * np.sum(np.abs(y - t))', 'return 0.5 * np.sum((y - t) ** 2)'),
  },
  {
    language: 'python',
    exercise: 'crossEntropyError',
    wrong: ['return -np.sum(t * np.log(y + 1e-7)) / batch_size', 'return -np.sum(t * np.log(y + 1e-3)) / batch_size'],
    hint: S.hintCee,
    follow: (s) => s.replace('np.log(y + 1e-3)', 'np.log(y + 1e-7)'),
  },
  {
    language: 'python',
    exercise: 'numericalDiff',
    wrong: ['return (f(x + h) - f(x - h)) / (2 * h)', 'return (f(x + 2 * h) - f(x - h)) / (2 * h)'],
    hint: S.hintNumericalDiff,
    follow: (s) => s.replace('(f(x + 2 * h) - f(x - h)) / (2 * h)', '(f(x + h) - f(x - h)) / (2 * h)'),
  },
  {
    language: 'python',
    exercise: 'numericalGradient',
    wrong: ['grad[idx] = (fxh1 - fxh2) / (2 * h)', 'grad[idx] = (fxh1 - fxh2) / h'],
    hint: S.hintNumericalGradient,
    follow: (s) => s.replace('grad[idx] = (fxh1 - fxh2) / h', 'grad[idx] = (fxh1 - fxh2) / (2 * h)'),
  },
  // The gradient check's hint (the gradient checker's diagnosis, with the formula of this loss's gradient).
  {
    language: 'python',
    exercise: 'crossEntropyErrorGrad',
    wrong: ['return -t / (y + 1e-7) / batch_size', 'return -t / (y + 1e-7)'],
    fix: 'return -t / (y + 1e-7) / batch_size',
  },
  {
    language: 'javascript',
    exercise: 'crossEntropyErrorGrad',
    wrong: ['r.map((v, k) => -tr[k] / (v + 1e-7) / n)', 'r.map((v, k) => tr[k] / (v + 1e-7) / n)'],
    fix: 'return Array.isArray(y[0]) ? y.map((row, i) => row.map((v, k) => -t[i][k] / (v + 1e-7) / y.length)) : y.map((v, k) => -t[k] / (v + 1e-7))',
  },
];

async function run(language: ExerciseLanguage, source: string, exercise: ExerciseName): Promise<Verdict[]> {
  const file = join(dir, `case${++n}.${language === 'python' ? 'py' : 'js'}`);
  writeFileSync(file, source);
  const checks = EXERCISE_CHECKS.filter((c) => c.exercise === exercise);
  const result = await checkSolution({
    language,
    file,
    checks,
    root: ROOT,
    python: PYTHON,
    pythonHint: 'set a Python',
    timeoutMs: 20_000,
  });
  assert.ok('verdicts' in result, JSON.stringify(result));
  return result.verdicts;
}

const say = (v: Verdict) => (v.hint ? formatTemplate(v.hint.key, ...v.hint.args) : '');

for (const c of CASES) {
  test(`exercise hint audit: ${c.language} ${c.exercise} ${c.diagnosis ?? c.hint?.slice(0, 40) ?? 'gradient check'}`, async () => {
    const solution = readFileSync(SOLUTION[c.language], 'utf8');
    assert.ok(solution.includes(c.wrong[0]), `the solution contains ${c.wrong[0]}`);
    const wrong = solution.replace(c.wrong[0], c.wrong[1]);
    const before = await run(c.language, wrong, c.exercise);
    const failing = before.filter((v) => v.status !== 'pass');
    assert.ok(failing.length > 0, 'the mistake fails a check');
    let fixed: string;
    if (c.fix !== undefined) {
      const v = failing.find((f) => f.fix && (!c.diagnosis || f.diagnosis === c.diagnosis));
      assert.ok(v?.fix, `a hint with a line: ${failing.map(say).join(' | ')}`);
      assert.equal(v.fix.text, c.fix);
      assert.ok(say(v).includes(v.fix.text), `${say(v)} prints ${v.fix.text}`);
      fixed = applyFix(wrong, v.fix);
    } else {
      const v = failing.find((f) => (c.diagnosis ? f.diagnosis === c.diagnosis : f.hint?.key === c.hint));
      assert.ok(v, `the hint is given: ${failing.map(say).join(' | ')}`);
      fixed = c.follow!(wrong);
    }
    const after = await run(c.language, fixed, c.exercise);
    assert.deepEqual(
      after.filter((v) => v.status !== 'pass').map((v) => `${v.id}: ${say(v)}`),
      [],
      fixed,
    );
  });
}

test('every exercise hint is audited', () => {
  const audited = new Set(CASES.flatMap((c) => [c.diagnosis, c.hint]));
  const diagnoses: Diagnosis[] = [
    'missingHalf',
    'missingDelta',
    'missingMinus',
    'notAveraged',
    'forwardDifference',
    'hTypo',
    'precedence',
    'hTooSmall',
    'notRestored',
  ];
  for (const d of diagnoses) assert.ok(audited.has(d), d);
  for (const h of [S.hintDescent, S.hintSse, S.hintCee, S.hintNumericalDiff, S.hintNumericalGradient])
    assert.ok(audited.has(h), h);
});
