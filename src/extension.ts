import * as vscode from 'vscode';

/** Activation only wires: every command lives in its own module and loads its heavy parts lazily. */
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
