/**
 * Grades the walkthrough's exercise file (.py, .js or .ipynb) the way "Check my solution" checks it,
 * as one report: each check's name, pass or not, message and hint, in the language of `t`. Used by
 * `npm run check-exercise` (src/cli/checkExercise.ts) and the progress record (progressRecord.ts).
 * Node only, no vscode.
 */
import { basename } from 'path';
import type { Notebook } from '../gradcheck/source/notebook';
import { checkSolution } from './checkSolution';
import { runFailureText, say, type Translate } from './exerciseReport';
import type { RunFailure } from './exerciseRunner';
import { checksFor, functionName, type ExerciseLanguage, type ExerciseName } from './exerciseSpec';
import type { Verdict } from './exerciseVerdict';
import { checkNotebookSolution } from './notebookExercise';

export type ExerciseForm = ExerciseLanguage | 'notebook';

/** One check in --json: which function, what it checks, whether it passed and why not. */
export interface CheckJson {
  id: string;
  function: string;
  name: string;
  status: Verdict['status'];
  pass: boolean;
  message: string;
  hint?: string;
  line?: number;
  cell?: number;
}

export interface ExerciseReportJson {
  file: string;
  form: ExerciseForm;
  lang: 'en' | 'ko';
  passed: number;
  total: number;
  allPassed: boolean;
  exitCode: 0 | 1 | 2;
  checks: CheckJson[];
  /** Why no check could run (the file does not load, no Python, …). */
  error?: { kind: RunFailure['kind'] | 'untrusted'; message: string; line?: number; cell?: number };
}

/** The checks' verdicts as --json gives them. */
export function checkJson(
  t: Translate,
  v: Verdict,
  language: ExerciseLanguage,
  place?: { cell: number; line: number },
): CheckJson {
  return {
    id: v.id,
    function: functionName(v.exercise, language),
    name: say(t, v.label),
    status: v.status,
    pass: v.status === 'pass',
    message: say(t, v.detail),
    // Only the fields that say something: the JSON a CI job keeps has no undefined keys.
    ...(v.hint && v.status !== 'pass' ? { hint: say(t, v.hint) } : {}),
    ...((place?.line ?? v.line) ? { line: place ? place.line : v.line } : {}),
    ...(place ? { cell: place.cell + 1 } : {}),
  };
}

export interface GradeOptions {
  file: string;
  /** The parsed notebook when the file is one (then `language` is python). */
  notebook?: Notebook;
  language: ExerciseLanguage;
  /** One exercise function's checks only; all of them when absent. */
  exercise?: ExerciseName;
  t: Translate;
  lang: 'en' | 'ko';
  python: string;
  pythonHint: string;
  /** The extension's folder (harnesses and workers). */
  root: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs the checks and reports them; exitCode 0 every check passes, 1 some does not, 2 the set-up is wrong. */
export async function gradeExercise(o: GradeOptions): Promise<ExerciseReportJson> {
  const common = {
    checks: checksFor(o.exercise),
    root: o.root,
    python: o.python,
    pythonHint: o.pythonHint,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
  };
  const report: ExerciseReportJson = {
    file: basename(o.file),
    form: o.notebook ? 'notebook' : o.language,
    lang: o.lang,
    passed: 0,
    total: common.checks.length,
    allPassed: false,
    exitCode: 1,
    checks: [],
  };
  const t = o.t;
  if (o.notebook) {
    const result = await checkNotebookSolution({ ...common, notebook: o.notebook, exercise: o.exercise });
    if ('failure' in result) report.error = failure(t, result.failure, o.pythonHint, result.place);
    else report.checks = result.verdicts.map((v, k) => checkJson(t, v, 'python', result.places[k]));
  } else {
    const result = await checkSolution({ ...common, language: o.language, file: o.file });
    if ('failure' in result) report.error = failure(t, result.failure, o.pythonHint);
    else report.checks = result.verdicts.map((v) => checkJson(t, v, o.language));
  }
  report.passed = report.checks.filter((c) => c.pass).length;
  report.allPassed = !report.error && report.passed === report.total && report.total > 0;
  report.exitCode = report.allPassed ? 0 : report.error && setupProblem(report.error.kind) ? 2 : 1;
  return report;
}

/** No Python, no numpy, a checker that could not run: the grading set-up, not the learner's work. */
const setupProblem = (kind: RunFailure['kind'] | 'untrusted') =>
  kind === 'pythonMissing' || kind === 'numpyMissing' || kind === 'crashed';

function failure(
  t: Translate,
  f: RunFailure,
  pythonHint: string,
  place?: { cell: number; line: number },
): NonNullable<ExerciseReportJson['error']> {
  return {
    kind: f.kind,
    message: runFailureText(t, f, pythonHint),
    line: place ? place.line : f.kind === 'load' ? f.error.line : undefined,
    cell: place ? place.cell + 1 : undefined,
  };
}
