/** The tutorial's two output channels, created on first use (never at activation). */
import * as vscode from 'vscode';

let log: vscode.LogOutputChannel | undefined;
let report: vscode.OutputChannel | undefined;

/** For what a developer needs (dropped webview messages, harness crashes). */
export function tutorialLog(): vscode.LogOutputChannel {
  return (log ??= vscode.window.createOutputChannel(vscode.l10n.t('Gradient Lab: Tutorial'), { log: true }));
}

/** For the learner: the full result of "Check my solution". */
export function exerciseReport(): vscode.OutputChannel {
  return (report ??= vscode.window.createOutputChannel(vscode.l10n.t('Gradient Lab: Exercise Checks')));
}

export function disposeChannels(): void {
  log?.dispose();
  report?.dispose();
  log = report = undefined;
}
