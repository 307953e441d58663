/**
 * Drives the VS Code workbench in Debian's Chromium the way a person does: the command palette,
 * the keyboard, context menus, CodeLens, notifications, and clicks inside webviews (an iframe in an
 * iframe). Selectors are VS Code's own DOM classes and ARIA labels.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { CHROMIUM_SWITCHES } from '../../browser/chromium';
import type { CodeServer } from './codeServer';
import { RESULTS_DIR, toolchain } from './toolchain';

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  if (browser) return browser;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: toolchain().chromium,
    // The workbench's many frames outgrow a small /dev/shm in containers.
    args: [...CHROMIUM_SWITCHES, '--disable-dev-shm-usage'],
  });
  return browser;
}

/** Screenshots every open page (called from after(): the last state explains a failure), then closes the browser. */
export async function closeBrowser(name?: string): Promise<void> {
  if (name && browser) {
    for (const [i, page] of browser
      .contexts()
      .flatMap((c) => c.pages())
      .entries()) {
      await screenshot(page, `${name}-last${i ? `-${i}` : ''}`).catch(() => undefined);
    }
  }
  await browser?.close();
  browser = undefined;
}

export interface Workbench {
  page: Page;
  server: CodeServer;
  /** Console errors of the workbench page (for diagnosis in failure messages). */
  consoleErrors: string[];
}

/** Opens the workspace in a new page and waits until the workbench is up. */
export async function openWorkbench(server: CodeServer, url = server.url): Promise<Workbench> {
  const b = await launchBrowser();
  const page = await b.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 500));
  });
  // The workbench's first load serves a few hundred scripts: on a busy 2-core machine it can take longer
  // than playwright's default 30 s, so it gets the same 90 s as the waits after it.
  await page.goto(url, { timeout: 90_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The explorer shows the folder once the remote connection is up.
  await page.waitForSelector('.explorer-folders-view, .explorer-viewlet', { timeout: 90_000 });
  return { page, server, consoleErrors };
}

/** The command palette's entries for a query (their ARIA labels), once at least one matches `expect`. */
export async function paletteEntries(
  page: Page,
  query: string,
  expect: RegExp = /./,
  timeoutMs = 60_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: string[] = [];
  // Contributed commands appear once the extension host has read the manifests: retype until then.
  while (Date.now() < deadline) {
    await openPalette(page);
    await page.fill('.quick-input-widget input', `>${query}`);
    await page.waitForTimeout(600);
    rows = await page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (els) =>
      els.map((e) => e.getAttribute('aria-label') ?? ''),
    );
    if (rows.some((r) => expect.test(r))) break;
    await closeQuickInput(page);
    await page.waitForTimeout(1000);
  }
  await closeQuickInput(page);
  return rows;
}

async function openPalette(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    // Whatever quick input is showing — Go to Line, Quick Open, or the palette still fading out
    // after a pick (visible a moment longer, then hidden) — is closed first, so F1 opens a fresh one.
    if (await widget.isVisible().catch(() => false)) await closeQuickInput(page);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      if (await widget.isVisible()) return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

/** Escape, then wait until the quick input is really gone (it fades out). */
export async function closeQuickInput(page: Page): Promise<void> {
  // No Escape when nothing is open: it would reach whatever has focus (an editor, a webview).
  if (
    !(await page
      .locator('.quick-input-widget')
      .isVisible()
      .catch(() => false))
  )
    return;
  await page.keyboard.press('Escape');
  await page
    .locator('.quick-input-widget')
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
}

/** Runs a command by its palette title ("Gradient Lab: Train TwoLayerNet"), pressing Enter on the exact entry. */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exact = new RegExp(`^${escaped}(,|$)`);
  while (Date.now() < deadline) {
    // The palette closes when it loses focus — to a page still moving focus as it opens (the
    // Welcome page opening a walkthrough, a webview that has just been revealed). Whenever it
    // has closed under us, nothing ran: open it and try again.
    try {
      await openPalette(page);
      await page.fill('.quick-input-widget input', `>${title}`, { timeout: 5_000 });
      await page.waitForTimeout(500);
      const labels = await page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (els) =>
        els.map((e) => e.getAttribute('aria-label') ?? ''),
      );
      const index = labels.findIndex((l) => exact.test(l));
      if (index >= 0) {
        // A click, not Enter: if focus had slipped into a webview, Enter would press its focused button.
        await page
          .locator('.quick-input-widget .quick-input-list .monaco-list-row')
          .nth(index)
          .click({ timeout: 5_000 });
        return;
      }
    } catch {
      /* closed under us: try again */
    }
    await closeQuickInput(page);
    await page.waitForTimeout(1000);
  }
  const shot = await screenshot(page, `failed-runCommand-${title.replace(/[^\w]+/g, '-')}`);
  throw new Error(`The command palette never offered "${title}" (screenshot ${shot})`);
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  return page.$$eval('.notifications-toasts .notification-list-item-message', (els) =>
    els.map((e) => (e.textContent ?? '').trim()),
  );
}

/** Waits for a notification whose text matches. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = await notifications(page);
    const hit = seen.find((t) => pattern.test(t));
    if (hit) return hit;
    await page.waitForTimeout(300);
  }
  throw new Error(`No notification matched ${pattern}; shown: ${JSON.stringify(seen)}`);
}

/**
 * The frame of a webview whose document has `selector` (webview content lives in an iframe inside
 * the webview host's iframe). Polls until it appears.
 */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // a frame navigated away while we looked
      }
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`No webview showed ${selector} within ${timeoutMs / 1000} s`);
}

