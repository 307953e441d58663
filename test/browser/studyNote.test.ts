/**
 * "Copy as Markdown" / "Save as Markdown" on the three pages in headless Chromium: each button posts
 * one studyNote message that the panel's own validator accepts — the setup, the result table, the
 * verdict and the diagnosis as the page shows them, the charts as PNG data URLs — in the page's
 * language; and the Markdown made from it holds what the panel showed.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, closeBrowser, openPage, pageErrors, posted, sendMessages } from './chromium';
import { recordedMessages } from './gradcheckPage';
import {
  GRADCHECK_STRINGS,
  LAB_STRINGS,
  STUDY_NOTE_STRINGS,
  TRAIN_STRINGS,
  parseGradcheckMessage,
  parseTrainMessage,
  studyNoteMarkdown,
  validateFromLab,
  type StudyNoteFromWebview,
  type TrainToWebview,
} from '../../src/protocol';

after(closeBrowser);

const ko: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'dist', 'l10n', 'bundle.l10n.ko.json'), 'utf8'));
const korean = <T extends Record<string, string>>(table: T) =>
  Object.fromEntries(Object.entries(table).map(([k, v]) => [k, ko[v] ?? v]));

/** Clicks a note button and returns the one message it posted, as the panel's validator parsed it. */
async function press(
  page: Page,
  which: 'copy' | 'save',
  parse: (m: unknown) => unknown,
): Promise<StudyNoteFromWebview> {
  const before = (await posted(page)).length;
  await page.click(`button[data-note="${which}"]`);
  const sent = (await posted(page)).slice(before);
  assert.equal(sent.length, 1, JSON.stringify(sent).slice(0, 300));
  const m = parse(sent[0]) as StudyNoteFromWebview;
  assert.equal(m.type, 'studyNote');
  assert.equal(m.action, which);
  return m;
}

const pngBytes = (dataUrl: string) => Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
const isPng = (dataUrl: string) =>
  pngBytes(dataUrl)
    .subarray(0, 4)
    .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

test('training page: the note of the newest run — hyperparameters, a row per shown run, verdict, both charts', async () => {
  const messages: TrainToWebview[] = JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
  );
  const init = messages[0] as Extract<TrainToWebview, { type: 'init' }>;
  const page = await openPage({ page: 'train', data: init.options, width: 1280, height: 1000 });
  // No run yet: nothing is sent, the page says why.
  await page.click('button[data-note="copy"]');
  assert.deepEqual(
    (await posted(page)).filter((m) => (m as { type: string }).type === 'studyNote'),
    [],
  );
  assert.match((await page.textContent('.notice')) ?? '', /Train a run first/);
  await sendMessages(page, messages);
  await page.waitForTimeout(300);
  const m = await press(page, 'save', parseTrainMessage);
  const last = messages.filter((x) => x.type === 'runFinished').pop() as Extract<
    TrainToWebview,
    { type: 'runFinished' }
  >;
  assert.equal(m.note.title, `${TRAIN_STRINGS.title}: ${last.run.name}`);
  const setup = Object.fromEntries(m.note.setup);
  assert.equal(setup[TRAIN_STRINGS.learningRate], String(last.run.config.learningRate));
  assert.equal(setup[TRAIN_STRINGS.batchSize], String(last.run.config.batchSize));
  assert.ok(m.note.table!.rows.some((r) => r[0] === last.run.name));
  assert.ok(m.note.table!.rows.every((r) => r.length === m.note.table!.head.length));
  assert.match(m.note.verdict, new RegExp(TRAIN_STRINGS.statusFinished));
  assert.deepEqual(
    m.charts.map((c) => [c.name, c.alt]),
    [
      ['loss', TRAIN_STRINGS.lossChart],
      ['accuracy', TRAIN_STRINGS.accuracyChart],
    ],
  );
  for (const c of m.charts) assert.ok(isPng(c.dataUrl) && pngBytes(c.dataUrl).length > 2000, c.name);
  const copy = await press(page, 'copy', parseTrainMessage);
  assert.deepEqual(copy.note, m.note);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('gradient check page: the check as a note — inputs, the elements table, FAIL with its diagnosis, the error-vs-h chart', async () => {
  const messages = await recordedMessages('py/cross_entropy_missing_batch_division.py', 'cross_entropy_error');
  const result = (messages[1] as Extract<(typeof messages)[number], { type: 'result' }>).result;
  for (const [lang, strings] of [
    ['en', { ...GRADCHECK_STRINGS, ...STUDY_NOTE_STRINGS }],
    ['ko', korean({ ...GRADCHECK_STRINGS, ...STUDY_NOTE_STRINGS })],
  ] as const) {
    const page = await openPage({ page: 'gradcheck', strings, height: 1250 });
    await sendMessages(page, messages);
    await page.waitForSelector('button[data-note="save"]');
    assert.equal(await page.textContent('button[data-note="save"]'), strings.saveMarkdown);
    const m = await press(page, 'save', parseGradcheckMessage);
    assert.equal(m.note.title, `${strings.title}: cross_entropy_error(y, t)`);
    assert.match(m.note.verdict, new RegExp(`^${strings.verdictFail} — `));
    assert.ok(m.note.diagnosis.some((p) => /batch size/.test(p)));
    const setup = Object.fromEntries(m.note.setup);
    assert.match(setup[strings.inputs], /"y"/);
    assert.equal(setup[strings.wrt], (messages[0] as Extract<(typeof messages)[number], { type: 'setup' }>).setup.wrt);
    assert.equal(m.note.table!.head[0], strings.element);
    assert.equal(m.note.table!.rows.length, result.rows.length);
    assert.deepEqual(
      m.charts.map((c) => c.name),
      ['error-vs-h'],
    );
    assert.ok(isPng(m.charts[0].dataUrl));
    const md = studyNoteMarkdown(m.note, { ...STUDY_NOTE_STRINGS, ...korean(STUDY_NOTE_STRINGS) }, { date: 'd' });
    if (lang === 'ko') assert.match(md, /## 판정/);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  }
});

test('labs page: the descent lab at lr 10 — its controls, outputs and verdict read from the page, its chart', async () => {
  const page = await openPage({
    page: 'labs',
    data: { lab: 'descent' },
    strings: { ...LAB_STRINGS, ...STUDY_NOTE_STRINGS },
  });
  await page.fill('#descent-lr', '10');
  await page.dispatchEvent('#descent-lr', 'change');
  await page.waitForTimeout(200);
  const m = await press(page, 'copy', validateFromLab);
  assert.equal(m.note.title, `${LAB_STRINGS.labsNav}: ${LAB_STRINGS['lab.descent']}`);
  const setup = Object.fromEntries(m.note.setup);
  assert.equal(setup[LAB_STRINGS.descentLrExact], '10');
  assert.equal(await page.textContent('#descent-verdict'), m.note.verdict);
  assert.ok(m.note.verdict.length > 0);
  assert.deepEqual(
    m.charts.map((c) => c.name),
    ['descent'],
  );
  assert.ok(isPng(m.charts[0].dataUrl));

  // Every lab gives a valid note with its chart(s).
  for (const id of ['loss', 'tangent', 'errorH', 'field', 'simpleNet', 'saddle']) {
    await page.click(`#tab-${id}`);
    const n = await press(page, 'save', validateFromLab);
    assert.ok(n.note.setup.length + (n.note.table?.rows.length ?? 0) > 0, id);
    assert.ok(n.charts.length >= 1 && n.charts.every((c) => isPng(c.dataUrl)), id);
  }
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});
