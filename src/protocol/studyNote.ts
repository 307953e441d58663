/**
 * Study notes (issue 17): "Copy as Markdown" / "Save as Markdown" in the training panel, the
 * gradient check panel and the labs. The page gathers what it shows — the setup, the result
 * table, the verdict and the diagnosis, already in the UI's language — and its charts as PNG data
 * URLs; the extension validates the message here (a webview is untrusted input), writes the
 * Markdown made here and the charts as PNG files beside it, or copies the Markdown.
 * Pure: imported by the extension and the pages.
 */
import { ProtocolError, isRecord, oneOf, record, str } from './validate';
import { format } from '../util/text';

/** One note: every text is what the panel shows, in the learner's language. */
export interface StudyNote {
  /** What the note is about: "Training TwoLayerNet: run 3", "Check Gradient: cross_entropy_error(y, t)". */
  title: string;
  /** Label → value: the hyperparameters, the function checked and its inputs, the lab's controls. */
  setup: [string, string][];
  /** The result table: a header row and its rows (cells are plain text). */
  table?: { head: string[]; rows: string[][] };
  /** One line: PASS — …, Finished · 93 % test accuracy, Converged. */
  verdict: string;
  /** Paragraphs: what the diagnosis says and what to try. */
  diagnosis: string[];
}

/** A chart of the panel as the page drew it: a short name (the file's suffix) and a PNG data URL. */
export interface NoteChart {
  name: string;
  /** What the chart shows (the image's alt text). */
  alt: string;
  dataUrl: string;
}

export type NoteAction = 'copy' | 'save';

// ---- bounds: what a page may send ----
export const NOTE_LIMITS = {
  title: 300,
  setupRows: 40,
  label: 200,
  value: 4000,
  columns: 12,
  rows: 500,
  cell: 500,
  verdict: 2000,
  paragraphs: 20,
  paragraph: 4000,
  charts: 8,
  /** One chart's data URL: about 6 MB of PNG (a 4K canvas compresses far below that). */
  dataUrl: 8_000_000,
  /** All charts together. */
  dataUrlTotal: 24_000_000,
} as const;

const CHART_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

function strings(v: unknown, what: string, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what} must be an array`);
  if (v.length > maxItems) throw new ProtocolError(`${what} has more than ${maxItems} items`);
  return v.map((s, i) => {
    if (typeof s !== 'string') throw new ProtocolError(`${what}[${i}] must be a string`);
    if (s.length > maxLength) throw new ProtocolError(`${what}[${i}] is longer than ${maxLength} characters`);
    return s;
  });
}

export function parseNote(v: unknown): StudyNote {
  const o = record(v, 'note');
  const L = NOTE_LIMITS;
  if (!Array.isArray(o.setup)) throw new ProtocolError('note.setup must be an array');
  if (o.setup.length > L.setupRows) throw new ProtocolError(`note.setup has more than ${L.setupRows} rows`);
  const setup = o.setup.map((row, i): [string, string] => {
    const r = strings(row, `note.setup[${i}]`, 2, L.value);
    if (r.length !== 2) throw new ProtocolError(`note.setup[${i}] must be [label, value]`);
    if (r[0].length > L.label) throw new ProtocolError(`note.setup[${i}] label is longer than ${L.label} characters`);
    return [r[0], r[1]];
  });
  let table: StudyNote['table'];
  if (o.table !== undefined) {
    const t = record(o.table, 'note.table');
    const head = strings(t.head, 'note.table.head', L.columns, L.cell);
    if (!Array.isArray(t.rows)) throw new ProtocolError('note.table.rows must be an array');
    if (t.rows.length > L.rows) throw new ProtocolError(`note.table.rows has more than ${L.rows} rows`);
    const rows = t.rows.map((r, i) => {
      const cells = strings(r, `note.table.rows[${i}]`, L.columns, L.cell);
      if (cells.length !== head.length)
        throw new ProtocolError(`note.table.rows[${i}] has ${cells.length} cells, the header ${head.length}`);
      return cells;
    });
    table = { head, rows };
  }
  return {
    title: str(o, 'title', L.title),
    setup,
    table,
    verdict: str(o, 'verdict', L.verdict),
    diagnosis: strings(o.diagnosis, 'note.diagnosis', L.paragraphs, L.paragraph),
  };
}

export function parseCharts(v: unknown): NoteChart[] {
  if (!Array.isArray(v)) throw new ProtocolError('charts must be an array');
  if (v.length > NOTE_LIMITS.charts) throw new ProtocolError(`charts has more than ${NOTE_LIMITS.charts} items`);
  let total = 0;
  const names = new Set<string>();
  return v.map((c, i) => {
    if (!isRecord(c)) throw new ProtocolError(`charts[${i}] must be an object`);
    const name = str(c, 'name', 40);
    if (!CHART_NAME.test(name)) throw new ProtocolError(`charts[${i}].name must be lowercase letters, digits and -`);
    if (names.has(name)) throw new ProtocolError(`charts[${i}].name ${name} is given twice`);
    names.add(name);
    const dataUrl = str(c, 'dataUrl', NOTE_LIMITS.dataUrl);
    if (!PNG_DATA_URL.test(dataUrl)) throw new ProtocolError(`charts[${i}].dataUrl must be a base64 PNG data URL`);
    total += dataUrl.length;
    if (total > NOTE_LIMITS.dataUrlTotal)
      throw new ProtocolError(`the charts are larger than ${NOTE_LIMITS.dataUrlTotal} characters together`);
    return { name, alt: str(c, 'alt', NOTE_LIMITS.label), dataUrl };
  });
}

/**
 * The study-note message every panel accepts, as one table (the training panel's pattern): its
 * body's parser. A panel adds it with `...STUDY_NOTE_FROM_WEBVIEW` or `parseStudyNoteMessage`.
 */
export const STUDY_NOTE_FROM_WEBVIEW = {
  studyNote: (body: Record<string, unknown>) => ({
    action: oneOf(body, 'action', ['copy', 'save'] as const),
    note: parseNote(body.note),
    charts: parseCharts(body.charts),
  }),
};
export const STUDY_NOTE_TYPES = Object.keys(STUDY_NOTE_FROM_WEBVIEW) as (keyof typeof STUDY_NOTE_FROM_WEBVIEW)[];
export type StudyNoteFromWebview = {
  [K in keyof typeof STUDY_NOTE_FROM_WEBVIEW]: { type: K } & ReturnType<(typeof STUDY_NOTE_FROM_WEBVIEW)[K]>;
}[keyof typeof STUDY_NOTE_FROM_WEBVIEW];

export function parseStudyNoteMessage(
  type: (typeof STUDY_NOTE_TYPES)[number],
  body: Record<string, unknown>,
): StudyNoteFromWebview {
  return { type, ...STUDY_NOTE_FROM_WEBVIEW[type](body) };
}

// ---- Markdown ----

/**
 * Text as Markdown shows it literally: `|` (which ends a table cell), backticks (which open code),
 * `*`, `_`, `[`, `]`, `<`, `>`, `#`, `~`, `\` escaped; line breaks inside a cell become spaces.
 */
