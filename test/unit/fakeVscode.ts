/**
 * The one stand-in for the `vscode` module in the unit tests: just enough of the API, recorded, to
 * run the extension's code in plain Node. Commands, webview panels (each records what it is sent,
 * its html and its listeners), messages, logs and diagnostics land in `recorded`; quick picks,
 * warnings and save/open dialogs answer from `recorded.answers`; settings, trust and workspace
 * folders are set by the test. The file system is the real disk. install() makes require('vscode')
 * return it; reset() clears what a test recorded.
 */
import Module from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Fn = (...args: any[]) => any;
type Disposable = { dispose(): unknown };

/** Adds a listener the way vscode.Event does (thisArg, disposables); its disposable removes it. */
function listen(list: Fn[], listener: Fn, thisArg?: unknown, disposables?: Disposable[]): Disposable {
  const bound = thisArg === undefined ? listener : listener.bind(thisArg);
  list.push(bound);
  const d = { dispose: () => list.includes(bound) && list.splice(list.indexOf(bound), 1) };
  disposables?.push(d);
  return d;
}

/** An event the fake never fires: code may subscribe to it. */
const noEvent = (_l: Fn, _thisArg?: unknown, disposables?: Disposable[]): Disposable =>
  listen([], () => undefined, undefined, disposables);

