/**
 * The reliability suite's measuring tape: every hostile case runs through `hostile()`, which
 * times it, samples the peak resident memory of this process and of everything it started, checks
 * that no process or thread is left afterwards, and prints one line per case:
 *   [reliability] <area> <case>: <outcome class> in 123 ms, peak 90 MB (tree 140 MB)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { treeRss } from '../../src/gradcheck/run/childRun';

export type OutcomeClass = 'clear-error' | 'correct-result' | 'bounded' | 'nothing-lost';

/** Pids of every descendant of `pid` (Linux /proc). */
export function descendants(pid = process.pid): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let kids: number[] = [];
    try {
      for (const t of readdirSync(`/proc/${p}/task`)) {
        kids.push(
          ...readFileSync(`/proc/${p}/task/${t}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number),
        );
      }
    } catch {
      kids = [];
    }
    for (const k of kids) {
      out.push(k);
      walk(k);
    }
  };
  walk(pid);
  return out;
}

export function threadCount(): number {
  const m = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'latin1'));
  return m ? Number(m[1]) : 0;
}

/** Whether a process with this pid is still running (not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `pid` has ended within `ms` (SIGKILL was sent when the check reported; death follows). */
export async function gone(pid: number, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/** Waits (up to `ms`) until this process has no descendants and no more threads than `threads`. */
export async function settled(threads: number, ms = 3000): Promise<{ procs: number[]; threads: number }> {
  const end = Date.now() + ms;
  for (;;) {
    const procs = descendants().filter(alive);
    const t = threadCount();
    if ((procs.length === 0 && t <= threads) || Date.now() > end) return { procs, threads: t };
    await sleep(50);
  }
}

export interface Measured<T> {
  value: T;
  ms: number;
  peakMb: number;
  treePeakMb: number;
}

let warm = false;

/**
 * Runs one hostile case: `fn` must return normally (a thrown error is a crash and fails the test);
 * afterwards no child process may be left and the thread count must be back where it was.
 */
export async function hostile<T>(
  area: string,
  name: string,
  outcome: OutcomeClass,
  fn: () => Promise<T> | T,
  limits: { ms?: number; mb?: number; treeMb?: number } = {},
): Promise<Measured<T>> {
  if (!warm) {
    // libuv's thread pool starts on first use; start it before counting threads.
    await import('node:fs/promises').then((f) => f.stat('.'));
    warm = true;
  }
  const threadsBefore = threadCount();
  const baseMb = process.memoryUsage().rss / 1048576;
  let peak = 0;
  let tree = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
    tree = Math.max(tree, treeRss(process.pid) ?? 0);
  };
  const timer = setInterval(sample, 20);
  const started = Date.now();
  let value: T;
  try {
    value = await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = Date.now() - started;
  sample();
  const after = await settled(threadsBefore);
  const m: Measured<T> = { value, ms, peakMb: Math.round(peak / 1048576), treePeakMb: Math.round(tree / 1048576) };
  console.log(`[reliability] ${area} ${name}: ${outcome} in ${ms} ms, peak ${m.peakMb} MB (tree ${m.treePeakMb} MB)`);
  if (after.procs.length) throw new Error(`${name}: processes left behind: ${after.procs.join(', ')}`);
  if (after.threads > threadsBefore)
    throw new Error(`${name}: ${after.threads - threadsBefore} thread(s) left running`);
  if (limits.ms !== undefined && ms > limits.ms) throw new Error(`${name}: took ${ms} ms, bound ${limits.ms} ms`);
  const mb = limits.mb ?? 600;
  if (m.peakMb - baseMb > mb)
    throw new Error(`${name}: this process grew by ${Math.round(m.peakMb - baseMb)} MB (bound ${mb} MB)`);
  if (limits.treeMb !== undefined && m.treePeakMb > limits.treeMb)
    throw new Error(`${name}: this process and its children peaked at ${m.treePeakMb} MB (bound ${limits.treeMb} MB)`);
  return m;
}
