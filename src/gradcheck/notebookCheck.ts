/**
 * A gradient check of a function in a notebook cell, for the panel and the CLI alike: the cells
 * it needs as one module (./notebook), the usual check (./check) on that module in the notebook's
 * folder, and the report told in cells ("cell 3, line 5"). No `vscode`.
 */
import { CheckOptions, CheckReport, FunctionSummary, Prepared, Runners, prepare, runPrepared } from './check';
import { Notebook, NotebookModule, cellLineOf, notebookModule, notebookRunner, notebookScope } from './source/notebook';

export interface NotebookCheckOptions extends Omit<CheckOptions, 'source' | 'language'> {
  /** The notebook's path (its folder is where the code runs and imports resolve). */
  file: string;
  notebook: Notebook;
  /** 0-based cell the check was asked from (a CodeLens, the cursor); else the last defining one. */
  cell?: number;
}

export interface PreparedNotebookCheck {
  /** The check to run, or the report of why it cannot run (no such function). */
  prepared: Prepared | CheckReport;
  module: NotebookModule;
}

export function prepareNotebookCheck(o: NotebookCheckOptions): PreparedNotebookCheck {
  const scope = notebookScope(o.notebook, o.functionName, o.cell, o.gradientName);
  // Without a cell that defines it, the whole notebook: prepare() then lists the functions there are.
  const module = notebookModule(o.notebook, scope ? scope.last : o.notebook.cells.length - 1);
  const { notebook: _nb, cell: _cell, ...rest } = o;
  const prepared = prepare({ ...rest, source: module.source, language: 'python' });
  return { prepared: 'request' in prepared ? prepared : mapNotebookReport(prepared, module), module };
}

/** Runs a prepared notebook check with errors told in cells. */
export async function runNotebookPrepared(
  p: PreparedNotebookCheck & { prepared: Prepared },
  notebook: Notebook,
  runners: Runners,
  signal?: AbortSignal,
  started = Date.now(),
): Promise<CheckReport> {
  const mapped: Runners = {
    ...runners,
    python: notebookRunner(runners.python, notebook, p.module, p.prepared.request.file),
  };
  return mapNotebookReport(await runPrepared(p.prepared, mapped, signal, started), p.module);
}

export async function runNotebookCheck(
  o: NotebookCheckOptions,
  runners: Runners,
  signal?: AbortSignal,
): Promise<CheckReport> {
  const started = Date.now();
  const p = prepareNotebookCheck(o);
  if (!('request' in p.prepared)) return p.prepared;
  return runNotebookPrepared({ prepared: p.prepared, module: p.module }, o.notebook, runners, signal, started);
}

function inCell(f: FunctionSummary, m: NotebookModule): FunctionSummary {
  const at = cellLineOf(m, f.line);
  return at ? { ...f, cell: at.cell + 1, line: at.line } : f;
}

/** The report's functions at their cells and lines (the error is mapped by the runner already). */
export function mapNotebookReport(r: CheckReport, m: NotebookModule): CheckReport {
  return {
    ...r,
    loss: r.loss && inCell(r.loss, m),
    gradient: r.gradient && { ...inCell(r.gradient, m), style: r.gradient.style },
    functions: r.functions.map((f) => inCell(f, m)),
  };
}

/** "cross_entropy_error (cell 2, line 1)" or, outside a notebook, "(line 1)". */
export function functionPlace(f: Pick<FunctionSummary, 'line' | 'cell'>): string {
  return f.cell ? `cell ${f.cell}, line ${f.line}` : `line ${f.line}`;
}
