/** The one way a command that runs the learner's code asks for a trusted workspace. */
import * as vscode from 'vscode';

/**
 * True in a trusted workspace. Otherwise shows `reason` with a `manage` button (both already
 * translated by the caller) that opens Manage Workspace Trust, and returns false.
 */
export async function requireTrust(reason: string, manage: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(reason, manage);
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Checking a gradient runs the learner's Python or JavaScript: only in a trusted workspace. */
export function requireCheckTrust(): Promise<boolean> {
  const reason = vscode.l10n.t(
    'Checking a gradient runs your own Python or JavaScript code, so Gradient Lab does it only in trusted workspaces. Trust this folder to check gradients here.',
  );
  return requireTrust(reason, vscode.l10n.t('Manage Workspace Trust'));
}
