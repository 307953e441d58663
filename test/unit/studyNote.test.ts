/**
 * Study notes: the Markdown made from a panel's note (en and ko), user text escaped so it cannot
 * break a table or open code, the message validated by every panel's protocol, and the extension's
 * save writing the note and its charts beside it (fake vscode, real disk).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { install, recorded, reset, vscode } from './fakeVscode';
import {
  NOTE_LIMITS,
  STUDY_NOTE_STRINGS,
  escapeMarkdown,
  noteStem,
  parseGradcheckMessage,
  parseTrainMessage,
  studyNoteFiles,
  studyNoteMarkdown,
  validateFromLab,
  type StudyNote,
  type StudyNoteStrings,
} from '../../src/protocol';

install();

// A 1×1 PNG.
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'dist', 'l10n', 'bundle.l10n.ko.json'), 'utf8'));
const EN: StudyNoteStrings = { ...STUDY_NOTE_STRINGS };
const KO = Object.fromEntries(Object.entries(STUDY_NOTE_STRINGS).map(([k, v]) => [k, ko[v] ?? v])) as StudyNoteStrings;

const note: StudyNote = {
  title: 'Train TwoLayerNet: lr | 10 `fast`',
  setup: [
    ['Learning rate', '10'],
    ['Batch size', '100'],
  ],
  table: {
    head: ['Name', 'Status', 'Test accuracy'],
    rows: [
      ['lr | 10 `fast`', 'diverged', '11.35 %'],
      ['book *defaults*', 'finished', '93.1 %'],
    ],
  },
  verdict: 'diverged · not learning',
  diagnosis: ['The loss stays at ≈ ln 10 = 2.30: the learning rate 10 is too large.', 'Try 0.1.'],
};

/** The cells of a Markdown table row, split at the pipes that are not escaped. */
const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

test('the note as Markdown: title, setup table, verdict, diagnosis, result table, charts as files beside it', () => {
  const md = studyNoteMarkdown(note, EN, {
    date: '2026-12-06',
    charts: [
      { file: 'my note-loss.png', alt: 'Loss (mini-batch cross-entropy)' },
      { file: 'my note-accuracy.png', alt: 'Accuracy per epoch' },
    ],
  });
  const lines = md.split('\n');
  assert.equal(lines[0], '# Train TwoLayerNet: lr \\| 10 \\`fast\\`');
  const at = (heading: string) => lines.indexOf(heading);
  assert.ok(at('## Setup') < at('## Verdict') && at('## Verdict') < at('## Diagnosis'));
  assert.ok(at('## Diagnosis') < at('## Result') && at('## Result') < at('## Charts'));
  assert.deepEqual(lines.slice(at('## Setup') + 2, at('## Setup') + 6), [
    '| Setting | Value |',
    '| --- | --- |',
    '| Learning rate | 10 |',
    '| Batch size | 100 |',
  ]);
  assert.equal(lines[at('## Verdict') + 2], '**diverged · not learning**');
  assert.equal(lines[at('## Diagnosis') + 2], '- The loss stays at ≈ ln 10 = 2.30: the learning rate 10 is too large.');
  const table = lines.slice(at('## Result') + 2, at('## Result') + 6);
  assert.deepEqual(table[1], '| --- | --- | --- |');
  // Every row keeps three cells: the pipe in the run's name is escaped, its backticks open no code.
  for (const row of [table[0], table[2], table[3]]) assert.equal(cells(row).length, 3, row);
  assert.deepEqual(cells(table[2]), ['lr \\| 10 \\`fast\\`', 'diverged', '11.35 %']);
  assert.deepEqual(cells(table[3]), ['book \\*defaults\\*', 'finished', '93.1 %']);
  assert.ok(lines.includes('![Loss (mini-batch cross-entropy)](<my note-loss.png>)'));
  assert.ok(lines.includes('![Accuracy per epoch](<my note-accuracy.png>)'));
  assert.equal(lines.filter((l) => l).pop(), '_Made with Gradient Lab on 2026-12-06._');
});

