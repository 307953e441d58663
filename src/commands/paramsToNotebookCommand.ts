/**
 * Gradient Lab: Copy Trained Parameters into Notebook — a finished run's weights (kept by the
 * training panel in the extension's storage) are saved as .npz beside the open notebook, and a
 * code cell that loads them into the book's TwoLayerNet is inserted below the selected cell.
 */
import { dirname, join } from 'path';
import * as vscode from 'vscode';
import type { TwoLayerParams } from '../core/twoLayerNet';
import { RunStore } from '../panels/train/runStore';
import { definesTwoLayerNet, paramsCell } from '../panels/train/notebookParams';
import { fileStem } from '../panels/train/trainFiles';
import { nextFreeName } from '../tutorial/exerciseFiles';
import { uriExists } from './workspaceFiles';

export async function paramsToNotebook(context: vscode.ExtensionContext, runIdArg?: unknown): Promise<void> {
  const editor = vscode.window.activeNotebookEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Open a Jupyter notebook (.ipynb) first: the parameters go into a new cell below the selected one.',
      ),
    );
    return;
  }
  const storage = context.storageUri ?? context.globalStorageUri;
  const store = new RunStore(join(storage.fsPath, 'train-runs'));
  const runs = store.list().filter((r) => r.hasModel);
  if (runs.length === 0) {
    const train = vscode.l10n.t('Train TwoLayerNet');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('No trained run with its weights yet: train one first, then copy it into the notebook.'),
      train,
    );
    if (choice === train) void vscode.commands.executeCommand('gradientLab.train');
    return;
  }
  let run = typeof runIdArg === 'string' ? runs.find((r) => r.id === runIdArg) : undefined;
  if (!run) {
    const pick = await vscode.window.showQuickPick(
      [...runs].reverse().map((r) => ({
        label: r.name,
        description: r.testAccuracy === null ? '' : vscode.l10n.t('test accuracy {0}', r.testAccuracy.toFixed(4)),
        detail: vscode.l10n.t('hidden {0} · {1} iterations', String(r.config.hiddenSize), String(r.iterations)),
        run: r,
      })),
      {
        title: vscode.l10n.t('Copy Trained Parameters into Notebook'),
        placeHolder: vscode.l10n.t('Which run’s parameters?'),
      },
    );
    if (!pick) return;
    run = pick.run;
  }
  let params: TwoLayerParams | undefined;
  try {
    params = store.params(run.id);
  } catch (e) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('The saved parameters of {0} cannot be read: {1}', run.name, (e as Error).message),
    );
    return;
  }
  if (!params) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('The parameters of {0} are no longer saved: train it again.', run.name),
    );
    return;
  }
  const notebook = editor.notebook;
  const folder =
    notebook.uri.scheme === 'file'
      ? vscode.Uri.file(dirname(notebook.uri.fsPath))
      : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Save the notebook first: the parameters are saved as .npz beside it.'),
    );
    return;
  }
  const taken = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n));
  const name = nextFreeName(`${fileStem(run.name)}.npz`, (n) => taken.has(n));
  const target = vscode.Uri.joinPath(folder, name);
  if (await uriExists(target)) return;
  const { paramsToNpz } = await import('../panels/train/modelFile');
  await vscode.workspace.fs.writeFile(target, paramsToNpz(params));
  const texts = notebook.getCells().map((c) => c.document.getText());
  const code = paramsCell(run, name, params.W1.cols, definesTwoLayerNet(texts));
  const at = editor.selection && !editor.selection.isEmpty ? editor.selection.end : notebook.cellCount;
  const edit = new vscode.WorkspaceEdit();
  edit.set(notebook.uri, [
    vscode.NotebookEdit.insertCells(at, [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, code, 'python')]),
  ]);
  await vscode.workspace.applyEdit(edit);
  editor.selection = new vscode.NotebookRange(at, at + 1);
  editor.revealRange(editor.selection);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Saved {0} and added a cell that loads it into TwoLayerNet (net.params).', name),
  );
}
