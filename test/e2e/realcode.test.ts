/**
 * Issue 10 in a real VS Code: the CodeLens above code learners really write — a CS231n
 * `softmax_loss_naive(W, X, y, reg)` returning `(loss, dW)`, and the book's ch04 `TwoLayerNet.loss`
 * with its weights in `self.params` and `gradient()` returning a dict, laid out as the book lays it
 * out (`ch04/` importing `common/` through `sys.path.append(os.pardir)`). Both pass; a broken copy
 * of each fails with its diagnosis. The files are the corpus's (test/fixtures/gradcheck/real).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { outline, qualifiedName } from '../../src/gradcheck/source/findFunctions';
import { corpusText } from '../unit/fixtureFiles';
import { workbenchSession } from './harness/session';
import { clickCodeLens, openFile, screenshot, webviewFrame } from './harness/workbench';

/** A corpus file's text: stored, or written from its original (broken copies, the book's common/, TwoLayerNet). */
const real = corpusText;

/** Workspace path → corpus file. */
const FILES: Record<string, string> = {
  'common/__init__.py': 'book/common/__init__.py',
  'common/functions.py': 'book/common/functions.py',
  'common/gradient.py': 'book/common/gradient.py',
  'ch04/two_layer_net.py': 'book/ch04/two_layer_net.py',
  'ch04/two_layer_net_sign.py': 'broken/ch04/two_layer_net_sign.py',
  'cs231n/softmax.py': 'cs231n/classifiers/softmax.py',
  'cs231n/softmax_no_mean.py': 'broken/softmax_naive_no_mean.py',
};

/** Which "Check gradient" lens of the file is above this function (one per function, in order). */
function lensIndex(workspaceFile: string, name: string): number {
  const k = outline(real(FILES[workspaceFile]), 'python').functions.findIndex((f) => qualifiedName(f) === name);
  assert.ok(k >= 0, `${name} in ${workspaceFile}`);
  return k;
}

describe('Check gradient on real code (CS231n, the book’s TwoLayerNet)', { timeout: 420_000 }, () => {
  const wb = workbenchSession({
    name: 'realcode',
    files: Object.fromEntries(Object.entries(FILES).map(([to, from]) => [to, real(from)])),
    freshEditors: true,
  });

  async function checkByLens(file: string, name: string) {
    await openFile(wb.page, file);
    await clickCodeLens(wb.page, 'Check gradient', lensIndex(file, name));
    const frame = await webviewFrame(wb.page, '#result .verdict', 90_000);
    return frame.evaluate(() => ({
      verdict:
        ['pass', 'fail', 'error', 'numerical-only'].find((c) =>
          document.querySelector('#result .verdict')!.classList.contains(c),
        ) ?? '',
      headline: document.querySelector('#result .verdict')?.textContent ?? '',
      codes: [...document.querySelectorAll('#result ul.diagnosis li')].map((li) => li.getAttribute('data-code') ?? ''),
      diagnosis: [...document.querySelectorAll('#result ul.diagnosis li')].map((li) => li.textContent ?? ''),
      signature: document.querySelector('code.signature')?.textContent ?? '',
    }));
  }

  it('CS231n softmax_loss_naive returning (loss, dW): passes without naming a gradient', async () => {
    const v = await checkByLens('cs231n/softmax.py', 'softmax_loss_naive');
    assert.equal(v.verdict, 'pass', JSON.stringify(v));
    assert.match(v.signature, /softmax_loss_naive\(W, X, y, reg\)/);
    await screenshot(wb.page, 'realcode-cs231n-pass-light');
  });

  it('the same with dW not divided by num_train: fails, diagnosed as the factor N', async () => {
    const v = await checkByLens('cs231n/softmax_no_mean.py', 'softmax_loss_naive');
    assert.equal(v.verdict, 'fail', JSON.stringify(v));
    assert.ok(v.codes.includes('scale'), JSON.stringify(v));
  });

  it("the book's TwoLayerNet.loss (self.params, gradient() returning a dict, ch04/ importing common/): passes", async () => {
    const v = await checkByLens('ch04/two_layer_net.py', 'TwoLayerNet.loss');
    assert.equal(v.verdict, 'pass', JSON.stringify(v));
    assert.match(v.signature, /TwoLayerNet\.loss\(x, t\)/);
    await screenshot(wb.page, 'realcode-twolayernet-pass-light');
  });

  it('the same with dy = (t - y) / batch_num: fails with the sign diagnosis', async () => {
    const v = await checkByLens('ch04/two_layer_net_sign.py', 'TwoLayerNet.loss');
    assert.equal(v.verdict, 'fail', JSON.stringify(v));
    assert.ok(v.codes.includes('sign'), JSON.stringify(v));
    assert.match(v.diagnosis.join(' '), /opposite sign/);
  });
});
