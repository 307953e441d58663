/**
 * The two text helpers every environment shares (pure: the host, the workers, the CLI and the
 * webview pages import it).
 */

/** Replaces {0}, {1}, … with the arguments, as vscode.l10n.t does; a placeholder with no argument stays. */
export function format(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/**
 * What went wrong, as text, whatever was thrown: an Error's message (also one from another realm, a vm
 * context or a worker), else the value itself as a string (`throw 'x'`, `throw 42`, `throw undefined`).
 */
export function errorMessage(e: unknown): string {
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}
