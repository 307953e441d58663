import { Msg, msg, shapeText } from '../gradcheck/analysis/messages';
import type { TraceData, TraceEntry } from './types';

/**
 * The shape trace as a learner reads it — `y: (4, 10) float64` beside each line — and the known
 * mismatches of chapter 4 explained with the book's words and section, from what the trace saw
 * (shapes, dtypes, the error a line raised, a softmax whose rows do not sum to 1).
 */

export interface ShapeTrace {
  entries: TraceEntry[];
  notes: { line?: number; message: Msg }[];
  error?: { line?: number; message: string; source?: string };
  stopped: 'steps' | 'time' | null;
  lines: number;
}

/** `y: (4, 10) float64`, `batch_size = 4`. */
export function entryText(e: TraceEntry): string {
  if (e.shape.length === 0 && e.value !== undefined) return `${e.name} = ${String(e.value)}`;
  return `${e.name}: ${e.shape.length ? shapeText(e.shape) : '()'} ${e.dtype}`;
}

/** One decoration a line: what each line bound, in order. */
export function lineTexts(entries: TraceEntry[]): Map<number, string> {
  const out = new Map<number, string[]>();
  for (const e of entries) {
    const list = out.get(e.line) ?? [];
    const text = entryText(e);
    if (!list.includes(text)) list.push(text);
    out.set(e.line, list);
  }
  return new Map([...out].map(([line, list]) => [line, list.slice(0, 4).join(', ') + (list.length > 4 ? ', …' : '')]));
}

const LABEL_NAMES =
  /^(t|ts|label|labels|target|targets|y_true|t_batch|idx|i|j|k|n|batch_size|batch|size|it|iter|index|indices|argmax|c|class_)$/i;
const shapeOf = (s: string) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(Number);

