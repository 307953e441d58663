import { basename } from 'path';
import { Msg, msg } from './messages';
import type { ErrorKind, RunError, RunRequest } from '../types';

/**
 * What went wrong when the learner's code could not be checked, as codes and text they can act
 * on: what happened, where (their file and line), and what to try.
 */

/** A runner's error kinds ('unsupported' is reported as 'internal'), and what the check itself adds. */
export type ErrorCode = Exclude<ErrorKind, 'unsupported'> | 'onehot-label' | 'missing-import';

export interface ErrorReport {
  codes: ErrorCode[];
  messages: Msg[];
}

/** Where in their file: "cross_entropy.py, line 3"; in a notebook "chapter4.ipynb, cell 3, line 5". */
function where(err: RunError, req: RunRequest): string {
  const file = basename(err.file ?? req.file);
  const cell = err.cell ? `, cell ${err.cell}` : '';
  return err.line ? `${file}${cell}, line ${err.line}` : `${file}${cell}`;
}

/** The chapter's activations: they return an array by design. */
export const ACTIVATION =
  /^(softmax|sigmoid|relu|tanh|step_function|identity_function|leaky_relu|elu|softplus|swish|gelu)$/i;

const ONE_HOT_INDEX =
  /arrays used as indices must be of integer|only integers, slices|shape mismatch: indexing arrays could not be broadcast|index .* is out of bounds/;

/** The learner's line mixes the label form y[np.arange(N), t] with the one-hot form t * log(...). */
export function looksLikeOneHotLabelMix(err: RunError): boolean {
  const line = err.source ?? '';
  return /arange\s*\([^)]*\)\s*,\s*t\s*\]/.test(line) && (/\bt\s*\*/.test(line) || ONE_HOT_INDEX.test(err.message));
}

/** No Python to run: said the same way by the gradient check and the exercise checker. */
export function pythonMissing(detail: string, pythonHint: string): Msg {
  return msg('Python could not be started ({0}). Install Python 3 with numpy, then {1}.', detail, pythonHint);
}

/** Python without numpy: how to install it for that very interpreter. */
export function numpyMissing(python: string, version: string, pythonHint: string): Msg {
  return msg(
    'numpy is not installed for {0} (Python {1}). Install it with "{0} -m pip install numpy" (Debian/Ubuntu: sudo apt install python3-numpy), or {2}.',
    python,
    version,
    pythonHint,
  );
}

