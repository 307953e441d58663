/**
 * The progress record a learner hands in (Gradient Lab: Export Progress Record): the walkthrough's
 * steps, which are done and since when, and each exercise file's checks as they stand now — one
 * JSON object and the same as Markdown. No vscode, no Node: the command (exportProgress.ts)
 * gathers the facts, this makes the record and its text.
 */
import { escapeMarkdown } from '../protocol/studyNote';
import type { ExerciseReportJson } from './gradeExercise';
import type { WalkthroughStep } from './steps';

export const PROGRESS_RECORD_KIND = 'gradient-lab-progress';

export interface StepRecord {
  id: string;
  title: string;
  done: boolean;
  /** When this extension saw the step done (ISO 8601); absent for steps done before it kept dates. */
  doneAt?: string;
}

export interface ExerciseRecord extends ExerciseReportJson {
  /** The file, relative to the workspace folder. */
  path: string;
}

export interface ProgressRecord {
  kind: typeof PROGRESS_RECORD_KIND;
  version: 1;
  /** ISO 8601. */
  createdAt: string;
  lang: 'en' | 'ko';
  walkthrough: { done: number; total: number; steps: StepRecord[] };
  /** An exercise file that could not be checked (untrusted workspace) carries `error`. */
  exercises: ExerciseRecord[];
}

/** English templates; Korean in src/l10n/ko/progress.json (tested to be there). */
export const PROGRESS_STRINGS = {
  title: 'Gradient Lab progress: chapter 4',
  created: 'Made on {0}.',
  walkthrough: 'Walkthrough: {0} of {1} steps done',
  step: 'Walkthrough step',
  done: 'Done',
  doneOn: 'done ({0})',
  notDone: 'not yet',
  exercises: 'Exercise checks',
  noExercises: 'No exercise file in the workspace (Gradient Lab: Create Exercise File makes one).',
  exercise: '{0}: {1} of {2} checks pass',
  function: 'Function',
  check: 'Check',
  result: 'Result',
  message: 'Message',
  pass: 'pass',
  fail: 'fail',
  todo: 'TODO',
} as const;

export type ProgressTranslate = (template: string, ...args: (string | number)[]) => string;

export function progressRecord(o: {
  steps: readonly WalkthroughStep[];
  /** Progress key → when it was first seen done (ISO), or '' when done but the date is unknown. */
  done: Readonly<Record<string, string>>;
  /** Step id → its title in the display language (the walkthrough's own). */
  titles: Readonly<Record<string, string>>;
  exercises: ExerciseRecord[];
  createdAt: Date;
  lang: 'en' | 'ko';
}): ProgressRecord {
  const steps = o.steps.map((s): StepRecord => {
    const at = o.done[s.done];
    return {
      id: s.id,
      title: o.titles[s.id] ?? s.id,
      done: at !== undefined,
      ...(at ? { doneAt: at } : {}),
    };
  });
  return {
    kind: PROGRESS_RECORD_KIND,
    version: 1,
    createdAt: o.createdAt.toISOString(),
    lang: o.lang,
    walkthrough: { done: steps.filter((s) => s.done).length, total: steps.length, steps },
    exercises: o.exercises,
  };
}

const cell = (s: string) => escapeMarkdown(s, true) || ' ';

/** The record as Markdown: the steps as a table, then a table of checks per exercise file. */
export function progressMarkdown(r: ProgressRecord, t: ProgressTranslate, date: (iso: string) => string): string {
  const S = PROGRESS_STRINGS;
  const out = [`# ${escapeMarkdown(t(S.title))}`, '', escapeMarkdown(t(S.created, date(r.createdAt))), ''];
  out.push(`## ${escapeMarkdown(t(S.walkthrough, r.walkthrough.done, r.walkthrough.total))}`, '');
  out.push(`| ${cell(t(S.step))} | ${cell(t(S.done))} |`, '| --- | --- |');
  r.walkthrough.steps.forEach((s, i) => {
    const done = s.done ? `✓ ${s.doneAt ? t(S.doneOn, date(s.doneAt)) : t(S.done)}` : `○ ${t(S.notDone)}`;
    out.push(`| ${cell(`${i + 1}. ${s.title}`)} | ${cell(done)} |`);
  });
  out.push('', `## ${escapeMarkdown(t(S.exercises))}`, '');
  if (!r.exercises.length) out.push(escapeMarkdown(t(S.noExercises)), '');
  for (const e of r.exercises) {
    out.push(`### ${escapeMarkdown(t(S.exercise, e.path, e.passed, e.total))}`, '');
    if (e.error) out.push(`✗ ${escapeMarkdown(e.error.message)}`, '');
    if (!e.checks.length) continue;
    out.push(`| ${[S.function, S.check, S.result, S.message].map((h) => cell(t(h))).join(' | ')} |`);
    out.push('| --- | --- | --- | --- |');
    for (const c of e.checks) {
      const result = c.pass ? `✓ ${t(S.pass)}` : c.status === 'todo' ? `○ ${t(S.todo)}` : `✗ ${t(S.fail)}`;
      const message = c.hint ? `${c.message} — ${c.hint}` : c.message;
      out.push(`| ${[c.function, c.name, result, message].map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
