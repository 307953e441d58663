/**
 * "Check my solution" without the editor: the value checks in the exercise harnesses, the
 * gradient checks in the gradient checker, verdicts back in the order of the checks. Node only,
 * no vscode, so the whole path is tested as the extension runs it.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { withFixes } from './exerciseFixes';
import { makeRunners } from '../gradcheck/run/runners';
import { runGradientChecks } from './gradcheckAdapter';
import { runChecks, type RunFailure } from './exerciseRunner';
import { functionName, isGradientCheck, isValueCheck, type ExerciseCheck, type ExerciseLanguage } from './exerciseSpec';
import { judge, type Verdict } from './exerciseVerdict';

export interface SolutionCheckOptions {
  language: ExerciseLanguage;
  file: string;
  /** The editor's text when it is not saved: checked as it is, the file on disk left alone. */
  source?: string;
  checks: readonly ExerciseCheck[];
  /** The extension's folder (for the harnesses and workers). */
  root: string;
  /** The interpreter for Python files. */
  python: string;
  /** How to pick another interpreter, in the display language (for the gradient checker's messages). */
  pythonHint: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type SolutionResult = { verdicts: Verdict[] } | { failure: RunFailure };

export async function checkSolution(o: SolutionCheckOptions): Promise<SolutionResult> {
  const values = o.checks.filter(isValueCheck);
  const gradients = o.checks.filter(isGradientCheck);
  const verdicts: Verdict[] = [];
  if (values.length) {
    const result = await runChecks({
      language: o.language,
      file: o.file,
      source: o.source,
      checks: values,
      python: o.python,
      harness: join(o.root, 'media', 'exercises', 'check_exercise.py'),
      worker: join(o.root, 'dist', 'exerciseWorker.js'),
      timeoutMs: o.timeoutMs,
      signal: o.signal,
    });
    if ('failure' in result) return result;
    const judged = judge(values, result.outcomes, (e) => functionName(e, o.language));
    verdicts.push(...withFixes(judged, o.source ?? readFileSync(o.file, 'utf8'), o.language));
  }
  if (gradients.length) {
    const runners = makeRunners({
      python: o.python,
      harness: join(o.root, 'media', 'python', 'gradcheck_harness.py'),
      workerPath: join(o.root, 'dist', 'jsRunnerWorker.js'),
      pythonHint: o.pythonHint,
    });
    verdicts.push(...(await runGradientChecks(gradients, o.language, o.file, runners, o.signal, o.source)));
  }
  const order = new Map(o.checks.map((c, i) => [c.id, i]));
  return { verdicts: verdicts.sort((a, b) => order.get(a.id)! - order.get(b.id)!) };
}
