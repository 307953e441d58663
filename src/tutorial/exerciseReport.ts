/** The words of a check result, for the output channel, the Problems panel and notifications. No vscode import. */
import { EXERCISE_STRINGS as S } from './exerciseStrings';
import type { Message, Verdict, VerdictStatus } from './exerciseVerdict';
import { format } from '../util/text';

/** vscode.l10n.t in the extension; a plain {0}-formatter in tests. */
export type Translate = (template: string, ...args: (string | number)[]) => string;

export function say(t: Translate, m: Message | undefined): string {
  return m ? t(m.key, ...m.args) : '';
}

const MARK: Record<VerdictStatus, string> = { pass: '✓', fail: '✗', error: '✗', todo: '○', missing: '✗' };

/** "✗ cross_entropy_error — a batch of …: expected 1.40…, got 2.81…" and the hint on the next line. */
export function verdictLines(t: Translate, v: Verdict, fn: string): string[] {
  const where = v.line ? ` (${t(S.line, v.line)})` : '';
  const lines = [`${MARK[v.status]} ${fn} — ${say(t, v.label)}: ${say(t, v.detail)}${where}`];
  if (v.hint && v.status !== 'pass') lines.push(`    ${say(t, v.hint)}`);
  return lines;
}

/** One Problems-panel entry: what failed and what to try, in one line. */
export function diagnosticText(t: Translate, v: Verdict, fn: string): string {
  const hint = v.hint ? ` ${say(t, v.hint)}` : '';
  return `${fn} — ${say(t, v.label)}: ${say(t, v.detail)}.${hint}`;
}

export const formatTemplate = format;
