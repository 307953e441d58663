import { THRESHOLDS, relativeError, positionOf } from './compare';
import { roleOf } from '../run/inputs';
import type { Fix, GradientFixes } from './formulas';
import { Msg, elementText, fmt, msg } from './messages';
import type { RunOutput, RunRequest } from '../types';

/**
 * Why a hand-written gradient disagrees with the numerical one, in the learner's terms. Each
 * test looks for the fingerprint a chapter-4 bug leaves in the two gradients: the same numbers
 * negated (sign), scaled by N (a missing / batch_size), transposed, moved to other places,
 * multiplied by the label (one-hot vs label form), matching a one-sided slope (a kink), or
 * matching a numerical gradient with another h (their own numerical_gradient).
 */

export type DiagnosisCode =
  | 'sign'
  | 'scale'
  | 'transpose'
  | 'axis'
  | 'onehot-label'
  | 'kink'
  | 'nan'
  | 'mutates-input'
  | 'nondeterministic'
  | 'zero'
  | 'partial'
  | 'step-size'
  | 'shape'
  | 'truncation'
  | 'regularisation'
  | 'integer-input'
  | 'logit'
  | 'log-delta'
  | 'softmax-rows';

export interface Finding {
  code: DiagnosisCode;
  message: Msg;
  /** The line the message prescribes, when it names one (test/unit/hintAudit.test.ts applies it). */
  fix?: Fix;
}

/** No formula known: the findings fall back to words. */
const NO_FIXES: GradientFixes = { derived: () => undefined };

/** How close two numbers must be for a fingerprint to count (looser than the pass threshold). */
const PATTERN_TOL = 1e-4;

interface Pairs {
  /** Checked flat indices, the analytic value there (full array read) and the numerical one. */
  index: number[];
  a: number[];
  n: number[];
  atol: number;
}

const close = (p: number, q: number, atol: number, tol = PATTERN_TOL) =>
  Math.abs(p - q) <= atol || relativeError(p, q) <= tol;
const allClose = (ps: number[], qs: number[], atol: number, tol = PATTERN_TOL) =>
  ps.every((p, k) => close(p, qs[k], atol, tol));
const someSignal = (n: number[], atol: number) => n.some((v) => Math.abs(v) > atol);

/** The batch size N: a batch_size argument, else the rows of the 2-D inputs. */
export function batchSizeOf(req: RunRequest): number | undefined {
  for (const p of req.params)
    if (roleOf(p) === 'batch' && typeof req.inputs[p] === 'number') return req.inputs[p] as number;
  for (const p of req.params) {
    const v = req.inputs[p];
    if (
      ['probs', 'target', 'data', 'logits', 'labels'].includes(roleOf(p)) &&
      Array.isArray(v) &&
      (Array.isArray(v[0]) || roleOf(p) === 'labels')
    )
      return v.length;
  }
  return undefined;
}

/** An input holding integer labels, one per row of the differentiated array. */
function labelsFor(req: RunRequest, rows: number): number[] | undefined {
  for (const p of req.params) {
    const v = req.inputs[p];
    if (
      p !== req.wrt &&
      Array.isArray(v) &&
      v.length === rows &&
      v.every((e) => typeof e === 'number' && Number.isInteger(e))
    ) {
      const r = roleOf(p);
      if (r === 'labels' || r === 'target') return v as number[];
    }
  }
  return undefined;
}

export function signPattern(p: Pairs): boolean {
  return (
    someSignal(p.n, p.atol) &&
    allClose(
      p.a,
      p.n.map((v) => -v),
      p.atol,
    )
  );
}

/** The constant c with a ≈ c·n, if there is one (least squares, then every element checked). */
export function scaleFactor(p: Pairs): number | undefined {
  if (!someSignal(p.n, p.atol)) return undefined;
  let an = 0;
  let nn = 0;
  p.a.forEach((a, k) => {
    an += a * p.n[k];
    nn += p.n[k] * p.n[k];
  });
  const c = an / nn;
  if (!Number.isFinite(c) || Math.abs(c - 1) <= 1e-3 || c === 0) return undefined;
  return allClose(
    p.a,
    p.n.map((v) => c * v),
    p.atol,
  )
    ? c
    : undefined;
}

