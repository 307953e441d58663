import { positionOf } from '../gradcheck/analysis/compare';
import { elementText, fmt, Msg, msg } from '../gradcheck/analysis/messages';
import type { RunOutput } from '../gradcheck/types';
import type { CentralKey, CentralStep, Identity, LearnerReplay, LoopStep, ReplayData } from './types';

/**
 * The replay as a learner reads it: a list of steps, each a label and its value(s), and notes
 * that say what the steps show (an unrestored element, a truncated integer, x + h == x, a loop
 * that never reached the element, a lambda that reads net.W). No vscode, no Node: the CLI, the
 * panel and the tests use it alike.
 */

export interface ReplayStep {
  label: string;
  values: (number | null)[];
  /** The central-difference step it is (central replay), absent for a learner's line. */
  key?: CentralKey;
  /** For a learner's line: its number in their file and what it bound, as text ("x[1] = 4.0001"). */
  line?: number;
  bound?: string[];
  /** Something wrong this step shows (e.g. "stored 4, meant 4.0001"). */
  note?: Msg;
  iteration?: number;
}

export interface Replay {
  /** "x[1]", "W[1, 2]" */
  element: string;
  position: number[];
  index: number;
  wrt: string;
  h: number;
  mode: 'central' | 'learner';
  language: 'python' | 'js' | 'ts';
  steps: ReplayStep[];
  /** The checker's central differences on the same element (also when the steps are the learner's). */
  central: ReplayStep[];
  notes: Msg[];
  identity?: Identity;
  /** What the learner's numerical_gradient returned for the element, and what it should be. */
  learnerValue?: number | null;
  expected?: number | null;
  dtype: string;
}

/** Numbers in a replay keep every digit: 25.00080001, not 25. */
export const exact = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v));

/** "y[3,0]", "y[3, 0]", "[3,0]", "3,0", "5" → the position, or a flat index when a single number is given to a matrix. */
export function parseElement(text: string): { name?: string; position: number[] } | undefined {
  const m = /^\s*([A-Za-z_][\w.]*)?\s*(?:\[([^\]]*)\]|\(?([\d\s,]*)\)?)\s*$/.exec(text);
  if (!m) return undefined;
  const inner = (m[2] ?? m[3] ?? '').trim();
  const parts =
    inner === ''
      ? []
      : inner
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  if (parts.some((p) => !/^\d+$/.test(p))) return undefined;
  return { name: m[1], position: parts.map(Number) };
}

/** The flat index of a position in an array of `shape`, or undefined when it is outside. */
export function flatIndex(position: number[], shape: number[]): number | undefined {
  if (position.length === 1 && shape.length > 1) {
    const size = shape.reduce((a, b) => a * b, 1);
    return position[0] < size ? position[0] : undefined;
  }
  if (position.length !== shape.length) return undefined;
  let flat = 0;
  for (let k = 0; k < shape.length; k++) {
    if (position[k] >= shape[k]) return undefined;
    flat = flat * shape[k] + position[k];
  }
  return flat;
}

const LABELS: Record<CentralKey, (el: string) => string> = {
  value: (el) => el,
  plus: (el) => `${el} + h`,
  fplus: () => 'f(x + h)',
  minus: (el) => `${el} − h`,
  fminus: () => 'f(x − h)',
  slope: () => '(f(x + h) − f(x − h)) / 2h',
  restore: (el) => `${el} restored`,
};

