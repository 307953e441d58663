import * as vscode from 'vscode';
import { requireCheckTrust } from './trust';
import { uriExists } from './workspaceFiles';

type PanelModule = typeof import('../panels/gradcheck/gradcheckPanel');

/**
 * "Replay numerical_gradient Step by Step" (the walkthrough's numerical-differentiation and
 * gradient steps link to it): puts the book's numerical_gradient and function_2 in a file of the
 * extension's storage (kept once there, so the learner's edits stay), opens it, checks it at
 * (3, 4) and opens the replay of its loop. It runs Python, so only in trusted workspaces.
 */
type LoadPanel = () => Promise<PanelModule>;
type Diagnostics = vscode.DiagnosticCollection;

export function registerReplayExample(
  context: vscode.ExtensionContext,
  diagnostics: Diagnostics,
  load: LoadPanel,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLab.replayNumericalGradient', () =>
      replayExample(context, diagnostics, load),
    ),
  );
}

async function replayExample(
  context: vscode.ExtensionContext,
  diagnostics: Diagnostics,
  load: LoadPanel,
): Promise<void> {
  if (!(await requireCheckTrust())) return;
  const folder = context.globalStorageUri;
  const uri = vscode.Uri.joinPath(folder, 'replay_numerical_gradient.py');
  if (!(await uriExists(uri))) {
    await vscode.workspace.fs.createDirectory(folder);
    const example = vscode.Uri.joinPath(context.extensionUri, 'media', 'examples', 'replay_numerical_gradient.py');
    await vscode.workspace.fs.copy(example, uri);
  }
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preview: false });
  const target = { uri, functionName: 'function_2', gradientName: 'numerical_gradient', inputs: { x: [3, 4] } };
  (await load()).GradcheckPanel.show(context, diagnostics, { ...target, open: 'replay' });
}
