/**
 * The chapter-4 labs page (dist/webview/labs.js) in headless Chromium: every lab renders, draws,
 * and shows the book's numbers; controls work from the mouse and the keyboard; the page tells
 * the extension which lab is shown; themes and Korean strings apply.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ROOT,
  closeBrowser,
  openPage,
  pageErrors,
  paintedPixels,
  pixelsNear,
  posted,
  sendMessages,
  type Theme,
} from './chromium';
import { LAB_IDS, LAB_STRINGS, type LabId } from '../../src/protocol/tutorial';

after(closeBrowser);

const vectors = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'test-vectors.json'), 'utf8'));
const open = (lab: LabId, extra: { theme?: Theme; strings?: Record<string, string> } = {}) =>
  openPage({ page: 'labs', data: { lab }, strings: LAB_STRINGS, ...extra });
const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();
/** The numbers in a text, in order ("x = (-6.1e-10, 8.1e-10)" → [-6.1e-10, 8.1e-10]). */
const numbers = (s: string) => [...s.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)].map((m) => Number(m[0]));
const close = (a: number, b: number, tol: { rel?: number; abs?: number }) =>
  Math.abs(a - b) <= (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(b);

test('loss lab: the book’s first example gives SSE 0.0975 and CEE 0.510825457099338, the second 0.5975 and 2.302584092994546', async () => {
  const page = await open('loss');
  assert.equal(await text(page, '#loss-sse'), '0.0975');
  assert.equal(await text(page, '#loss-cee'), '0.510825457099338');
  await page.click(`text=${LAB_STRINGS.lossPreset2}`);
  // Shown to 15 significant digits, as the book prints them.
  assert.equal(await text(page, '#loss-sse'), '0.5975');
  assert.ok(
    close(Number(await text(page, '#loss-cee')), vectors['cross_entropy_error_single_delta_1e-7'][1].expected, {
      rel: 1e-14,
    }),
  );
  // Edit y for class 2 back to 0.6 and 7 to 0.1: the first example again, typed in by hand.
  await page.fill('input[data-class="2"]', '0.6');
  await page.fill('input[data-class="7"]', '0.1');
  assert.equal(await text(page, '#loss-cee'), '0.510825457099338');
  await page.fill('input[data-class="0"]', 'abc');
  assert.equal(await page.getAttribute('input[data-class="0"]', 'aria-invalid'), 'true');
  assert.ok((await paintedPixels(page, 'canvas')) > 2000);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('loss lab: choosing another correct class changes CEE to −log(y of that class + 1e-7), and a y not summing to 1 is flagged', async () => {
  const page = await open('loss');
  await page.check('input[type="radio"][value="7"]');
  assert.ok(close(Number(await text(page, '#loss-cee')), -Math.log(0.1 + 1e-7), { rel: 1e-14 }));
  assert.equal(await text(page, '#loss-warning'), '');
  await page.fill('input[data-class="9"]', '0.5');
  assert.match(await text(page, '#loss-warning'), /1\.5/);
  await page.close();
});

test('tangent lab: the numerical derivative is 0.1999999999990898 at x = 5 and 0.2999999999986347 at x = 10', async () => {
  const page = await open('tangent');
  assert.equal(await text(page, '#tangent-numeric'), '0.1999999999990898');
  assert.equal(await text(page, '#tangent-true'), '0.2');
  await page.click('text=x = 10');
  assert.equal(await text(page, '#tangent-numeric'), '0.2999999999986347');
  assert.equal(await text(page, '#tangent-true'), '0.3');
  assert.ok((await paintedPixels(page, 'canvas')) > 2000);
  await page.close();
});

test('tangent lab: dragging on the plot and the slider’s arrow keys move x', async () => {
  const page = await open('tangent');
  const box = (await page.$('canvas'))!;
  const b = (await box.boundingBox())!;
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.75, b.y + b.height * 0.5, { steps: 4 });
  await page.mouse.up();
  const dragged = Number(await page.inputValue('#tangent-x'));
  assert.ok(dragged > 12 && dragged < 18, `x after the drag: ${dragged}`);
  await page.click('text=x = 5');
  await page.focus('input[type="range"]');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.inputValue('#tangent-x'), '5.1');
  assert.equal(Number(await text(page, '#tangent-true')), 0.202);
  await page.close();
});

test('error-vs-h lab: with h = 1e-50 both differences are exactly 0 and the page says why', async () => {
  const page = await open('errorH');
  assert.equal(await text(page, '#errorh-forward'), '0');
  assert.equal(await text(page, '#errorh-central'), '0');
  assert.equal(await text(page, '#errorh-vanished'), LAB_STRINGS.errorHVanished);
  // Issue 11: the typed h is marked on the chart, and the h axis reaches 1e-50.
  assert.match(
    await text(page, '#errorh-marked'),
    /your h = 1e-50 \(forward error 0\.2, central error 0\.2\); the h axis reaches 1e-51/,
  );
  await page.fill('#errorh-h', '1e-4');
  assert.match(await text(page, '#errorh-marked'), /your h = 0\.0001 .*the h axis reaches 1e-16/);
  assert.equal(await text(page, '#errorh-central'), '0.1999999999990898');
  assert.ok(close(Number(await text(page, '#errorh-forward')), 0.200001, { abs: 1e-9 }));
  assert.equal(await text(page, '#errorh-vanished'), '');
  await page.selectOption('#errorh-function', 'sin');
  assert.ok(close(Number(await text(page, '#errorh-central')), Math.cos(1), { abs: 1e-8 }));
  assert.ok((await paintedPixels(page, 'canvas')) > 2000);
  await page.close();
});

test('gradient field lab: the gradient at (3, 4) is (6, 8), numerically (6.00000000000378, 7.999999999999119)', async () => {
  const page = await open('field');
  assert.equal(await text(page, '#field-analytic'), '(6, 8)');
  assert.deepEqual(numbers(await text(page, '#field-numeric')), [6.00000000000378, 7.999999999999119]);
  assert.equal(await text(page, '#field-outside'), LAB_STRINGS.fieldOutside);
  for (const { x, expected } of vectors.numerical_gradient_function_2) {
    await page.click(`button:text-is("(${x[0]}, ${x[1]})")`);
    assert.deepEqual(numbers(await text(page, '#field-analytic')), expected);
  }
  // Click the middle of the plot: a point near the minimum, inside the field, arrows drawn.
  const b = (await (await page.$('canvas'))!.boundingBox())!;
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  const [x0, x1] = [Number(await page.inputValue('#field-x0')), Number(await page.inputValue('#field-x1'))];
  assert.ok(Math.abs(x0) < 0.5 && Math.abs(x1) < 0.5, `clicked (${x0}, ${x1})`);
  assert.equal(await text(page, '#field-outside'), '');
  assert.ok((await paintedPixels(page, 'canvas')) > 5000);
  await page.close();
});

test('gradient descent lab: lr 0.1 converges to (−6.1e-10, 8.1e-10), lr 10 diverges, lr 1e-10 stalls, as in the book', async () => {
  const page = await open('descent');
  const [lr01, lr10, lrTiny] = vectors['gradient_descent_function_2_from_-3_4_100_steps'];
  const end = async () => {
    const v = numbers(await text(page, '#descent-end')).slice(1);
    assert.equal(v.length, 2, 'the end point has two coordinates');
    return v;
  };
  (await end()).forEach((v, i) => assert.ok(close(v, lr01.expected[i], { rel: 1e-6 }), `lr 0.1: ${v}`));
  assert.equal(await text(page, '#descent-verdict'), LAB_STRINGS.descentConverged);
  await page.click('button:text-is("η = 10")');
  (await end()).forEach((v, i) => assert.ok(close(v, lr10.expected[i], { rel: 1e-6 }), `lr 10: ${v}`));
  assert.equal(await text(page, '#descent-verdict'), LAB_STRINGS.descentDiverged);
  await page.click('button:text-is("η = 1e-10")');
  (await end()).forEach((v, i) => assert.ok(close(v, lrTiny.expected[i], { abs: 1e-7 }), `lr 1e-10: ${v}`));
  assert.match(await text(page, '#descent-verdict'), /^Stalled/);
  assert.ok((await paintedPixels(page, 'canvas')) > 2000);
  await page.close();
});

test('gradient descent lab: the log-scale slider is keyboard-operable and the choice is kept in webview state', async () => {
  const page = await open('descent');
  await page.focus('#descent-lr-slider');
  await page.keyboard.press('End');
  assert.equal(await page.inputValue('#descent-lr'), '10');
  assert.equal(await text(page, '#descent-verdict'), LAB_STRINGS.descentDiverged);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.inputValue('#descent-lr'), '7.9');
  const state = (await page.evaluate(() => (window as unknown as { __glState: unknown }).__glState)) as {
    lab: string;
    labs: { descent: { lr: number } };
  };
  assert.equal(state.lab, 'descent');
  assert.equal(state.labs.descent.lr, 7.9);
  await page.close();
});

