import * as vscode from 'vscode';
import { trainPanelModule } from './trainPanelModule';

/**
 * "Check TwoLayerNet Gradients": the numerical gradient of every parameter against backprop,
 * computed in a worker and shown in the training panel's gradient-check card.
 */
export function registerCheckNetworkGradients(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('gradientLab.checkNetworkGradients', async () => {
      await (await trainPanelModule()).TrainPanel.show(context).checkNetwork();
    }),
  );
}
