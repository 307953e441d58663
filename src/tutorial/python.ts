/** Which Python runs the learner's exercise: the Python extension's selected one, else python3. */
import * as vscode from 'vscode';

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  resolveEnvironment?(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
}

export function defaultPython(): string {
  return process.platform === 'win32' ? 'python' : 'python3';
}

export async function pythonFor(resource: vscode.Uri): Promise<string> {
  const ext = vscode.extensions.getExtension<{ environments?: PythonEnvironmentsApi }>('ms-python.python');
  if (!ext) return defaultPython();
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const env = api?.environments?.getActiveEnvironmentPath(resource);
    if (!env?.path) return defaultPython();
    const resolved = await api?.environments?.resolveEnvironment?.(env);
    return resolved?.executable?.uri?.fsPath ?? env.path;
  } catch {
    // The Python extension failing is no reason not to check: fall back to the PATH's python.
    return defaultPython();
  }
}
