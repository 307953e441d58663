/**
 * "Copy as Markdown" / "Save as Markdown" on a page: the two buttons, the charts as PNG data URLs
 * (drawn on the theme's background: a transparent PNG of light text is unreadable elsewhere), and a
 * note read from a page's own controls and outputs (the labs). The extension writes the Markdown
 * (src/protocol/studyNote.ts, src/panels/studyNote.ts).
 */
import {
  NOTE_LIMITS,
  STUDY_NOTE_STRINGS,
  type NoteAction,
  type NoteChart,
  type StudyNote,
  type StudyNoteFromWebview,
} from '../../src/protocol/studyNote';
import { button, el } from './dom';
import { strings } from './l10n';
import { post } from './vscode';

export const NS = strings(STUDY_NOTE_STRINGS);

/** A canvas as a PNG data URL on `background`; undefined for an empty (0×0) canvas or one too large to send. */
export function canvasPng(canvas: HTMLCanvasElement, background: string): string | undefined {
  if (!canvas.width || !canvas.height) return undefined;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return undefined;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const url = out.toDataURL('image/png');
  return url.length <= NOTE_LIMITS.dataUrl ? url : undefined;
}

/** Charts as the message carries them: at most the limit, each a PNG, the names unique. */
export function noteCharts(items: { name: string; alt: string; canvas: HTMLCanvasElement }[], background: string) {
  const charts: NoteChart[] = [];
  let total = 0;
  for (const { name, alt, canvas } of items.slice(0, NOTE_LIMITS.charts)) {
    const dataUrl = canvasPng(canvas, background);
    if (!dataUrl || total + dataUrl.length > NOTE_LIMITS.dataUrlTotal) continue;
    total += dataUrl.length;
    charts.push({ name, alt: clip(alt, NOTE_LIMITS.label), dataUrl });
  }
  return charts;
}

export const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Keeps a note inside the protocol's bounds (long inputs are shortened, not refused). */
export function boundedNote(n: StudyNote): StudyNote {
  const L = NOTE_LIMITS;
  const head = n.table?.head.slice(0, L.columns).map((c) => clip(c, L.cell));
  return {
    title: clip(n.title, L.title),
    setup: n.setup.slice(0, L.setupRows).map(([k, v]) => [clip(k, L.label), clip(v, L.value)]),
    table:
      n.table && head
        ? {
            head,
            rows: n.table.rows.slice(0, L.rows).map((r) => head.map((_, i) => clip(r[i] ?? '', L.cell))),
          }
        : undefined,
    verdict: clip(n.verdict, L.verdict),
    diagnosis: n.diagnosis
      .filter((p) => p.trim())
      .slice(0, L.paragraphs)
      .map((p) => clip(p, L.paragraph)),
  };
}

/** The two buttons; `make` gathers the note and its charts when one is pressed. */
export function noteButtons(make: () => { note: StudyNote; charts: NoteChart[] } | undefined): HTMLElement {
  const send = (action: NoteAction) => {
    const made = make();
    if (!made) return;
    const m: StudyNoteFromWebview = { type: 'studyNote', action, note: boundedNote(made.note), charts: made.charts };
    post(m);
  };
  return el(
    'div',
    { class: 'row note-buttons' },
    button(NS.copyMarkdown, () => send('copy'), { class: 'secondary small', 'data-note': 'copy' }),
    button(NS.saveMarkdown, () => send('save'), { class: 'secondary small', 'data-note': 'save' }),
  );
}

const text = (e: Element | null | undefined) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** What a control shows: a text field's value, a select's chosen option, a checkbox's state. */
function controlValue(c: HTMLInputElement | HTMLSelectElement): string {
  if (c instanceof HTMLSelectElement) return text(c.selectedOptions[0]) || c.value;
  if (c.type === 'checkbox') return c.checked ? '✓' : '✗';
  return c.value;
}

/**
 * A note read from what a page shows (the labs: each lab is laid out with labelled controls and
 * <output>s): every labelled control as a setup row (a chosen radio under its fieldset's legend),
 * every <output> as a result row named by its table row heading or the label before it, the live
 * verdict and warning lines as the verdict and diagnosis. Hidden and empty parts are left out.
 */
export function noteFromPage(root: HTMLElement, title: string): StudyNote {
  const setup: [string, string][] = [];
  const seen = new Set<string>();
  const add = (label: string, value: string) => {
    if (!label || !value || seen.has(label)) return;
    seen.add(label);
    setup.push([label, value]);
  };
  // A slider and the number field beside it name the same value: the field (typed, exact) comes first.
  const labels = [...root.querySelectorAll('label')];
  const isRange = (l: HTMLLabelElement) => !!l.querySelector('input[type=range]');
  for (const label of [...labels.filter((l) => !isRange(l)), ...labels.filter(isRange)]) {
    const control = label.querySelector<HTMLInputElement | HTMLSelectElement>('input, select');
    if (!control || (control instanceof HTMLInputElement && control.type === 'radio')) continue;
    add(text(label.querySelector('span')) || text(label), controlValue(control));
  }
  for (const set of root.querySelectorAll('fieldset')) {
    const checked = set.querySelector<HTMLInputElement>('input[type=radio]:checked');
    if (checked) add(text(set.querySelector('legend')), text(checked.closest('label')) || checked.value);
  }
  const rows: string[][] = [];
  for (const out of root.querySelectorAll('output')) {
    const value = text(out);
    if (!value) continue;
    const name =
      text(out.closest('tr')?.querySelector('th')) ||
      text(out.closest('.result')?.querySelector('span')) ||
      text(out.closest('label')?.querySelector('span')) ||
      out.id;
    rows.push([name, value]);
  }
  const live = [...root.querySelectorAll<HTMLElement>('[aria-live]')]
    .filter((e) => !(e instanceof HTMLOutputElement) && !e.classList.contains('invalid-reason'))
    .map((e) => text(e))
    .filter(Boolean);
  return {
    title,
    setup,
    table: rows.length ? { head: [NS.noteResult, NS.noteValue], rows } : undefined,
    verdict: live[0] ?? '',
    diagnosis: live.slice(1),
  };
}