function exceptionHints(err: RunError): Msg[] {
  const m = err.message;
  const hints: Msg[] = [];
  if (/has no attribute 'dim'/.test(m))
    hints.push(msg('numpy arrays have .ndim (the number of axes), not .dim: write if y.ndim == 1:'));
  else if (/AttributeError/.test(m))
    hints.push(msg('Check the attribute name: numpy arrays have .ndim, .shape and .size.'));
  if (/'(builtin_function_or_method|method)' object (does not support item assignment|is not subscriptable)/.test(m))
    hints.push(
      msg('A method used without its parentheses is the method itself, not its result: write x.copy(), not x.copy.'),
    );
  // The book's own relu_grad: np.zeros(x) reads the array x as a shape.
  const zeros = /\bnp\.(zeros|ones|empty)\(\s*([A-Za-z_][\w.]*)\s*\)/.exec(err.source ?? '');
  if (zeros && /cannot be interpreted as an integer|integer scalar arrays|TypeError/.test(m))
    hints.push(
      msg(
        'np.{0}({1}) takes a shape, not an array: write np.{0}_like({1}) for an array shaped like {1} (as numerical_gradient does with np.zeros_like(x)).',
        zeros[1],
        zeros[2],
      ),
    );
  if (/cannot be interpreted as an integer/.test(m) && /reshape/.test(err.source ?? ''))
    hints.push(msg('reshape takes sizes, not a shape tuple: write t.reshape(1, t.size), not t.reshape(1, t.shape).'));
  const module = /NameError: name '(np|numpy|math|plt|pd)' is not defined/.exec(m);
  if (module) {
    const line = {
      np: 'import numpy as np',
      numpy: 'import numpy',
      math: 'import math',
      plt: 'import matplotlib.pyplot as plt',
      pd: 'import pandas as pd',
    }[module[1]]!;
    hints.push(
      msg('{0} is a module that was never imported in this file: add {1} at the top of the file.', module[1], line),
    );
  }
  const nodeGlobal =
    /ReferenceError: (process|setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|queueMicrotask|Buffer|global) is not defined/.exec(
      m,
    );
  if (nodeGlobal)
    hints.push(
      msg(
        '{0} is a Node.js global the checker does not give your code: call your functions from under if (require.main === module) { … }, or use require("{1}").',
        nodeGlobal[1],
        /Timeout|Interval|Immediate|Microtask/.test(nodeGlobal[1])
          ? 'timers'
          : nodeGlobal[1] === 'Buffer'
            ? 'buffer'
            : 'process',
      ),
    );
  else if (!module && /NameError|ReferenceError/.test(m))
    hints.push(
      msg('That name is not defined where it is used: a typo (iddx vs idx), or a variable from another function?'),
    );
  if (looksLikeOneHotLabelMix(err)) {
    hints.push(
      msg(
        'This line uses t both as labels (y[np.arange(N), t]) and as one-hot (t * ...). Use one form: one-hot −np.sum(t * np.log(y + 1e-7)) / N, or labels −np.sum(np.log(y[np.arange(N), t] + 1e-7)) / N.',
      ),
    );
  }
  if (/RecursionError|Maximum call stack/.test(m))
    hints.push(msg('The function calls itself without end: check the stopping condition.'));
  return hints;
}

