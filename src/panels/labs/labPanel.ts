/**
 * The labs panel: one webview (webview/labs) beside the walkthrough, reused for every lab. It
 * survives a window reload through a WebviewPanelSerializer (the page keeps its lab and inputs in
 * webview state), so retainContextWhenHidden is not needed. What the walkthrough does when a lab is
 * shown, and where dropped messages are logged, come from src/tutorial/register.ts (`LabHooks`), so the
 * panel imports nothing from src/tutorial.
 */
import * as vscode from 'vscode';
import { LAB_STRINGS, isLabId, validateFromLab, type LabId, type LabPageData, type ToLabMessage } from '../../protocol';
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
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'walkthrough', 'lab-icon.svg');
    const data: LabPageData = { lab };
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
      case 'ready':
        if (this.requested) void this.post({ type: 'showLab', lab: this.requested });
        break;
      case 'studyNote':
        void handleStudyNote(message);
        break;
    }
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
