/**
 * The tutorial's extension side against a recorded fake of the vscode API (fakeVscode.ts): what
 * gets registered, what the labs panel renders and does with the page's messages, that creating
 * an exercise never overwrites without asking, and what "Check my solution" reports.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { Uri, install, lastPanel, openNotebook, recorded, reset, vscode } from './fakeVscode';

install();
// Loaded after the fake is installed, so its `import * as vscode from 'vscode'` gets the fake.
const loadTutorial = () => import('../../src/tutorial/register');
const context = { extensionUri: Uri.file(ROOT), subscriptions: [] as { dispose(): unknown }[] };
const run = (id: string, ...args: unknown[]) => vscode.commands.executeCommand(id, ...args);
const contextKeysSet = () => recorded.executed.filter((c) => c[0] === 'setContext').map((c) => c[1]);

before(async () => {
  (await loadTutorial()).registerTutorial(context as never);
});

test('registerTutorial registers the four commands, the CodeLens providers and the labs serializer, and nothing runs yet', () => {
  for (const id of [
    'gradientLab.openTutorial',
    'gradientLab.openLab',
    'gradientLab.createExercise',
    'gradientLab.checkExercise',
  ])
    assert.ok(recorded.commands.has(id), id);
  // "Check my solution" in exercise files and in the exercise notebook's cells.
  assert.equal(recorded.codeLensProviders.length, 2);
  assert.ok(recorded.serializers.has('gradientLab.labs'));
  assert.equal(recorded.panels.length, 0, 'no panel at activation');
  assert.ok(context.subscriptions.length >= 6);
});

test('Open Tutorial opens this extension’s chapter-4 walkthrough', async () => {
  reset();
  await run('gradientLab.openTutorial');
  assert.deepEqual(recorded.executed[1], [
    'workbench.action.openWalkthrough',
    'gradient-lab.gradient-lab#chapter4',
    false,
  ]);
});

test('openLab renders the labs page with a strict CSP, then reuses the panel; the page’s labShown ticks the step off', async () => {
  reset();
  await run('gradientLab.openLab', 'descent');
  const panel = lastPanel();
  assert.equal(panel.viewType, 'gradientLab.labs');
  assert.match(panel.webview.html, /default-src 'none'/);
  assert.match(panel.webview.html, /script-src 'nonce-[^']+'/);
  assert.match(panel.webview.html, /dist\/webview\/labs\.js/);
  assert.match(panel.webview.html, /<script type="application\/json" id="gl-data">\{"lab":"descent"\}<\/script>/);
  assert.match(panel.webview.html, /"descentConverged":"Converged: the path reaches the minimum \(0, 0\)\."/);

  await run('gradientLab.openLab', 'field');
  assert.equal(recorded.panels.length, 1, 'the same panel');
  assert.deepEqual(panel.webview.posted, [{ type: 'showLab', lab: 'field' }]);
  assert.equal(panel.revealed, 1);

  // A page that was hidden reloads on its own last lab and says ready: it is told again.
  panel.webview.receive({ type: 'labShown', lab: 'descent' });
  panel.webview.receive({ type: 'ready' });
  assert.deepEqual(panel.webview.posted, [
    { type: 'showLab', lab: 'field' },
    { type: 'showLab', lab: 'field' },
  ]);
  panel.webview.receive({ type: 'labShown', lab: 'field' });
  panel.webview.receive({ type: 'ready' });
  assert.equal(panel.webview.posted.length, 2, 'once shown, not sent again');
  panel.webview.receive({ type: 'labShown', lab: 'tangent' });
  panel.webview.receive({ type: 'labShown', lab: 'errorH' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(contextKeysSet(), [
    'gradientLab.tutorial.descentLab',
    'gradientLab.tutorial.gradientLab',
    'gradientLab.tutorial.diffLab',
    'gradientLab.tutorial.diffLab',
  ]);
});

test('the labs panel drops invalid messages with a log line, and "back to the walkthrough" opens it', async () => {
  reset();
  await run('gradientLab.openLab', 'loss');
  const panel = lastPanel();
  panel.webview.receive({ type: 'labShown', lab: 'nonsense' });
  panel.webview.receive('not even an object');
  panel.webview.receive({ type: 'runScript', code: 'rm -rf /' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(contextKeysSet(), []);
  assert.equal(recorded.logs.filter((l) => l.startsWith('warn: labs page: dropped an invalid message')).length, 3);
  panel.webview.receive({ type: 'openTutorial' });
  await new Promise((r) => setImmediate(r));
  assert.ok(recorded.executed.some((c) => c[0] === 'workbench.action.openWalkthrough'));
});

test('openLab without a lab asks which one; an unknown id asks too; Escape opens nothing', async () => {
  reset();
  const panels = recorded.panels.length;
  let offered: { id: string; label: string }[] = [];
  recorded.answers.push((items) => ((offered = items as never), undefined));
  await run('gradientLab.openLab');
  assert.deepEqual(
    offered.map((i) => i.id),
    ['loss', 'tangent', 'errorH', 'field', 'descent', 'simpleNet', 'saddle'],
  );
  assert.equal(offered[0].label, 'Loss functions');
  recorded.answers.push((items) => (items as { id: string }[])[5]);
  await run('gradientLab.openLab', 'no-such-lab');
  assert.equal(recorded.panels.length, panels);
  assert.deepEqual(lastPanel().webview.posted.pop(), { type: 'showLab', lab: 'simpleNet' });
});

test('the serializer restores the labs panel on the lab the page last showed', async () => {
  const serializer = recorded.serializers.get('gradientLab.labs') as {
    deserializeWebviewPanel(p: unknown, s: unknown): Promise<void>;
  };
  const panel = vscode.window.createWebviewPanel('gradientLab.labs', 'restored');
  await serializer.deserializeWebviewPanel(panel, { lab: 'saddle', labs: {} });
  assert.match(panel.webview.html, /id="gl-data">\{"lab":"saddle"\}/);
  const other = vscode.window.createWebviewPanel('gradientLab.labs', 'restored');
  await serializer.deserializeWebviewPanel(other, { lab: '<script>' });
  assert.match(other.webview.html, /id="gl-data">\{"lab":"loss"\}/);
});

test('Create Exercise File writes the template, and on a second run never overwrites without asking', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  vscode.workspace.workspaceFolders = [{ uri: Uri.file(folder), name: 'study' }];
  const target = join(folder, 'gradient_lab_ch4.py');
  await run('gradientLab.createExercise', 'python');
  assert.equal(
    readFileSync(target, 'utf8'),
    readFileSync(join(ROOT, 'media', 'exercises', 'en', 'gradient_lab_ch4.py'), 'utf8'),
  );
  assert.deepEqual(recorded.shownDocuments, [target]);

  writeFileSync(target, '# my work\n');
  recorded.answers.push(undefined); // the modal is dismissed
  await run('gradientLab.createExercise', 'python');
  assert.deepEqual(recorded.messages.at(-1), {
    level: 'warning',
    text: 'gradient_lab_ch4.py already exists in study.',
    items: ['Open the existing file', 'Create gradient_lab_ch4-2.py', 'Replace it'],
  });
  assert.equal(readFileSync(target, 'utf8'), '# my work\n');

  recorded.answers.push('Create gradient_lab_ch4-2.py');
  await run('gradientLab.createExercise', 'python');
  assert.equal(readFileSync(target, 'utf8'), '# my work\n');
  assert.match(readFileSync(join(folder, 'gradient_lab_ch4-2.py'), 'utf8'), /TODO: sum_squares_error/);

  recorded.answers.push('Open the existing file');
  await run('gradientLab.createExercise', 'python');
  assert.equal(readFileSync(target, 'utf8'), '# my work\n');
  assert.equal(recorded.shownDocuments.at(-1), target);

  recorded.answers.push('Replace it');
  await run('gradientLab.createExercise', 'python');
  assert.match(readFileSync(target, 'utf8'), /TODO: sum_squares_error/);
});

test('Create Exercise File asks for the language, and a Korean display language gets the Korean comments', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  vscode.workspace.workspaceFolders = [{ uri: Uri.file(folder), name: 'study' }];
  vscode.env.language = 'ko';
  try {
    recorded.answers.push((items) => (items as { language: string }[]).find((i) => i.language === 'javascript'));
    await run('gradientLab.createExercise');
    assert.match(readFileSync(join(folder, 'gradient_lab_ch4.js'), 'utf8'), /TODO 자리에 코드를 작성한 다음/);
  } finally {
    vscode.env.language = 'en';
  }
});

test('Check my solution: a correct file passes every check and ticks the last step; the CodeLenses say so', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  const file = join(folder, 'mine.js');
  copyFileSync(join(ROOT, 'test', 'fixtures', 'exercises', 'solution.js'), file);
  const verdicts = (await run('gradientLab.checkExercise', Uri.file(file))) as { status: string }[];
  assert.equal(verdicts.length, 18);
  assert.ok(verdicts.every((v) => v.status === 'pass'));
  assert.deepEqual(recorded.messages.at(-1), {
    level: 'info',
    text: 'All 18 checks pass, the gradient check included. Well done!',
    items: [],
  });
  assert.deepEqual(contextKeysSet(), ['gradientLab.gradientCheckPassed']);
  assert.deepEqual(recorded.diagnostics.get(file), []);
  const doc = await vscode.workspace.openTextDocument(Uri.file(file));
  const lenses = recorded.codeLensProviders[0].provideCodeLenses(doc) as {
    command: { title: string; arguments: unknown[] };
  }[];
  assert.equal(lenses[0].command.title, '$(beaker) Check all exercises');
  assert.deepEqual(
    lenses.slice(1).map((l) => [l.command.arguments[1], l.command.title]),
    [
      ['sumSquaresError', '$(pass) 2/2 checks pass · check again'],
      ['crossEntropyError', '$(pass) 3/3 checks pass · check again'],
      ['crossEntropyErrorGrad', '$(pass) 4/4 checks pass · check again'],
      ['numericalDiff', '$(pass) 3/3 checks pass · check again'],
      ['numericalGradient', '$(pass) 3/3 checks pass · check again'],
      ['gradientDescent', '$(pass) 3/3 checks pass · check again'],
    ],
  );
});

/** The solution with edits, as a new file. */
function mistaken(edits: [string, string][], ext = 'py'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gl-ws-')), `gradient_lab_ch4.${ext}`);
  let src = readFileSync(join(ROOT, 'test', 'fixtures', 'exercises', `solution.${ext}`), 'utf8');
  for (const [from, to] of edits) {
    assert.ok(src.includes(from), from);
    src = src.replace(from, to);
  }
  writeFileSync(file, src);
  return file;
}