/** Arrays whose non-batch sizes could be the factor: the differentiated input first, then the others. */
function arraysOf(req: RunRequest, out: RunOutput): { name: string; shape: number[] }[] {
  // What the loss averages over is data, targets or outputs (t of X·W − t) before the weights.
  const list: { name: string; shape: number[] }[] = [];
  for (const [k, v] of Object.entries(req.inputs)) {
    if (k === req.wrt || !Array.isArray(v) || !Array.isArray(v[0])) continue;
    list.push({ name: k, shape: [v.length, (v[0] as unknown[]).length] });
  }
  const rank = (name: string) => (['target', 'labels', 'probs', 'logits'].includes(roleOf(name)) ? 0 : 1);
  list.sort((a, b) => rank(a.name) - rank(b.name));
  list.push({ name: req.wrt, shape: out.shape });
  return list.filter((a) => a.shape.length === 2);
}

/** A factor equal to another dimension than the batch: a mean over all elements against a mean over rows. */
function dimensionFinding(
  c: number,
  N: number | undefined,
  arrays: { name: string; shape: number[] }[],
): Finding | undefined {
  const near = (x: number) => Math.abs(c - x) <= 1e-3 * Math.abs(x);
  for (const a of arrays) {
    const [rows, cols] = a.shape;
    const size = rows * cols;
    const shape = `(${rows}, ${cols})`;
    if (cols > 1 && cols !== N && near(cols)) {
      return {
        code: 'scale',
        message: msg(
          'Your gradient is {0} times the numerical one — {0} is the size of axis 1 of {1} {2}, not the batch: the loss takes the mean over all {3} elements (np.mean) but the gradient divides by the batch size only. Divide the gradient by {1}.size ({3}) instead of {1}.shape[0].',
          cols,
          a.name,
          shape,
          size,
        ),
      };
    }
    if (cols > 1 && cols !== N && near(1 / cols)) {
      return {
        code: 'scale',
        message: msg(
          'Your gradient is 1/{0} of the numerical one — {0} is the size of axis 1 of {1} {2}, not the batch: the gradient divides by all {3} elements ({1}.size) but the loss only by the batch size (a mean over rows). Divide the gradient by {1}.shape[0] ({4}), as the loss does.',
          cols,
          a.name,
          shape,
          size,
          rows,
        ),
      };
    }
    if (size > 1 && size !== N && near(size) && rows > 1 && cols > 1) {
      return {
        code: 'scale',
        message: msg(
          'Your gradient is {0} times the numerical one — the number of elements of {1} {2}: the loss takes the mean over all of them (np.mean) but the gradient does not divide. Divide the gradient by {1}.size ({0}).',
          size,
          a.name,
          shape,
        ),
      };
    }
  }
  return undefined;
}

/**
 * yours = numerical · p(1 − p) element by element, for a loss written on probabilities: the
 * gradient of binary cross entropy with respect to the logit (p − t), not to p.
 */
function logitFinding(req: RunRequest, out: RunOutput, p: Pairs): Finding | undefined {
  const x = p.index.map((i) => out.x[i]);
  if (!x.every((v) => v > 0 && v < 1) || !someSignal(p.n, p.atol)) return undefined;
  if (
    !allClose(
      p.a,
      p.n.map((n, k) => n * x[k] * (1 - x[k])),
      p.atol,
    )
  )
    return undefined;
  const name = req.wrt;
  return {
    code: 'logit',
    message: msg(
      "Your gradient is the slope with respect to the logit z (for {0} = sigmoid(z)): {0} − t. This loss takes the probability {0} itself, and its slope with respect to {0} is ({0} − t) / ({0}·(1 − {0})) per element (with the loss's / N). Divide by {0} * (1 - {0}), or check the function that takes the logits.",
      name,
    ),
  };
}

