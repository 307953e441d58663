import { dirname } from 'path';
import { malformedAnswer, resultFromAnswer } from './pythonRunner';
import { startChild, type ChildSpec } from './childRun';
import type { WarmPool } from './warmPool';
import type { RunRequest, RunResult } from '../types';

/**
 * Runs a JavaScript/TypeScript check in a child process of its own (dist/jsRunnerWorker.js, Node
 * as the host runs it) with a V8 heap limit and a watch on the whole process group's resident
 * memory — which counts ArrayBuffers and typed arrays, which a heap limit does not — so an endless
 * loop or a runaway allocation ends that process group, not the extension host. The vm timeout
 * inside reports first; killing the group is the backstop (and ends child processes the learner's
 * code started). The answer comes on the run's own channel (childRun.ts).
 */

export interface JsRunnerOptions {
  /** Absolute path of dist/jsRunnerWorker.js. */
  workerPath: string;
  /** Old-generation heap limit of the checker, in MB. */
  memoryMb?: number;
  /** Resident memory limit of the checker's process group, in MB (ArrayBuffers included). */
  rssMb?: number;
  /** Spare checkers started ahead (warmPool.ts); without one each check starts its own. */
  pool?: WarmPool;
}

/** Extra time the checker gets beyond the request's own limit before its group is killed. */
const BACKSTOP_MS = 1500;
export const JS_HEAP_MB = 256;
export const JS_MEMORY_MB = 768;

/** How a checker is started in `folder`, and the pool's key for it. */
function jsSpec(options: JsRunnerOptions, folder: string): { key: string; spec: ChildSpec } {
  const memoryMb = options.memoryMb ?? JS_HEAP_MB;
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  delete env.NODE_OPTIONS;
  const args = [`--max-old-space-size=${memoryMb}`, '--max-semi-space-size=16', options.workerPath];
  const rssMb = options.rssMb ?? JS_MEMORY_MB;
  return {
    key: `js\0${process.execPath}\0${args.join('\0')}\0${rssMb}`,
    spec: { command: process.execPath, args, cwd: folder, env, mark: '\x1eGRADCHECK ', memoryLimitMb: rssMb },
  };
}

/** Starts a spare checker (a no-op when one waits already). */
export function prestartJs(options: JsRunnerOptions & { pool: WarmPool }, folder: string): void {
  const { key, spec } = jsSpec(options, folder);
  options.pool.prestart(key, spec);
}

export async function runJs(request: RunRequest, options: JsRunnerOptions, signal?: AbortSignal): Promise<RunResult> {
  const memoryMb = options.memoryMb ?? JS_HEAP_MB;
  const folder = dirname(request.file);
  const { key, spec } = jsSpec(options, folder);
  const child = options.pool ? options.pool.take(key, spec) : startChild(spec);
  const out = await child.run({
    input: (answer) => JSON.stringify({ ...request, answer }),
    timeoutMs: request.timeoutMs + BACKSTOP_MS,
    signal,
  });
  // The next check finds a checker waiting (started after this one, so they do not compete).
  if (options.pool && !signal?.aborted) options.pool.prestart(key, spec);
  const outOfMemory = (limit: number, what: string) => ({
    ok: false as const,
    error: { kind: 'memory' as const, message: `out-of-memory: the check used more than ${limit} MB (${what})` },
  });
  switch (out.kind) {
    case 'answer':
      return resultFromAnswer(out.answer, out.output);
    case 'timeout':
      return {
        ok: false,
        error: { kind: 'timeout', message: `stopped after ${(request.timeoutMs / 1000).toFixed(1)} s`, phase: 'check' },
      };
    case 'aborted':
      return { ok: false, error: { kind: 'internal', message: 'cancelled' } };
    case 'memory':
      return outOfMemory(out.limitMb, 'resident memory, typed arrays included');
    case 'spawn-error':
      return {
        ok: false,
        error: { kind: 'internal', message: `the checker could not be started: ${out.error.message}` },
      };
    case 'bad-answer':
      return malformedAnswer(out.reason, out.output);
    case 'no-answer': {
      if (/heap limit|JavaScript heap out of memory|Allocation failed/.test(out.stderr))
        return outOfMemory(memoryMb, 'the JavaScript heap');
      const how = out.signal ? `signal ${out.signal}` : `exit code ${out.code}`;
      return {
        ok: false,
        error: {
          kind: 'internal',
          message: `the checker stopped (${how}) without a result: does your code call process.exit()?`,
          detail: out.stderr.slice(-1500),
        },
        output: out.output,
      };
    }
  }
}
