import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { FIXTURES, PYTHON } from './gradcheckHelpers';
import { fixture } from './fixtureFiles';
import { install, lastPanel, posted, recorded, vscode, waitForPosted } from './fakeVscode';

/**
 * The extension side of the gradient check — panel controller and command — against a fake
 * `vscode`: what it sends the page, how it treats the page's messages, diagnostics, trust.
 */

install();
type PanelModule = typeof import('../../src/panels/gradcheck/gradcheckPanel');
type CommandModule = typeof import('../../src/commands/checkGradient');
let panelModule: PanelModule;
let commandModule: CommandModule;
const context = {
  extensionUri: vscode.Uri.file(ROOT),
  asAbsolutePath: (p: string) => join(ROOT, p),
  subscriptions: [] as { dispose(): void }[],
};
const diagnostics = vscode.languages.createDiagnosticCollection();
const uri = (f: string) => vscode.Uri.file(fixture(`gradcheck/${f}`));
const types = () => (posted() as { type: string }[]).map((m) => m.type);
const receive = (m: unknown) => lastPanel().webview.receive(m);
const warnings = () => recorded.messages.filter((m) => m.level === 'warning').map((m) => m.text);
type Result = { type: 'result'; result: { verdict: string; codes: string[]; headline: string } };

before(async () => {
  recorded.config = { 'gradientLab.pythonPath': PYTHON, 'gradientLab.checkGradient.timeoutSeconds': 20 };
  panelModule = await import('../../src/panels/gradcheck/gradcheckPanel');
  commandModule = await import('../../src/commands/checkGradient');
});
after(() => panelModule.GradcheckPanel.current?.dispose());

async function show(file: string, functionName: string, gradientName?: string | null): Promise<Result> {
  posted().length = 0;
  panelModule.GradcheckPanel.show(context as never, diagnostics as never, {
    uri: uri(file) as never,
    functionName,
    gradientName,
  });
  return (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
}

test('the panel checks its function and sends setup, running, then the result, on a page with a strict CSP', async () => {
  const r = await show('py/cross_entropy_missing_batch_division.py', 'cross_entropy_error');
  assert.deepEqual(types(), ['setup', 'running', 'result']);
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['scale']]);
  const { html } = lastPanel().webview;
  assert.match(html, /default-src 'none'/);
  assert.match(html, /<script nonce="[^"]+" src="[^"]*dist\/webview\/gradcheck\.js"/);
  assert.match(html, /gradcheck\/gradcheck\.css/);
});

test('a syntax error becomes a diagnostic at its line of the file; a later clean check clears it', async () => {
  const r = await show('py/missing_colon.py', 'cross_entropy_error');
  assert.deepEqual(r.result.codes, ['syntax']);
  assert.deepEqual(
    recorded.diagnostics.get(join(FIXTURES, 'py', 'missing_colon.py'))?.map((d) => d.line),
    [4],
    '0-based line 4 is line 5',
  );
  await show('py/function_2.py', 'function_2');
  assert.equal(
    recorded.diagnostics.has(join(FIXTURES, 'py', 'missing_colon.py')),
    true,
    'another file keeps its own diagnostics',
  );
  await show('py/missing_colon.py', 'cross_entropy_error', null);
  posted().length = 0;
});

test("the page's messages: invalid ones are logged and dropped; run, preset, bad JSON and stop are answered", async () => {
  await show('py/function_2.py', 'function_2');
  posted().length = 0;
  receive({ type: 'eval', code: 'process.exit()' });
  receive({ type: 'run', gradient: 'a b', wrt: 'x', h: 1e-4, inputsText: '{}' });
  assert.equal(recorded.logs.filter((l) => /dropped an invalid message/.test(l)).length, 2);
  assert.deepEqual(posted(), []);

  receive({ type: 'preset', id: 'function_2' });
  const inputs = await waitForPosted((m) => m.type === 'inputs');
  assert.deepEqual(JSON.parse(inputs.inputsText as string), { x: [3, 4] });

  posted().length = 0;
  receive({ type: 'run', gradient: '', wrt: 'x', h: 1e-4, inputsText: '{"x": [3, 4]}' });
  const plain = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.deepEqual([plain.result.verdict, plain.result.codes], ['numerical-only', []]);
  assert.match(plain.result.headline, /Only the numerical gradient of function_2\(\) was computed/);

  posted().length = 0;
  receive({ type: 'run', gradient: 'function_2_grad', wrt: 'x', h: 1e-4, inputsText: '{"x": [3, 4' });
  const bad = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.match(bad.result.headline, /not valid JSON/);

  await show('py/infinite_loop.py', 'mean_loss').catch(() => undefined);
});