test('with reduced motion the descent lab shows the whole path at once and still saves its learning rate', async () => {
  const page = await openPage({
    page: 'labs',
    data: { lab: 'descent' },
    strings: LAB_STRINGS,
    beforeLoad: (pg) => pg.emulateMedia({ reducedMotion: 'reduce' }),
  });
  await page.click('button:text-is("η = 10")');
  assert.equal(await text(page, '#descent-verdict'), LAB_STRINGS.descentDiverged);
  const saved = await page.evaluate(
    () =>
      (window as unknown as { __glState?: { labs?: Record<string, { lr?: number }> } }).__glState?.labs?.descent?.lr,
  );
  assert.equal(saved, 10);
  await page.close();
});

test('simpleNet lab: the test vectors’ two W give their loss and dW; a step lowers the loss; re-roll draws a new W', async () => {
  const page = await open('simpleNet');
  for (const [i, v] of vectors.simpleNet.entries()) {
    await page.click(`text=Book W #${i + 1}`);
    assert.ok(close(Number(await text(page, '#simplenet-loss')), v.loss, { abs: 1e-9 }), 'loss');
    assert.equal(await text(page, '#simplenet-argmax'), String(v.argmax));
    const dW = numbers(
      (await page.$$eval('#simplenet-dw td', (tds) => tds.map((td) => td.textContent).join(' '))) ?? '',
    );
    assert.equal(dW.length, v.dW.flat().length, 'every element of dW is shown');
    dW.forEach((d, k) => assert.ok(close(d, v.dW.flat()[k], { abs: 1e-7 }), `dW[${k}] ${d}`));
  }
  await page.click(`text=${LAB_STRINGS.simpleNetStep}`);
  const [before, afterStep] = numbers(await text(page, '#simplenet-change'));
  assert.ok(afterStep < before, `${afterStep} < ${before}`);
  const w = await text(page, '#simplenet-w');
  await page.click(`text=${LAB_STRINGS.simpleNetReroll}`);
  assert.notEqual(await text(page, '#simplenet-w'), w);
  assert.ok((await paintedPixels(page, 'canvas')) > 1000);
  await page.close();
});

