/**
 * The chapter-4 exercise as a notebook (media/exercises/<locale>/gradient_lab_ch4.ipynb): how to
 * recognise one, where its functions are, and "Check my solution" on the cells' current text —
 * the code cells down to the exercise's cell (src/gradcheck/source/notebook.ts), written as one module
 * into a temporary folder and checked there exactly as the .py form is. Lines in verdicts and
 * load errors come back as cell and line. Node only, no vscode.
 */
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CellLine,
  Notebook,
  NotebookModule,
  cellLineOf,
  cellPython,
  isCellMagic,
  isPythonCell,
  notebookModule,
} from '../gradcheck/source/notebook';
import { checkSolution, type SolutionCheckOptions } from './checkSolution';
import type { RunFailure } from './exerciseRunner';
import type { Verdict } from './exerciseVerdict';
import { EXERCISE_FILE, exerciseFunctions, isExerciseText } from './exerciseFiles';
import type { ExerciseName } from './exerciseSpec';

/** How many code cells from the top may carry the exercise marker. */
const MARKER_CELLS = 3;

export function isExerciseNotebook(nb: Notebook): boolean {
  return nb.cells
    .filter((c) => isPythonCell(c, nb.language))
    .slice(0, MARKER_CELLS)
    .some((c) => isExerciseText(c.text));
}

/** The code cell holding the marker (its first line gets "Check all exercises"). */
export function markerCell(nb: Notebook): number | undefined {
  const k = nb.cells.findIndex(
    (c, i) =>
      isPythonCell(c, nb.language) &&
      isExerciseText(c.text) &&
      nb.cells.slice(0, i).filter((x) => isPythonCell(x, nb.language)).length < MARKER_CELLS,
  );
  return k < 0 ? undefined : k;
}

export interface ExerciseCell {
  exercise: ExerciseName;
  /** 0-based cell and 0-based line of the `def` in it. */
  cell: number;
  line: number;
}

/** Each exercise function's cell, the last definition when a learner wrote one twice. */
export function exerciseCells(nb: Notebook): ExerciseCell[] {
  const found = new Map<ExerciseName, ExerciseCell>();
  nb.cells.forEach((c, cell) => {
    if (!isPythonCell(c, nb.language) || isCellMagic(c.text)) return;
    for (const f of exerciseFunctions(cellPython(c.text).lines.join('\n'), 'python'))
      found.set(f.exercise, { exercise: f.exercise, cell, line: f.line });
  });
  return [...found.values()];
}

/** The module a check runs: down to the exercise's cell, or (all exercises) the last exercise cell. */
export function exerciseModule(nb: Notebook, exercise?: ExerciseName): NotebookModule {
  const cells = exerciseCells(nb)
    .filter((e) => exercise === undefined || e.exercise === exercise)
    .map((e) => e.cell);
  return notebookModule(nb, cells.length ? Math.max(...cells) : nb.cells.length - 1, false);
}

export type PlacedResult =
  | { verdicts: Verdict[]; places: (CellLine | undefined)[] }
  | { failure: RunFailure; place?: CellLine };

/**
 * "Check my solution" on a notebook: `places[k]` is where verdicts[k]'s line is (cell and line),
 * `place` where a load error is.
 */
export async function checkNotebookSolution(
  o: Omit<SolutionCheckOptions, 'file' | 'language'> & { notebook: Notebook; exercise?: ExerciseName },
): Promise<PlacedResult> {
  const module = exerciseModule(o.notebook, o.exercise);
  const dir = await mkdtemp(join(tmpdir(), 'gradient-lab-notebook-'));
  try {
    const file = join(dir, EXERCISE_FILE.python);
    await writeFile(file, module.source, 'utf8');
    const { notebook: _nb, exercise: _ex, ...rest } = o;
    const result = await checkSolution({ ...rest, language: 'python', file });
    if ('failure' in result) {
      const line = result.failure.kind === 'load' ? result.failure.error.line : undefined;
      return { failure: result.failure, place: line ? cellLineOf(module, line) : undefined };
    }
    return {
      verdicts: result.verdicts,
      places: result.verdicts.map((v) => (v.line ? cellLineOf(module, v.line) : undefined)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