function scaleFinding(
  c: number,
  N: number | undefined,
  fixes: GradientFixes,
  arrays: { name: string; shape: number[] }[] = [],
): Finding {
  const near = (x: number) => Math.abs(c - x) <= 1e-3 * Math.abs(x);
  if (N !== undefined && N > 1 && near(N)) {
    const fix = fixes.identified ?? (fixes.batchName ? fixes.derived('divide', fixes.batchName) : undefined);
    return fix
      ? {
          code: 'scale',
          fix,
          message: msg(
            'Your gradient is {0} times the numerical one — exactly the batch size N = {0}: the loss divides by the batch size but your gradient does not. Divide it by the batch size too: {1}',
            N,
            fix.text,
          ),
        }
      : {
          code: 'scale',
          message: msg(
            'Your gradient is {0} times the numerical one — exactly the batch size N = {0}: the loss divides by the batch size but your gradient does not. Divide your gradient by N = {0} too.',
            N,
          ),
        };
  }
  if (N !== undefined && N > 1 && near(1 / N)) {
    const fix = fixes.identified ?? (fixes.batchName ? fixes.derived('multiply', fixes.batchName) : undefined);
    return fix
      ? {
          code: 'scale',
          fix,
          message: msg(
            "Your gradient is 1/{0} of the numerical one — the batch size N = {0}: your gradient divides by the batch size but the loss does not. Either divide the loss by the batch size too (the book's batch loss is an average), or keep this loss and write: {1}",
            N,
            fix.text,
          ),
        }
      : {
          code: 'scale',
          message: msg(
            'Your gradient is 1/{0} of the numerical one — the batch size N = {0}. Your gradient divides by batch_size but the loss does not: did you forget / batch_size in the loss?',
            N,
          ),
        };
  }
  const dim = dimensionFinding(c, N, arrays);
  if (dim) return dim;
  const fix = fixes.identified ?? fixes.derived('divide', fmt(c));
  if (near(2) || near(0.5)) {
    return fix
      ? {
          code: 'scale',
          fix,
          message: msg(
            'Your gradient is {0} times the numerical one: a factor of 2 — a ½ in the loss (½·Σ(y − t)²) that the gradient misses, or one too many. For this loss write: {1}',
            c,
            fix.text,
          ),
        }
      : {
          code: 'scale',
          message: msg(
            'Your gradient is {0} times the numerical one: a factor of 2 — a ½ in the loss (½·Σ(y − t)²) that the gradient misses, or one too many.',
            c,
          ),
        };
  }
  return fix
    ? {
        code: 'scale',
        fix,
        message: msg(
          'Your gradient is {0} times the numerical one at every element: the formula is right up to a constant factor (a mean instead of a sum, a learning rate, a ½). For this loss write: {1}',
          c,
          fix.text,
        ),
      }
    : {
        code: 'scale',
        message: msg(
          'Your gradient is {0} times the numerical one at every element: the formula is right up to a constant factor. Look for a missing or extra constant (a mean instead of a sum, a learning rate, a ½).',
          c,
        ),
      };
}

function signFinding(fixes: GradientFixes): Finding {
  const fix = fixes.identified ?? fixes.derived('negate');
  return fix
    ? {
        code: 'sign',
        fix,
        message: msg(
          'Your gradient has the opposite sign at every element (yours = −numerical): check the order of a subtraction and the minus signs. For this loss write: {0}',
          fix.text,
        ),
      }
    : {
        code: 'sign',
        message: msg(
          'Your gradient has the opposite sign at every element (yours = −numerical): check the order of a subtraction (y − t or t − y?) and the minus signs (−log y has one).',
        ),
      };
}

/** a read as its transpose (square matrices), or a (rows × cols) reshape of the transpose. */
function transposedPairs(p: Pairs, shape: number[], analytic: number[], reshaped: boolean): number[] | undefined {
  if (shape.length !== 2) return undefined;
  const [r, c] = shape;
  if (!reshaped && r !== c) return undefined;
  return p.index.map((i) => {
    const [row, col] = positionOf(i, shape);
    // Element (row, col) of the intended gradient sits at (col, row) of the transposed one,
    // which has r columns; a reshape keeps that flat position.
    return analytic[col * r + row];
  });
}

function sortedEqual(a: number[], b: number[], atol: number): boolean {
  const sa = [...a].sort((p, q) => p - q);
  const sb = [...b].sort((p, q) => p - q);
  return allClose(sa, sb, atol);
}

