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
