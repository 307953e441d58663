/**
 * Translated messages for the headless CLI, which has no vscode.l10n: the language comes from
 * the environment the way gettext reads it (LC_ALL, then LC_MESSAGES, then LANG), and the text
 * from the same merged bundle the extension ships (dist/l10n/bundle.l10n.<lang>.json), keyed by
 * the English message. English, or a message without a translation, prints as written.
 * Usage: `import { cliT } from '../l10n/cli'; cliT('Done ({0})', reason)`.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { format } from '../util/text';

export type Bundle = Record<string, string>;
export type Translate = (message: string, ...args: (string | number)[]) => string;

/** "ko" for LANG=ko_KR.UTF-8; undefined for English, C and POSIX (no translation needed). */
export function cliLanguage(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const lang = value.match(/^([A-Za-z]{2,3})(?:[_.@-]|$)/)?.[1].toLowerCase();
  return lang && lang !== 'en' ? lang : undefined;
}

/** The bundle for `lang` in `dir`, or undefined when there is none (or it is unreadable). */
export function loadBundle(dir: string, lang: string | undefined): Bundle | undefined {
  if (!lang || !/^[a-z]{2,3}$/.test(lang)) return undefined;
  const file = join(dir, `bundle.l10n.${lang}.json`);
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Bundle) : undefined;
  } catch {
    return undefined;
  }
}

/** Like vscode.l10n.t: look the English message up, then fill in {0}, {1}, … */
export function translator(bundle: Bundle | undefined): Translate {
  return (message, ...args) => {
    const text = bundle && typeof bundle[message] === 'string' ? bundle[message] : message;
    return format(text, ...args);
  };
}

let cached: Translate | undefined;

/** The CLI's translator: dist/cli.js sits next to dist/l10n/. */
export const cliT: Translate = (message, ...args) =>
  (cached ??= translator(loadBundle(join(__dirname, 'l10n'), cliLanguage())))(message, ...args);
