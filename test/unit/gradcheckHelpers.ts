import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runners } from '../../src/gradcheck/check';
import { makeRunners } from '../../src/gradcheck/run/runners';
import { ROOT } from './helpers';

export const FIXTURES = join(ROOT, 'test', 'fixtures', 'gradcheck');
export const HARNESS = join(ROOT, 'media', 'python', 'gradcheck_harness.py');
export const WORKER = join(ROOT, 'dist', 'jsRunnerWorker.js');

/** Debian's python3 with python3-numpy (what CI installs), else whatever python3 is on PATH. */
export const PYTHON =
  process.env.GRADCHECK_TEST_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export function testRunners(python = PYTHON): Runners {
  return makeRunners({ python, harness: HARNESS, workerPath: WORKER, pythonHint: 'set GRADCHECK_TEST_PYTHON' });
}
