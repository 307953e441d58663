/**
 * "Share this setup" for every panel: the panel's state as a lab file (src/protocol/labFile.ts),
 * written where the teacher chooses (a save dialog, named after the setup, in the workspace).
 */
import * as vscode from 'vscode';
import { LABFILE_STRINGS, LAB_FILE_SUFFIX, type LabFile, labFileName, labFileText } from '../protocol/labFile';
import { LAB_PAGE_STRINGS } from '../protocol/labFileStrings';
import { errorMessage } from '../util/text';

/**
 * Asks where, writes the file, and says where it went; undefined when the dialog was cancelled.
 * `at` makes the file for where it is saved (a gradient check names the learner's file relative to it);
 * it throws a sentence when it cannot be saved there.
 */
export async function shareLabFile(
  lab: LabFile,
  at: (file: vscode.Uri) => LabFile = () => lab,
  near?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const folder = near ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = labFileName(lab);
  const picked = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [vscode.l10n.t('Gradient Lab lab file')]: ['json'] },
    title: vscode.l10n.t(LAB_PAGE_STRINGS.shareTitle),
  });
  if (!picked) return undefined;
  // The suffix is what the schema, the CodeLens and the explorer menu recognise.
  const uri = picked.path.endsWith(LAB_FILE_SUFFIX)
    ? picked
    : picked.with({ path: picked.path.replace(/(\.gradientlab)?(\.json)?$/, LAB_FILE_SUFFIX) });
  try {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(labFileText(at(uri))));
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not save the lab file: {0}', errorMessage(e)));
    return undefined;
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t(LABFILE_STRINGS.shared, vscode.workspace.asRelativePath(uri)),
  );
  return uri;
}