test('saddle lab: the ridge start stops at the saddle, a nudge escapes it, far out stalls on the plateau, near the bowl reaches the minimum', async () => {
  const page = await open('saddle');
  assert.equal(await text(page, '#saddle-verdict'), LAB_STRINGS.saddleAtSaddle);
  await page.click(`text=${LAB_STRINGS.saddleStartNudged}`);
  assert.equal(await text(page, '#saddle-verdict'), LAB_STRINGS.saddleEscaped);
  await page.selectOption('#saddle-surface', 'plateau');
  assert.equal(await text(page, '#saddle-verdict'), LAB_STRINGS.saddleOnPlateau);
  await page.click(`text=${LAB_STRINGS.saddleStartNear}`);
  assert.equal(await text(page, '#saddle-verdict'), LAB_STRINGS.saddleAtMinimum);
  assert.ok((await paintedPixels(page, 'canvas')) > 5000);
  await page.close();
});

test('the page reports the lab it shows: at start, from the tabs, from the arrow keys and from showLab', async () => {
  const page = await open('loss');
  await page.click('#tab-field');
  await page.focus('#tab-field');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-descent', 'aria-selected'), 'true');
  await sendMessages(page, [
    { type: 'showLab', lab: 'simpleNet' },
    { type: 'showLab', lab: 'nope' },
    { type: 'bogus' },
  ]);
  await page.waitForFunction(() => document.body.dataset.lab === 'simpleNet');
  await page.click(`text=${LAB_STRINGS.backToTutorial}`);
  const shown = (await posted(page)) as { type: string; lab?: string }[];
  assert.deepEqual(shown, [
    { type: 'labShown', lab: 'loss' },
    { type: 'ready' },
    { type: 'labShown', lab: 'field' },
    { type: 'labShown', lab: 'descent' },
    { type: 'labShown', lab: 'simpleNet' },
    { type: 'openTutorial' },
  ]);
  assert.deepEqual(pageErrors(page), []);
  await page.close();
});