/**
 * Findings for a gradient whose shape differs from the input's: transposed, reshaped where a
 * transpose was meant, summed over the wrong axis, or just the wrong shape.
 */
export function shapeFindings(
  req: RunRequest,
  out: RunOutput,
  analytic: { values: number[]; shape: number[] },
  numerical: number[],
  fixes: GradientFixes = NO_FIXES,
): { findings: Finding[]; aligned?: number[] } {
  const expected = out.shape;
  const got = analytic.shape;
  const wrtName = req.wrt;
  const pairsFor = (a: number[]): Pairs => ({
    index: out.indices,
    a: out.indices.map((i) => a[i]),
    n: numerical,
    atol: 0,
  });
  if (analytic.values.length === out.x.length && expected.length === 2) {
    const [r, c] = expected;
    const back = transposedPairs(pairsFor(analytic.values), expected, analytic.values, true);
    if (back && allClose(back, numerical, THRESHOLDS.absolute)) {
      const aligned = new Array<number>(r * c);
      for (let i = 0; i < r * c; i++) {
        const [row, col] = positionOf(i, expected);
        aligned[i] = analytic.values[col * r + row];
      }
      const reshaped = got.length === 2 && got[0] === r && got[1] === c;
      const fix = reshaped ? undefined : fixes.derived('transpose');
      const weights = roleOf(wrtName.replace(/^self\./, '')) === 'weights';
      const message = reshaped
        ? msg(
            'Your gradient holds the right numbers, transposed and then reshaped to {0}: reshape keeps the order of the elements, it does not swap axes. Use .T (a transpose) instead of .reshape.',
            `(${r}, ${c})`,
          )
        : fix
          ? msg(
              'Your gradient is the transpose of the right one: it has shape {0} but {1} has shape {2}. A gradient has the shape of what it differentiates: {3}',
              shapeLike(got),
              wrtName,
              `(${r}, ${c})`,
              fix.text,
            )
          : weights
            ? msg(
                'Your gradient is the transpose of the right one: it has shape {0} but {1} has shape {2}. A gradient has the shape of what it differentiates — for dW use xᵀ·dy (np.dot(x.T, dy)), not dyᵀ·x.',
                `(${got.join(', ')})`,
                wrtName,
                `(${r}, ${c})`,
              )
            : msg(
                'Your gradient is the transpose of the right one: it has shape {0} but {1} has shape {2}. A gradient has the shape of what it differentiates: swap its two axes.',
                shapeLike(got),
                wrtName,
                `(${r}, ${c})`,
              );
      return { aligned, findings: [{ code: 'transpose', message, fix }] };
    }
  }
  const findings: Finding[] = [
    {
      code: 'shape',
      message: msg(
        'Your gradient has shape {0} but {1} has shape {2}: a gradient has the shape of what it differentiates.',
        shapeLike(got),
        wrtName,
        shapeLike(expected),
      ),
    },
  ];
  const N = batchSizeOf(req);
  if (analytic.values.length === out.x.length) {
    if (out.indices.length === out.x.length && sortedEqual(analytic.values, numerical, THRESHOLDS.absolute)) {
      findings.push({
        code: 'axis',
        message: msg(
          'The numbers are right but in other places: check the axis of your sums and the order of a reshape.',
        ),
      });
    }
  } else if (
    N !== undefined &&
    got.length >= 1 &&
    expected.length === 1 &&
    (got[0] === N || (got.length === 2 && got[0] === N && got[1] === expected[0]))
  ) {
    if (got.length === 2) {
      // Name the sum only when it is right: the rows of their gradient add up to the numerical one.
      const sums = Array.from({ length: got[1] }, (_, k) =>
        analytic.values.reduce((acc, v, i) => (i % got[1] === k ? acc + v : acc), 0),
      );
      const right = allClose(
        out.indices.map((i) => sums[i]),
        numerical,
        THRESHOLDS.absolute,
      );
      const fix = right ? fixes.derived('sumRows') : undefined;
      findings.push(
        fix
          ? {
              code: 'axis',
              fix,
              message: msg(
                'Your gradient still has the batch axis (N = {0} rows): sum it over the batch: {1}',
                N,
                fix.text,
              ),
            }
          : {
              code: 'axis',
              message: msg(
                'Your gradient still has the batch axis (N = {0} rows): a gradient has the shape of what it differentiates, so the batch has to be summed out (axis=0).',
                N,
              ),
            },
      );
    } else {
      findings.push({
        code: 'axis',
        message: msg(
          'Your gradient has one value per sample (N = {0}) instead of one per element of {1}: did you sum over axis=1 instead of axis=0?',
          N,
          wrtName,
        ),
      });
    }
  }
  return { findings };
}

