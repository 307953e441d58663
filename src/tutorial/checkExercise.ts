/**
 * Gradient Lab: Check My Solution — runs the exercise checks (book values and the gradient check)
 * on the learner's file and reports where it matters: the CodeLens titles, the Problems panel,
 * the "Gradient Lab: Exercise Checks" output and one notification naming the next thing to fix.
 * A gradient check that passes ticks off the walkthrough's last step.
 */
import * as vscode from 'vscode';
import { exerciseFunctions, exerciseLanguage, isExerciseText } from './exerciseFiles';
import { diagnosticText, runFailureText, say, verdictLines, type Translate } from './exerciseReport';
import type { ExerciseResults } from './exerciseResults';
import type { RunFailure } from './exerciseRunner';
import {
  EXERCISE_NAMES,
  checksFor,
  functionName,
  gradientStepDone,
  type ExerciseCheck,
  type ExerciseLanguage,
  type ExerciseName,
} from './exerciseSpec';
import { checkNotebookExercise, notebookCellUri } from './checkNotebookExercise';
import { summarize, type Verdict } from './exerciseVerdict';
import { checkSolution } from './checkSolution';
import { exerciseReport } from './log';
import { PROGRESS_KEYS, markStepDone } from '../panels/progress';
import { pythonInterpreter } from '../panels/gradcheck/interpreter';

const t: Translate = (template, ...args) => vscode.l10n.t(template, ...args);
let diagnostics: vscode.DiagnosticCollection | undefined;

function isExerciseName(v: unknown): v is ExerciseName {
  return typeof v === 'string' && (EXERCISE_NAMES as string[]).includes(v);
}

async function targetDocument(uriArg: unknown): Promise<vscode.TextDocument | undefined> {
  if (uriArg instanceof vscode.Uri) return vscode.workspace.openTextDocument(uriArg);
  return vscode.window.activeTextEditor?.document;
}

/** Why no check could run, in the display language (the words are shared with the CLI: exerciseReport.ts). */
export const failureText = (f: RunFailure, pythonHint: string): string => runFailureText(t, f, pythonHint);

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
    const create = vscode.l10n.t('Create Exercise File');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('Open a Gradient Lab exercise file first: its first lines contain "gradient-lab-exercise: ch4".'),
      create,
    );
    if (choice === create) void vscode.commands.executeCommand('gradientLab.createExercise');
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Checking runs the code in your file, so it needs a trusted workspace.'),
      manage,
    );
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
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
  let cancelled = false;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Checking your solution…'),
      cancellable: true,
    },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        cancelled = true;
        abort.abort();
      });
      return checkSolution({
        language,
        file: doc.uri.fsPath,
        source,
        checks,
        root: extensionUri.fsPath,
        python,
        pythonHint: interpreter?.hint ?? '',
        signal: abort.signal,
      });
    },
  );

  if (cancelled) return undefined;
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

/** The walkthrough step, the count in the output, one notification naming the next thing to fix. */
export function announce(
  verdicts: Verdict[],
  _checks: readonly ExerciseCheck[],
  exercise: ExerciseName | undefined,
  language: ExerciseLanguage,
  out: vscode.OutputChannel,
  all: readonly Verdict[] = verdicts,
): void {
  // The step ticks when every check it stands for passes (the loss and its gradient, against
  // the learner's loss and the book's), from the last verdict of each, however they were run.
  if (gradientStepDone(all)) void markStepDone(PROGRESS_KEYS.gradientCheckPassed);

  const summary = summarize(verdicts);
  out.appendLine(vscode.l10n.t('{0} of {1} checks pass.', summary.passed, summary.total));
  if (summary.allPassed) {
    void vscode.window.showInformationMessage(
      exercise
        ? vscode.l10n.t('{0}: all {1} checks pass.', functionName(exercise, language), summary.total)
        : vscode.l10n.t('All {0} checks pass, the gradient check included. Well done!', summary.total),
    );
  } else if (summary.firstProblem) {
    const p = summary.firstProblem;
    const details = vscode.l10n.t('Show Details');
    const next = vscode.l10n.t(
      '{0} of {1} checks pass. Next: {2} — {3}: {4}',
      summary.passed,
      summary.total,
      functionName(p.exercise, language),
      say(t, p.label),
      say(t, p.hint ?? p.detail),
    );
    void vscode.window.showWarningMessage(next, details).then((c) => c === details && out.show(true));
  }
}
