import { spawn } from 'child_process';
import { dirname } from 'path';
import type { RunRequest, RunResult } from './types';

/**
 * Runs media/python/gradcheck_harness.py in the learner's interpreter: one child process per
 * check, the request on stdin, the result on stdout, killed when the time is up. The working
 * folder is the learner's, so `sys.path.append(os.pardir)` and their imports work as in a
 * terminal; nothing is written there.
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

export function runPython(request: RunRequest, options: PythonRunnerOptions, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let phase = 'start';
    let settled = false;
    const started = Date.now();
    const child = spawn(options.python, [options.harness], {
      cwd: dirname(request.file),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8', MPLBACKEND: 'Agg', PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const kill = () => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ ok: false, error: { kind: 'timeout', message: `stopped after ${((Date.now() - started) / 1000).toFixed(1)} s`, phase } });
    }, request.timeoutMs);
    const onAbort = () => {
      kill();
      finish({ ok: false, error: { kind: 'internal', message: 'cancelled' } });
    };
    signal?.addEventListener('abort', onAbort);

    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const phases = stderr.split('\n').filter((l) => l.startsWith(PHASE));
      if (phases.length) phase = phases[phases.length - 1].slice(PHASE.length).trim();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        error: {
          kind: 'no-python',
          message: e.code === 'ENOENT' ? `'${options.python}' was not found` : `'${options.python}' could not be started: ${e.message}`,
          python: options.python,
        },
      });
    });
    child.on('close', (code) => {
      const line = stdout.split('\n').reverse().find((l) => l.startsWith(MARK));
      if (line) {
        try {
          finish(decodeResult(line.slice(MARK.length)));
          return;
        } catch (e) {
          finish({ ok: false, error: { kind: 'internal', message: `unreadable harness output: ${(e as Error).message}` } });
          return;
        }
      }
      const tail = stderr.split('\n').filter((l) => !l.startsWith(PHASE)).join('\n').trim().slice(-1500);
      if (/SyntaxError/.test(tail) && tail.includes('gradcheck_harness')) {
        finish({ ok: false, error: { kind: 'no-python', message: `'${options.python}' is not Python 3.6 or newer`, python: options.python, detail: tail } });
      } else if (/MemoryError/.test(tail)) {
        finish({ ok: false, error: { kind: 'memory', message: 'Python ran out of memory', detail: tail } });
      } else {
        finish({ ok: false, error: { kind: 'internal', message: `Python exited (code ${code}) without a result`, detail: tail, phase } });
      }
    });
    child.stdin.on('error', () => {
      /* the process died first; 'close' reports it */
    });
    child.stdin.end(JSON.stringify(request));
  });
}
