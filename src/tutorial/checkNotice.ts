/**
 * What both "Check my solution" commands (an exercise file: checkExercise.ts, a notebook:
 * checkNotebookExercise.ts) share: the cancellable progress notification, the failure text, and
 * the announcement of the verdicts.
 */
import * as vscode from 'vscode';
import { requireTrust } from '../commands/trust';
import { runFailureText, say, type Translate } from './exerciseReport';
import type { RunFailure } from './exerciseRunner';
import {
  functionName,
  gradientStepDone,
  type ExerciseCheck,
  type ExerciseLanguage,
  type ExerciseName,
} from './exerciseSpec';
import { summarize, type Verdict } from './exerciseVerdict';
import { PROGRESS_KEYS, markStepDone } from '../panels/progress';

export const t: Translate = (template, ...args) => vscode.l10n.t(template, ...args);

/** Why no check could run, in the display language (the words are shared with the CLI: exerciseReport.ts). */
export const failureText = (f: RunFailure, pythonHint: string): string => runFailureText(t, f, pythonHint);

/** Not an exercise file (or notebook): says how to recognise one and offers to create one. */
export async function notAnExercise(): Promise<undefined> {
  const create = vscode.l10n.t('Create Exercise File');
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('Open a Gradient Lab exercise file first: its first lines contain "gradient-lab-exercise: ch4".'),
    create,
  );
  if (choice === create) void vscode.commands.executeCommand('gradientLab.createExercise');
  return undefined;
}

/** Checking runs the learner's code: true in a trusted workspace, else they are told why and false. */
export function trustedForChecking(): Promise<boolean> {
  const reason = vscode.l10n.t('Checking runs the code in your file, so it needs a trusted workspace.');
  return requireTrust(reason, vscode.l10n.t('Manage Workspace Trust'));
}

/** Runs a check under a cancellable progress notification; `undefined` when the learner cancelled it. */
export async function withCheckProgress<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
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
      return run(abort.signal);
    },
  );
  return cancelled ? undefined : result;
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
