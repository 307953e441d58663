import { relativeError } from './compare';
import type { Language } from '../source/findFunctions';
import { roleOf } from '../run/inputs';
import type { RunOutput, RunRequest } from '../types';

/**
 * The formula a hint names, derived from what was checked — never a fixed text. Two sources:
 *
 * - the loss's own gradient, identified from the numerical gradient: the central differences of
 *   the learner's loss at these inputs are compared with the gradients of the losses chapter 4
 *   writes (cross entropy error −t / (y + δ) / N, sum of squares y − t); a formula is named only
 *   when every checked element agrees, so it is the gradient of the function actually checked;
 * - the learner's own code, changed by exactly what the fingerprint says (their return
 *   expression divided by N, negated, δ added inside their log).
 *
 * A Fix is a whole line in the learner's language: the hint prints `text`, and the hint audit
 * (test/unit/hintAudit.test.ts) writes `text` over `line` of their file and checks again.
 * No vscode import.
 */

export interface Fix {
  /** Which function the line belongs to. */
  target: 'gradient' | 'loss';
  /** 1-based line of the learner's file that `text` replaces (their return, their log line). */
  line?: number;
  /** The new line, without indentation: `return -t / (y + 1e-7) / batch_size`. */
  text: string;
}

/** The learner's code the fixes are derived from. */
export interface FixContext {
  language: Language;
  /** The file's lines (0-based array; FunctionInfo lines are 1-based). */
  lines: string[];
  loss?: { line: number; endLine: number; params: string[] };
  gradient?: { line: number; endLine: number; params: string[] };
  /**
   * The gradient must take a single example and a batch (the exercise file): formulas are
   * written for both shapes, not only for the one checked.
   */
  anyShape?: boolean;
}

/** How close the numerical gradient must be to a known formula for it to be named (loose: rounding of central differences). */
const IDENTIFY_TOL = 1e-4;

type Nested = number | Nested[];

interface Known {
  /** 'cee': cross entropy error; 'sse': sum of squares error. */
  kind: 'cee' | 'sse';
  /** Divided by the batch size (rows of a 2-D y). */
  averaged: boolean;
  values: number[];
}

const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const rankOf = (v: unknown): number => (Array.isArray(v) ? 1 + rankOf(v[0]) : 0);

/** δ as the learner's loss writes it inside its log (`np.log(y + 1e-7)`), else the book's 1e-7. */
export function deltaOf(lossSource: string): string {
  const m = /\blog\s*\(\s*[\w.[\]]+\s*\+\s*(\d+(?:\.\d*)?(?:e-?\d+)?)\s*\)/i.exec(lossSource);
  return m ? m[1] : '1e-7';
}

/** The probabilities and one-hot targets of the check (y and t of the same shape), if it has them. */
function probsAndTargets(
  req: RunRequest,
): { y: string; t: string; yv: number[]; tv: number[]; rank: number } | undefined {
  if (roleOf(req.wrt) !== 'probs') return undefined;
  const yv = req.inputs[req.wrt];
  const tName = req.params.find((p) => p !== req.wrt && roleOf(p) === 'target');
  const tv = tName === undefined ? undefined : req.inputs[tName];
  if (!Array.isArray(yv) || !Array.isArray(tv) || tName === undefined) return undefined;
  const y = flat(yv as Nested);
  const t = flat(tv as Nested);
  const rank = rankOf(yv);
  if (y.length !== t.length || rank !== rankOf(tv) || rank < 1 || rank > 2) return undefined;
  return { y: req.wrt, t: tName, yv: y, tv: t, rank };
}

