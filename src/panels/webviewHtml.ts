import * as vscode from 'vscode';
import { randomBytes } from 'crypto';
import { errorMessage } from '../util/text';

export interface PageOptions {
  /** The bundle dist/webview/<page>.js and optional dist/webview/<page>/*.css. */
  page: string;
  title: string;
  /** UI strings already translated with vscode.l10n.t, read by webview/shared/l10n.ts. */
  strings?: Record<string, string>;
  /** Anything else the page needs at start (read by webview/shared/l10n.ts `initialData`). */
  data?: unknown;
  /** Stylesheets under dist/webview, e.g. ['shared/base.css', 'train/train.css']. */
  styles?: string[];
  /** Extra CSP img-src (e.g. 'data:' for canvas exports). */
  allowDataImages?: boolean;
}

export function nonce(): string {
  return randomBytes(16).toString('base64');
}

/** The roots a page may load from: only the built webview bundles and the media folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON that is safe inside a <script type="application/json"> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v ?? null).replace(/</g, '\\u003c');
}

/** A page with a strict CSP: nothing but this nonce's script and the extension's own styles/images. */
export function renderPage(webview: vscode.Webview, extensionUri: vscode.Uri, opts: PageOptions): string {
  const n = nonce();
  const uri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const styles = (opts.styles ?? ['shared/base.css'])
    .map((s) => `<link rel="stylesheet" href="${uri('dist', 'webview', ...s.split('/'))}">`)
    .join('\n    ');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}${opts.allowDataImages ? ' data: blob:' : ''}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeAttr(opts.title)}</title>
  </head>
  <body>
    <script type="application/json" id="gl-strings">${scriptJson(opts.strings ?? {})}</script>
    <script type="application/json" id="gl-data">${scriptJson(opts.data)}</script>
    <main id="app"></main>
    <script nonce="${n}" src="${uri('dist', 'webview', `${opts.page}.js`)}"></script>
  </body>
</html>`;
}

/** Translates a page's English string table with vscode.l10n.t (the keys stay, the values change). */
export function localize<T extends Record<string, string>>(table: T): T {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) out[k] = vscode.l10n.t(v);
  return out as T;
}

/**
 * A message from a page, parsed by its protocol's validator; a page is untrusted input, so one that
 * fails is dropped and `drop` logs why (undefined comes back).
 */
export function validated<T>(raw: unknown, parse: (raw: unknown) => T, drop: (why: string) => void): T | undefined {
  try {
    return parse(raw);
  } catch (e) {
    drop(errorMessage(e));
    return undefined;
  }
}
