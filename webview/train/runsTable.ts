/**
 * Every kept run with its hyperparameters and outcome: show it on the charts or not, rename,
 * delete (asks once more), export its history, save its weights, inspect its model.
 */
import { format } from '../shared/l10n';
import { RUN_NAME_MAX, type RunView } from '../../src/protocol/train';
import { button, el } from '../shared/dom';
import { duration, integer, pct } from './format';
import type { RunEntry } from './state';
import { S } from './strings';

export interface RunActions {
  show(id: string, shown: boolean): void;
  rename(id: string, name: string): void;
  remove(id: string): void;
  exportRun(id: string, format: 'csv' | 'json'): void;
  saveModel(id: string, format: 'json' | 'npz'): void;
  inspect(id: string): void;
}

/** Each run status's word in the string table. */
export const STATUS_KEYS: Record<RunView['status'], keyof typeof S> = {
  running: 'statusRunning',
  paused: 'statusPaused',
  finished: 'statusFinished',
  stopped: 'statusStopped',
  diverged: 'statusDiverged',
  loaded: 'statusLoaded',
};

export function settingsText(v: RunView): string {
  const c = v.config;
  // The rate as it went: changed during the run, each change with the iteration it took effect from.
  const rates = (v.learningRateChanges ?? []).map((x) => format(S.rateFrom, x.learningRate, integer(x.iter)));
  const rate = [String(c.learningRate), ...rates].join(' → ');
  const parts = [format(S.runSettings, c.batchSize, rate, c.hiddenSize, integer(c.iters), c.weightInitStd, c.seed)];
  if (c.gradientMethod === 'numerical') parts.push(S.settingsNumerical);
  if (c.dataset.kind === 'fashion') parts.push('Fashion-MNIST');
  if (c.dataset.kind === 'folder') parts.push(c.dataset.path.split(/[\\/]/).filter(Boolean).pop() ?? c.dataset.path);
  return parts.join(' · ');
}

export class RunsTable {
  readonly root: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLElement;
  private editing: string | undefined;
  private confirming: string | undefined;
  /** The run whose "⋯" menu is open (kept across a re-render). */
  private open: string | undefined;
  private last: [RunEntry[], string | undefined, string | undefined] = [[], undefined, undefined];

  constructor(
    private readonly actions: RunActions,
    private readonly colorOf: (e: RunEntry) => string,
  ) {
    this.body = el('tbody');
    this.empty = el('p', { class: 'muted', text: S.noRuns });
    const head = el(
      'tr',
      {},
      ...[S.show, S.runName, S.status, S.settings, S.result, S.actions].map((t) => el('th', { scope: 'col', text: t })),
    );
    // Below ~760 px each run is a card (see train.css); the headings stay for screen readers.
    this.root = el(
      'div',
      { class: 'runs-wrap' },
      this.empty,
      el('table', { class: 'runs' }, el('thead', {}, head), this.body),
    );
  }

  render(entries: RunEntry[], liveId: string | undefined, inspectedId: string | undefined): void {
    this.last = [entries, liveId, inspectedId];
    this.empty.hidden = entries.length > 0;
    this.body.replaceChildren(...entries.map((e) => this.row(e, e.view.id === liveId, e.view.id === inspectedId)));
  }

  private refresh(): void {
    this.render(...this.last);
  }

