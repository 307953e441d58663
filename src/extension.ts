import * as vscode from 'vscode';
import { registerTrain } from './commands/train';
import { registerCheckGradient } from './commands/checkGradient';
import { registerTutorial } from './tutorial/register';
import { registerLabFiles } from './commands/labFiles';

/**
 * Activation only wires: each feature registers its commands from its own module, and loads its
 * heavy parts (data, workers, panels) lazily on first use.
 */
export function activate(context: vscode.ExtensionContext): void {
  registerTrain(context);
  registerCheckGradient(context);
  registerTutorial(context);
  registerLabFiles(context);
}

export function deactivate(): void {}
