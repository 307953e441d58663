import * as vscode from 'vscode';

/**
 * Activation only wires: each feature registers its commands from its own module, and loads its
 * heavy parts (data, workers, panels) lazily on first use.
 */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