const shapeLike = (s: number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * The loss goes through chapter 3's 1-D softmax with a batch: one np.sum over every element, so each row is divided by
 * the whole batch's sum (the runner called the learner's softmax on 2 rows: they add up to less than 1 each). The
 * numerical gradient is then that of another function than the one backprop differentiates.
 */
export function batchSoftmaxFinding(found: { name: string; file: string; line: number; rowSums: number[] }): Finding {
  return {
    code: 'softmax-rows',
    message: msg(
      'Your softmax ({0}, {1} line {2}) divides by one sum over the whole batch: given a batch of 2 rows, its rows add up to {3} and {4}, not to 1 each. That is the 1-D softmax of chapter 3; with a batch each row needs its own sum: x = x - np.max(x, axis=-1, keepdims=True) and return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True).',
      found.name,
      found.file,
      found.line,
      fmt(found.rowSums[0]),
      fmt(found.rowSums[1]),
    ),
  };
}

/**
 * A Python gradient whose shape differs from x's only in 1-sized axes ((1, 3) for (3,), (3, 1) for (3,)): the
 * numbers line up, but numpy's update `x -= lr * grad` cannot write the broadcast shape back into x. `own`: x
 * is the learner's own array (an entry of their object's dict, self.params['b1']), so the update really breaks
 * and the check fails; otherwise x's shape may have been the checker's choice and this is a note.
 */
export function broadcastFinding(wrt: string, x: number[], grad: number[], own: boolean): Finding {
  const width = Math.max(x.length, grad.length);
  const at = (s: number[], k: number) => s[s.length - width + k] ?? 1;
  const broadcast = Array.from({ length: width }, (_, k) => Math.max(at(x, k), at(grad, k)));
  const args = [shapeLike(grad), wrt, shapeLike(x), shapeLike(broadcast)];
  return {
    code: 'shape',
    message: own
      ? msg(
          'Your gradient has shape {0} but {1} has shape {2}: the update {1} -= learning_rate * grad stops with numpy’s “non-broadcastable output operand” error (and {1} = {1} - learning_rate * grad would make it {3}). Return the gradient in {1}’s shape: np.sum without keepdims=True, or grad.reshape({1}.shape).',
          ...args,
        )
      : msg(
          'Note: your gradient has shape {0} for {1} of shape {2}. Its numbers were compared element by element, but where {1} really has shape {2}, the update {1} -= learning_rate * grad stops with numpy’s “non-broadcastable output operand” error (and {1} = {1} - learning_rate * grad makes it {3}). Return the gradient in {1}’s shape: np.sum without keepdims=True, or grad.reshape({1}.shape).',
          ...args,
        ),
  };
}

/**
 * Fingerprints of a failing gradient, most specific first. `analytic` is the full array (same
 * shape as x); `numerical` is in out.indices order.
 */
