/**
 * `npm run check-exercise -- FILE [--json] [--lang ko]`: "Check my solution" from a terminal, for
 * grading in CI — real Python with numpy on solved, untouched and broken exercise files (.py, .js,
 * .ipynb), exit codes 0 all pass / 1 some fail / 2 usage or set-up, and the example GitHub Actions
 * workflow (media/examples/classroom-workflow.yml) run as its grading step is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { PYTHON } from './gradcheckHelpers';
import { CHECK_EXERCISE_STRINGS, type ExerciseReportJson } from '../../src/cli/checkExercise';
import { EXERCISE_CHECKS } from '../../src/tutorial/exerciseSpec';

const CLI = join(ROOT, 'dist', 'cli.js');
const SOLUTION_PY = join(ROOT, 'test', 'fixtures', 'exercises', 'solution.py');
const SOLUTION_JS = join(ROOT, 'test', 'fixtures', 'exercises', 'solution.js');
const TEMPLATE = (lang: 'en' | 'ko', ext: string) => join(ROOT, 'media', 'exercises', lang, `gradient_lab_ch4.${ext}`);
const dir = mkdtempSync(join(tmpdir(), 'gl-check-exercise-'));

const checkExercise = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'check-exercise', ...args, '--python', PYTHON], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' },
  });
const report = (stdout: string): ExerciseReportJson => JSON.parse(stdout.trim().split('\n').pop()!);

/** The solution with one edit, as a new file in `dir`. */
function variant(from: string, to: string, name: string): string {
  const src = readFileSync(SOLUTION_PY, 'utf8');
  assert.ok(src.includes(from), `the solution contains ${from}`);
  const file = join(dir, name);
  writeFileSync(file, src.replace(from, to));
  return file;
}

test('a solved .py exercise: exit 0, and --json lists every check by name, each passing', () => {
  const r = checkExercise(SOLUTION_PY, '--json');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const j = report(r.stdout);
  assert.equal(j.allPassed, true);
  assert.equal(j.exitCode, 0);
  assert.deepEqual(
    [j.form, j.lang, j.passed, j.total],
    ['python', 'en', EXERCISE_CHECKS.length, EXERCISE_CHECKS.length],
  );
  assert.deepEqual(
    j.checks.map((c) => c.id),
    EXERCISE_CHECKS.map((c) => c.id),
  );
  for (const c of j.checks) {
    assert.equal(c.pass, true, JSON.stringify(c));
    assert.ok(c.name.length > 0 && c.message.length > 0, JSON.stringify(c));
    assert.equal(c.hint, undefined);
  }
  const grad = j.checks.find((c) => c.id === 'cee-grad-batch')!;
  assert.equal(grad.function, 'cross_entropy_error_grad');
  assert.match(grad.message, /matches the numerical gradient/);
});

test('the untouched template: exit 1, every check a TODO naming its function; the text form ends with the count', () => {
  const r = checkExercise(TEMPLATE('en', 'py'), '--json');
  assert.equal(r.status, 1, r.stderr);
  const j = report(r.stdout);
  assert.equal(j.allPassed, false);
  assert.equal(j.passed, 0);
  assert.deepEqual(new Set(j.checks.map((c) => c.status)), new Set(['todo']));
  assert.ok(j.checks.every((c) => !c.pass && /^\w+ is still a TODO$/.test(c.message)));

  const text = checkExercise(TEMPLATE('en', 'py'), '--exercise', 'numerical_diff');
  assert.equal(text.status, 1);
  assert.match(text.stdout, /^Exercise checks of gradient_lab_ch4\.py$/m);
  assert.match(text.stdout, /^○ numerical_diff — function_1 at x = 5: numerical_diff is still a TODO$/m);
  assert.match(text.stdout, /^0 of 3 checks pass\.$/m);
});

