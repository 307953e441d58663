/**
 * One real VS Code for a test file: code-server (VS Code's workbench + server + Node extension
 * host) on a free loopback port, with its own user-data, extensions and workspace folders, the
 * packaged VSIX installed, and optionally Korean as the display language or workspace trust on.
 * Started in its own session (setsid) so stop() can end the server, its extension host and every
 * process they started, by process group.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, toolchain, type Toolchain } from './toolchain';

export interface ServerOptions {
  /** Names the temp folder and the log, e.g. 'train'. */
  name: string;
  /** 'ko' sets VS Code's display language to Korean the way a user does (argv.json "locale"). */
  locale?: 'ko';
  /** false: Workspace Trust is on and the folder opens in Restricted Mode. */
  trusted?: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Files to put in the workspace (path relative to the folder → content), after the fixtures. */
  files?: Record<string, string>;
  /** Lets the workbench read extensionDevelopmentPath/extensionTestsPath from the URL (integration tests). */
  smokeTestDriver?: boolean;
}

export interface CodeServer {
  port: number;
  /** The workspace folder (a copy of test/e2e/fixtures/workspace plus `files`). */
  workspace: string;
  userDataDir: string;
  /** The workbench URL for the workspace folder. */
  url: string;
  pid: number;
  log: string;
  /** PIDs of the extension host processes (children of the server running bootstrap-fork --type=extensionHost). */
  extensionHostPids(): number[];
  /** The remote extension host's log (extension activation is recorded there). */
  extensionHostLog(): string;
  /** What the extension wrote to its log output channels whose name contains `channel`. */
  extensionLogs(channel: string): string;
  stop(): Promise<void>;
}

/** Keeps the workbench quiet and deterministic: no startup editor, tips, AI chat, or update checks. */
const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
  'editor.codeLens': true,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.colorTheme': 'Default Light Modern',
};

const FIXTURES = join(ROOT, 'test', 'e2e', 'fixtures', 'workspace');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

function env(tc: Toolchain, home: string): NodeJS.ProcessEnv {
  // code-server needs Node 24 first on PATH; its own config goes to a private XDG home.
  return {
    ...process.env,
    PATH: `${dirname(tc.node)}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
  };
}

function install(tc: Toolchain, vsix: string, userDataDir: string, extensionsDir: string, home: string): void {
  execFileSync(
    tc.codeServer,
    ['--install-extension', vsix, '--force', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir],
    {
      env: env(tc, home),
      stdio: 'pipe',
      timeout: 120_000,
    },
  );
}

/**
 * VS Code builds a display language from languagepacks.json in the user-data folder; a running
 * server writes it when a language pack is installed through it, but `--install-extension` from the
 * command line does not. So write the entry the server would (same fields, same hash).
 */
function registerKoreanLanguagePack(userDataDir: string, extensionsDir: string): void {
  const dir = readdirSync(extensionsDir).find((d) => d.startsWith('gradient-lab-e2e.e2e-language-pack-ko-'));
  if (!dir) throw new Error(`The Korean language pack fixture is not installed in ${extensionsDir}`);
  const manifest = JSON.parse(readFileSync(join(extensionsDir, dir, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`;
  const hash = createHash('md5').update(id).update(manifest.version).digest('hex');
  writeJson(join(userDataDir, 'languagepacks.json'), {
    ko: {
      hash,
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations: { vscode: join(extensionsDir, dir, 'translations', 'main.i18n.json') },
      label: '한국어',
    },
  });
  writeJson(join(userDataDir, 'User', 'argv.json'), { locale: 'ko' });
}

async function waitHealthy(port: number, child: ChildProcess, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `code-server exited (${child.exitCode ?? child.signalCode}) before it served; its log ${log}:\n${tail(log)}`,
      );
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `code-server did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s; its log ${log}:\n${tail(log)}`,
  );
}

function tail(file: string, lines = 30): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}

/** Parent PID of every process, from /proc. */
function processTable(): { pid: number; ppid: number; cmd: string }[] {
  const out: { pid: number; ppid: number; cmd: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(d), ppid, cmd });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

