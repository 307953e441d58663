import { jsOutline } from './outlineJs';
import { pythonOutline } from './outlinePython';
import { isTypeScriptFile } from './tsStrip';
import type { FunctionInfo, Language, Outline } from './outline';

export type { ClassInfo, FunctionInfo, Language, Outline } from './outline';

/**
 * Finds the functions in a learner's file — Python `def` (and `name = lambda ...`), JavaScript
 * and TypeScript function declarations, `const f = (...) =>`, class methods — with their
 * parameters and lines, and pairs a loss with its hand-written gradient by the usual names.
 * Only what the checker can call from outside counts: top-level functions and methods of
 * top-level classes. Cheap enough to run on every CodeLens request.
 */

export function languageOf(file: string): Language | undefined {
  if (/\.py$/i.test(file)) return 'python';
  if (isTypeScriptFile(file)) return 'typescript';
  if (/\.(js|mjs|cjs|jsx)$/i.test(file)) return 'javascript';
  return undefined;
}

export function outline(source: string, language: Language): Outline {
  return language === 'python' ? pythonOutline(source) : jsOutline(source, language);
}

export function qualifiedName(f: Pick<FunctionInfo, 'name' | 'className'>): string {
  return f.className ? `${f.className}.${f.name}` : f.name;
}

/**
 * "name" or "Class.method". A name defined twice is its last definition, the one Python (and a
 * JavaScript function declaration) leaves defined — in a notebook, a cell that redefines it.
 */
export function findFunction(o: Outline, name: string): FunctionInfo | undefined {
  const dot = name.lastIndexOf('.');
  const [a, b] = dot < 0 ? [name, undefined] : [name.slice(0, dot), name.slice(dot + 1)];
  const last = (ok: (f: FunctionInfo) => boolean) => [...o.functions].reverse().find(ok);
  return b === undefined
    ? (last((f) => f.name === a && !f.className) ?? last((f) => f.name === a))
    : last((f) => f.className === a && f.name === b);
}

