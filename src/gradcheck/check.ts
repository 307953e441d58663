import { readFileSync } from 'fs';
import { resolve } from 'path';
import { Random } from '../core/random';
import { Comparison, ElementRow, ErrorVsH, SWEEP_HS, THRESHOLDS, centralDifferences, compare, errorVsH, sameShape, sizeOf } from './compare';
import { Fix, FixContext, deltaInLogFix, gradientFixes } from './formulas';
import { Finding, behaviourFindings, failureFindings, nanFindings, shapeFindings, stepSizeFinding } from './diagnose';
import { ErrorCode, describeError } from './errors';
import { ClassInfo, FunctionInfo, Language, conventionalGradient, findFunction, gradientCall, indexesRows, languageOf, outline, qualifiedName } from './functions';
import { BOOK_LOSSES, BookLoss, Inputs, bookProbes, defaultWrt, generateInputs, recogniseBookLoss, weightAttributes, wrtChoices } from './inputs';
import { Msg, elementText, fmt, msg } from './messages';
import type { Json } from '../protocol/validate';
import type { RunError, RunOutput, RunRequest, RunResult, Runner } from './types';

/**
 * One gradient check from start to report: find the loss (and its gradient) in the file, make
 * or take the inputs, evaluate in the learner's runtime, compare, diagnose. Used alike by the
 * extension (src/panels/gradcheck) and the CLI (src/cli/gradcheck.ts).
 */

export interface CheckOptions {
  file: string;
  /** The editor's text (saved or not); read from disk when absent. */
  source?: string;
  /** "name" or "Class.method". */
  functionName: string;
  /** undefined: found by convention; null: none (numerical gradient only). */
  gradientName?: string | null;
  wrt?: string;
  inputs?: Inputs;
  h?: number;
  batchSize?: number;
  seed?: number;
  timeoutMs?: number;
  /** Larger inputs are checked on a seeded random sample of this many elements. */
  maxElements?: number;
  /** The gradient must take a single example and a batch: hints' formulas cover both (the exercise file). */
  anyShape?: boolean;
}

/** One per runtime; built by makeRunners (./runners). */
export interface Runners {
  python: Runner;
  js: Runner;
  /** How to choose another interpreter, for "no Python" messages ("set gradientLab.pythonPath"). */
  pythonHint: string;
}

export type Verdict = 'pass' | 'fail' | 'error';
export type DiagnosisCodeAny = Finding['code'] | ErrorCode;

export interface FunctionSummary {
  name: string;
  className?: string;
  qualified: string;
  line: number;
  params: string[];
}

export interface CheckReport {
  verdict: Verdict;
  maxRelativeError: number | null;
  maxAbsoluteError: number | null;
  diagnosis: DiagnosisCodeAny[];
  /** The headline, then one message per finding. */
  summary: Msg;
  messages: Msg[];
  /** Per message: the line it prescribes, when it names one (null otherwise). */
  fixes?: (Fix | null)[];
  language: Language;
  file: string;
  loss?: FunctionSummary;
  gradient?: FunctionSummary & { style: 'args' | 'numerical' };
  /** The file's other functions, for choosing a gradient by hand. */
  functions: FunctionSummary[];
  wrt: string;
  wrtChoices: string[];
  h: number;
  inputs: Inputs;
  shape: number[];
  checked: number;
  total: number;
  rows: ElementRow[];
  errorVsH: ErrorVsH | null;
  recognised?: { kind: BookLoss; values: number[]; expected: readonly number[] };
  error?: RunError;
  thresholds: { relative: number; excellent: number; absolute: number; absoluteFloor: number };
  evaluations: number;
  elapsedMs: number;
  runtime?: string;
}

export const DEFAULT_H = 1e-4;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ELEMENTS = 500;
/** Steps besides h: larger ones to recognise a learner's numerical gradient, h/10 to refine. */
const stepHs = (h: number) => [...new Set([1e-2, 1e-3, h / 10, h / 100])].filter((s) => s !== h);

const summarize = (f: FunctionInfo): FunctionSummary => ({ name: f.name, className: f.className, qualified: qualifiedName(f), line: f.line, params: f.params });

