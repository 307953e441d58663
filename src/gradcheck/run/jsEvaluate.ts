import { existsSync, readFileSync, statSync } from 'fs';
import { createRequire } from 'module';
import { dirname, isAbsolute, join, resolve as resolvePath, sep } from 'path';
import * as vm from 'vm';
import { checkInContext } from './jsCheckInContext';
import { JsSyntaxError, lineColumn } from '../source/jsTokens';
import { toCommonJs } from './jsModule';
import { isTypeScriptFile, stripTypes } from '../source/tsStrip';
import type { RunError, RunRequest, RunResult, TraceFrame } from '../types';

/**
 * Runs a learner's JavaScript/TypeScript check inside a fresh vm context (called in the
 * jsRunnerWorker thread). Their file and the local files it imports are type-stripped, turned
 * into CommonJS and run as scripts in the context; packages and Node's own modules come from a
 * real `require` rooted at their file. One vm timeout covers loading, another the whole check.
 * The vm is not a security boundary (the workspace must be trusted): it keeps a learner's
 * mistakes — an endless loop, a runaway allocation — from taking the editor down.
 */

const CHECK_FILE = 'gradient-lab-check.js';
/** A name, or a dotted path for an object's method (nnjs.functions.sigmoid's owner is nnjs.functions). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const EXTENSIONS = ['', '.ts', '.js', '.mjs', '.cjs', '.mts', '.cts', '.json'];

interface Thrown {
  glError?: boolean;
  kind?: RunError['kind'];
  message?: string;
  fn?: RunError['fn'];
  cause?: unknown;
  [key: string]: unknown;
}

/** A syntax error as thrown to the checker: the message, the file, the line (and column) and its text. */
function syntaxError(
  message: string,
  file: string,
  code: string,
  line: number | undefined,
  at: { column?: number } = {},
): Thrown {
  return {
    glError: true,
    kind: 'syntax',
    message: `SyntaxError: ${message}`,
    file,
    line,
    ...at,
    source: line ? code.split('\n')[line - 1]?.trim() : undefined,
  };
}

/** Type-stripped CommonJS for a file, or a thrown syntax error at the right line. */
export function prepareSource(source: string, file: string): string {
  try {
    return toCommonJs(isTypeScriptFile(file) ? stripTypes(source) : source);
  } catch (e) {
    if (e instanceof JsSyntaxError) {
      const { line, column } = lineColumn(source, e.offset);
      throw syntaxError(e.message, file, source, line, { column });
    }
    throw e;
  }
}

