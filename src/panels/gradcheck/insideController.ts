/**
 * "Replay element" and "Trace shapes" in the gradient check panel (issue 15): runs the replay or
 * the trace of the check last shown (same function, inputs, h, element worst by default) off the
 * extension host's thread, sends the page its view, and puts the trace beside the learner's lines
 * as editor decorations — removed as soon as that file is edited, or the panel closes.
 */
import * as vscode from 'vscode';
import type { CheckOptions, CheckReport } from '../../gradcheck/check';
import { makeRunners } from '../../gradcheck/run/runners';
import { InsideRunners, replayElement, traceShapes } from '../../inside/inside';
import { makeInsideRunner } from '../../inside/runInside';
import { lineTexts } from '../../inside/trace';
import { toReplayView, toTraceView } from '../../inside/views';
import { formatMsg } from '../../gradcheck/analysis/messages';
import type { InsideFromWebview, InsideToWebview } from '../../protocol/inside';
import { pythonInterpreter } from './interpreter';

const translate = (text: string) => vscode.l10n.t(text);

export class InsideController implements vscode.Disposable {
  /** Made on the first trace, with the listeners that keep it true to the file. */
  private decoration: vscode.TextEditorDecorationType | undefined;
  private decorated: { uri: string; options: vscode.DecorationOptions[] } | undefined;
  private running: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly post: (m: InsideToWebview) => void,
  ) {}

  private decorationType(): vscode.TextEditorDecorationType {
    if (this.decoration) return this.decoration;
    this.decoration = vscode.window.createTextEditorDecorationType({
      after: { margin: '0 0 0 2.5em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.disposables.push(
      this.decoration,
      // An edit makes the shapes stale: they go at once, not at the next run.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.decorated && e.document.uri.toString() === this.decorated.uri && e.contentChanges.length) this.clear();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    );
    return this.decoration;
  }

  private async runners(file: string, python: boolean): Promise<InsideRunners> {
    const interpreter = python ? await pythonInterpreter(vscode.Uri.file(file)) : undefined;
    const harness = this.context.asAbsolutePath('media/python/gradcheck_harness.py');
    const base = makeRunners({
      python: interpreter?.command ?? '',
      harness,
      workerPath: this.context.asAbsolutePath('dist/jsRunnerWorker.js'),
      pythonHint: interpreter?.hint ?? '',
    });
    return { ...base, inside: makeInsideRunner(interpreter?.command ?? '', harness) };
  }

  async handle(m: InsideFromWebview, options?: CheckOptions, report?: CheckReport): Promise<void> {
    if (m.type === 'trace' && !m.on) {
      this.clear();
      return;
    }
    if (!options) return;
    this.running?.abort();
    const running = (this.running = new AbortController());
    const what = m.type;
    this.post({ type: 'insideBusy', what });
    const runners = await this.runners(options.file, report?.language === 'python' || /\.py$/i.test(options.file));
    if (m.type === 'replay') {
      const r = await replayElement({ ...options, element: m.element || undefined }, runners, report, running.signal);
      if (running.signal.aborted) return;
      this.post(
        r.ok
          ? { type: 'replay', replay: toReplayView(r.value, translate) }
          : { type: 'insideError', what, message: formatMsg(r.message, translate) },
      );
      return;
    }
    const t = await traceShapes(options, runners, running.signal);
    if (running.signal.aborted) return;
    if (!t.ok) {
      this.post({ type: 'insideError', what, message: formatMsg(t.message, translate) });
      return;
    }
    this.post({ type: 'trace', trace: toTraceView(t.value, translate) });
    const notes = new Map<number, string>();
    for (const n of t.value.notes) if (n.line) notes.set(n.line, formatMsg(n.message, translate));
    if (t.value.error?.line) notes.set(t.value.error.line, t.value.error.message);
    const decorations: vscode.DecorationOptions[] = [];
    const texts = lineTexts(t.value.entries);
    for (const line of new Set([...texts.keys(), ...notes.keys()])) {
      const text = [texts.get(line), notes.has(line) ? '⚠' : ''].filter(Boolean).join('  ');
      const pos = new vscode.Position(line - 1, Number.MAX_SAFE_INTEGER);
      decorations.push({
        range: new vscode.Range(pos, pos),
        renderOptions: { after: { contentText: `  ${text}` } },
        ...(notes.has(line) ? { hoverMessage: new vscode.MarkdownString().appendText(notes.get(line)!) } : {}),
      });
    }
    this.decorated = { uri: vscode.Uri.file(t.value.file).toString(), options: decorations };
    this.paint();
  }

  private paint(): void {
    if (!this.decorated) return;
    const type = this.decorationType();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === this.decorated.uri) editor.setDecorations(type, this.decorated.options);
    }
  }

  clear(): void {
    const uri = this.decorated?.uri;
    this.decorated = undefined;
    if (!this.decoration || !uri) return;
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === uri) editor.setDecorations(this.decoration, []);
    }
  }

  dispose(): void {
    this.running?.abort();
    this.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