function shapeOfJson(v: Json | undefined): number[] | undefined {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v)) return undefined;
  const inner = v.length ? shapeOfJson(v[0]) : [];
  return inner === undefined ? undefined : [v.length, ...inner];
}

/** Indices to check: all, or a seeded sample when the input is large. */
export function chooseIndices(total: number, max: number, seed: number): number[] | undefined {
  if (total <= max) return undefined;
  const rng = new Random(seed + 1);
  const picked = new Set<number>();
  while (picked.size < max) picked.add(rng.randInt(total));
  return [...picked].sort((a, b) => a - b);
}

export interface Prepared {
  request: RunRequest;
  language: Language;
  loss: FunctionInfo;
  gradient?: FunctionInfo;
  functions: FunctionInfo[];
  cls?: ClassInfo;
  wrtChoices: string[];
  lossSource: string;
  /** How generated inputs are shaped (see prepare). */
  batched: boolean;
  anyShape?: boolean;
  externalWeights: boolean;
}

/** Everything up to running: a request, or an error report (unknown function, bad file). */
export function prepare(options: CheckOptions): Prepared | CheckReport {
  const file = resolve(options.file);
  const language = languageOf(file);
  const base = { file, functions: [] as FunctionSummary[], wrt: options.wrt ?? '', wrtChoices: [], h: options.h ?? DEFAULT_H, inputs: options.inputs ?? {} };
  if (!language) return errorReport({ ...base, language: 'python' }, ['not-found'], [msg('{0} is not a Python, JavaScript or TypeScript file.', file)]);
  let source = options.source;
  if (source === undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      return errorReport({ ...base, language }, ['not-found'], [msg('Cannot read {0}: {1}', file, (e as Error).message)]);
    }
  }
  const o = outline(source, language);
  const functions = o.functions;
  const loss = findFunction(o, options.functionName);
  if (!loss) {
    const names = functions.map(qualifiedName).join(', ') || '—';
    return errorReport({ ...base, language, functions: functions.map(summarize) }, ['not-found'], [msg('There is no function {0} in {1} (functions found: {2}).', options.functionName, file, names)]);
  }
  let gradient: FunctionInfo | undefined;
  if (options.gradientName === undefined) gradient = conventionalGradient(o, loss);
  else if (options.gradientName !== null) {
    gradient = findFunction(o, options.gradientName) ?? (loss.className ? findFunction(o, `${loss.className}.${options.gradientName}`) : undefined);
    if (!gradient) return errorReport({ ...base, language, functions: functions.map(summarize) }, ['not-found'], [msg('There is no function {0} in {1} to use as the gradient.', options.gradientName, file)]);
  }
  const cls = o.classes.find((c) => c.name === loss.className);
  const seed = options.seed ?? 0;
  const lines = source.split('\n');
  const textOf = (f?: FunctionInfo) => (f ? lines.slice(f.line - 1, f.endLine).join('\n') : '');
  // numpy code takes a batch as it is; JavaScript written for one example would choke on rows.
  // A method whose class holds the weights is the book's simpleNet: one example, W of 2 × 3.
  const externalWeights = weightAttributes(cls).length > 0;
  const batched = !externalWeights && (language === 'python' || indexesRows(textOf(loss) + '\n' + textOf(gradient), loss.params));
  const inputs = options.inputs ?? generateInputs(loss.params, { batchSize: options.batchSize ?? 4, seed, batched, externalWeights });
  const wrt = options.wrt ?? defaultWrt(loss.params, cls);
  const total = sizeOf(shapeOfJson(inputs[wrt]) ?? [0]);
  const call = gradient ? gradientCall(gradient, loss) : undefined;
  const request: RunRequest = {
    file,
    source,
    loss: { name: loss.name, className: loss.className },
    params: loss.params,
    gradient: gradient && call ? { name: gradient.name, className: gradient.className, style: call.style, args: call.args } : undefined,
    inputs,
    wrt,
    h: options.h ?? DEFAULT_H,
    indices: chooseIndices(total, options.maxElements ?? DEFAULT_MAX_ELEMENTS, seed),
    stepHs: stepHs(options.h ?? DEFAULT_H),
    stepLimit: 100,
    sweepHs: SWEEP_HS,
    probes: loss.className ? undefined : bookProbes(loss.params),
    seed,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  return { request, language, loss, gradient, functions, cls, wrtChoices: wrtChoices(loss.params, cls), lossSource: textOf(loss), batched, externalWeights, anyShape: options.anyShape };
}

