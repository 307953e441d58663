/**
 * What gradcheck_inside.py (media/python) sends back: the replay of one element's central
 * differences (and of the learner's own numerical_gradient loop), the lambda identity question,
 * and the shape trace. Raw facts only; inside.ts turns them into steps and explanations.
 */
import type { RunError, RunRequest } from '../gradcheck/types';

export type InsideMode = 'replay' | 'trace';

export interface InsideRequest extends RunRequest {
  mode: InsideMode;
  /** Flat index of the element replayed. */
  index?: number;
  /** The dtype x is made with: float64 as the check does, or int64 as np.array([3, 4]) is. */
  dtype?: 'float64' | 'int64';
  /** Bounds of the line tracer: line events and milliseconds. */
  maxSteps: number;
  maxMs: number;
}

export type CentralKey = 'value' | 'plus' | 'fplus' | 'minus' | 'fminus' | 'slope' | 'restore';

export interface CentralStep {
  key: CentralKey;
  label: string;
  values: (number | null)[];
  /** For plus/minus: what x[i] ± h was meant to be, when the array stored something else. */
  intended?: number;
  difference?: number | null;
  h?: number;
}

export interface LoopValue {
  name: string;
  dtype: string;
  value?: number | boolean | number[] | null;
  shape?: number[];
  /** For an element of x: its flat index. */
  element?: number;
  /** The right-hand side's value when the array stored another (an integer array truncates). */
  intended?: number;
  /** a ± b == a although b ≠ 0: b was lost to rounding (h = 1e-50). */
  absorbed?: { left: number; right: number; op: '+' | '-' };
}

export interface LoopStep {
  line: number;
  source: string;
  function: string;
  values: LoopValue[];
  /** Elements of x this line changed. */
  x: { index: number; value: number | null; before: number | null }[];
  loop?: boolean;
  error?: string;
  returned?: { shape: number[]; dtype: string } | null;
  /** Which iteration of the loop (0-based) the step belongs to; absent before and after the loop. */
  iteration?: number;
}

export interface LearnerReplay {
  steps: LoopStep[];
  /** The element each iteration worked on (null: none found). */
  visited: (number | null)[];
  iterations: number;
  calls: number;
  error: (Partial<RunError> & { message: string }) | null;
  gradient: { values: number[]; shape: number[]; dtype: string } | null;
  /** Elements of x left changed after their function returned. */
  unrestored: { index: number; before: number | null; after: number | null }[];
  stopped: 'steps' | 'time' | null;
  dtype: string;
  /** Whether an iteration worked on the element asked for. */
  found: boolean;
  start: (number | null)[];
  fValues: (number | null)[];
}

export interface Identity {
  /** The loss's parameter that is differentiated and never read. */
  param: string;
  ignoresArgument: true;
  /** The array it reads instead (net.W), when one was found. */
  reads: string | null;
  /** The expression their file passes to numerical_gradient(f, ...), if it calls it. */
  passed: string | null;
  /** Whether the x perturbed is the very object f reads. */
  shared: boolean;
  source?: 'file' | 'check';
  shape: number[];
  values?: number[];
  idX?: string;
  idTarget?: string;
  /** The numerical gradient when x is that object, and when it is a copy. */
  sharedGradient: number[] | null;
  copiedGradient?: number[];
}

export interface ReplayData {
  mode: 'central' | 'learner';
  identity: Identity | null;
  index: number;
  position: number[];
  shape: number[];
  h: number;
  dtype: string;
  steps: CentralStep[];
  /** The central difference on a float64 copy of x: what the element's gradient should be. */
  reference?: number | null;
  learner?: LearnerReplay;
}

export interface TraceEntry {
  line: number;
  name: string;
  shape: number[];
  dtype: string;
  function: string;
  value?: number | boolean;
  /** How many times the line bound it with this shape (absent: once). */
  count?: number;
}

export interface TraceFact {
  kind: 'softmax-batch';
  line: number;
  function: string;
  shape: number[];
  rowSums: number[];
  total: number;
}

export interface TraceData {
  entries: TraceEntry[];
  facts: TraceFact[];
  error: (Partial<RunError> & { message: string }) | null;
  stopped: 'steps' | 'time' | null;
  lines: number;
  loss: [number[], string] | null;
}

export type InsideResult =
  | { ok: true; replay?: ReplayData; trace?: TraceData; elapsedMs: number; runtime: string }
  | { ok: false; error: RunError };

export type InsideRunner = (request: InsideRequest, signal?: AbortSignal) => Promise<InsideResult>;
