import { fileProblem, readRegularFile } from '../node/files';
import { AnswerError, validateRunResult } from './run/answer';
import { dirname, resolve } from 'path';
import { Random } from '../core/random';
import {
  Comparison,
  ElementRow,
  ErrorVsH,
  SWEEP_HS,
  THRESHOLDS,
  centralDifferences,
  compare,
  errorVsH,
  sameShape,
  updatesInPlace,
  sizeOf,
} from './analysis/compare';
import { Fix, FixContext, deltaInLogFix, gradientFixes } from './analysis/formulas';
import {
  Finding,
  batchSoftmaxFinding,
  behaviourFindings,
  broadcastFinding,
  failureFindings,
  nanFindings,
  shapeFindings,
  stepSizeFinding,
} from './analysis/diagnose';
import { ACTIVATION, ErrorCode, describeError } from './analysis/errors';
import {
  ClassInfo,
  FunctionInfo,
  Language,
  cacheBackwardName,
  conventionalGradient,
  findFunction,
  gradientCall,
  gradientNames,
  indexesRows,
  languageOf,
  outline,
  qualifiedName,
  returnNames,
} from './source/findFunctions';
import { SOURCE_MAX_BYTES, importedDefinition } from './source/imports';
import {
  BOOK_LOSSES,
  BookLoss,
  Inputs,
  bookProbes,
  defaultWrt,
  generateInit,
  generateInputs,
  labelForms,
  isDifferentiable,
  namedClassifier,
  sizedConstructor,
  recogniseBookLoss,
  roleOf,
  imageLayerInputs,
  layerBatch,
  sameShapedOperands,
  weightAttributes,
  wrtChoices,
} from './run/inputs';
import { Msg, elementText, fmt, msg, shapeText } from './analysis/messages';
import type { Json } from '../protocol/validate';
import type { CheckTimings, LearnerOutput, RunError, RunOutput, RunRequest, RunResult, Runner } from './types';
import { errorMessage } from '../util/text';

/**
 * One gradient check from start to report: find the loss (and its gradient) in the file, make
 * or take the inputs, evaluate in the learner's runtime, compare, diagnose. Used alike by the
 * extension (src/panels/gradcheck) and the CLI (src/cli/gradcheck.ts).
 */

export interface CheckOptions {
  file: string;
  /** Set when this check follows an import from that file (one level only). */
  importedFrom?: string;
  /** The editor's text (saved or not); read from disk when absent. */
  source?: string;
  /** The language of `source` when the file's extension does not tell it (a notebook's cells: python). */
  language?: Language;
  /** "name" or "Class.method". */
  functionName: string;
  /**
   * undefined: found by convention (or returned with the loss); null: none (numerical gradient
   * only); RETURNED_GRADIENT: only the one the loss returns with it.
   */
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
  /** Which entry of a returned dict or tuple of gradients is the checked input's (--grad-key). */
  gradKey?: string;
  /** The workspace folder (Python: it and the file's parents up to it are importable). */
  workspace?: string;
}

/** One per runtime; built by makeRunners (./runners). */
export interface Runners {
  python: Runner;
  js: Runner;
  /** How to choose another interpreter, for "no Python" messages ("set gradientLab.pythonPath"). */
  pythonHint: string;
}

/**
 * 'numerical-only': nothing of the learner's was compared (no gradient found or chosen), so the
 * check neither passes nor fails; it never ticks a walkthrough step and exits 0 in a terminal.
 */
export type Verdict = 'pass' | 'fail' | 'error' | 'numerical-only';
export type DiagnosisCodeAny = Finding['code'] | ErrorCode;

export interface FunctionSummary {
  name: string;
  className?: string;
  qualified: string;
  line: number;
  /** In a notebook: the 1-based cell, `line` being a line of that cell. */
  cell?: number;
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
  /** How it was checked, when that is not the plain case: dout, the gradient's source, the constructor. */
  notes?: Msg[];
  /** The compared gradient when no gradient function was: "loss() → dW", "backward() → self.dW". */
  gradientFrom?: string;
  /** A dict of parameters (wrt self.params): one report per group. */
  groups?: CheckReport[];
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
  /** Where the checker's time went, from its own clock (scripts/bench-check-latency.mjs splits a click with it). */
  timings?: CheckTimings;
  /** What the learner's code printed, bounded (the runner's cap; the rest counted and dropped). */
  output?: LearnerOutput;
}

/** gradientName for "the gradient the loss returns with it" ((loss, dW), {loss, grads}), no function. */
export const RETURNED_GRADIENT = '@returned';
export const DEFAULT_H = 1e-4;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ELEMENTS = 500;
export const MAX_SEED = 4294967295;
/** The smallest h, relative to max(1, |x|), whose central difference still measures the function in float64. */
export const MIN_RELATIVE_H = 1e-10;

function maxAbs(v: Json | undefined): number {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.abs(v) : 0;
  return Array.isArray(v) ? v.reduce<number>((m, x) => Math.max(m, maxAbs(x)), 0) : 0;
}
/** Steps besides h: larger ones to recognise a learner's numerical gradient, h/10 to refine. */
const stepHs = (h: number) => [...new Set([1e-2, 1e-3, h / 10, h / 100])].filter((s) => s !== h);

const summarize = (f: FunctionInfo): FunctionSummary => ({
  name: f.name,
  className: f.className,
  qualified: qualifiedName(f),
  line: f.line,
  params: f.params,
});

function shapeOfJson(v: Json | undefined): number[] | undefined {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v)) return undefined;
  const inner = v.length ? shapeOfJson(v[0]) : [];
  return inner === undefined ? undefined : [v.length, ...inner];
}

