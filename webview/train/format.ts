/**
 * Numbers and durations as the panel shows them, in VS Code's display language (the page's
 * <html lang>, set from vscode.env.language) — never the browser's locale, which can differ.
 */
import { format } from '../shared/l10n';
import { S } from './strings';

function displayLanguage(): string {
  const lang = typeof document !== 'undefined' ? document.documentElement.lang : '';
  try {
    return lang ? (Intl.NumberFormat.supportedLocalesOf([lang])[0] ?? 'en') : 'en';
  } catch {
    return 'en';
  }
}

/** The language numbers are written in (also given to chart.js for its ticks). */
export const LANG = displayLanguage();

const integers = new Intl.NumberFormat(LANG, { maximumFractionDigits: 0 });
const fixed = new Map<number, Intl.NumberFormat>();

/** x with exactly `digits` decimals, grouped the display language's way. */
export function decimal(x: number, digits: number): string {
  let f = fixed.get(digits);
  if (!f) {
    f = new Intl.NumberFormat(LANG, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixed.set(digits, f);
  }
  return f.format(x);
}

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${decimal(x * 100, 2)}%`;
}

export function sci(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

/** m:ss for an ETA. */
export function clock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`
    : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A long duration in the unit that reads best: 31 s, 5.2 min, 3.6 h, 3.6 days. */
export function duration(seconds: number): string {
  const one = (v: number) => (v >= 10 ? integer(Math.round(v)) : decimal(v, 1));
  if (seconds < 90) return format(S.durSeconds, one(seconds));
  if (seconds < 90 * 60) return format(S.durMinutes, one(seconds / 60));
  if (seconds < 36 * 3600) return format(S.durHours, one(seconds / 3600));
  return format(S.durDays, one(seconds / 86400));
}

export function integer(n: number): string {
  return integers.format(n);
}