/** The editor tabs' labels. */
export async function tabTitles(page: Page): Promise<string[]> {
  return page.$$eval('.tabs-container .tab', (els) =>
    els.map((e) => e.getAttribute('aria-label') ?? (e.textContent ?? '').trim()),
  );
}

/** Opens a workspace file through Quick Open (Ctrl+P), as a person would. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.fill('.quick-input-widget input', relativePath);
  await page.waitForSelector(
    `.quick-input-widget .quick-input-list .monaco-list-row[aria-label*="${relativePath.split('/').pop()}"]`,
    { timeout: 20_000 },
  );
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  const tab = page.locator(`.tabs-container .tab[aria-label*="${relativePath.split('/').pop()}"]`).first();
  await tab.waitFor({ timeout: 20_000 });
  // Its text, shown: the first editor in the page may be a hidden one (another group's, a walkthrough's).
  const shown = page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first();
  try {
    await shown.waitFor({ timeout: 20_000 });
  } catch {
    // The tab opened behind another editor (a group that took the focus back): bring it forward.
    await screenshot(page, `openFile-not-shown-${relativePath.replace(/[^\w.]+/g, '-')}`);
    await tab.click();
    await shown.waitFor({ timeout: 20_000 });
  }
}

/** Moves the cursor to a 1-based line with Go to Line (Ctrl+G). */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.editor-instance .monaco-editor .view-lines').filter({ visible: true }).first().click();
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Switches the colour theme as a person does: Preferences: Color Theme, type the name, Enter. */
export async function setTheme(wb: Workbench, theme: 'light' | 'dark'): Promise<void> {
  const name = theme === 'light' ? 'Light Modern' : 'Dark Modern';
  await runCommand(wb.page, 'Preferences: Color Theme');
  await wb.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await wb.page.fill('.quick-input-widget input', name);
  await wb.page
    .locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${name}"]`)
    .first()
    .click({ timeout: 10_000 });
  await wb.page.waitForSelector(theme === 'light' ? '.monaco-workbench.vs' : '.monaco-workbench.vs-dark', {
    timeout: 30_000,
  });
  await closeQuickInput(wb.page);
  await wb.page.waitForTimeout(800);
}

/** Saves a screenshot under test-results/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Writes text into the results folder (logs that explain a failure). */
export function saveText(name: string, text: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, name);
  writeFileSync(path, text);
  return path;
}

/** What a canvas shows: how many pixels are painted and a checksum of them (changes when it redraws differently). */
export async function canvasSignature(frame: Frame, selector: string): Promise<{ painted: number; checksum: number }> {
  return frame.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let checksum = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] !== 0) painted++;
      checksum = (checksum * 31 + d[i] * 3 + d[i + 1] * 5 + d[i + 2] * 7 + d[i + 3]) % 2147483647;
    }
    return { painted, checksum };
  });
}

/** Polls `read` until `ok` holds, or fails with the last value seen. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) {
      last = (e instanceof Error ? `error: ${e.message}` : e) as T;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** Right-clicks the editor line that shows `lineText` and picks `item` from VS Code's context menu. */
export async function editorContextMenu(page: Page, lineText: string, item: string): Promise<void> {
  const line = page.locator('.editor-instance .view-line', { hasText: lineText }).first();
  await line.waitFor({ state: 'visible', timeout: 20_000 });
  await line.click({ button: 'right' });
  // The menu lives in a shadow root; role selectors pierce it.
  const entry = page.getByRole('menuitem', { name: item, exact: true });
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  await entry.click();
}

/** Clicks the index-th CodeLens titled `title` in the active editor (they appear once the provider answered). */
export async function clickCodeLens(page: Page, title: string, index = 0): Promise<void> {
  const lens = page.locator('.editor-instance .codelens-decoration a', { hasText: title }).nth(index);
  await lens.waitFor({ state: 'visible', timeout: 30_000 });
  await lens.click();
}

/** Closes every editor (panels included) through the palette. */
export async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await page.waitForFunction(() => document.querySelectorAll('.tabs-container .tab').length === 0, undefined, {
    timeout: 10_000,
  });
}

/** The Problems view's entries (ARIA labels: message, source, line), opened with Ctrl+Shift+M. */
export async function problems(page: Page): Promise<string[]> {
  if (
    !(await page
      .locator('.markers-panel')
      .isVisible()
      .catch(() => false))
  )
    await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
  return page.$$eval('.markers-panel .monaco-list-row', (rows) =>
    rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''),
  );
}

/** The one Gradient Lab error in the Problems view (a syntax error), once it is there; fails if there are more. */
export async function ourOneProblem(page: Page): Promise<string> {
  const rows = await until(
    'the syntax error in the Problems view',
    () => problems(page),
    (r) => r.some((x) => /Gradient Lab/.test(x)),
    20_000,
  );
  const ours = rows.filter((x) => /Gradient Lab/.test(x));
  if (ours.length !== 1) throw new Error(`one Gradient Lab problem expected, the view shows ${JSON.stringify(rows)}`);
  return ours[0];
}
