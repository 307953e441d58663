/** Save and open dialogs for the training panel's exports, through vscode.workspace.fs (works in remote windows too). */
import * as vscode from 'vscode';

function defaultFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Asks where to save, writes the bytes, and says where they went; undefined if the learner cancelled. */
export async function saveFile(defaultName: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<vscode.Uri | undefined> {
  const folder = defaultFolder();
  const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, bytes);
  const reveal = vscode.l10n.t('Open');
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', uri.fsPath), reveal).then((choice) => {
    if (choice === reveal) void vscode.commands.executeCommand('vscode.open', uri);
  });
  return uri;
}

export async function openFile(title: string, filters: Record<string, string[]>): Promise<{ uri: vscode.Uri; bytes: Uint8Array } | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, defaultUri: defaultFolder(), filters });
  if (!picked?.[0]) return undefined;
  return { uri: picked[0], bytes: await vscode.workspace.fs.readFile(picked[0]) };
}

export async function pickFolder(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectFiles: false, canSelectFolders: true, canSelectMany: false });
  return picked?.[0]?.fsPath;
}

/** A file name from a run's name: letters, digits and dashes. */
export function fileStem(name: string): string {
  return name.normalize('NFKD').replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'run';
}
