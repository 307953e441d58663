/**
 * Notebooks (.ipynb) for the gradient checker, no `vscode`, no Node: a function defined in a code
 * cell is checked with the code of the cells above and including its cell, in order, as one
 * Python module — the way "Run All" down to that cell would have defined it — with an exact map
 * from the module's lines back to "cell N, line M".
 *
 * The rules (README, "Checking your gradient in a notebook"):
 * - Only code cells in Python count; markdown and raw cells, and code cells in another language,
 *   are left out.
 * - IPython-only syntax is skipped: a cell whose first line is a cell magic (`%%time`, `%%bash`,
 *   `%%writefile`) is left out whole; a line magic (`%matplotlib inline`), a shell line
 *   (`!pip install numpy`, `files = !ls`) and a help line (`np.sum?`) become `pass`, so the
 *   lines keep their numbers and an indented block stays a block. A cell indented as a whole is
 *   dedented as IPython does.
 * - Everything else runs as it is, top to bottom, within the check's time limit; a cell that is
 *   still running when the time is up (a training loop, a download) is named in the message.
 * - A loss whose hand-written gradient (by the usual names: `f_grad`, `grad_f`, ...) is defined in
 *   a cell below it extends the module down to the gradient's cell, unless a cell in between
 *   defines the loss again.
 * Cells are numbered from 1 in notebook order, markdown cells included, as the notebook shows them.
 */
import { gradientNames, outline } from './findFunctions';
import { type PythonScan, scanPythonLine } from './outlinePython';
import type { RunError, RunResult, Runner, TraceFrame } from '../types';

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookCell {
  kind: CellKind;
  /** The cell's text (in VS Code: the editor's, saved or not). */
  text: string;
  /** The cell's language when it is not the notebook's (VS Code's languageId, or Jupyter's metadata). */
  language?: string;
}

export interface Notebook {
  cells: NotebookCell[];
  /** The kernel's language (metadata.kernelspec.language / language_info.name); python when absent. */
  language: string;
}

/** Where a line of the module came from: a 0-based cell index and a 1-based line of that cell. */
export interface CellLine {
  cell: number;
  line: number;
  /** Characters of leading indentation removed from this line (IPython's leading-indent rule). */
  dedent: number;
}

export interface NotebookModule {
  source: string;
  /** lines[k] is the origin of the module's line k + 1; null for a line Gradient Lab added. */
  lines: (CellLine | null)[];
  /** The code cells the module holds, 0-based, and those left out as IPython cell magics. */
  included: number[];
  skipped: number[];
}

export class NotebookError extends Error {}

const asText = (v: unknown): string =>
  Array.isArray(v) ? v.filter((s) => typeof s === 'string').join('') : typeof v === 'string' ? v : '';