function centralSteps(steps: CentralStep[], el: string, dtype: string, h: number): ReplayStep[] {
  return steps.map((s) => {
    const out: ReplayStep = { key: s.key, label: LABELS[s.key](el), values: s.values };
    const stored = s.values[0];
    if (s.intended !== undefined && stored !== null && s.intended !== stored) {
      out.note = /int/.test(dtype)
        ? msg(
            '{0} is an integer array ({1}): {2} was stored as {3}.',
            el.replace(/\[.*$/, ''),
            dtype,
            exact(s.intended),
            exact(stored),
          )
        : msg('{0} ± h is {1} in float64: h = {2} is lost to rounding.', el, exact(stored), fmt(h));
    }
    return out;
  });
}

/** Central differences from a runner's ordinary output (the JavaScript/TypeScript replay). */
export function centralFromRun(out: RunOutput, index: number, h: number): CentralStep[] {
  const k = out.indices.indexOf(index);
  const x = out.x[index];
  const fp = out.plus[k];
  const fm = out.minus[k];
  return [
    { key: 'value', label: '', values: [x] },
    { key: 'plus', label: '', values: [x + h] },
    { key: 'fplus', label: '', values: [fp] },
    { key: 'minus', label: '', values: [x - h] },
    { key: 'fminus', label: '', values: [fm] },
    { key: 'slope', label: '', values: [(fp - fm) / (2 * h)], difference: fp - fm },
    { key: 'restore', label: '', values: [x] },
  ];
}

function boundText(step: LoopStep): string[] {
  const out: string[] = [];
  for (const v of step.values) {
    if (v.shape) out.push(`${v.name}: (${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''}) ${v.dtype}`);
    else if (Array.isArray(v.value)) out.push(`${v.name} = (${v.value.join(', ')}${v.value.length === 1 ? ',' : ''})`);
    else if (v.value !== undefined && v.value !== null) out.push(`${v.name} = ${exact(v.value as number)}`);
  }
  if (!step.values.some((v) => v.element !== undefined)) {
    for (const w of step.x) out.push(`x.flat[${w.index}] = ${exact(w.value)}`);
  }
  if (step.error) out.push(step.error);
  return out;
}

function learnerSteps(l: LearnerReplay, wrt: string): ReplayStep[] {
  return l.steps.map((s) => {
    const nums: (number | null)[] = [];
    let note: Msg | undefined;
    for (const v of s.values) {
      if (typeof v.value === 'number') nums.push(v.value);
      if (v.element !== undefined && v.intended !== undefined && typeof v.value === 'number') {
        note = msg(
          '{0} is an integer array ({1}): {2} was stored as {3}.',
          wrt,
          v.dtype,
          exact(v.intended),
          exact(v.value),
        );
      } else if (v.absorbed) {
        note = msg(
          '{0} {1} {2} == {0} in float64: h = {2} is lost to rounding, so {3} did not change.',
          exact(v.absorbed.left),
          v.absorbed.op,
          fmt(v.absorbed.right),
          v.name,
        );
      }
    }
    if (s.error) note = msg('This line raised {0}.', s.error);
    const step: ReplayStep = { label: s.source, values: nums, line: s.line, bound: boundText(s) };
    if (note) step.note = note;
    if (s.iteration !== undefined) step.iteration = s.iteration;
    return step;
  });
}

/** Levenshtein distance, for a loop variable misspelt (iddx for idx). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** What the learner's replay shows, in words: each classic bug named where it happened. */
function learnerNotes(
  l: LearnerReplay,
  el: string,
  wrt: string,
  index: number,
  shape: number[],
  h: number,
  expected: number | null,
): Msg[] {
  const notes: Msg[] = [];
  const name = (i: number) => elementText(wrt, positionOf(i, shape));
  if (l.error) {
    const loopVars = l.steps.filter((s) => s.loop).flatMap((s) => s.values.map((v) => v.name));
    const missing = /NameError: name '(\w+)' is not defined/.exec(l.error.message)?.[1];
    const near = missing ? loopVars.find((v) => v !== missing && editDistance(v, missing) <= 2) : undefined;
    notes.push(
      near
        ? msg(
            'Line {0} `{1}` raised {2}: the loop variable is {3}, not {4}.',
            l.error.line ?? '?',
            l.error.source ?? '',
            l.error.message,
            near,
            missing!,
          )
        : msg('Line {0} `{1}` raised {2}.', l.error.line ?? '?', l.error.source ?? '', l.error.message),
    );
    return notes;
  }
  const ints = l.steps.flatMap((s) => s.values).find((v) => v.element !== undefined && v.intended !== undefined);
  if (ints) {
    notes.push(
      msg(
        'x is an integer array ({0}): `x[idx] = … + h` meant {1} but stored {2}, so the step is not h and the gradient is wrong. Give floats: np.array([3.0, 4.0]) or x.astype(float).',
        l.dtype,
        exact(ints.intended),
        exact(ints.value as number),
      ),
    );
  }
  const lost = l.steps.flatMap((s) => s.values).find((v) => v.absorbed);
  if (lost?.absorbed) {
    notes.push(
      msg(
        'h = {0} is lost: {1} {2} {0} == {1} in float64 (rounding error, 4.3.1), so f(x + h) − f(x − h) = 0 and the gradient is 0. Use h = 1e-4.',
        fmt(lost.absorbed.right),
        exact(lost.absorbed.left),
        lost.absorbed.op,
      ),
    );
  }
  if (!l.found && l.iterations >= 0) {
    const visited = l.visited.filter((v): v is number => v !== null);
    const size = shape.reduce((a, b) => a * b, 1);
    notes.push(
      msg(
        'Your loop never perturbed {0}: it ran {1} iterations over {2} of the {3} elements, so grad there stays 0. Loop over every element (for idx in range(x.size), or np.nditer as the book does).',
        el,
        l.iterations,
        visited.length,
        size,
      ),
    );
  }
  for (const u of l.unrestored.slice(0, 3)) {
    notes.push(
      msg(
        '{0} was not restored: it is {1} after your numerical_gradient returned, not {2}. Each later f(x ± h) saw it shifted; put x[idx] = tmp_val back after grad[idx] is computed.',
        name(u.index),
        exact(u.after),
        exact(u.before),
      ),
    );
  }
  const got = l.gradient?.values[index];
  if (
    got !== undefined &&
    expected !== null &&
    Number.isFinite(expected) &&
    Math.abs(got - expected) > 1e-6 * Math.max(1, Math.abs(expected))
  ) {
    notes.push(
      msg(
        'Your numerical_gradient gives {0} for {1}; central differences with h = {2} give {3}.',
        exact(got),
        el,
        fmt(h),
        exact(expected),
      ),
    );
  }
  return notes;
}

function identityNotes(id: Identity): Msg[] {
  if (!id.reads) {
    return [
      msg(
        'f never reads its argument {0}, and no array it reads changes when {0} does: the numerical gradient is all zeros.',
        id.param,
      ),
    ];
  }
  if (id.shared) {
    return [
      msg(
        'f never reads its argument {0}: it reads {1}. The x that numerical_gradient perturbs is {1} itself (the same object, id {2}), so each x[idx] = tmp_val ± h changes {1} in place and f sees it (4.4.2, f = lambda w: net.loss(x, t)).',
        id.param,
        id.reads,
        id.idTarget ?? '',
      ),
    ];
  }
  return [
    id.source === 'file' && id.passed
      ? msg(
          'f never reads its argument {0}: it reads {1}. But your file passes {2}, a different object (id {3}; {1} is id {4}), so perturbing x never changes {1}: f(x + h) = f(x − h) for every element and the gradient is all zeros. Pass {1} itself: numerical_gradient(f, {1}).',
          id.param,
          id.reads,
          id.passed,
          id.idX ?? '',
          id.idTarget ?? '',
        )
      : msg(
          'f never reads its argument {0}: it reads {1}. But the check perturbs a copy, so perturbing x never changes {1}: f(x + h) = f(x − h) for every element and the gradient is all zeros. Pass {1} itself to numerical_gradient as the book does, numerical_gradient(f, {1}), or check the method with --wrt self.W.',
          id.param,
          id.reads,
        ),
  ];
}

export function buildReplay(
  data: ReplayData,
  wrt: string,
  language: Replay['language'],
  expected?: number | null,
): Replay {
  const name = wrt.replace(/^self\./, '');
  const el = elementText(name, data.position);
  const central = centralSteps(data.steps, el, data.dtype, data.h);
  const slope = data.steps.find((s) => s.key === 'slope')?.values[0] ?? null;
  const ref = expected === undefined ? (data.reference ?? slope) : expected;
  const notes: Msg[] = [];
  if (data.identity) notes.push(...identityNotes(data.identity));
  let steps = central;
  let learnerValue: number | null | undefined;
  if (data.mode === 'learner' && data.learner) {
    steps = learnerSteps(data.learner, name);
    notes.push(...learnerNotes(data.learner, el, name, data.index, data.shape, data.h, ref));
    learnerValue = data.learner.gradient?.values[data.index] ?? null;
    if (data.learner.stopped) {
      notes.push(
        data.learner.stopped === 'time'
          ? msg('The replay stopped tracing at its time limit (so a long loop cannot hang it); the rest ran untraced.')
          : msg('The replay stopped tracing at its line limit (so a long loop cannot hang it); the rest ran untraced.'),
      );
    }
  } else {
    for (const s of central) if (s.note) notes.push(s.note);
  }
  return {
    element: el,
    position: data.position,
    index: data.index,
    wrt,
    h: data.h,
    mode: data.mode,
    language,
    steps,
    central,
    notes,
    identity: data.identity ?? undefined,
    learnerValue,
    expected: ref,
    dtype: data.dtype,
  };
}
