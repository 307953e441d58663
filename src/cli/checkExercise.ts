/**
 * `npm run check-exercise -- FILE [--json] [--lang ko]`: "Check my solution" of the walkthrough's
 * exercise (gradient_lab_ch4.py / .js / .ipynb) from a terminal, for grading in CI. The same checks
 * as the CodeLens (src/tutorial/checkSolution.ts, checkNotebookSolution for a notebook), the same
 * words (translated from the extension's bundle), and exit codes a CI job can act on:
 *   0  every check passes
 *   1  some check does not pass: a wrong value, a TODO left, a missing function, or a file that does
 *      not load or never finishes (a syntax error, an exception at import, an endless loop)
 *   2  usage or set-up: a bad flag, a file that is not there or not an exercise, no Python or numpy
 * (3 is an unexpected error, as for every command of src/cli.ts.)
 */
import { join, resolve } from 'path';
import { fileProblem, readRegularFile } from '../node/files';
import { endChildrenOnSignals } from '../gradcheck/run/childRun';
import { NotebookError, parseNotebook, type Notebook } from '../gradcheck/source/notebook';
import { cliLanguage, loadBundle, translator } from '../l10n/cli';
import { exerciseLanguage, isExerciseText } from '../tutorial/exerciseFiles';
import type { Translate } from '../tutorial/exerciseReport';
import { EXERCISES, EXERCISE_NAMES, type ExerciseLanguage, type ExerciseName } from '../tutorial/exerciseSpec';
import type { Verdict } from '../tutorial/exerciseVerdict';
import { gradeExercise, type ExerciseReportJson } from '../tutorial/gradeExercise';
import { isExerciseNotebook } from '../tutorial/notebookExercise';
import { errorMessage } from '../util/text';
import { FlagSpec, UsageError, parseArgs } from './args';

export type { CheckJson, ExerciseReportJson } from '../tutorial/gradeExercise';

export const CHECK_EXERCISE_USAGE =
  'usage: npm run check-exercise -- FILE (.py, .js or .ipynb) [--exercise FUNCTION] [--json] [--lang en|ko] ' +
  '[--python PATH] [--timeout SECONDS]';

/** The largest exercise file read (a notebook with outputs can be large; the template is a few KiB). */
const FILE_MAX_BYTES = 32 * 1024 * 1024;

const SPECS: Record<string, FlagSpec> = {
  json: { kind: 'bool' },
  lang: { kind: 'string', choices: ['en', 'ko'] },
  exercise: { kind: 'string' },
  python: { kind: 'string' },
  timeout: { kind: 'number', min: 0, exclusiveMin: true, max: 600 },
  help: { kind: 'bool' },
};

/** The CLI's own words (English templates; Korean in src/l10n/ko/cli.json, tested to be there). */
export const CHECK_EXERCISE_STRINGS = {
  summary: '{0} of {1} checks pass.',
  allPass: 'All {0} checks pass, the gradient check included. Well done!',
  header: 'Exercise checks of {0}',
  notExercise:
    '{0} is not a Gradient Lab exercise: its first lines must contain "gradient-lab-exercise: ch4" ' +
    '(create one with Gradient Lab: Create Exercise File).',
  notExerciseNotebook:
    '{0} is not a Gradient Lab exercise notebook: one of its first code cells must contain ' +
    '"gradient-lab-exercise: ch4".',
  badForm: '{0}: the exercise is a .py, .js or .ipynb file',
  unknownExercise: "--exercise: no exercise function '{0}' (expected one of: {1})",
  cell: 'cell {0}',
  line: 'line {0}',
  pythonHint: 'choose another interpreter with --python PATH (or $GRADIENT_LAB_PYTHON)',
} as const;
const S = CHECK_EXERCISE_STRINGS;

const MARK: Record<Verdict['status'], string> = { pass: '✓', fail: '✗', error: '✗', todo: '○', missing: '✗' };

/** The exercise named on the command line, by its function name in the file's language or its key. */
function exerciseArg(raw: string | undefined, language: ExerciseLanguage, t: Translate): ExerciseName | undefined {
  if (raw === undefined) return undefined;
  const found = EXERCISE_NAMES.find((e) => e === raw || EXERCISES[e][language] === raw);
  if (!found)
    throw new UsageError(t(S.unknownExercise, raw, EXERCISE_NAMES.map((e) => EXERCISES[e][language]).join(', ')));
  return found;
}

function readText(file: string): string {
  try {
    return new TextDecoder().decode(readRegularFile(file, FILE_MAX_BYTES));
  } catch (e) {
    throw new UsageError(`${file}: ${fileProblem(e)}`);
  }
}

/** The report as a terminal shows it: a line a check, the hint below a failing one, the count last. */
export function formatExerciseReport(t: Translate, r: ExerciseReportJson): string {
  const lines = [t(S.header, r.file)];
  if (r.error) lines.push(`✗ ${r.error.message}${r.error.cell ? ` (${t(S.cell, r.error.cell)})` : ''}`);
  for (const c of r.checks) {
    const where = [c.cell ? t(S.cell, c.cell) : '', c.line ? t(S.line, c.line) : ''].filter(Boolean).join(', ');
    lines.push(`${MARK[c.status]} ${c.function} — ${c.name}: ${c.message}${where ? ` (${where})` : ''}`);
    if (c.hint) lines.push(`    ${c.hint}`);
  }
  lines.push(r.allPassed ? t(S.allPass, r.total) : t(S.summary, r.passed, r.total));
  return lines.join('\n');
}

export async function runCheckExercise(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, SPECS, 1);
  if (flags.help) {
    process.stdout.write(CHECK_EXERCISE_USAGE + '\n');
    return 0;
  }
  const lang: 'en' | 'ko' = (flags.lang as 'en' | 'ko' | undefined) ?? (cliLanguage() === 'ko' ? 'ko' : 'en');
  // dist/cli.js sits beside dist/l10n/.
  const t: Translate = translator(loadBundle(join(__dirname, 'l10n'), lang === 'ko' ? 'ko' : undefined));
  if (positional.length < 1) throw new UsageError(`FILE is required\n${CHECK_EXERCISE_USAGE}`);
  const file = resolve(positional[0]);
  const notebook = /\.ipynb$/i.test(file);
  const language: ExerciseLanguage | undefined = notebook ? 'python' : exerciseLanguage(file);
  if (!language) throw new UsageError(t(S.badForm, positional[0]));
  const exercise = exerciseArg(flags.exercise as string | undefined, language, t);
  const text = readText(file);
  let nb: Notebook | undefined;
  if (notebook) {
    try {
      nb = parseNotebook(text);
    } catch (e) {
      throw new UsageError(`${positional[0]}: ${e instanceof NotebookError ? e.message : errorMessage(e)}`);
    }
    if (!isExerciseNotebook(nb)) throw new UsageError(t(S.notExerciseNotebook, positional[0]));
  } else if (!isExerciseText(text)) throw new UsageError(t(S.notExercise, positional[0]));

  endChildrenOnSignals();
  const python = (flags.python as string | undefined) ?? process.env.GRADIENT_LAB_PYTHON ?? 'python3';
  const report = await gradeExercise({
    file,
    notebook: nb,
    language,
    exercise,
    t,
    lang,
    python,
    pythonHint: t(S.pythonHint),
    root: join(__dirname, '..'),
    timeoutMs: flags.timeout === undefined ? undefined : (flags.timeout as number) * 1000,
  });
  if (flags.json) process.stdout.write(JSON.stringify(report) + '\n');
  else process.stdout.write(formatExerciseReport(t, report) + '\n');
  return report.exitCode;
}
