/**
 * Gradient Lab: Check My Solution — runs the exercise checks (book values and the gradient check)
 * on the learner's file and reports where it matters: the CodeLens titles, the Problems panel,
 * the "Gradient Lab: Exercise Checks" output and one notification naming the next thing to fix.
 * A gradient check that passes ticks off the walkthrough's last step.
 */
import * as vscode from 'vscode';
import { exerciseFunctions, exerciseLanguage, isExerciseText } from './exerciseFiles';
import { diagnosticText, verdictLines } from './exerciseReport';
import type { ExerciseResults } from './exerciseResults';
import { EXERCISE_NAMES, checksFor, functionName, type ExerciseLanguage, type ExerciseName } from './exerciseSpec';
import { checkNotebookExercise, notebookCellUri } from './checkNotebookExercise';
import { announce, failureText, notAnExercise, trustedForChecking, t, withCheckProgress } from './checkNotice';
import type { Verdict } from './exerciseVerdict';
import { checkSolution } from './checkSolution';
import { exerciseReport } from './log';
import { pythonInterpreter } from '../panels/gradcheck/interpreter';

let diagnostics: vscode.DiagnosticCollection | undefined;

function isExerciseName(v: unknown): v is ExerciseName {
  return typeof v === 'string' && (EXERCISE_NAMES as string[]).includes(v);
}

async function targetDocument(uriArg: unknown): Promise<vscode.TextDocument | undefined> {
  if (uriArg instanceof vscode.Uri) return vscode.workspace.openTextDocument(uriArg);
  return vscode.window.activeTextEditor?.document;
}

function publish(
  doc: vscode.TextDocument,
  language: ExerciseLanguage,
  verdicts: readonly Verdict[],
  loadError?: { line?: number; text: string },
): void {
  diagnostics ??= vscode.languages.createDiagnosticCollection('gradientLab.exercise');
  const defs = new Map(exerciseFunctions(doc.getText(), language).map((f) => [f.exercise, f.line]));
  const items: vscode.Diagnostic[] = [];
  for (const v of verdicts) {
    if (v.status === 'pass') continue;
    const line = Math.min(doc.lineCount - 1, v.line ? v.line - 1 : (defs.get(v.exercise) ?? 0));
    const severity = v.status === 'todo' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Error;
    const d = new vscode.Diagnostic(
      doc.lineAt(line).range,
      diagnosticText(t, v, functionName(v.exercise, language)),
      severity,
    );
    d.source = 'Gradient Lab';
    items.push(d);
  }
  if (loadError) {
    const line = Math.min(doc.lineCount - 1, Math.max(0, (loadError.line ?? 1) - 1));
    items.push(
      Object.assign(new vscode.Diagnostic(doc.lineAt(line).range, loadError.text, vscode.DiagnosticSeverity.Error), {
        source: 'Gradient Lab',
      }),
    );
  }
  diagnostics.set(doc.uri, items);
}

export async function checkExercise(
  extensionUri: vscode.Uri,
  results: ExerciseResults,
  uriArg?: unknown,
  exerciseArg?: unknown,
): Promise<Verdict[] | undefined> {
  // A notebook's cell (its CodeLens, or the cursor in it): the notebook form (checkNotebookExercise.ts).
  const cell = notebookCellUri(uriArg);
  if (cell)
    return checkNotebookExercise(extensionUri, results, cell, isExerciseName(exerciseArg) ? exerciseArg : undefined);
  const doc = await targetDocument(uriArg);
  const language = doc && (exerciseLanguage(doc.languageId) ?? exerciseLanguage(doc.fileName));
  if (!doc || !language || !isExerciseText(doc.getText())) {
    return notAnExercise();
  }
  if (!(await trustedForChecking())) return undefined;
  if (doc.isUntitled) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Save the exercise file first: its folder is where its imports are found.'),
    );
    return undefined;
  }
  // The editor's text is checked as it is, unsaved edits included; the file on disk is not touched.
  const source = doc.isDirty ? doc.getText() : undefined;

  const exercise = isExerciseName(exerciseArg) ? exerciseArg : undefined;
  const checks = checksFor(exercise);
  // The same interpreter as Check Gradient: the Python extension's, else gradientLab.pythonPath, else python3.
  const interpreter = language === 'python' ? await pythonInterpreter(doc.uri) : undefined;
  const python = interpreter?.command ?? 'python3';
  const result = await withCheckProgress((signal) =>
    checkSolution({
      language,
      file: doc.uri.fsPath,
      source,
      checks,
      root: extensionUri.fsPath,
      python,
      pythonHint: interpreter?.hint ?? '',
      signal,
    }),
  );
  if (!result) return undefined;
  const out = exerciseReport();
  out.appendLine(
    `── ${vscode.workspace.asRelativePath(doc.uri)} · ${new Date().toLocaleTimeString()}${language === 'python' ? ` · ${python}` : ''}`,
  );
  if ('failure' in result) {
    const text = failureText(result.failure, interpreter?.hint ?? '');
    out.appendLine(text);
    publish(doc, language, [], result.failure.kind === 'load' ? { line: result.failure.error.line, text } : undefined);
    void vscode.window.showErrorMessage(text);
    return undefined;
  }

  const { verdicts } = result;
  results.update(doc.uri, verdicts);
  publish(doc, language, results.all(doc.uri));
  for (const v of verdicts)
    for (const line of verdictLines(t, v, functionName(v.exercise, language))) out.appendLine(line);

  announce(verdicts, checks, exercise, language, out, results.all(doc.uri));
  return verdicts;
}
