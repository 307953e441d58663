/**
 * The tutorial's wiring, called once from activate(): commands, the "Check my solution"
 * CodeLens, and the labs panel serializer. Registering is cheap; panels, harnesses and workers
 * start only when a command runs.
 */
import * as vscode from 'vscode';
import { LAB_IDS, LAB_STRINGS, isLabId, type LabId } from '../protocol/tutorial';
import { checkExercise } from './checkExercise';
import { EXERCISE_SELECTOR, ExerciseCodeLensProvider } from './codeLens';
import { NotebookExerciseCodeLensProvider } from './checkNotebookExercise';
import { NOTEBOOK_CELL_SELECTOR } from '../commands/notebookCells';
import { createExercise } from './createExercise';
import { ExerciseResults } from './exerciseResults';
import { LAB_VIEW_TYPE, type LabHooks, LabPanel } from '../panels/labs/labPanel';
import { labFileOpeners } from '../commands/labFiles';
import { disposeChannels, tutorialLog } from './log';
import { STEPS, WALKTHROUGH_REF, progressKeyForLab } from './steps';

/** The walkthrough's side of the labs panel (the panel lives in src/panels and imports nothing from here). */
const LAB_HOOKS: LabHooks = { progressKeyForLab, warn: (text) => tutorialLog().warn(text) };
import { initProgress } from '../panels/progress';
import { exportProgress } from './exportProgress';

export function openTutorial(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_REF, false);
}

/** With a lab id (walkthrough links pass one) opens that lab; without, asks which. */
export async function openLab(extensionUri: vscode.Uri, labArg?: unknown): Promise<void> {
  let lab: LabId | undefined = isLabId(labArg) ? labArg : undefined;
  if (!lab) {
    const items = LAB_IDS.map((id) => ({
      id,
      label: vscode.l10n.t(LAB_STRINGS[`lab.${id}`]),
      description: `${STEPS.findIndex((s) => s.labs.includes(id)) + 1}`,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Open a Chapter 4 Lab'),
      placeHolder: vscode.l10n.t('Which lab? (the number is the walkthrough step)'),
    });
    lab = picked?.id;
  }
  if (lab) LabPanel.show(extensionUri, lab, LAB_HOOKS);
}

export function registerTutorial(context: vscode.ExtensionContext): void {
  const { extensionUri } = context;
  const results = new ExerciseResults();
  // Lab files (*.gradientlab.json) that name a lab open here.
  labFileOpeners.lab = (file) => LabPanel.openLabFile(extensionUri, file, LAB_HOOKS);
  initProgress(context.globalState);
  context.subscriptions.push(
    results,
    { dispose: disposeChannels },
    vscode.commands.registerCommand('gradientLab.openTutorial', openTutorial),
    vscode.commands.registerCommand('gradientLab.openLab', (lab?: unknown) => openLab(extensionUri, lab)),
    vscode.commands.registerCommand('gradientLab.createExercise', (language?: unknown) =>
      createExercise(extensionUri, language),
    ),
    vscode.commands.registerCommand('gradientLab.checkExercise', (uri?: unknown, exercise?: unknown) =>
      checkExercise(extensionUri, results, uri, exercise),
    ),
    vscode.commands.registerCommand('gradientLab.exportProgress', () => exportProgress(extensionUri)),
    vscode.languages.registerCodeLensProvider(EXERCISE_SELECTOR, new ExerciseCodeLensProvider(results)),
    vscode.languages.registerCodeLensProvider(NOTEBOOK_CELL_SELECTOR, new NotebookExerciseCodeLensProvider(results)),
    vscode.window.registerWebviewPanelSerializer(LAB_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => LabPanel.restore(panel, extensionUri, state, LAB_HOOKS),
    }),
  );
}
