/**
 * Human text from the checker as templates with arguments, like vscode.l10n.t('... {0}', a):
 * the extension translates the template (src/l10n/ko/gradcheck.json), the CLI prints English.
 * Arguments are preformatted strings, so numbers read the same in every language.
 */
import { format } from '../../util/text';

export interface Msg {
  text: string;
  args: string[];
}

export function msg(text: string, ...args: (string | number)[]): Msg {
  return { text, args: args.map((a) => (typeof a === 'number' ? fmt(a) : a)) };
}

/** Fills in {0}, {1}, ... (what vscode.l10n.t does after translating). */
export function formatMsg(m: Msg, translate: (text: string) => string = (t) => t): string {
  return format(translate(m.text), ...m.args);
}

/** A number as a learner reads it: 4 significant digits, exponent form when very small or large. */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return '0';
  const a = Math.abs(v);
  // 1.00e-4 reads as 1e-4; 2.17e-13 keeps its digits.
  if (a < 1e-3 || a >= 1e6)
    return v
      .toExponential(2)
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** (2, 3) — Python's way of writing a shape, which both languages' learners recognise. */
export function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** x[1, 2] for an element of a matrix, x[3] for a vector, x for a scalar. */
export function elementText(name: string, position: number[]): string {
  return position.length ? `${name}[${position.join(', ')}]` : name;
}
