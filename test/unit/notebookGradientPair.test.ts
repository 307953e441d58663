import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';
import { install, openNotebook, recorded, vscode, waitForPosted } from './fakeVscode';

/**
 * A notebook with the loss in one cell and its hand-written gradient in the next — the layout of
 * chapter4.ipynb and of most learners' notebooks. The lens over the gradient names the pair and
 * checks it (it used to read "Check gradient" and ask "Which function is the gradient of
 * cross_entropy_error_grad?", then differentiate the gradient as a loss); so does the command run
 * with the cursor in the gradient's cell.
 */

install();
type LensModule = typeof import('../../src/commands/checkGradientLens');
type CommandModule = typeof import('../../src/commands/checkGradient');
type PanelModule = typeof import('../../src/panels/gradcheck/gradcheckPanel');
let lensModule: LensModule;
let commandModule: CommandModule;
let panelModule: PanelModule;

const LOSS = `def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size`;
// The learner's gradient forgets / batch_size.
const GRAD = `def cross_entropy_error_grad(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -t / (y + 1e-7)`;

const CELLS: { kind: 'code' | 'markdown'; text: string }[] = [
  { kind: 'code', text: 'import numpy as np' },
  { kind: 'markdown', text: '## 4.2 Loss functions' },
  { kind: 'code', text: LOSS },
  { kind: 'code', text: GRAD },
];
const file = join(mkdtempSync(join(tmpdir(), 'gl-nb-')), 'chapter4.ipynb');
// Saved as the editor shows it.
writeFileSync(
  file,
  JSON.stringify({
    cells: CELLS.map((c) => ({ cell_type: c.kind, metadata: {}, source: c.text, outputs: [] })),
    metadata: { language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  }),
);
const nb = openNotebook(file, CELLS);
const cellDoc = (i: number) => nb.notebook.getCells()[i].document;

before(async () => {
  recorded.config = { 'gradientLab.pythonPath': PYTHON, 'gradientLab.checkGradient.timeoutSeconds': 20 };
  lensModule = await import('../../src/commands/checkGradientLens');
  commandModule = await import('../../src/commands/checkGradient');
  panelModule = await import('../../src/panels/gradcheck/gradcheckPanel');
  // The fake opens files from disk; a notebook cell's document is the editor's.
  const open = vscode.workspace.openTextDocument;
  vscode.workspace.openTextDocument = async (u) =>
    nb.notebook.getCells().find((c) => c.document.uri.toString() === u.toString())?.document ?? open(u);
});
after(() => panelModule.GradcheckPanel.current?.dispose());

test('the lens over a gradient whose loss is in a cell above names the pair and checks it', () => {
  const lenses = new lensModule.CheckGradientLensProvider().provideCodeLenses(cellDoc(3) as never);
  assert.deepEqual(
    lenses.map((l) => [l.command?.title, l.command?.arguments?.[1]]),
    [['Gradient of cross_entropy_error · check', 'cross_entropy_error']],
  );
  // The loss's own cell keeps its lens.
  const own = new lensModule.CheckGradientLensProvider().provideCodeLenses(cellDoc(2) as never);
  assert.deepEqual(
    own.map((l) => [l.command?.title, l.command?.arguments?.[1]]),
    [['Check gradient', 'cross_entropy_error']],
  );
});

test('the command from the gradient’s cell checks it against its loss, without asking which is the gradient', async () => {
  const context = {
    extensionUri: vscode.Uri.file(ROOT),
    asAbsolutePath: (p: string) => join(ROOT, p),
    subscriptions: [] as { dispose(): void }[],
  };
  commandModule.registerCheckGradient(context as never);
  const asked: string[] = [];
  recorded.answers.push((items) => {
    asked.push((items as { label: string }[]).map((i) => i.label).join(', '));
    return undefined;
  });
  await recorded.commands.get('gradientLab.checkGradient')!(nb.cellUri(3), 'cross_entropy_error_grad');
  const r = (await waitForPosted((m) => m.type === 'result')) as unknown as {
    result: { verdict: string; codes: string[] };
  };
  assert.deepEqual(asked, [], 'no question');
  recorded.answers.length = 0;
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['scale']]);
});
