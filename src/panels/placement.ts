/**
 * Where every Gradient Lab panel opens — the labs, the training panel, the gradient check — decided
 * once: beside what the learner is looking at (the walkthrough, their code), in one column that
 * all the panels share. A panel never opens over the editor group the learner is in (the
 * walkthrough's "Train TwoLayerNet" used to cover the walkthrough and its tick), and a second
 * panel never opens a third, narrow column: it joins the first panel's column.
 */
import * as vscode from 'vscode';

const open = new Set<vscode.WebviewPanel>();

/** The column of the learner's active editor group, if VS Code says. */
function activeColumn(): vscode.ViewColumn | undefined {
  return vscode.window.tabGroups?.activeTabGroup?.viewColumn;
}

/** Where a new panel goes: the column another Gradient Lab panel is in (not the active one), else beside. */
export function panelColumn(): vscode.ViewColumn {
  const active = activeColumn();
  for (const p of open) {
    const c = p.viewColumn;
    if (c !== undefined && c !== active) return c;
  }
  return vscode.ViewColumn.Beside;
}

/** Counts a panel (new or revived after a reload) among those that share the column. */
export function trackPanel(panel: vscode.WebviewPanel): void {
  open.add(panel);
  panel.onDidDispose(() => open.delete(panel));
}

export function createPanel(
  viewType: string,
  title: string,
  options: vscode.WebviewPanelOptions & vscode.WebviewOptions,
  preserveFocus = false,
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    viewType,
    title,
    { viewColumn: panelColumn(), preserveFocus },
    options,
  );
  trackPanel(panel);
  return panel;
}

/**
 * Shows a panel that is already open where it is — unless it sits, hidden, in the learner's
 * active group (it was dragged or restored there): then beside it, so it does not cover what the
 * learner is looking at.
 */
export function revealPanel(panel: vscode.WebviewPanel, preserveFocus = false): void {
  const active = activeColumn();
  if (active !== undefined && panel.viewColumn === active && !panel.active)
    panel.reveal(panelColumnExcept(panel), preserveFocus);
  else panel.reveal(undefined, preserveFocus);
}

function panelColumnExcept(panel: vscode.WebviewPanel): vscode.ViewColumn {
  const active = activeColumn();
  for (const p of open) if (p !== panel && p.viewColumn !== undefined && p.viewColumn !== active) return p.viewColumn;
  return vscode.ViewColumn.Beside;
}
