import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { GRADCHECK_STRINGS, GradcheckToWebview, parseGradcheckMessage } from '../../src/protocol/gradcheck';
import { INSIDE_STRINGS, ReplayView, TraceView } from '../../src/protocol/inside';
import { replayElement, traceShapes } from '../../src/inside/inside';
import { makeInsideRunner } from '../../src/inside/runInside';
import { toReplayView, toTraceView } from '../../src/inside/views';
import { FIXTURES, HARNESS, PYTHON, testRunners } from '../unit/gradcheckHelpers';
import { fixture } from '../unit/fixtureFiles';
import { ROOT } from '../unit/helpers';
import { SHOTS_DIR, Theme, closeBrowser, openPage, pageErrors, posted, sendMessages } from './chromium';
import { recordedMessages } from './gradcheckPage';

/**
 * "Replay element" and "Trace shapes" on the gradient check page in headless Chromium, fed what
 * the extension sends after a real check, a real replay (the learner's numerical_gradient that
 * forgets to restore x[idx]) and a real trace (a 1-D softmax given a batch): the stepper steps
 * with buttons and keys, plays, shows every step at once under reduced motion, the trace table
 * lists the shapes, at 350 px, in every theme and in Korean; the page posts only valid requests.
 */

const english = (s: string) => s;
const runners = { ...testRunners(), inside: makeInsideRunner(PYTHON, HARNESS) };
let messages: GradcheckToWebview[];
let replay: ReplayView;
let central: ReplayView;
let trace: TraceView;

before(async () => {
  messages = await recordedMessages('py/sign_error.py', 'softmax_loss');
  const r = await replayElement(
    {
      file: fixture('gradcheck/py/forgot_restore.py'),
      functionName: 'function_2',
      gradientName: 'numerical_gradient',
      inputs: { x: [3, 4] },
      element: 'x[0]',
    },
    runners,
  );
  const c = await replayElement(
    { file: join(FIXTURES, 'py', 'function_2.py'), functionName: 'function_2', inputs: { x: [3, 4] }, element: 'x[1]' },
    runners,
  );
  const t = await traceShapes(
    {
      file: join(ROOT, 'test', 'fixtures', 'inside', 'trace_softmax_1d.py'),
      functionName: 'softmax_loss',
      gradientName: null,
    },
    runners,
  );
  assert.ok(r.ok && c.ok && t.ok);
  replay = toReplayView(r.value, english);
  central = toReplayView(c.value, english);
  trace = toTraceView(t.value, english);
});
after(() => closeBrowser());

const ALL = { ...GRADCHECK_STRINGS, ...INSIDE_STRINGS };

async function open(
  opts: { theme?: Theme; width?: number; reduced?: boolean; strings?: Record<string, string> } = {},
): Promise<Page> {
  const page = await openPage({
    page: 'gradcheck',
    strings: opts.strings ?? ALL,
    theme: opts.theme ?? 'dark',
    width: opts.width ?? 1100,
    height: 1400,
    beforeLoad: opts.reduced ? (p) => p.emulateMedia({ reducedMotion: 'reduce' }) : undefined,
  });
  await sendMessages(page, messages);
  await page.waitForSelector('#inside:not([hidden])');
  return page;
}

const visibleSteps = (page: Page) =>
  page.$$eval('ol.steps li', (lis) => lis.filter((li) => !(li as HTMLElement).hidden).length);
const sent = async (page: Page) =>
  (await posted(page)).map((m) => parseGradcheckMessage(m)).filter((m) => m.type === 'replay' || m.type === 'trace');

test('Replay element: the worst element is offered; the stepper goes forward and back with buttons and keys, and plays', async () => {
  const page = await open();
  const worst = messages.find((m) => m.type === 'result')!;
  const element = worst.type === 'result' ? worst.result.rows[0].element : '';
  assert.equal(await page.textContent('#replay'), `Replay element ${element}`);
  await page.click('#replay');
  assert.deepEqual(await sent(page), [{ type: 'replay', element }]);
  assert.equal(await page.textContent('#inside-status'), 'Running…');
  await sendMessages(page, [{ type: 'replay', replay: central }]);
  assert.equal(await page.textContent('#replay-view h2'), 'Replay of x[1]: central differences, h = 0.0001');
  assert.equal(await visibleSteps(page), 1);
  assert.equal(await page.textContent('.step-position'), 'Step 1 of 7');
  await page.click('#step-forward');
  await page.click('#step-forward');
  assert.equal(await visibleSteps(page), 3);
  assert.deepEqual(
    await page.$$eval('ol.steps li:not([hidden])', (lis) =>
      lis.map((li) => [li.querySelector('.step-label')!.textContent, li.querySelector('.step-values')!.textContent]),
    ),
    [
      ['x[1]', '4'],
      ['x[1] + h', '4.0001'],
      ['f(x + h)', '25.00080001'],
    ],
  );
  assert.equal(await page.getAttribute('ol.steps li.current', 'aria-current'), 'step');
  await page.click('#step-back');
  assert.equal(await visibleSteps(page), 2);
  await page.focus('ol.steps');
  await page.keyboard.press('End');
  assert.equal(await visibleSteps(page), 7);
  assert.equal(await page.textContent('ol.steps li.current .step-values'), '4');
  assert.equal(await page.isDisabled('#step-forward'), true);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent('.step-position'), 'Step 2 of 7');
  await page.click('#step-play');
  assert.equal(await page.textContent('#step-play'), 'Pause');
  await page.waitForFunction(() => document.querySelector('.step-position')?.textContent === 'Step 4 of 7', null, {
    timeout: 5000,
  });
  await page.click('#step-play');
  assert.equal(await page.textContent('#step-play'), 'Play');
  assert.deepEqual(pageErrors(page), []);
});