test('the note in Korean: the headings in the Korean edition’s words, the learner’s text as it was', () => {
  const md = studyNoteMarkdown({ ...note, verdict: '발산 · 학습하지 않음' }, KO, { date: '2026년 12월 6일' });
  for (const heading of ['## 설정', '## 판정', '## 진단', '## 결과']) assert.ok(md.includes(`\n${heading}\n`), heading);
  assert.match(md, /\| 항목 \| 값 \|/);
  assert.match(md, /\*\*발산 · 학습하지 않음\*\*/);
  assert.match(md, /_2026년 12월 6일에 Gradient Lab으로 만들었습니다\._/);
  assert.doesNotMatch(md, /## Setup|Made with/);
});

test('copied text has no images and says where the charts are; a note without charts says nothing of them', () => {
  const copied = studyNoteMarkdown(note, EN, { date: 'd', chartCount: 2 });
  assert.doesNotMatch(copied, /!\[/);
  assert.match(copied, /_The charts are not in the copied text: Save as Markdown writes them as PNG files/);
  assert.doesNotMatch(studyNoteMarkdown(note, EN, { date: 'd' }), /charts/i);
  const koCopied = studyNoteMarkdown(note, KO, { date: 'd', chartCount: 1 });
  assert.match(koCopied, /복사한 글에는 그래프가 들어가지 않습니다/);
});

test('escaping: pipes, backticks, emphasis, links and HTML in user text are shown literally; newlines stay in one cell', () => {
  assert.equal(escapeMarkdown('a|b`c`*d*_e_[f](g)<h>#~\\'), 'a\\|b\\`c\\`\\*d\\*\\_e\\_\\[f\\](g)\\<h\\>\\#\\~\\\\');
  assert.equal(escapeMarkdown('two\nlines', true), 'two lines');
  const md = studyNoteMarkdown(
    { ...note, setup: [['Inputs', '{"y": [0.1,\n0.9]} | `x`']], table: undefined, diagnosis: ['line 1\nline 2'] },
    EN,
    { date: 'd' },
  );
  const row = md.split('\n').find((l) => l.startsWith('| Inputs'))!;
  assert.deepEqual(cells(row), ['Inputs', '{"y": \\[0.1, 0.9\\]} \\| \\`x\\`']);
  assert.match(md, /- line 1\n {2}line 2/);
});

test('the files of a saved note: <stem>.md and <stem>-<chart>.png, the PNG payload without its data: prefix', () => {
  const files = studyNoteFiles('ch4 notes', note, [{ name: 'loss', alt: 'Loss', dataUrl: PNG }], EN, 'd');
  assert.deepEqual(
    files.images.map((i) => i.file),
    ['ch4 notes-loss.png'],
  );
  assert.equal(files.images[0].base64, PNG.slice('data:image/png;base64,'.length));
  assert.match(files.markdown, /!\[Loss\]\(<ch4 notes-loss\.png>\)/);
  assert.equal(noteStem('Train TwoLayerNet: run 3 (lr 10)'), 'train-twolayernet-run-3-lr-10');
  assert.equal(noteStem('TwoLayerNet 학습: 실행 1'), 'twolayernet-학습-실행-1');
  assert.equal(noteStem('///'), 'study-note');
});

const message = (over: Record<string, unknown> = {}) => ({
  type: 'studyNote',
  action: 'save',
  note,
  charts: [{ name: 'loss', alt: 'Loss', dataUrl: PNG }],
  ...over,
});

test('every panel’s protocol takes the study-note message and refuses a bad one, naming the field', () => {
  for (const parse of [parseTrainMessage, parseGradcheckMessage, validateFromLab] as ((m: unknown) => unknown)[]) {
    const m = parse(message()) as { type: string; action: string; note: StudyNote; charts: unknown[] };
    assert.deepEqual([m.type, m.action, m.note.title, m.charts.length], ['studyNote', 'save', note.title, 1]);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ action: 'print' }, /action must be one of copy, save/],
      [{ charts: [{ name: 'loss', alt: '', dataUrl: 'data:image/svg+xml;base64,AAAA' }] }, /base64 PNG data URL/],
      [{ charts: [{ name: '../x', alt: '', dataUrl: PNG }] }, /name must be lowercase/],
      [
        {
          charts: [
            { name: 'a', alt: '', dataUrl: PNG },
            { name: 'a', alt: '', dataUrl: PNG },
          ],
        },
        /given twice/,
      ],
      [{ charts: Array.from({ length: 9 }, (_, i) => ({ name: `c${i}`, alt: '', dataUrl: PNG })) }, /more than 8/],
      [{ charts: [{ name: 'big', alt: '', dataUrl: PNG + 'A'.repeat(NOTE_LIMITS.dataUrl) }] }, /longer than/],
      [{ note: { ...note, table: { head: ['a', 'b'], rows: [['only one']] } } }, /has 1 cells, the header 2/],
      [{ note: { ...note, title: 'x'.repeat(NOTE_LIMITS.title + 1) } }, /title is longer than/],
      [{ note: { ...note, setup: [['label only']] } }, /must be \[label, value\]/],
      [{ note: { ...note, diagnosis: 'text' } }, /note.diagnosis must be an array/],
      [{ note: undefined }, /note must be an object/],
    ];
    for (const [over, why] of bad) assert.throws(() => parse(message(over)), why, JSON.stringify(over).slice(0, 80));
  }
});

test('Save as Markdown writes the note and its charts beside it; Copy puts the Markdown on the clipboard', async () => {
  reset();
  const { handleStudyNote } = await import('../../src/panels/studyNote');
  const dir = mkdtempSync(join(tmpdir(), 'gl-note-'));
  recorded.answers.push(vscode.Uri.file(join(dir, 'week 4.md')));
  await handleStudyNote(parseTrainMessage(message()) as Parameters<typeof handleStudyNote>[0]);
  const md = readFileSync(join(dir, 'week 4.md'), 'utf8');
  assert.match(md, /^# Train TwoLayerNet: lr \\\| 10/);
  assert.match(md, /!\[Loss\]\(<week 4-loss\.png>\)/);
  assert.deepEqual([...readFileSync(join(dir, 'week 4-loss.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(recorded.messages.some((m) => /Saved .*week 4\.md and 1 chart image/.test(JSON.stringify(m))));

  // A data URL that is base64 but not a PNG: refused with a message, nothing written.
  reset();
  recorded.answers.push(vscode.Uri.file(join(dir, 'bad.md')));
  await handleStudyNote(
    parseTrainMessage(
      message({ charts: [{ name: 'loss', alt: '', dataUrl: 'data:image/png;base64,AAAAAAAAAAAA' }] }),
    ) as Parameters<typeof handleStudyNote>[0],
  );
  assert.ok(!existsSync(join(dir, 'bad.md')) && !existsSync(join(dir, 'bad-loss.png')));
  assert.ok(recorded.messages.some((m) => /could not be saved: not a PNG image/.test(JSON.stringify(m))));

  reset();
  await handleStudyNote(parseTrainMessage(message({ action: 'copy' })) as Parameters<typeof handleStudyNote>[0]);
  assert.match(vscode.env.clipboard.text, /^# Train TwoLayerNet/);
  assert.doesNotMatch(vscode.env.clipboard.text, /!\[/);
});
