/**
 * What a runner (the Python harness, the JavaScript worker) is asked to evaluate and what it
 * sends back. Runners only evaluate — f(x ± h·e_i), the hand-written gradient, a few probes —
 * so comparison and diagnosis (compare.ts, diagnose.ts) are the same for both languages.
 */
import type { Json } from '../protocol/validate';

export interface FunctionRef {
  name: string;
  /** For a method: the class whose instance it is called on. */
  className?: string;
}

export interface GradientRef extends FunctionRef {
  /** 'args': grad(...the loss's inputs); 'numerical': grad(f, x), the book's numerical_gradient form. */
  style: 'args' | 'numerical';
  /** For 'args': the input names passed, in the gradient's parameter order. */
  args: string[];
  /** Absolute path of another file the gradient is in (`--grad ./grad.ts:gradient`); JS/TS. */
  file?: string;
}

export interface RunRequest {
  /** Absolute path of the learner's file (imports resolve from its folder). */
  file: string;
  /** The file's text when it differs from the disk (an unsaved editor). */
  source?: string;
  loss: FunctionRef;
  /** The loss's parameters in call order (without self/this). */
  params: string[];
  /** JavaScript: the constructor's parameters in order, for building the instance from inputs.__init__. */
  initParams?: string[];
  /** Parameters with a default value: left out of the call (so the default applies) unless the inputs set them. */
  optional?: string[];
  gradient?: GradientRef;
  /**
   * Parameter name, or a path (self.W, self.params['W1'], params['b']) → number or nested array;
   * "__init__": the constructor's arguments, for a method whose class needs them.
   */
  inputs: Record<string, Json>;
  /**
   * The input differentiated: a parameter name or a path into the instance or an argument
   * (self.W, self.params['W1'], net.params["b2"]); a dict of arrays (self.params) checks each.
   */
  wrt: string;
  /** The workspace folder: it and the file's parents up to it are importable (Python). */
  workspace?: string;
  /** Which entry of a returned dict/tuple of gradients is the checked input's (--grad-key). */
  gradKey?: string;
  /** Names in the loss's / gradient's `return a, b` (to read a tuple of gradients by name). */
  lossReturnNames?: string[];
  gradReturnNames?: string[];
  /** The parameters a tuple of gradients follows, in order (w, b of `return dj_dw, dj_db`). */
  gradientOrder?: string[];
  /** Arguments a function may fill with the gradient (grad, deltas, out): not mutations. */
  outputArgs?: string[];
  /** Take a gradient the loss returns with it ((loss, grad), {loss, grad}); false with --grad none. */
  useReturned?: boolean;
  /**
   * 'layer': a class's forward/backward; 'cache': CS231n's x_forward(...) → (out, cache) with
   * x_backward(dout, cache) → (dx, dw, db). Both checked through the upstream gradient dout.
   */
  layer?: 'layer' | 'cache';
  /** Generated x for a one-argument function without a gradient: say whether an array result is element-wise. */
  elementwiseProbe?: boolean;
  /** The same check again with some inputs changed (reg = 0 beside a nonzero reg). */
  variants?: { label: string; inputs: Record<string, Json> }[];
  /** When the runner finds the input larger than this, it checks a seeded sample. */
  maxElements?: number;
  h: number;
  /** Flat indices of the elements checked (all when absent). */
  indices?: number[];
  /** Extra step sizes for recognising a hand-written numerical gradient (only with a gradient). */
  stepHs: number[];
  /** How many of `indices` the extra step sizes use. */
  stepLimit: number;
  /** Step sizes for the error-vs-h chart, on one element. */
  sweepHs: number[];
  /** The book's example inputs, to recognise sum-of-squares or cross-entropy by their values. */
  probes?: Record<string, Json>[];
  seed: number;
  timeoutMs: number;
}

