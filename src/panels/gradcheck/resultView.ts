import type { CheckReport } from '../../gradcheck/check';
import { Msg, elementText, fmt, shapeText } from '../../gradcheck/analysis/messages';
import type { ResultView, RowView } from '../../protocol/gradcheck';
import { format } from '../../util/text';

/**
 * A check report as the panel shows it: every text translated with `t` (vscode.l10n.t in the
 * extension, identity in tests), every number formatted. Kept free of `vscode` so it is tested
 * in plain Node.
 */

export type Translate = (text: string, ...args: string[]) => string;

/** The English template with its arguments filled in (what vscode.l10n.t does without a translation). */
export const english: Translate = format;

const tr = (t: Translate, m: Msg) => t(m.text, ...m.args);

/** Rows sent to the page: the worst ones (the table can show all of them). */
export const MAX_ROWS = 500;

function rowViews(r: CheckReport): { rows: RowView[]; hasAnalytic: boolean } {
  const hasAnalytic = r.rows.some((row) => row.analytic !== null);
  const rows: RowView[] = (hasAnalytic ? r.rows : [...r.rows].sort((a, b) => a.index - b.index))
    .slice(0, MAX_ROWS)
    .map((row) => ({
      element: elementText(r.wrt, row.position),
      x: fmt(row.x),
      numerical: fmt(row.numerical),
      analytic: row.analytic === null ? '—' : fmt(row.analytic),
      absError: row.absError === null ? '—' : fmt(row.absError),
      relError: row.relError === null ? '—' : fmt(row.relError),
      ok: row.ok,
    }));
  return { rows, hasAnalytic };
}

export function toResultView(r: CheckReport, t: Translate): ResultView {
  const { rows, hasAnalytic } = rowViews(r);
  const e = r.errorVsH;
  const chart = e
    ? {
        element: elementText(r.wrt, e.position),
        hs: e.hs,
        forward: e.forward,
        central: e.central,
        caption:
          e.referenceKind === 'analytic'
            ? t(
                'Relative error at {0} against your gradient ({1}). The book uses h = 1e-4: below about 1e-8 rounding error grows, and h = 1e-50 would give 0.',
                elementText(r.wrt, e.position),
                fmt(e.reference),
              )
            : t(
                'Relative error at {0} against an extrapolated derivative ({1}), since your gradient disagrees or is absent. The book uses h = 1e-4: below about 1e-8 rounding error grows, and h = 1e-50 would give 0.',
                elementText(r.wrt, e.position),
                fmt(e.reference),
              ),
      }
    : null;
  const err = r.error;
  const location = err?.line
    ? {
        // In a notebook: "chapter4.ipynb, cell 3, line 5".
        label: err.cell
          ? t(
              '{0}, cell {1}, line {2}',
              (err.file ?? r.file).split(/[\\/]/).pop() ?? '',
              String(err.cell),
              String(err.line),
            )
          : t('{0}, line {1}', (err.file ?? r.file).split(/[\\/]/).pop() ?? '', String(err.line)),
        line: err.line,
        source: err.source,
      }
    : undefined;
  const recognised = r.recognised
    ? t(
        "Recognised as the book's {0}: {1} and {2} on its two examples, as the book gives ({3} and {4}).",
        r.recognised.kind === 'cross-entropy' ? t('cross entropy error') : t('sum of squares error'),
        fmt(r.recognised.values[0]),
        fmt(r.recognised.values[1]),
        fmt(r.recognised.expected[0]),
        fmt(r.recognised.expected[1]),
      )
    : undefined;
  const thresholds =
    r.verdict === 'error' || r.verdict === 'numerical-only'
      ? ''
      : t(
          'Pass: every element has relative error |a − n| / max(|a|, |n|) ≤ {0}, or |a − n| ≤ {1} (1e-8 · max(1, |f(x)|)); ≤ {2} everywhere is excellent. Numerical: central differences, h = {3}, float64.',
          fmt(r.thresholds.relative),
          fmt(r.thresholds.absoluteFloor),
          fmt(r.thresholds.excellent),
          fmt(r.h),
        );
  const stats =
    r.verdict === 'error' && !r.runtime
      ? ''
      : t(
          '{0} · {1} of {2} elements of {3} {4} · {5} evaluations · {6} ms',
          r.runtime ?? '',
          String(r.checked),
          String(r.total),
          r.wrt,
          shapeText(r.shape),
          String(r.evaluations),
          String(Math.round(r.elapsedMs)),
        );
  return {
    verdict: r.verdict,
    headline: tr(t, r.summary),
    messages: r.messages.map((m) => tr(t, m)),
    notes: r.notes?.map((m) => tr(t, m)),
    groups: r.groups?.map((g) => ({ wrt: g.wrt, verdict: g.verdict, headline: tr(t, g.summary), ...rowViews(g) })),
    codes: r.diagnosis,
    location,
    thresholds,
    recognised,
    rows,
    hasAnalytic,
    chart,
    stats,
  };
}