test('numerical-only never ticks the walkthrough step; a pass does', async () => {
  const ticks = () =>
    recorded.executed.filter((c) => c[0] === 'setContext' && c[1] === 'gradientLab.gradientCheckPassed');
  recorded.executed.length = 0;
  const only = await show('py/sum_squares_error.py', 'sum_squares_error');
  assert.equal(only.result.verdict, 'numerical-only');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(ticks(), [], 'nothing of the learner was compared: no tick');
  const pass = await show('py/function_2.py', 'function_2');
  assert.equal(pass.result.verdict, 'pass');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(ticks().length, 1);
});

test("the book's TwoLayerNet: one table per group of self.params, with how it was checked; a (loss, dW) loss is preselected as returned", async () => {
  const r = (await show('python/book/ch05/two_layer_net.py', 'TwoLayerNet.loss')) as unknown as {
    result: { verdict: string; groups: { wrt: string; verdict: string; rows: unknown[] }[]; notes: string[] };
  };
  assert.equal(r.result.verdict, 'pass');
  assert.deepEqual(
    r.result.groups.map((g) => [g.wrt, g.verdict, g.rows.length]),
    [
      ["self.params['W1']", 'pass', 20],
      ["self.params['b1']", 'pass', 5],
      ["self.params['W2']", 'pass', 15],
      ["self.params['b2']", 'pass', 3],
    ],
  );
  assert.match(r.result.notes.join('\n'), /constructed as TwoLayerNet\(input_size=4/);
  const setup = posted().find((m) => (m as { type: string }).type === 'setup') as {
    setup: { wrt: string; wrtChoices: string[] };
  };
  assert.equal(setup.setup.wrt, 'self.params');
  assert.ok(setup.setup.wrtChoices.includes("self.params['W1']"));

  const cs = await show('python/cs231n/softmax.py', 'softmax_loss_naive');
  assert.equal(cs.result.verdict, 'pass');
  const s2 = posted().find((m) => (m as { type: string }).type === 'setup') as { setup: { gradient: string } };
  assert.equal(s2.setup.gradient, '@returned');
  posted().length = 0;
  receive({
    type: 'run',
    gradient: '@returned',
    wrt: 'W',
    h: 1e-4,
    inputsText: JSON.stringify({
      W: [
        [0.1, -0.2],
        [0.3, 0.4],
      ],
      X: [
        [1, 2],
        [0.5, -1],
      ],
      y: [0, 1],
      reg: 0.1,
    }),
  });
  const again = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.equal(again.result.verdict, 'pass');
  posted().length = 0;
  receive({ type: 'run', gradient: '', wrt: "self.params['W1']", h: 1e-4, inputsText: '{}' });
  const path = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.ok(
    path.result.codes.length > 0,
    'a path is a valid wrt (the check says what is missing, the page is not refused)',
  );
});

test('several candidate gradients: the panel asks which one and checks with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-panel-'));
  const file = join(dir, 'two.py');
  writeFileSync(
    file,
    'import numpy as np\n\ndef f(x):\n    return np.sum(x ** 3)\n\ndef f_grad(x):\n    return {"first": 3 * x ** 2, "second": 2 * x}\n',
  );
  let offered: string[] = [];
  recorded.answers.push((items) => {
    offered = items as string[];
    return 'first';
  });
  posted().length = 0;
  panelModule.GradcheckPanel.show(context as never, diagnostics as never, {
    uri: vscode.Uri.file(file) as never,
    functionName: 'f',
  });
  const r = (await waitForPosted(
    (m) => m.type === 'result' && (m as unknown as Result).result.verdict !== 'error',
  )) as unknown as Result;
  assert.deepEqual(offered, ['first', 'second']);
  assert.equal(r.result.verdict, 'pass');
});