/** Reads an .ipynb (nbformat 4, also 3's worksheets); throws NotebookError with a reason. */
export function parseNotebook(json: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new NotebookError(`not a Jupyter notebook (invalid JSON: ${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object') throw new NotebookError('not a Jupyter notebook (no cells)');
  const nb = raw as { cells?: unknown; worksheets?: { cells?: unknown }[]; metadata?: Record<string, unknown> };
  const list = Array.isArray(nb.cells)
    ? nb.cells
    : Array.isArray(nb.worksheets)
      ? nb.worksheets.flatMap((w) => (Array.isArray(w?.cells) ? w.cells : []))
      : undefined;
  if (!list) throw new NotebookError('not a Jupyter notebook (no cells)');
  const meta = (nb.metadata ?? {}) as { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } };
  const language =
    [meta.kernelspec?.language, meta.language_info?.name].find((l): l is string => typeof l === 'string') ?? 'python';
  const cells = list.map((c): NotebookCell => {
    const cell = (c ?? {}) as {
      cell_type?: unknown;
      source?: unknown;
      input?: unknown;
      metadata?: { vscode?: { languageId?: unknown } };
    };
    const kind: CellKind =
      cell.cell_type === 'code'
        ? 'code'
        : cell.cell_type === 'markdown' || cell.cell_type === 'heading'
          ? 'markdown'
          : 'raw';
    const lang = cell.metadata?.vscode?.languageId;
    return { kind, text: asText(cell.source ?? cell.input), ...(typeof lang === 'string' ? { language: lang } : {}) };
  });
  return { cells, language: language.toLowerCase() };
}

export function isPythonCell(cell: NotebookCell, notebookLanguage = 'python'): boolean {
  return cell.kind === 'code' && (cell.language ?? notebookLanguage).toLowerCase() === 'python';
}

/** Which physical lines begin a logical line (not inside brackets, a string or after a backslash). */
function logicalStarts(lines: string[]): boolean[] {
  const out: boolean[] = [];
  const scan: PythonScan = { depth: 0, triple: null };
  let continued = false;
  for (const text of lines) {
    out.push(scan.depth === 0 && scan.triple === null && !continued);
    scanPythonLine(text, scan);
    continued = scan.triple === null && /\\$/.test(text.replace(/#.*$/, ''));
  }
  return out;
}

const CELL_MAGIC = /^\s*%%/;
// %magic, !shell, and the assignment forms IPython accepts: x = %env, files = !ls.
const LINE_MAGIC = /^\s*(?:[%!]|[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!](?!=))/;
const HELP = /^\s*(?:\?{1,2}[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\?{1,2})\s*$/;

/** The IPython-only form a cell's first line has, if any: the whole cell is then skipped. */
export function isCellMagic(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  return first !== undefined && CELL_MAGIC.test(first);
}

/** One cell as plain Python, line for line: magics and help lines become `pass`, a leading indent is removed. */
export function cellPython(text: string): { lines: string[]; dedent: number[] } {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const first = raw.find((l) => l.trim() !== '');
  const indent = first?.match(/^[ \t]+/)?.[0] ?? '';
  const dedent = raw.map((l) => (indent && l.startsWith(indent) ? indent.length : 0));
  const lines = raw.map((l, k) => l.slice(dedent[k]));
  const starts = logicalStarts(lines);
  return {
    lines: lines.map((l, k) => (starts[k] && (LINE_MAGIC.test(l) || HELP.test(l)) ? `${l.match(/^\s*/)![0]}pass` : l)),
    dedent,
  };
}

/** A line that writes nothing and binds no name: tells the runner which cell is running (for a timeout's message). */
export const cellMark = (cell: number): string =>
  `__import__('sys').stderr.write('\\x1ePHASE load cell ${cell + 1}\\n')`;

/**
 * The module of the Python code cells 0..last (0-based, inclusive). With `marks`, a line before each
 * cell reports it as the running phase (see cellMark), mapped to null.
 */
export function notebookModule(nb: Notebook, last: number, marks = true): NotebookModule {
  const out: string[] = [];
  const lines: (CellLine | null)[] = [];
  const included: number[] = [];
  const skipped: number[] = [];
  nb.cells.slice(0, last + 1).forEach((cell, index) => {
    if (!isPythonCell(cell, nb.language)) return;
    if (isCellMagic(cell.text)) {
      skipped.push(index);
      return;
    }
    included.push(index);
    if (marks) {
      out.push(cellMark(index));
      lines.push(null);
    }
    const py = cellPython(cell.text);
    py.lines.forEach((l, k) => {
      out.push(l);
      lines.push({ cell: index, line: k + 1, dedent: py.dedent[k] });
    });
  });
  return { source: out.join('\n') + '\n', lines, included, skipped };
}

/** The origin of a 1-based module line. */
export function cellLineOf(m: NotebookModule, moduleLine: number): CellLine | undefined {
  return m.lines[moduleLine - 1] ?? undefined;
}

export interface FunctionCell {
  /** "name" or "Class.method". */
  qualified: string;
  cell: number;
  /** 1-based line of the def in its cell. */
  line: number;
}

/** Every function the checker can call, cell by cell (a cell magic's cell defines none). */
export function notebookFunctions(nb: Notebook): FunctionCell[] {
  const out: FunctionCell[] = [];
  nb.cells.forEach((cell, index) => {
    if (!isPythonCell(cell, nb.language) || isCellMagic(cell.text)) return;
    for (const f of outline(cellPython(cell.text).lines.join('\n'), 'python').functions) {
      out.push({ qualified: f.className ? `${f.className}.${f.name}` : f.name, cell: index, line: f.line });
    }
  });
  return out;
}

export interface NotebookScope {
  /** The cell that defines the function checked. */
  cell: number;
  /** The last cell of the module (the function's, or its gradient's below it). */
  last: number;
}

/**
 * Which cells a check of `functionName` runs. `cell` is where it was asked from (a CodeLens, the
 * cursor); without it, the last cell that defines the function (what Run All leaves defined).
 * Undefined when no code cell defines it.
 */
export function notebookScope(
  nb: Notebook,
  functionName: string,
  cell?: number,
  gradientName?: string | null,
): NotebookScope | undefined {
  const fns = notebookFunctions(nb);
  const defining = fns.filter((f) => f.qualified === functionName).map((f) => f.cell);
  if (defining.length === 0) return undefined;
  // Its own cell; else the last definition above the cell asked from; else the last one.
  const above = defining.filter((c) => cell === undefined || c <= cell);
  const at =
    cell !== undefined && defining.includes(cell)
      ? cell
      : above.length
        ? above[above.length - 1]
        : defining[defining.length - 1];
  if (gradientName === null) return { cell: at, last: at };
  const dot = functionName.lastIndexOf('.');
  const [cls, name] = dot < 0 ? ['', functionName] : [functionName.slice(0, dot), functionName.slice(dot + 1)];
  const wanted =
    gradientName !== undefined
      ? new Set([gradientName, cls ? `${cls}.${gradientName}` : gradientName])
      : new Set(gradientNames(name).map((n) => (cls ? `${cls}.${n}` : n)));
  // Above or in its own cell: nothing to extend.
  if (fns.some((f) => f.cell <= at && wanted.has(f.qualified))) return { cell: at, last: at };
  const below = fns.find((f) => f.cell > at && wanted.has(f.qualified));
  if (!below) return { cell: at, last: at };
  const redefined = fns.some((f) => f.cell > at && f.cell <= below.cell && f.qualified === functionName);
  return { cell: at, last: redefined ? at : below.cell };
}

/** "cell 3, line 5" as the checker's messages and the CLI say it (1-based). */
export const cellLineText = (cell: number, line?: number): string =>
  line ? `cell ${cell + 1}, line ${line}` : `cell ${cell + 1}`;

/** The text of a cell's line as the learner wrote it (before magics became `pass`). */
function cellSource(nb: Notebook, at: CellLine): string | undefined {
  return nb.cells[at.cell]?.text.replace(/\r\n?/g, '\n').split('\n')[at.line - 1];
}

/**
 * A runner's error in notebook terms: lines in the module become lines in cells (error.cell is
 * 1-based, as shown), frames likewise; a timeout while loading names the cell that was running.
 */
export function mapRunError(error: RunError, nb: Notebook, m: NotebookModule, file: string): RunError {
  const ours = (f?: string) => f === undefined || f === file;
  const out: RunError = { ...error };
  const cellPhase = /^load cell (\d+)$/.exec(error.phase ?? '');
  if (cellPhase) {
    out.phase = 'load';
    out.cell = Number(cellPhase[1]);
  }
  if (error.line && ours(error.file)) {
    const at = cellLineOf(m, error.line);
    if (at) {
      out.cell = at.cell + 1;
      out.line = at.line;
      if (error.column) out.column = error.column + at.dedent;
      const src = cellSource(nb, at);
      if (src !== undefined) out.source = src.trim();
    }
  }
  if (error.trace) {
    out.trace = error.trace.map((fr): TraceFrame => {
      const at = ours(fr.file) ? cellLineOf(m, fr.line) : undefined;
      if (!at) return fr;
      const src = cellSource(nb, at);
      return { ...fr, cell: at.cell + 1, line: at.line, ...(src !== undefined ? { source: src.trim() } : {}) };
    });
  }
  return out;
}

/** A runner whose errors are told in cells (see mapRunError). */
export function notebookRunner(runner: Runner, nb: Notebook, m: NotebookModule, file: string): Runner {
  return async (request, signal): Promise<RunResult> => {
    const result = await runner(request, signal);
    return result.ok ? result : { ...result, error: mapRunError(result.error, nb, m, file) };
  };
}
