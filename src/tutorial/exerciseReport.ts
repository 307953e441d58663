/** The words of a check result, for the output channel, the Problems panel and notifications. No vscode import. */
import { EXERCISE_STRINGS as S } from './exerciseStrings';
import type { Message, Verdict, VerdictStatus } from './exerciseVerdict';
import { format } from '../util/text';
import { numpyMissing, pythonMissing } from '../gradcheck/analysis/errors';
import type { RunFailure } from './exerciseRunner';

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

/** Why no check could run at all (no Python, no numpy, a file that does not load, a loop that never ends). */
export function runFailureText(t: Translate, f: RunFailure, pythonHint: string): string {
  switch (f.kind) {
    case 'pythonMissing': {
      const m = pythonMissing(`${f.python}: ${f.message}`, pythonHint);
      return t(m.text, ...m.args);
    }
    case 'numpyMissing': {
      const m = numpyMissing(f.python, f.version, pythonHint);
      return t(m.text, ...m.args);
    }
    case 'timeout':
      return t('The check was stopped after {0} s. Look for a loop in your file that never ends.', f.seconds);
    case 'load':
      return f.error.line
        ? t(
            'Your file could not be loaded: {0}: {1} (line {2}). Fix that line and check again.',
            f.error.type,
            f.error.message,
            f.error.line,
          )
        : t('Your file could not be loaded: {0}: {1}. Fix it and check again.', f.error.type, f.error.message);
    case 'crashed':
      return t('The check could not run: {0}', f.message);
  }
}
