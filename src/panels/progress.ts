/**
 * Ticks walkthrough steps off. Each step's completionEvents is `onContext:<key>` (see
 * src/tutorial/steps.ts); VS Code records a step as done once its key is true and keeps that across
 * sessions, so setting the key once, when the learner has done the thing, is enough.
 *
 * The panels call this (the training panel when a run finishes, Check Gradient when a check passes),
 * and so does the tutorial (a lab shown, an exercise's gradient check passed). It lives with the
 * panels and its keys in src/protocol/tutorial.ts, so src/panels never imports src/tutorial.
 *
 * VS Code gives no way to read a step's state back, so each key is also kept, with the time it was
 * first set, in the extension's global state (initProgress at activation): the progress record
 * (src/tutorial/exportProgress.ts) reads it.
 */
import * as vscode from 'vscode';
import { PROGRESS_KEYS, type ProgressKey } from '../protocol/tutorial';

export { PROGRESS_KEYS };
export type { ProgressKey };

/** The global-state entry: progress key → ISO time it was first set. */
export const PROGRESS_STATE_KEY = 'gradientLab.progress.steps';

let store: vscode.Memento | undefined;

export function initProgress(memento: vscode.Memento): void {
  store = memento;
}

/** Each key seen done, with the time it was first set. */
export function completedSteps(): Record<string, string> {
  const v = store?.get<unknown>(PROGRESS_STATE_KEY);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter(
      (e): e is [string, string] =>
        typeof e[1] === 'string' && (Object.values(PROGRESS_KEYS) as string[]).includes(e[0]),
    ),
  );
}

export function markStepDone(key: ProgressKey): Thenable<unknown> {
  if (store && !(key in completedSteps()))
    void store.update(PROGRESS_STATE_KEY, { ...completedSteps(), [key]: new Date().toISOString() });
  return vscode.commands.executeCommand('setContext', key, true);
}
