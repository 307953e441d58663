/**
 * The real interpreter behind a `python3` that is a shim (pyenv, asdf, mise): starting through the
 * shim costs a shell script and a version lookup on every check — about 1.7 s on a busy 2-core
 * machine, against 0.5 s for the interpreter itself. The harness reports `sys.executable`; it is
 * remembered per command and folder (a shim picks the version by the folder's .python-version)
 * and started directly from the next check on; a path that has gone away falls back to the
 * command, so errors are reported exactly as before. What makes a shim pick another version is
 * part of the key: PYENV_VERSION, and the path and modification time of the nearest
 * .python-version (or .tool-versions) above the folder and of pyenv's global version file — so a
 * `pyenv local 3.12` is seen at the next check.
 */
import { existsSync, statSync } from 'fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'path';

const cache = new Map<string, string>();

/** Where a command runs from: itself with a slash, else the first match on PATH. */
function whereIs(command: string, cwd: string): string | undefined {
  if (command.includes('/') || command.includes('\\')) return isAbsolute(command) ? command : resolve(cwd, command);
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  return undefined;
}

/**
 * A version manager's shim (…/shims/python3 of pyenv, asdf, mise): only those are looked through.
 * Any other command — a wrapper that adds flags or environment — is run as it is.
 */
export function isShim(command: string, cwd: string): boolean {
  const path = whereIs(command, cwd);
  return path !== undefined && /[\\/]shims[\\/][^\\/]+$/.test(path);
}

/** The interpreter to start: the one a shim led to last time in this folder, else the command itself. */
export function resolveInterpreter(command: string, cwd: string): string {
  const path = cache.get(key(command, cwd));
  if (path && existsSync(path)) return path;
  return command;
}

/**
 * What a check run through `command` reported as sys.executable: remembered for the next check
 * when `command` is a shim. The first check pays the shim once, with no extra start.
 */
export function rememberInterpreter(command: string, cwd: string, executable: unknown): void {
  if (typeof executable === 'string' && executable && existsSync(executable) && isShim(command, cwd))
    cache.set(key(command, cwd), executable);
}

/** Forgets every shim's interpreter (the latency benchmark's "first check" measures the shim again). */
export function forgetInterpreters(): void {
  cache.clear();
}

const key = (command: string, cwd: string) =>
  `${command}\0${cwd}\0${process.env.PYENV_VERSION ?? ''}\0${versionStamp(cwd)}`;

const mtime = (path: string): number | undefined => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The version files a shim reads for `cwd` (the nearest local one and the global one), with their mtimes. */
export function versionStamp(cwd: string): string {
  const parts: string[] = [];
  for (let dir = resolve(cwd), k = 0; k < 64; k++) {
    const found = ['.python-version', '.tool-versions'].map((f) => join(dir, f)).find((f) => mtime(f) !== undefined);
    if (found) {
      parts.push(`${found}@${mtime(found)}`);
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
  parts.push(`global@${mtime(join(root, 'version')) ?? ''}`);
  return parts.join('|');
}
