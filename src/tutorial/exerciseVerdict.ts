/**
 * Turns what a harness reported for each check (the learner's raw return values) into verdicts
 * with a hint a learner can act on: which function, what was expected, what came back, and what
 * the usual mistake behind that answer is. Messages are English templates ({0}, {1}…) from
 * EXERCISE_STRINGS, translated by the extension with vscode.l10n.t. No vscode import.
 */
import { EXERCISE_STRINGS as S } from './exerciseStrings';
import type { Fix } from '../gradcheck/analysis/formulas';
import type { Diagnosis, ExerciseName, Tolerance, ValueCheck } from './exerciseSpec';

/** A harness's error, with the line in the learner's file when it is their code. */
export interface HarnessError {
  type: string;
  message: string;
  line?: number;
  /** numpyMissing: the interpreter's Python version. */
  version?: string;
}

/** What a harness reports for one check. Non-finite numbers arrive as the strings "nan", "inf", "-inf". */
export type RawOutcome =
  | { id: string; status: 'ok'; value: unknown; inputBefore?: unknown; inputAfter?: unknown }
  | { id: string; status: 'error'; error: HarnessError }
  /** `name`: the function that still raises the template's TODO error / that is not defined. */
  | { id: string; status: 'todo'; name?: string }
  | { id: string; status: 'missing'; name?: string }
  | { id: string; status: 'timeout' };

export interface Message {
  /** An English template from EXERCISE_STRINGS. */
  key: string;
  args: (string | number)[];
}

export type VerdictStatus = 'pass' | 'fail' | 'error' | 'todo' | 'missing';

export interface Verdict {
  id: string;
  exercise: ExerciseName;
  status: VerdictStatus;
  /** What the check is, e.g. "book example 1". */
  label: Message;
  /** What happened. */
  detail?: Message;
  /** What to try. */
  hint?: Message;
  /** 1-based line in the learner's file, when an error points into it. */
  line?: number;
  /** The known mistake the wrong answer was recognised as (see exerciseFixes.ts). */
  diagnosis?: Diagnosis;
  /** The line the hint prescribes, derived from the learner's code (test/unit/tutorialHintAudit.test.ts applies it). */
  fix?: Fix;
}

const msg = (key: string, ...args: (string | number)[]): Message => ({ key, args });

/** Numbers as a harness sends them back: finite numbers, or "nan"/"inf"/"-inf". */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return undefined;
}

/** A scalar or a (nested) array of numbers, flattened; undefined if it is anything else. */
export function flatten(v: unknown): number[] | undefined {
  const n = toNumber(v);
  if (n !== undefined) return [n];
  if (!Array.isArray(v)) return undefined;
  const out: number[] = [];
  for (const e of v) {
    const f = flatten(e);
    if (!f) return undefined;
    out.push(...f);
  }
  return out;
}

export function close(actual: number, expected: number, tol: Tolerance): boolean {
  const diff = Math.abs(actual - expected);
  return (tol.abs !== undefined && diff <= tol.abs) || (tol.rel !== undefined && diff <= tol.rel * Math.abs(expected));
}

function allClose(a: number[], e: number[], tol: Tolerance): boolean {
  return a.length === e.length && a.every((v, i) => close(v, e[i], tol));
}

/** `a ≈ k·e` for every element (loosely: this is for naming a mistake, not for passing). */
function isMultiple(a: number[], e: number[], k: number): boolean {
  return (
    a.length === e.length && e.some((v) => v !== 0) && a.every((v, i) => close(v, k * e[i], { rel: 1e-6, abs: 1e-12 }))
  );
}

export function show(v: number[] | number, other?: number[] | number): string {
  const xs = Array.isArray(v) ? v : [v];
  const ys = other === undefined ? undefined : Array.isArray(other) ? other : [other];
  // The digits numpy prints, unless they end in a float's noise (0.09750000000000003 is 0.0975, while the book's
  // 0.1999999999990898 keeps every digit) — and never so short that a difference being reported disappears.
  const short = xs.map(denoised);
  const tells = !ys || xs.every((x, k) => x === ys[k] || short[k] !== denoised(ys[k] ?? Number.NaN));
  const one = (x: number, k: number) => (tells ? short[k] : String(x));
  return Array.isArray(v) && xs.length !== 1 ? `[${xs.map(one).join(', ')}]` : one(xs[0], 0);
}

/** x as numpy prints it, or its 15-digit form when that is 12 significant digits or fewer (the rest was noise). */
function denoised(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const short = String(Number(x.toPrecision(15)));
  return short.replace(/^-?0\.0*|[.-]|e.*$/g, '').length <= 12 ? short : String(x);
}

const HINTS: Record<Diagnosis, string> = {
  missingHalf: S.hintMissingHalf,
  missingDelta: S.hintMissingDelta,
  missingMinus: S.hintMissingMinus,
  notAveraged: S.hintNotAveraged,
  forwardDifference: S.hintForwardDifference,
  hTypo: S.hintHTypo,
  precedence: S.hintPrecedence,
  hTooSmall: S.hintHTooSmall,
  notRestored: S.hintNotRestored,
  descentUsesGradient: S.hintDescent,
};