export function failureFindings(
  req: RunRequest,
  out: RunOutput,
  analytic: number[],
  numerical: number[],
  atol: number,
  failingIndices: number[],
  fixes: GradientFixes = NO_FIXES,
): Finding[] {
  const p: Pairs = { index: out.indices, a: out.indices.map((i) => analytic[i]), n: numerical, atol };
  const wrt = req.wrt;
  if (p.a.every((v) => v === 0) && someSignal(p.n, atol)) {
    return [
      {
        code: 'zero',
        message: msg(
          'Your gradient is 0 everywhere while the numerical one is not: is the right variable returned, and is the gradient array filled in (not just created with np.zeros_like)?',
        ),
      },
    ];
  }
  if (signPattern(p)) return [signFinding(fixes)];
  const c = scaleFactor(p);
  const arrays = arraysOf(req, out);
  if (c !== undefined && c > 0) return [scaleFinding(c, batchSizeOf(req), fixes, arrays)];
  if (c !== undefined) {
    // −N times: one fix for both (the identified gradient, or theirs divided by −N).
    const negative: GradientFixes = {
      ...fixes,
      derived: (ch, by) => (ch === 'divide' || ch === 'multiply' ? fixes.derived(ch, `-${by}`) : undefined),
    };
    return [signFinding({ ...fixes, derived: () => undefined }), scaleFinding(-c, batchSizeOf(req), negative, arrays)];
  }
  const logit = logitFinding(req, out, p);
  if (logit) return [logit];
  const t = transposedPairs(p, out.shape, analytic, true);
  if (t && allClose(t, p.n, atol)) {
    const [r, c] = out.shape;
    if (r !== c)
      return [
        {
          code: 'transpose',
          message: msg(
            'Your gradient holds the right numbers, transposed and then reshaped to {0}: reshape keeps the order of the elements, it does not swap axes. Use .T (a transpose) instead of .reshape.',
            `(${r}, ${c})`,
          ),
        },
      ];
    const fix = fixes.derived('transpose');
    const weights = roleOf(req.wrt.replace(/^self\./, '')) === 'weights';
    if (fix)
      return [
        {
          code: 'transpose',
          fix,
          message: msg(
            'Your gradient is the transpose of the right one (square, so the shapes agree): element [i, j] holds the value of [j, i]. Transpose it: {0}',
            fix.text,
          ),
        },
      ];
    return [
      {
        code: 'transpose',
        message: weights
          ? msg(
              'Your gradient is the transpose of the right one (square, so the shapes agree): element [i, j] holds the value of [j, i]. For dW use xᵀ·dy (np.dot(x.T, dy)), not dyᵀ·x.',
            )
          : msg(
              'Your gradient is the transpose of the right one (square, so the shapes agree): element [i, j] holds the value of [j, i]. Swap the two axes.',
            ),
      },
    ];
  }
  if (out.shape.length === 2) {
    const labels = labelsFor(req, out.shape[0]);
    if (labels?.some((l) => l !== 1) && someSignal(p.n, atol)) {
      const scaled = p.index.map((i, k) => labels[positionOf(i, out.shape)[0]] * p.a[k]);
      if (allClose(p.n, scaled, atol)) {
        return [
          {
            code: 'onehot-label',
            message: msg(
              'The loss multiplies each row by its label: t is used as labels (y[np.arange(N), t]) and as one-hot (t * log y) at once. Use one form: one-hot −np.sum(t * np.log(y + 1e-7)) / N, or labels −np.sum(np.log(y[np.arange(N), t] + 1e-7)) / N.',
            ),
          },
        ];
      }
    }
  }
  if (out.indices.length === out.x.length && sortedEqual(p.a, p.n, atol)) {
    return [
      {
        code: 'axis',
        message: msg(
          'Your gradient holds the right numbers in the wrong places: check the axis of your sums (axis=0 sums over the batch) and reshape vs transpose.',
        ),
      },
    ];
  }
  // Before the step test: on a piecewise-linear function a forward difference is exact too.
  const failing = new Set(failingIndices);
  const kinks = p.index.filter((i, k) => failing.has(i) && isKink(out, k, p.a[k], req.h));
  if (kinks.length && kinks.length === failing.size) {
    const where = kinks
      .slice(0, 3)
      .map((i) => `${elementText(wrt, positionOf(i, out.shape))} = ${fmt(out.x[i])}`)
      .join(', ');
    return [
      {
        code: 'kink',
        message: msg(
          'At {0} the function has a kink (max, abs, relu) within h = {1}: the numerical gradient averages the slopes on both sides there, while yours takes one side — which is usually right. Move those inputs away from the kink (edit the inputs) and check again; the other elements agree.',
          where,
          fmt(req.h),
        ),
      },
    ];
  }
  const step = stepSizeFinding(req, out, analytic, numerical);
  if (step) return [step];
  const zeroWrong = p.index.filter((i, k) => failing.has(i) && p.a[k] === 0 && Math.abs(p.n[k]) > atol);
  if (zeroWrong.length === failing.size && failing.size < p.index.length) {
    const right = p.index.length - failing.size;
    // Only x[0] right: the loop ended after its first pass (return inside it) or never left index 0.
    const firstOnly = right === 1 && !failing.has(0) && p.index.includes(0);
    if (firstOnly)
      return [
        {
          code: 'partial',
          message: msg(
            'Only the first of {0} elements is right; the other {1} are 0 in your gradient: the loop stopped after its first index or never left it. Is return grad indented inside the for loop (put it level with for), or is the loop variable misspelt (for iddx in range(x.size) and then x[idx])?',
            p.index.length,
            failing.size,
          ),
        },
      ];
    return [
      {
        code: 'partial',
        message: msg(
          'Only {0} of {1} elements are right; the other {2} are 0 in your gradient: does your loop visit every index? (A typo in the loop variable — for iddx in range(x.size) and then x[idx] — updates one element again and again.)',
          right,
          p.index.length,
          failing.size,
        ),
      },
    ];
  }
  return [];
}

