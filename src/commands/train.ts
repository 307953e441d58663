import * as vscode from 'vscode';
import { TRAIN_VIEW_TYPE } from '../protocol/train';
import { registerCheckNetworkGradients } from './checkNetworkGradients';
import { loadedTrainPanelModule, trainPanelModule } from './trainPanelModule';

/** "Train TwoLayerNet", the panel's reload serializer, and "Check TwoLayerNet Gradients". */
export function registerTrain(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLab.train', async () => {
      (await trainPanelModule()).TrainPanel.show(context);
    }),
    vscode.window.registerWebviewPanelSerializer(TRAIN_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        (await trainPanelModule()).TrainPanel.revive(panel, context);
      },
    }),
    // On deactivation (window reload, shutdown) end the training worker; the panel itself stays for the serializer.
    { dispose: () => loadedTrainPanelModule()?.TrainPanel.current?.endWorker() },
  );
  registerCheckNetworkGradients(context);
  // A trained run's weights as a notebook cell (loaded on first use).
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLab.paramsToNotebook', async (runId?: unknown) =>
      (await import('./paramsToNotebookCommand')).paramsToNotebook(context, runId),
    ),
  );
}