function compile(code: string, file: string, columnOffset = 0): vm.Script {
  try {
    return new vm.Script(code, { filename: file, columnOffset });
  } catch (e) {
    const err = e as Error;
    // V8 puts "file:line" on the first line of a SyntaxError's stack.
    const m = /^(.*):(\d+)\n/.exec(err.stack ?? '');
    const line = m ? Number(m[2]) : undefined;
    throw syntaxError(err.message, file, code, line);
  }
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = isAbsolute(spec) ? spec : resolvePath(dirname(from), spec);
  for (const ext of EXTENSIONS) {
    const p = base + ext;
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  // A compiled-to-.js import of a .ts file: import './util.js' where util.ts is on disk.
  const ts = base.replace(/\.js$/, '.ts');
  if (ts !== base && existsSync(ts)) return ts;
  for (const index of ['index.ts', 'index.js']) if (existsSync(join(base, index))) return join(base, index);
  return undefined;
}

function makeRequire(
  fromFile: string,
  ctx: vm.Context,
  cache: Map<string, { exports: unknown }>,
): (spec: string) => unknown {
  return (spec: string) => {
    if (!spec.startsWith('./') && !spec.startsWith('../') && !isAbsolute(spec)) return createRequire(fromFile)(spec);
    const path = resolveLocal(fromFile, spec);
    if (!path) throw new Error(`Cannot find module '${spec}' (looked next to ${fromFile})`);
    if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8'));
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const module = { exports: {} as unknown };
    cache.set(path, module);
    const wrapper = '(function (exports, require, module, __filename, __dirname) {';
    const fn = compile(
      `${wrapper}${prepareSource(readFileSync(path, 'utf8'), path)}\n})`,
      path,
      -wrapper.length,
    ).runInContext(ctx) as (...a: unknown[]) => void;
    fn(module.exports, makeRequire(path, ctx, cache), module, path, dirname(path));
    return module.exports;
  };
}

/** The stack frames that are in the learner's folder, innermost first. */
export function userFrames(
  stack: string | undefined,
  folder: string,
  readLine: (file: string, line: number) => string | undefined,
): TraceFrame[] {
  const frames: TraceFrame[] = [];
  for (const raw of (stack ?? '').split('\n')) {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(raw);
    if (!m?.[2].startsWith(folder + sep) || m[2].includes(`${sep}node_modules${sep}`)) continue;
    const line = Number(m[3]);
    frames.push({
      file: m[2],
      line,
      function: m[1]?.replace(/^(Object|Function)\./, '') || undefined,
      source: readLine(m[2], line),
    });
  }
  return frames;
}

/**
 * A RunError for whatever loading or calling the learner's code threw: a syntax error at its line,
 * a vm timeout, or an exception at the innermost frame in the learner's folder.
 */
export function toRunError(e: unknown, file: string, source: string, phase: string, timeoutMs: number): RunError {
  const t = (e ?? {}) as Thrown & Error & { code?: string };
  if (t.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
    return { kind: 'timeout', message: `stopped after ${(timeoutMs / 1000).toFixed(1)} s`, phase };
  const readLine = (path: string, line: number) =>
    (path === file ? source : safeRead(path))?.split('\n')[line - 1]?.trim();
  if (t.glError && t.kind !== 'exception') {
    const { glError, kind, message, ...rest } = t;
    void glError;
    return { kind: kind!, message: message ?? '', ...rest } as RunError;
  }
  const cause = (t.glError ? t.cause : e) as Error & { code?: string };
  if (cause && (cause as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
    return { kind: 'timeout', message: `stopped after ${(timeoutMs / 1000).toFixed(1)} s`, phase };
  const isError = cause !== null && typeof cause === 'object' && typeof cause.message === 'string';
  const name = isError ? cause.name || 'Error' : 'Uncaught';
  const trace = isError ? userFrames(cause.stack, dirname(file), readLine) : [];
  const at = trace[0];
  return {
    kind: 'exception',
    message: clipped(`${name}: ${isError ? cause.message : String(cause)}`),
    exception: name,
    fn: t.fn ?? (phase === 'load' ? 'load' : undefined),
    ...(at ? { file: at.file, line: at.line, source: at.source, function: at.function } : {}),
    trace: trace.slice(0, 8),
  };
}

/** An exception's text is shown, not kept: at most this many characters of it. */
const MESSAGE_CAP = 2000;
const clipped = (text: string) =>
  text.length <= MESSAGE_CAP ? text : `${text.slice(0, MESSAGE_CAP)} [… ${text.length - MESSAGE_CAP} more characters]`;

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export interface LoadOptions {
  /** Globals of the fresh context besides module, exports, require, __filename and __dirname. */
  globals?: Record<string, unknown>;
  /** Code run in the context before the learner's file (e.g. a seeded Math.random). */
  prelude?: string;
  /** The vm time limit for running the learner's file (and what it imports). */
  timeoutMs: number;
}

export type Loaded = { ok: true; context: vm.Context; exports: unknown } | { ok: false; error: RunError };

/**
 * Loads a learner's file into a fresh vm context the way Node would: type-stripped when it is
 * TypeScript, import/export turned into CommonJS, local imports loaded into the same context,
 * packages from a real `require`. Top-level declarations stay globals of the context. A failure
 * is a RunError at the learner's line (toRunError, phase 'load').
 */
export function loadModule(source: string, file: string, options: LoadOptions): Loaded {
  try {
    const code = prepareSource(source, file);
    const module = { exports: {} as unknown };
    const cache = new Map<string, { exports: unknown }>([[file, module]]);
    const context = vm.createContext({
      ...options.globals,
      module,
      exports: module.exports,
      __filename: file,
      __dirname: dirname(file),
    });
    context.require = makeRequire(file, context, cache);
    if (options.prelude) vm.runInContext(options.prelude, context);
    compile(code, file).runInContext(context, { timeout: options.timeoutMs });
    return { ok: true, context, exports: module.exports };
  } catch (e) {
    return { ok: false, error: toRunError(e, file, source, 'load', options.timeoutMs) };
  }
}

export function evaluateJs(req: RunRequest): RunResult {
  const started = Date.now();
  const remaining = () => Math.max(1, req.timeoutMs - (Date.now() - started));
  const printed: string[] = [];
  const stdout = () => printed.join('\n').slice(-2000);
  let phase = 'load';
  let source = '';
  try {
    for (const name of [req.loss.name, req.loss.className, req.gradient?.name, req.gradient?.className]) {
      if (name !== undefined && !IDENTIFIER.test(name))
        return { ok: false, error: { kind: 'not-found', message: `'${name}' is not a JavaScript name` } };
    }
    source = req.source ?? readFileSync(req.file, 'utf8');
    const log = (...a: unknown[]) => {
      if (printed.join('\n').length < 4000)
        printed.push(a.map((v) => (typeof v === 'string' ? v : safeJson(v))).join(' '));
    };
    const loadStarted = Date.now();
    const loaded = loadModule(source, req.file, {
      globals: { console: { log, info: log, warn: log, error: log, debug: log } },
      // A seeded Math.random, so inputs built with it repeat run after run (mulberry32).
      prelude: `(() => { let s = ${req.seed >>> 0 || 1}; Math.random = () => { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; globalThis.__glDefault = (m) => (m && typeof m === 'object' && 'default' in m ? m.default : m); })();`,
      timeoutMs: remaining(),
    });
    if (!loaded.ok) return { ok: false, error: loaded.error, stdout: stdout() };
    const ctx = loaded.context;
    const loadMs = Date.now() - loadStarted;
    const checkStarted = Date.now();
    phase = 'check';
    const { source: _omit, ...plain } = req;
    void _omit;
    ctx.__glRequestJson = JSON.stringify(plain);
    const out = new vm.Script(`(${checkInContext.toString()})(JSON.parse(__glRequestJson))`, {
      filename: CHECK_FILE,
    }).runInContext(ctx, { timeout: remaining() });
    const result = { ...structuredClone(out), runtime: `Node ${process.versions.node}`, stdout: stdout() };
    if (result.ok) result.timings = { ...result.timings, loadMs, checkMs: Date.now() - checkStarted };
    return result;
  } catch (e) {
    return { ok: false, error: toRunError(e, req.file, source, phase, req.timeoutMs), stdout: stdout() };
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
