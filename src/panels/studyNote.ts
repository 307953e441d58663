/**
 * "Copy as Markdown" / "Save as Markdown" of every panel (src/protocol/studyNote.ts makes the
 * Markdown): copy puts the note on the clipboard; save asks where, writes the note and its charts
 * as `<name>-<chart>.png` beside it, through vscode.workspace.fs (remote windows too).
 */
import * as vscode from 'vscode';
import {
  STUDY_NOTE_STRINGS,
  noteStem,
  studyNoteFiles,
  studyNoteMarkdown,
  type StudyNoteFromWebview,
} from '../protocol/studyNote';
import { localize } from './webviewHtml';
import { errorMessage } from '../util/text';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The chart's bytes, refused unless they start as a PNG does. */
export function pngBytes(base64: string): Uint8Array {
  const bytes = Uint8Array.from(Buffer.from(base64, 'base64'));
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error('not a PNG image');
  return bytes;
}

/** Today in the display language's way of writing dates (ISO when the locale is unknown). */
function today(): string {
  try {
    return new Date().toLocaleDateString(vscode.env.language, { year: 'numeric', month: 'long', day: 'numeric' });
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** Copies or saves the note; what goes wrong (a folder that cannot be written) is said in a notification. */
export async function handleStudyNote(m: StudyNoteFromWebview): Promise<void> {
  try {
    await copyOrSave(m);
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('The study note could not be saved: {0}', errorMessage(e)));
  }
}

async function copyOrSave(m: StudyNoteFromWebview): Promise<void> {
  const s = localize(STUDY_NOTE_STRINGS);
  if (m.action === 'copy') {
    const text = studyNoteMarkdown(m.note, s, { date: today(), chartCount: m.charts.length });
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(vscode.l10n.t('The study note was copied as Markdown.'));
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${noteStem(m.note.title)}.md`) : undefined,
    filters: { Markdown: ['md'] },
  });
  if (!uri) return;
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const stem = name.replace(/\.(md|markdown)$/i, '') || 'study-note';
  const { markdown, images } = studyNoteFiles(stem, m.note, m.charts, s, today());
  const dir = vscode.Uri.joinPath(uri, '..');
  // Every image is checked before anything is written: a bad one leaves no half-written note.
  const files = images.map((i) => ({ uri: vscode.Uri.joinPath(dir, i.file), bytes: pngBytes(i.base64) }));
  for (const f of files) await vscode.workspace.fs.writeFile(f.uri, f.bytes);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(markdown));
  const open = vscode.l10n.t('Open');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t('Saved {0} and {1} chart image(s) beside it.', uri.fsPath, files.length),
      open,
    )
    .then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', uri);
    });
}
