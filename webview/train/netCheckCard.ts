/** The "Check TwoLayerNet Gradients" card: numerical gradient vs backprop, one row per parameter group. */
import { format } from '../shared/l10n';
import type { NetCheckResult, TrainToWebview, Verdict } from '../../src/protocol/train';
import { parameterCount } from '../../src/protocol/train';
import { button, el } from '../shared/dom';
import { integer, sci } from './format';
import { badge } from './badge';
import { S } from './strings';

const VERDICT: Record<Verdict, { text: keyof typeof S; cls: string }> = {
  match: { text: 'verdictMatch', cls: 'ok' },
  close: { text: 'verdictClose', cls: 'warning' },
  mismatch: { text: 'verdictMismatch', cls: 'bad' },
};

export class NetCheckCard {
  readonly root: HTMLElement;
  private readonly intro = el('p');
  private readonly status = el('p', { role: 'status', 'aria-live': 'polite' });
  private readonly table = el('table', { class: 'netcheck' });
  private readonly batch: HTMLInputElement;
  private readonly again: HTMLButtonElement;

  constructor(run: (batchSize: number) => void) {
    this.batch = el('input', { type: 'number', min: 1, max: 100, value: 3, name: 'netCheckBatch' });
    this.again = button(S.netCheckAgain, () => {
      const b = Number(this.batch.value);
      const ok = Number.isInteger(b) && b >= 1 && b <= 100;
      this.batch.setAttribute('aria-invalid', String(!ok));
      if (ok) run(b);
    });
    this.root = el(
      'section',
      { class: 'card', id: 'netcheck', 'aria-labelledby': 'netcheck-h' },
      el('h2', { id: 'netcheck-h' }, S.netCheck, badge('4.5')),
      this.intro,
      this.status,
      this.table,
      el('p', { class: 'muted small', text: S.netCheckExplain }),
      el('div', { class: 'row' }, el('label', {}, el('span', { text: S.netCheckBatch }), this.batch), this.again),
    );
    this.root.hidden = true;
  }

  update(m: Extract<TrainToWebview, { type: 'netCheck' }>): void {
    this.root.hidden = false;
    if (m.state === 'running') {
      this.intro.textContent = format(S.netCheckIntro, 50, m.batchSize);
      this.status.textContent = format(S.netCheckRunning, integer(parameterCount(50)));
      this.status.className = 'muted';
      this.again.disabled = true;
      return;
    }
    this.again.disabled = false;
    if (m.state === 'error') {
      this.status.textContent = m.text;
      this.status.className = 'error';
      return;
    }
    this.render(m.result);
  }

  private render(r: NetCheckResult): void {
    this.intro.textContent = format(S.netCheckIntro, r.hiddenSize, r.batchSize);
    this.status.textContent = format(S.netCheckTime, integer(r.parameters), r.seconds.toFixed(2));
    this.status.className = 'muted';
    const head = el(
      'tr',
      {},
      ...[S.parameter, S.shape, S.maxAbsDiff, S.relativeError, S.relativeErrorNoDelta, S.verdict].map((t) =>
        el('th', { scope: 'col', text: t }),
      ),
    );
    const rows = r.groups.map((g) => {
      const v = VERDICT[g.verdict];
      return el(
        'tr',
        { 'data-param': g.name },
        el('th', { scope: 'row', class: 'mono', text: g.name }),
        el('td', { class: 'mono', text: `(${g.shape.join(', ')}${g.shape.length === 1 ? ',' : ''})` }),
        el('td', { class: 'mono', text: sci(g.maxAbsDiff) }),
        el('td', { class: 'mono', text: sci(g.relativeError) }),
        el('td', { class: 'mono', text: sci(g.relativeErrorNoDelta) }),
        el('td', { class: `verdict ${v.cls}`, text: `${g.verdict === 'mismatch' ? '✗' : '✓'} ${S[v.text]}` }),
      );
    });
    this.table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }
}
