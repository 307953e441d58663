import { dirname, join } from 'path';
import { spawnJsonChild } from '../gradcheck/run/childRun';
import { PYTHON_MEMORY_MB } from '../gradcheck/run/pythonRunner';
import type { InsideRequest, InsideResult, InsideRunner } from './types';

/**
 * Runs media/python/gradcheck_inside.py in the learner's interpreter, the way pythonRunner.ts
 * runs the check's harness: one child process, the request on stdin, the answer on a marked
 * stdout line, killed when the time is up.
 */

const MARK = '\x1eGRADCHECK ';
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * gradcheck_inside.py's answer, checked in its outline: numbers sent as "NaN"/"Infinity" strings
 * (JSON has none) come back as numbers inside value lists; a malformed answer throws.
 */
export function decodeInside(line: string): InsideResult {
  const v: unknown = JSON.parse(line, (key, value) =>
    typeof value === 'string' &&
    value in NON_FINITE &&
    (/^\d+$/.test(key) || ['value', 'intended', 'difference', 'reference'].includes(key))
      ? NON_FINITE[value]
      : value,
  );
  if (!isObject(v) || typeof v.ok !== 'boolean') throw new Error('not a result');
  if (!v.ok) {
    if (!isObject(v.error) || typeof v.error.kind !== 'string' || typeof v.error.message !== 'string')
      throw new Error('error without kind');
    return v as unknown as InsideResult;
  }
  const replay = v.replay;
  const trace = v.trace;
  if (
    isObject(replay) &&
    !(Array.isArray(replay.steps) && Array.isArray(replay.position) && typeof replay.index === 'number')
  ) {
    throw new Error('replay without steps');
  }
  if (isObject(trace) && !(Array.isArray(trace.entries) && Array.isArray(trace.facts)))
    throw new Error('trace without entries');
  if (!isObject(replay) && !isObject(trace)) throw new Error('neither a replay nor a trace');
  return v as unknown as InsideResult;
}

/** gradcheck_inside.py lives beside gradcheck_harness.py. */
export const insideScript = (harness: string) => join(dirname(harness), 'gradcheck_inside.py');

export async function runInsidePython(
  request: InsideRequest,
  python: string,
  script: string,
  signal?: AbortSignal,
): Promise<InsideResult> {
  const out = await spawnJsonChild({
    command: python,
    args: [script],
    cwd: dirname(request.file),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', MPLBACKEND: 'Agg' },
    input: (answer) => JSON.stringify({ ...request, answer }),
    memoryLimitMb: PYTHON_MEMORY_MB,
    mark: MARK,
    timeoutMs: request.timeoutMs,
    signal,
  });
  switch (out.kind) {
    case 'timeout':
      return { ok: false, error: { kind: 'timeout', message: `stopped after ${(out.elapsedMs / 1000).toFixed(1)} s` } };
    case 'aborted':
      return { ok: false, error: { kind: 'internal', message: 'cancelled' } };
    case 'spawn-error':
      return {
        ok: false,
        error: { kind: 'no-python', message: `'${python}' could not be started: ${out.error.message}` },
      };
    case 'no-answer':
      return {
        ok: false,
        error: {
          kind: 'internal',
          message: `Python exited (code ${out.code}) without a result`,
          detail: out.stderr.slice(-1500),
        },
      };
    case 'memory':
      return { ok: false, error: { kind: 'memory', message: `Python used more than ${out.limitMb} MB` } };
    case 'bad-answer':
      return { ok: false, error: { kind: 'internal', message: `unreadable output: ${out.reason}` } };
    case 'answer':
      try {
        return decodeInside(out.answer);
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `unreadable output: ${(e as Error).message}` } };
      }
  }
}

export function makeInsideRunner(python: string, harness: string): InsideRunner {
  const script = insideScript(harness);
  return (request, signal) => runInsidePython(request, python, script, signal);
}
