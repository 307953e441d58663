/**
 * The gradient check panel's "Replay element" and "Trace shapes" (issue 15): what the extension
 * sends (text translated, numbers formatted), what the page may ask (validated), and the page's
 * English strings. Pure: imported by the extension and the page. Joined to the gradient check's
 * own messages in ./gradcheck.ts.
 */
import { ProtocolError, bool, str } from './validate';

export interface ReplayStepView {
  /** The step ("x[1] + h") or the learner's line of code. */
  label: string;
  /** Its value(s), every digit kept; for a learner's line, what it bound ("x[1] = 4.0001"). */
  values: string[];
  /** The line in the learner's file, for a learner's loop. */
  line?: number;
  /** What this step shows going wrong (already translated). */
  note?: string;
}

export interface ReplayView {
  /** "x[1]" */
  element: string;
  /** "Replay of x[1]: central differences, h = 1e-4" */
  title: string;
  mode: 'central' | 'learner';
  steps: ReplayStepView[];
  /** What the replay shows, in words (translated). */
  notes: string[];
  /** For the lambda question: whether x is the array f reads. */
  identity?: { shared: boolean; reads: string };
}

export interface TraceRowView {
  line: number;
  name: string;
  shape: string;
  dtype: string;
  value?: string;
  function: string;
}

export interface TraceView {
  rows: TraceRowView[];
  notes: { line?: number; text: string }[];
  error?: { line?: number; text: string };
}

export type InsideToWebview =
  | { type: 'replay'; replay: ReplayView }
  | { type: 'trace'; trace: TraceView }
  | { type: 'insideBusy'; what: 'replay' | 'trace' }
  | { type: 'insideError'; what: 'replay' | 'trace'; message: string };

export type InsideFromWebview = { type: 'replay'; element: string } | { type: 'trace'; on: boolean };

export const INSIDE_FROM_WEBVIEW = ['replay', 'trace'] as const;

/** Validates the replay/trace requests of the page; throws ProtocolError naming what is wrong. */
export function parseInsideMessage(
  type: (typeof INSIDE_FROM_WEBVIEW)[number],
  body: Record<string, unknown>,
): InsideFromWebview {
  if (type === 'replay') {
    const element = str(body, 'element', 200);
    const looksRight = /^\s*([A-Za-z_][\w.]*)?\s*\[?[\d\s,]*\]?\s*$/.test(element);
    if (element !== '' && element !== 'worst' && !looksRight) throw new ProtocolError('element must look like x[1, 2]');
    return { type, element };
  }
  return { type, on: bool(body, 'on') };
}

/** The page's English strings for the replay and the shape trace (translated by the extension). */
export const INSIDE_STRINGS = {
  replayElement: 'Replay element {0}',
  replayOf: 'Element to replay',
  traceShapes: 'Trace shapes',
  clearShapes: 'Clear shapes',
  replayTitle: 'Replay',
  back: 'Back',
  forward: 'Forward',
  play: 'Play',
  pause: 'Pause',
  stepOf: 'Step {0} of {1}',
  stepperHelp: 'Left and right arrow keys step through; Space plays.',
  insideBusy: 'Running…',
  traceTitle: 'Shapes, line by line',
  traceLine: 'Line',
  traceName: 'Name',
  traceShape: 'Shape',
  traceDtype: 'dtype',
  traceValue: 'Value',
  traceFunction: 'In',
  whatItShows: 'What it shows',
  sameObject: 'x is {0} (same object)',
  copyObject: 'x is a copy of {0}',
} as const;

export type InsideStrings = { [K in keyof typeof INSIDE_STRINGS]: string };
