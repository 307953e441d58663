import { readFileSync } from 'fs';
import { basename, join, resolve } from 'path';
import { fileProblem, readRegularFile } from '../node/files';
import { endChildrenOnSignals } from '../gradcheck/run/childRun';

/** The largest --inputs file read. */
const INPUTS_MAX_BYTES = 64 * 1024 * 1024;
import { CheckOptions, CheckReport, DEFAULT_TIMEOUT_MS, Runners, errorReport, runCheck } from '../gradcheck/check';
import type { ElementRow } from '../gradcheck/analysis/compare';
import { msg } from '../gradcheck/analysis/messages';
import { Notebook, NotebookError, parseNotebook } from '../gradcheck/source/notebook';
import { functionPlace, runNotebookCheck } from '../gradcheck/notebookCheck';
import { elementText, fmt, formatMsg, shapeText } from '../gradcheck/analysis/messages';
import { cliT } from '../l10n/cli';

/** The checker's message templates in the terminal's language (LANG=ko_KR.UTF-8 → Korean). */
const cliText = (template: string) => cliT(template);
import { makeRunners } from '../gradcheck/run/runners';
import { json as jsonValue, isRecord, ProtocolError } from '../protocol/validate';
import { FlagSpec, UsageError, parseArgs } from './args';
import { errorMessage } from '../util/text';
import { INSIDE_SPECS, INSIDE_USAGE, defaultReplayArg, runInsideCli } from './gradcheckInside';

export const GRADCHECK_USAGE =
  'usage: npm run gradcheck -- FILE FUNCTION [--cell N] [--grad NAME|./OTHER.ts:NAME|none] [--grad-key KEY] [--wrt ARG|PATH] [--inputs INPUTS.json] [--h H] [--batch N] [--seed N] [--timeout SECONDS] [--python PATH] [--json] ' +
  INSIDE_USAGE;

const SPECS: Record<string, FlagSpec> = {
  grad: { kind: 'string' },
  'grad-key': { kind: 'string' },
  wrt: { kind: 'string' },
  inputs: { kind: 'string' },
  h: { kind: 'number', min: 0, exclusiveMin: true },
  batch: { kind: 'int', min: 1, max: 10_000 },
  seed: { kind: 'int', min: 0, max: 4294967295 },
  // The setting gradientLab.checkGradient.timeoutSeconds has the same maximum.
  timeout: { kind: 'number', min: 0, exclusiveMin: true, max: 600 },
  python: { kind: 'string' },
  'max-elements': { kind: 'int', min: 1, max: 100_000 },
  json: { kind: 'bool' },
  cell: { kind: 'int', min: 1 },
  help: { kind: 'bool' },
  ...INSIDE_SPECS,
};

/** The interpreter from --python, $GRADIENT_LAB_PYTHON or python3. */
const cliPython = (python: string | undefined) =>
  python ?? process.env.GRADIENT_LAB_PYTHON ?? (process.platform === 'win32' ? 'python' : 'python3');
const cliHarness = (distDir: string) => join(distDir, '..', 'media', 'python', 'gradcheck_harness.py');

/** Runners for a terminal: the interpreter from --python, $GRADIENT_LAB_PYTHON or python3. */
export function cliRunners(python: string | undefined, distDir: string): Runners {
  const interpreter = cliPython(python);
  const harness = cliHarness(distDir);
  return makeRunners({
    python: interpreter,
    harness,
    workerPath: join(distDir, 'jsRunnerWorker.js'),
    pythonHint: 'choose another interpreter with --python PATH (or $GRADIENT_LAB_PYTHON)',
  });
}

function readInputs(path: string): Record<string, import('../protocol/validate').Json> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(readRegularFile(path, INPUTS_MAX_BYTES)).replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UsageError(`--inputs ${path}: ${fileProblem(e)}`);
  }
  try {
    const v = jsonValue(raw, 'inputs');
    if (!isRecord(v)) throw new ProtocolError('must be an object of argument name → number or nested array');
    return v as Record<string, import('../protocol/validate').Json>;
  } catch (e) {
    throw new UsageError(`--inputs ${path}: ${errorMessage(e)}`);
  }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The report as a learner reads it in a terminal. */
