import { CheckOptions, CheckReport, Prepared, Runners, prepare } from '../gradcheck/check';
import { positionOf } from '../gradcheck/analysis/compare';
import { Msg, elementText, msg } from '../gradcheck/analysis/messages';
import { Replay, buildReplay, centralFromRun, flatIndex, parseElement } from './replay';
import { ShapeTrace, explainTrace } from './trace';
import type { InsideRequest, InsideRunner, ReplayData } from './types';

/**
 * "Replay element y[3, 0]" and "Trace shapes" for one check: prepare it as the checker does
 * (same function, inputs, h), then run the replay or the trace in the file's runtime. Python
 * goes through gradcheck_inside.py; JavaScript/TypeScript replay central differences from the
 * worker's ordinary evaluation of that one element. Used by the CLI and the panel.
 */

export interface InsideRunners extends Runners {
  inside: InsideRunner;
}

export interface InsideOptions extends CheckOptions {
  /** "y[3, 0]", or undefined for the worst element of `report`. */
  element?: string;
  /** The x array's dtype for the replay (int64: what np.array([3, 4]) gives). */
  dtype?: 'float64' | 'int64';
  maxSteps?: number;
  maxMs?: number;
}

export type InsideOutcome<T> = { ok: true; value: T } | { ok: false; message: Msg };

const fail = <T>(message: Msg): InsideOutcome<T> => ({ ok: false, message });

function insideRequest(p: Prepared, mode: 'replay' | 'trace', o: InsideOptions, index?: number): InsideRequest {
  return {
    ...p.request,
    indices: index === undefined ? undefined : [index],
    stepHs: [],
    sweepHs: [],
    probes: undefined,
    mode,
    index,
    dtype: o.dtype,
    maxSteps: o.maxSteps ?? (mode === 'trace' ? 2000 : 4000),
    maxMs: o.maxMs ?? 3000,
  };
}

const shapeOfInput = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shapeOfInput(v[0])] : []);

/** Which element: the one named, else the worst of the report, else the first. */
export function chooseElement(p: Prepared, o: InsideOptions, report?: CheckReport): InsideOutcome<number> {
  // self.W made by __init__ has no input: its shape is the one the check saw.
  const given = p.request.inputs[p.request.wrt];
  const shape = given === undefined && report?.shape.length ? report.shape : shapeOfInput(given);
  if (o.element === undefined || o.element === 'worst') {
    const worst = report?.rows[0];
    return { ok: true, value: worst ? worst.index : 0 };
  }
  const parsed = parseElement(o.element);
  const flat = parsed ? flatIndex(parsed.position, shape) : undefined;
  if (!parsed || flat === undefined) {
    const example = elementText(
      p.request.wrt,
      shape.map((n) => n - 1),
    );
    const shapeText = `(${shape.join(', ')})`;
    return fail(
      msg('{0} is not an element of {1} {2}: write it like {3}.', o.element, p.request.wrt, shapeText, example),
    );
  }
  return { ok: true, value: flat };
}

export async function replayElement(
  o: InsideOptions,
  runners: InsideRunners,
  report?: CheckReport,
  signal?: AbortSignal,
): Promise<InsideOutcome<Replay>> {
  const p = prepare(o);
  if (!('request' in p)) return fail(p.summary);
  const chosen = chooseElement(p, o, report);
  if (!chosen.ok) return chosen;
  const index = chosen.value;
  const req = insideRequest(p, 'replay', o, index);
  const expected = report?.rows.find((r) => r.index === index)?.numerical;
  if (p.language === 'python') {
    const r = await runners.inside(req, signal);
    if (!r.ok) return fail(msg('The replay could not run: {0}', r.error.message));
    if (!r.replay) return fail(msg('The replay could not run: {0}', 'no replay'));
    return { ok: true, value: buildReplay(r.replay, p.request.wrt, 'python', expected) };
  }
  // Only f(x ± h) of that element: the hand-written gradient plays no part in the replay.
  const out = await runners.js({ ...req, gradient: undefined }, signal);
  if (!out.ok) return fail(msg('The replay could not run: {0}', out.error.message));
  const shape = out.shape;
  const data: ReplayData = {
    mode: 'central',
    identity: null,
    index,
    position: positionOf(index, shape),
    shape,
    h: p.request.h,
    dtype: 'float64',
    steps: centralFromRun(out, index, p.request.h),
  };
  return { ok: true, value: buildReplay(data, p.request.wrt, p.language === 'typescript' ? 'ts' : 'js', expected) };
}

export type TraceOf = ShapeTrace & { file: string; function: string };

export async function traceShapes(
  o: InsideOptions,
  runners: InsideRunners,
  signal?: AbortSignal,
): Promise<InsideOutcome<TraceOf>> {
  const p = prepare(o);
  if (!('request' in p)) return fail(p.summary);
  if (p.language !== 'python') {
    return fail(msg('The shape trace follows numpy arrays in Python; for JavaScript and TypeScript use the replay.'));
  }
  const r = await runners.inside(insideRequest(p, 'trace', o), signal);
  if (!r.ok) return fail(msg('The shape trace could not run: {0}', r.error.message));
  if (!r.trace) return fail(msg('The shape trace could not run: {0}', 'no trace'));
  return { ok: true, value: { ...explainTrace(r.trace, p.request.wrt), file: p.request.file, function: p.loss.name } };
}
