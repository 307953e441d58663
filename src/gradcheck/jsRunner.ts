import { runWorker } from './childRun';
import type { RunRequest, RunResult } from './types';

/**
 * Runs a JavaScript/TypeScript check in its own worker thread (dist/jsRunnerWorker.js) with a
 * heap limit, so an endless loop or a runaway allocation in the learner's code ends that
 * worker, not the extension host. The vm timeout inside the worker reports first; terminating
 * the worker is the backstop for code the vm timeout cannot interrupt (childRun.ts's runWorker).
 */

export interface JsRunnerOptions {
  /** Absolute path of dist/jsRunnerWorker.js. */
  workerPath: string;
  /** Old-generation heap limit of the worker, in MB. */
  memoryMb?: number;
}

/** Extra time the worker gets beyond the request's own limit before it is terminated. */
const BACKSTOP_MS = 1500;

export async function runJs(request: RunRequest, options: JsRunnerOptions, signal?: AbortSignal): Promise<RunResult> {
  const memoryMb = options.memoryMb ?? 256;
  const out = await runWorker<RunResult>({
    path: options.workerPath,
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    timeoutMs: request.timeoutMs + BACKSTOP_MS,
    signal,
    quiet: true,
  });
  switch (out.kind) {
    case 'message':
      return out.message;
    case 'timeout':
      return { ok: false, error: { kind: 'timeout', message: `stopped after ${(request.timeoutMs / 1000).toFixed(1)} s`, phase: 'check' } };
    case 'aborted':
      return { ok: false, error: { kind: 'internal', message: 'cancelled' } };
    case 'memory':
      return { ok: false, error: { kind: 'memory', message: `ran out of memory (the limit is ${memoryMb} MB)` } };
    case 'error':
      return { ok: false, error: { kind: 'internal', message: out.error.message, detail: out.error.stack } };
    case 'exit':
      return { ok: false, error: { kind: 'internal', message: `the checker stopped (exit code ${out.code}) without a result` } };
  }
}