export function formatReport(r: CheckReport, maxRows = 10): string {
  const lines: string[] = [];
  const where = (f?: { qualified: string; line: number; cell?: number }) =>
    f ? `${f.qualified} (${functionPlace(f)})` : '';
  if (r.loss) {
    const against = r.gradient
      ? `against ${where(r.gradient)}${r.gradientFrom?.includes('→') ? ` (${r.gradientFrom})` : ''}`
      : r.gradientFrom
        ? `against ${r.gradientFrom}`
        : 'numerical gradient only';
    lines.push(`Gradient check of ${where(r.loss)} in ${r.file}, ${against}`);
    const what = r.groups ? ` (${r.groups.length} groups)` : r.shape.length || r.total ? ` ${shapeText(r.shape)}` : '';
    if (r.verdict !== 'error' || r.shape.length) lines.push(`with respect to ${r.wrt}${what}, h = ${fmt(r.h)}`);
  }
  lines.push(`Verdict: ${r.verdict.toUpperCase()} — ${formatMsg(r.summary, cliText)}`);
  if (r.messages.length) {
    lines.push('', `Diagnosis (${r.diagnosis.join(', ')}):`);
    for (const m of r.messages) lines.push(`  - ${formatMsg(m, cliText)}`);
  }
  if (r.notes?.length) {
    lines.push('', 'How it was checked:');
    for (const m of r.notes) lines.push(`  - ${formatMsg(m, cliText)}`);
  }
  if (r.groups?.length) {
    lines.push('', `Parameter groups of ${r.wrt}:`);
    for (const g of r.groups) {
      lines.push(
        `  ${pad(g.wrt, 22)}${pad(shapeText(g.shape), 12)}${pad(g.verdict.toUpperCase(), 16)}max rel error ${g.maxRelativeError === null ? '—' : fmt(g.maxRelativeError)}`,
      );
    }
  }
  if (r.error?.trace && r.error.trace.length > 1) {
    lines.push('', 'Where (innermost last):');
    for (const f of [...r.error.trace].reverse()) {
      const at = f.cell ? `${basename(f.file)}, cell ${f.cell}, line ${f.line}` : `${f.file}:${f.line}`;
      lines.push(`  ${at}${f.function ? ` in ${f.function}` : ''}: ${f.source ?? ''}`);
    }
  }
  if (r.recognised) {
    lines.push(
      '',
      `Recognised: the book's ${r.recognised.kind.replace(/-/g, ' ')} error — ${r.recognised.values.map(fmt).join(' and ')} on its two examples (the book: ${r.recognised.expected.map(fmt).join(' and ')}).`,
    );
  }
  for (const g of r.groups ?? [r]) {
    if (!g.rows.length) continue;
    const withA = g.rows.some((x) => x.analytic !== null);
    if (r.groups) lines.push('', `${g.wrt}:`);
    lines.push(...rowLines(g, withA, maxRows));
  }
  if (r.errorVsH) {
    const e = r.errorVsH;
    const at = r.groups?.find((g) => g.errorVsH === e)?.wrt ?? r.wrt;
    lines.push(
      '',
      `Error vs h at ${elementText(at, e.position)} (relative to ${e.referenceKind === 'analytic' ? 'your gradient' : 'an extrapolated derivative'} ${fmt(e.reference)}):`,
    );
    lines.push(`  ${pad('h', 9)}${pad('forward', 12)}central`);
    e.hs.forEach((h, k) => lines.push(`  ${pad(fmt(h), 9)}${pad(fmt(e.forward[k]), 12)}${fmt(e.central[k])}`));
  }
  if (r.output?.droppedBytes) {
    const dropped =
      'Your code printed {0} bytes more than the {1} KiB kept per stream; the rest was counted and dropped.';
    lines.push('', cliT(dropped, r.output.droppedBytes, r.output.capBytes / 1024));
  }
  if (r.verdict === 'pass' || r.verdict === 'fail') {
    lines.push(
      '',
      `Thresholds: an element passes when its relative error |a−n|/max(|a|,|n|) ≤ ${fmt(r.thresholds.relative)} or |a−n| ≤ ${fmt(r.thresholds.absoluteFloor)} (1e-8·max(1, |f(x)|)); ≤ ${fmt(r.thresholds.excellent)} everywhere is excellent.`,
    );
  }
  if (r.verdict !== 'error')
    lines.push(`${r.runtime ?? ''} · ${r.evaluations} evaluations · ${(r.elapsedMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}

/** One table of elements: the worst first when there is a gradient to compare, else in order. */
function rowLines(r: CheckReport, withA: boolean, maxRows: number): string[] {
  const lines: string[] = [];
  lines.push(
    '',
    withA
      ? `Worst elements (${Math.min(maxRows, r.rows.length)} of ${r.checked}${r.checked < r.total ? `, a sample of ${r.total}` : ''}):`
      : `Numerical gradient (${Math.min(maxRows, r.rows.length)} of ${r.checked}):`,
  );
  lines.push(
    `  ${pad('element', 14)}${pad('x', 12)}${pad('numerical', 14)}${withA ? `${pad('yours', 14)}${pad('abs error', 11)}${pad('rel error', 11)}` : ''}`,
  );
  const rows = withA ? r.rows : [...r.rows].sort((a, b) => a.index - b.index);
  const width = Math.max(14, ...rows.slice(0, maxRows).map((row) => elementText(r.wrt, row.position).length + 2));
  lines[lines.length - 1] = `  ${pad('element', width)}${lines[lines.length - 1].slice(2 + 14)}`;
  for (const row of rows.slice(0, maxRows)) {
    const mark = row.ok === false ? '  ✗' : row.ok ? '  ✓' : '';
    lines.push(
      `  ${pad(elementText(r.wrt, row.position), width)}${pad(fmt(row.x), 12)}${pad(fmt(row.numerical), 14)}${withA ? `${pad(row.analytic === null ? '—' : fmt(row.analytic), 14)}${pad(row.absError === null ? '—' : fmt(row.absError), 11)}${pad(row.relError === null ? '—' : fmt(row.relError), 11)}` : ''}${mark}`,
    );
  }
  return lines;
}

/** The --json object: verdict, maxRelativeError, diagnosis and message first, then the details. */
/** The first ten rows (the worst first) as --json writes them. */
function worstRows(rows: readonly ElementRow[]) {
  return rows.slice(0, 10).map((x) => ({
    element: x.position,
    x: x.x,
    numerical: x.numerical,
    analytic: x.analytic,
    relativeError: x.relError,
    ok: x.ok,
  }));
}

export function reportJson(r: CheckReport): Record<string, unknown> {
  return {
    verdict: r.verdict,
    maxRelativeError: r.maxRelativeError,
    diagnosis: r.diagnosis,
    message: [formatMsg(r.summary), ...r.messages.map((m) => formatMsg(m))].join('\n'),
    file: r.file,
    function: r.loss?.qualified,
    gradient: r.gradient?.qualified ?? r.gradientFrom ?? null,
    gradientFrom: r.gradientFrom,
    notes: r.notes?.map((m) => formatMsg(m)),
    groups: r.groups?.map((g) => ({
      wrt: g.wrt,
      verdict: g.verdict,
      maxRelativeError: g.maxRelativeError,
      diagnosis: g.diagnosis,
      shape: g.shape,
      checked: g.checked,
      message: [formatMsg(g.summary), ...g.messages.map((m) => formatMsg(m))].join('\n'),
      worst: worstRows(g.rows),
    })),
    wrt: r.wrt,
    shape: r.shape,
    h: r.h,
    maxAbsoluteError: r.maxAbsoluteError,
    checked: r.checked,
    total: r.total,
    line: r.error?.line,
    cell: r.error?.cell ?? r.loss?.cell,
    error: r.error
      ? {
          kind: r.error.kind,
          message: r.error.message,
          line: r.error.line,
          file: r.error.file,
          cell: r.error.cell,
          choices: r.error.choices,
        }
      : undefined,
    recognised: r.recognised?.kind,
    thresholds: r.thresholds,
    worst: worstRows(r.rows),
    errorVsH: r.errorVsH,
    evaluations: r.evaluations,
    elapsedMs: r.elapsedMs,
    runtime: r.runtime,
    outputDroppedBytes: r.output?.droppedBytes ?? 0,
  };
}

export async function runGradcheck(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(defaultReplayArg(argv), SPECS, 2);
  if (flags.help) {
    process.stdout.write(GRADCHECK_USAGE + '\n');
    return 0;
  }
  if (positional.length < 2) throw new UsageError(`FILE and FUNCTION are required\n${GRADCHECK_USAGE}`);
  const [file, functionName] = positional;
  // Ctrl-C, SIGTERM, SIGHUP end the check's process group too (it runs in a group of its own).
  endChildrenOnSignals();
  const grad = flags.grad as string | undefined;
  const options: CheckOptions = {
    file,
    functionName,
    gradientName: grad === undefined ? undefined : grad === 'none' ? null : grad,
    wrt: flags.wrt as string | undefined,
    inputs: flags.inputs ? readInputs(flags.inputs as string) : undefined,
    h: flags.h as number | undefined,
    batchSize: flags.batch as number | undefined,
    seed: flags.seed as number | undefined,
    timeoutMs: flags.timeout ? (flags.timeout as number) * 1000 : DEFAULT_TIMEOUT_MS,
    maxElements: flags['max-elements'] as number | undefined,
    gradKey: flags['grad-key'] as string | undefined,
    workspace: process.cwd(),
  };
  const runners = cliRunners(flags.python as string | undefined, __dirname);
  const cell = flags.cell as number | undefined;
  if (cell !== undefined && !/\.ipynb$/i.test(file))
    throw new UsageError(`--cell is for a notebook (.ipynb), not ${file}`);
  const report = /\.ipynb$/i.test(file)
    ? await checkNotebook(options, cell, runners)
    : await runCheck(options, runners);
  const python = cliPython(flags.python as string | undefined);
  const inside = await runInsideCli(flags, options, report, runners, python, cliHarness(__dirname));
  if (flags.json) process.stdout.write(JSON.stringify({ ...reportJson(report), ...inside.json }) + '\n');
  else process.stdout.write([formatReport(report), ...inside.text].join('\n\n') + '\n');
  // numerical-only is not a failure of the learner's code: nothing of theirs was compared (exit 0).
  return report.verdict === 'pass' || report.verdict === 'numerical-only' ? 0 : report.verdict === 'fail' ? 1 : 2;
}

/** A notebook: the function's cell (--cell N, 1-based; else its last definition) and the cells above it, as the panel checks it. */
async function checkNotebook(options: CheckOptions, cell: number | undefined, runners: Runners): Promise<CheckReport> {
  const file = resolve(options.file);
  const base = {
    file,
    language: 'python' as const,
    functions: [],
    wrt: options.wrt ?? '',
    wrtChoices: [],
    h: options.h ?? 1e-4,
    inputs: options.inputs ?? {},
  };
  let notebook: Notebook;
  try {
    notebook = parseNotebook(readFileSync(file, 'utf8'));
  } catch (e) {
    const reason = e instanceof NotebookError ? e.message : (e as Error).message;
    return errorReport(base, ['not-found'], [msg('Cannot read {0}: {1}', file, reason)]);
  }
  if (cell !== undefined && (cell > notebook.cells.length || notebook.cells[cell - 1].kind !== 'code')) {
    throw new UsageError(
      `--cell ${cell}: ${basename(file)} has no code cell ${cell} (it has ${notebook.cells.length} cells)`,
    );
  }
  return runNotebookCheck({ ...options, file, notebook, cell: cell === undefined ? undefined : cell - 1 }, runners);
}