/** Whether `v` is a number or an array of numbers whose rows all have the same shape (NumPy can hold it). */
function rectangular(v: Json | undefined): boolean {
  if (typeof v === 'number') return true;
  if (!Array.isArray(v)) return false;
  const first = JSON.stringify(shapeOfJson(v[0]));
  return v.every((e) => rectangular(e) && JSON.stringify(shapeOfJson(e)) === first);
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
  /** How inputs are generated for this function (the panel's Generate button uses it too). */
  generate?: (batchSize: number, seed: number) => Inputs;
  /** Said before the report's own notes (the function was found through an import). */
  notes?: Msg[];
}

/**
 * `./grad.ts:gradient` → the file and the function; undefined for a plain name (`grad`,
 * `Net.backward`). The file part must name a .js/.ts file, so a Windows drive `C:` is no split.
 */
export function splitFileRef(ref: string): { file: string; name: string } | undefined {
  const colon = ref.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const file = ref.slice(0, colon);
  const name = ref.slice(colon + 1);
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name) || !languageOf(file)) return undefined;
  return { file, name };
}

/** Everything up to running: a request, or an error report (unknown function, bad file). */
export function prepare(options: CheckOptions): Prepared | CheckReport {
  const file = resolve(options.file);
  const language = options.language ?? languageOf(file);
  const base = {
    file,
    functions: [] as FunctionSummary[],
    wrt: options.wrt ?? '',
    wrtChoices: [],
    h: options.h ?? DEFAULT_H,
    inputs: options.inputs ?? {},
  };
  if (!language)
    return errorReport(
      { ...base, language: 'python' },
      ['not-found'],
      [msg('{0} is not a Python, JavaScript or TypeScript file.', file)],
    );
  let source = options.source;
  if (source === undefined) {
    try {
      source = new TextDecoder().decode(readRegularFile(file, SOURCE_MAX_BYTES));
    } catch (e) {
      return errorReport({ ...base, language }, ['not-found'], [msg('Cannot read {0}: {1}', file, fileProblem(e))]);
    }
  }
  // A UTF-8 byte order mark (Windows editors) is not part of the code; Python and Node skip it too.
  source = source.replace(/^\uFEFF/, '');
  const o = outline(source, language);
  const functions = o.functions;
  const loss = findFunction(o, options.functionName);
  if (!loss && language === 'python' && !options.importedFrom) {
    // A script that imports the learner's network (the book's ch05/gradient_check.py: from two_layer_net import
    // TwoLayerNet): the function is checked where it is defined, and the report says so.
    const found = importedDefinition(source, file, options.functionName);
    if (found) {
      const there = prepare({
        ...options,
        file: found.file,
        source: undefined,
        functionName: found.name,
        gradientName: options.gradientName && !splitFileRef(options.gradientName) ? undefined : options.gradientName,
        importedFrom: file,
      });
      if ('request' in there)
        there.notes = [
          msg('{0} is imported in {1} from {2}: it was checked there.', options.functionName, file, found.file),
        ];
      return there;
    }
  }
  if (!loss) {
    // A file of thousands of functions (generated code) names the first 30: one readable line.
    const all = functions.map(qualifiedName);
    const names = (all.length > 30 ? [...all.slice(0, 30), '…'] : all).join(', ') || '—';
    return errorReport(
      { ...base, language, functions: functions.map(summarize) },
      ['not-found'],
      [msg('There is no function {0} in {1} (functions found: {2}).', options.functionName, file, names)],
    );
  }
  let gradient: FunctionInfo | undefined;
  let gradientFile: string | undefined;
  const elsewhere = options.gradientName ? splitFileRef(options.gradientName) : undefined;
  if (options.gradientName === undefined) gradient = conventionalGradient(o, loss);
  else if (options.gradientName === RETURNED_GRADIENT) gradient = undefined;
  else if (elsewhere) {
    // `--grad ./grad.ts:gradient`: a gradient in another file, resolved from the loss's folder.
    gradientFile = resolve(dirname(file), elsewhere.file);
    const otherLanguage = languageOf(gradientFile);
    if (language === 'python' || otherLanguage === undefined || otherLanguage === 'python') {
      return errorReport(
        { ...base, language, functions: functions.map(summarize) },
        ['not-found'],
        [
          msg(
            'A gradient in another file ({0}) works for JavaScript/TypeScript: import it into {1} instead, or give its name alone.',
            elsewhere.file,
            file,
          ),
        ],
      );
    }
    let otherSource: string;
    try {
      otherSource =
        gradientFile === file ? source : new TextDecoder().decode(readRegularFile(gradientFile, SOURCE_MAX_BYTES));
    } catch (e) {
      return errorReport(
        { ...base, language, functions: functions.map(summarize) },
        ['not-found'],
        [msg('Cannot read {0}: {1}', gradientFile, fileProblem(e))],
      );
    }
    gradient = findFunction(outline(otherSource, otherLanguage), elsewhere.name);
    if (!gradient)
      return errorReport(
        { ...base, language, functions: functions.map(summarize) },
        ['not-found'],
        [msg('There is no function {0} in {1} to use as the gradient.', elsewhere.name, gradientFile)],
      );
    if (gradientFile === file) gradientFile = undefined;
  } else if (options.gradientName !== null) {
    gradient =
      findFunction(o, options.gradientName) ??
      (loss.className ? findFunction(o, `${loss.className}.${options.gradientName}`) : undefined);
    if (!gradient)
      return errorReport(
        { ...base, language, functions: functions.map(summarize) },
        ['not-found'],
        [msg('There is no function {0} in {1} to use as the gradient.', options.gradientName, file)],
      );
  }
  const cls = o.classes.find((c) => c.name === loss.className);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    return errorReport(
      { ...base, language, functions: functions.map(summarize) },
      ['bad-input'],
      [msg('The seed must be a whole number from 0 to {0} (got {1}).', String(MAX_SEED), String(seed))],
    );
  }
  const lines = source.split('\n');
  const textOf = (f?: FunctionInfo) => (f ? lines.slice(f.line - 1, f.endLine).join('\n') : '');
  const textOfClass = (c: ClassInfo) => lines.slice(c.line - 1, c.endLine).join('\n');
  // numpy code takes a batch as it is; JavaScript written for one example would choke on rows.
  // A method whose class holds the weights is the book's simpleNet: one example, W of 2 × 3.
  // A class's forward/backward (the book's Affine, SoftmaxWithLoss): checked through dout.
  const layer = !!loss.className && /^(forward|__call__)$/.test(loss.name) && gradient?.name === 'backward';
  const cacheLayer = !loss.className && !!gradient && gradient.name === cacheBackwardName(loss.name);
  const externalWeights = weightAttributes(cls).length > 0;
  const batched =
    layer ||
    cacheLayer ||
    (!externalWeights && (language === 'python' || indexesRows(textOf(loss) + '\n' + textOf(gradient), loss.params)));
  // A parameter with a default keeps it (eps = 1e-8): left out of the call unless the inputs set it.
  const optional = Object.keys(loss.defaults ?? {});
  const required = loss.params.filter((q) => !optional.includes(q));
  const call = gradient ? gradientCall(gradient, loss) : undefined;
  // Arguments only the gradient takes (grad_f(x, out), MSE(y, t, deltas)) are outputs it fills.
  const gradientOnly = call?.style === 'args' && !cacheLayer ? call.args.filter((a) => !loss.params.includes(a)) : [];
  const outputArgs = [...loss.params.filter((q) => roleOf(q) === 'output'), ...gradientOnly];
  const needsInit =
    !!cls?.initParams?.some((q) => !(q in (cls.initDefaults ?? {}))) || sizedConstructor(cls?.initParams ?? []);
  const sizes = needsInit ? { D: 4, C: 3 } : undefined;
  const wrt0 =
    options.wrt ??
    (layer ? (loss.params.find(isDifferentiable) ?? defaultWrt(loss.params, cls)) : defaultWrt(loss.params, cls));
  const generate = (batchSize: number, genSeed: number): Inputs => {
    const generated = generateInputs([...loss.params, ...gradientOnly], {
      batchSize,
      seed: genSeed,
      batched,
      externalWeights: externalWeights && !sizes,
      defaults: loss.defaults,
      sizes,
      outputLike: wrt0,
      classifier: namedClassifier(loss.name),
      spatial: /spatial|conv|pool/i.test(loss.name),
      labelForms: labelForms(textOf(loss) + '\n' + textOf(gradient), loss.params),
    });
    const made = layer ? sameShapedOperands(generated, loss.params, genSeed) : generated;
    // The book's ch07 Convolution / Pooling: images in, filters in the constructor.
    const data = loss.params.find(isDifferentiable);
    const images =
      layer && cls && data ? imageLayerInputs(textOfClass(cls), data, cls.initParams ?? [], genSeed) : undefined;
    // A lone vector x for a weightless layer (Relu, Dropout): a batch of mixed signs instead.
    const alone = loss.params.filter((q) => q in made && isDifferentiable(q)).length === 1;
    if (!images && layer && alone && data && Array.isArray(made[data]) && !(made[data] as Json[]).some(Array.isArray))
      made[data] = layerBatch(genSeed);
    if (images && data) {
      made[data] = images.x;
      const init = {
        ...generateInit(cls!.initParams ?? [], cls!.initDefaults ?? {}, { D: 4, C: 3 }, genSeed),
        ...images.init,
      };
      return cls!.initParams?.length ? { __init__: init, ...made } : made;
    }
    for (const g of gradientOnly)
      if (!(g in made))
        made[g] =
          made[wrt0] !== undefined ? JSON.parse(JSON.stringify(made[wrt0]).replace(/-?\d+(\.\d+)?(e-?\d+)?/g, '0')) : 0;
    return needsInit && cls?.initParams
      ? { __init__: generateInit(cls.initParams, cls.initDefaults ?? {}, sizes!, genSeed), ...made }
      : made;
  };
  // A function of no parameters (a template's affine_batchnorm_relu_dropout_forward()) has nothing to vary.
  if (!wrt0)
    return errorReport(
      { ...base, language, functions: functions.map(summarize) },
      ['bad-input'],
      [
        msg(
          '{0}() takes no parameters, so there is nothing to differentiate: give it the inputs it works on (x, W, …) as parameters.',
          qualifiedName(loss),
        ),
      ],
    );
  const inputs = options.inputs ?? generate(options.batchSize ?? 4, seed);
  const wrt = wrt0;
  const total = sizeOf(shapeOfJson(inputs[wrt]) ?? [0]);
  const refused = (m: Msg) =>
    errorReport({ ...base, language, functions: functions.map(summarize), wrt, inputs }, ['bad-input'], [m]);
  if (shapeOfJson(inputs[wrt]) !== undefined && total === 0) {
    return refused(msg('{0} has no elements: there is nothing to differentiate. Give it at least one number.', wrt));
  }
  if (inputs[wrt] === null || (Array.isArray(inputs[wrt]) && !rectangular(inputs[wrt]))) {
    return refused(
      msg(
        '{0} is not a number or a rectangular array of numbers (rows of different lengths, or something other than a number inside): give it numbers, each row as long as the first.',
        wrt,
      ),
    );
  }
  const h = options.h ?? DEFAULT_H;
  const scale = Math.max(1, maxAbs(inputs[wrt]));
  if (!(h > 0) || !Number.isFinite(h) || h < MIN_RELATIVE_H * scale) {
    return refused(
      msg(
        'h = {0} is too small for float64: next to values as large as {1}, x + h and x − h differ from x only by rounding (float64 keeps about 16 digits), so the central difference measures rounding, not your function. Use h between {2} and 1e-2 (the book: 1e-4).',
        fmt(h),
        fmt(scale),
        fmt(MIN_RELATIVE_H * scale),
      ),
    );
  }
  const regParam = loss.params.find((q) => roleOf(q) === 'reg' && typeof inputs[q] === 'number' && inputs[q] !== 0);
  const returned = (f?: FunctionInfo) => (f && language === 'python' ? returnNames(textOf(f)) : undefined);
  const order = loss.params.filter((q) => ['weights', 'bias'].includes(roleOf(q)));
  const request: RunRequest = {
    file,
    source,
    loss: { name: loss.name, className: loss.className },
    ...(language !== 'python' && cls?.initParams?.length ? { initParams: cls.initParams } : {}),
    params: loss.params,
    ...(optional.length ? { optional } : {}),
    gradient:
      gradient && call
        ? {
            name: gradient.name,
            className: gradient.className,
            style: call.style,
            args: call.args,
            ...(gradientFile ? { file: gradientFile } : {}),
          }
        : undefined,
    inputs,
    wrt,
    h: options.h ?? DEFAULT_H,
    indices: chooseIndices(total, options.maxElements ?? DEFAULT_MAX_ELEMENTS, seed),
    maxElements: options.maxElements ?? DEFAULT_MAX_ELEMENTS,
    workspace: options.workspace,
    gradKey: options.gradKey,
    lossReturnNames: returned(loss),
    gradReturnNames: returned(gradient),
    gradientOrder: order.length ? order : loss.params.filter(isDifferentiable),
    outputArgs,
    useReturned: options.gradientName !== null,
    layer: layer ? 'layer' : cacheLayer ? 'cache' : undefined,
    // function_1(x) = 0.01x² + 0.1x given a generated vector: an array back may be the function of one number.
    ...(!options.inputs &&
    !gradient &&
    !loss.className &&
    required.length === 1 &&
    required[0] === wrt &&
    !ACTIVATION.test(loss.name) &&
    !/loss|error|cost|entropy/i.test(loss.name)
      ? { elementwiseProbe: true }
      : {}),
    variants: regParam ? [{ label: `${regParam} = 0`, inputs: { [regParam]: 0 } }] : undefined,
    stepHs: stepHs(options.h ?? DEFAULT_H),
    stepLimit: 100,
    sweepHs: SWEEP_HS,
    probes: loss.className ? undefined : bookProbes(required),
    seed,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const choices = wrtChoices(loss.params, cls);
  return {
    request,
    language,
    loss,
    gradient,
    functions,
    cls,
    wrtChoices: layer ? [...new Set([wrt, ...choices])] : choices,
    lossSource: textOf(loss),
    batched,
    externalWeights,
    generate,
    anyShape: options.anyShape,
  };
}

