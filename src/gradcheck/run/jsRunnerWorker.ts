import { closeSync, readFileSync, writeSync } from 'fs';
import { evaluateJs } from './jsEvaluate';
import type { RunRequest } from '../types';

/**
 * The JavaScript/TypeScript checker's child process (dist/jsRunnerWorker.js, started by
 * jsRunner.ts with a heap limit in a process group of its own): one request on stdin, one answer
 * on the run's answer channel — the pipe on fd 3, framed by a marker and the run's secret nonce —
 * then exit. Nothing the learner's code does with process.stdout, console or worker_threads'
 * parentPort (null here) can stand in for it.
 */
const MARK = '\x1eGRADCHECK ';

function main(): void {
  const { answer, ...request } = JSON.parse(readFileSync(0, 'utf8')) as RunRequest & {
    answer: { nonce: string; fd: number | null };
  };
  const fd = answer.fd ?? 1;
  const result = evaluateJs(request);
  const line = Buffer.from(
    `${MARK}${answer.nonce} ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`,
  );
  for (let at = 0; at < line.length; ) at += writeSync(fd, line, at);
  closeSync(fd);
  process.exit(0);
}

main();