/** One-sided slopes that disagree, with the analytic value matching one of them: a kink. */
function isKink(out: RunOutput, k: number, a: number, h: number): boolean {
  const right = (out.plus[k] - out.f0) / h;
  const left = (out.f0 - out.minus[k]) / h;
  const scale = Math.max(Math.abs(right), Math.abs(left), 1e-12);
  return Math.abs(right - left) / scale > 1e-2 && (close(a, right, 0, 1e-3) || close(a, left, 0, 1e-3));
}

/**
 * Their "gradient" equals a numerical gradient with another step (their own numerical_gradient
 * with h = 10e-4, which is 1e-3, or a forward difference): name the step.
 */
export function stepSizeFinding(
  req: RunRequest,
  out: RunOutput,
  analytic: number[],
  numerical: number[],
): Finding | undefined {
  const k = Math.min(req.stepLimit, out.indices.length);
  const idx = out.indices.slice(0, k);
  const a = idx.map((i) => analytic[i]);
  const worst = (cand: number[]) => cand.reduce((m, v, j) => Math.max(m, relativeError(a[j], v)), 0);
  const baseline = worst(numerical.slice(0, k));
  if (!(baseline > 1e-8)) return undefined;
  // Only larger steps: a correct gradient naturally agrees better with smaller ones.
  const candidates = [
    ...out.steps
      .filter((s) => s.h > req.h)
      .map((s) => ({ h: s.h, kind: 'central', values: s.plus.map((pl, j) => (pl - s.minus[j]) / (2 * s.h)) })),
    ...out.steps.map((s) => ({ h: s.h, kind: 'forward', values: s.plus.map((pl) => (pl - out.f0) / s.h) })),
    { h: req.h, kind: 'forward', values: out.plus.slice(0, k).map((pl) => (pl - out.f0) / req.h) },
  ];
  for (const c of candidates) {
    // The same arithmetic as their numerical_gradient gives the same bits (1e-12 allows an ulp).
    if (worst(c.values) <= 1e-12) {
      if (c.kind === 'central') {
        return {
          code: 'step-size',
          message: msg(
            'Your gradient is exactly a central difference with h = {0}, not h = {1}: it is a numerical gradient with a larger step. (10e-4 is 1e-3, not 1e-4 — write 1e-4.) A larger h adds truncation error of order h²; the relative error here is {2}.',
            fmt(c.h),
            fmt(req.h),
            fmt(baseline),
          ),
        };
      }
      return {
        code: 'step-size',
        message: msg(
          'Your gradient is exactly a forward difference (f(x+h) − f(x)) / h with h = {0}: its error shrinks only like h. Use the central difference (f(x+h) − f(x−h)) / 2h; the relative error here is {1}.',
          fmt(c.h),
          fmt(baseline),
        ),
      };
    }
  }
  return undefined;
}