export function descendants(pid: number): { pid: number; cmd: string }[] {
  const table = processTable();
  const found: { pid: number; cmd: string }[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const row of table) if (row.ppid === p) found.push(row), queue.push(row.pid);
  }
  return found;
}

/** Names of a process's threads (Node names a worker_threads Worker "WorkerThread"). */
export function threadNames(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      } catch {
        return '';
      }
    });
  } catch {
    return [];
  }
}

const squash = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

export async function startCodeServer(opts: ServerOptions): Promise<CodeServer> {
  const tc = toolchain();
  const base = mkdtempSync(join(tmpdir(), `gl-e2e-${opts.name}-`));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const home = join(base, 'home');
  const workspace = join(base, 'workspace');
  mkdirSync(home, { recursive: true });
  cpSync(FIXTURES, workspace, { recursive: true });
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(workspace, rel)), { recursive: true });
    writeFileSync(join(workspace, rel), content);
  }

  const trusted = opts.trusted ?? true;
  writeJson(join(userDataDir, 'User', 'settings.json'), {
    ...BASE_SETTINGS,
    'security.workspace.trust.enabled': !trusted,
    // Untrusted: open straight into Restricted Mode instead of asking (the question is VS Code's, not ours).
    ...(trusted
      ? {}
      : { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' }),
    ...opts.settings,
  });

  install(tc, tc.vsix, userDataDir, extensionsDir, home);
  if (opts.locale === 'ko') {
    install(tc, tc.koLanguagePack, userDataDir, extensionsDir, home);
    registerKoreanLanguagePack(userDataDir, extensionsDir);
  }

  const port = await freePort();
  const log = join(base, 'code-server.log');
  const out = createWriteStream(log);
  await new Promise((r) => out.on('open', r));
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(trusted ? ['--disable-workspace-trust'] : []),
    ...(opts.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  // detached: the child calls setsid(), so it leads its own process group (killed as a whole below).
  const child = spawn(tc.codeServer, args, { env: env(tc, home), detached: true, stdio: ['ignore', out, out] });
  registerForCleanup(child.pid!);
  await waitHealthy(port, child, log);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
    // The tests copy what explains a failure (logs, screenshots) to test-results/e2e; GL_E2E_KEEP=1 keeps the rest.
    if (!process.env.GL_E2E_KEEP) rmSync(base, { recursive: true, force: true });
  };

  return {
    port,
    workspace,
    userDataDir,
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    pid: child.pid!,
    log,
    extensionHostPids: () =>
      descendants(child.pid!)
        .filter((p) => p.cmd.includes('--type=extensionHost'))
        .map((p) => p.pid),
    extensionHostLog: () => {
      const logs = join(userDataDir, 'logs');
      if (!existsSync(logs)) return '';
      return readdirSync(logs)
        .flatMap((session) =>
          existsSync(join(logs, session))
            ? readdirSync(join(logs, session))
                .filter((d) => d.startsWith('exthost'))
                .map((d) => join(logs, session, d, 'remoteexthost.log'))
            : [],
        )
        .filter(existsSync)
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    },
    extensionLogs: (channel: string) => {
      const logs = join(userDataDir, 'logs');
      const found: string[] = [];
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          // VS Code names the file after the channel without characters unsafe in file names ("Gradient Lab Training.log").
          else if (dir.includes('gradient-lab.gradient-lab') && squash(e.name).includes(squash(channel)))
            found.push(readFileSync(join(dir, e.name), 'utf8'));
        }
      };
      if (existsSync(logs)) walk(logs);
      return found.join('\n');
    },
    stop,
  };
}

/** If a test process dies without after(), still end its servers (the runner also kills from this list). */
const started = new Set<number>();
function registerForCleanup(pid: number): void {
  started.add(pid);
  const dir = process.env.GL_E2E_PIDS;
  if (dir) writeFileSync(join(dir, String(pid)), '');
}
process.on('exit', () => {
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
