/**
 * Lab files (`*.gradientlab.json`, src/protocol/labFile.ts) opened in their panel: from the
 * explorer's context menu, the "Open in Gradient Lab" CodeLens at the top of the file, the command
 * palette, or a link `vscode://gradient-lab.gradient-lab/open?file=<path in the workspace>`.
 * A bad file is refused with the field named and no panel is touched.
 */
import * as vscode from 'vscode';
import { requireTrust } from './trust';
import { realpathSync } from 'fs';
import { isAbsolute, relative, resolve } from 'path';
import { readRegularFile, fileProblem } from '../node/files';
import {
  LABFILE_STRINGS,
  LAB_FILE_MAX_BYTES,
  LAB_FILE_SUFFIX,
  type LabFile,
  LabFileRefused,
  labFileErrorText,
  parseLabFile,
} from '../protocol/labFile';
import { errorMessage } from '../util/text';
import { trainPanelModule } from './trainPanelModule';

const t = (message: string, ...args: (string | number)[]) => vscode.l10n.t(message, ...args);

export const LAB_FILE_SELECTOR: vscode.DocumentSelector = [
  { language: 'json', pattern: `**/*${LAB_FILE_SUFFIX}` },
  { language: 'jsonc', pattern: `**/*${LAB_FILE_SUFFIX}` },
];

/** Where the other panels are opened (the labs and the gradient check register these). */
export interface LabFileOpeners {
  lab?: (file: Extract<LabFile, { panel: 'lab' }>) => void | Promise<void>;
  gradcheck?: (file: Extract<LabFile, { panel: 'gradcheck' }>, labFile: vscode.Uri) => void | Promise<void>;
}
export const labFileOpeners: LabFileOpeners = {};

class LabFileLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!document.uri.path.endsWith(LAB_FILE_SUFFIX)) return [];
    return [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: t(LABFILE_STRINGS.openInGradientLab),
        command: 'gradientLab.openLabFile',
        arguments: [document.uri],
      }),
    ];
  }
}

export function registerLabFiles(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLab.openLabFile', (uri?: unknown) => openLabFile(context, uri)),
    vscode.languages.registerCodeLensProvider(LAB_FILE_SELECTOR, new LabFileLensProvider()),
    vscode.window.registerUriHandler({ handleUri: (uri) => handleLink(context, uri) }),
  );
}

/** The lab file's text: the editor's (unsaved edits included) if it is open, else the file's. */
function labFileText(uri: vscode.Uri): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder('utf-8').decode(readRegularFile(uri.fsPath, LAB_FILE_MAX_BYTES));
}

/** Every reason, in the display language, each naming its field. */
function refusal(e: LabFileRefused): string {
  return e.errors.map((x) => labFileErrorText(x, t)).join(' ');
}

export async function openLabFile(context: vscode.ExtensionContext, arg: unknown): Promise<void> {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : vscode.window.activeTextEditor?.document.uri.path.endsWith(LAB_FILE_SUFFIX)
        ? vscode.window.activeTextEditor.document.uri
        : undefined;
  if (!uri) {
    void vscode.window.showInformationMessage(
      t('Open a lab file (*.gradientlab.json) first, or choose one in the explorer: Open in Gradient Lab.'),
    );
    return;
  }
  const name = vscode.workspace.asRelativePath(uri);
  let file: LabFile;
  try {
    file = parseLabFile(labFileText(uri));
  } catch (e) {
    const why = e instanceof LabFileRefused ? refusal(e) : t('the file cannot be read: {0}', fileProblem(e));
    void vscode.window.showErrorMessage(t(LABFILE_STRINGS.notOpened, name, why));
    return;
  }
  try {
    await openIn(context, file, uri);
  } catch (e) {
    const why = e instanceof LabFileRefused ? refusal(e) : errorMessage(e);
    void vscode.window.showErrorMessage(t(LABFILE_STRINGS.notOpened, name, why));
  }
}

async function openIn(context: vscode.ExtensionContext, file: LabFile, uri: vscode.Uri): Promise<void> {
  switch (file.panel) {
    case 'train':
      (await trainPanelModule()).TrainPanel.show(context).openLab(file);
      return;
    case 'lab':
      await labFileOpeners.lab?.(file);
      return;
    case 'gradcheck':
      // It runs the learner's code: refused in an untrusted workspace, like Check Gradient.
      if (!(await requireTrust(t(LABFILE_STRINGS.untrusted), t('Manage Workspace Trust')))) return;
      await labFileOpeners.gradcheck?.(file, uri);
      return;
  }
}

/** Whether `path` (after following links) lies inside one of the workspace's folders. */
export function insideWorkspace(path: string): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return false;
  }
  return (vscode.workspace.workspaceFolders ?? []).some((f) => {
    let root: string;
    try {
      root = realpathSync(f.uri.fsPath);
    } catch {
      return false;
    }
    const rel = relative(root, real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** `vscode://gradient-lab.gradient-lab/open?file=labs/lr10.gradientlab.json` (or an absolute path in the workspace). */
async function handleLink(context: vscode.ExtensionContext, link: vscode.Uri): Promise<void> {
  if (link.path !== '/open') return;
  const param = new URLSearchParams(link.query).get('file') ?? '';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const path = isAbsolute(param) || !folder ? param : resolve(folder, param);
  if (!param || !path.endsWith(LAB_FILE_SUFFIX) || !insideWorkspace(path)) {
    void vscode.window.showErrorMessage(t(LABFILE_STRINGS.outsideWorkspace, param || '(none)'));
    return;
  }
  await openLabFile(context, vscode.Uri.file(path));
}