/** The gradient of the checked loss, when it is one chapter 4 writes: matched at every checked element. */
export function identifyGradient(
  req: RunRequest,
  out: RunOutput,
  numerical: number[],
  delta: number,
): Known | undefined {
  const pt = probsAndTargets(req);
  if (!pt || pt.yv.length !== out.x.length) return undefined;
  const N = pt.rank === 2 ? out.shape[0] : 1;
  const candidates: Known[] = [
    { kind: 'cee', averaged: true, values: pt.yv.map((y, i) => -pt.tv[i] / (y + delta) / N) },
    { kind: 'sse', averaged: false, values: pt.yv.map((y, i) => y - pt.tv[i]) },
  ];
  if (N > 1) candidates.push({ kind: 'cee', averaged: false, values: pt.yv.map((y, i) => -pt.tv[i] / (y + delta)) });
  const scale = Math.max(1e-12, ...numerical.map(Math.abs));
  const agrees = (k: Known) =>
    numerical.some((v) => v !== 0) &&
    out.indices.every(
      (i, j) =>
        Math.abs(k.values[i] - numerical[j]) <= 1e-7 * scale ||
        relativeError(k.values[i], numerical[j]) <= IDENTIFY_TOL,
    );
  return candidates.find(agrees);
}

/** Lines [line, endLine] of a function, 1-based. */
const body = (ctx: FixContext, f: { line: number; endLine: number }) => ctx.lines.slice(f.line - 1, f.endLine);