const lensTitles = async (file: string) => {
  const doc = await vscode.workspace.openTextDocument(Uri.file(file));
  const lenses = recorded.codeLensProviders[0].provideCodeLenses(doc) as {
    command: { title: string; arguments: unknown[] };
  }[];
  return Object.fromEntries(lenses.slice(1).map((l) => [l.command.arguments[1], l.command.title]));
};

test('issue 11: a cross_entropy_error without δ and a gradient matching that wrong loss do not tick the step', async () => {
  reset();
  // The screenshot's learner: log(y) with no δ (NaN on the book's zeros), and dE/dy of that very loss.
  const file = mistaken([
    ['np.log(y + 1e-7)', 'np.log(y)'],
    ['return -t / (y + 1e-7) / batch_size', 'return -t / y / batch_size'],
  ]);
  const verdicts = (await run('gradientLab.checkExercise', Uri.file(file))) as { id: string; status: string }[];
  assert.equal(verdicts.find((v) => v.id === 'cee-example-1')!.status, 'fail');
  assert.deepEqual(contextKeysSet(), [], 'the walkthrough step does not tick');
  assert.match(recorded.messages.at(-1)!.text, /^\d+ of 18 checks pass/);
  assert.match((await lensTitles(file)).crossEntropyError, /^\$\(warning\) 0\/3/);
  // Checking only the gradient afterwards does not tick it either: the loss's checks still fail.
  await run('gradientLab.checkExercise', Uri.file(file), 'crossEntropyErrorGrad');
  assert.deepEqual(contextKeysSet(), []);
});

