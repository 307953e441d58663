/**
 * The labs panel: one webview (webview/labs) beside the walkthrough, reused for every lab. It
 * survives a window reload through a WebviewPanelSerializer (the page keeps its lab and inputs in
 * webview state), so retainContextWhenHidden is not needed. What the walkthrough does when a lab is
 * shown, and where dropped messages are logged, come from src/tutorial/register.ts (`LabHooks`), so the
 * panel imports nothing from src/tutorial.
 */
import * as vscode from 'vscode';
import {
  LAB_STRINGS,
  isLabId,
  validateFromLab,
  type LabId,
  type LabPageData,
  type LabSetupView,
  type ToLabMessage,
} from '../../protocol';
import { type LabLabFile, LabFileRefused, checkLabFile, instructionText, keepLocked } from '../../protocol/labFile';
import { shareLabFile } from '../labShare';
import { localize, renderPage, validated, webviewOptions } from '../webviewHtml';
import { markStepDone, type ProgressKey } from '../progress';
import { createPanel, revealPanel, trackPanel } from '../placement';
import { handleStudyNote } from '../studyNote';
import { STUDY_NOTE_STRINGS } from '../../protocol';

export const LAB_VIEW_TYPE = 'gradientLab.labs';

/** What the walkthrough gives the panel: its step key for a lab, and its log for dropped messages. */
export interface LabHooks {
  progressKeyForLab(lab: LabId): ProgressKey | undefined;
  warn(text: string): void;
}

export class LabPanel {
  private static current: LabPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** A lab asked for but not yet shown: a hidden page reloads on reveal and may miss showLab, so it is sent again on `ready`. */
  private requested: LabId | undefined;

  /** The lab file this panel was set up from, if any (its locks hold until the panel closes). */
  private labFile: { file: LabLabFile; view: LabSetupView } | undefined;
  private static seq = 0;

  /** Shows `lab`, in the open panel if there is one, else in a new panel beside the editor. */
  static show(extensionUri: vscode.Uri, lab: LabId, hooks: LabHooks): void {
    if (LabPanel.current) {
      LabPanel.current.requested = lab;
      revealPanel(LabPanel.current.panel);
      void LabPanel.current.post({ type: 'showLab', lab });
      return;
    }
    const panel = createPanel(LAB_VIEW_TYPE, vscode.l10n.t(LAB_STRINGS.pageTitle), webviewOptions(extensionUri));
    LabPanel.current = new LabPanel(panel, extensionUri, lab, hooks);
  }

  /** Shows the lab a lab file names, in its state, with its locks, hidden controls and instruction. */
  static openLabFile(extensionUri: vscode.Uri, file: LabLabFile, hooks: LabHooks): void {
    const instruction = instructionText(file.instruction, vscode.env.language);
    const view: LabSetupView = {
      seq: Date.now() * 1000 + (LabPanel.seq++ % 1000),
      state: file.state,
      lock: file.lock,
      hide: file.hide,
      ...(instruction ? { instruction } : {}),
    };
    if (LabPanel.current) {
      const p = LabPanel.current;
      p.labFile = { file, view };
      p.requested = file.lab;
      revealPanel(p.panel);
      void p.post({ type: 'showLab', lab: file.lab, setup: view });
      return;
    }
    const panel = createPanel(LAB_VIEW_TYPE, vscode.l10n.t(LAB_STRINGS.pageTitle), webviewOptions(extensionUri));
    LabPanel.current = new LabPanel(panel, extensionUri, file.lab, hooks, { file, view });
  }

  /** After a reload: VS Code hands back the panel and the page's last saved state. */
  static restore(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, hooks: LabHooks): void {
    const saved = typeof state === 'object' && state !== null ? (state as { lab?: unknown }).lab : undefined;
    LabPanel.current?.dispose();
    trackPanel(panel);
    LabPanel.current = new LabPanel(panel, extensionUri, isLabId(saved) ? saved : 'loss', hooks);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    lab: LabId,
    private readonly hooks: LabHooks,
    labFile?: { file: LabLabFile; view: LabSetupView },
  ) {
    this.labFile = labFile;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'walkthrough', 'lab-icon.svg');
    const data: LabPageData = { lab, ...(labFile ? { setup: labFile.view } : {}) };
    panel.webview.html = renderPage(panel.webview, extensionUri, {
      page: 'labs',
      title: vscode.l10n.t(LAB_STRINGS.pageTitle),
      strings: localize({ ...LAB_STRINGS, ...STUDY_NOTE_STRINGS }),
      data,
      styles: ['shared/base.css', 'labs/labs.css'],
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(message: ToLabMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = validated(raw, validateFromLab, (why) =>
      this.hooks.warn(`labs page: dropped an invalid message (${why})`),
    );
    if (!message) return;
    switch (message.type) {
      case 'labShown': {
        if (message.lab === this.requested) this.requested = undefined;
        const key = this.hooks.progressKeyForLab(message.lab);
        if (key) void markStepDone(key);
        break;
      }
      case 'openTutorial':
        void vscode.commands.executeCommand('gradientLab.openTutorial');
        break;
      case 'ready': {
        const setup = this.labFile && this.labFile.file.lab === this.requested ? this.labFile.view : undefined;
        if (this.requested) void this.post({ type: 'showLab', lab: this.requested, ...(setup ? { setup } : {}) });
        break;
      }
      case 'share':
        void this.share(message.lab, message.state);
        break;
      case 'studyNote':
        void handleStudyNote(message);
        break;
    }
  }

  /** "Share this setup": the page's state checked as a lab file would be, locked values as the file has them. */
  private async share(lab: LabId, state: Record<string, unknown>): Promise<void> {
    // Only the keys the lab file format knows: what a page keeps beyond them is not shared.
    let file: LabLabFile;
    try {
      file = checkLabFile({ version: 1, panel: 'lab', lab, state }) as LabLabFile;
    } catch (e) {
      this.hooks.warn(`labs page: not shared (${e instanceof LabFileRefused ? e.message : String(e)})`);
      return;
    }
    const opened = this.labFile?.file.lab === lab ? this.labFile.file : undefined;
    await shareLabFile(keepLocked(file, opened));
  }

  private disposed = false;

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (LabPanel.current === this) LabPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