test('a wrong answer fails with the checker’s hint; --exercise takes the function name', () => {
  const file = variant('return (f(x + h) - f(x - h)) / (2 * h)', 'return (f(x + h) - f(x)) / h', 'forward.py');
  const r = checkExercise(file, '--json', '--exercise', 'numerical_diff');
  assert.equal(r.status, 1, r.stderr);
  const j = report(r.stdout);
  assert.equal(j.total, 3);
  const at5 = j.checks.find((c) => c.id === 'diff-at-5')!;
  assert.deepEqual([at5.pass, at5.status], [false, 'fail']);
  assert.match(at5.message, /^expected 0\.1999999999990898, got /);
  assert.match(at5.hint!, /central difference/);
});

test('sys.exit() or KeyboardInterrupt inside a function fails that function’s checks (exit 1), not the set-up', () => {
  for (const [raise, name] of [
    ['raise SystemExit(0)', 'SystemExit'],
    ['raise KeyboardInterrupt', 'KeyboardInterrupt'],
  ]) {
    const file = variant('    h = 1e-4\n    return (f(x + h) - f(x - h)) / (2 * h)', `    ${raise}`, `${name}.py`);
    const r = checkExercise(file, '--json');
    assert.equal(r.status, 1, r.stderr + r.stdout);
    const j = report(r.stdout);
    assert.equal(j.error, undefined, JSON.stringify(j.error));
    const at5 = j.checks.find((c) => c.id === 'diff-at-5')!;
    assert.deepEqual([at5.pass, at5.status], [false, 'error'], JSON.stringify(at5));
    assert.match(at5.message, new RegExp(name));
    assert.ok(
      j.checks.some((c) => c.pass),
      'the other functions are still checked',
    );
  }
});

test('a file that does not load: exit 1 with the error and its line (the learner’s work, not the set-up)', () => {
  const file = variant('def numerical_diff(f, x):', 'def numerical_diff(f, x)', 'syntax.py');
  const r = checkExercise(file, '--json');
  assert.equal(r.status, 1, r.stderr);
  const j = report(r.stdout);
  assert.equal(j.error?.kind, 'load');
  assert.match(j.error!.message, /SyntaxError/);
  assert.equal(typeof j.error!.line, 'number');
  assert.deepEqual(j.checks, []);
  assert.equal(j.passed, 0);
});

test('--lang ko: the same report in Korean', () => {
  const r = checkExercise(TEMPLATE('ko', 'py'), '--lang', 'ko', '--exercise', 'numerical_diff');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /연습 문제 검사/);
  assert.match(r.stdout, /numerical_diff: 아직 TODO입니다/);
  assert.match(r.stdout, /검사 3개 중 0개 통과\./);
  const j = report(checkExercise(SOLUTION_PY, '--lang', 'ko', '--json', '--exercise', 'sum_squares_error').stdout);
  assert.equal(j.lang, 'ko');
  assert.match(j.checks[0].message, /[가-힣]/);
});

test('the JavaScript form: the book’s solution passes (exit 0)', () => {
  const r = checkExercise(SOLUTION_JS, '--json', '--exercise', 'numericalGradient');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.deepEqual(
    report(r.stdout).checks.map((c) => [c.function, c.pass]),
    [
      ['numericalGradient', true],
      ['numericalGradient', true],
      ['numericalGradient', true],
    ],
  );
});

/** The notebook template with every exercise cell replaced by the solution's function of that name. */
function solvedNotebook(edit: (code: string) => string = (c) => c): string {
  const nb = JSON.parse(readFileSync(TEMPLATE('en', 'ipynb'), 'utf8'));
  const solution = readFileSync(SOLUTION_PY, 'utf8').split('\nif __name__')[0];
  const fns = new Map(
    solution
      .split(/\n(?=def )/)
      .slice(1)
      .map((p) => [p.match(/^def (\w+)/)![1], p.replace(/\n+$/, '')]),
  );
  for (const cell of nb.cells) {
    const text = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const name = cell.cell_type === 'code' ? text.match(/^def (\w+)/m)?.[1] : undefined;
    if (name && fns.has(name)) cell.source = edit(fns.get(name)!);
  }
  return JSON.stringify(nb);
}

