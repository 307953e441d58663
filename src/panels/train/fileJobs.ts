import { runWorker } from '../../gradcheck/run/childRun';
import { doFileJob, type FileAnswer, type FileJob } from './fileWorker';

/**
 * Runs one file job (fileWorker.ts) in a worker thread with a heap limit and a time limit, so a
 * large or hostile file never blocks or grows the extension host. Without a worker path (unit
 * tests of one module) the job runs in place.
 */
export const FILE_JOB_HEAP_MB = 1024;
export const FILE_JOB_TIMEOUT_MS = 120_000;

export async function runFileJob(
  workerFile: string | undefined,
  job: FileJob,
  timeoutMs = FILE_JOB_TIMEOUT_MS,
): Promise<FileAnswer> {
  if (!workerFile) return doFileJob(job);
  const out = await runWorker<FileAnswer>({
    path: workerFile,
    workerData: undefined,
    resourceLimits: { maxOldGenerationSizeMb: FILE_JOB_HEAP_MB },
    timeoutMs,
    quiet: true,
    post: job,
  });
  switch (out.kind) {
    case 'message':
      return out.message;
    case 'memory':
      return { ok: false, message: `out-of-memory: reading the file needed more than ${out.limitMb} MB` };
    case 'timeout':
      return { ok: false, message: `reading the file took longer than ${timeoutMs / 1000} s and was stopped` };
    case 'aborted':
      return { ok: false, message: 'cancelled' };
    case 'error':
      return { ok: false, message: out.error.message };
    case 'exit':
      return { ok: false, message: `the file worker stopped (exit code ${out.code})` };
  }
}
