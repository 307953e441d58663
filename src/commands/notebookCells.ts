/**
 * Notebook cells in VS Code's built-in notebook editor, for the gradient check: which notebook and
 * cell a `vscode-notebook-cell:` document is, the cells' current (unsaved) text as a Notebook for
 * src/gradcheck/source/notebook.ts, and where a notebook that was never saved runs.
 */
import { homedir } from 'os';
import { basename, join } from 'path';
import * as vscode from 'vscode';
import { FunctionInfo, Outline, lossOfGradient, outline, qualifiedName } from '../gradcheck/source/findFunctions';
import { Notebook, notebookModule, notebookScope } from '../gradcheck/source/notebook';

export const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

export const NOTEBOOK_CELL_SELECTOR: vscode.DocumentFilter = { language: 'python', scheme: NOTEBOOK_CELL_SCHEME };

export const isNotebookCell = (uri: vscode.Uri): boolean => uri.scheme === NOTEBOOK_CELL_SCHEME;

export interface CellRef {
  notebook: vscode.NotebookDocument;
  /** 0-based index in the notebook. */
  index: number;
}

/** The open notebook and the cell a cell document belongs to. */
export function cellOf(uri: vscode.Uri): CellRef | undefined {
  if (!isNotebookCell(uri)) return undefined;
  const key = uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === key);
    if (cell) return { notebook, index: cell.index };
  }
  return undefined;
}

/** Every cell's text as the editor has it now, saved or not. */
export function notebookOf(doc: vscode.NotebookDocument): Notebook {
  return {
    language: 'python',
    cells: doc.getCells().map((c) => ({
      kind: c.kind === vscode.NotebookCellKind.Code ? 'code' : 'markdown',
      text: c.document.getText(),
      language: c.document.languageId,
    })),
  };
}

/** The notebook's path; one never saved runs in the workspace folder (else the home folder), under its title. */
export function notebookFile(doc: vscode.NotebookDocument): string {
  if (doc.uri.scheme === 'file') return doc.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = basename(doc.uri.path) || 'Untitled.ipynb';
  return join(folder?.scheme === 'file' ? folder.fsPath : homedir(), /\.ipynb$/i.test(name) ? name : `${name}.ipynb`);
}

export interface NotebookTarget {
  file: string;
  notebook: Notebook;
  /** 0-based cell of the function checked. */
  cell: number;
  /** Each cell's document, for diagnostics and "Go to line". */
  cellUris: vscode.Uri[];
}

export function notebookTarget(uri: vscode.Uri): NotebookTarget | undefined {
  const ref = cellOf(uri);
  if (!ref) return undefined;
  return {
    file: notebookFile(ref.notebook),
    notebook: notebookOf(ref.notebook),
    cell: ref.index,
    cellUris: ref.notebook.getCells().map((c) => c.document.uri),
  };
}

/**
 * The functions a check from this cell can see — its cell, the cells above, and a gradient's cell
 * below — for finding the loss's gradient by name or offering a choice. Undefined outside a notebook.
 */
export function notebookOutline(document: vscode.TextDocument, functionName: string): Outline | undefined {
  const target = notebookTarget(document.uri);
  if (!target) return undefined;
  const scope = notebookScope(target.notebook, functionName, target.cell);
  return outline(notebookModule(target.notebook, scope?.last ?? target.cell, false).source, 'python');
}

/**
 * In a notebook cell, the loss that `gradient` (a function of this cell, cross_entropy_error_grad) is
 * the gradient of, when the loss is defined in a cell above: the learner's usual layout, one function a
 * cell. Undefined outside a notebook, or when no cell up to this one defines such a loss.
 */
export function notebookLossOfGradient(
  document: vscode.TextDocument,
  gradient: FunctionInfo,
): FunctionInfo | undefined {
  const target = notebookTarget(document.uri);
  if (!target) return undefined;
  // What Run All has defined when it reaches this cell: the cells above, then this one.
  const seen = outline(notebookModule(target.notebook, target.cell, false).source, 'python');
  const name = qualifiedName(gradient);
  const own = seen.functions.filter((f) => qualifiedName(f) === name).at(-1);
  return own && lossOfGradient(seen, own);
}
