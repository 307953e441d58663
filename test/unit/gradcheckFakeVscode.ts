/**
 * Just enough of the `vscode` API for the gradient check's panel and command to run in plain
 * Node: a webview panel that records what it is sent, a diagnostics collection, configuration,
 * trust, quick picks and messages that tests can script. Installed in place of the real module.
 */
import Module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FakeState {
  trusted: boolean;
  posted: unknown[];
  html: string;
  receive?: (m: unknown) => void;
  disposePanel?: () => void;
  warnings: string[];
  infos: string[];
  logged: string[];
  quickPicks: ((items: { label: string }[]) => unknown)[];
  executed: string[];
  commands: Map<string, (...args: unknown[]) => unknown>;
  config: Record<string, unknown>;
  diagnostics: Map<string, { message: string; line: number }[]>;
}

export const fake: FakeState = {
  trusted: true, posted: [], html: '', warnings: [], infos: [], logged: [], quickPicks: [], executed: [], commands: new Map(), config: {}, diagnostics: new Map(),
};

class Uri {
  constructor(readonly fsPath: string) {}
  static file(p: string) {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]) {
    return new Uri([base.fsPath, ...parts].join('/'));
  }
  toString() {
    return pathToFileURL(this.fsPath).toString();
  }
  static parse(s: string) {
    return new Uri(fileURLToPath(s));
  }
}

class Position {
  constructor(readonly line: number, readonly character: number) {}
}
class Range {
  constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number, readonly endCharacter: number) {}
}
class Diagnostic {
  source?: string;
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}
class EventEmitter<T> {
  private handlers: ((v: T) => void)[] = [];
  event = (h: (v: T) => void) => {
    this.handlers.push(h);
    return { dispose() {} };
  };
  fire(v: T) {
    for (const h of this.handlers) h(v);
  }
  dispose() {}
}

const format = (text: string, ...args: unknown[]) => text.replace(/\{(\d+)\}/g, (all, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : all));

export const vscodeFake = {
  Uri, Position, Range, Diagnostic, EventEmitter,
  Selection: class extends Range {},
  CodeLens: class {
    constructor(readonly range: Range, readonly command: unknown) {}
  },
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  DiagnosticSeverity: { Error: 0 },
  ProgressLocation: { Window: 10 },
  TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
  l10n: { t: (text: string, ...args: unknown[]) => format(text, ...args) },
  env: { language: 'en' },
  extensions: { getExtension: () => undefined },
  workspace: {
    get isTrusted() {
      return fake.trusted;
    },
    textDocuments: [] as unknown[],
    getConfiguration: () => ({ get: <T>(key: string, d?: T) => (key in fake.config ? (fake.config[key] as T) : d) }),
    getWorkspaceFolder: () => undefined,
    asRelativePath: (u: Uri) => u.fsPath,
    openTextDocument: async (u: Uri) => ({ uri: u, fileName: u.fsPath, languageId: 'python', getText: () => require('node:fs').readFileSync(u.fsPath, 'utf8'), version: 1 }),
    onDidGrantWorkspaceTrust: () => ({ dispose() {} }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
    onDidChangeTextDocument: () => ({ dispose() {} }),
  },
  languages: {
    registerCodeLensProvider: () => ({ dispose() {} }),
    createDiagnosticCollection: () => ({
      set: (u: Uri, ds: Diagnostic[]) => fake.diagnostics.set(u.fsPath, ds.map((d) => ({ message: d.message, line: d.range.startLine }))),
      delete: (u: Uri) => fake.diagnostics.delete(u.fsPath),
      has: (u: Uri) => fake.diagnostics.has(u.fsPath),
      dispose() {},
    }),
  },
  commands: {
    registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
      fake.commands.set(id, fn);
      return { dispose() {} };
    },
    executeCommand: async (id: string) => void fake.executed.push(id),
  },
  window: {
    activeTextEditor: undefined as unknown,
    createOutputChannel: () => ({ warn: (m: string) => fake.logged.push(m), error: (m: string) => fake.logged.push(m), info() {} }),
    showWarningMessage: async (m: string, ...items: string[]) => {
      fake.warnings.push(m);
      return items[0];
    },
    showInformationMessage: async (m: string) => void fake.infos.push(m),
    showQuickPick: async (items: { label: string }[]) => fake.quickPicks.shift()?.(items),
    withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
    showTextDocument: async () => ({ selection: undefined, revealRange() {} }),
    registerWebviewPanelSerializer: () => ({ dispose() {} }),
    createWebviewPanel: () => {
      const panel = {
        title: '',
        webview: {
          cspSource: 'vscode-resource:',
          options: {},
          asWebviewUri: (u: Uri) => u,
          set html(h: string) {
            fake.html = h;
          },
          postMessage: async (m: unknown) => void fake.posted.push(m),
          onDidReceiveMessage: (h: (m: unknown) => void) => {
            fake.receive = h;
            return { dispose() {} };
          },
        },
        reveal() {},
        onDidDispose: (h: () => void) => {
          fake.disposePanel = h;
          return { dispose() {} };
        },
      };
      return panel;
    },
  },
};

/** Makes require('vscode') return the fake, for modules loaded after this call. */
export function installFakeVscode(): void {
  const m = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = m._load;
  m._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscodeFake : original.call(this, request, ...rest);
  };
}

/** Resolves when a posted message matches, or fails after `ms`. */
export async function waitForPosted(match: (m: { type?: string }) => boolean, ms = 15_000): Promise<{ type?: string; [k: string]: unknown }> {
  const until = Date.now() + ms;
  for (;;) {
    const hit = (fake.posted as { type?: string }[]).find(match);
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no matching message posted; got ${JSON.stringify(fake.posted.map((p) => (p as { type: string }).type))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
