import { runJs } from './jsRunner';
import { runPython } from './pythonRunner';
import type { Runners } from '../check';

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
}

export function makeRunners(setup: RunnerSetup): Runners {
  return {
    python: (request, signal) => runPython(request, { python: setup.python, harness: setup.harness }, signal),
    js: (request, signal) => runJs(request, { workerPath: setup.workerPath }, signal),
    pythonHint: setup.pythonHint,
  };
}
