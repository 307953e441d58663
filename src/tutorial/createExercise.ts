/**
 * Gradient Lab: Create Exercise File — copies the chapter-4 exercise template (Python or
 * JavaScript, comments in the display language) into the workspace. Never overwrites a file
 * without asking: an existing one can be opened, kept beside a new copy, or replaced.
 */
import { homedir } from 'os';
import * as vscode from 'vscode';
import {
  ExerciseForm,
  exerciseFileName,
  exerciseLanguage,
  nextFreeName,
  templateLocale,
  templateSegments,
} from './exerciseFiles';
import { errorMessage } from '../util/text';
import { uriExists } from '../commands/workspaceFiles';

async function pickLanguage(): Promise<ExerciseForm | undefined> {
  const items: (vscode.QuickPickItem & { language: ExerciseForm })[] = [
    { label: 'Python', description: vscode.l10n.t('with numpy, as in the book'), language: 'python' },
    {
      label: vscode.l10n.t('Python notebook (.ipynb)'),
      description: vscode.l10n.t(
        "the same exercises in notebook cells, with the book's sections; no Jupyter kernel needed",
      ),
      language: 'notebook',
    },
    { label: 'JavaScript', description: vscode.l10n.t('plain arrays, nothing to install'), language: 'javascript' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Create Exercise File'),
    placeHolder: vscode.l10n.t('Which language do you want to write the exercises in?'),
  });
  return picked?.language;
}

/** Where the file goes: the only workspace folder, a picked one, or (no folder open) a save dialog. */
async function pickTarget(language: ExerciseForm): Promise<vscode.Uri | undefined> {
  const name = exerciseFileName(language);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    // The OS save dialog asks before replacing a file itself.
    return vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the exercise file'),
      defaultUri: vscode.Uri.joinPath(vscode.Uri.file(homedir()), name),
      filters:
        language === 'python'
          ? { Python: ['py'] }
          : language === 'notebook'
            ? { 'Jupyter Notebook': ['ipynb'] }
            : { JavaScript: ['js'] },
    });
  }
  const folder =
    folders.length === 1
      ? folders[0]
      : await vscode.window.showWorkspaceFolderPick({
          placeHolder: vscode.l10n.t('Which folder should the exercise file go in?'),
        });
  if (!folder) return undefined;
  const target = vscode.Uri.joinPath(folder.uri, name);
  if (!(await uriExists(target))) return target;

  const taken = new Set((await vscode.workspace.fs.readDirectory(folder.uri)).map(([n]) => n));
  const fresh = nextFreeName(name, (n) => taken.has(n));
  const open = vscode.l10n.t('Open the existing file');
  const keep = vscode.l10n.t('Create {0}', fresh);
  const replace = vscode.l10n.t('Replace it');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} already exists in {1}.', name, folder.name),
    { modal: true, detail: vscode.l10n.t('Replacing it loses what you wrote in it.') },
    open,
    keep,
    replace,
  );
  if (choice === open) {
    await show(target);
    return undefined;
  }
  if (choice === keep) return vscode.Uri.joinPath(folder.uri, fresh);
  return choice === replace ? target : undefined;
}

/** A notebook opens in the notebook editor, a file in a text editor. */
async function show(target: vscode.Uri): Promise<void> {
  if (/\.ipynb$/i.test(target.path))
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(target));
  else await vscode.window.showTextDocument(target);
}

export async function createExercise(extensionUri: vscode.Uri, languageArg?: unknown): Promise<vscode.Uri | undefined> {
  const asked =
    typeof languageArg === 'string'
      ? languageArg === 'notebook'
        ? 'notebook'
        : exerciseLanguage(languageArg)
      : undefined;
  const language = asked || (await pickLanguage());
  if (!language) return undefined;
  const target = await pickTarget(language);
  if (!target) return undefined;
  const template = vscode.Uri.joinPath(
    extensionUri,
    ...templateSegments(language, templateLocale(vscode.env.language)),
  );
  try {
    await vscode.workspace.fs.writeFile(target, await vscode.workspace.fs.readFile(template));
  } catch (e) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Could not write {0}: {1}. Check that the folder is writable, or pick another one.',
        target.fsPath,
        errorMessage(e),
      ),
    );
    return undefined;
  }
  await show(target);
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Exercise file created. Replace each TODO with your code, then click "Check my solution" above the function.',
    ),
  );
  return target;
}
