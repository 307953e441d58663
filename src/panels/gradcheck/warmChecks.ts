import { dirname } from 'path';
import * as vscode from 'vscode';
import { prestartJs } from '../../gradcheck/run/jsRunner';
import { prestartPython } from '../../gradcheck/run/pythonRunner';
import { WarmPool } from '../../gradcheck/run/warmPool';
import { gradcheckLanguage } from '../../commands/checkGradientLens';
import { notebookTarget } from '../../commands/notebookCells';
import { pythonInterpreter } from './interpreter';

/**
 * The extension's spare checkers (src/gradcheck/run/warmPool.ts): one pool for the panel's checks,
 * filled ahead when a file with "Check gradient" lenses is shown and after each check. Only in
 * trusted workspaces (the lenses and the panel are not offered elsewhere); emptied when the panel
 * closes and ended with the extension.
 */
let pool: WarmPool | undefined;

export function checkPool(): WarmPool {
  return (pool ??= new WarmPool());
}

/** The paths the runners need, from the extension's folder. */
export function checkerPaths(context: vscode.ExtensionContext): { harness: string; workerPath: string } {
  return {
    harness: context.asAbsolutePath('media/python/gradcheck_harness.py'),
    workerPath: context.asAbsolutePath('dist/jsRunnerWorker.js'),
  };
}

/** A spare checker for the document's language, started now unless one waits already. */
export async function prestartChecks(context: vscode.ExtensionContext, document: vscode.TextDocument): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const language = gradcheckLanguage(document);
  const nb = document.uri.scheme === 'vscode-notebook-cell' ? notebookTarget(document.uri) : undefined;
  const file = nb?.file ?? (document.uri.scheme === 'file' ? document.uri.fsPath : undefined);
  if (!language || !file) return;
  const paths = checkerPaths(context);
  if (language === 'python') {
    const interpreter = await pythonInterpreter(nb ? vscode.Uri.file(nb.file) : document.uri);
    if (!vscode.workspace.isTrusted) return;
    prestartPython({ python: interpreter.command, harness: paths.harness, pool: checkPool() }, dirname(file));
  } else prestartJs({ workerPath: paths.workerPath, pool: checkPool() }, dirname(file));
}

/** The panel closed: its spares end (the next lens or check starts them again). */
export function clearWarmChecks(): void {
  pool?.clear();
}

/** The extension deactivates: every spare ends and none starts again. */
export function disposeWarmChecks(): void {
  pool?.dispose();
  pool = undefined;
}
