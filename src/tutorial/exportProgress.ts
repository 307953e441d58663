/**
 * Gradient Lab: Export Progress Record — what a learner hands in: the walkthrough's steps (done or
 * not, and since when: src/panels/progress.ts keeps the dates) and every exercise file of the
 * workspace checked now, exactly as "Check my solution" and `npm run check-exercise` check it.
 * Written as `<name>.md` and `<name>.json` side by side where the learner chooses.
 */
import * as vscode from 'vscode';
import { completedSteps } from '../panels/progress';
import { pythonInterpreter } from '../panels/gradcheck/interpreter';
import { parseNotebook } from '../gradcheck/source/notebook';
import { exerciseLanguage, isExerciseText } from './exerciseFiles';
import { gradeExercise, type ExerciseReportJson } from './gradeExercise';
import { isExerciseNotebook } from './notebookExercise';
import { progressMarkdown, progressRecord, type ExerciseRecord } from './progressRecord';
import { STEPS } from './steps';
import { errorMessage } from '../util/text';

/** The exercise files a learner makes (Create Exercise File: gradient_lab_ch4.py, gradient_lab_ch4-2.ipynb, …). */
const EXERCISE_GLOB = '**/gradient_lab_ch4*.{py,js,ipynb}';
const MAX_FILES = 20;
const t = (template: string, ...args: (string | number)[]) => vscode.l10n.t(template, ...args);

/** The walkthrough's step titles in the display language, from the manifest's nls files. */
async function stepTitles(extensionUri: vscode.Uri, lang: 'en' | 'ko'): Promise<Record<string, string>> {
  const read = async (name: string): Promise<Record<string, string>> => {
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, name));
      return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, string>;
    } catch {
      return {};
    }
  };
  const nls = { ...(await read('package.nls.json')), ...(lang === 'ko' ? await read('package.nls.ko.json') : {}) };
  return Object.fromEntries(STEPS.map((s) => [s.id, nls[`walkthrough.${s.id}.title`] ?? s.id]));
}

async function gradeFile(
  extensionUri: vscode.Uri,
  uri: vscode.Uri,
  lang: 'en' | 'ko',
  signal: AbortSignal,
): Promise<ExerciseRecord | undefined> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const notebook = /\.ipynb$/i.test(uri.fsPath) ? parseNotebook(text) : undefined;
  const language = notebook ? 'python' : exerciseLanguage(uri.fsPath);
  if (!language || (notebook ? !isExerciseNotebook(notebook) : !isExerciseText(text))) return undefined;
  const path = vscode.workspace.asRelativePath(uri);
  if (!vscode.workspace.isTrusted) {
    const base: ExerciseReportJson = {
      file: path.split('/').pop() ?? path,
      form: notebook ? 'notebook' : language,
      lang,
      passed: 0,
      total: 0,
      allPassed: false,
      exitCode: 2,
      checks: [],
      error: {
        kind: 'untrusted',
        message: t('Not checked: checking runs your code, so it needs a trusted workspace.'),
      },
    };
    return { ...base, path };
  }
  const interpreter = await pythonInterpreter(uri);
  const report = await gradeExercise({
    file: uri.fsPath,
    notebook,
    language,
    t,
    lang,
    python: interpreter.command,
    pythonHint: interpreter.hint,
    root: extensionUri.fsPath,
    signal,
  });
  return { ...report, path };
}

export async function exportProgress(extensionUri: vscode.Uri): Promise<void> {
  const lang = vscode.env.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
  const found = await vscode.workspace.findFiles(EXERCISE_GLOB, '**/node_modules/**', MAX_FILES);
  const active = vscode.window.activeTextEditor?.document;
  if (
    active &&
    !active.isUntitled &&
    isExerciseText(active.getText()) &&
    !found.some((u) => u.fsPath === active.uri.fsPath)
  )
    found.push(active.uri);
  found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  let cancelled = false;
  const exercises = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t('Checking your exercise files…'), cancellable: true },
    async (_p, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        cancelled = true;
        abort.abort();
      });
      const out: ExerciseRecord[] = [];
      for (const uri of found) {
        if (cancelled) break;
        try {
          const r = await gradeFile(extensionUri, uri, lang, abort.signal);
          if (r) out.push(r);
        } catch (e) {
          void vscode.window.showWarningMessage(
            t('{0} was left out: {1}', vscode.workspace.asRelativePath(uri), errorMessage(e)),
          );
        }
      }
      return out;
    },
  );
  if (cancelled) return;
  const record = progressRecord({
    steps: STEPS,
    done: completedSteps(),
    titles: await stepTitles(extensionUri, lang),
    exercises,
    createdAt: new Date(),
    lang,
  });
  const date = (iso: string) => {
    try {
      return new Date(iso).toLocaleDateString(vscode.env.language, { year: 'numeric', month: 'long', day: 'numeric' });
    } catch {
      return iso.slice(0, 10);
    }
  };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    title: t('Save the progress record'),
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'gradient-lab-progress.md') : undefined,
    filters: { Markdown: ['md'] },
  });
  if (!uri) return;
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const json = vscode.Uri.joinPath(
    uri,
    '..',
    `${name.replace(/\.(md|markdown)$/i, '') || 'gradient-lab-progress'}.json`,
  );
  try {
    await vscode.workspace.fs.writeFile(json, new TextEncoder().encode(JSON.stringify(record, null, 2) + '\n'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(progressMarkdown(record, t, date)));
  } catch (e) {
    void vscode.window.showErrorMessage(t('The progress record could not be saved: {0}', errorMessage(e)));
    return;
  }
  const open = t('Open');
  const done = t(
    'Saved {0} and {1}: {2} of {3} steps, {4} exercise file(s).',
    uri.fsPath,
    json.fsPath,
    record.walkthrough.done,
    record.walkthrough.total,
    exercises.length,
  );
  void vscode.window.showInformationMessage(done, open).then((c) => {
    if (c === open) void vscode.commands.executeCommand('vscode.open', uri);
  });
}