function errorReport(
  base: { file: string; language: Language; functions: FunctionSummary[]; wrt: string; wrtChoices: string[]; h: number; inputs: Inputs },
  codes: DiagnosisCodeAny[],
  messages: Msg[],
  error?: RunError,
): CheckReport {
  return {
    verdict: 'error', maxRelativeError: null, maxAbsoluteError: null, diagnosis: codes, summary: messages[0], messages: messages.slice(1),
    ...base, shape: [], checked: 0, total: 0, rows: [], errorVsH: null, error,
    thresholds: { ...THRESHOLDS, absoluteFloor: THRESHOLDS.absolute }, evaluations: 0, elapsedMs: 0,
  };
}

export async function runCheck(options: CheckOptions, runners: Runners, signal?: AbortSignal): Promise<CheckReport> {
  const started = Date.now();
  const prepared = prepare(options);
  if (!('request' in prepared)) return prepared;
  return runPrepared(prepared, runners, signal, started);
}

/**
 * The second half of runCheck, for a caller that looks at the prepared check before running it
 * (the panel builds its form from it): run in the file's runtime, then analyse.
 */
export async function runPrepared(prepared: Prepared, runners: Runners, signal?: AbortSignal, started = Date.now()): Promise<CheckReport> {
  const runner = prepared.language === 'python' ? runners.python : runners.js;
  const result = await runner(prepared.request, signal);
  const report = analyse(prepared, result, runners.pythonHint);
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The learner's lines the hints' formulas are derived from. */
function fixContext(p: Prepared): FixContext {
  const span = (f?: FunctionInfo) => f && { line: f.line, endLine: f.endLine, params: f.params };
  return { language: p.language, lines: (p.request.source ?? '').split('\n'), loss: span(p.loss), gradient: span(p.gradient), anyShape: p.anyShape };
}

/** Comparison, diagnosis and verdict for a runner's result. */
export function analyse(p: Prepared, result: RunResult, pythonHint: string): CheckReport {
  const req = p.request;
  const base = {
    file: req.file, language: p.language, loss: summarize(p.loss), functions: p.functions.filter((f) => f !== p.loss).map(summarize),
    gradient: p.gradient ? { ...summarize(p.gradient), style: req.gradient!.style } : undefined,
    wrt: req.wrt, wrtChoices: p.wrtChoices, h: req.h, inputs: req.inputs,
  };
  if (!result.ok) {
    const e = describeError(result.error, req, pythonHint);
    return { ...errorReport(base, e.codes, e.messages, result.error), loss: base.loss, gradient: base.gradient };
  }
  const out: RunOutput = result;
  const numerical = centralDifferences(out.plus, out.minus, req.h);
  const fixes = gradientFixes(req, out, numerical, fixContext(p));
  const findings: Finding[] = behaviourFindings(out, p.loss.name, p.gradient?.name);
  let aligned: number[] | null = null;
  let shapeProblem = false;
  if (out.analytic) {
    if (sameShape(out.analytic.shape, out.shape) && out.analytic.values.length === out.x.length) aligned = out.analytic.values;
    else {
      const s = shapeFindings(req, out, out.analytic, numerical, fixes);
      findings.push(...s.findings);
      aligned = s.aligned ?? null;
      shapeProblem = true;
    }
  }
  const nan = nanFindings(req, out, numerical, aligned, p.lossSource, { loss: deltaInLogFix(fixContext(p)), gradient: fixes.identified });
  const tenth = out.steps.find((s) => Math.abs(s.h - req.h / 10) <= 1e-9 * req.h);
  const refined = tenth ? new Map(tenth.plus.map((pl, k) => [out.indices[k], (pl - tenth.minus[k]) / (2 * tenth.h)] as [number, number])) : undefined;
  const comparison: Comparison = compare(out, req.h, aligned, refined);
  const trusted = findings.length === 0 && nan.length === 0;
  if (trusted && aligned && comparison.failing > 0) {
    const failing = comparison.rows.filter((r) => r.ok === false).map((r) => r.index);
    findings.push(...failureFindings(req, out, aligned, numerical, comparison.absoluteFloor, failing, fixes));
  } else if (trusted && aligned && (comparison.maxRelativeError ?? 0) > 1e-8) {
    const note = stepSizeFinding(req, out, aligned, numerical);
    if (note) findings.push(note);
  }
  const converged = comparison.rows.filter((r) => r.converged);
  if (trusted && converged.length) {
    const worst = Math.max(...converged.map((r) => r.relError ?? 0));
    findings.push({ code: 'truncation', message: msg('At {0} elements the central difference with h = {1} is still off by up to {2}: the function curves sharply there (−log y with y near 0?). With h/10 it agrees with your gradient, and the error shrank like h², so these elements pass.', converged.length, fmt(req.h), fmt(worst)) });
  }
  findings.unshift(...nan);
  const verdict: Verdict = shapeProblem || comparison.failing > 0 || findings.some((f) => ['nan', 'nondeterministic', 'mutates-input'].includes(f.code)) ? 'fail' : 'pass';
  const recognisedLoss = recogniseBookLoss(out.probes);
  const sweepAt = out.sweep && aligned ? aligned[out.sweep.index] : null;
  return {
    ...base,
    verdict,
    maxRelativeError: comparison.maxRelativeError,
    maxAbsoluteError: comparison.maxAbsoluteError,
    diagnosis: findings.map((f) => f.code).filter((c, k, all) => all.indexOf(c) === k),
    summary: headline(verdict, comparison, req, p, out, aligned !== null),
    messages: findings.map((f) => f.message),
    fixes: findings.map((f) => f.fix ?? null),
    shape: out.shape,
    checked: out.indices.length,
    total: out.x.length,
    rows: comparison.rows,
    errorVsH: errorVsH(out, sweepAt),
    recognised: recognisedLoss ? { ...recognisedLoss, expected: BOOK_LOSSES[recognisedLoss.kind] } : undefined,
    thresholds: { ...THRESHOLDS, absoluteFloor: comparison.absoluteFloor },
    evaluations: out.evaluations,
    elapsedMs: out.elapsedMs,
    runtime: out.runtime,
  };
}

function headline(verdict: Verdict, c: Comparison, req: RunRequest, p: Prepared, out: RunOutput, compared: boolean): Msg {
  const n = out.indices.length;
  if (!p.gradient) {
    return verdict === 'pass'
      ? msg('No hand-written gradient: this is the numerical gradient of {0}() alone (central differences, h = {1}, {2} elements).', p.loss.name, fmt(req.h), n)
      : msg('The numerical gradient of {0}() cannot be trusted: see below.', p.loss.name);
  }
  if (verdict === 'pass') {
    return (c.maxRelativeError ?? 0) <= THRESHOLDS.excellent
      ? msg('Your gradient matches the numerical gradient: largest relative error {0} over {1} elements (excellent: ≤ 1e-7; pass: ≤ 1e-5 per element).', fmt(c.maxRelativeError ?? 0), n)
      : msg('Your gradient passes: largest relative error {0} over {1} elements (pass: ≤ 1e-5 per element), but above the 1e-7 a float64 gradient usually reaches.', fmt(c.maxRelativeError ?? 0), n);
  }
  const worst = c.rows[0];
  if (compared && c.failing > 0 && worst?.analytic !== null && worst) {
    return msg('Your gradient does not match at {0} of {1} elements. Worst: {2} is {3} in yours and {4} numerically (relative error {5}; pass: ≤ 1e-5).', c.failing, n, elementText(req.wrt, worst.position), fmt(worst.analytic), fmt(worst.numerical), fmt(worst.relError ?? NaN));
  }
  return msg('The check failed: see the diagnosis below.');
}
