/** Files through VS Code's file system (any scheme the workspace uses), for the commands and the tutorial. */
import * as vscode from 'vscode';

/** Whether something (a file or a folder) is at `uri`. */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