/** The innermost function whose lines hold `line` (1-based). */
export function functionAt(o: Outline, line: number): FunctionInfo | undefined {
  const holding = o.functions.filter((f) => f.line <= line && line <= f.endLine);
  return holding.sort((a, b) => a.endLine - a.line - (b.endLine - b.line))[0];
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The one list of conventional gradient names, for Python and JavaScript/TypeScript alike
 * (the CodeLens, the command's picker, the check and the "name your gradient" hint use it):
 * `f_grad`, `grad_f`, `d_f`, `f_prime`, `f_derivative`, `derivative_f`, `f_backward`, … and
 * their camelCase forms; a loss named `…_cost`/`…_loss`/`…_error` also pairs with
 * `…_gradient`/`…_grad` (`compute_cost` → `compute_gradient`). A function whose name starts
 * with `numerical` is never taken for the learner's own gradient.
 */
export function gradientNames(f: string): string[] {
  const names = [
    `${f}_grad`,
    `grad_${f}`,
    `d_${f}`,
    `${f}_gradient`,
    `gradient_${f}`,
    `${f}_prime`,
    `${f}_derivative`,
    `derivative_${f}`,
    `${f}_deriv`,
    `${f}_backward`,
    `backward_${f}`,
    `${f}Grad`,
    `grad${capital(f)}`,
    `d${capital(f)}`,
    `${f}Gradient`,
    `gradient${capital(f)}`,
    `${f}Prime`,
    `${f}Derivative`,
    `derivative${capital(f)}`,
    `${f}Backward`,
    `backward${capital(f)}`,
  ];
  // CS231n's layers: affine_forward → affine_backward, conv_forward_naive → conv_backward_naive.
  const backward = cacheBackwardName(f);
  if (backward) names.unshift(backward);
  // compute_cost → compute_gradient, compute_cost_logistic → compute_gradient_logistic,
  // mse_loss → mse_grad, computeCost → computeGradient, loss → gradient.
  const words = f.split('_');
  words.forEach((w, k) => {
    if (!/^(loss|cost|error|objective)$/.test(w)) return;
    for (const g of ['gradient', 'grad', 'gradients', 'grads'])
      names.push([...words.slice(0, k), g, ...words.slice(k + 1)].join('_'));
    // softmax_loss → softmax_grad, but also dropping the word: mse_loss → mse_grad is covered above.
  });
  const camel = /^(.+?)(Loss|Cost|Error|Objective)(.*)$/.exec(f);
  if (camel) for (const g of ['Gradient', 'Grad', 'Gradients', 'Grads']) names.push(`${camel[1]}${g}${camel[3]}`);
  return [...new Set(names)].filter((n) => n !== f && !isNumericalName(n));
}

/**
 * The backward of a CS231n layer function, `…_forward` or `…_forward_<variant>` → `…_backward…`:
 * affine_forward → affine_backward, conv_forward_naive → conv_backward_naive,
 * affine_relu_forward_withdrop_out → affine_relu_backward_withdrop_out.
 */
export function cacheBackwardName(f: string): string | undefined {
  const m = /^(\w+?)_forward((?:_[a-z0-9]+)*)$/.exec(f);
  return m ? `${m[1]}_backward${m[2]}` : undefined;
}

/** numerical_gradient, numericalGrad, …: a numerical gradient, never taken for the learner's own. */
export function isNumericalName(name: string): boolean {
  return /^(_*)numeric(al)?(_|[A-Z]|$)/.test(name);
}

/** The method names of a class that hold the gradient of any of its losses (the book's TwoLayerNet.gradient). */
export const GRADIENT_METHODS = [
  'gradient',
  'gradients',
  'backward',
  'grad',
  'grads',
  'backprop',
  'compute_gradient',
  'computeGradient',
] as const;

/**
 * The function `grad` is the gradient of, by the same naming conventions (the cursor in
 * `cross_entropy_error_grad` means checking `cross_entropy_error` with it), if the file has one.
 */
export function lossOfGradient(o: Outline, grad: FunctionInfo): FunctionInfo | undefined {
  const own = o.functions.filter((f) => f !== grad && (f.className ?? '') === (grad.className ?? ''));
  // By name first (f_grad → f), then a class's gradient method → the loss it is the gradient of.
  return (
    own.find((f) => gradientNames(f.name).includes(grad.name) && conventionalGradient(o, f) === grad) ??
    own.find((f) => ['loss', 'forward', 'cost', 'objective'].includes(f.name) && conventionalGradient(o, f) === grad)
  );
}

/** The hand-written gradient of `loss` by convention, if the file has one. */
export function conventionalGradient(o: Outline, loss: FunctionInfo): FunctionInfo | undefined {
  const names = gradientNames(loss.name);
  const candidates = o.functions
    .filter((f) => f !== loss && (f.className ?? '') === (loss.className ?? '') && !isNumericalName(f.name))
    .reverse();
  for (const n of names) {
    const hit = candidates.find((f) => f.name === n);
    if (hit) return hit;
  }
  if (loss.className) {
    for (const n of GRADIENT_METHODS) {
      const hit = candidates.find((f) => f.name === n);
      if (hit) return hit;
    }
  }
  return undefined;
}

const FUNCTION_PARAM = new Set([
  'f',
  'func',
  'fn',
  'fun',
  'function',
  'loss_fn',
  'lossFn',
  'loss_func',
  'lossFunc',
  'objective',
]);

/**
 * How to call a gradient: the book's `numerical_gradient(f, x)` takes the function first;
 * otherwise it takes (some of) the loss's inputs, matched by name, else by position.
 */
export function gradientCall(grad: FunctionInfo, loss: FunctionInfo): { style: 'args' | 'numerical'; args: string[] } {
  if (grad.params.length === 2 && FUNCTION_PARAM.has(grad.params[0])) return { style: 'numerical', args: [] };
  const args = grad.params.map((p, k) => (loss.params.includes(p) ? p : (loss.params[k] ?? p)));
  return { style: 'args', args };
}

/**
 * Whether JavaScript code treats an input as a batch of rows: y[i][k], y[i].length,
 * y.map((row) => row.map(...)). Otherwise it is written for one example.
 */
export function indexesRows(code: string, names: string[]): boolean {
  const esc = (n: string) => n.replace(/[$]/g, '\\$');
  return names.some((n) => {
    const name = esc(n);
    if (
      new RegExp(
        `\\b${name}\\s*\\[[^\\]]+\\]\\s*(\\[|\\.(length|map|reduce|forEach|indexOf|slice|every|some|filter)\\b)`,
      ).test(code)
    )
      return true;
    // The element's name: map((row) => ...) has it first, reduce((acc, row) => ...) second.
    const ident = '[A-Za-z_$][\\w$]*';
    const first = new RegExp(`\\b${name}\\s*\\.(?:map|forEach|every|some|filter)\\(\\s*\\(?\\s*(${ident})`).exec(code);
    const second = new RegExp(`\\b${name}\\s*\\.reduce\\(\\s*\\(\\s*${ident}\\s*,\\s*(${ident})`).exec(code);
    const loop = new RegExp(`\\bfor\\s*\\(\\s*(?:const|let|var)\\s+(${ident})\\s+of\\s+${name}\\s*\\)`).exec(code);
    const v = first?.[1] ?? second?.[1] ?? loop?.[1];
    return v !== undefined && new RegExp(`\\b${esc(v)}\\s*(\\[|\\.(length|map|reduce|forEach)\\b)`).test(code);
  });
}

/**
 * Whether a loss's text returns more than a number — `return loss, dW` (Python), `return [loss, dW]`,
 * `return { cost, grad }` — so its gradient comes with it and no other function need be asked for.
 */
export function returnsGradient(code: string): boolean {
  return (
    /\breturn\s*\(?\s*[\w.[\]'"]+\s*,/.test(code) ||
    /\breturn\s*\[\s*[^\]\s]/.test(code) ||
    /\breturn\s*\{\s*[\w$'"]+\s*[:,}]/.test(code)
  );
}

/** The names in a function's last `return a, b` (Python), when each is a plain name. */
export function returnNames(text: string): string[] | undefined {
  const returns = text
    .split('\n')
    .map((l) => /^\s*return\s+(.*?)\s*(#.*)?$/.exec(l)?.[1])
    .filter((r): r is string => !!r);
  const last = returns[returns.length - 1]?.replace(/^\((.*)\)$/, '$1');
  if (!last) return undefined;
  // Split at top-level commas; each part is named by its leading name (dj_dw / m → dj_dw).
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of last) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  if (parts.length < 2) return undefined;
  const names = parts.map((q) => /^\s*([A-Za-z_]\w*)\s*(?:$|[-+*/@.])/.exec(q)?.[1] ?? '');
  return names.every((n) => n && !/^(np|numpy|math)$/.test(n)) ? names : undefined;
}
