import { runJs } from './jsRunner';
import { runPython } from './pythonRunner';
import type { Runners } from '../check';
import type { WarmPool } from './warmPool';

/** Where the two runtimes live: the one place a Runners is assembled (panel, CLI, exercises, tests). */
export interface RunnerSetup {
  /** The interpreter for Python files. */
  python: string;
  /** media/python/gradcheck_harness.py */
  harness: string;
  /** dist/jsRunnerWorker.js */
  workerPath: string;
  /** How to choose another interpreter, for "no Python" messages, already in the display language. */
  pythonHint: string;
  /** Spare checkers started ahead (the panel's); without one each check starts its own process. */
  pool?: WarmPool;
}

export function makeRunners(setup: RunnerSetup): Runners {
  return {
    python: (request, signal) =>
      runPython(request, { python: setup.python, harness: setup.harness, pool: setup.pool }, signal),
    js: (request, signal) => runJs(request, { workerPath: setup.workerPath, pool: setup.pool }, signal),
    pythonHint: setup.pythonHint,
  };
}