  private row(e: RunEntry, live: boolean, inspected: boolean): HTMLTableRowElement {
    const v = e.view;
    const show = el('input', { type: 'checkbox', 'aria-label': `${S.show}: ${v.name}` });
    show.checked = !v.hidden;
    show.addEventListener('change', () => this.actions.show(v.id, show.checked));
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    swatch.style.background = this.colorOf(e);
    const nameCell = el('td', { class: 'name' });
    if (this.editing === v.id) {
      const input = el('input', { type: 'text', maxlength: RUN_NAME_MAX, 'aria-label': S.runName });
      input.value = v.name;
      const commit = () => {
        if (this.editing !== v.id) return; // Enter already committed; this is the blur that follows
        this.editing = undefined;
        const name = input.value.trim();
        if (name && name !== v.name) this.actions.rename(v.id, name);
        else this.refresh();
      };
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') commit();
        if (ev.key === 'Escape') {
          this.editing = undefined;
          this.refresh();
        }
      });
      input.addEventListener('blur', commit);
      nameCell.append(swatch, input);
      queueMicrotask(() => input.focus());
    } else {
      nameCell.append(swatch, el('span', { text: v.name }));
    }
    const result =
      v.status === 'running' || v.status === 'paused'
        ? '…'
        : v.status === 'loaded'
          ? `${format(S.resultText, pct(v.testAccuracy), pct(v.trainAccuracy), 0, '—')} · ${v.datasetName}`
          : format(
              S.resultText,
              pct(v.testAccuracy),
              pct(v.trainAccuracy),
              integer(v.iterations),
              duration(v.wallSeconds),
            );
    const actionsCell = el('td', { class: 'actions-cell' });
    const actions = el('div', { class: 'actions' });
    actionsCell.append(actions);
    if (!live) {
      // Inspect stays in sight; the rest sit in a "⋯" menu (a native <details>: keyboard and screen reader ready).
      const menu = el('div', { class: 'run-menu-items' });
      const more = el(
        'details',
        { class: 'run-menu' },
        el('summary', { class: 'secondary small', 'aria-label': format(S.moreActions, v.name), title: S.actions }, '⋯'),
        menu,
      );
      if (this.open === v.id) more.open = true;
      more.addEventListener('toggle', () => {
        if (more.open) this.open = v.id;
        else if (this.open === v.id) this.open = undefined;
      });
      more.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Escape' || !more.open) return;
        more.open = false;
        more.querySelector('summary')?.focus();
      });
      const del = button(
        this.confirming === v.id ? S.confirmDelete : S.deleteRun,
        () => {
          if (this.confirming === v.id) this.actions.remove(v.id);
          else {
            this.confirming = v.id;
            this.refresh();
            this.body.querySelector<HTMLButtonElement>(`tr[data-run="${v.id}"] .delete`)?.focus();
          }
        },
        {
          class: 'secondary small delete',
          'aria-label': `${this.confirming === v.id ? S.confirmDelete : S.deleteRun}: ${v.name}`,
        },
      );
      const inspect = () => this.actions.inspect(v.id);
      actions.append(
        v.hasModel ? button(S.inspect, inspect, { class: 'small', 'aria-pressed': String(inspected) }) : '',
        more,
      );
      menu.append(
        button(
          S.rename,
          () => {
            this.editing = v.id;
            this.refresh();
          },
          { class: 'secondary small' },
        ),
        v.iterations > 0
          ? button(S.exportCsv, () => this.actions.exportRun(v.id, 'csv'), {
              class: 'secondary small',
              title: S.exportCsvTitle,
            })
          : '',
        v.iterations > 0
          ? button(S.exportJson, () => this.actions.exportRun(v.id, 'json'), {
              class: 'secondary small',
              title: S.exportJsonTitle,
            })
          : '',
        v.hasModel ? button(S.saveNpz, () => this.actions.saveModel(v.id, 'npz'), { class: 'secondary small' }) : '',
        v.hasModel ? button(S.saveJson, () => this.actions.saveModel(v.id, 'json'), { class: 'secondary small' }) : '',
        del,
      );
      // Capture: the menu closes before the action re-renders the list (Delete stays open for its second click).
      menu.addEventListener(
        'click',
        (ev) => {
          if ((ev.target as Element).closest('button.delete')) return;
          this.open = undefined;
          more.open = false;
        },
        true,
      );
    }
    return el(
      'tr',
      { class: `${inspected ? 'inspected' : ''} ${v.hidden ? 'is-hidden' : ''}`.trim() || undefined, 'data-run': v.id },
      el('td', {}, show),
      nameCell,
      el('td', {
        class: `status status-${v.status}${v.diagnosis ? ' not-learning' : ''}`,
        text: S[STATUS_KEYS[v.status]] + (v.diagnosis && v.status !== 'diverged' ? ` · ${S.notLearning}` : ''),
        title: v.message,
      }),
      el('td', { class: 'settings', text: settingsText(v), title: v.datasetName || undefined }),
      el('td', { class: 'result', text: result }),
      actionsCell,
    );
  }
}
