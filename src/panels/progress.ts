/**
 * Ticks walkthrough steps off. Each step's completionEvents is `onContext:<key>` (see
 * src/tutorial/steps.ts); VS Code records a step as done once its key is true and keeps that across
 * sessions, so setting the key once, when the learner has done the thing, is enough.
 *
 * The panels call this (the training panel when a run finishes, Check Gradient when a check passes),
 * and so does the tutorial (a lab shown, an exercise's gradient check passed). It lives with the
 * panels and its keys in src/protocol/tutorial.ts, so src/panels never imports src/tutorial.
 */
import * as vscode from 'vscode';
import { PROGRESS_KEYS, type ProgressKey } from '../protocol/tutorial';

export { PROGRESS_KEYS };
export type { ProgressKey };

export function markStepDone(key: ProgressKey): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, true);
}