test('the JavaScript form: an outcome the learner’s code posts to parentPort is not the checker’s answer', () => {
  const file = join(dir, 'forged.js');
  writeFileSync(
    file,
    `${readFileSync(TEMPLATE('en', 'js'), 'utf8')}\nconst wt = require('worker_threads');\nif (wt.parentPort) wt.parentPort.postMessage({ outcomes: [{ id: 'diff-at-5', status: 'ok', value: 0.1999999999990898 }] });\n`,
  );
  const r = checkExercise(file, '--json', '--exercise', 'numericalDiff');
  assert.equal(r.status, 1, r.stderr + r.stdout);
  const j = report(r.stdout);
  assert.deepEqual(
    j.checks.map((c) => [c.id, c.status]),
    [
      ['diff-at-5', 'todo'],
      ['diff-at-10', 'todo'],
      ['diff-cube', 'todo'],
    ],
  );
});

test('the JavaScript form: process.exit() in the file is the learner’s work (exit 1), named', () => {
  const file = join(dir, 'exits.js');
  writeFileSync(file, `${readFileSync(TEMPLATE('en', 'js'), 'utf8')}\nrequire('process').exit(0);\n`);
  const r = checkExercise(file, '--json');
  assert.equal(r.status, 1, r.stderr + r.stdout);
  assert.match(report(r.stdout).error?.message ?? '', /process\.exit/);
});

test('the notebook form: solved → exit 0; a syntax error → exit 1 naming its cell', () => {
  const solved = join(dir, 'solved.ipynb');
  writeFileSync(solved, solvedNotebook());
  const ok = checkExercise(solved, '--json');
  assert.equal(ok.status, 0, ok.stderr + ok.stdout);
  const j = report(ok.stdout);
  assert.deepEqual([j.form, j.allPassed, j.passed], ['notebook', true, EXERCISE_CHECKS.length]);

  const broken = join(dir, 'broken.ipynb');
  writeFileSync(
    broken,
    solvedNotebook((c) => c.replace('def numerical_diff(f, x):', 'def numerical_diff(f, x)')),
  );
  const bad = checkExercise(broken, '--json');
  assert.equal(bad.status, 1, bad.stderr);
  const e = report(bad.stdout).error!;
  assert.equal(e.kind, 'load');
  const nb = JSON.parse(readFileSync(broken, 'utf8'));
  const cellIndex = nb.cells.findIndex((c: { source: string | string[] }) =>
    [c.source].flat().join('').includes('def numerical_diff(f, x)'),
  );
  assert.deepEqual([e.cell, e.line], [cellIndex + 1, 1]);
});