export interface RunOutput {
  ok: true;
  /** The differentiated input, flattened (row-major), and its shape. */
  x: number[];
  shape: number[];
  f0: number;
  /** f(x) once more with the same inputs: differs when the loss is not deterministic. */
  f0Again: number;
  indices: number[];
  /** f(x + h·e_i) and f(x − h·e_i) for each checked index, in `indices` order. */
  plus: number[];
  minus: number[];
  steps: { h: number; plus: number[]; minus: number[] }[];
  /** f(x ± s·e_k) for each s in hs, on the element with the largest numerical gradient. */
  sweep: { index: number; hs: number[]; plus: number[]; minus: number[] } | null;
  analytic: { values: number[]; shape: number[] } | null;
  /** Inputs a function changed in place (the check restores them for every call). */
  mutated: { fn: 'loss' | 'gradient'; arg: string }[];
  probes: (number | null)[];
  evaluations: number;
  elapsedMs: number;
  /** e.g. "Python 3.11.2, numpy 1.24.2" or "Node 20.19.0". */
  runtime: string;
  /** Python: sys.executable (a shim's real interpreter, started directly next time). */
  executable?: string;
  /** Where the checker's time went (scripts/bench-check-latency.mjs): epoch ms (…At) and durations (…Ms). */
  timings?: CheckTimings;
  stdout?: string;
  /** What the learner's code wrote to the process's stdout/stderr, bounded (childRun.ts). */
  output?: LearnerOutput;
  /**
   * Where the compared gradient came from: a gradient function, returned with the loss, stored
   * by a layer's backward (self.dW), what backward returned, an output argument, or an
   * element-wise derivative times dout. `gradientLabel` names the entry (dW, grads['W1'], [1]).
   */
  gradientSource?: 'function' | 'returned' | 'stored' | 'backward' | 'output-arg' | 'elementwise' | null;
  gradientLabel?: string | null;
  /** The upstream gradient an array output was weighted with (Σ out·dout): 1, or seeded random. */
  dout?: { kind: 'one' | 'random'; shape: number[]; seed?: number } | null;
  /** The differentiated input was an integer array (dtype), checked on a float64 copy. */
  intInput?: string | null;
  /**
   * Python: the learner's own functions named softmax that, given a batch of 2 rows, normalise over the whole
   * batch (chapter 3's 1-D softmax): rows adding up to less than 1 each, to 1 together.
   */
  softmaxRows?: { name: string; file: string; line: number; rowSums: number[] }[];
  /** For a dict of parameters (wrt self.params): one result per entry, with its path as wrt. */
  groups?: (GroupOutput & { wrt: string })[];
  /** The variants' results (or the error one raised). */
  variants?: ({ label: string; inputs: Record<string, Json> } & (Partial<GroupOutput> & { error?: RunError }))[];
}

/** Learner output beyond the answer: kept up to capBytes a stream, the rest counted and dropped. */
export interface LearnerOutput {
  stdout: string;
  stderr: string;
  droppedBytes: number;
  capBytes: number;
}

/** What a runner returns per differentiated input. */
export type GroupOutput = Omit<
  RunOutput,
  'ok' | 'groups' | 'variants' | 'evaluations' | 'elapsedMs' | 'runtime' | 'stdout'
>;

export type ErrorKind =
  | 'syntax'
  | 'exception'
  | 'timeout'
  | 'memory'
  | 'no-python'
  | 'no-numpy'
  | 'not-found'
  | 'not-scalar'
  | 'bad-return'
  | 'bad-input'
  | 'ambiguous'
  | 'unsupported'
  | 'internal';

export interface TraceFrame {
  file: string;
  line: number;
  /** In a notebook: the 1-based cell, `line` being a line of that cell. */
  cell?: number;
  function?: string;
  source?: string;
}

export interface RunError {
  kind: ErrorKind;
  /** The runtime's own message (e.g. "NameError: name 'idx' is not defined"). */
  message: string;
  file?: string;
  /** 1-based, in the learner's file (in a notebook: in the cell `cell`). */
  line?: number;
  /** In a notebook: the 1-based cell the error is in (or, for a timeout while loading, was running). */
  cell?: number;
  column?: number;
  /** The text of that line. */
  source?: string;
  /** The learner's function the error happened in. */
  function?: string;
  /** Which call failed: loading the file, the loss, the gradient, the constructor. */
  fn?: 'load' | 'loss' | 'gradient' | 'init';
  exception?: string;
  trace?: TraceFrame[];
  /** For timeouts: what was running ('load', 'check', ...). */
  phase?: string;
  /** What came back instead of a number, for not-scalar / bad-return. */
  got?: string;
  /** not-scalar from a function of one number given an array (function_1): the element to check it at. */
  elementwise?: { at: number };
  arg?: string;
  python?: string;
  version?: string;
  detail?: string;
  what?: string;
  /** For 'ambiguous': the entries that could be the checked input's gradient. */
  choices?: string[];
}

export interface RunFailure {
  ok: false;
  error: RunError;
  stdout?: string;
  output?: LearnerOutput;
}

export type RunResult = RunOutput | RunFailure;

export type Runner = (request: RunRequest, signal?: AbortSignal) => Promise<RunResult>;

/** The checker's own clock: when it started, got the request and answered (epoch ms), and phase durations. */
export interface CheckTimings {
  startedAt?: number;
  requestAt?: number;
  answerAt?: number;
  numpyMs?: number;
  loadMs?: number;
  checkMs?: number;
  sweepMs?: number;
}