test('Stop ends a running check and tells the page', async () => {
  posted().length = 0;
  panelModule.GradcheckPanel.show(context as never, diagnostics as never, {
    uri: uri('js/infiniteLoop.js') as never,
    functionName: 'meanSquare',
  });
  await waitForPosted((m) => m.type === 'running');
  receive({ type: 'cancel' });
  const stopped = (await waitForPosted((m) => m.type === 'result', { ms: 3000 })) as unknown as Result;
  assert.deepEqual(stopped.result.codes, ['cancelled']);
  assert.match(stopped.result.headline, /stopped/);
});

test('in an untrusted workspace the command refuses, says why, and offers to manage trust', async () => {
  commandModule.registerCheckGradient(context as never);
  vscode.workspace.isTrusted = false;
  recorded.answers.push((items) => items[0]); // the warning's only button: Manage Workspace Trust
  posted().length = 0;
  recorded.executed.length = 0; // earlier passing checks ticked off a walkthrough step (setContext)
  await recorded.commands.get('gradientLab.checkGradient')!(uri('py/function_2.py'), 'function_2');
  vscode.workspace.isTrusted = true;
  assert.match(warnings()[0], /runs your own Python or JavaScript code.*only in trusted workspaces/);
  assert.deepEqual(
    recorded.executed.map(([id]) => id),
    ['workbench.trust.manage'],
  );
  assert.deepEqual(posted(), [], 'nothing ran');
});

test('with no gradient by convention the command asks which one, and checks with it', async () => {
  let offered: string[] = [];
  recorded.answers.push((items) => {
    offered = (items as { label: string }[]).map((i) => i.label);
    return (items as { label: string }[]).find((i) => i.label === 'numericalGradient');
  });
  posted().length = 0;
  await recorded.commands.get('gradientLab.checkGradient')!(uri('js/iddxTypo.js'), 'cubeSum');
  assert.deepEqual(offered.slice(0, 2), ['(none: numerical gradient only)', 'numericalGradient']);
  // Then the functions of the JS/TS files beside it, as --grad takes them.
  assert.ok(offered.includes('./function2.js:function2Grad'), offered.join(' '));
  assert.ok(offered.slice(2).every((label) => /^\.\/[\w.]+\.[jt]s:/.test(label)));
  const r = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['partial']]);
});

test("the picker offers the functions of the JS/TS files beside the loss's; one chosen there is checked", async () => {
  await show('js/shapes/mseModule.js', 'mse');
  const setup = (posted() as { type: string }[]).find((m) => m.type === 'setup') as unknown as {
    setup: { gradientChoices: { value: string }[] };
  };
  const values = setup.setup.gradientChoices.map((c) => c.value);
  assert.ok(values.includes('./grad.ts:gradient') && values.includes('./grad.ts:gradientNoMean'), values.join(' '));
  posted().length = 0;
  const inputsText = '{"yPred": [0.3, 0.7, -0.2, 1.4], "yTrue": [0, 1, 0, 1]}';
  receive({ type: 'run', gradient: './grad.ts:gradientNoMean', wrt: 'yPred', h: 1e-4, inputsText });
  const r = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
  assert.deepEqual([r.result.verdict, r.result.codes], ['fail', ['scale']]);
  // A file the picker did not offer is not read.
  posted().length = 0;
  receive({ type: 'run', gradient: './secret.js:f', wrt: 'yPred', h: 1e-4, inputsText });
  await new Promise((done) => setTimeout(done, 200));
  assert.deepEqual(posted(), []);
});

test('a JavaScript loss returning { cost, grad }: the picker preselects "returned by the loss"', async () => {
  const r = await show('js/shapes/costGrad.js', 'costAndGradientsObject');
  const setup = (posted() as { type: string }[]).find((m) => m.type === 'setup') as unknown as {
    setup: { gradient: string };
  };
  assert.equal(setup.setup.gradient, '@returned');
  assert.notEqual(r.result.verdict, 'numerical-only');
});

