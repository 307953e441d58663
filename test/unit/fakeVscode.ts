/**
 * Just enough of the `vscode` API, recorded, to run the tutorial's extension code in plain Node:
 * commands, webview panels, messages, quick picks and dialogs (answered by the test), the file
 * system (the real disk), CodeLenses and diagnostics. install() makes require('vscode') return it.
 */
import Module from 'node:module';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    this.listeners.forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Range {
  constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number, readonly endCharacter: number) {}
}

export function format(template: string, ...args: unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

export interface FakePanel {
  viewType: string;
  title: string;
  webview: { options: unknown; html: string; posted: unknown[]; cspSource: string; receive(m: unknown): void };
  revealed: number;
  disposed: boolean;
}

/** What the code did, and the answers the test gives to its questions. */
export const recorded = {
  commands: new Map<string, Fn>(),
  executed: [] as unknown[][],
  panels: [] as FakePanel[],
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items: string[] }[],
  shownDocuments: [] as string[],
  codeLensProviders: [] as { provideCodeLenses: Fn; onDidChangeCodeLenses?: Fn }[],
  serializers: new Map<string, unknown>(),
  diagnostics: new Map<string, { message: string; severity: number; line: number }[]>(),
  logs: [] as string[],
  /** Answers to showQuickPick / showWarningMessage etc., in order; a function gets the items. */
  answers: [] as (string | undefined | ((items: unknown[]) => unknown))[],
};

function answer(items: unknown[]): unknown {
  const a = recorded.answers.shift();
  return typeof a === 'function' ? a(items) : a;
}

function textDocument(uri: Uri, text: string) {
  const lines = text.split('\n');
  const ext = extname(uri.fsPath);
  return {
    uri,
    fileName: uri.fsPath,
    languageId: ext === '.py' ? 'python' : ext === '.js' ? 'javascript' : 'plaintext',
    isUntitled: false,
    isDirty: false,
    lineCount: lines.length,
    save: async () => true,
    getText: (r?: Range) => (r ? lines.slice(r.startLine, r.endLine).join('\n') : text),
    lineAt: (i: number) => ({ range: new Range(i, 0, i, lines[i].length), text: lines[i] }),
  };
}

export const vscode = {
  Uri,
  EventEmitter,
  Range,
  CodeLens: class {
    constructor(readonly range: Range, readonly command?: { title: string; command: string; arguments?: unknown[] }) {}
  },
  Diagnostic: class {
    source?: string;
    constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { Notification: 15 },
  l10n: { t: (message: string, ...args: unknown[]) => format(message, ...args) },
  env: { language: 'en' },
  extensions: { getExtension: () => undefined },
  commands: {
    registerCommand(id: string, fn: Fn) {
      recorded.commands.set(id, fn);
      return { dispose: () => recorded.commands.delete(id) };
    },
    async executeCommand(id: string, ...args: unknown[]) {
      recorded.executed.push([id, ...args]);
      return recorded.commands.get(id)?.(...args);
    },
  },
  languages: {
    registerCodeLensProvider(_selector: unknown, provider: { provideCodeLenses: Fn }) {
      recorded.codeLensProviders.push(provider);
      return { dispose() {} };
    },
    createDiagnosticCollection() {
      return {
        set: (uri: Uri, items: { message: string; severity: number; range: Range }[]) =>
          recorded.diagnostics.set(uri.fsPath, items.map((d) => ({ message: d.message, severity: d.severity, line: d.range.startLine }))),
        dispose() {},
      };
    },
  },
  window: {
    activeTextEditor: undefined as unknown,
    createWebviewPanel(viewType: string, title: string) {
      let onMessage: Fn = () => undefined;
      let onDispose: Fn = () => undefined;
      const panel = {
        viewType,
        title,
        revealed: 0,
        disposed: false,
        iconPath: undefined as unknown,
        webview: {
          options: undefined as unknown,
          html: '',
          posted: [] as unknown[],
          cspSource: 'vscode-webview-resource:',
          asWebviewUri: (u: Uri) => u,
          postMessage: async (m: unknown) => (panel.webview.posted.push(m), true),
          onDidReceiveMessage: (l: Fn) => ((onMessage = l), { dispose() {} }),
          receive: (m: unknown) => onMessage(m),
        },
        onDidDispose: (l: Fn) => ((onDispose = l), { dispose() {} }),
        reveal: () => panel.revealed++,
        dispose: () => {
          if (panel.disposed) return;
          panel.disposed = true;
          onDispose();
        },
      };
      recorded.panels.push(panel);
      return panel;
    },
    registerWebviewPanelSerializer(viewType: string, s: unknown) {
      recorded.serializers.set(viewType, s);
      return { dispose() {} };
    },
    createOutputChannel: () => ({ appendLine: (l: string) => recorded.logs.push(l), warn: (l: string) => recorded.logs.push(`warn: ${l}`), show() {}, dispose() {} }),
    showQuickPick: async (items: unknown[]) => answer(items),
    showWorkspaceFolderPick: async () => answer([]),
    showSaveDialog: async () => answer([]),
    showInformationMessage: async (text: string, ...items: string[]) => (recorded.messages.push({ level: 'info', text, items }), undefined),
    showWarningMessage: async (text: string, ...rest: unknown[]) => {
      const items = rest.filter((r): r is string => typeof r === 'string');
      recorded.messages.push({ level: 'warning', text, items });
      return answer(items);
    },
    showErrorMessage: async (text: string, ...items: string[]) => (recorded.messages.push({ level: 'error', text, items }), undefined),
    showTextDocument: async (u: Uri) => void recorded.shownDocuments.push(u.fsPath),
    withProgress: async (_o: unknown, task: Fn) => task({ report() {} }, { onCancellationRequested: () => ({ dispose() {} }) }),
  },
  workspace: {
    isTrusted: true,
    workspaceFolders: undefined as { uri: Uri; name: string }[] | undefined,
    asRelativePath: (u: Uri) => basename(u.fsPath),
    getConfiguration: () => ({ get: () => undefined }),
    getWorkspaceFolder: () => undefined,
    openTextDocument: async (u: Uri) => textDocument(u, await readFile(u.fsPath, 'utf8')),
    fs: {
      stat: (u: Uri) => stat(u.fsPath),
      readFile: async (u: Uri) => new Uint8Array(await readFile(u.fsPath)),
      writeFile: async (u: Uri, data: Uint8Array) => {
        await mkdir(dirname(u.fsPath), { recursive: true });
        await writeFile(u.fsPath, data);
      },
      readDirectory: async (u: Uri) => (await readdir(u.fsPath)).map((n) => [n, 1]),
    },
  },
};

/** From now on require('vscode') returns the fake. */
export function install(): void {
  const mod = Module as unknown as { _load: Fn };
  const load = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
}

export function reset(): void {
  recorded.executed.length = 0;
  recorded.messages.length = 0;
  recorded.shownDocuments.length = 0;
  recorded.logs.length = 0;
  recorded.answers.length = 0;
  recorded.diagnostics.clear();
}