test('the learner’s own loop: their lines with line numbers, the notes on what went wrong', async () => {
  const page = await open();
  await page.fill('#replay-element', 'x[0]');
  assert.equal(await page.textContent('#replay'), 'Replay element x[0]');
  await page.press('#replay-element', 'Enter');
  assert.deepEqual(await sent(page), [{ type: 'replay', element: 'x[0]' }]);
  await sendMessages(page, [{ type: 'replay', replay }]);
  await page.focus('ol.steps');
  await page.keyboard.press('End');
  const lines = await page.$$eval('ol.steps li', (lis) =>
    lis.map(
      (li) =>
        `${li.querySelector('.line-no')?.textContent} ${li.querySelector('.step-label')!.textContent} | ${li.querySelector('.step-values')!.textContent}`,
    ),
  );
  assert.ok(lines.includes('14 x[idx] = tmp_val + h | x[0] = 3.0001'), lines.join('\n'));
  assert.ok(lines.includes('16 x[idx] = tmp_val - h | x[0] = 2.9999'));
  assert.match((await page.textContent('.replay-notes'))!, /x\[0\] was not restored: it is 2\.9999/);
});

test('reduced motion: every step at once, no Play', async () => {
  const page = await open({ reduced: true });
  await page.click('#replay');
  await sendMessages(page, [{ type: 'replay', replay: central }]);
  assert.equal(await visibleSteps(page), 7);
  assert.equal(await page.isHidden('#step-play'), true);
  assert.equal(await page.$$eval('ol.steps li.current', (l) => l.length), 0);
});

test('Trace shapes: a toggle; the table of shapes and the softmax note; off clears it', async () => {
  const page = await open();
  await page.click('#trace');
  assert.equal(await page.getAttribute('#trace', 'aria-pressed'), 'true');
  await sendMessages(page, [{ type: 'trace', trace }]);
  const rows = await page.$$eval('table.trace tbody tr', (trs) =>
    trs.map((tr) =>
      [...tr.querySelectorAll('td')]
        .slice(0, 4)
        .map((td) => td.textContent)
        .join(' '),
    ),
  );
  assert.deepEqual(rows.slice(0, 3), ['5 a (4, 10) float64', '6 c () float64', '7 exp_a (4, 10) float64']);
  assert.match((await page.textContent('.trace-notes'))!, /Line 5: softmax\(\) was given a batch \(4, 10\)/);
  assert.equal(await page.$$eval('table.trace tr.has-note', (t) => t.length), 1);
  await page.click('#trace');
  assert.equal(await page.$$eval('table.trace', (t) => t.length), 0);
  assert.deepEqual(await sent(page), [
    { type: 'trace', on: true },
    { type: 'trace', on: false },
  ]);
  // A new check result starts over: no stale replay or trace.
  await page.click('#trace');
  await sendMessages(page, [{ type: 'trace', trace }, messages[1]]);
  assert.equal(await page.$$eval('table.trace', (t) => t.length), 0);
  assert.equal(await page.getAttribute('#trace', 'aria-pressed'), 'false');
});

test('an invalid replay request is refused by the extension’s validator', () => {
  assert.throws(() => parseGradcheckMessage({ type: 'replay', element: 'x); import os' }), /element must look like/);
  assert.throws(() => parseGradcheckMessage({ type: 'trace', on: 'yes' }));
  assert.deepEqual(parseGradcheckMessage({ type: 'replay', element: 'W[1, 2]' }), {
    type: 'replay',
    element: 'W[1, 2]',
  });
});

/** The page at a width with the replay at its last step and the trace shown. */
async function openStepsAndTrace(theme: Theme, width: number): Promise<Page> {
  const page = await open({ theme, width });
  await page.click('#replay');
  await sendMessages(page, [{ type: 'replay', replay }]);
  await page.focus('ol.steps');
  await page.keyboard.press('End');
  await page.click('#trace');
  await sendMessages(page, [{ type: 'trace', trace }]);
  return page;
}

for (const theme of ['dark', 'light', 'high-contrast'] as const) {
  test(`at 350 px in the ${theme} theme: nothing overflows sideways`, async () => {
    const page = await openStepsAndTrace(theme, 350);
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll('#inside *')]
        .filter(
          (e) =>
            !e.closest('.table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1,
        )
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(overflow, []);
    if (theme !== 'high-contrast') {
      mkdirSync(SHOTS_DIR, { recursive: true });
      const wide = await openStepsAndTrace(theme, 900);
      const path = join(SHOTS_DIR, `gradcheck-inside-${theme}.png`);
      await (await wide.$('#inside'))!.screenshot({ path });
      assert.ok(statSync(path).size < 250_000, 'README screenshots stay small');
    }
    assert.deepEqual(pageErrors(page), []);
  });
}

test('in Korean', async () => {
  const ko = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'inside.json'), 'utf8')) as Record<string, string>;
  const strings = Object.fromEntries(Object.entries(ALL).map(([k, v]) => [k, ko[v] ?? v]));
  const page = await open({ strings });
  assert.match((await page.textContent('#replay'))!, /^원소 .* 다시 보기$/);
  assert.equal(await page.textContent('#trace'), '형상 추적');
  await page.click('#replay');
  await sendMessages(page, [{ type: 'replay', replay: central }]);
  assert.equal(await page.textContent('.step-position'), '7단계 중 1단계');
});
