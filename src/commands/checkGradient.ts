import * as vscode from 'vscode';
import { requireCheckTrust } from './trust';
import {
  conventionalGradient,
  findFunction,
  functionAt,
  lossOfGradient,
  outline,
  qualifiedName,
  returnNames,
  returnsGradient,
} from '../gradcheck/source/findFunctions';
import { functionsBeside } from '../gradcheck/source/otherFiles';
import { GRADCHECK_LANGUAGES, CheckGradientLensProvider, gradcheckLanguage } from './checkGradientLens';
import { NOTEBOOK_CELL_SELECTOR, notebookLossOfGradient, notebookOutline } from './notebookCells';
import { registerReplayExample } from './replayExample';
import { insideWorkspace, labFileOpeners } from './labFiles';
import { languageOf } from '../gradcheck/source/findFunctions';
import { importedFunctions } from '../gradcheck/source/imports';
import { labCheckTarget } from '../gradcheck/labTarget';
import { readRegularFile } from '../node/files';
import { type GradcheckLabFile, LabFileRefused } from '../protocol/labFile';
import { dirname, join } from 'path';
import { existsSync } from 'fs';

type PanelModule = typeof import('../panels/gradcheck/gradcheckPanel');
let panelModule: PanelModule | undefined;
/** The panel (and the runners behind it) load on first use: nothing of them runs at activation. */
const loadPanel = async (): Promise<PanelModule> =>
  (panelModule ??= await import('../panels/gradcheck/gradcheckPanel'));
type WarmModule = typeof import('../panels/gradcheck/warmChecks');
let warmModule: WarmModule | undefined;
const loadWarm = async (): Promise<WarmModule> => (warmModule ??= await import('../panels/gradcheck/warmChecks'));

/**
 * "Check Gradient of Selection" from the palette, the editor's context menu or a CodeLens. It
 * runs the learner's code, so it is refused — with the reason and a way out — in untrusted
 * workspaces.
 */
export function registerCheckGradient(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('gradientLab.gradcheck');
  // A file with lenses gets a spare checker ahead of its first check (warmChecks.ts).
  const lenses = new CheckGradientLensProvider((document) => {
    void loadWarm()
      .then((w) => w.prestartChecks(context, document))
      .catch(() => undefined);
  });
  context.subscriptions.push(
    diagnostics,
    lenses,
    vscode.commands.registerCommand('gradientLab.checkGradient', (uri?: unknown, functionName?: unknown) =>
      checkGradient(context, diagnostics, uri, functionName),
    ),
    // Python cells of notebooks (the built-in notebook editor) too: vscode-notebook-cell documents.
    vscode.languages.registerCodeLensProvider(
      [...GRADCHECK_LANGUAGES.map((language) => ({ language })), NOTEBOOK_CELL_SELECTOR],
      lenses,
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => lenses.refresh()),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('gradientLab.checkGradient.codeLens') && lenses.refresh(),
    ),
    // A syntax-error diagnostic is about the text that was checked: editing that file clears it.
    vscode.workspace.onDidChangeTextDocument(
      (e) => e.contentChanges.length && diagnostics.has(e.document.uri) && diagnostics.delete(e.document.uri),
    ),
    { dispose: () => panelModule?.GradcheckPanel.current?.dispose() },
    { dispose: () => warmModule?.disposeWarmChecks() },
  );
  registerReplayExample(context, diagnostics, loadPanel);
  labFileOpeners.gradcheck = (file, labUri) => openCheckLab(context, diagnostics, file, labUri);
}

/** Bytes: the learner's file a lab file names is read whole, like the editor's text of it. */
const LEARNER_FILE_MAX = 8_000_000;

/** A gradient-check lab file: the learner's file beside it, the function it names, its inputs and locks. */
async function openCheckLab(
  context: vscode.ExtensionContext,
  diagnostics: vscode.DiagnosticCollection,
  lab: GradcheckLabFile,
  labUri: vscode.Uri,
): Promise<void> {
  const path = join(dirname(labUri.fsPath), ...lab.file.split('/'));
  const language = languageOf(path);
  if (!language) throw new LabFileRefused([{ field: 'file', reason: 'oneOf', args: ['.py, .js, .ts'] }]);
  if (!existsSync(path)) throw new LabFileRefused([{ field: 'file', reason: 'noFile', args: [lab.file] }]);
  // A link out of the workspace is refused like a path with "..".
  if (!insideWorkspace(path)) throw new LabFileRefused([{ field: 'file', reason: 'path', args: [] }]);
  const uri = vscode.Uri.file(path);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let source: string;
  try {
    source = open ? open.getText() : new TextDecoder().decode(readRegularFile(path, LEARNER_FILE_MAX));
  } catch {
    throw new LabFileRefused([{ field: 'file', reason: 'noFile', args: [lab.file] }]);
  }
  const target = labCheckTarget(lab, source, language);
  (await loadPanel()).GradcheckPanel.show(context, diagnostics, {
    uri,
    ...target,
    ...(lab.inputs ? { inputs: lab.inputs } : {}),
    ...(lab.wrt !== undefined ? { wrt: lab.wrt } : {}),
    ...(lab.h !== undefined ? { h: lab.h } : {}),
    lab,
  });
}