test('issue 11: the cursor in a gradient function checks it as the gradient of its loss; its lens says so', async () => {
  const file = fixture('gradcheck/py/cross_entropy_missing_batch_division.py');
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file, 'utf8').split('\n');
  const gradLine = lines.findIndex((l) => /^def \w+_grad\(/.test(l));
  const gradName = /^def (\w+)\(/.exec(lines[gradLine])![1];
  const lossName = gradName.replace(/_grad$/, '');
  const doc = await vscode.workspace.openTextDocument(uri('py/cross_entropy_missing_batch_division.py'));
  vscode.window.activeTextEditor = { document: doc, selection: { start: { line: gradLine + 1, character: 4 } } };
  try {
    posted().length = 0;
    const asked = recorded.answers.length;
    await recorded.commands.get('gradientLab.checkGradient')!();
    assert.equal(recorded.answers.length, asked, 'no question asked');
    const setup = (await waitForPosted((m) => m.type === 'setup')) as unknown as { setup: Record<string, unknown> };
    assert.match(JSON.stringify(setup), new RegExp(`"${lossName}`));
    const r = (await waitForPosted((m) => m.type === 'result')) as unknown as Result;
    assert.deepEqual(
      [r.result.verdict, r.result.codes],
      ['fail', ['scale']],
      'checked as the gradient, not as a loss that is not a number',
    );
  } finally {
    vscode.window.activeTextEditor = undefined;
  }
  const provider = recorded.codeLensProviders.find((p) => !String(p.provideCodeLenses).includes('exercise')) as {
    provideCodeLenses: (
      d: unknown,
    ) => { range: { start: { line: number } }; command: { title: string; arguments: unknown[] } }[];
  };
  const lenses = provider.provideCodeLenses(doc);
  const onGrad = lenses.find((l) => l.range.start.line === gradLine)!;
  assert.equal(onGrad.command.title, `Gradient of ${lossName} · check`);
  assert.deepEqual(onGrad.command.arguments.slice(1), [lossName]);
  assert.ok(
    !lenses.some((l) => l.command.title === 'Check gradient' && l.command.arguments[1] === gradName),
    'no "Check gradient" over the gradient',
  );
});

test("the walkthrough's replay: a page whose 'ready' comes after the replay gets the replay back after the result", async () => {
  // Issue 15's e2e timeout: the check of the example is quick, so the result and the replay were
  // posted while the page loaded; its 'ready' then had the result sent again, which clears the
  // replay view, and the replay was not sent again.
  panelModule.GradcheckPanel.current?.dispose();
  const storage = mkdtempSync(join(tmpdir(), 'gl-replay-storage-'));
  commandModule.registerCheckGradient({ ...context, globalStorageUri: vscode.Uri.file(storage) } as never);
  const panels = recorded.panels.length;
  await recorded.commands.get('gradientLab.replayNumericalGradient')!();
  assert.equal(recorded.panels.length, panels + 1, 'a new panel (its page not loaded yet)');
  const replay = (await waitForPosted((m) => m.type === 'replay', { ms: 60_000 })) as unknown as {
    replay: { element: string; mode: string; steps: { label: string; values: string[] }[] };
  };
  assert.deepEqual(types(), ['setup', 'running', 'result', 'insideBusy', 'replay']);
  assert.equal(replay.replay.mode, 'learner', "the example's own loop is replayed");
  assert.ok(replay.replay.steps.some((s) => s.label === 'x[idx] = float(tmp_val) + h'));
  assert.deepEqual(recorded.shownDocuments.at(-1), join(storage, 'replay_numerical_gradient.py'));

  // The page's script has run: it asks for what it should show.
  posted().length = 0;
  receive({ type: 'ready' });
  assert.deepEqual(types(), ['setup', 'result', 'replay']);
  assert.deepEqual(posted()[2], replay);

  // The trace too, while it is on; off (or a new result) and it is not sent again.
  receive({ type: 'trace', on: true });
  await waitForPosted((m) => m.type === 'trace', { ms: 60_000 });
  posted().length = 0;
  receive({ type: 'ready' });
  assert.deepEqual(types(), ['setup', 'result', 'replay', 'trace']);
  receive({ type: 'trace', on: false });
  posted().length = 0;
  receive({ type: 'ready' });
  assert.deepEqual(types(), ['setup', 'result', 'replay']);
  posted().length = 0;
  receive({ type: 'run', gradient: 'numerical_gradient', wrt: 'x', h: 1e-4, inputsText: '{"x": [1, 2]}' });
  await waitForPosted((m) => m.type === 'result', { ms: 60_000 });
  posted().length = 0;
  receive({ type: 'ready' });
  assert.deepEqual(types(), ['setup', 'result'], 'the replay of the previous inputs is gone');
});
