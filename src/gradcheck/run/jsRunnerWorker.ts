import { closeSync, readFileSync, writeSync } from 'fs';
import { dirname } from 'path';
import { evaluateJs } from './jsEvaluate';
import type { RunRequest } from '../types';

/**
 * The JavaScript/TypeScript checker's child process (dist/jsRunnerWorker.js, started by
 * jsRunner.ts with a heap limit in a process group of its own): one request on stdin, one answer
 * on the run's answer channel — the pipe on fd 3, framed by a marker and the run's secret nonce —
 * then exit. Nothing the learner's code does with process.stdout, console or worker_threads'
 * parentPort (null here) can stand in for it. It may be started ahead, as a spare (warmPool.ts):
 * it says so on stderr and waits on stdin; an empty stdin (nobody asked) ends it quietly.
 */
const MARK = '\x1eGRADCHECK ';
const startedAt = Date.now();

function main(): void {
  writeSync(2, '\x1ePHASE ready\n');
  const text = readFileSync(0, 'utf8');
  const requestAt = Date.now();
  if (!text.trim()) process.exit(0);
  const { answer, ...request } = JSON.parse(text) as RunRequest & {
    answer: { nonce: string; fd: number | null };
  };
  const fd = answer.fd ?? 1;
  try {
    // A spare may have been started in another folder: run where the learner's file is.
    process.chdir(dirname(request.file));
  } catch {
    /* an untitled editor's folder may not exist: stay */
  }
  const result = evaluateJs(request);
  if (result.ok) result.timings = { ...result.timings, startedAt, requestAt, answerAt: Date.now() };
  const line = Buffer.from(
    `${MARK}${answer.nonce} ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`,
  );
  for (let at = 0; at < line.length; ) at += writeSync(fd, line, at);
  closeSync(fd);
  process.exit(0);
}

main();
