/**
 * Renders a built webview page (dist/webview/<page>.js) in headless Debian Chromium through
 * playwright-core, the way VS Code would host it: the same body classes, --vscode-* colours,
 * injected strings and start data, and messages from the "extension" via window.postMessage.
 * What the page posts back is collected in window.__glPosted (see webview/shared/vscode.ts).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type Theme = 'light' | 'dark' | 'high-contrast';

/**
 * VS Code's four built-in default themes with the very colours a webview gets in them (read from a
 * running code-server: test/fixtures/themes/vscode-themes.json), for checks that depend on the
 * theme's real values, such as text contrast.
 */
export const VSCODE_THEMES = ['Light Modern', 'Dark Modern', 'Dark High Contrast', 'Light High Contrast'] as const;
export type VscodeTheme = (typeof VSCODE_THEMES)[number];

type ThemeColours = { bodyClass: string; vars: Record<string, string> };

function vscodeTheme(name: VscodeTheme): ThemeColours {
  const file = join(ROOT, 'test', 'fixtures', 'themes', 'vscode-themes.json');
  return (JSON.parse(readFileSync(file, 'utf8')).themes as Record<VscodeTheme, ThemeColours>)[name];
}

/** VS Code's default fonts, the same in every theme. */
const FONTS = {
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace',
  '--vscode-editor-font-size': '13px',
};
/** The chart colours of the dark and the high-contrast themes. */
const DARK_CHARTS = {
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
};

const THEMES: Record<Theme, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#616161',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-editorWidget-background': '#f3f3f3',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-border': '#cecece',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-errorForeground': '#e51400',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-yellow': '#bf8803',
      ...FONTS,
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-background': '#313131',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-errorForeground': '#f85149',
      '--vscode-textLink-foreground': '#4daafc',
      ...DARK_CHARTS,
      ...FONTS,
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-background': '#000000',
      '--vscode-button-border': '#6fc3df',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-background': '#000000',
      '--vscode-input-border': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-errorForeground': '#f48771',
      '--vscode-textLink-foreground': '#21a6ff',
      ...DARK_CHARTS,
      ...FONTS,
    },
  },
};

export interface PageSpec {
  /** dist/webview/<page>.js */
  page: string;
  /** Stylesheets under dist/webview (default: shared/base.css plus <page>/<page>.css if present). */
  styles?: string[];
  strings?: Record<string, string>;
  data?: unknown;
  theme?: Theme | VscodeTheme;
  width?: number;
  height?: number;
  /** The page's <html lang>: VS Code's display language (renderPage sets it from vscode.env.language). */
  lang?: string;
  /** The browser's own locale, which may differ from VS Code's display language. */
  locale?: string;
  /** Runs before navigation, e.g. page.addInitScript for a measurement. */
  beforeLoad?: (page: Page) => Promise<void>;
}

/** Debian's Chromium, headless here: without the network switches it keeps calling out into a network that is closed. */
export const CHROMIUM_SWITCHES = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browser: Browser | undefined;

export async function launch(): Promise<Browser> {
  if (browser) return browser;
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_SWITCHES,
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** Writes the page's HTML next to nothing in particular (a temp dir) and opens it from file://. */
export async function openPage(spec: PageSpec): Promise<Page> {
  const b = await launch();
  const name = spec.theme ?? 'dark';
  const theme = name in THEMES ? THEMES[name as Theme] : vscodeTheme(name as VscodeTheme);
  const web = join(ROOT, 'dist', 'webview');
  const own = join(web, spec.page, `${spec.page}.css`);
  const styles = spec.styles ?? ['shared/base.css', ...(existsSync(own) ? [`${spec.page}/${spec.page}.css`] : [])];
  const css = styles.map((s) => readFileSync(join(web, s), 'utf8')).join('\n');
  const vars = Object.entries(theme.vars)
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  const json = (v: unknown) => JSON.stringify(v ?? null).replace(/</g, '\\u003c');
  const lang = spec.lang ? ` lang="${spec.lang}"` : '';
  const html = `<!DOCTYPE html><html${lang}><head><meta charset="UTF-8"><style>html { ${vars} }\n${css}</style></head>
<body class="${theme.bodyClass}">
<script type="application/json" id="gl-strings">${json(spec.strings ?? {})}</script>
<script type="application/json" id="gl-data">${json(spec.data)}</script>
<main id="app"></main>
<script>${readFileSync(join(web, `${spec.page}.js`), 'utf8').replace(/<\/script/gi, '<\\/script')}</script>
</body></html>`;
  const dir = mkdtempSync(join(tmpdir(), 'gl-page-'));
  const file = join(dir, 'index.html');
  writeFileSync(file, html);
  const viewport = { width: spec.width ?? 1100, height: spec.height ?? 900 };
  const page = await b.newPage({ viewport, ...(spec.locale ? { locale: spec.locale } : {}) });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { glErrors: string[] }).glErrors = errors;
  await spec.beforeLoad?.(page);
  await page.goto(`file://${file}`);
  return page;
}

/** Errors the page threw (uncaught), for asserting a clean render. */
export function pageErrors(page: Page): string[] {
  return (page as unknown as { glErrors: string[] }).glErrors;
}

/** Sends messages as the extension would (panel.webview.postMessage). */
export async function sendMessages(page: Page, messages: unknown[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
}

/** What the page posted to the extension so far. */
export async function posted(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __glPosted: unknown[] }).__glPosted ?? []);
}

/** Counts canvas pixels that are not fully transparent: proof that a chart drew. */
export async function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
}

/** How many pixels of the first `selector` canvas are near a colour (#rrggbb or [r, g, b]): proof something was drawn in it. */
export async function pixelsNear(
  page: Page,
  color: string | number[],
  tolerance = 40,
  selector = 'canvas',
): Promise<number> {
  const rgb = typeof color === 'string' ? [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) : color;
  return page.$eval(
    selector,
    (el, [c, tol]) => {
      const cv = el as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i + 3] > 200 && Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) < tol) n++;
      return n;
    },
    [rgb, tolerance] as [number[], number],
  );
}

export const RESULTS_DIR = join(ROOT, 'test-results');

/**
 * Where the README's screenshots go: test-results/screenshots on every run (a test never edits
 * tracked files), media/screenshots when refreshing them with UPDATE_SCREENSHOTS=1.
 */
export const SHOTS_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, 'media', 'screenshots')
  : join(RESULTS_DIR, 'screenshots');
