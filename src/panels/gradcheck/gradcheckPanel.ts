/**
 * The gradient check panel's controller: one panel, re-targeted by each "Check gradient". It
 * reads the learner's file from the editor (unsaved edits included), runs the check in a worker
 * or a child process — never on this thread — and sends the page a finished view. Every message
 * from the page is validated first; an invalid one is logged and dropped.
 */
import { basename } from 'path';
import * as vscode from 'vscode';
import { readFile } from 'fs/promises';
import { CheckOptions, CheckReport, Prepared, RETURNED_GRADIENT, prepare, runPrepared } from '../../gradcheck/check';
import { qualifiedName, returnsGradient as lossReturnsGradient } from '../../gradcheck/source/findFunctions';
import { OtherFunction, functionsBeside } from '../../gradcheck/source/otherFiles';
import { Inputs, generateInputs, inputsToText, presetsFor } from '../../gradcheck/run/inputs';
import { makeRunners } from '../../gradcheck/run/runners';
import {
  GRADCHECK_STRINGS,
  GRADCHECK_VIEW_TYPE,
  GradcheckFromWebview,
  GradcheckToWebview,
  PresetChoice,
  SetupView,
  parseGradcheckMessage,
} from '../../protocol/gradcheck';
import { ProtocolError, isRecord, json } from '../../protocol/validate';
import { localize, renderPage, validated, webviewOptions } from '../webviewHtml';
import { handleStudyNote } from '../studyNote';
import { STUDY_NOTE_STRINGS } from '../../protocol/studyNote';
import { createPanel, revealPanel } from '../placement';
import { pythonInterpreter } from './interpreter';
import { checkPool, checkerPaths, clearWarmChecks } from './warmChecks';
import { PROGRESS_KEYS, markStepDone } from '../progress';
import { toResultView } from './resultView';
import { NotebookTarget, notebookTarget } from '../../commands/notebookCells';
import { PreparedNotebookCheck, prepareNotebookCheck, runNotebookPrepared } from '../../gradcheck/notebookCheck';
import { cellLineOf } from '../../gradcheck/source/notebook';
import { errorMessage } from '../../util/text';
import { InsideController } from './insideController';
import { INSIDE_STRINGS } from '../../protocol/inside';
import {
  type GradcheckControl,
  type GradcheckLabFile,
  instructionText,
  isRelativePath,
  keepLocked,
} from '../../protocol/labFile';
import { shareLabFile } from '../labShare';
import { dirname, relative } from 'path';

export interface CheckTarget {
  uri: vscode.Uri;
  /** "name" or "Class.method". */
  functionName: string;
  /** undefined: by convention; null: none; else a function of the file. */
  gradientName?: string | null;
  /** Inputs instead of generated ones, and what to open once checked (the replay example). */
  inputs?: Inputs;
  open?: 'replay' | 'trace';
  /** From a lab file: with respect to what, the step h, and the file itself (its locks, hides, instruction). */
  wrt?: string;
  h?: number;
  lab?: GradcheckLabFile;
}

let log: vscode.LogOutputChannel | undefined;
export function gradcheckLog(): vscode.LogOutputChannel {
  return (log ??= vscode.window.createOutputChannel('Gradient Lab: Gradient Check', { log: true }));
}

const t = (text: string, ...args: string[]) => vscode.l10n.t(text, ...args);

export class GradcheckPanel {
  static current: GradcheckPanel | undefined;

  static show(
    context: vscode.ExtensionContext,
    diagnostics: vscode.DiagnosticCollection,
    target: CheckTarget,
  ): GradcheckPanel {
    const existing = GradcheckPanel.current;
    if (existing) {
      revealPanel(existing.panel, true);
      void existing.retarget(target);
      return existing;
    }
    const panel = createPanel(
      GRADCHECK_VIEW_TYPE,
      vscode.l10n.t(GRADCHECK_STRINGS.title),
      webviewOptions(context.extensionUri),
      true,
    );
    const p = new GradcheckPanel(panel, context, diagnostics);
    void p.retarget(target);
    return p;
  }