test('every lab renders without errors in the light, dark and high-contrast themes', async () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as Theme[]) {
    const page = await openPage({ page: 'labs', data: { lab: 'loss' }, strings: LAB_STRINGS, theme });
    for (const lab of LAB_IDS) {
      await page.click(`#tab-${lab}`);
      assert.ok((await paintedPixels(page, 'canvas')) > 1000, `${theme} ${lab} drew`);
    }
    assert.deepEqual(pageErrors(page), [], theme);
    await page.close();
  }
});

test('chart text takes the theme’s foreground colour, and follows a theme switch', async () => {
  const page = await open('tangent', { theme: 'dark' });
  const darkFg = [0xcc, 0xcc, 0xcc];
  const lightFg = [0x3b, 0x3b, 0x3b];
  assert.ok((await pixelsNear(page, darkFg, 30)) > 100, 'dark: light tick labels');
  assert.ok((await pixelsNear(page, lightFg, 30)) < 30, 'dark: (almost) no dark text, only antialiasing');
  // VS Code switches theme by changing the body class and the --vscode-* variables.
  await page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-editor-foreground', '#3b3b3b');
    document.body.className = 'vscode-light';
  });
  const deadline = Date.now() + 5000; // the chart repaints when the page sees the new class
  while ((await pixelsNear(page, lightFg, 30)) <= 100 && Date.now() < deadline) await page.waitForTimeout(50);
  assert.ok((await pixelsNear(page, lightFg, 30)) > 100, 'light: dark tick labels after the switch');
  await page.close();
});

test('with the Korean strings the tabs, headings and messages are Korean', async () => {
  const ko = JSON.parse(readFileSync(join(ROOT, 'dist', 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<
    string,
    string
  >;
  const strings = Object.fromEntries(Object.entries(LAB_STRINGS).map(([k, v]) => [k, ko[v] ?? v]));
  const page = await open('descent', { strings });
  assert.equal(await text(page, '#tab-loss'), '손실 함수');
  assert.equal(await text(page, '#lab-heading'), '경사 하강법');
  assert.equal(await text(page, '#descent-verdict'), ko[LAB_STRINGS.descentConverged]);
  assert.match(await text(page, '#descent-end'), /^100번 이동한 뒤: x = \(/);
  assert.match((await page.textContent('label[for], label')) ?? '', /학습률/);
  await page.close();
});

// 290: the page a 350 px VS Code window leaves a webview (activity bar and margins take the rest; probe-d).
for (const width of [290, 350, 700, 1400]) {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`issue 11: every lab is usable at ${width} px (${theme}): nothing wider than the page, the loss lab's y inputs wrap, the saddle shading has a colour scale`, async () => {
      for (const lab of LAB_IDS) {
        const page = await openPage({ page: 'labs', data: { lab }, strings: LAB_STRINGS, theme, width, height: 700 });
        await page.waitForTimeout(100);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `${lab}: ${overflow} px wider than the page`);
        if (lab === 'loss') {
          const right = await page.$$eval('.loss-grid input', (els) =>
            Math.max(...els.map((e) => e.getBoundingClientRect().right)),
          );
          assert.ok(right <= width, `the y inputs wrap (rightmost edge ${right} px)`);
        }
        if (lab === 'saddle') {
          const scale = (await page.locator('#saddle-scale').boundingBox())!;
          assert.ok(scale.width > 100 && scale.height > 0, 'a colour scale is shown');
          assert.match((await page.getAttribute('#saddle-scale', 'aria-label'))!, /f ≤ -4, strong is f ≥ 4/);
          const bar = await page.$eval('#saddle-scale .scale-bar', (e) => getComputedStyle(e).backgroundImage);
          assert.match(bar, /linear-gradient/);
        }
        assert.deepEqual(pageErrors(page), []);
        await page.close();
      }
    });
  }
}

test('issue 11: a new lab starts at the top, not at the previous lab’s scroll position', async () => {
  const page = await openPage({ page: 'labs', data: { lab: 'loss' }, strings: LAB_STRINGS, width: 700, height: 400 });
  await page.evaluate(() => window.scrollTo(0, 600));
  assert.ok((await page.evaluate(() => window.scrollY)) > 100);
  await sendMessages(page, [{ type: 'showLab', lab: 'saddle' }]);
  await page.waitForSelector('#saddle-scale');
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  await page.close();
});