export function explainTrace(data: TraceData, wrt: string): ShapeTrace {
  const notes: ShapeTrace['notes'] = [];
  const entries = data.entries;
  const named = (re: RegExp) => entries.filter((e) => re.test(e.name));
  const labelsT = named(/^t$|^t_?labels?$|^labels?$|^target$/).find((e) => e.shape.length === 1 && /int/.test(e.dtype));
  const onehotT = named(/^t$|^target$|^t_onehot$/).find((e) => e.shape.length === 2);
  const err = data.error;
  const message = err?.message ?? '';

  for (const f of data.facts) {
    if (f.kind === 'softmax-batch') {
      notes.push({
        line: f.line,
        message: msg(
          "{0}() was given a batch {1} but normalised it as one vector: the whole batch sums to 1 and each row sums to {2}. This is the softmax of 3.5.2, written for one example (np.max(a), np.sum(exp_a)); for a batch take the max and the sum along axis=-1 with keepdims=True, as the book's common/functions.py does.",
          f.function,
          shapeText(f.shape),
          f.rowSums.map((v) => Number(v.toPrecision(3))).join(', '),
        ),
      });
    }
  }

  const broadcast = /could not be broadcast together with shapes \(([\d, ]+)\)\s*\(([\d, ]+)\)/.exec(message);
  if (broadcast && labelsT) {
    notes.push({
      line: err?.line,
      message: msg(
        "t holds labels {0} {1}, but this line treats it as one-hot: t * np.log(y) needs t shaped like y {2}. With labels, pick each row's probability: np.log(y[np.arange(batch_size), t] + 1e-7) (4.2.4, cross entropy for a mini-batch when t is given as labels).",
        shapeText(labelsT.shape),
        labelsT.dtype,
        shapeText(shapeOf(broadcast[1]).length > 1 ? shapeOf(broadcast[1]) : shapeOf(broadcast[2])),
      ),
    });
  }
  if (
    (/shape mismatch: indexing arrays could not be broadcast/.test(message) ||
      /arrays used as indices must be of integer/.test(message) ||
      /index \d+ is out of bounds/.test(message)) &&
    onehotT
  ) {
    notes.push({
      line: err?.line,
      message: msg(
        "t is one-hot {0}, but y[np.arange(batch_size), t] needs labels, one integer a row. Turn one-hot into labels first: t = t.argmax(axis=1), as the book's cross_entropy_error does when t.size == y.size (4.2.4).",
        shapeText(onehotT.shape),
      ),
    });
  }
  const aligned = /shapes \(([\d, ]+)\) and \(([\d, ]+)\) not aligned/.exec(message);
  if (aligned && /not aligned/.test(message)) {
    const a = shapeOf(aligned[1]);
    const b = shapeOf(aligned[2]);
    notes.push({
      line: err?.line,
      message:
        a.length === 2 && b.length >= 1 && a[0] === b[0]
          ? msg(
              "np.dot({0}, {1}) needs the first array's last dimension ({2}) to equal the second's first ({3}) (3.3.2, the product of matrices). Its transpose {4} would fit: one example a row, as the book's functions take them (x.T, or np.array([X, Y]).T for points made with np.meshgrid).",
              shapeText(a),
              shapeText(b),
              a[a.length - 1],
              b[0],
              shapeText([a[1], a[0]]),
            )
          : msg(
              "np.dot({0}, {1}) needs the first array's last dimension ({2}) to equal the second's first ({3}) (3.3.2, the product of matrices). Check which array holds one example a row.",
              shapeText(a),
              shapeText(b),
              a[a.length - 1],
              b[0],
            ),
    });
  }
  // x @ W (np.matmul) says sizes, not shapes: take the operands' shapes from the trace.
  const core = /mismatch in its core dimension.*\(size (\d+) is different from (\d+)\)/.exec(message);
  const operands = /(?:np\.(?:dot|matmul)\(\s*([\w.]+)\s*,\s*([\w.]+)\s*\)|([\w.]+)\s*@\s*([\w.]+))/.exec(
    err?.source ?? '',
  );
  if (core && operands) {
    const [left, right] = operands[1] ? [operands[1], operands[2]] : [operands[3], operands[4]];
    const before = (name: string) => entries.filter((e) => e.name === name && e.line <= (err?.line ?? Infinity)).pop();
    const a = before(left)?.shape;
    const b = before(right)?.shape;
    if (a && b && a.length >= 1 && b.length >= 1) {
      const last = a[a.length - 1];
      const first = b.length === 1 ? b[0] : b[b.length - 2];
      notes.push({
        line: err?.line,
        message:
          a.length === 2 && a[0] === first
            ? msg(
                "np.dot({0}, {1}) needs the first array's last dimension ({2}) to equal the second's first ({3}) (3.3.2, the product of matrices). Its transpose {4} would fit: one example a row, as the book's functions take them (x.T, or np.array([X, Y]).T for points made with np.meshgrid).",
                shapeText(a),
                shapeText(b),
                last,
                first,
                shapeText([a[1], a[0]]),
              )
            : msg(
                "np.dot({0}, {1}) needs the first array's last dimension ({2}) to equal the second's first ({3}) (3.3.2, the product of matrices). Check which array holds one example a row.",
                shapeText(a),
                shapeText(b),
                last,
                first,
              ),
      });
    }
  }
  // argmax(axis=1) on labels: t is already what the one-hot form would be turned into.
  if (/axis 1 is out of bounds for array of dimension 1/.test(message) && labelsT && /argmax/.test(err?.source ?? '')) {
    notes.push({
      line: err?.line,
      message: msg(
        't is already labels {0}: argmax(axis=1) turns one-hot t into labels, so skip it when t.ndim == 1 (the book converts only when t.size == y.size, 4.2.4).',
        shapeText(labelsT.shape),
      ),
    });
  }
  if (
    /'tuple' object cannot be interpreted as an integer/.test(message) &&
    /reshape\(.*\.shape/.test(err?.source ?? '')
  ) {
    notes.push({
      line: err?.line,
      message: msg(
        "reshape takes sizes, and .shape is a tuple: write t.reshape(1, t.size) — the book's cross_entropy_error reshapes a single example with y.ndim == 1 (4.2.4).",
      ),
    });
  }
  if (/has no attribute 'dim'/.test(message)) {
    notes.push({ line: err?.line, message: msg('numpy arrays have .ndim, not .dim: if y.ndim == 1 (4.2.4).') });
  }
  // One example given to a batch loss: batch_size = y.shape[0] counts the classes.
  const batch = entries.find((e) => e.name === 'batch_size' && typeof e.value === 'number');
  const y1 = entries.find((e) => e.name === 'y' && e.shape.length === 1);
  if (
    batch &&
    y1 &&
    batch.value === y1.shape[0] &&
    y1.shape[0] > 1 &&
    !entries.some((e) => e.name === 'y' && e.shape.length === 2)
  ) {
    notes.push({
      line: batch.line,
      message: msg(
        'y is one example {0}, so batch_size = y.shape[0] is {1}, the number of classes. Reshape a single example first: if y.ndim == 1: t = t.reshape(1, t.size); y = y.reshape(1, y.size) (4.2.4).',
        shapeText(y1.shape),
        String(batch.value),
      ),
    });
  }
  // An integer array where floats are needed (x + h truncated, a gradient kept in integers).
  const wrtName = wrt.replace(/^self\./, '');
  const ints = entries.filter(
    (e) =>
      e.shape.length > 0 &&
      /^u?int/.test(e.dtype) &&
      !LABEL_NAMES.test(e.name) &&
      (e.name === wrtName || /^(x|w|W\d*|b\d*|grad|y|a|z|dW|dx)$/.test(e.name)),
  );
  if (ints.length) {
    const e = ints[0];
    notes.push({
      line: e.line,
      message: msg(
        '{0} is an integer array {1} {2}: x[idx] + h and every result stored in it are truncated to integers (np.array([3, 4]) is int). Use floats: np.array([3.0, 4.0]) or .astype(float).',
        e.name,
        shapeText(e.shape),
        e.dtype,
      ),
    });
  }
  if (data.stopped) {
    notes.push({
      message:
        data.stopped === 'time'
          ? msg(
              'The trace stopped your function at its time limit, so a long loop cannot hang it; the shapes up to there are shown.',
            )
          : msg(
              'The trace stopped your function after {0} lines, so a long loop cannot hang it; the shapes up to there are shown.',
              data.lines,
            ),
    });
  }
  return {
    entries,
    notes,
    error: err ? { line: err.line, message: err.message, source: err.source } : undefined,
    stopped: data.stopped,
    lines: data.lines,
  };
}
