/**
 * A lab file's setup on the pages in headless Chromium (dist/webview/*.js): locked controls are
 * disabled with the teacher's reason and keep their value whatever the page does (Book defaults,
 * the finder's suggestion), hidden ones are not shown, the instruction is shown as plain text, and
 * "Share this setup" sends the form as it is.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_RUN_CONFIG, TRAIN_STRINGS, type TrainLabView, type TrainToWebview } from '../../src/protocol/train';
import { ROOT, closeBrowser, openPage, pageErrors, posted, sendMessages } from './chromium';
import { LAB_IDS, LAB_STRINGS, type LabSetupView } from '../../src/protocol/tutorial';
import { LAB_CONTROLS } from '../../src/protocol/labFile';
import type { Json } from '../../src/protocol/validate';
import { GRADCHECK_STRINGS, type SetupView, parseGradcheckMessage } from '../../src/protocol/gradcheck';

after(closeBrowser);

const messages: TrainToWebview[] = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'train', 'panel-messages.json'), 'utf8'),
);
const init = { ...(messages[0] as Extract<TrainToWebview, { type: 'init' }>), runs: [], histories: [] };
const started = messages.find((m) => m.type === 'runStarted') as Extract<TrainToWebview, { type: 'runStarted' }>;

const lab: TrainLabView = {
  seq: 1,
  config: { ...DEFAULT_RUN_CONFIG, learningRate: 10, iters: 1000 },
  lock: ['learningRate', 'dataset'],
  hide: ['gradientMethod', 'sampling'],
  instruction: 'Why does this <b>diverge</b>?\nLook at the loss.',
};

const value = (page: Page, name: string, by: '#' | 'name' = 'name') =>
  page.inputValue(by === '#' ? `#${name}` : `[name="${name}"]`);
const isDisabled = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLInputElement).disabled);
const visible = (page: Page, selector: string) => page.isVisible(selector);

test('training page: the lab file’s values, locks, hidden controls and instruction', async () => {
  const page = await openPage({ page: 'train', data: init.options, theme: 'dark', width: 350, height: 900 });
  await sendMessages(page, [init]);
  assert.equal(await visible(page, '.lab-instruction'), false, 'no instruction without a lab file');
  await sendMessages(page, [{ type: 'lab', lab }]);
  await page.waitForFunction(() => (document.querySelector('[name="learningRate"]') as HTMLInputElement).disabled);

  assert.equal(await value(page, 'learningRate'), '10');
  assert.equal(await value(page, 'iters'), '1000');
  assert.equal(await page.getAttribute('[name="learningRate"]', 'title'), TRAIN_STRINGS.lockedByTeacher);
  assert.equal(await page.getAttribute('[name="learningRate"]', 'aria-description'), TRAIN_STRINGS.lockedByTeacher);
  assert.equal(await isDisabled(page, '[name="dataset"]'), true);
  assert.match((await page.textContent('label:has([name="learningRate"])')) ?? '', /^Learning rate · locked/);
  assert.doesNotMatch((await page.textContent('label:has([name="iters"])')) ?? '', /locked/);
  for (const free of ['hiddenSize', 'batchSize', 'iters', 'seed', 'weightInitStd'])
    assert.equal(await isDisabled(page, `[name="${free}"]`), false, `${free} stays free`);
  assert.equal(await visible(page, '[name="gradientMethod"]'), false);
  assert.equal(await visible(page, '[name="sampling"]'), false);
  assert.equal(await visible(page, '[name="hiddenSize"]'), true);
  // The instruction is text: the markup shows as written, nothing is parsed as HTML.
  assert.equal(await page.$eval('.lab-instruction', (e) => e.textContent), lab.instruction);
  assert.equal(await page.$$eval('.lab-instruction *', (e) => e.length), 0);
  assert.equal(await visible(page, '.lab-instruction'), true);
  const box = await page.$eval('.lab-instruction', (e) => e.getBoundingClientRect().right);
  assert.ok(box <= 350, `the instruction fits 350 px (${box})`);

  // Book defaults and the finder's suggestion leave the locked rate alone.
  await page.click('button:has-text("Book defaults")');
  assert.equal(await value(page, 'learningRate'), '10');
  assert.equal(await value(page, 'iters'), String(DEFAULT_RUN_CONFIG.iters));
  await page.fill('[name="iters"]', '500');

  // Share sends the form as it is; Start sends the locked rate.
  await page.click('button[name="shareSetup"]');
  await page.click('button[data-action="start"]');
  const sent = (await posted(page)) as { type: string; config?: { learningRate: number; iters: number } }[];
  const share = sent.find((m) => m.type === 'share');
  assert.equal(share?.config?.learningRate, 10);
  assert.equal(share?.config?.iters, 500);
  assert.equal(sent.find((m) => m.type === 'start')?.config?.learningRate, 10);

  // During a run the live learning-rate control stays locked too.
  await sendMessages(page, [{ ...started, run: { ...started.run, config: { ...lab.config, iters: 500 } } }]);
  await page.waitForFunction(
    () => (document.querySelector('[data-action="pause"]') as HTMLButtonElement).disabled === false,
  );
  assert.equal(await isDisabled(page, 'input[name="liveLearningRate"]'), true);
  assert.equal(await isDisabled(page, '.live-rate button'), true);
  await sendMessages(page, [{ type: 'reset' }]);

  // Without a lab file every control is free again and the instruction goes.
  await sendMessages(page, [{ type: 'lab', lab: null }]);
  await page.waitForFunction(() => !(document.querySelector('[name="learningRate"]') as HTMLInputElement).disabled);
  assert.equal(await visible(page, '[name="gradientMethod"]'), true);
  assert.equal(await visible(page, '.lab-instruction'), false);
  assert.equal(await page.getAttribute('[name="learningRate"]', 'title'), null);
  assert.doesNotMatch((await page.textContent('label:has([name="learningRate"])')) ?? '', /locked/);
  assert.deepEqual(pageErrors(page), []);
});

test('training page: a reloaded page keeps the learner’s free edits but never a changed locked value', async () => {
  const state = {
    form: {
      hiddenSize: '20',
      learningRate: '0.01',
      batchSize: '100',
      iters: '42',
      weightInitStd: '0.01',
      seed: '1',
      trainImages: '0',
      checkEvery: '0',
      sampling: 'replacement',
      gradientMethod: 'backprop',
      datasetKind: 'bundled',
      folder: '',
    },
    labSeq: lab.seq,
  };
  const page = await openPage({
    page: 'train',
    data: init.options,
    beforeLoad: async (p) => {
      await p.addInitScript((s) => ((window as unknown as { __glState: unknown }).__glState = s), state);
    },
  });
  await sendMessages(page, [{ ...init, lab }]);
  await page.waitForFunction(() => (document.querySelector('[name="learningRate"]') as HTMLInputElement).disabled);
  assert.equal(await value(page, 'learningRate'), '10', 'the locked value is the file’s');
  assert.equal(await value(page, 'hiddenSize'), '20', 'a free edit survives the reload');
  assert.equal(await value(page, 'iters'), '42');
  assert.deepEqual(pageErrors(page), []);
});

const labSetup = (
  seq: number,
  state: Record<string, Json>,
  lock: string[],
  hide: string[] = [],
  instruction?: string,
) => ({ seq, state, lock, hide, ...(instruction ? { instruction } : {}) }) satisfies LabSetupView;

test('labs page: a lab file’s point, locks, hidden controls and instruction; share sends the lab’s state', async () => {
  const setup = labSetup(1, { lr: 10, steps: 100 }, ['lr'], ['steps'], 'η = 10 <em>diverges</em>: why?');
  const page = await openPage({ page: 'labs', data: { lab: 'descent', setup }, strings: LAB_STRINGS, width: 350 });
  await page.waitForSelector('#descent-lr');
  assert.equal(await value(page, 'descent-lr', '#'), '10');
  assert.equal(await isDisabled(page, '#descent-lr'), true);
  assert.equal(await isDisabled(page, '#descent-lr-slider'), true);
  assert.equal(await page.getAttribute('#descent-lr', 'title'), LAB_STRINGS.lockedByTeacher);
  assert.match((await page.textContent('label:has(#descent-lr)')) ?? '', /· locked/);
  assert.ok(
    await page.$$eval('button', (bs) => bs.filter((b) => /η = /.test(b.textContent ?? '')).every((b) => b.disabled)),
    'the η presets are locked too',
  );
  assert.equal(await visible(page, '#descent-steps'), false);
  assert.match((await page.textContent('#descent-verdict')) ?? '', /Diverged/);
  assert.equal(await page.$eval('.lab-instruction', (e) => e.textContent), setup.instruction);
  assert.equal(await page.$$eval('.lab-instruction *', (e) => e.length), 0);
  await page.click('button[name="shareSetup"]');
  const shared = ((await posted(page)) as { type: string; lab?: string; state?: unknown }[]).find(
    (m) => m.type === 'share',
  );
  assert.deepEqual(shared, { type: 'share', lab: 'descent', state: { lr: 10, steps: 100 } });

  // Another tab has no lab file: free, no instruction; back on descent the locks hold.
  await page.click('#tab-tangent');
  assert.equal(await isDisabled(page, '#tangent-x'), false);
  assert.equal(await visible(page, '.lab-instruction'), false);
  await page.click('#tab-descent');
  assert.equal(await isDisabled(page, '#descent-lr'), true);
  assert.equal(await value(page, 'descent-lr', '#'), '10');
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('labs page: every lab’s every control can be locked, dragging a locked point does nothing, and null frees them', async () => {
  const page = await openPage({ page: 'labs', data: { lab: 'loss' }, strings: LAB_STRINGS });
  let seq = 10;
  for (const id of LAB_IDS) {
    await sendMessages(page, [{ type: 'showLab', lab: id, setup: labSetup(seq++, {}, [...LAB_CONTROLS[id]]) }]);
    await page.waitForFunction((lab) => document.body.dataset.lab === lab, id);
    const free = await page.$$eval('#lab-panel input, #lab-panel select', (es) =>
      es.filter((e) => !(e as HTMLInputElement).disabled).map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(free, [], `${id}: every state control is locked`);
    assert.ok((await page.$$('#lab-panel [data-locked="true"]')).length >= LAB_CONTROLS[id].length, id);
  }
  // The tangent's point cannot be dragged while x is locked.
  await sendMessages(page, [{ type: 'showLab', lab: 'tangent', setup: labSetup(seq++, { x: 5 }, ['x']) }]);
  await page.waitForFunction(() => document.body.dataset.lab === 'tangent');
  const canvas = (await page.$('#lab-panel canvas'))!.boundingBox();
  const b = (await canvas)!;
  await page.mouse.click(b.x + b.width * 0.8, b.y + b.height * 0.5);
  assert.equal(await value(page, 'tangent-x', '#'), '5');
  await sendMessages(page, [{ type: 'showLab', lab: 'tangent', setup: null }]);
  await page.waitForFunction(() => !(document.querySelector('#tangent-x') as HTMLInputElement).disabled);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('gradient check page: locked h and inputs, hidden gradient, the instruction; share sends the form', async () => {
  const setup: SetupView = {
    fileName: 'loss.py',
    language: 'python',
    signature: 'cross_entropy_error(y, t)',
    line: 3,
    gradient: 'cross_entropy_error_grad',
    gradientChoices: [
      { value: '', label: 'none' },
      { value: 'cross_entropy_error_grad', label: 'cross_entropy_error_grad(y, t)' },
    ],
    wrt: 'y',
    wrtChoices: ['y', 't'],
    h: 1e-4,
    batchSize: 4,
    seed: 0,
    inputsText: '{ "y": [0.1, 0.9], "t": [0, 1] }',
    presets: [{ id: 'book-yt-1', label: 'book' }],
    lab: { lock: ['h', 'inputs'], hide: ['gradient'], instruction: 'Why <i>1e-4</i>?' },
  };
  const page = await openPage({ page: 'gradcheck', strings: GRADCHECK_STRINGS, width: 350 });
  await sendMessages(page, [{ type: 'setup', setup }]);
  await page.waitForFunction(() => (document.getElementById('h') as HTMLInputElement).disabled);
  for (const id of ['h', 'inputs', 'preset', 'batch', 'seed', 'generate'])
    assert.equal(await isDisabled(page, `#${id}`), true, `${id} is locked`);
  assert.equal(await page.getAttribute('#h', 'title'), GRADCHECK_STRINGS.lockedByTeacher);
  assert.match((await page.textContent('label:has(#h)')) ?? '', /· locked/);
  assert.equal(await isDisabled(page, '#wrt'), false);
  assert.equal(await visible(page, '#gradient'), false);
  assert.equal(await page.$eval('.lab-instruction', (e) => e.textContent), 'Why <i>1e-4</i>?');
  assert.equal(await page.$$eval('.lab-instruction *', (e) => e.length), 0);
  await page.click('button[name="shareSetup"]');
  await page.click('#run');
  const sent = (await posted(page)) as { type: string; h?: number; inputsText?: string; gradient?: string }[];
  for (const type of ['share', 'run']) {
    const m = sent.find((x) => x.type === type);
    assert.equal(m?.h, 1e-4, type);
    assert.equal(m?.inputsText, setup.inputsText, type);
    assert.equal(m?.gradient, 'cross_entropy_error_grad', `${type}: the hidden gradient keeps its value`);
    assert.doesNotThrow(() => parseGradcheckMessage(m), type);
  }
  // A new check without a lab file frees every control.
  await sendMessages(page, [{ type: 'setup', setup: { ...setup, lab: undefined } }]);
  await page.waitForFunction(() => !(document.getElementById('h') as HTMLInputElement).disabled);
  assert.equal(await visible(page, '#gradient'), true);
  assert.equal(await isDisabled(page, '#preset'), false);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});