export function describeError(err: RunError, req: RunRequest, pythonHint: string): ErrorReport {
  const seconds = (req.timeoutMs / 1000).toFixed(1);
  switch (err.kind) {
    case 'syntax': {
      const messages = [msg('Syntax error in {0}: {1}', where(err, req), err.message)];
      const src = err.source ?? '';
      if (
        /expected ':'|invalid syntax/.test(err.message) &&
        /^(def|class|if|elif|else|for|while|with|try|except)\b/.test(src) &&
        !src.trimEnd().endsWith(':')
      ) {
        messages.push(
          msg(
            "A line that starts with def, if, for or while ends with ':' — add the colon at the end of line {0}.",
            String(err.line ?? '?'),
          ),
        );
      } else messages.push(msg('Fix that line (it is marked in the editor) and check again.'));
      return { codes: ['syntax'], messages };
    }
    case 'exception': {
      const who = err.fn === 'gradient' ? (req.gradient?.name ?? 'gradient') : req.loss.name;
      const at = where(err, req);
      const name = err.exception ?? 'Error';
      const head = !err.line
        ? msg(
            '{0}() raised {1}: {2}. Check the inputs: every parameter needs a value of the right kind.',
            who,
            name,
            err.message,
          )
        : err.fn === 'load'
          ? msg('Your file raised {0} at {1} while it was loaded: {2}', name, at, err.message)
          : err.fn === 'init'
            ? msg('The class constructor raised {0} at {1}: {2}', name, at, err.message)
            : err.fn === 'gradient'
              ? msg('Your gradient {0}() raised {1} at {2}: {3}', who, name, at, err.message)
              : msg('Your loss {0}() raised {1} at {2}: {3}', who, name, at, err.message);
      const codes: ErrorCode[] = looksLikeOneHotLabelMix(err) ? ['exception', 'onehot-label'] : ['exception'];
      if (/NameError: name '(np|numpy|math|plt|pd)' is not defined/.test(err.message)) codes.push('missing-import');
      return { codes, messages: [head, ...exceptionHints(err)] };
    }
    case 'timeout':
      return {
        codes: ['timeout'],
        messages: [
          err.phase === 'load' && err.cell
            ? msg(
                'Cell {0} of {1} was still running after {2} s and the check was stopped. The check runs the cells above the function first: move slow work (training, downloads, long loops) into a cell below it, or raise the time limit.',
                String(err.cell),
                basename(req.file),
                seconds,
              )
            : err.phase === 'load'
              ? msg(
                  'Loading {0} took longer than {1} s and was stopped. Code at the top level runs when the file is loaded (a training loop, a plot?): put it under if __name__ == "__main__": or inside a function.',
                  basename(req.file),
                  seconds,
                )
              : msg(
                  '{0} did not finish within {1} s and was stopped: an endless loop (a while whose condition never changes?) or a very slow function. The editor was not affected. If it is only slow, raise the time limit.',
                  `${req.loss.name}()`,
                  seconds,
                ),
        ],
      };
    case 'memory':
      return {
        codes: ['memory'],
        messages: [msg('The check ran out of memory ({0}): an array that keeps growing in a loop?', err.message)],
      };
    case 'no-python':
      return { codes: ['no-python'], messages: [pythonMissing(err.message, pythonHint)] };
    case 'no-numpy':
      return { codes: ['no-numpy'], messages: [numpyMissing(err.python ?? 'python', err.version ?? '?', pythonHint)] };
    case 'not-found':
      return {
        codes: ['not-found'],
        messages: [
          msg(
            '{0}. Only functions at the top level of the file (or methods of a top-level class) can be checked.',
            err.message,
          ),
        ],
      };
    case 'not-scalar':
      // Nothing came back (a layer's forward without `return out`, a template's `out = None`): np.sum is no help.
      if (err.got === 'None' || err.got === 'undefined')
        return {
          codes: ['not-scalar'],
          messages: [
            msg(
              '{0}. No value came back: is the return statement missing (a forward that computes out but never returns it), or is the value returned still None, as an assignment template leaves it (out = None)?',
              err.message,
            ),
          ],
        };
      // A complex number is one number: no np.sum is missing.
      if (err.got === 'a complex number')
        return {
          codes: ['not-scalar'],
          messages: [
            msg(
              '{0}. The check compares real slopes: make the loss real where the complex part comes in.',
              err.message,
            ),
          ],
        };
      // An activation checked on its own (softmax, sigmoid) is no loss that forgot np.sum.
      if (ACTIVATION.test(req.loss.name) && !req.gradient)
        return {
          codes: ['not-scalar'],
          messages: [
            msg(
              '{0}. {1}() is an activation, not a loss: check the loss that uses it (cross_entropy_error(softmax(a), t)). An element-wise one (sigmoid, relu) is checked with its derivative beside it, named like sigmoid_grad(x).',
              err.message,
              req.loss.name,
            ),
          ],
        };
      return {
        codes: ['not-scalar'],
        messages: [
          msg(
            '{0}. A loss is a single number: did you forget np.sum (and / batch_size for the batch mean)?',
            err.message,
          ),
        ],
      };
    case 'bad-return':
      return {
        codes: ['bad-return'],
        messages: [
          msg('{0}. A gradient returns numbers with the shape of what it differentiates ({1}).', err.message, req.wrt),
        ],
      };
    case 'ambiguous':
      return {
        codes: ['ambiguous'],
        messages: [
          msg(
            '{0}. Say which one is the gradient of {1}: --grad-key KEY in a terminal (one of {2}); the panel asks.',
            err.message,
            req.wrt,
            (err.choices ?? []).join(', '),
          ),
        ],
      };
    case 'bad-input':
      return {
        codes: ['bad-input'],
        messages: [
          msg('The inputs do not fit the function: {0}. Edit the inputs (JSON) or pick a preset.', err.message),
        ],
      };
    default:
      return { codes: ['internal'], messages: [msg('Gradient Lab could not run the check: {0}', err.message)] };
  }
}
