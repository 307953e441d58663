/**
 * The progress record a learner hands in: steps kept with their dates when they tick off, every
 * exercise file checked now (real Python), one JSON object and the same as Markdown in en and ko,
 * and the command writing both side by side (fake vscode, real disk).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';
import { install, recorded, reset, vscode } from './fakeVscode';
import { PROGRESS_KEYS } from '../../src/protocol/tutorial';
import { STEPS } from '../../src/tutorial/steps';
import { gradeExercise } from '../../src/tutorial/gradeExercise';
import {
  PROGRESS_RECORD_KIND,
  PROGRESS_STRINGS,
  progressMarkdown,
  progressRecord,
  type ExerciseRecord,
} from '../../src/tutorial/progressRecord';
import { translator } from '../../src/l10n/cli';

install();

const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'dist', 'l10n', 'bundle.l10n.ko.json'), 'utf8'));
const nls = (lang: 'en' | 'ko'): Record<string, string> =>
  JSON.parse(readFileSync(join(ROOT, lang === 'ko' ? 'package.nls.ko.json' : 'package.nls.json'), 'utf8'));
const titles = (lang: 'en' | 'ko') =>
  Object.fromEntries(STEPS.map((s) => [s.id, nls(lang)[`walkthrough.${s.id}.title`]]));
const SOLUTION = join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py');
const TEMPLATE = join(ROOT, 'media', 'exercises', 'en', 'gradient_lab_ch4.py');

async function graded(file: string, path: string, lang: 'en' | 'ko'): Promise<ExerciseRecord> {
  const t = translator(lang === 'ko' ? ko : undefined);
  const report = await gradeExercise({
    file,
    language: 'python',
    t,
    lang,
    python: PYTHON,
    pythonHint: 'set a Python',
    root: ROOT,
  });
  return { ...report, path };
}

const DONE = {
  [PROGRESS_KEYS.lossLab]: '2026-12-01T10:00:00.000Z',
  [PROGRESS_KEYS.diffLab]: '2026-12-02T10:00:00.000Z',
  // Done before dates were kept: done, no date.
  [PROGRESS_KEYS.trainingFinished]: '',
};

test('the record: each walkthrough step done or not with its date, each exercise file’s checks', async () => {
  const solved = await graded(SOLUTION, 'ch4/gradient_lab_ch4.py', 'en');
  const record = progressRecord({
    steps: STEPS,
    done: DONE,
    titles: titles('en'),
    exercises: [solved],
    createdAt: new Date('2026-12-06T12:00:00Z'),
    lang: 'en',
  });
  assert.equal(record.kind, PROGRESS_RECORD_KIND);
  assert.deepEqual([record.walkthrough.done, record.walkthrough.total], [3, STEPS.length]);
  assert.deepEqual(record.walkthrough.steps[0], {
    id: 'lossFunctions',
    title: 'Loss functions',
    done: true,
    doneAt: '2026-12-01T10:00:00.000Z',
  });
  assert.deepEqual(record.walkthrough.steps[5], { id: 'trainTwoLayerNet', title: 'Training TwoLayerNet', done: true });
  assert.equal(record.walkthrough.steps[6].done, false);
  assert.equal(record.createdAt, '2026-12-06T12:00:00.000Z');
  const e = record.exercises[0];
  assert.deepEqual([e.path, e.allPassed, e.passed, e.total], ['ch4/gradient_lab_ch4.py', true, 18, 18]);
  assert.deepEqual(JSON.parse(JSON.stringify(record)), record);

  const md = progressMarkdown(record, translator(undefined), (iso) => iso.slice(0, 10));
  const lines = md.split('\n');
  assert.equal(lines[0], '# Gradient Lab progress: chapter 4');
  assert.ok(lines.includes('Made on 2026-12-06.'));
  assert.ok(lines.includes('## Walkthrough: 3 of 7 steps done'));
  assert.ok(lines.includes('| 1. Loss functions | ✓ done (2026-12-01) |'));
  assert.ok(lines.includes('| 6. Training TwoLayerNet | ✓ Done |'));
  assert.ok(lines.includes('| 7. Checking your own gradient | ○ not yet |'));
  assert.ok(lines.includes('### ch4/gradient\\_lab\\_ch4.py: 18 of 18 checks pass'));
  const checkRows = lines.filter((l) => l.startsWith('| cross\\_entropy\\_error\\_grad |'));
  assert.equal(checkRows.length, 4);
  assert.match(checkRows[0], /\| ✓ pass \| Your gradient matches the numerical gradient/);
});

test('the record in Korean: the walkthrough’s Korean titles, the checks’ Korean words; a TODO is marked as one', async () => {
  const todo = await graded(TEMPLATE, 'gradient_lab_ch4.py', 'ko');
  const record = progressRecord({
    steps: STEPS,
    done: {},
    titles: titles('ko'),
    exercises: [todo],
    createdAt: new Date('2026-12-06T12:00:00Z'),
    lang: 'ko',
  });
  const md = progressMarkdown(record, translator(ko), () => '2026년 12월 6일');
  assert.match(md, /^# Gradient Lab 진행 기록: 4장$/m);
  assert.match(md, /^## 단계별 안내: 7단계 중 0단계 완료$/m);
  assert.match(md, new RegExp(`\\| 1\\. ${titles('ko').lossFunctions} \\| ○ 아직 \\|`));
  assert.match(md, /^### gradient\\_lab\\_ch4\.py: 검사 18개 중 0개 통과$/m);
  assert.match(md, /\| sum\\_squares\\_error \| .* \| ○ TODO \| sum\\_squares\\_error: 아직 TODO입니다/);
  for (const en of Object.values(PROGRESS_STRINGS)) assert.ok(en in ko, `untranslated: ${en}`);
});

test('a step ticked off is kept with the time it was first seen, once', async () => {
  const { initProgress, markStepDone, completedSteps, PROGRESS_STATE_KEY } = await import('../../src/panels/progress');
  const state = new Map<string, unknown>();
  initProgress({
    keys: () => [...state.keys()],
    get: <T>(k: string, d?: T) => (state.has(k) ? (state.get(k) as T) : d),
    update: async (k: string, v: unknown) => void state.set(k, v),
  } as unknown as Parameters<typeof initProgress>[0]);
  await markStepDone(PROGRESS_KEYS.lossLab);
  const first = completedSteps()[PROGRESS_KEYS.lossLab];
  assert.match(first, /^\d{4}-\d\d-\d\dT/);
  await new Promise((r) => setTimeout(r, 5));
  await markStepDone(PROGRESS_KEYS.lossLab);
  assert.equal(completedSteps()[PROGRESS_KEYS.lossLab], first);
  assert.deepEqual(Object.keys(state.get(PROGRESS_STATE_KEY) as object), [PROGRESS_KEYS.lossLab]);
  // Something else in the state (an older version's or a damaged value) is ignored, not trusted.
  state.set(PROGRESS_STATE_KEY, { [PROGRESS_KEYS.diffLab]: 42, 'not.a.key': 'x' });
  assert.deepEqual(completedSteps(), {});
});

test('Export Progress Record checks the workspace’s exercise files and writes <name>.md and <name>.json', async () => {
  reset();
  const { exportProgress } = await import('../../src/tutorial/exportProgress');
  const { initProgress } = await import('../../src/panels/progress');
  const state = new Map<string, unknown>([
    ['gradientLab.progress.steps', { [PROGRESS_KEYS.lossLab]: '2026-12-01T10:00:00.000Z' }],
  ]);
  initProgress({ get: (k: string) => state.get(k), update: async () => undefined } as unknown as Parameters<
    typeof initProgress
  >[0]);
  const dir = mkdtempSync(join(tmpdir(), 'gl-progress-'));
  copyFileSync(SOLUTION, join(dir, 'gradient_lab_ch4.py'));
  recorded.config['gradientLab.pythonPath'] = PYTHON;
  Object.assign(vscode.workspace, { findFiles: async () => [vscode.Uri.file(join(dir, 'gradient_lab_ch4.py'))] });
  recorded.answers.push(vscode.Uri.file(join(dir, 'week4 progress.md')));
  await exportProgress(vscode.Uri.file(ROOT) as unknown as Parameters<typeof exportProgress>[0]);
  const json = JSON.parse(readFileSync(join(dir, 'week4 progress.json'), 'utf8'));
  assert.equal(json.kind, PROGRESS_RECORD_KIND);
  assert.equal(json.walkthrough.steps[0].doneAt, '2026-12-01T10:00:00.000Z');
  assert.deepEqual(
    json.exercises.map((e: ExerciseRecord) => [e.path, e.allPassed, e.total]),
    [['gradient_lab_ch4.py', true, 18]],
  );
  const md = readFileSync(join(dir, 'week4 progress.md'), 'utf8');
  assert.match(md, /## Walkthrough: 1 of 7 steps done/);
  assert.match(md, /### gradient\\_lab\\_ch4\.py: 18 of 18 checks pass/);
  assert.ok(recorded.messages.some((m) => /Saved .*week4 progress\.md and .*week4 progress\.json/.test(m.text)));

  // Untrusted: nothing of the learner's runs; the file is listed as not checked, and why.
  reset();
  vscode.workspace.isTrusted = false;
  recorded.answers.push(vscode.Uri.file(join(dir, 'untrusted.md')));
  await exportProgress(vscode.Uri.file(ROOT) as unknown as Parameters<typeof exportProgress>[0]);
  const u = JSON.parse(readFileSync(join(dir, 'untrusted.json'), 'utf8'));
  assert.equal(u.exercises[0].error.kind, 'untrusted');
  assert.match(readFileSync(join(dir, 'untrusted.md'), 'utf8'), /Not checked: checking runs your code/);
  reset();
});
