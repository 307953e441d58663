/** The exercise files: templates, names that never replace a file, and where the CodeLenses go. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { EXERCISE_NAMES, EXERCISE_CHECKS, EXERCISES, functionName } from '../../src/tutorial/exerciseSpec';
import {
  exerciseFunctions,
  exerciseLanguage,
  isExerciseText,
  nextFreeName,
  templateLocale,
  templateSegments,
} from '../../src/tutorial/exerciseFiles';
import { diagnosticText, formatTemplate, verdictLines } from '../../src/tutorial/exerciseReport';
import { EXERCISE_STRINGS as S } from '../../src/tutorial/exerciseStrings';

const template = (lang: 'en' | 'ko', language: 'python' | 'javascript') =>
  readFileSync(join(ROOT, ...templateSegments(language, lang)), 'utf8');

test('a Korean display language gets the Korean template, anything else the English one', () => {
  assert.equal(templateLocale('ko'), 'ko');
  assert.equal(templateLocale('ko-KR'), 'ko');
  assert.equal(templateLocale('en'), 'en');
  assert.equal(templateLocale('ja'), 'en');
});

test('nextFreeName keeps the name when free and numbers it when taken', () => {
  assert.equal(
    nextFreeName('gradient_lab_ch4.py', () => false),
    'gradient_lab_ch4.py',
  );
  const taken = new Set(['gradient_lab_ch4.py', 'gradient_lab_ch4-2.py']);
  assert.equal(
    nextFreeName('gradient_lab_ch4.py', (n) => taken.has(n)),
    'gradient_lab_ch4-3.py',
  );
});

for (const lang of ['en', 'ko'] as const) {
  for (const language of ['python', 'javascript'] as const) {
    test(`the ${lang} ${language} template is an exercise file with all six functions, each a TODO`, () => {
      const text = template(lang, language);
      assert.ok(isExerciseText(text));
      const found = exerciseFunctions(text, language);
      assert.deepEqual(found.map((f) => f.exercise).sort(), [...EXERCISE_NAMES].sort());
      const lines = text.split('\n');
      for (const { exercise, line } of found) {
        assert.ok(lines[line].includes(EXERCISES[exercise][language]), `${exercise} at line ${line + 1}`);
        assert.ok(
          lines.slice(line, line + 14).some((l) => l.includes(`TODO: ${EXERCISES[exercise][language]}`)),
          `${exercise} raises its TODO`,
        );
      }
    });
  }
}

test('the Korean templates are commented in Korean, the English ones in English', () => {
  for (const language of ['python', 'javascript'] as const) {
    assert.match(template('ko', language), /여러분/);
    assert.doesNotMatch(template('en', language), /[\uac00-\ud7a3]/);
  }
});

test('a file without the marker in its header is not an exercise, and languages come from ids or names', () => {
  assert.equal(isExerciseText('import numpy as np\n\ndef f(x):\n    return x\n'), false);
  assert.equal(isExerciseText(`${'\n'.repeat(20)}# gradient-lab-exercise: ch4`), false);
  assert.equal(exerciseLanguage('python'), 'python');
  assert.equal(exerciseLanguage('/w/gradient_lab_ch4.js'), 'javascript');
  assert.equal(exerciseLanguage('typescript'), undefined);
});

test('exerciseFunctions finds arrow functions and ignores methods and other names', () => {
  const src =
    'const numericalDiff = (f, x) => 0;\nclass A {\n  numericalGradient() {}\n}\nfunction helper() {}\nexport function gradientDescent(f, x) {}\n';
  assert.deepEqual(exerciseFunctions(src, 'javascript'), [
    { exercise: 'numericalDiff', line: 0 },
    { exercise: 'gradientDescent', line: 5 },
  ]);
});

test('every check has a label, and the report reads what failed, where and what to try', () => {
  for (const c of EXERCISE_CHECKS) assert.ok(`check.${c.id}` in S, c.id);
  const v = {
    id: 'cee-batch',
    exercise: 'crossEntropyError' as const,
    status: 'fail' as const,
    label: { key: S['check.cee-batch'], args: [] },
    detail: { key: S.expectedGot, args: ['1.406704775046942', '2.813409550093884'] },
    hint: { key: S.hintNotAveraged, args: [] },
    line: 12,
  };
  const fn = functionName(v.exercise, 'python');
  assert.deepEqual(verdictLines(formatTemplate, v, fn), [
    '✗ cross_entropy_error — a batch of the two book examples (one-hot t): expected 1.406704775046942, got 2.813409550093884 (line 12)',
    `    ${S.hintNotAveraged}`,
  ]);
  assert.equal(
    diagnosticText(formatTemplate, v, fn),
    `cross_entropy_error — a batch of the two book examples (one-hot t): expected 1.406704775046942, got 2.813409550093884. ${S.hintNotAveraged}`,
  );
});
