import { formatMsg, msg } from '../gradcheck/analysis/messages';
import type { ReplayView, TraceView } from '../protocol/inside';
import { Replay, exact } from './replay';
import { ShapeTrace, entryText } from './trace';

/**
 * The replay and the shape trace as the panel's page shows them: text translated with
 * `translate` (vscode.l10n.t in the extension, English in tests), numbers with every digit.
 */

export type Translate = (text: string) => string;

export function toReplayView(r: Replay, translate: Translate): ReplayView {
  const title =
    r.mode === 'learner'
      ? formatMsg(msg('Replay of {0} through your numerical_gradient, line by line', r.element), translate)
      : formatMsg(msg('Replay of {0}: central differences, h = {1}', r.element, String(r.h)), translate);
  return {
    element: r.element,
    title,
    mode: r.mode,
    steps: r.steps.map((s) => ({
      label: s.label,
      values: s.line !== undefined ? (s.bound ?? []) : s.values.map((v) => exact(v)),
      ...(s.line !== undefined ? { line: s.line } : {}),
      ...(s.note ? { note: formatMsg(s.note, translate) } : {}),
    })),
    notes: r.notes.map((n) => formatMsg(n, translate)),
    ...(r.identity?.reads ? { identity: { shared: r.identity.shared, reads: r.identity.reads } } : {}),
  };
}

const shapeText = (shape: number[]) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

export function toTraceView(t: ShapeTrace, translate: Translate): TraceView {
  return {
    rows: t.entries.map((e) => ({
      line: e.line,
      name: e.name,
      shape: shapeText(e.shape),
      dtype: e.dtype,
      function: e.function,
      ...(e.value !== undefined ? { value: String(e.value) } : {}),
    })),
    notes: t.notes.map((n) => ({ line: n.line, text: formatMsg(n.message, translate) })),
    ...(t.error ? { error: { line: t.error.line, text: t.error.message } } : {}),
  };
}

export { entryText };