export { returnNames };

export function errorReport(
  base: {
    file: string;
    language: Language;
    functions: FunctionSummary[];
    wrt: string;
    wrtChoices: string[];
    h: number;
    inputs: Inputs;
  },
  codes: DiagnosisCodeAny[],
  messages: Msg[],
  error?: RunError,
): CheckReport {
  return {
    verdict: 'error',
    maxRelativeError: null,
    maxAbsoluteError: null,
    diagnosis: codes,
    summary: messages[0],
    messages: messages.slice(1),
    ...base,
    shape: [],
    checked: 0,
    total: 0,
    rows: [],
    errorVsH: null,
    error,
    thresholds: { ...THRESHOLDS, absoluteFloor: THRESHOLDS.absolute },
    evaluations: 0,
    elapsedMs: 0,
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
export async function runPrepared(
  prepared: Prepared,
  runners: Runners,
  signal?: AbortSignal,
  started = Date.now(),
): Promise<CheckReport> {
  const runner = prepared.language === 'python' ? runners.python : runners.js;
  let result: RunResult;
  let report: CheckReport;
  try {
    // Whatever a runner returns is checked in shape before it is compared (answer.ts).
    result = validateRunResult(await runner(prepared.request, signal));
  } catch (e) {
    const why =
      e instanceof AnswerError
        ? `the checker's answer is malformed: ${e.message}`
        : `the checker failed: ${errorMessage(e)}`;
    result = { ok: false, error: { kind: 'internal', message: why } };
  }
  const probed = !result.ok && result.error.kind === 'not-scalar' ? result.error : undefined;
  const at = probed?.elementwise?.at;
  if (probed && typeof at === 'number' && Number.isFinite(at) && !signal?.aborted) {
    // A function of one number (the book's function_1) gave one value per element: checked at one number.
    const { wrt } = prepared.request;
    const again = await runPrepared(
      {
        ...prepared,
        request: {
          ...prepared.request,
          inputs: { ...prepared.request.inputs, [wrt]: at },
          indices: undefined,
          elementwiseProbe: false,
        },
      },
      { ...runners },
      signal,
      started,
    );
    const note = msg(
      "{0}() returned {1}, one value per element of {2}: it is a function of one number (as the book's function_1), so it was checked at one of them, {2} = {3}.",
      prepared.loss.name,
      probed.got ?? '',
      wrt,
      fmt(at),
    );
    again.notes = [note, ...(again.notes ?? [])];
    return again;
  }
  try {
    report = analyse(prepared, result, runners.pythonHint);
  } catch (e) {
    // A report whatever happens: a page waiting on "running" must always get one.
    const error = {
      kind: 'internal' as const,
      message: `the result could not be analysed: ${errorMessage(e)}`,
      detail: (e as Error)?.stack,
    };
    report = analyse(prepared, { ok: false, error }, runners.pythonHint);
  }
  if (result.output) report.output = result.output;
  report.elapsedMs = Date.now() - started;
  return report;
}

/** The learner's lines the hints' formulas are derived from. */
function fixContext(p: Prepared): FixContext {
  const span = (f?: FunctionInfo) => f && { line: f.line, endLine: f.endLine, params: f.params };
  return {
    language: p.language,
    lines: (p.request.source ?? '').split('\n'),
    loss: span(p.loss),
    gradient: span(p.gradient),
    anyShape: p.anyShape,
  };
}

/** Comparison, diagnosis and verdict for a runner's result. */
export function analyse(p: Prepared, result: RunResult, pythonHint: string): CheckReport {
  const req = p.request;
  const base = {
    file: req.file,
    language: p.language,
    loss: summarize(p.loss),
    functions: p.functions.filter((f) => f !== p.loss).map(summarize),
    gradient: p.gradient ? { ...summarize(p.gradient), style: req.gradient!.style } : undefined,
    wrt: req.wrt,
    wrtChoices: p.wrtChoices,
    h: req.h,
    inputs: req.inputs,
  };
  if (!result.ok) {
    const e = describeError(result.error, req, pythonHint);
    return { ...errorReport(base, e.codes, e.messages, result.error), loss: base.loss, gradient: base.gradient };
  }
  if (result.groups?.length) return analyseGroups(p, result, base);
  return analyseOne(p, result, base);
}

type ReportBase = Pick<
  CheckReport,
  'file' | 'language' | 'loss' | 'functions' | 'gradient' | 'wrt' | 'wrtChoices' | 'h' | 'inputs'
>;

/** A dict of parameters (self.params): one report per group, the worst one's verdict for all. */
function analyseGroups(p: Prepared, result: RunOutput, base: ReportBase): CheckReport {
  const groups = result.groups!.map((g) => {
    const req = { ...p.request, wrt: g.wrt, indices: g.indices };
    return analyseOne({ ...p, request: req }, { ...result, ...g, groups: undefined }, { ...base, wrt: g.wrt });
  });
  const rank = (v: Verdict) => (v === 'fail' ? 2 : v === 'numerical-only' ? 1 : 0);
  const worst = groups.reduce((a, b) => (rank(b.verdict) > rank(a.verdict) ? b : a));
  const passed = groups.filter((g) => g.verdict === 'pass').length;
  const list = groups
    .map((g) => `${g.wrt} ${g.verdict === 'pass' ? '✓' : g.verdict === 'fail' ? '✗' : '–'}`)
    .join(', ');
  const rel = groups.map((g) => g.maxRelativeError).filter((v): v is number => v !== null);
  const summary =
    worst.verdict === 'numerical-only'
      ? worst.summary
      : msg(
          '{0} holds {1} parameter groups; {2} of them pass ({3}). Largest relative error: {4}.',
          p.request.wrt,
          groups.length,
          passed,
          list,
          rel.length ? fmt(Math.max(...rel)) : '—',
        );
  const failing = groups.filter((g) => g.verdict === 'fail');
  // Each failing group's headline; a diagnosis shared by several groups is said once.
  const seen = new Set<string>();
  const once = (m: Msg) => {
    const key = JSON.stringify(m);
    return seen.has(key) ? false : (seen.add(key), true);
  };
  return {
    ...worst,
    wrt: p.request.wrt,
    summary,
    gradientFrom: worst.gradientFrom?.replace(/ → [^→]*$/, ''),
    messages: failing
      .flatMap((g) => [g.summary, ...g.messages])
      .concat(failing.length ? [] : worst.messages)
      .filter(once),
    diagnosis: [...new Set(groups.flatMap((g) => g.diagnosis))],
    maxRelativeError: rel.length ? Math.max(...rel) : null,
    checked: groups.reduce((n, g) => n + g.checked, 0),
    total: groups.reduce((n, g) => n + g.total, 0),
    groups,
    evaluations: result.evaluations,
    elapsedMs: result.elapsedMs,
    runtime: result.runtime,
    ...(result.timings ? { timings: result.timings } : {}),
  };
}

function analyseOne(p: Prepared, out: RunOutput, base: ReportBase): CheckReport {
  const req = p.request;
  const numerical = centralDifferences(out.plus, out.minus, req.h);
  const fixes = gradientFixes(req, out, numerical, fixContext(p));
  const behaviour = behaviourFindings(out, p.loss.name, p.gradient?.name, req.layer !== undefined);
  // A layer working in place (x[mask] = 0) gets fresh inputs for every call here: its numbers stand; a note.
  const layerNotes = req.layer ? behaviour.filter((f) => f.code === 'mutates-input') : [];
  const findings = behaviour.filter((f) => !layerNotes.includes(f));
  let aligned: number[] | null = null;
  let shapeProblem = false;
  if (out.analytic) {
    if (sameShape(out.analytic.shape, out.shape) && out.analytic.values.length === out.x.length)
      aligned = out.analytic.values;
    else {
      const s = shapeFindings(req, out, out.analytic, numerical, fixes);
      findings.push(...s.findings);
      aligned = s.aligned ?? null;
      shapeProblem = true;
    }
  }
  const nan = nanFindings(req, out, numerical, aligned, p.lossSource, {
    loss: deltaInLogFix(fixContext(p)),
    gradient: fixes.identified,
  });
  const tenth = out.steps.find((s) => Math.abs(s.h - req.h / 10) <= 1e-9 * req.h);
  const refined = tenth
    ? new Map(tenth.plus.map((pl, k) => [out.indices[k], (pl - tenth.minus[k]) / (2 * tenth.h)] as [number, number]))
    : undefined;
  const comparison: Comparison = compare(out, req.h, aligned, refined);
  // A 1-D softmax fed the batch: the two gradients differentiate different functions; no other fingerprint applies.
  if (comparison.failing > 0 && out.softmaxRows?.length) findings.unshift(batchSoftmaxFinding(out.softmaxRows[0]));
  const trusted = findings.length === 0 && nan.length === 0;
  if (trusted && aligned && comparison.failing > 0) {
    const failing = comparison.rows.filter((r) => r.ok === false).map((r) => r.index);
    findings.push(...failureFindings(req, out, aligned, numerical, comparison.absoluteFloor, failing, fixes));
    if (!findings.length) {
      const delta = largeLogDelta(req.source ?? '', comparison.maxRelativeError);
      if (delta) findings.push(delta);
    }
  } else if (trusted && aligned && (comparison.maxRelativeError ?? 0) > 1e-8) {
    const note = stepSizeFinding(req, out, aligned, numerical);
    if (note) findings.push(note);
  }
  const converged = comparison.rows.filter((r) => r.converged);
  if (trusted && converged.length) {
    const worst = Math.max(...converged.map((r) => r.relError ?? 0));
    findings.push({
      code: 'truncation',
      message: msg(
        'At {0} elements the central difference with h = {1} is still off by up to {2}: the function curves sharply there (−log y with y near 0?). With h/10 it agrees with your gradient, and the error shrank like h², so these elements pass.',
        converged.length,
        fmt(req.h),
        fmt(worst),
      ),
    });
  }
  findings.unshift(...nan);
  // Right numbers in a shape numpy's update cannot write back into x ((1, 3) for (3,)): fails when x is an entry
  // of their object's dict (self.params['b2'], made by their constructor); other inputs may have the shape the
  // checker chose (a layer's self.b from generated arguments), so there it is a note.
  const own = /^self\.\w+\[/.test(req.wrt);
  const broadcast =
    p.language === 'python' &&
    !shapeProblem &&
    aligned &&
    out.analytic &&
    out.shape.length > 0 &&
    !updatesInPlace(out.shape, out.analytic.shape)
      ? broadcastFinding(req.wrt, out.shape, out.analytic.shape, own)
      : undefined;
  if (broadcast) findings.push(broadcast);
  const failed =
    (broadcast !== undefined && own) ||
    shapeProblem ||
    comparison.failing > 0 ||
    findings.some((f) => ['nan', 'nondeterministic', 'mutates-input'].includes(f.code));
  findings.push(...layerNotes);
  const verdict: Verdict = failed ? 'fail' : aligned === null ? 'numerical-only' : 'pass';
  if (failed && aligned && out.variants?.length && !findings.some((f) => f.code !== 'scale')) {
    // reg ≠ 0 hides the other fingerprints: look again at the same check with reg = 0.
    findings.splice(0, findings.length, ...variantFindings(p, out, aligned, numerical, base, findings));
  }
  if (out.intInput) findings.push({ code: 'integer-input', message: integerInputMessage(req.wrt, out.intInput) });
  const notes = [...(p.notes ?? []), ...sourceNotes(p, out)];
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
    notes,
    gradientFrom: gradientFrom(p, out),
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
    ...(out.timings ? { timings: out.timings } : {}),
  };
}

/**
 * A δ inside the log far above the book's 1e-7 (np.log(y + 1e-5)): the loss's exact gradient then differs from
 * y − t by about δ / y, a small, fingerprint-less failure. Named with the book's δ, which passes.
 */
function largeLogDelta(source: string, maxRelativeError: number | null): Finding | undefined {
  const code = source.replace(/#[^\n]*/g, '');
  const m = /\b(?:np\.|numpy\.|Math\.)?log\s*\(\s*[^()]*?\+\s*(\d+(?:\.\d+)?(?:e-?\d+)?)\s*\)/i.exec(code);
  const delta = m ? Number(m[1]) : Number.NaN;
  if (!(delta >= 1e-6 && delta <= 1e-2) || maxRelativeError === null || maxRelativeError > Math.min(0.1, 1e4 * delta))
    return undefined;
  return {
    code: 'log-delta',
    message: msg(
      "Your loss adds δ = {0} inside the log ({1}): its exact gradient is then not the y − t your gradient uses, but differs by about δ / y — the small mismatch here. The book's δ = 1e-7 keeps it below the check's threshold: write {2}.",
      m![1],
      m![0].trim(),
      m![0].replace(m![1], '1e-7').trim(),
    ),
  };
}

/** What "numerical-only" says: nothing of yours was compared, and how to name a gradient so it is. */
export function numericalOnlyHeadline(p: Pick<Prepared, 'loss' | 'language'>, h: number, n: number): Msg {
  const { name, className } = p.loss;
  const python = p.language === 'python';
  // The first two of the shared list in the file's own style (f_grad, grad_f or fGrad, gradF).
  const all = gradientNames(name);
  const names = className
    ? ['gradient', 'backward']
    : python
      ? all.slice(0, 2)
      : [all.find((g) => g === `${name}Grad`), all.find((g) => /^grad[A-Z]/.test(g))];
  const both = python ? 'return loss, grad' : 'return { loss, grad }';
  return msg(
    'Only the numerical gradient of {0}() was computed (central differences, h = {1}, {2} elements): no gradient of yours was compared, so this is not a pass. To check yours, name it {3} (or {4}), return it with the loss ({5}), or choose it as the hand-written gradient (in a terminal: --grad NAME).',
    name,
    fmt(h),
    n,
    names[0] ?? `${name}_grad`,
    names[1] ?? `grad_${name}`,
    both,
  );
}

/** yours − numerical ∝ the parameter, or a failure that disappears at reg = 0: the regularisation term. */
function variantFindings(
  p: Prepared,
  out: RunOutput,
  aligned: number[],
  numerical: number[],
  base: ReportBase,
  current: Finding[],
): Finding[] {
  const v = out.variants![0];
  if (v.error || !v.indices || !v.plus || !v.minus || v.f0 === undefined) return current;
  const reg = Object.keys(v.inputs)[0];
  const regValue = p.request.inputs[reg] as number;
  const zero = analyseOne(
    { ...p, request: { ...p.request, inputs: { ...p.request.inputs, ...v.inputs }, variants: undefined } },
    { ...out, ...v, variants: undefined, steps: [], sweep: null } as RunOutput,
    base,
  );
  if (zero.verdict === 'fail') {
    // The same mistake without the regularisation term in the way: its fingerprint, found there.
    const found = zero.messages.map((m, k) => ({
      code: zero.diagnosis[Math.min(k, zero.diagnosis.length - 1)] as Finding['code'],
      message: m,
    }));
    return found.length
      ? [
          ...found,
          {
            code: found[0].code,
            message: msg(
              '(Found by checking again with {0}: the regularisation term hides this fingerprint.)',
              v.label,
            ),
          },
        ]
      : current;
  }
  if (zero.verdict !== 'pass') return current;
  const finding = regularisationFinding(p.request, out, aligned, numerical, reg, regValue, v);
  return finding
    ? [finding]
    : [
        {
          code: 'regularisation',
          message: msg(
            'It passes with {0}: the mistake is in the regularisation term of the loss or of the gradient (with {1} = {2}).',
            v.label,
            reg,
            fmt(regValue),
          ),
        },
      ];
}

/** k·reg·W as a learner writes it: "2·reg·W", "reg·W", "0.5·reg·W". */
function termText(k: number, reg: string, w: string): string {
  return `${k === 1 ? '' : `${fmt(k)}·`}${reg}·${w}`;
}
const termCode = (k: number, reg: string, w: string) => `${k === 1 ? '' : `${fmt(k)} * `}${reg} * ${w}`;
const near = (x: number, y: number) => Math.abs(x - y) <= 1e-3 * Math.max(1, Math.abs(y));

/**
 * yours − numerical = c·W while the check passes at reg = 0: the loss's term k_L·reg·ΣW² (from
 * f(reg) − f(0)) and the gradient's k_G·reg·W disagree. Names the term to add, as code.
 */
function regularisationFinding(
  req: RunRequest,
  out: RunOutput,
  aligned: number[],
  numerical: number[],
  reg: string,
  regValue: number,
  zero: Partial<RunOutput>,
): Finding | undefined {
  const idx = out.indices;
  if (!zero.plus || !zero.minus || !zero.analytic || zero.plus.length !== idx.length) return undefined;
  const x = idx.map((i) => out.x[i]);
  const xx = x.reduce((a, v) => a + v * v, 0);
  if (!(xx > 0)) return undefined;
  // d ≈ c·W: the least-squares c, accepted only when it fits every element.
  const fit = (d: number[]) => {
    const c = x.reduce((a, v, k) => a + v * d[k], 0) / xx;
    return d.every((v, k) => Math.abs(v - c * x[k]) <= 1e-4 * Math.max(Math.abs(v), Math.abs(c * x[k]), 1e-6))
      ? c
      : undefined;
  };
  // The regularisation term's own slope, numerically and in yours: the check at reg minus the check at 0.
  const nZero = centralDifferences(zero.plus, zero.minus, req.h);
  const cLoss = fit(idx.map((_, k) => numerical[k] - nZero[k]));
  const cGrad = fit(idx.map((i) => aligned[i] - zero.analytic!.values[i]));
  const c = fit(idx.map((i, k) => aligned[i] - numerical[k]));
  if (cLoss === undefined || cGrad === undefined || c === undefined) return undefined;
  const w = req.wrt.replace(/^self\./, '').replace(/^.*\[['"]?([^'"\]]+)['"]?\]$/, '$1');
  // The loss adds kLoss·reg·ΣW² (slope 2·kLoss·reg·W); the gradient adds kGrad·reg·W.
  const kLossClean = [0, 0.5, 1, 2].find((k) => near(cLoss / (2 * regValue), k));
  const kGradClean = [0, 0.5, 1, 2, 4].find((k) => near(cGrad / regValue, k));
  if (kLossClean === undefined || kGradClean === undefined) return undefined;
  const lossTerm =
    kLossClean === 1 ? `${reg} * np.sum(${w} * ${w})` : `${fmt(kLossClean)} * ${reg} * np.sum(${w} * ${w})`;
  if (kLossClean === 0) {
    const add =
      kGradClean === 2 ? `${reg} * np.sum(${w} * ${w})` : `${fmt(kGradClean / 2)} * ${reg} * np.sum(${w} * ${w})`;
    return {
      code: 'regularisation',
      message: msg(
        'Your gradient adds {0} (yours − numerical = {1}·{2} with {3} = {4}), but the loss has no regularisation term: with {3} = 0 they agree. Add {5} to the loss — its derivative is {0}.',
        termText(kGradClean, reg, w),
        fmt(c),
        w,
        reg,
        fmt(regValue),
        add,
      ),
    };
  }
  const want = termText(2 * kLossClean, reg, w);
  if (kGradClean === 0) {
    return {
      code: 'regularisation',
      message: msg(
        'Your gradient lacks {0}: the loss adds {1}, whose derivative is {0}, and with {2} = 0 they agree. Add it to the gradient: d{3} += {4}.',
        want,
        lossTerm,
        reg,
        w,
        termCode(2 * kLossClean, reg, w),
      ),
    };
  }
  return {
    code: 'regularisation',
    message: msg(
      'The regularisation terms disagree: the loss adds {0}, whose derivative is {1}, but your gradient adds {2}. Use {1} in the gradient ({3}); with {4} = 0 they agree.',
      lossTerm,
      want,
      termText(kGradClean, reg, w),
      termCode(2 * kLossClean, reg, w),
      reg,
    ),
  };
}

/** The differentiated input was an integer array: x + h is rounded back to x. */
function integerInputMessage(wrt: string, dtype: string): Msg {
  return msg(
    '{0} is an integer array ({1}): in it x + h is rounded back to x (np.array([3, 4]) holds integers), so a numerical gradient computed on it is 0 or wrong. It was checked on a float64 copy; create it with floats: np.array([3.0, 4.0]) or .astype(float).',
    wrt,
    dtype,
  );
}

/** Where the compared gradient came from, for the report's "against …". */
function gradientFrom(p: Prepared, out: RunOutput): string | undefined {
  const l = out.gradientLabel;
  switch (out.gradientSource) {
    case 'returned':
      return `${qualifiedName(p.loss)}() → ${l ?? 'grad'}`;
    case 'stored':
      return `${p.gradient ? qualifiedName(p.gradient) : 'backward'}() → ${l ?? ''}`;
    case 'output-arg':
      return `${p.gradient ? qualifiedName(p.gradient) : qualifiedName(p.loss)}() → ${l ?? ''}`;
    default:
      return p.gradient ? `${qualifiedName(p.gradient)}()${l ? ` → ${l}` : ''}` : undefined;
  }
}

/** What was done to check this code, said plainly: dout, the gradient's source, the constructor. */
function sourceNotes(p: Prepared, out: RunOutput): Msg[] {
  const notes: Msg[] = [];
  const loss = qualifiedName(p.loss);
  const d = out.dout;
  if (d?.kind === 'random') {
    notes.push(
      out.gradientSource === 'elementwise'
        ? msg(
            '{0}() returns an array of shape {1}, so it was checked as an element-wise function with its derivative: the scalar is sum({0}(x) * dout) for a seeded random dout (seed {2}), whose gradient is {3}(x) * dout. A random dout weighs every element differently, so a wrong element cannot hide.',
            loss,
            shapeText(d.shape),
            d.seed ?? 0,
            p.gradient?.name ?? 'gradient',
          )
        : msg(
            '{0}() returns an array of shape {1}, so it was checked through a seeded random upstream gradient dout (seed {2}): the scalar is sum(out * dout), whose gradient is what backward(dout) gives. A random dout weighs every output element differently, so a wrong element cannot hide (an all-ones dout would let errors that cancel across a row pass).',
            loss,
            shapeText(d.shape),
            d.seed ?? 0,
          ),
    );
  } else if (d?.kind === 'one' && p.request.layer) {
    notes.push(msg('{0}() returns one number (a loss layer), so backward was called with dout = 1.', loss));
  }
  if (out.gradientSource === 'returned')
    notes.push(
      msg('The gradient compared is the one {0}() returns with the loss ({1}).', loss, out.gradientLabel ?? 'grad'),
    );
  if (out.gradientSource === 'stored')
    notes.push(msg('The gradient compared is {0}, which backward stored.', out.gradientLabel ?? ''));
  if (out.gradientSource === 'output-arg')
    notes.push(msg('The gradient compared is what was written into the argument {0}.', out.gradientLabel ?? ''));
  const init = p.request.inputs.__init__;
  if (init && typeof init === 'object' && !Array.isArray(init) && p.cls) {
    const args = Object.entries(init)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? shapeText(shapeOfJson(v) ?? []) : JSON.stringify(v)}`)
      .join(', ');
    notes.push(
      msg(
        '{0} was constructed as {0}({1}): sizes that fit the inputs, an init scale of 0.1 (so relu\'s kink is rarely within h of a unit), its other defaults kept. Change them under "__init__" in the inputs.',
        p.cls.name,
        args,
      ),
    );
  }
  return notes;
}

function headline(
  verdict: Verdict,
  c: Comparison,
  req: RunRequest,
  p: Prepared,
  out: RunOutput,
  compared: boolean,
): Msg {
  const n = out.indices.length;
  if (verdict === 'numerical-only') return numericalOnlyHeadline(p, req.h, n);
  if (!compared && verdict === 'fail' && !p.gradient)
    return msg('The numerical gradient of {0}() cannot be trusted: see below.', p.loss.name);
  if (verdict === 'pass') {
    return (c.maxRelativeError ?? 0) <= THRESHOLDS.excellent
      ? msg(
          'Your gradient matches the numerical gradient: largest relative error {0} over {1} elements (excellent: ≤ 1e-7; pass: ≤ 1e-5 per element).',
          fmt(c.maxRelativeError ?? 0),
          n,
        )
      : msg(
          'Your gradient passes: largest relative error {0} over {1} elements (pass: ≤ 1e-5 per element), but above the 1e-7 a float64 gradient usually reaches.',
          fmt(c.maxRelativeError ?? 0),
          n,
        );
  }
  const worst = c.rows[0];
  if (compared && c.failing > 0 && worst?.analytic !== null && worst) {
    return msg(
      'Your gradient does not match at {0} of {1} elements. Worst: {2} is {3} in yours and {4} numerically (relative error {5}; pass: ≤ 1e-5).',
      c.failing,
      n,
      elementText(req.wrt, worst.position),
      fmt(worst.analytic),
      fmt(worst.numerical),
      fmt(worst.relError ?? NaN),
    );
  }
  return msg('The check failed: see the diagnosis below.');
}
