/** "Check my solution" above each exercise function, and "Check all exercises" on the first line. */
import * as vscode from 'vscode';
import { exerciseFunctions, exerciseLanguage, isExerciseText } from './exerciseFiles';
import type { ExerciseResults } from './exerciseResults';

export const EXERCISE_SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'javascript', scheme: 'file' },
];

export class ExerciseCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly results: ExerciseResults) {
    this.onDidChangeCodeLenses = (listener, thisArg, disposables) =>
      results.onDidChange(() => listener.call(thisArg), undefined, disposables);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const language = exerciseLanguage(doc.languageId);
    // Only the header is read for the marker: cheap on every Python/JS file the learner opens.
    if (!language || !isExerciseText(doc.getText(new vscode.Range(0, 0, 12, 0)))) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, {
        title: vscode.l10n.t('$(beaker) Check all exercises'),
        command: 'gradientLab.checkExercise',
        arguments: [doc.uri],
      }),
    ];
    for (const { exercise, line } of exerciseFunctions(doc.getText(), language)) {
      const verdicts = this.results.forExercise(doc.uri, exercise);
      const passed = verdicts.filter((v) => v.status === 'pass').length;
      const title =
        verdicts.length === 0
          ? vscode.l10n.t('$(beaker) Check my solution')
          : passed === verdicts.length
            ? vscode.l10n.t('$(pass) {0}/{1} checks pass · check again', passed, verdicts.length)
            : vscode.l10n.t('$(warning) {0}/{1} checks pass · check again', passed, verdicts.length);
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title,
          command: 'gradientLab.checkExercise',
          arguments: [doc.uri, exercise],
        }),
      );
    }
    return lenses;
  }
}
