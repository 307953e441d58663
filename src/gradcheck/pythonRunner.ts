import { dirname } from 'path';
import { spawnJsonChild } from './childRun';
import { rememberInterpreter, resolveInterpreter } from './interpreterCache';
import type { RunRequest, RunResult } from './types';

/**
 * Runs media/python/gradcheck_harness.py in the learner's interpreter: one child process per
 * check, the request on stdin, the result on stdout, killed when the time is up. The working
 * folder is the learner's, so `sys.path.append(os.pardir)` and their imports work as in a
 * terminal; nothing is written there. The process plumbing is childRun.ts's spawnJsonChild.
 */

export interface PythonRunnerOptions {
  /** The interpreter: a path or a command on PATH. */
  python: string;
  /** Absolute path of gradcheck_harness.py. */
  harness: string;
}

const MARK = '\x1eGRADCHECK ';
const PHASE = '\x1ePHASE ';
// Numbers the harness had to send as strings (JSON has no NaN or Infinity).
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const NUMERIC_KEYS = new Set(['f0', 'f0Again', 'h', 'elapsedMs']);

export function decodeResult(line: string): RunResult {
  return JSON.parse(line, (key, value) =>
    typeof value === 'string' && value in NON_FINITE && (/^\d+$/.test(key) || NUMERIC_KEYS.has(key)) ? NON_FINITE[value] : value,
  ) as RunResult;
}

export async function runPython(request: RunRequest, options: PythonRunnerOptions, signal?: AbortSignal): Promise<RunResult> {
  let phase = 'start';
  // The interpreter behind a shim, looked up once (interpreterCache.ts).
  const command = resolveInterpreter(options.python, dirname(request.file));
  const out = await spawnJsonChild({
    command,
    args: [options.harness],
    cwd: dirname(request.file),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', MPLBACKEND: 'Agg', PYTHONUNBUFFERED: '1' },
    input: JSON.stringify(request),
    mark: MARK,
    timeoutMs: request.timeoutMs,
    signal,
    onStderr: (stderr) => {
      const phases = stderr.split('\n').filter((l) => l.startsWith(PHASE));
      if (phases.length) phase = phases[phases.length - 1].slice(PHASE.length).trim();
    },
  });
  switch (out.kind) {
    case 'timeout':
      return { ok: false, error: { kind: 'timeout', message: `stopped after ${(out.elapsedMs / 1000).toFixed(1)} s`, phase } };
    case 'aborted':
      return { ok: false, error: { kind: 'internal', message: 'cancelled' } };
    case 'spawn-error': {
      const e = out.error;
      return {
        ok: false,
        error: {
          kind: 'no-python',
          message: e.code === 'ENOENT' ? `'${options.python}' was not found` : `'${options.python}' could not be started: ${e.message}`,
          python: options.python,
        },
      };
    }
    case 'answer':
      try {
        const result = decodeResult(out.answer);
        if (result.ok) rememberInterpreter(options.python, dirname(request.file), result.executable);
        return result;
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `unreadable harness output: ${(e as Error).message}` } };
      }
    case 'no-answer': {
      const tail = out.stderr.split('\n').filter((l) => !l.startsWith(PHASE)).join('\n').trim().slice(-1500);
      if (/SyntaxError/.test(tail) && tail.includes('gradcheck_harness')) {
        return { ok: false, error: { kind: 'no-python', message: `'${options.python}' is not Python 3.6 or newer`, python: options.python, detail: tail } };
      }
      if (/MemoryError/.test(tail)) return { ok: false, error: { kind: 'memory', message: 'Python ran out of memory', detail: tail } };
      return { ok: false, error: { kind: 'internal', message: `Python exited (code ${out.code}) without a result`, detail: tail, phase } };
    }
  }
}