async function checkGradient(
  context: vscode.ExtensionContext,
  diagnostics: vscode.DiagnosticCollection,
  uriArg: unknown,
  nameArg: unknown,
): Promise<void> {
  if (!(await requireCheckTrust())) return;
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
  const language = document ? gradcheckLanguage(document) : undefined;
  if (!document || !language) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Open a Python, JavaScript or TypeScript file and put the cursor in the loss function you want to check.',
      ),
    );
    return;
  }
  const o = outline(document.getText(), language);
  let loss = typeof nameArg === 'string' ? findFunction(o, nameArg) : undefined;
  if (!loss && editor && editor.document.uri.toString() === document.uri.toString())
    loss = functionAt(o, editor.selection.start.line + 1);
  if (!loss && o.functions.length === 0 && language === 'python' && document.uri.scheme === 'file') {
    // A script that only imports the learner's network (the book's ch05/gradient_check.py): offer what it imports.
    const imported = importedFunctions(document.getText(), document.uri.fsPath);
    if (imported.length > 0) {
      const pick = await vscode.window.showQuickPick(
        imported.map(({ file, fn }) => ({
          label: qualifiedName(fn),
          description: `(${fn.params.join(', ')})`,
          detail: vscode.l10n.t('{0}, line {1}', vscode.workspace.asRelativePath(file), String(fn.line)),
          file,
          fn,
        })),
        {
          placeHolder: vscode.l10n.t(
            '{0} defines no function: which one it imports is the loss?',
            vscode.workspace.asRelativePath(document.uri),
          ),
        },
      );
      if (pick) await checkGradient(context, diagnostics, vscode.Uri.file(pick.file), qualifiedName(pick.fn));
      return;
    }
  }
  if (!loss) {
    if (o.functions.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'No function found in {0}: Gradient Lab checks top-level functions and methods of top-level classes.',
          vscode.workspace.asRelativePath(document.uri),
        ),
      );
      return;
    }
    const pick = await vscode.window.showQuickPick(
      o.functions.map((f) => ({
        label: qualifiedName(f),
        description: `(${f.params.join(', ')})`,
        detail: vscode.l10n.t('line {0}', String(f.line)),
        f,
      })),
      { placeHolder: vscode.l10n.t('Which function is the loss?') },
    );
    if (!pick) return;
    loss = pick.f;
  }
  // The cursor (or a name) in a gradient function, cross_entropy_error_grad: check it as the
  // gradient of its loss, cross_entropy_error, not as a loss of its own.
  const lossOfIt = lossOfGradient(o, loss) ?? notebookLossOfGradient(document, loss);
  if (lossOfIt) {
    (await loadPanel()).GradcheckPanel.show(context, diagnostics, {
      uri: document.uri,
      functionName: qualifiedName(lossOfIt),
      gradientName: qualifiedName(loss),
    });
    return;
  }
  // Its gradient by name (f_grad, grad_f, fGrad, a backward method, ...) or chosen here; none is fine.
  // A loss that returns its gradient with it (return loss, dW / { cost, grad }) needs no other.
  let gradientName: string | null | undefined;
  // In a notebook cell the gradient may be in another cell: look in the cells the check runs.
  const scope = notebookOutline(document, qualifiedName(loss)) ?? o;
  const scopeLoss = scope === o ? loss : (findFunction(scope, qualifiedName(loss)) ?? loss);
  const lossText = document
    .getText()
    .split('\n')
    .slice(loss.line - 1, loss.endLine)
    .join('\n');
  const returnsItsGradient =
    language === 'python' ? (returnNames(lossText)?.length ?? 0) >= 2 : returnsGradient(lossText);
  if (!conventionalGradient(scope, scopeLoss) && !returnsItsGradient) {
    const others = scope.functions
      .filter((f) => f !== scopeLoss)
      .map((f) => ({
        label: qualifiedName(f),
        description: `(${f.params.join(', ')})`,
        name: qualifiedName(f) as string | null,
      }));
    // Functions of the JavaScript/TypeScript files beside it, as ./grad.ts:name.
    for (const f of await functionsBeside(document.uri.fsPath))
      others.push({ label: f.ref, description: `(${f.params.join(', ')})`, name: f.ref });
    if (others.length) {
      const none = { label: vscode.l10n.t('(none: numerical gradient only)'), name: null as string | null };
      const pick = await vscode.window.showQuickPick([none, ...others], {
        placeHolder: vscode.l10n.t('Which function is the gradient of {0}?', qualifiedName(loss)),
      });
      gradientName = pick ? pick.name : null;
    } else gradientName = null;
  }
  (await loadPanel()).GradcheckPanel.show(context, diagnostics, {
    uri: document.uri,
    functionName: qualifiedName(loss),
    gradientName,
  });
}
