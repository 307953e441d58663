/** The elements table: worst first, a ✓/✗ that is also said in words for screen readers. */
import type { GradcheckStrings, ResultView } from '../../src/protocol/gradcheck';
import { format } from '../shared/l10n';

/** Rows shown before "Show all". */
const FIRST_ROWS = 12;

export function renderTable(r: ResultView, S: GradcheckStrings): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const table = document.createElement('table');
  table.className = 'elements';
  const head = r.hasAnalytic
    ? [S.element, S.x, S.numerical, S.analytic, S.absError, S.relError, S.status]
    : [S.element, S.x, S.numerical];
  const thead = table.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    thead.append(th);
  }
  const body = table.createTBody();
  const fill = (count: number) => {
    body.replaceChildren();
    for (const row of r.rows.slice(0, count)) {
      const tr = body.insertRow();
      if (row.ok === false) tr.className = 'bad-row';
      const cells = r.hasAnalytic
        ? [row.element, row.x, row.numerical, row.analytic, row.absError, row.relError]
        : [row.element, row.x, row.numerical];
      cells.forEach((text, k) => {
        const td = tr.insertCell();
        td.textContent = text;
        if (k === 0) td.className = 'mono element';
      });
      if (r.hasAnalytic) {
        const td = tr.insertCell();
        td.className = row.ok ? 'ok' : row.ok === false ? 'bad' : '';
        td.textContent = row.ok ? '✓' : row.ok === false ? '✗' : '';
        td.setAttribute('aria-label', row.ok ? S.passes : row.ok === false ? S.fails : '');
      }
    }
  };
  fill(FIRST_ROWS);
  wrap.append(table);
  if (r.rows.length > FIRST_ROWS) {
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'secondary small';
    more.textContent = format(S.showAll, r.rows.length);
    more.addEventListener('click', () => {
      fill(r.rows.length);
      more.remove();
    });
    wrap.append(more);
  }
  return wrap;
}
