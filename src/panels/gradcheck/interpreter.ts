import * as vscode from 'vscode';

/**
 * The learner's Python: the interpreter selected in the Python extension (ms-python.python) when
 * it is installed, else the gradientLab.pythonPath setting, else python3. Everything about the
 * Python extension is guarded: its API may be missing, older, or fail to activate.
 */

export interface Interpreter {
  command: string;
  source: 'python-extension' | 'setting' | 'default';
  /** How to pick another one, for "Python not found" messages (already translated). */
  hint: string;
}

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { id?: string; path?: string } | undefined;
    resolveEnvironment?(env: unknown): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

async function fromPythonExtension(resource: vscode.Uri): Promise<string | undefined> {
  try {
    const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
    if (!ext) return undefined;
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envPath = api?.environments?.getActiveEnvironmentPath?.(resource);
    if (envPath) {
      const resolved = await api.environments?.resolveEnvironment?.(envPath);
      const exe = resolved?.executable?.uri?.fsPath;
      if (exe) return exe;
    }
    const exec = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (Array.isArray(exec) && exec.length === 1 && typeof exec[0] === 'string' && exec[0]) return exec[0];
  } catch {
    /* an older or failing Python extension: fall back to our own setting */
  }
  return undefined;
}

function expandVariables(value: string, resource: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(resource)?.uri.fsPath ?? '';
  return value.replace(/\$\{workspaceFolder\}/g, folder).replace(/^~(?=[\\/])/, process.env.HOME ?? '~');
}

export async function pythonInterpreter(resource: vscode.Uri): Promise<Interpreter> {
  const fromExtension = await fromPythonExtension(resource);
  if (fromExtension) {
    return {
      command: fromExtension,
      source: 'python-extension',
      hint: vscode.l10n.t('choose another interpreter with "Python: Select Interpreter"'),
    };
  }
  const setting = vscode.workspace.getConfiguration('gradientLab', resource).get<string>('pythonPath')?.trim();
  if (setting)
    return {
      command: expandVariables(setting, resource),
      source: 'setting',
      hint: vscode.l10n.t('correct the gradientLab.pythonPath setting'),
    };
  return {
    command: process.platform === 'win32' ? 'python' : 'python3',
    source: 'default',
    hint: vscode.l10n.t(
      'set gradientLab.pythonPath to your Python, or select an interpreter with the Python extension',
    ),
  };
}