test('issue 11: a gradient that matches a wrong loss (sign flipped) passes against that loss and fails against the book’s', async () => {
  reset();
  const file = mistaken([
    ['return -np.sum(t * np.log(y + 1e-7)) / batch_size', 'return np.sum(t * np.log(y + 1e-7)) / batch_size'],
    ['return -t / (y + 1e-7) / batch_size', 'return t / (y + 1e-7) / batch_size'],
  ]);
  const verdicts = (await run('gradientLab.checkExercise', Uri.file(file), 'crossEntropyErrorGrad')) as {
    id: string;
    status: string;
    hint?: { args: string[] };
  }[];
  assert.deepEqual(
    verdicts.map((v) => [v.id, v.status]),
    [
      ['cee-grad-single', 'pass'],
      ['cee-grad-batch', 'pass'],
      ['cee-grad-book-single', 'fail'],
      ['cee-grad-book-batch', 'fail'],
    ],
  );
  assert.equal((await lensTitles(file)).crossEntropyErrorGrad, '$(warning) 2/4 checks pass · check again');
  assert.deepEqual(contextKeysSet(), []);
  // The hint names the book's gradient, for both shapes.
  assert.ok(
    verdicts[2].hint!.args.some((a) => a.includes('-t / (y + 1e-7) / batch_size')),
    JSON.stringify(verdicts[2].hint),
  );
});

