/**
 * The chapter-4 exercise as a notebook: the en and ko templates hold the .py template's code cell
 * by cell under markdown with the book's section numbers, and "Check my solution" runs on the
 * cells (real Python): untouched → TODOs, solved → every check passes, a mistake is placed in
 * its cell, and the learner's cells below the exercises are not run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';
import { Notebook, parseNotebook } from '../../src/gradcheck/source/notebook';
import { EXERCISE_CHECKS, EXERCISE_NAMES, checksFor } from '../../src/tutorial/exerciseSpec';
import {
  checkNotebookSolution,
  exerciseCells,
  exerciseModule,
  isExerciseNotebook,
  markerCell,
} from '../../src/tutorial/notebookExercise';
import { templateSegments } from '../../src/tutorial/exerciseFiles';

const template = (locale: 'en' | 'ko'): Notebook =>
  parseNotebook(readFileSync(join(ROOT, ...templateSegments('notebook', locale)), 'utf8'));

/** Top-level functions of a .py file by name, as written. */
function pyFunctions(path: string): Map<string, string> {
  const body = readFileSync(path, 'utf8').split('\nif __name__')[0];
  return new Map(
    body
      .split(/\n(?=def )/)
      .slice(1)
      .map((p) => [p.match(/^def (\w+)/)![1], p.replace(/\n+$/, '')]),
  );
}

const SOLUTION = pyFunctions(join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py'));

/** The template with every exercise cell replaced by the book's solution (optionally edited). */
function solved(locale: 'en' | 'ko', edit: (name: string, code: string) => string = (_n, c) => c): Notebook {
  const nb = template(locale);
  for (const e of exerciseCells(nb)) {
    const name = nb.cells[e.cell].text.match(/^def (\w+)/m)![1];
    nb.cells[e.cell] = { ...nb.cells[e.cell], text: edit(name, SOLUTION.get(name)!) };
  }
  return nb;
}

const run = (notebook: Notebook, exercise?: (typeof EXERCISE_NAMES)[number]) =>
  checkNotebookSolution({
    notebook,
    exercise,
    checks: checksFor(exercise),
    root: ROOT,
    python: PYTHON,
    pythonHint: 'set a Python',
    timeoutMs: 20_000,
  });

for (const locale of ['en', 'ko'] as const) {
  test(`the ${locale} notebook: the .py template's functions cell by cell, each under its book section`, () => {
    const nb = template(locale);
    const py = pyFunctions(join(ROOT, ...templateSegments('python', locale)));
    assert.ok(isExerciseNotebook(nb));
    assert.equal(markerCell(nb), 1);
    const cells = exerciseCells(nb);
    assert.deepEqual(cells.map((c) => c.exercise).sort(), [...EXERCISE_NAMES].sort());
    for (const c of cells) {
      const name = nb.cells[c.cell].text.match(/^def (\w+)/)![1];
      assert.equal(nb.cells[c.cell].text, py.get(name), name);
      assert.equal(nb.cells[c.cell - 1].kind, 'markdown');
      assert.match(nb.cells[c.cell].text, /TODO/);
    }
    const headings = nb.cells.filter((c) => c.kind === 'markdown').map((c) => c.text.split('\n')[0]);
    for (const section of ['4.2.1', '4.2.2', '4.3.1', '4.4 ', '4.4.1'])
      assert.ok(
        headings.some((h) => h.includes(`## ${section}`)),
        `${section} in ${JSON.stringify(headings)}`,
      );
    // The learner's cell at the end is below every exercise: not part of a check.
    assert.doesNotMatch(exerciseModule(nb).source, /print\(numerical_gradient/);
  });
}

test('the untouched notebook: every check is a TODO naming its function', async () => {
  const r = await run(template('ko'));
  assert.ok('verdicts' in r, JSON.stringify(r));
  assert.equal(r.verdicts.length, EXERCISE_CHECKS.length);
  assert.deepEqual([...new Set(r.verdicts.map((v) => v.status))], ['todo']);
});

test('the solved notebook passes every check, the gradient check included; a raising cell below the exercises is not run', async () => {
  const nb = solved('en');
  nb.cells.push({ kind: 'code', text: 'raise SystemExit("the learner\'s scratch cell")' });
  const r = await run(nb);
  assert.ok('verdicts' in r, JSON.stringify(r));
  assert.deepEqual(
    r.verdicts.filter((v) => v.status !== 'pass'),
    [],
  );
  assert.equal(r.verdicts.length, EXERCISE_CHECKS.length);
});

test("a mistake in a cell is placed in that cell: an exception's line, a syntax error that stops loading", async () => {
  const nb = solved('en', (name, code) =>
    name === 'numerical_diff' ? code.replace('return', 'return undefined_h +') : code,
  );
  const r = await run(nb, 'numericalDiff');
  assert.ok('verdicts' in r, JSON.stringify(r));
  const k = r.verdicts.findIndex((v) => v.status === 'error');
  assert.ok(k >= 0, JSON.stringify(r.verdicts));
  const cell = exerciseCells(nb).find((e) => e.exercise === 'numericalDiff')!.cell;
  assert.equal(r.places[k]?.cell, cell);
  assert.match(nb.cells[cell].text.split('\n')[r.places[k]!.line - 1], /undefined_h/);

  const broken = solved('en', (name, code) =>
    name === 'sum_squares_error' ? code.replace('def sum_squares_error(y, t):', 'def sum_squares_error(y, t)') : code,
  );
  const b = await run(broken, 'sumSquaresError');
  assert.ok('failure' in b && b.failure.kind === 'load', JSON.stringify(b));
  assert.deepEqual(
    [b.place?.cell, b.place?.line],
    [exerciseCells(broken).find((e) => e.exercise === 'sumSquaresError')!.cell, 1],
  );
});