/** The function's one return line (1-based) and its expression, when it has exactly one single-line return. */
export function returnOf(
  ctx: FixContext,
  f: { line: number; endLine: number } | undefined,
): { line: number; expr: string } | undefined {
  if (!f) return undefined;
  const found: { line: number; expr: string }[] = [];
  body(ctx, f).forEach((text, k) => {
    const m = /^\s*return\s+(.+?)\s*;?\s*(#.*|\/\/.*)?$/.exec(text);
    if (m) found.push({ line: f.line + k, expr: m[1] });
  });
  if (found.length !== 1) return undefined;
  const { expr } = found[0];
  let depth = 0;
  for (const c of expr) depth += c === '(' || c === '[' || c === '{' ? 1 : c === ')' || c === ']' || c === '}' ? -1 : 0;
  return depth === 0 && !/[,\\]$/.test(expr) ? found[0] : undefined;
}

/** What the learner's gradient calls the batch size: their own batch_size variable, else the rows of y. */
function batchSizeName(ctx: FixContext, y: string): string {
  const g = ctx.gradient ? body(ctx, ctx.gradient).join('\n') : '';
  if (ctx.language !== 'python') return `${y}.length`;
  const own = /^\s*batch_size\s*=(.*)$/m.exec(g);
  // For both shapes their batch_size must itself tell a single example (1) from a batch.
  if (own && (!ctx.anyShape || /ndim|reshape|\bif\b/.test(own[1] + g))) return 'batch_size';
  return ctx.anyShape ? `(${y}.shape[0] if ${y}.ndim == 2 else 1)` : `${y}.shape[0]`;
}

/** The identified gradient as an expression in the learner's language and names. */
export function formulaText(
  k: Known,
  ctx: FixContext,
  names: { y: string; t: string; rank: number },
  delta: string,
): string {
  const { y, t } = names;
  const N = batchSizeName(ctx, y);
  if (ctx.language === 'python') {
    if (k.kind === 'sse') return `${y} - ${t}`;
    return k.averaged && (names.rank === 2 || ctx.anyShape)
      ? `-${t} / (${y} + ${delta}) / ${N}`
      : `-${t} / (${y} + ${delta})`;
  }
  // JavaScript/TypeScript: arrays of numbers (rows for a batch), so the formula maps over y.
  const el = (v: string, tt: string, rank: number) =>
    k.kind === 'sse' ? `${v} - ${tt}` : `-${tt} / (${v} + ${delta})${k.averaged && rank === 2 ? ` / ${N}` : ''}`;
  const rows = `${y}.map((row, i) => row.map((v, k) => ${el('v', `${t}[i][k]`, 2)}))`;
  const vector = `${y}.map((v, k) => ${el('v', `${t}[k]`, 1)})`;
  if (ctx.anyShape) return `Array.isArray(${y}[0]) ? ${rows} : ${vector}`;
  return names.rank === 2 ? rows : vector;
}

/** How a fingerprint says the learner's return expression is off. */
export type Change = 'divide' | 'multiply' | 'negate' | 'transpose' | 'sumRows';

export interface GradientFixes {
  /** The gradient of the checked loss, when identified (a fix for any wrong gradient). */
  identified?: Fix;
  /** The learner's return expression, changed by what a fingerprint says. */
  derived: (change: Change, by?: string) => Fix | undefined;
  /** The batch size as the learner's gradient can write it. */
  batchName?: string;
}

export function gradientFixes(req: RunRequest, out: RunOutput, numerical: number[], ctx: FixContext): GradientFixes {
  const lossSource = ctx.loss ? body(ctx, ctx.loss).join('\n') : '';
  const delta = deltaOf(lossSource);
  const ret = returnOf(ctx, ctx.gradient);
  const pt = probsAndTargets(req);
  const known = identifyGradient(req, out, numerical, Number(delta));
  const identified =
    known && pt
      ? { target: 'gradient' as const, line: ret?.line, text: `return ${formulaText(known, ctx, pt, delta)}` }
      : undefined;
  const derived = (change: Change, by?: string): Fix | undefined => {
    // Only numpy's arrays divide elementwise; a JavaScript array divided by N is NaN. And only when the
    // return is the gradient itself: an entry taken out of it (grads['W1'], dW of `return loss, dW`) means
    // a dict or a tuple, and -(grads) or (grads) * 4 would raise TypeError or repeat the tuple.
    if (!ret || ctx.language !== 'python' || out.gradientLabel) return undefined;
    const texts: Record<Change, string> = {
      negate: `return -(${ret.expr})`,
      divide: `return (${ret.expr}) / ${by}`,
      multiply: `return (${ret.expr}) * ${by}`,
      transpose: `return (${ret.expr}).T`,
      sumRows: `return np.sum(${ret.expr}, axis=0)`,
    };
    return { target: 'gradient', line: ret.line, text: texts[change] };
  };
  return {
    identified,
    derived,
    batchName: pt ? (pt.rank === 2 ? batchSizeName(ctx, pt.y) : undefined) : rowsName(req, ctx),
  };
}

/**
 * The batch size as a Python gradient can write it when y and t are not probabilities and one-hot targets (t as
 * class indices, y[np.arange(N), t]): a batch_size argument, their batch_size, else the rows of the batch's first input — never the check's
 * own N (a hint `/ 4` would be wrong for their batch of 100).
 */
function rowsName(req: RunRequest, ctx: FixContext): string | undefined {
  if (ctx.language !== 'python') return undefined;
  const batchArg = req.params.find((p) => roleOf(p) === 'batch' && typeof req.inputs[p] === 'number');
  if (batchArg !== undefined) return batchArg;
  // A batch's rows: probabilities, scores or data (never W, whose rows are the inputs).
  const rows = req.params.find((p) => {
    const v = req.inputs[p];
    return ['probs', 'logits', 'data'].includes(roleOf(p)) && Array.isArray(v) && Array.isArray(v[0]);
  });
  return rows === undefined ? undefined : batchSizeName(ctx, rows);
}

/** δ added inside every log of the loss that has none: the lines that change, first one returned. */
export function deltaInLogFix(ctx: FixContext): Fix | undefined {
  if (!ctx.loss) return undefined;
  const lines = body(ctx, ctx.loss);
  for (let k = 0; k < lines.length; k++) {
    const changed = lines[k].replace(/\b((?:np|numpy|Math)\.log)\s*\(\s*([\w.[\]]+)\s*\)/g, '$1($2 + 1e-7)');
    if (changed !== lines[k]) return { target: 'loss', line: ctx.loss.line + k, text: changed.trim() };
  }
  return undefined;
}

/** Writes a fix over the learner's line, keeping its indentation (what the hint audit does, and what a learner would). */
export function applyFix(source: string, fix: Fix): string {
  if (fix.line === undefined) throw new Error(`no line to apply "${fix.text}" to`);
  const lines = source.split('\n');
  const indent = /^\s*/.exec(lines[fix.line - 1])![0];
  lines[fix.line - 1] = indent + fix.text + (/;\s*$/.test(lines[fix.line - 1]) && !fix.text.endsWith(';') ? ';' : '');
  return lines.join('\n');
}
