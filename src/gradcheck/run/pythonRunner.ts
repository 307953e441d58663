import { dirname } from 'path';
import { AnswerError, validateRunResult } from './answer';
import { startChild, type ChildSpec } from './childRun';
import { isShim, rememberInterpreter, resolveInterpreter } from './interpreterCache';
import { READY_LINE, type WarmPool } from './warmPool';
import type { RunRequest, RunResult } from '../types';
import { errorMessage } from '../../util/text';

/**
 * Runs media/python/gradcheck_harness.py in the learner's interpreter: one child process per
 * check, the request on stdin, the result on the run's own answer channel (childRun.ts: a pipe on
 * fd 3 or a nonce-framed stdout line), the process group killed when the time is up. The working
 * folder is the learner's, so `sys.path.append(os.pardir)` and their imports work as in a
 * terminal; nothing is written there. The process plumbing is childRun.ts's spawnJsonChild.
 */

export interface PythonRunnerOptions {
  /** The interpreter: a path or a command on PATH. */
  python: string;
  /** Absolute path of gradcheck_harness.py. */
  harness: string;
  /** Resident memory limit of the interpreter's process group, in MB (default PYTHON_MEMORY_MB). */
  memoryMb?: number;
  /** Spare interpreters started ahead (warmPool.ts); without one each check starts its own. */
  pool?: WarmPool;
}

const MARK = '\x1eGRADCHECK ';
const PHASE = '\x1ePHASE ';
// Numbers the harness had to send as strings (JSON has no NaN or Infinity).
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const NUMERIC_KEYS = new Set(['f0', 'f0Again', 'h', 'elapsedMs']);

/** The harness's answer line as a RunResult, checked in shape and type (throws AnswerError or SyntaxError). */
export function decodeResult(line: string): RunResult {
  return validateRunResult(
    JSON.parse(line, (key, value) =>
      typeof value === 'string' && value in NON_FINITE && (/^\d+$/.test(key) || NUMERIC_KEYS.has(key))
        ? NON_FINITE[value]
        : value,
    ),
  );
}

/** An answer line (the harness's or the JavaScript worker's) as the result, or "malformed" saying why. */
export function resultFromAnswer(answer: string, output: RunResult['output']): RunResult {
  try {
    return { ...decodeResult(answer), output };
  } catch (e) {
    return malformedAnswer(e instanceof AnswerError ? e.message : `not JSON (${errorMessage(e)})`, output);
  }
}

/** A checker's answer (the harness's or the JavaScript worker's) that is not what it must be, and why. */
export function malformedAnswer(why: string, output: RunResult['output']): RunResult {
  return { ok: false, error: { kind: 'internal', message: `the checker's answer is malformed: ${why}` }, output };
}

/** Resident memory of the interpreter (and what it starts) before the check is stopped. */
export const PYTHON_MEMORY_MB = 4096;

/** How a check's interpreter is started in `folder`, and the pool's key for it. */
function pythonSpec(options: PythonRunnerOptions, folder: string): { key: string; spec: ChildSpec } {
  // The interpreter behind a shim, looked up once (interpreterCache.ts).
  const command = resolveInterpreter(options.python, folder);
  // A shim picks its version by the folder: its spares are the folder's own.
  const key = `python\0${command}\0${isShim(command, folder) ? folder : ''}\0${options.harness}`;
  const spec: ChildSpec = {
    command,
    args: [options.harness],
    cwd: folder,
    env: {
      ...process.env,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONIOENCODING: 'utf-8',
      MPLBACKEND: 'Agg',
      PYTHONUNBUFFERED: '1',
    },
    memoryLimitMb: options.memoryMb ?? PYTHON_MEMORY_MB,
    mark: MARK,
  };
  return { key, spec };
}

/** Starts a spare interpreter for checks of files in `folder` (a no-op when one waits already). */
export function prestartPython(options: PythonRunnerOptions & { pool: WarmPool }, folder: string): void {
  const { key, spec } = pythonSpec(options, folder);
  options.pool.prestart(key, spec);
}

export async function runPython(
  request: RunRequest,
  options: PythonRunnerOptions,
  signal?: AbortSignal,
): Promise<RunResult> {
  const folder = dirname(request.file);
  const result = await runPythonOnce(request, options, folder, signal);
  // The next check finds an interpreter waiting (started after this one, so they do not compete).
  if (options.pool && !signal?.aborted) prestartPython({ ...options, pool: options.pool }, folder);
  return result;
}

async function runPythonOnce(
  request: RunRequest,
  options: PythonRunnerOptions,
  folder: string,
  signal?: AbortSignal,
): Promise<RunResult> {
  let phase = 'start';
  const { key, spec } = pythonSpec(options, folder);
  const child = options.pool ? options.pool.take(key, spec, spec.command) : startChild(spec);
  const out = await child.run({
    input: (answer) => JSON.stringify({ ...request, answer }),
    timeoutMs: request.timeoutMs,
    signal,
    onStderr: (stderr) => {
      const phases = stderr.split('\n').filter((l) => l.startsWith(PHASE) && !l.startsWith(READY_LINE));
      if (phases.length) phase = phases[phases.length - 1].slice(PHASE.length).trim();
    },
  });
  switch (out.kind) {
    case 'timeout': {
      // "load line 95": the file's top-level line that was running (a training loop, a call of train()).
      const at = /^load line (\d+)$/.exec(phase);
      const line = at ? Number(at[1]) : undefined;
      const source = line ? request.source?.split('\n')[line - 1]?.trim() : undefined;
      return {
        ok: false,
        error: {
          kind: 'timeout',
          message: `stopped after ${(out.elapsedMs / 1000).toFixed(1)} s`,
          phase: at ? 'load' : phase,
          ...(line ? { line, ...(source ? { source: source.slice(0, 200) } : {}) } : {}),
        },
      };
    }
    case 'aborted':
      return { ok: false, error: { kind: 'internal', message: 'cancelled' } };
    case 'spawn-error': {
      const e = out.error;
      return {
        ok: false,
        error: {
          kind: 'no-python',
          message:
            e.code === 'ENOENT'
              ? `'${options.python}' was not found`
              : `'${options.python}' could not be started: ${e.message}`,
          python: options.python,
        },
      };
    }
    case 'memory':
      return {
        ok: false,
        error: { kind: 'memory', message: `out-of-memory: Python used more than ${out.limitMb} MB`, phase },
      };
    case 'bad-answer':
      return malformedAnswer(out.reason, out.output);
    case 'answer': {
      const result = resultFromAnswer(out.answer, out.output);
      if (result.ok) rememberInterpreter(options.python, folder, result.executable);
      return result;
    }
    case 'no-answer': {
      const tail = out.stderr
        .split('\n')
        .filter((l) => !l.startsWith(PHASE))
        .join('\n')
        .trim()
        .slice(-1500);
      if (/SyntaxError/.test(tail) && tail.includes('gradcheck_harness')) {
        return {
          ok: false,
          error: {
            kind: 'no-python',
            message: `'${options.python}' is not Python 3.6 or newer`,
            python: options.python,
            detail: tail,
          },
        };
      }
      if (/MemoryError/.test(tail))
        return { ok: false, error: { kind: 'memory', message: 'Python ran out of memory', detail: tail } };
      const how = out.signal ? `signal ${out.signal}` : `code ${out.code}`;
      return {
        ok: false,
        error: { kind: 'internal', message: `Python exited (${how}) without a result`, detail: tail, phase },
        output: out.output,
      };
    }
  }
}