  private target: CheckTarget | undefined;
  private prepared: Prepared | undefined;
  private setup: SetupView | undefined;
  private lastResult: GradcheckToWebview | undefined;
  /** A check from a notebook cell: the notebook as it was checked, and the last report (for "Go to line"). */
  private notebook: NotebookTarget | undefined;
  private lastReport: CheckReport | undefined;
  private running: AbortController | undefined;
  /** The entry chosen when a returned dict or tuple held several candidates (--grad-key). */
  private gradKey: { wrt: string; key: string } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The check last shown, for "Replay element" and "Trace shapes" (insideController.ts). */
  private lastCheck: { options: CheckOptions; report: CheckReport } | undefined;
  private readonly inside: InsideController;
  /** What a lab file locks, with the values the panel started from (a page's change to them is ignored). */
  private locked: Partial<Record<GradcheckControl, string>> | undefined;
  /** The replay and trace views last sent for the result shown (see remember()). */
  private insideViews: Partial<Record<'replay' | 'trace', GradcheckToWebview>> = {};

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly diagnostics: vscode.DiagnosticCollection,
  ) {
    GradcheckPanel.current = this;
    panel.webview.html = renderPage(panel.webview, context.extensionUri, {
      page: 'gradcheck',
      title: vscode.l10n.t(GRADCHECK_STRINGS.title),
      strings: localize({ ...GRADCHECK_STRINGS, ...INSIDE_STRINGS, ...STUDY_NOTE_STRINGS }),
      styles: ['shared/base.css', 'gradcheck/gradcheck.css'],
    });
    panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    this.inside = new InsideController(context, (m) => this.post(m));
    this.disposables.push(this.inside);
  }

  private post(message: GradcheckToWebview): void {
    this.remember(message);
    void this.panel.webview.postMessage(message);
  }

  /**
   * What the page shows below the result — the replay and the trace (or their errors) — kept so a
   * page that (re)loads gets them back after the result. The page sends 'ready' when its script
   * has run, which can be *after* messages posted while it loaded were delivered (the walkthrough's
   * replay: a quick check, then the replay, then the page's 'ready'): the result re-sent then
   * would clear a replay the page had already drawn.
   */
  private remember(m: GradcheckToWebview): void {
    if (m.type === 'result') this.insideViews = {};
    else if (m.type === 'replay' || m.type === 'trace') this.insideViews[m.type] = m;
    else if (m.type === 'insideError') this.insideViews[m.what] = m;
  }

  private receive(raw: unknown): void {
    const m = validated(raw, parseGradcheckMessage, (why) =>
      gradcheckLog().warn(`dropped an invalid message from the gradient check page: ${why}`),
    );
    if (!m) return;
    switch (m.type) {
      case 'ready': {
        // The page (re)loaded, e.g. after being hidden: give it what it showed (the result clears
        // the replay and trace views on the page, so they follow it).
        const { replay, trace } = this.insideViews;
        if (this.setup) this.post({ type: 'setup', setup: this.setup });
        if (this.lastResult) this.post(this.lastResult);
        for (const view of [replay, trace]) if (view) this.post(view);
        return;
      }
      case 'run':
        if (!this.keepsLocks(m)) return;
        void this.runFromPage(m);
        return;
      case 'share':
        void this.share(m);
        return;
      case 'preset':
      case 'generate':
        if (this.locked?.inputs !== undefined) {
          gradcheckLog().warn(`ignored ${m.type}: the lab file locks the inputs`);
          return;
        }
        if (m.type === 'preset') this.applyPreset(m.id);
        else this.generate(m.batchSize, m.seed);
        return;
      case 'reveal':
        if (this.target) void reveal(this.revealUri(m.line), m.line);
        return;
      case 'replay':
      case 'trace':
        if (m.type === 'trace' && !m.on) delete this.insideViews.trace;
        void this.insideFor(m);
        return;
      case 'studyNote':
        void handleStudyNote(m);
        return;
      case 'cancel':
        if (this.running && !this.running.signal.aborted) {
          this.running.abort();
          this.post({ type: 'result', result: stoppedView() });
        }
        return;
    }
  }

  /** The document "Go to line" opens: in a notebook, the cell of the error shown at that line, else the checked cell. */
  private revealUri(line: number): vscode.Uri {
    const err = this.lastReport?.error;
    const cell = this.notebook && err?.cell && err.line === line ? this.notebook.cellUris[err.cell - 1] : undefined;
    return cell ?? this.target!.uri;
  }

  private async source(uri: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ? open.getText() : readFile(uri.fsPath, 'utf8');
  }

  /** The form's values as compared for a lab file's locks (inputs as canonical JSON). */
  private static controlValues(m: { gradient: string; wrt: string; h: number; inputsText: string }) {
    let inputs = m.inputsText;
    try {
      inputs = JSON.stringify(JSON.parse(m.inputsText));
    } catch {
      // compared as typed
    }
    return { gradient: m.gradient, wrt: m.wrt, h: String(m.h), inputs } as Record<GradcheckControl, string>;
  }

  private keepsLocks(m: { gradient: string; wrt: string; h: number; inputsText: string }): boolean {
    const locked = this.locked;
    if (!locked) return true;
    const now = GradcheckPanel.controlValues(m);
    const changed = (Object.keys(locked) as GradcheckControl[]).filter((c) => locked[c] !== now[c]);
    if (changed.length)
      gradcheckLog().warn(`ignored a check: it changes what the lab file locks (${changed.join(', ')})`);
    return changed.length === 0;
  }

  /** "Share this setup": the form as a lab file naming the learner's file relative to where it is saved. */
  private async share(m: Extract<GradcheckFromWebview, { type: 'share' }>): Promise<void> {
    const target = this.target;
    if (!target) return;
    let inputs: GradcheckLabFile['inputs'];
    try {
      const parsed = json(JSON.parse(m.inputsText), 'inputs');
      if (isRecord(parsed)) inputs = parsed;
    } catch {
      inputs = undefined;
    }
    const base: GradcheckLabFile = {
      panel: 'gradcheck',
      file: target.uri.fsPath.split(/[\\/]/).pop() ?? '',
      function: target.functionName,
      gradient: m.gradient === '' ? null : m.gradient,
      wrt: m.wrt,
      h: m.h,
      ...(inputs ? { inputs } : {}),
      lock: [],
      hide: [],
    };
    const file = keepLocked(base, target.lab);
    await shareLabFile(
      file,
      (saved) => {
        const rel = relative(dirname(saved.fsPath), target.uri.fsPath).split(/[\\/]/).join('/');
        if (!isRelativePath(rel))
          throw new Error(
            vscode.l10n.t(
              'save it in the folder of {0} or a folder above it',
              vscode.workspace.asRelativePath(target.uri),
            ),
          );
        return { ...file, file: rel };
      },
      vscode.Uri.file(dirname(target.uri.fsPath)),
    );
  }

  /** A new function to check: rebuild the form, then check it with generated inputs. */
  async retarget(target: CheckTarget): Promise<void> {
    this.target = target;
    this.locked = undefined;
    this.panel.title = vscode.l10n.t('Check Gradient: {0}', target.functionName);
    const options: CheckOptions = {
      file: target.uri.fsPath,
      source: await this.source(target.uri),
      functionName: target.functionName,
      gradientName: target.gradientName,
      workspace: workspaceOf(target.uri),
      inputs: target.inputs,
      ...(target.wrt !== undefined ? { wrt: target.wrt } : {}),
      ...(target.h !== undefined ? { h: target.h } : {}),
    };
    await this.check(options, true);
    if (target.open === 'replay') await this.insideFor({ type: 'replay', element: '' });
    else if (target.open === 'trace') await this.insideFor({ type: 'trace', on: true });
  }

  private async runFromPage(m: Extract<GradcheckFromWebview, { type: 'run' }>): Promise<void> {
    if (!this.target) return;
    let inputs: Inputs;
    try {
      const parsed = json(JSON.parse(m.inputsText), 'inputs');
      if (!isRecord(parsed)) throw new ProtocolError(vscode.l10n.t(GRADCHECK_STRINGS.invalidInputs));
      inputs = parsed as Inputs;
    } catch (e) {
      this.post({ type: 'result', result: inputError(errorMessage(e)) });
      return;
    }
    // Another file's function only as the picker offered it.
    if (m.gradient.includes(':') && !this.setup?.gradientChoices.some((c) => c.value === m.gradient)) return;
    const options: CheckOptions = {
      file: this.target.uri.fsPath,
      source: await this.source(this.target.uri),
      functionName: this.target.functionName,
      gradientName: m.gradient === '' ? null : m.gradient,
      wrt: m.wrt,
      h: m.h,
      inputs,
      workspace: workspaceOf(this.target.uri),
      gradKey: this.gradKey?.wrt === m.wrt ? this.gradKey.key : undefined,
    };
    this.target = { ...this.target, gradientName: options.gradientName };
    await this.check(options, false);
  }

  private async check(options: CheckOptions, rebuildSetup: boolean): Promise<void> {
    this.running?.abort();
    const running = (this.running = new AbortController());
    const config = vscode.workspace.getConfiguration('gradientLab', this.target?.uri);
    options = { ...options, timeoutMs: Math.max(1, config.get<number>('checkGradient.timeoutSeconds', 10)) * 1000 };
    // A notebook cell: the cells above and including it as one module (src/gradcheck/source/notebook.ts).
    const nb = (this.notebook = this.target ? notebookTarget(this.target.uri) : undefined);
    const staged: PreparedNotebookCheck | undefined =
      nb && prepareNotebookCheck({ ...options, file: nb.file, notebook: nb.notebook, cell: nb.cell });
    const prepared = staged ? staged.prepared : prepare(options);
    if (!('request' in prepared)) {
      this.show(prepared, options);
      return;
    }
    this.prepared = prepared;
    if (rebuildSetup || !this.setup) {
      this.setup = setupView(prepared, await functionsBeside(prepared.request.file));
      const lab = this.target?.lab;
      if (lab) {
        const instruction = instructionText(lab.instruction, vscode.env.language);
        this.setup.lab = { lock: lab.lock, hide: lab.hide, ...(instruction ? { instruction } : {}) };
        // The values the locks hold: the file's, as the check prepared them.
        const values = GradcheckPanel.controlValues(this.setup);
        this.locked = Object.fromEntries(lab.lock.map((c) => [c, values[c]]));
      }
      if (staged) {
        const at = cellLineOf(staged.module, prepared.loss.line);
        if (at)
          this.setup = {
            ...this.setup,
            fileName: `${this.setup.fileName}, ${vscode.l10n.t('cell {0}', String(at.cell + 1))}`,
            line: at.line,
          };
      }
      this.post({ type: 'setup', setup: this.setup });
    } else {
      this.setup = {
        ...this.setup,
        gradient: gradientValue(prepared),
        wrt: prepared.request.wrt,
        h: prepared.request.h,
        inputsText: inputsToText(prepared.request.inputs),
      };
    }
    this.post({ type: 'running' });
    const started = Date.now();
    // The interpreter is looked up only when it is needed (it may activate the Python extension).
    const interpreter =
      prepared.language === 'python' && this.target
        ? await pythonInterpreter(nb ? vscode.Uri.file(nb.file) : this.target.uri)
        : undefined;
    const runners = makeRunners({
      python: interpreter?.command ?? '',
      ...checkerPaths(this.context),
      pythonHint: interpreter?.hint ?? '',
      // A spare interpreter or worker waits, numpy imported (warmChecks.ts); each check still runs alone.
      pool: checkPool(),
    });
    const report = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Window,
        title: vscode.l10n.t('Checking the gradient of {0}…', prepared.loss.name),
      },
      () =>
        staged && nb
          ? runNotebookPrepared({ prepared, module: staged.module }, nb.notebook, runners, running.signal, started)
          : runPrepared(prepared, runners, running.signal, started),
    );
    if (running.signal.aborted) return;
    // Several entries could be the gradient (a dict with dW and dx of one shape): ask, then check again.
    if (report.error?.kind === 'ambiguous' && report.error.choices?.length && !options.gradKey) {
      const key = await vscode.window.showQuickPick(report.error.choices, {
        placeHolder: vscode.l10n.t('Which of these is the gradient of {0}?', prepared.request.wrt),
      });
      if (key) {
        this.gradKey = { wrt: prepared.request.wrt, key };
        await this.check({ ...options, wrt: prepared.request.wrt, gradKey: key }, false);
        return;
      }
    }
    // Ticks off the walkthrough's "Checking your own gradient" step (src/tutorial/steps.ts) when a
    // gradient the learner wrote passes — not the numerical gradient shown alone.
    if (report.verdict === 'pass' && report.gradient) void markStepDone(PROGRESS_KEYS.gradientCheckPassed);
    if (report.error?.kind === 'internal')
      gradcheckLog().error(
        `check of ${prepared.loss.name} in ${prepared.request.file}: ${report.error.message}\n${report.error.detail ?? ''}`,
      );
    this.show(report, options);
  }

  /** Replay or trace the check last shown, on the file's current text. */
  private async insideFor(m: Extract<GradcheckFromWebview, { type: 'replay' | 'trace' }>): Promise<void> {
    const last = this.lastCheck;
    const options = last && this.target ? { ...last.options, source: await this.source(this.target.uri) } : undefined;
    await this.inside.handle(m, options, last?.report);
  }

  private show(report: CheckReport, options: CheckOptions): void {
    this.lastReport = report;
    this.lastCheck = { options, report };
    this.lastResult = { type: 'result', result: toResultView(report, t) };
    this.post(this.lastResult);
    this.updateDiagnostics(report, options.file);
  }

  /** A syntax error becomes a diagnostic at its line; anything else clears the file's. */
  private updateDiagnostics(report: CheckReport, file: string): void {
    const uri = vscode.Uri.file(file);
    this.diagnostics.delete(uri);
    for (const cell of this.notebook?.cellUris ?? []) this.diagnostics.delete(cell);
    const err = report.error;
    if (err?.kind !== 'syntax' || !err.line) return;
    // In a notebook, on the cell the error is in.
    const cell = err.cell ? this.notebook?.cellUris[err.cell - 1] : undefined;
    const where = cell ?? (err.file ? vscode.Uri.file(err.file) : uri);
    const line = Math.max(0, err.line - 1);
    const col = Math.max(0, (err.column ?? 1) - 1);
    const d = new vscode.Diagnostic(
      new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
      err.message,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = 'Gradient Lab';
    this.diagnostics.set(where, [d]);
  }

  private applyPreset(id: PresetChoice): void {
    const p = this.prepared;
    const preset = p && presetsFor(p.loss, p.cls).find((x) => x.id === id);
    if (!preset) return;
    this.post({ type: 'inputs', inputsText: inputsToText(preset.inputs), wrt: preset.wrt });
  }

  private generate(batchSize: number, seed: number): void {
    const p = this.prepared;
    if (!p) return;
    const inputs = p.generate
      ? p.generate(batchSize, seed)
      : generateInputs(p.loss.params, { batchSize, seed, batched: p.batched, externalWeights: p.externalWeights });
    this.post({ type: 'inputs', inputsText: inputsToText(inputs), wrt: p.request.wrt });
  }

  dispose(): void {
    this.running?.abort();
    GradcheckPanel.current = undefined;
    clearWarmChecks();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The picker's value for the prepared gradient: its name, or `./grad.ts:name` for one in another file. */
function gradientValue(p: Prepared): string {
  if (!p.gradient) return '';
  const other = p.request.gradient?.file;
  return other ? `./${basename(other)}:${qualifiedName(p.gradient)}` : qualifiedName(p.gradient);
}

function setupView(p: Prepared, beside: OtherFunction[]): SetupView {
  const presetLabels: Record<PresetChoice, string> = {
    function_2: vscode.l10n.t('function_2 at (3, 4)'),
    'book-yt-1': vscode.l10n.t('10-class y/t, example 1 (right: "2")'),
    'book-yt-2': vscode.l10n.t('10-class y/t, example 2 (wrong: "7")'),
    'book-yt-batch': vscode.l10n.t('10-class y/t, both examples as a batch'),
    simpleNet: vscode.l10n.t('simpleNet: W, x = (0.6, 0.9), t = (0, 0, 1)'),
  };
  return {
    fileName: p.request.file.split(/[\\/]/).pop() ?? p.request.file,
    language: p.language,
    signature: `${qualifiedName(p.loss)}(${p.loss.params.join(', ')})`,
    line: p.loss.line,
    gradient: p.gradient ? gradientValue(p) : returnsGradient(p) ? RETURNED_GRADIENT : '',
    gradientChoices: [
      { value: '', label: vscode.l10n.t(GRADCHECK_STRINGS.noGradient) },
      ...(p.language === 'python'
        ? [{ value: RETURNED_GRADIENT, label: vscode.l10n.t(GRADCHECK_STRINGS.returnedGradient) }]
        : []),
      ...p.functions
        .filter((f) => f !== p.loss)
        .map((f) => ({ value: qualifiedName(f), label: `${qualifiedName(f)}(${f.params.join(', ')})` })),
      // Gradients in the JavaScript/TypeScript files beside this one (--grad ./grad.ts:gradient).
      ...beside.map((f) => ({ value: f.ref, label: `${f.file}: ${f.name}(${f.params.join(', ')})` })),
    ],
    wrt: p.request.wrt,
    wrtChoices: p.wrtChoices.includes(p.request.wrt) ? p.wrtChoices : [p.request.wrt, ...p.wrtChoices],
    h: p.request.h,
    batchSize: 4,
    seed: p.request.seed,
    inputsText: inputsToText(p.request.inputs),
    presets: presetsFor(p.loss, p.cls).map((x) => ({ id: x.id, label: presetLabels[x.id] })),
  };
}

/** The loss returns more than the loss (return loss, dW): its gradient comes with it. */
function returnsGradient(p: Prepared): boolean {
  // Python: `return loss, grad`; JavaScript/TypeScript: `return [loss, dW]` or `return { cost, grad }`.
  return (
    (p.request.lossReturnNames?.length ?? 0) >= 2 || (p.language !== 'python' && lossReturnsGradient(p.lossSource))
  );
}

function stoppedView() {
  return {
    verdict: 'error' as const,
    headline: vscode.l10n.t(GRADCHECK_STRINGS.stopped),
    messages: [],
    codes: ['cancelled'],
    thresholds: '',
    rows: [],
    hasAnalytic: false,
    chart: null,
    stats: '',
  };
}

function inputError(message: string) {
  return {
    verdict: 'error' as const,
    headline: vscode.l10n.t(GRADCHECK_STRINGS.invalidJson, message),
    messages: [vscode.l10n.t(GRADCHECK_STRINGS.invalidInputs)],
    codes: ['bad-input'],
    thresholds: '',
    rows: [],
    hasAnalytic: false,
    chart: null,
    stats: '',
  };
}

function workspaceOf(uri: vscode.Uri): string | undefined {
  return vscode.workspace.getWorkspaceFolder?.(uri)?.uri.fsPath;
}

async function reveal(uri: vscode.Uri, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