/** The first diagnosis the wrong answer matches; the last listed one is the fallback. */
function diagnose(check: ValueCheck, actual: number[], expected: number[]): Diagnosis | undefined {
  const forward = check.exercise === 'numericalDiff' ? forwardValue(check) : undefined;
  for (const d of check.diagnose) {
    const matches =
      (d === 'missingHalf' && isMultiple(actual, expected, 2)) ||
      (d === 'missingDelta' && actual.some((v) => !Number.isFinite(v))) ||
      (d === 'missingMinus' && isMultiple(actual, expected, -1)) ||
      (d === 'notAveraged' && check.batch !== undefined && isMultiple(actual, expected, check.batch)) ||
      (d === 'precedence' && isMultiple(actual, expected, 1e-8)) ||
      (d === 'hTooSmall' && actual.every((v) => v === 0)) ||
      (d === 'hTypo' && forward !== undefined && isMultiple(actual, [centralWithH(check, 1e-3)], 1)) ||
      (d === 'forwardDifference' && forward !== undefined && actual.every((v) => close(v, forward, { rel: 1e-6 })));
    if (matches) return d;
  }
  return undefined;
}

/** What to check when no known mistake matches: the formula, spelled out. */
const GENERIC_HINTS: Record<ExerciseName, string> = {
  sumSquaresError: S.hintSse,
  crossEntropyError: S.hintCee,
  crossEntropyErrorGrad: S.hintFinishTodo,
  numericalDiff: S.hintNumericalDiff,
  numericalGradient: S.hintNumericalGradient,
  gradientDescent: S.hintDescent,
};

const BOOK_FUNCTIONS: Record<string, (x: number) => number> = {
  function_1: (x) => 0.01 * x ** 2 + 0.1 * x,
  cube: (x) => x ** 3,
};

function scalarCase(check: ValueCheck): { f: (x: number) => number; x: number } | undefined {
  const [fArg, x] = check.args;
  const f = typeof fArg === 'object' && 'fn' in fArg ? BOOK_FUNCTIONS[fArg.fn] : undefined;
  return f && typeof x === 'number' ? { f, x } : undefined;
}

function forwardValue(check: ValueCheck): number | undefined {
  const c = scalarCase(check);
  return c && (c.f(c.x + 1e-4) - c.f(c.x)) / 1e-4;
}

function centralWithH(check: ValueCheck, h: number): number {
  const c = scalarCase(check)!;
  return (c.f(c.x + h) - c.f(c.x - h)) / (2 * h);
}

function judgeValue(
  check: ValueCheck,
  raw: Extract<RawOutcome, { status: 'ok' }>,
  base: Omit<Verdict, 'status'>,
): Verdict {
  const expected = typeof check.expected === 'number' ? [check.expected] : check.expected;
  if (raw.value === null || raw.value === undefined)
    return { ...base, status: 'fail', detail: msg(S.returnedNothing), hint: msg(S.hintFinishTodo) };
  const actual = flatten(raw.value);
  if (!actual) return { ...base, status: 'fail', detail: msg(S.notNumbers, show(expected)) };
  if (actual.length !== expected.length) {
    return {
      ...base,
      status: 'fail',
      detail: msg(expected.length === 1 ? S.expectedNumber : S.wrongLength, actual.length, expected.length),
    };
  }
  const before = flatten(raw.inputBefore);
  const after = flatten(raw.inputAfter);
  const restored = check.restores === undefined || !before || !after || allClose(after, before, { abs: 0 });
  if (allClose(actual, expected, check.tol)) {
    if (restored) return { ...base, status: 'pass', detail: msg(S.gotExpected, show(actual)) };
    return {
      ...base,
      status: 'fail',
      detail: msg(S.inputChanged, show(after!), show(before!)),
      hint: msg(HINTS.notRestored),
      diagnosis: 'notRestored',
    };
  }
  const d = !restored ? 'notRestored' : diagnose(check, actual, expected);
  return {
    ...base,
    status: 'fail',
    detail: msg(S.expectedGot, show(expected, actual), show(actual, expected)),
    hint: msg(d ? HINTS[d] : GENERIC_HINTS[check.exercise]),
    diagnosis: d,
  };
}

/** One verdict per value check, in the checks' order; a check the harness did not report is an error. */
export function judge(
  checks: readonly ValueCheck[],
  outcomes: readonly RawOutcome[],
  functionName: (e: ExerciseName) => string,
): Verdict[] {
  return checks.map((check) => {
    const raw = outcomes.find((o) => o.id === check.id);
    const base = {
      id: check.id,
      exercise: check.exercise,
      label: msg(S[`check.${check.id}` as keyof typeof S] ?? check.id),
    };
    const fn = (raw && 'name' in raw && typeof raw.name === 'string' && raw.name) || functionName(check.exercise);
    if (!raw) return { ...base, status: 'error', detail: msg(S.notRun) };
    switch (raw.status) {
      case 'todo':
        return { ...base, status: 'todo', detail: msg(S.todo, fn), hint: msg(S.hintFinishTodo) };
      case 'missing':
        return { ...base, status: 'missing', detail: msg(S.missing, fn), hint: msg(S.hintMissing, fn) };
      case 'timeout':
        return { ...base, status: 'error', detail: msg(S.timeout), hint: msg(S.hintTimeout) };
      case 'error':
        return {
          ...base,
          status: 'error',
          line: raw.error.line,
          detail: msg(S.raised, raw.error.type, raw.error.message),
        };
      case 'ok':
        return judgeValue(check, raw, base);
    }
  });
}

export interface Summary {
  total: number;
  passed: number;
  /** All checks pass: the step is done. */
  allPassed: boolean;
  /** The first check that did not pass, the one to work on next. */
  firstProblem?: Verdict;
}

export function summarize(verdicts: readonly Verdict[]): Summary {
  const passed = verdicts.filter((v) => v.status === 'pass').length;
  return {
    total: verdicts.length,
    passed,
    allPassed: verdicts.length > 0 && passed === verdicts.length,
    firstProblem: verdicts.find((v) => v.status !== 'pass'),
  };
}
