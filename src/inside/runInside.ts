import { dirname, join } from 'path';
import { spawnJsonChild } from '../gradcheck/childRun';
import { decodeResult } from '../gradcheck/pythonRunner';
import type { InsideRequest, InsideResult, InsideRunner } from './types';

/**
 * Runs media/python/gradcheck_inside.py in the learner's interpreter, the way pythonRunner.ts
 * runs the check's harness: one child process, the request on stdin, the answer on a marked
 * stdout line, killed when the time is up.
 */

const MARK = '\x1eGRADCHECK ';

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
    input: JSON.stringify(request),
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
          kind: 'internal', message: `Python exited (code ${out.code}) without a result`,
          detail: out.stderr.slice(-1500),
        },
      };
    case 'answer':
      try {
        return decodeResult(out.answer) as unknown as InsideResult;
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `unreadable output: ${(e as Error).message}` } };
      }
  }
}

export function makeInsideRunner(python: string, harness: string): InsideRunner {
  const script = insideScript(harness);
  return (request, signal) => runInsidePython(request, python, script, signal);
}
