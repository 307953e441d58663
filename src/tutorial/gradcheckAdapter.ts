/**
 * The exercise's gradient checks go through the project's gradient checker (src/gradcheck):
 * the same harnesses, comparison and diagnosis as Check Gradient of Selection, so a learner
 * gets one explanation of a wrong gradient wherever they meet it. This file only translates
 * between the two: an exercise GradientCheck in, a Verdict out. No vscode import.
 */
import { readFileSync } from 'fs';
import { runCheck, type CheckReport, type Runners } from '../gradcheck/check';
import type { Msg } from '../gradcheck/analysis/messages';
import { EXERCISE_STRINGS as S } from './exerciseStrings';
import { REFERENCE_LOSSES, functionName, type ExerciseLanguage, type GradientCheck } from './exerciseSpec';
import type { Message, Verdict } from './exerciseVerdict';

const message = (m: Msg): Message => ({ key: m.text, args: m.args });

/** A CheckReport read as an exercise verdict: the checker's summary as what happened, its first finding as the hint. */
export function verdictFromReport(check: GradientCheck, report: CheckReport, language: ExerciseLanguage): Verdict {
  const base = {
    id: check.id,
    exercise: check.exercise,
    label: { key: S[`check.${check.id}` as keyof typeof S] ?? check.id, args: [] },
  };
  const err = report.error;
  // The template's own "TODO" error is not a mistake: the function is simply not written yet.
  if (err && /\bTODO\b/.test(err.message)) {
    const name = err.function ?? functionName(err.fn === 'loss' ? check.loss : check.exercise, language);
    return {
      ...base,
      status: 'todo',
      detail: { key: S.todo, args: [name] },
      hint: { key: S.hintFinishTodo, args: [] },
    };
  }
  const hint = report.messages[0] ? message(report.messages[0]) : undefined;
  // numerical-only: the exercise's gradient was not compared (never a pass).
  const status =
    report.verdict === 'pass'
      ? 'pass'
      : report.diagnosis.includes('not-found') || report.verdict === 'numerical-only'
        ? 'missing'
        : report.verdict;
  const fix = status === 'pass' ? undefined : (report.fixes?.[0] ?? undefined);
  return {
    ...base,
    status,
    detail: message(report.summary),
    hint: status === 'pass' ? undefined : hint,
    line: err?.line,
    fix,
  };
}

export async function runGradientChecks(
  checks: readonly GradientCheck[],
  language: ExerciseLanguage,
  file: string,
  runners: Runners,
  signal?: AbortSignal,
  text?: string,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  let source = text;
  for (const check of checks) {
    const book = check.against === 'book' ? REFERENCE_LOSSES[check.loss]?.[language] : undefined;
    if (check.against === 'book' && !book) throw new Error(`no reference loss for ${check.loss}`);
    // The book's loss is appended to the learner's file (their lines keep their numbers).
    source ??= book ? readFileSync(file, 'utf8') : undefined;
    const report = await runCheck(
      {
        file,
        source: book ? source + book.source : text,
        functionName: book ? book.name : functionName(check.loss, language),
        gradientName: functionName(check.exercise, language),
        wrt: check.wrt,
        inputs: check.inputs,
        anyShape: true,
      },
      runners,
      signal,
    );
    verdicts.push(verdictFromReport(check, report, language));
  }
  return verdicts;
}
