/** "Check my solution" above each exercise function, and "Check all exercises" on the first line. */
import * as vscode from 'vscode';
import { exerciseFunctions, exerciseLanguage, isExerciseText } from './exerciseFiles';
import type { ExerciseResults } from './exerciseResults';
import type { ExerciseName } from './exerciseSpec';
import type { Verdict } from './exerciseVerdict';

export const EXERCISE_SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'javascript', scheme: 'file' },
];

/** The lenses' change event: they are drawn again whenever a check result changes. */
export function onResultsChange(results: ExerciseResults): vscode.Event<void> {
  return (listener, thisArg, disposables) => results.onDidChange(() => listener.call(thisArg), undefined, disposables);
}

export class ExerciseCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly results: ExerciseResults) {
    this.onDidChangeCodeLenses = onResultsChange(results);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const language = exerciseLanguage(doc.languageId);
    // Only the header is read for the marker: cheap on every Python/JS file the learner opens.
    if (!language || !isExerciseText(doc.getText(new vscode.Range(0, 0, 12, 0)))) return [];
    return [
      checkAllLens(doc.uri),
      ...exerciseFunctions(doc.getText(), language).map(({ exercise, line }) =>
        exerciseLens(doc.uri, line, exercise, this.results.forExercise(doc.uri, exercise)),
      ),
    ];
  }
}

/** "Check all exercises" on the first line (of a file, or of a notebook's marker cell). */
export function checkAllLens(uri: vscode.Uri): vscode.CodeLens {
  return new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
    title: vscode.l10n.t('$(beaker) Check all exercises'),
    command: 'gradientLab.checkExercise',
    arguments: [uri],
  });
}

/** Above an exercise function: "Check my solution", or once checked, how many of its checks pass. */
export function exerciseLens(
  uri: vscode.Uri,
  line: number,
  exercise: ExerciseName,
  verdicts: readonly Verdict[],
): vscode.CodeLens {
  const passed = verdicts.filter((v) => v.status === 'pass').length;
  const title =
    verdicts.length === 0
      ? vscode.l10n.t('$(beaker) Check my solution')
      : passed === verdicts.length
        ? vscode.l10n.t('$(pass) {0}/{1} checks pass · check again', passed, verdicts.length)
        : vscode.l10n.t('$(warning) {0}/{1} checks pass · check again', passed, verdicts.length);
  return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
    title,
    command: 'gradientLab.checkExercise',
    arguments: [uri, exercise],
  });
}