/** NaN or Infinity in the loss, the numerical gradient or the learner's gradient. */
export function nanFindings(
  req: RunRequest,
  out: RunOutput,
  numerical: number[],
  analytic: number[] | null,
  lossSource: string | undefined,
  fixes: { loss?: Fix; gradient?: Fix } = {},
): Finding[] {
  const usesLog = /\blog\s*\(/.test(lossSource ?? '');
  const hasZero =
    Object.entries(req.inputs).some(
      ([k, v]) => k !== req.wrt && JSON.stringify(v).match(/(^|[[,])0(\.0*)?([\],]|$)/),
    ) || out.x.some((v) => v === 0);
  if (!Number.isFinite(out.f0)) {
    if (usesLog && fixes.loss) {
      return [
        {
          code: 'nan',
          fix: fixes.loss,
          message: msg(
            'The loss is {0} at these inputs: log(0) is −Infinity (and 0 · log(0) is NaN). Add a small δ inside the log, as the book does: {1}',
            fmt(out.f0),
            fixes.loss.text,
          ),
        },
      ];
    }
    return [
      {
        code: 'nan',
        message:
          usesLog || hasZero
            ? msg(
                'The loss is {0} at these inputs: log(0) is −Infinity (and 0 · log(0) is NaN). Add a small δ inside the log, as the book does: log(y + 1e-7).',
                fmt(out.f0),
              )
            : msg(
                'The loss is {0} at these inputs: look for a division by zero, a log or sqrt of a number ≤ 0, or an overflow in exp (subtract the max before softmax).',
                fmt(out.f0),
              ),
      },
    ];
  }
  const badNum = out.indices.filter((_, k) => !Number.isFinite(numerical[k]));
  if (badNum.length) {
    const i = badNum[0];
    return [
      {
        code: 'nan',
        message: msg(
          "f(x ± h) is not finite at {0} = {1}: the step h = {2} leaves the function's domain there (log of a negative number when y − h < 0?). Check at inputs farther from the edge, or add δ inside the log.",
          elementText(req.wrt, positionOf(i, out.shape)),
          fmt(out.x[i]),
          fmt(req.h),
        ),
      },
    ];
  }
  const badA = analytic ? out.indices.filter((i) => !Number.isFinite(analytic[i])) : [];
  if (badA.length) {
    const i = badA[0];
    const where = elementText(req.wrt, positionOf(i, out.shape));
    if (fixes.gradient) {
      return [
        {
          code: 'nan',
          fix: fixes.gradient,
          message: msg(
            'Your gradient is {0} at {1}: a division by zero (t / y with y = 0?) or a log of 0. Add the same δ as the loss has; for this loss write: {2}',
            fmt(analytic![i]),
            where,
            fixes.gradient.text,
          ),
        },
      ];
    }
    return [
      {
        code: 'nan',
        message: msg(
          'Your gradient is {0} at {1}: a division by zero (t / y with y = 0?) or a log of 0 — add the same δ as the loss has to the denominator (y + 1e-7).',
          fmt(analytic![i]),
          where,
        ),
      },
    ];
  }
  return [];
}

export function behaviourFindings(
  out: RunOutput,
  lossName: string,
  gradName: string | undefined,
  layer = false,
): Finding[] {
  const findings: Finding[] = [];
  const same = out.f0 === out.f0Again || (Number.isNaN(out.f0) && Number.isNaN(out.f0Again));
  if (!same) {
    findings.push({
      code: 'nondeterministic',
      message: msg(
        '{0}() gave {1} and then {2} for the same inputs: it is not deterministic, so no gradient check can work. Does it draw a random mini-batch (np.random.choice) or random weights inside? Pick the batch outside the function and pass it in.',
        lossName,
        String(out.f0),
        String(out.f0Again),
      ),
    });
  }
  for (const m of out.mutated) {
    const who = m.fn === 'loss' ? `${lossName}()` : `${gradName ?? 'gradient'}()`;
    findings.push({
      code: 'mutates-input',
      message: layer
        ? msg(
            'Note: {0} changes its input {1} in place and leaves it changed. The check hands it a fresh copy for every call, so the numbers compared are right; but in a network whatever else holds {1} sees it changed. The book’s layers work on a copy: out = {1}.copy().',
            who,
            m.arg,
          )
        : msg(
            '{0} changes its input {1} in place and leaves it changed. If it perturbs x[idx] by ±h, restore it afterwards (x[idx] = tmp_val); otherwise work on a copy (x = x.copy()).',
            who,
            m.arg,
          ),
    });
  }
  return findings;
}