export class Uri {
  private constructor(
    readonly fsPath: string,
    readonly scheme = 'file',
    readonly fragment = '',
  ) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  /** Another scheme: a notebook cell is { scheme: 'vscode-notebook-cell', path: the notebook's, fragment }. */
  static from(c: { scheme: string; path: string; fragment?: string }): Uri {
    return new Uri(c.path, c.scheme, c.fragment ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    if (this.scheme !== 'file') return `${this.scheme}:${this.fsPath}${this.fragment ? `#${this.fragment}` : ''}`;
    return pathToFileURL(this.fsPath).toString();
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(start: Position, end: Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c!, d!) : (b as Position);
  }
}

export class EventEmitter<T> {
  private listeners: Fn[] = [];
  event = (l: (e: T) => unknown, thisArg?: unknown, disposables?: Disposable[]) =>
    listen(this.listeners, l, thisArg, disposables);
  fire(e: T): void {
    [...this.listeners].forEach((l) => l(e));
  }
  dispose(): void {
    this.listeners = [];
  }
}

/** vscode.l10n.t without bundles: "{0}" placeholders filled in, the English text otherwise. */
function format(template: string, ...args: unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** A webview panel that records what it is sent and its html; receive() plays the page's message. */
function createPanel(viewType: string, title: string, options?: object, showOptions?: unknown) {
  const messageListeners: Fn[] = [];
  const disposeListeners: Fn[] = [];
  const panel = {
    viewType,
    title,
    /** Where it was asked to open: a ViewColumn or { viewColumn, preserveFocus }. */
    showOptions,
    /** The column VS Code put it in (a test sets it to play the layout). */
    viewColumn: undefined as number | undefined,
    active: false,
    /** The column of every reveal(column) (undefined: where it is). */
    revealedTo: [] as unknown[],
    iconPath: undefined as unknown,
    revealed: 0,
    disposed: false,
    webview: {
      options: (options ?? {}) as unknown,
      html: '',
      /** Every message posted to the page, also after the panel closed (so a test can see that none was). */
      posted: [] as unknown[],
      cspSource: 'vscode-webview-resource:',
      asWebviewUri: (u: Uri) => u,
      postMessage: async (m: unknown) => (panel.webview.posted.push(m), true),
      onDidReceiveMessage: (l: Fn, thisArg?: unknown, disposables?: Disposable[]) =>
        listen(messageListeners, l, thisArg, disposables),
      /** A message from the page. */
      receive: (m: unknown) => [...messageListeners].forEach((l) => l(m)),
    },
    onDidDispose: (l: Fn, thisArg?: unknown, disposables?: Disposable[]) =>
      listen(disposeListeners, l, thisArg, disposables),
    reveal: (column?: unknown) => {
      panel.revealedTo.push(column);
      panel.revealed++;
    },
    /** Closes the panel, as the user would: every dispose listener runs, once. */
    dispose: () => {
      if (panel.disposed) return;
      panel.disposed = true;
      disposeListeners.splice(0).forEach((l) => l());
    },
  };
  recorded.panels.push(panel);
  return panel;
}
export type FakePanel = ReturnType<typeof createPanel>;

/** A user's answer: a button, a file (or files) for a dialog, dismissed, or a function of the items offered. */
type Answer = string | Uri | Uri[] | undefined | ((items: unknown[]) => unknown);

/** What the code did, the answers the test gives to its questions, and the settings it reads. */
export const recorded = {
  commands: new Map<string, Fn>(),
  /** executeCommand calls, [id, ...args]. */
  executed: [] as unknown[][],
  /** Every panel created, oldest first; reset() keeps them, since the code may still hold them. */
  panels: [] as FakePanel[],
  messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items: string[] }[],
  shownDocuments: [] as string[],
  codeLensProviders: [] as { provideCodeLenses: Fn; onDidChangeCodeLenses?: Fn }[],
  serializers: new Map<string, unknown>(),
  /** window.registerUriHandler's handlers (vscode://publisher.name/… links). */
  uriHandlers: [] as { handleUri: Fn }[],
  /** By file path, from every diagnostic collection. */
  diagnostics: new Map<string, { message: string; severity: number; line: number }[]>(),
  /** Output channel lines; LogOutputChannel levels are prefixed ("warn: …"). */
  logs: [] as string[],
  /**
   * Answers to showQuickPick, showWorkspaceFolderPick, showWarningMessage and the
   * save/open dialogs, in the order they are asked; none left answers undefined (dismissed).
   * Information and error messages are never answered.
   */
  answers: [] as Answer[],
  /** Settings by full id ("gradientLab.pythonPath"), as getConfiguration(section).get(key) reads them. */
  config: {} as Record<string, unknown>,
};

function answer(items: unknown[]): unknown {
  const a = recorded.answers.shift();
  return typeof a === 'function' ? a(items) : a;
}

/** A message's buttons: its string items (MessageOptions such as { modal } are not buttons). */
const buttons = (rest: unknown[]) => rest.filter((r): r is string => typeof r === 'string');

function message(level: 'info' | 'warning' | 'error', text: string, rest: unknown[]) {
  recorded.messages.push({ level, text, items: buttons(rest) });
}

function textDocument(uri: Uri, text: string) {
  const lines = text.split('\n');
  const ext = extname(uri.fsPath);
  const offsetAt = (p: Position) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + Math.min(p.character, lines[p.line]?.length ?? 0);
  return {
    uri,
    fileName: uri.fsPath,
    languageId: ext === '.py' ? 'python' : ext === '.js' ? 'javascript' : ext === '.ts' ? 'typescript' : 'plaintext',
    version: 1,
    isUntitled: false,
    isDirty: false,
    lineCount: lines.length,
    save: async () => true,
    getText: (r?: Range) => (r ? text.slice(offsetAt(r.start), offsetAt(r.end)) : text),
    lineAt: (i: number) => ({ range: new Range(i, 0, i, lines[i].length), text: lines[i] }),
  };
}

/**
 * An open notebook of the built-in notebook editor: its cells' documents ('vscode-notebook-cell'
 * URIs) hold the text given, as the editor would (unsaved); setCell() types into one.
 */
export function openNotebook(path: string, cells: { kind: 'code' | 'markdown'; text: string }[]) {
  const uri = Uri.file(path);
  const made = cells.map((c, index) => {
    const cellUri = Uri.from({ scheme: 'vscode-notebook-cell', path, fragment: `W${index}` });
    const doc = { ...textDocument(cellUri, c.text), languageId: c.kind === 'code' ? 'python' : 'markdown' };
    return { index, kind: c.kind === 'code' ? 2 : 1, document: doc };
  });
  const notebook = {
    uri,
    notebookType: 'jupyter-notebook',
    getCells: () => made,
    cellAt: (i: number) => made[i],
    get cellCount() {
      return made.length;
    },
  };
  vscode.workspace.notebookDocuments.push(notebook);
  return {
    notebook,
    cellUri: (i: number) => made[i].document.uri,
    setCell(i: number, text: string) {
      made[i].document = { ...textDocument(made[i].document.uri, text), languageId: made[i].document.languageId };
    },
  };
}

function outputChannel(name: string) {
  const log =
    (level: string) =>
    (m: unknown, ...args: unknown[]) =>
      void recorded.logs.push(
        `${level}: ${[m, ...args].map((x) => (x instanceof Error ? x.message : String(x))).join(' ')}`,
      );
  return {
    name,
    appendLine: (l: string) => void recorded.logs.push(l),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    show() {},
    dispose() {},
  };
}

export const vscode = {
  Uri,
  Position,
  Range,
  Selection: class extends Range {},
  EventEmitter,
  CodeLens: class {
    constructor(
      readonly range: Range,
      readonly command?: { title: string; command: string; arguments?: unknown[] },
    ) {}
  },
  Diagnostic: class {
    source?: string;
    constructor(
      readonly range: Range,
      readonly message: string,
      readonly severity: number,
    ) {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  MarkdownString: class {
    value = '';
    appendText(text: string) {
      this.value += text;
      return this;
    }
  },
  NotebookCellKind: { Markup: 1, Code: 2 },
  DecorationRangeBehavior: { OpenOpen: 0, ClosedClosed: 1, OpenClosed: 2, ClosedOpen: 3 },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  ProgressLocation: { Window: 10, Notification: 15 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
  l10n: { t: (message: string, ...args: unknown[]) => format(message, ...args) },
  env: {
    language: 'en',
    /** What the code copied last. */
    clipboard: {
      text: '',
      async writeText(text: string) {
        vscode.env.clipboard.text = text;
      },
    },
  },
  extensions: { getExtension: () => undefined },
  commands: {
    registerCommand(id: string, fn: Fn) {
      recorded.commands.set(id, fn);
      return { dispose: () => recorded.commands.delete(id) };
    },
    /** Recorded; a command registered through the fake also runs. */
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
    createDiagnosticCollection(_name?: string) {
      return {
        set: (uri: Uri, items?: { message: string; severity: number; range: Range }[]) =>
          items
            ? recorded.diagnostics.set(
                uri.fsPath,
                items.map((d) => ({ message: d.message, severity: d.severity, line: d.range.start.line })),
              )
            : recorded.diagnostics.delete(uri.fsPath),
        has: (uri: Uri) => recorded.diagnostics.has(uri.fsPath),
        delete: (uri: Uri) => recorded.diagnostics.delete(uri.fsPath),
        dispose() {},
      };
    },
  },
  window: {
    activeTextEditor: undefined as unknown,
    /** No editors are visible: decorations (the shape trace's) are made, and painted on none. */
    visibleTextEditors: [] as unknown[],
    onDidChangeVisibleTextEditors: noEvent,
    createTextEditorDecorationType: (_options: unknown) => ({ dispose() {} }),
    createWebviewPanel: (viewType: string, title: string, showOptions?: unknown, options?: object) =>
      createPanel(viewType, title, options, showOptions),
    /** The learner's active editor group (a test sets its column). */
    tabGroups: { activeTabGroup: { viewColumn: 1 as number | undefined } },
    registerWebviewPanelSerializer(viewType: string, s: unknown) {
      recorded.serializers.set(viewType, s);
      return { dispose() {} };
    },
    createOutputChannel: (name: string, _options?: unknown) => outputChannel(name),
    registerUriHandler(handler: { handleUri: Fn }) {
      recorded.uriHandlers.push(handler);
      return { dispose: () => recorded.uriHandlers.splice(recorded.uriHandlers.indexOf(handler), 1) };
    },
    showQuickPick: async (items: unknown[] | Promise<unknown[]>) => answer(await items),
    showWorkspaceFolderPick: async () => answer([]),
    showSaveDialog: async (_options?: unknown) => answer([]),
    showOpenDialog: async (_options?: unknown) => answer([]),
    showInformationMessage: async (text: string, ...rest: unknown[]) => (message('info', text, rest), undefined),
    showWarningMessage: async (text: string, ...rest: unknown[]) => (
      message('warning', text, rest), answer(buttons(rest))
    ),
    showErrorMessage: async (text: string, ...rest: unknown[]) => (message('error', text, rest), undefined),
    /** Records the file; the editor it returns takes a selection and reveals nothing. */
    showTextDocument: async (uri: Uri, _options?: unknown) => {
      recorded.shownDocuments.push(uri.fsPath);
      return { document: undefined as unknown, selection: undefined as unknown, revealRange() {} };
    },
    withProgress: async (_o: unknown, task: Fn) =>
      task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: noEvent }),
  },
  workspace: {
    isTrusted: true,
    workspaceFolders: undefined as { uri: Uri; name: string }[] | undefined,
    textDocuments: [] as ReturnType<typeof textDocument>[],
    notebookDocuments: [] as unknown[],
    onDidGrantWorkspaceTrust: noEvent,
    onDidChangeConfiguration: noEvent,
    onDidChangeTextDocument: noEvent,
    asRelativePath: (u: Uri) => basename(u.fsPath),
    getConfiguration: (section?: string, _scope?: unknown) => ({
      get<T>(key: string, fallback?: T): T | undefined {
        const id = section ? `${section}.${key}` : key;
        return id in recorded.config ? (recorded.config[id] as T) : fallback;
      },
    }),
    getWorkspaceFolder: (_uri: Uri) => undefined,
    openTextDocument: async (u: Uri) => textDocument(u, readFileSync(u.fsPath, 'utf8')),
    // Synchronous underneath, so a file a test sees exists is already whole.
    fs: {
      // vscode.FileStat: type is File (1), Directory (2), or Unknown (0) for FIFOs and devices.
      stat: async (u: Uri) => {
        const s = statSync(u.fsPath);
        return { type: s.isFile() ? 1 : s.isDirectory() ? 2 : 0, size: s.size, ctime: s.ctimeMs, mtime: s.mtimeMs };
      },
      readFile: async (u: Uri) => new Uint8Array(readFileSync(u.fsPath)),
      writeFile: async (u: Uri, data: Uint8Array) => {
        mkdirSync(dirname(u.fsPath), { recursive: true });
        writeFileSync(u.fsPath, data);
      },
      readDirectory: async (u: Uri) => readdirSync(u.fsPath).map((n) => [n, 1] as [string, number]),
      createDirectory: async (u: Uri) => void mkdirSync(u.fsPath, { recursive: true }),
      copy: async (from: Uri, to: Uri) => copyFileSync(from.fsPath, to.fsPath),
    },
  },
};

/** The newest panel: the one the code under test opened last. */
/** The ExtensionContext a panel needs: the extension at `root`, its storage in `dir`. */
export function fakeContext(root: string, dir: string) {
  return {
    extensionUri: Uri.file(root),
    extensionPath: root,
    storageUri: Uri.file(join(dir, 'storage')),
    globalStorageUri: Uri.file(join(dir, 'global')),
    subscriptions: [] as Disposable[],
  };
}

export function lastPanel(): FakePanel {
  const panel = recorded.panels.at(-1);
  if (!panel) throw new Error('no webview panel was created');
  return panel;
}

/** What was posted to the newest panel (an empty list before there is one). */
export function posted(): unknown[] {
  return recorded.panels.at(-1)?.webview.posted ?? [];
}

/** Resolves with the first message posted to the newest panel (from index `from`) that matches; fails after `ms`. */
export async function waitForPosted<M = { type?: string; [k: string]: unknown }>(
  match: (m: M) => boolean,
  { from = 0, ms = 15_000 } = {},
): Promise<M> {
  const until = Date.now() + ms;
  for (;;) {
    const hit = (posted().slice(from) as M[]).find(match);
    if (hit) return hit;
    if (Date.now() > until)
      throw new Error(
        `no matching message posted within ${ms} ms; got ${JSON.stringify(posted().map((p) => (p as { type?: string }).type))}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

let installed = false;
/** From now on require('vscode') returns the fake: call it before the code under test is loaded. */
export function install(): void {
  if (installed) return;
  installed = true;
  const mod = Module as unknown as { _load: Fn };
  const load = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
}

/** Between tests: forgets what was recorded and answered, and restores trust, settings, folders and language. Registrations and panels stay. */
export function reset(): void {
  recorded.executed.length = 0;
  recorded.messages.length = 0;
  recorded.shownDocuments.length = 0;
  recorded.logs.length = 0;
  recorded.answers.length = 0;
  recorded.diagnostics.clear();
  recorded.config = {};
  vscode.workspace.isTrusted = true;
  vscode.workspace.workspaceFolders = undefined;
  vscode.window.activeTextEditor = undefined;
  vscode.env.language = 'en';
}