test('the CodeLenses are told to refresh after every check (lenses below the fold too)', async () => {
  reset();
  let fired = 0;
  const sub = recorded.codeLensProviders[0].onDidChangeCodeLenses!(() => fired++);
  const file = mistaken([]);
  await run('gradientLab.checkExercise', Uri.file(file), 'numericalDiff');
  assert.equal(fired, 1);
  await run('gradientLab.checkExercise', Uri.file(file));
  assert.equal(fired, 2);
  assert.deepEqual(contextKeysSet(), ['gradientLab.gradientCheckPassed']);
  (sub as { dispose(): void }).dispose();
});

test('Check my solution on one function of the template: TODO notes at its def line and a warning naming the next step', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  const file = join(folder, 'gradient_lab_ch4.js');
  copyFileSync(join(ROOT, 'media', 'exercises', 'en', 'gradient_lab_ch4.js'), file);
  await run('gradientLab.checkExercise', Uri.file(file), 'numericalDiff');
  const notes = recorded.diagnostics.get(file)!;
  assert.equal(notes.length, 3);
  const defLine = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.startsWith('function numericalDiff'));
  assert.ok(notes.every((d) => d.line === defLine && d.severity === vscode.DiagnosticSeverity.Information));
  assert.match(
    notes[0].message,
    /^numericalDiff — function_1 at x = 5: numericalDiff is still a TODO\. Replace the TODO line/,
  );
  assert.equal(recorded.messages.at(-1)!.level, 'warning');
  assert.match(
    recorded.messages.at(-1)!.text,
    /^0 of 3 checks pass\. Next: numericalDiff — function_1 at x = 5: Replace the TODO line/,
  );
  assert.deepEqual(contextKeysSet(), []);
});

test('Check my solution on a Python file runs the learner’s python3 and reports each check', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  const file = join(folder, 'solution.py');
  copyFileSync(join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py'), file);
  const verdicts = (await run('gradientLab.checkExercise', Uri.file(file), 'numericalDiff')) as {
    id: string;
    status: string;
  }[];
  assert.deepEqual(
    verdicts.map((v) => [v.id, v.status]),
    [
      ['diff-at-5', 'pass'],
      ['diff-at-10', 'pass'],
      ['diff-cube', 'pass'],
    ],
  );
  assert.deepEqual(recorded.messages.at(-1), { level: 'info', text: 'numerical_diff: all 3 checks pass.', items: [] });
  assert.ok(
    recorded.logs.some((l) => l.includes('· python3')),
    'the report names the interpreter',
  );
  assert.ok(recorded.logs.includes('✓ numerical_diff — function_1 at x = 5: got 0.1999999999990898, as the book does'));
});

test('Check my solution refuses a file that is not an exercise, and an untrusted workspace', async () => {
  reset();
  const folder = mkdtempSync(join(tmpdir(), 'gl-ws-'));
  const other = join(folder, 'notes.py');
  writeFileSync(other, 'print("hello")\n');
  assert.equal(await run('gradientLab.checkExercise', Uri.file(other)), undefined);
  assert.match(recorded.messages.at(-1)!.text, /^Open a Gradient Lab exercise file first/);
  const exercise = join(folder, 'gradient_lab_ch4.js');
  copyFileSync(join(ROOT, 'media', 'exercises', 'en', 'gradient_lab_ch4.js'), exercise);
  vscode.workspace.isTrusted = false;
  try {
    assert.equal(await run('gradientLab.checkExercise', Uri.file(exercise)), undefined);
    assert.equal(
      recorded.messages.at(-1)!.text,
      'Checking runs the code in your file, so it needs a trusted workspace.',
    );
  } finally {
    vscode.workspace.isTrusted = true;
  }
});