export function escapeMarkdown(text: string, inTable = false): string {
  const escaped = text.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
  return inTable ? escaped.replace(/\r?\n/g, ' ') : escaped;
}

/** The page's words for the note (translated by the extension, like every page's table). */
export const STUDY_NOTE_STRINGS = {
  copyMarkdown: 'Copy as Markdown',
  saveMarkdown: 'Save as Markdown',
  noteSetup: 'Setup',
  noteResult: 'Result',
  noteVerdict: 'Verdict',
  noteDiagnosis: 'Diagnosis',
  noteCharts: 'Charts',
  noteSetting: 'Setting',
  noteValue: 'Value',
  noteMadeWith: 'Made with Gradient Lab on {0}.',
  noteNoRun: 'Train a run first: the note describes a run.',
  noteChartsNotCopied:
    'The charts are not in the copied text: Save as Markdown writes them as PNG files beside the note.',
} as const;
export type StudyNoteStrings = { [K in keyof typeof STUDY_NOTE_STRINGS]: string };

const row = (cells: string[]) => `| ${cells.map((c) => escapeMarkdown(c, true) || ' ').join(' | ')} |`;

/**
 * The note as Markdown: a title, the setup as a table, the verdict, the diagnosis, the result
 * table, and the charts as images (`files`: the PNG files written beside the note; absent when
 * copying, and then a line says where the charts are).
 */
export function studyNoteMarkdown(
  note: StudyNote,
  s: StudyNoteStrings,
  options: { date: string; charts?: { file: string; alt: string }[]; chartCount?: number },
): string {
  const out: string[] = [`# ${escapeMarkdown(note.title)}`, ''];
  if (note.setup.length) {
    out.push(`## ${escapeMarkdown(s.noteSetup)}`, '', row([s.noteSetting, s.noteValue]), '| --- | --- |');
    for (const [label, value] of note.setup) out.push(row([label, value]));
    out.push('');
  }
  out.push(`## ${escapeMarkdown(s.noteVerdict)}`, '', `**${escapeMarkdown(note.verdict)}**`, '');
  if (note.diagnosis.length) {
    out.push(`## ${escapeMarkdown(s.noteDiagnosis)}`, '');
    for (const p of note.diagnosis) out.push(`- ${escapeMarkdown(p).replace(/\r?\n/g, '\n  ')}`);
    out.push('');
  }
  if (note.table?.rows.length) {
    out.push(`## ${escapeMarkdown(s.noteResult)}`, '', row(note.table.head));
    out.push(`|${note.table.head.map(() => ' --- |').join('')}`);
    for (const r of note.table.rows) out.push(row(r));
    out.push('');
  }
  if (options.charts?.length) {
    out.push(`## ${escapeMarkdown(s.noteCharts)}`, '');
    // The file name goes in <…> so a space or parenthesis in it cannot end the link.
    for (const c of options.charts) out.push(`![${escapeMarkdown(c.alt)}](<${c.file}>)`, '');
  } else if (options.chartCount) {
    out.push(`_${escapeMarkdown(s.noteChartsNotCopied)}_`, '');
  }
  out.push(`_${escapeMarkdown(format(s.noteMadeWith, options.date))}_`, '');
  return out.join('\n');
}

/** The files of a saved note: `<stem>.md` and `<stem>-<chart>.png` beside it (base64 PNG data). */
export function studyNoteFiles(
  stem: string,
  note: StudyNote,
  charts: readonly NoteChart[],
  s: StudyNoteStrings,
  date: string,
): { markdown: string; images: { file: string; base64: string }[] } {
  const images = charts.map((c) => ({
    file: `${stem}-${c.name}.png`,
    base64: c.dataUrl.slice(c.dataUrl.indexOf(',') + 1),
  }));
  const markdown = studyNoteMarkdown(note, s, {
    date,
    charts: charts.map((c, i) => ({ file: images[i].file, alt: c.alt })),
  });
  return { markdown, images };
}

/** A file name stem from a title: letters (any script), digits and - only, at most 60 characters. */
export function noteStem(title: string): string {
  const stem = title
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
    .toLowerCase();
  return stem || 'study-note';
}
