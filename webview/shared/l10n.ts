/** Strings and start data the extension put in the page (see src/panels/webviewHtml.ts). */

function readJson(id: string): unknown {
  const el = document.getElementById(id);
  try {
    return el?.textContent ? JSON.parse(el.textContent) : undefined;
  } catch {
    return undefined;
  }
}

const injected = (readJson('gl-strings') ?? {}) as Record<string, string>;

/** The page's string table, translated where the extension provided a translation. */
export function strings<T extends Record<string, string>>(english: T): T {
  const out: Record<string, string> = { ...english };
  for (const k of Object.keys(english)) if (typeof injected[k] === 'string') out[k] = injected[k];
  return out as T;
}

/** Replaces {0}, {1}, … with the arguments, like vscode.l10n.t. */
export { format } from '../../src/util/text';

export function initialData<T>(): T | undefined {
  return readJson('gl-data') as T | undefined;
}
