import * as vscode from 'vscode';
import { FunctionInfo, Language, languageOf, outline, qualifiedName } from '../gradcheck/functions';

/** The languages a gradient can be checked in, as VS Code names them. */
export const GRADCHECK_LANGUAGES: readonly Language[] = ['python', 'javascript', 'typescript'];

/** The document's language for the check: by file extension, else by VS Code's language id (an untitled file). */
export function gradcheckLanguage(document: vscode.TextDocument): Language | undefined {
  return languageOf(document.fileName) ?? GRADCHECK_LANGUAGES.find((l) => l === document.languageId);
}

/**
 * "Check gradient" above every function the checker can call (top-level functions and methods
 * of top-level classes). Reading the outline is one linear scan of the text, cheap enough for
 * every edit; lenses are hidden in untrusted workspaces, where checking would be refused.
 */
export class CheckGradientLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** VS Code asks again for the same text (scrolling, focus): read each version once. */
  private cached: { uri: string; version: number; functions: FunctionInfo[] } | undefined;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    if (!vscode.workspace.getConfiguration('gradientLab', document.uri).get<boolean>('checkGradient.codeLens', true)) return [];
    const language = gradcheckLanguage(document);
    if (!language) return [];
    const title = vscode.l10n.t('Check gradient');
    const key = document.uri.toString();
    if (this.cached?.uri !== key || this.cached.version !== document.version) {
      this.cached = { uri: key, version: document.version, functions: outline(document.getText(), language).functions };
    }
    return this.cached.functions.map((f) => {
      const range = new vscode.Range(f.line - 1, 0, f.line - 1, 0);
      return new vscode.CodeLens(range, { title, command: 'gradientLab.checkGradient', arguments: [document.uri, qualifiedName(f)], tooltip: vscode.l10n.t('Compare {0} and its gradient with the numerical gradient', qualifiedName(f)) });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
