/**
 * "Check my solution" in the exercise notebook (gradient_lab_ch4.ipynb in the built-in notebook
 * editor): the CodeLens above each exercise function in its cell and "Check all exercises" above
 * the first code cell; the check runs on the cells' current text (notebookExercise.ts) and reports
 * as the .py form does — CodeLens titles, diagnostics on the right cell and line, the output
 * channel, one notification, and the walkthrough step when the gradient checks pass.
 */
import * as vscode from 'vscode';
import { NOTEBOOK_CELL_SCHEME, cellOf, isNotebookCell, notebookOf } from '../commands/notebookCells';
import { pythonInterpreter } from '../panels/gradcheck/interpreter';
import { announce, failureText, notAnExercise, trustedForChecking, withCheckProgress } from './checkNotice';
import { checkAllLens, exerciseLens, onResultsChange } from './codeLens';
import { diagnosticText, verdictLines, type Translate } from './exerciseReport';
import type { ExerciseResults } from './exerciseResults';
import { checksFor, functionName, type ExerciseName } from './exerciseSpec';
import { exerciseFunctions } from './exerciseFiles';
import { exerciseReport } from './log';
import { checkNotebookSolution, exerciseCells, isExerciseNotebook, markerCell } from './notebookExercise';
import { cellPython } from '../gradcheck/source/notebook';
import type { Verdict } from './exerciseVerdict';

const t: Translate = (template, ...args) => vscode.l10n.t(template, ...args);
let diagnostics: vscode.DiagnosticCollection | undefined;

/** The cell a check is about: the CodeLens's argument, else the cell with the cursor, else the active notebook's first cell. */
export function notebookCellUri(uriArg: unknown): vscode.Uri | undefined {
  if (uriArg instanceof vscode.Uri) return isNotebookCell(uriArg) ? uriArg : undefined;
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor && isNotebookCell(editor)) return editor;
  if (editor) return undefined;
  return vscode.window.activeNotebookEditor?.notebook.cellAt(0)?.document.uri;
}

function publish(
  notebook: vscode.NotebookDocument,
  items: { cell: number; line: number; text: string; severity: vscode.DiagnosticSeverity }[],
): void {
  diagnostics ??= vscode.languages.createDiagnosticCollection('gradientLab.exerciseNotebook');
  const cells = notebook.getCells();
  for (const c of cells) diagnostics.delete(c.document.uri);
  const byCell = new Map<number, vscode.Diagnostic[]>();
  for (const it of items) {
    const doc = cells[it.cell]?.document;
    if (!doc) continue;
    const line = Math.min(doc.lineCount - 1, Math.max(0, it.line));
    const d = new vscode.Diagnostic(doc.lineAt(line).range, it.text, it.severity);
    d.source = 'Gradient Lab';
    byCell.set(it.cell, [...(byCell.get(it.cell) ?? []), d]);
  }
  for (const [cell, ds] of byCell) diagnostics.set(cells[cell].document.uri, ds);
}

export async function checkNotebookExercise(
  extensionUri: vscode.Uri,
  results: ExerciseResults,
  cellUri: vscode.Uri,
  exercise?: ExerciseName,
): Promise<Verdict[] | undefined> {
  const ref = cellOf(cellUri);
  const notebook = ref && notebookOf(ref.notebook);
  if (!ref || !notebook || !isExerciseNotebook(notebook)) {
    return notAnExercise();
  }
  if (!(await trustedForChecking())) return undefined;
  const checks = checksFor(exercise);
  const interpreter = await pythonInterpreter(ref.notebook.uri.scheme === 'file' ? ref.notebook.uri : cellUri);
  // The cells as they are in the editor, saved or not.
  const result = await withCheckProgress((signal) =>
    checkNotebookSolution({
      notebook,
      exercise,
      checks,
      root: extensionUri.fsPath,
      python: interpreter.command,
      pythonHint: interpreter.hint,
      signal,
    }),
  );
  if (!result) return undefined;
  const out = exerciseReport();
  out.appendLine(
    `── ${vscode.workspace.asRelativePath(ref.notebook.uri)} · ${new Date().toLocaleTimeString()} · ${interpreter.command}`,
  );
  if ('failure' in result) {
    const text = failureText(result.failure, interpreter.hint);
    out.appendLine(result.place ? `${text} (${vscode.l10n.t('cell {0}', String(result.place.cell + 1))})` : text);
    publish(
      ref.notebook,
      result.place
        ? [{ cell: result.place.cell, line: result.place.line - 1, text, severity: vscode.DiagnosticSeverity.Error }]
        : [],
    );
    void vscode.window.showErrorMessage(text);
    return undefined;
  }
  // Lines as the cells count them, for the Problems view and the output.
  const verdicts = result.verdicts.map((v, k) => ({ ...v, line: result.places[k]?.line }));
  results.update(ref.notebook.uri, verdicts);
  const defs = new Map(exerciseCells(notebook).map((e) => [e.exercise, e]));
  const placeOf = new Map(result.verdicts.map((v, k) => [v.id, result.places[k]]));
  publish(
    ref.notebook,
    results.all(ref.notebook.uri).flatMap((v) => {
      if (v.status === 'pass') return [];
      const at = placeOf.get(v.id);
      const def = defs.get(v.exercise);
      const cell = at?.cell ?? def?.cell;
      if (cell === undefined) return [];
      const severity = v.status === 'todo' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Error;
      return [
        {
          cell,
          line: at ? at.line - 1 : (def?.line ?? 0),
          text: diagnosticText(t, v, functionName(v.exercise, 'python')),
          severity,
        },
      ];
    }),
  );
  for (const v of verdicts)
    for (const line of verdictLines(t, v, functionName(v.exercise, 'python'))) out.appendLine(line);
  // The step from the last verdict of each check, whichever cell's lens ran it (as the .py form).
  announce(verdicts, checks, exercise, 'python', out, results.all(ref.notebook.uri));
  return verdicts;
}

/** "Check my solution" above each exercise function in its cell, "Check all exercises" above the marker cell. */
export class NotebookExerciseCodeLensProvider implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly results: ExerciseResults) {
    this.onDidChangeCodeLenses = onResultsChange(results);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (doc.uri.scheme !== NOTEBOOK_CELL_SCHEME) return [];
    const ref = cellOf(doc.uri);
    if (!ref) return [];
    const notebook = notebookOf(ref.notebook);
    if (!isExerciseNotebook(notebook)) return [];
    const functions = exerciseFunctions(cellPython(doc.getText()).lines.join('\n'), 'python');
    return [
      ...(markerCell(notebook) === ref.index ? [checkAllLens(doc.uri)] : []),
      ...functions.map(({ exercise, line }) =>
        exerciseLens(doc.uri, line, exercise, this.results.forExercise(ref.notebook.uri, exercise)),
      ),
    ];
  }
}
