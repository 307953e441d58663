/**
 * Ticks walkthrough steps off. Each step's completionEvents is `onContext:<key>` (see steps.ts);
 * VS Code records a step as done once its key is true and keeps that across sessions, so setting
 * the key once, when the learner has done the thing, is enough.
 *
 * Other features call this too: the training panel when a run finishes
 * (markStepDone(PROGRESS_KEYS.trainingFinished)), Check Gradient when a check passes
 * (markStepDone(PROGRESS_KEYS.gradientCheckPassed)).
 */
import * as vscode from 'vscode';
import { PROGRESS_KEYS, type ProgressKey } from './steps';

export { PROGRESS_KEYS };
export type { ProgressKey };

export function markStepDone(key: ProgressKey): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, true);
}
