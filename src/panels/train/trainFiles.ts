/** Save and open dialogs for the training panel's exports, through vscode.workspace.fs (works in remote windows too). */
import * as vscode from 'vscode';

function defaultFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Asks where to save, writes the bytes, and says where they went; undefined if the learner cancelled. */
export async function saveFile(
  defaultName: string,
  filters: Record<string, string[]>,
  bytes: Uint8Array | (() => Promise<Uint8Array>),
): Promise<vscode.Uri | undefined> {
  const folder = defaultFolder();
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
    filters,
  });
  if (!uri) return undefined;
  // Made once the learner has chosen where (a long run's CSV is formatted off the main thread).
  await vscode.workspace.fs.writeFile(uri, typeof bytes === 'function' ? await bytes() : bytes);
  const reveal = vscode.l10n.t('Open');
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', uri.fsPath), reveal).then((choice) => {
    if (choice === reveal) void vscode.commands.executeCommand('vscode.open', uri);
  });
  return uri;
}

/**
 * Asks for a file and reads it — only a regular file of at most `maxBytes` (a FIFO, a device such
 * as /dev/zero or a folder is refused before it is read).
 */
export async function openFile(
  title: string,
  filters: Record<string, string[]>,
  maxBytes: number,
): Promise<{ uri: vscode.Uri; bytes: Uint8Array } | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    defaultUri: defaultFolder(),
    filters,
  });
  if (!picked?.[0]) return undefined;
  const uri = picked[0];
  const st = await vscode.workspace.fs.stat(uri);
  if (!(st.type & vscode.FileType.File))
    throw new Error(vscode.l10n.t('{0} is not a regular file (a folder, FIFO or device); choose a file.', uri.fsPath));
  if (st.size > maxBytes)
    throw new Error(
      vscode.l10n.t(
        '{0} is {1} MB, more than the {2} MB that can be loaded.',
        uri.fsPath,
        (st.size / 1048576).toFixed(1),
        maxBytes / 1048576,
      ),
    );
  return { uri, bytes: await vscode.workspace.fs.readFile(uri) };
}

export async function pickFolder(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
  });
  return picked?.[0]?.fsPath;
}

/** A file name from a run's name: letters, digits and dashes. */
export function fileStem(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}._-]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'run'
  );
}
