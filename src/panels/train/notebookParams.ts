/**
 * A trained run's parameters as a notebook code cell: the run's .npz (saved beside the notebook)
 * loaded into the book's TwoLayerNet, `net.params['W1'] = ...`, so a learner continues in their
 * notebook with the weights they watched train. No vscode import.
 */
import type { RunView } from '../../protocol/train';

/** Whether the notebook already defines or imports TwoLayerNet (a class cell, or `from two_layer_net import TwoLayerNet`). */
export function definesTwoLayerNet(cellTexts: readonly string[]): boolean {
  return cellTexts.some((t) =>
    /^\s*class\s+TwoLayerNet\b|^\s*from\s+[\w.]+\s+import\s+[^#\n]*\bTwoLayerNet\b|^\s*import\s+[^#\n]*\bTwoLayerNet\b/m.test(
      t,
    ),
  );
}

/** A Python string literal for a file name. */
const pyString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function paramsCell(
  run: Pick<RunView, 'name' | 'config' | 'iterations' | 'testAccuracy'>,
  npzName: string,
  hiddenSize: number,
  hasClass: boolean,
): string {
  const accuracy = run.testAccuracy === null ? '' : `, test accuracy ${run.testAccuracy.toFixed(4)}`;
  return [
    `# Gradient Lab: the trained parameters of run "${run.name.replace(/[\r\n]+/g, ' ')}"`,
    `# (hidden ${hiddenSize}, ${run.iterations} iterations${accuracy}), saved as ${npzName} beside this notebook.`,
    'import numpy as np',
    ...(hasClass ? [] : ["from two_layer_net import TwoLayerNet  # the book's ch04/two_layer_net.py"]),
    '',
    `params = np.load(${pyString(npzName)})`,
    `net = TwoLayerNet(input_size=${784}, hidden_size=${hiddenSize}, output_size=10)`,
    "net.params['W1'] = params['W1']",
    "net.params['b1'] = params['b1']",
    "net.params['W2'] = params['W2']",
    "net.params['b2'] = params['b2']",
  ].join('\n');
}