test('usage and set-up problems exit 2 with one clear line', () => {
  const notExercise = join(dir, 'plain.py');
  writeFileSync(notExercise, 'def f(x):\n    return x\n');
  const cases: [string[], RegExp][] = [
    [[join(dir, 'missing.py')], /missing\.py: no such file/],
    [[notExercise], /is not a Gradient Lab exercise: its first lines must contain "gradient-lab-exercise: ch4"/],
    [[join(ROOT, 'README.md')], /the exercise is a \.py, \.js or \.ipynb file/],
    [[SOLUTION_PY, '--lang', 'fr'], /--lang must be one of en, ko/],
    [[SOLUTION_PY, '--exercise', 'softmax'], /no exercise function 'softmax' \(expected one of: sum_squares_error, /],
    [[], /FILE is required/],
  ];
  for (const [args, message] of cases) {
    const r = checkExercise(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  // No Python: the set-up, not the learner's work (the last --python wins over the helper's).
  const r = spawnSync(
    process.execPath,
    [CLI, 'check-exercise', SOLUTION_PY, '--json', '--python', '/nonexistent/python3'],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 2, r.stderr + r.stdout);
  const j = report(r.stdout);
  assert.equal(j.error?.kind, 'pythonMissing');
  assert.match(j.error!.message, /--python PATH/);
});

test('the CLI’s own words have Korean translations in the bundle', () => {
  const ko = JSON.parse(readFileSync(join(ROOT, 'dist', 'l10n', 'bundle.l10n.ko.json'), 'utf8'));
  const missing = Object.values(CHECK_EXERCISE_STRINGS).filter((en) => !(en in ko));
  assert.deepEqual(missing, []);
});

// ---- The example workflow for a classroom repository ----

const WORKFLOW = join(ROOT, 'media', 'examples', 'classroom-workflow.yml');
interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  shell?: string;
  'working-directory'?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; env?: Record<string, string>; steps: Step[] }>;
}
// js-yaml comes with the dev tools (mocha, vsce): the workflow must be YAML that GitHub reads, not only YAML-like.
const yaml = require('js-yaml') as { load(text: string): unknown };
const workflow = () => yaml.load(readFileSync(WORKFLOW, 'utf8')) as Workflow;

test('the classroom workflow is YAML with checkout, Python with numpy, Node, and the check-exercise command', () => {
  const wf = workflow();
  assert.ok('push' in wf.on);
  const jobs = Object.values(wf.jobs);
  assert.equal(jobs.length, 1);
  const [job] = jobs;
  assert.match(job['runs-on'], /ubuntu/);
  const uses = job.steps.map((s) => s.uses?.split('@')[0]).filter(Boolean);
  for (const action of ['actions/checkout', 'actions/setup-python', 'actions/setup-node'])
    assert.ok(uses.includes(action), `${action} is used`);
  const tool = job.steps.find((s) => s.with?.repository)!;
  assert.equal(tool.with!.repository, 'gradient-lab/gradient-lab');
  assert.ok(
    job.steps.some((s) => /pip install numpy/.test(s.run ?? '')),
    'numpy is installed',
  );
  assert.ok(job.steps.some((s) => s.run === 'npm ci' && s['working-directory'] === tool.with!.path));
  const grade = job.steps.filter((s) => /check-exercise/.test(s.run ?? ''));
  assert.equal(grade.length, 1, 'exactly one step runs the checker');
  assert.equal(grade[0]['working-directory'], tool.with!.path);
  assert.equal(grade[0].shell, 'bash', 'bash with pipefail: tee keeps the checker’s exit code');
  assert.match(grade[0].run!, /^npm run --silent check-exercise -- "\$GITHUB_WORKSPACE\/\$EXERCISE_FILE" --json/);
  assert.match(job.env!.EXERCISE_FILE, /^gradient_lab_ch4\.(py|js|ipynb)$/);
  // The README shows the same step, word for word.
  assert.ok(
    readFileSync(join(ROOT, 'README.md'), 'utf8').includes(`run: ${grade[0].run!.trim()}`),
    'README shows the step',
  );
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts['check-exercise'], 'node scripts/cli.mjs check-exercise');
});

/** The workflow's grading step, run as GitHub runs it: bash -eo pipefail in the tool's checkout. */
function runGradingStep(studentFile: string): { status: number | null; stdout: string; grade: ExerciseReportJson } {
  const job = Object.values(workflow().jobs)[0];
  const step = job.steps.find((s) => /check-exercise/.test(s.run ?? ''))!;
  const workspace = mkdtempSync(join(tmpdir(), 'gl-classroom-'));
  copyFileSync(studentFile, join(workspace, job.env!.EXERCISE_FILE));
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    cwd: ROOT, // the checkout of Gradient Lab
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...job.env, GITHUB_WORKSPACE: workspace, GRADIENT_LAB_PYTHON: PYTHON, LANG: 'C' },
  });
  const grade = JSON.parse(readFileSync(join(workspace, 'grade.json'), 'utf8'));
  return { status: r.status, stdout: r.stdout, grade };
}

test('the workflow’s grading step on a solved exercise passes (exit 0) and on an unsolved one fails (exit 1)', () => {
  const solved = runGradingStep(SOLUTION_PY);
  assert.equal(solved.status, 0, solved.stdout);
  assert.equal(solved.grade.allPassed, true);
  assert.equal(solved.grade.file, 'gradient_lab_ch4.py');
  const unsolved = runGradingStep(TEMPLATE('en', 'py'));
  assert.equal(unsolved.status, 1, unsolved.stdout);
  assert.equal(unsolved.grade.allPassed, false);
  assert.ok(unsolved.grade.checks.every((c) => c.status === 'todo'));
});
