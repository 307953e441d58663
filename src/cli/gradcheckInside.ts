import type { CheckOptions, CheckReport, Runners } from '../gradcheck/check';
import { formatMsg } from '../gradcheck/analysis/messages';
import { cliT } from '../l10n/cli';
import { type InsideOutcome, InsideRunners, replayElement, traceShapes } from '../inside/inside';
import type { Replay } from '../inside/replay';
import { entryText, type ShapeTrace } from '../inside/trace';
import { makeInsideRunner } from '../inside/runInside';
import type { FlagSpec } from './args';

/**
 * `--replay [ELEMENT]` and `--trace` for `npm run gradcheck`: the replay of one element's
 * numerical gradient (the worst by default) and the shape trace, in the JSON summary
 * (`replay`: [{label, values}], `trace`: [{line, name, shape, dtype}]) and printed readably.
 */

export const INSIDE_SPECS: Record<string, FlagSpec> = {
  replay: { kind: 'string' },
  trace: { kind: 'bool' },
  dtype: { kind: 'string', choices: ['float64', 'int64'] },
};

export const INSIDE_USAGE = '[--replay [ELEMENT|worst]] [--trace] [--dtype float64|int64]';

/** `--replay` with no element (last, or before another flag) means the worst element. */
export function defaultReplayArg(argv: string[]): string[] {
  const out = [...argv];
  for (let k = 0; k < out.length; k++) {
    if (out[k] === '--replay' && (k + 1 >= out.length || out[k + 1].startsWith('--'))) out.splice(k + 1, 0, 'worst');
  }
  return out;
}

const tr = (text: string) => cliT(text);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function replayText(r: Replay): string {
  const lines: string[] = [];
  if (r.mode === 'learner') {
    lines.push(`Replay of ${r.element} through your numerical_gradient (line: code → what it bound):`);
    for (const s of r.steps) {
      lines.push(`  ${pad(`line ${s.line}`, 9)}${pad(s.label, 43)} ${(s.bound ?? []).join(', ')}`);
      if (s.note) lines.push(`           ↳ ${formatMsg(s.note, tr)}`);
    }
  } else {
    lines.push(`Replay of ${r.element} (central differences, h = ${r.h}):`);
    for (const s of r.steps) {
      lines.push(`  ${pad(s.label, 30)}${s.values.map((v) => (v === null ? '—' : String(v))).join(', ')}`);
      if (s.note) lines.push(`    ↳ ${formatMsg(s.note, tr)}`);
    }
  }
  for (const n of r.notes) lines.push(`  - ${formatMsg(n, tr)}`);
  return lines.join('\n');
}

export function traceText(t: ShapeTrace & { function: string }): string {
  const lines = [
    `Shape trace of ${t.function} (${t.entries.length} bindings over ${t.lines} lines):`,
    `  ${pad('line', 6)}${pad('name', 14)}${pad('shape', 12)}dtype`,
  ];
  for (const e of t.entries) {
    const shape = e.shape.length ? `(${e.shape.join(', ')}${e.shape.length === 1 ? ',' : ''})` : '()';
    const value = e.value !== undefined ? `  = ${String(e.value)}` : '';
    lines.push(`  ${pad(String(e.line), 6)}${pad(e.name, 14)}${pad(shape, 12)}${e.dtype}${value}`);
  }
  if (t.error) lines.push(`  ${t.error.line ?? '?'}: ${t.error.message}`);
  for (const n of t.notes) lines.push(`  - ${n.line ? `line ${n.line}: ` : ''}${formatMsg(n.message, tr)}`);
  return lines.join('\n');
}

export function replayJson(r: Replay): Record<string, unknown> {
  return {
    replay: r.steps.map((s) => ({
      label: s.label,
      values: s.values,
      ...(s.key ? { key: s.key } : {}),
      ...(s.line ? { line: s.line, bound: s.bound } : {}),
      ...(s.note ? { note: formatMsg(s.note) } : {}),
    })),
    replayInfo: {
      element: r.element,
      position: r.position,
      mode: r.mode,
      dtype: r.dtype,
      notes: r.notes.map((n) => formatMsg(n)),
      central: r.central.map((s) => ({ label: s.label, values: s.values, key: s.key })),
      identity: r.identity,
      learnerValue: r.learnerValue,
      expected: r.expected,
    },
  };
}

export function traceJson(t: ShapeTrace): Record<string, unknown> {
  return {
    trace: t.entries.map((e) => ({
      line: e.line,
      name: e.name,
      shape: e.shape,
      dtype: e.dtype,
      function: e.function,
      ...(e.value !== undefined ? { value: e.value } : {}),
      text: entryText(e),
    })),
    traceInfo: {
      notes: t.notes.map((n) => ({ line: n.line, message: formatMsg(n.message) })),
      error: t.error,
      stopped: t.stopped,
      lines: t.lines,
    },
  };
}

/** Runs what the flags ask for after the check; JSON fields and text to print. */
export async function runInsideCli(
  flags: Record<string, string | number | boolean>,
  options: CheckOptions,
  report: CheckReport,
  runners: Runners,
  python: string,
  harness: string,
): Promise<{ json: Record<string, unknown>; text: string[] }> {
  const out = { json: {} as Record<string, unknown>, text: [] as string[] };
  if (flags.replay === undefined && !flags.trace) return out;
  const inside: InsideRunners = { ...runners, inside: makeInsideRunner(python, harness) };
  const dtype = flags.dtype as 'float64' | 'int64' | undefined;
  /** A part that ran adds its JSON and text; one that could not says why (`key` null, `keyError`, a line). */
  const add = <T>(
    r: InsideOutcome<T>,
    key: 'replay' | 'trace',
    label: string,
    json: (v: T) => Record<string, unknown>,
    text: (v: T) => string,
  ) => {
    if (r.ok) {
      Object.assign(out.json, json(r.value));
      out.text.push(text(r.value));
    } else {
      out.json[key] = null;
      out.json[`${key}Error`] = formatMsg(r.message);
      out.text.push(`${label}: ${formatMsg(r.message, tr)}`);
    }
  };
  if (flags.replay !== undefined) {
    const r = await replayElement({ ...options, element: flags.replay as string, dtype }, inside, report);
    add(r, 'replay', 'Replay', replayJson, replayText);
  }
  if (flags.trace) add(await traceShapes({ ...options, dtype }, inside), 'trace', 'Shape trace', traceJson, traceText);
  return out;
}