test('issue 11: Check my solution checks the editor’s unsaved text and never writes it to disk', async () => {
  reset();
  const file = mistaken([['return 0.5 * np.sum((y - t) ** 2)', 'return np.sum((y - t) ** 2)']]);
  const onDisk = readFileSync(file, 'utf8');
  const edited = onDisk.replace('return np.sum((y - t) ** 2)', 'return 0.5 * np.sum((y - t) ** 2)');
  const open = vscode.workspace.openTextDocument;
  let saved = 0;
  vscode.workspace.openTextDocument = async (u: Parameters<typeof open>[0]) => {
    const doc = await open(u);
    return {
      ...doc,
      isDirty: true,
      getText: (r?: unknown) => (r ? doc.getText(r as never) : edited),
      save: async () => ++saved > 0,
    };
  };
  try {
    const verdicts = (await run('gradientLab.checkExercise', Uri.file(file), 'sumSquaresError')) as {
      status: string;
    }[];
    assert.deepEqual(
      verdicts.map((v) => v.status),
      ['pass', 'pass'],
      'the unsaved fix is what was checked',
    );
    assert.equal(saved, 0, 'not saved');
    assert.equal(readFileSync(file, 'utf8'), onDisk, 'the file on disk is untouched');
  } finally {
    vscode.workspace.openTextDocument = open;
  }
});

test('the exercise notebook: the loss checked from its cell, then its gradient from another, tick the step; the lenses count their checks', async () => {
  reset();
  const { parseNotebook } = await import('../../src/gradcheck/source/notebook');
  const template = parseNotebook(
    readFileSync(join(ROOT, 'media', 'exercises', 'en', 'gradient_lab_ch4.ipynb'), 'utf8'),
  ).cells.map((c) => ({ kind: c.kind === 'code' ? ('code' as const) : ('markdown' as const), text: c.text }));
  const nb = openNotebook(join(mkdtempSync(join(tmpdir(), 'gl-ws-')), 'gradient_lab_ch4.ipynb'), template);
  const cellOf = (def: string) => template.findIndex((c) => c.text.includes(`def ${def}(`));
  const solve = (def: string, line: string) => {
    const i = cellOf(def);
    nb.setCell(i, template[i].text.replace(/raise NotImplementedError\("TODO: \w+"\)/, line));
  };
  // As typed in the notebook editor, unsaved.
  solve('cross_entropy_error', 'return -np.sum(t * np.log(y + 1e-7)) / (y.shape[0] if y.ndim == 2 else 1)');
  solve('cross_entropy_error_grad', 'return -t / (y + 1e-7) / (y.shape[0] if y.ndim == 2 else 1)');
  const lens = async (def: string) => {
    const doc = nb.notebook.getCells()[cellOf(def)].document;
    const lenses = recorded.codeLensProviders[1].provideCodeLenses(doc) as { command: { title: string } }[];
    return lenses.map((l) => l.command.title);
  };
  try {
    const loss = (await run(
      'gradientLab.checkExercise',
      nb.cellUri(cellOf('cross_entropy_error')),
      'crossEntropyError',
    )) as {
      status: string;
    }[];
    assert.deepEqual(
      loss.map((v) => v.status),
      ['pass', 'pass', 'pass'],
    );
    assert.deepEqual(await lens('cross_entropy_error'), ['$(pass) 3/3 checks pass · check again']);
    assert.deepEqual(contextKeysSet(), [], 'the gradient is not checked yet');
    const grad = (await run(
      'gradientLab.checkExercise',
      nb.cellUri(cellOf('cross_entropy_error_grad')),
      'crossEntropyErrorGrad',
    )) as { status: string }[];
    assert.ok(grad.length > 0 && grad.every((v) => v.status === 'pass'), JSON.stringify(grad));
    assert.deepEqual(await lens('cross_entropy_error_grad'), [
      `$(pass) ${grad.length}/${grad.length} checks pass · check again`,
    ]);
    assert.deepEqual(contextKeysSet(), ['gradientLab.gradientCheckPassed'], 'both checked: the step ticks');
  } finally {
    vscode.workspace.notebookDocuments.length = 0;
  }
});
