import { Worker } from 'worker_threads';
import type { RunRequest, RunResult } from './types';

/**
 * Runs a JavaScript/TypeScript check in its own worker thread (dist/jsRunnerWorker.js) with a
 * heap limit, so an endless loop or a runaway allocation in the learner's code ends that
 * worker, not the extension host. The vm timeout inside the worker reports first; terminating
 * the worker is the backstop for code the vm timeout cannot interrupt.
 */

export interface JsRunnerOptions {
  /** Absolute path of dist/jsRunnerWorker.js. */
  workerPath: string;
  /** Old-generation heap limit of the worker, in MB. */
  memoryMb?: number;
}

/** Extra time the worker gets beyond the request's own limit before it is terminated. */
const BACKSTOP_MS = 1500;

export function runJs(request: RunRequest, options: JsRunnerOptions, signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(options.workerPath, {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: { kind: 'timeout', message: `stopped after ${(request.timeoutMs / 1000).toFixed(1)} s`, phase: 'check' } }), request.timeoutMs + BACKSTOP_MS);
    const onAbort = () => finish({ ok: false, error: { kind: 'internal', message: 'cancelled' } });
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (r: RunResult) => finish(r));
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ ok: false, error: { kind: 'memory', message: `ran out of memory (the limit is ${options.memoryMb ?? 256} MB)` } });
      else finish({ ok: false, error: { kind: 'internal', message: e.message, detail: e.stack } });
    });
    worker.on('exit', (code) => finish({ ok: false, error: { kind: 'internal', message: `the checker stopped (exit code ${code}) without a result` } }));
  });
}
