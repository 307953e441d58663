import * as vscode from 'vscode';
import {
  FunctionInfo,
  Language,
  Outline,
  languageOf,
  lossOfGradient,
  outline,
  qualifiedName,
} from '../gradcheck/source/findFunctions';
import { notebookLossOfGradient } from './notebookCells';

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
  private cached: { uri: string; version: number; outline: Outline } | undefined;
  /** When each document last asked for a spare checker (at most one request every 10 s). */
  private readonly warmed = new Map<string, number>();

  /** `shown` is told of a document that shows lenses (a spare checker is started for it). */
  constructor(private readonly shown?: (document: vscode.TextDocument) => void) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    if (!vscode.workspace.getConfiguration('gradientLab', document.uri).get<boolean>('checkGradient.codeLens', true))
      return [];
    const language = gradcheckLanguage(document);
    if (!language) return [];
    const title = vscode.l10n.t('Check gradient');
    const key = document.uri.toString();
    if (this.cached?.uri !== key || this.cached.version !== document.version) {
      this.cached = { uri: key, version: document.version, outline: outline(document.getText(), language) };
    }
    const o = this.cached.outline;
    if (o.functions.length && this.shown && Date.now() - (this.warmed.get(key) ?? 0) > 10_000) {
      if (this.warmed.size > 64) this.warmed.clear();
      this.warmed.set(key, Date.now());
      this.shown(document);
    }
    return o.functions.map((f: FunctionInfo) => {
      const range = new vscode.Range(f.line - 1, 0, f.line - 1, 0);
      // A function that is itself the gradient of another: its lens checks that pair (in a notebook, the
      // loss may be in a cell above).
      const loss = lossOfGradient(o, f) ?? notebookLossOfGradient(document, f);
      if (loss) {
        const name = qualifiedName(loss);
        return new vscode.CodeLens(range, {
          title: vscode.l10n.t('Gradient of {0} · check', name),
          command: 'gradientLab.checkGradient',
          arguments: [document.uri, name],
          tooltip: vscode.l10n.t('Compare {0} and its gradient with the numerical gradient', name),
        });
      }
      return new vscode.CodeLens(range, {
        title,
        command: 'gradientLab.checkGradient',
        arguments: [document.uri, qualifiedName(f)],
        tooltip: vscode.l10n.t('Compare {0} and its gradient with the numerical gradient', qualifiedName(f)),
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
