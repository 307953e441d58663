import { Token, matching, tokenize } from './jsTokens';
import type { ClassInfo, FunctionInfo, Language, Outline } from './outline';
import { stripTypes } from './tsStrip';

/**
 * JavaScript/TypeScript functions from tokens (types stripped first): top-level function
 * declarations, `const f = (...) =>` and `= function`, class methods and arrow fields, and the
 * fields a constructor assigns. Functions defined by assignment, at any depth (inside an IIFE
 * too), are found as well: `C.prototype.f = function`, `C.prototype = { f: function }`,
 * `module.exports = { f(x) {} }`, `exports.f = (x) =>`, `obj.f = function`, `const obj = { f }`;
 * the runner looks such a dotted name up in the running module (jsCheckInContext).
 * Unbalanced code (a file mid-edit) still yields what it can.
 */

/** FunctionInfo's parameter fields: the names, and the defaulted ones (name → default's text) when there are any. */
function paramFields(t: Token[], open: number, close: number): { params: string[]; defaults?: Record<string, string> } {
  const p = jsParams(t, open, close);
  return p.optional.length
    ? { params: [...p], defaults: Object.fromEntries(p.optional.map((o) => [o, p.defaults[o] ?? ''])) }
    : { params: [...p] };
}

/** The first token after index `from` with this value, or -1 (a scan from `from`, not from 0). */
function nextValue(t: Token[], from: number, value: string): number {
  for (let k = from + 1; k < t.length; k++) if (t[k].value === value) return k;
  return -1;
}

/** The token closing the bracket at k, or the last token when the code is unbalanced (mid-edit). */
function closeOf(t: Token[], k: number): number {
  const m = matching(t, k);
  return m < 0 ? t.length - 1 : m;
}

/** Parameter names; `optional` lists those with a default value (`eps = 1e-8`), `defaults` its text. */
function jsParams(
  t: Token[],
  open: number,
  close: number,
): string[] & { optional: string[]; defaults: Record<string, string> } {
  const params = Object.assign([] as string[], { optional: [] as string[], defaults: {} as Record<string, string> });
  let k = open + 1;
  while (k < close) {
    if (t[k].value === '...') k++;
    const tok = t[k];
    if (tok.value === '{' || tok.value === '[') {
      params.push(`arg${params.length}`);
      k = closeOf(t, k) + 1;
    } else {
      if (tok.type === 'ident') params.push(tok.value);
      k++;
    }
    let valueFrom = -1;
    while (k < close && t[k].value !== ',') {
      if (t[k].value === '=' && params.length && valueFrom < 0) {
        params.optional.push(params[params.length - 1]);
        valueFrom = k + 1;
      }
      k = ['(', '[', '{'].includes(t[k].value) ? closeOf(t, k) + 1 : k + 1;
    }
    if (valueFrom > 0 && valueFrom < k)
      params.defaults[params[params.length - 1]] = t
        .slice(valueFrom, k)
        .map((x) => x.value)
        .join(' ');
    k++;
  }
  return params;
}

export function jsOutline(source: string, language: Language): Outline {
  let code = source;
  if (language === 'typescript') {
    try {
      code = stripTypes(source);
    } catch {
      code = source; // a file mid-edit: read what we can from the raw text
    }
  }
  let t: Token[];
  try {
    t = tokenize(code);
  } catch {
    return { language, functions: [], classes: [] };
  }
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  /** End of an arrow function's body starting at token k. */
  const arrowEnd = (k: number): number => {
    if (t[k]?.value === '{') return closeOf(t, k);
    let j = k;
    while (j < t.length) {
      const v = t[j].value;
      if (v === '(' || v === '[' || v === '{') {
        j = closeOf(t, j);
        if (j < 0) return t.length - 1;
      }
      if (
        t[j + 1] === undefined ||
        t[j + 1].value === ';' ||
        t[j + 1].value === ',' ||
        t[j + 1].value === ')' ||
        t[j + 1].value === '}'
      )
        return j;
      if (t[j + 1].nlBefore && !/^[.?:+\-*/%&|=<>,]/.test(t[j + 1].value) && !/[=+\-*/%&|<>,(?:]$/.test(v)) return j;
      j++;
    }
    return t.length - 1;
  };
  const functions: FunctionInfo[] = [];
  const classes: ClassInfo[] = [];
  const skipExport = (k: number) => (t[k]?.value === 'export' ? (t[k + 1]?.value === 'default' ? k + 2 : k + 1) : k);

  for (let i = 0; i < t.length; i++) {
    const v = t[i].value;
    if (v === '{' || v === '(' || v === '[') {
      const m = closeOf(t, i);
      if (m > i) i = m; // only the top level defines callable functions
      continue;
    }
    const k = skipExport(i);
    const start = t[i].start;
    let j = k;
    if (t[j]?.value === 'async') j++;
    if (t[j]?.value === 'function') {
      if (t[j + 1]?.value === '*') j++;
      const name = t[j + 1];
      const open = j + 2;
      if (name?.type !== 'ident' || t[open]?.value !== '(') continue;
      const close = closeOf(t, open);
      const body = nextValue(t, close, '{');
      const end = body > 0 ? closeOf(t, body) : close;
      functions.push({
        name: name.value,
        ...paramFields(t, open, close),
        line: lineOf(start),
        endLine: lineOf(t[end].start),
      });
      i = end;
      continue;
    }
    if (['const', 'let', 'var'].includes(t[k]?.value) && t[k + 1]?.type === 'ident' && t[k + 2]?.value === '=') {
      let a = k + 3;
      if (t[a]?.value === 'async') a++;
      if (t[a]?.value === 'function') {
        a++;
        if (t[a]?.value === '*') a++;
        if (t[a]?.type === 'ident') a++;
      }
      let params: { params: string[]; defaults?: Record<string, string> } | undefined;
      let after = -1;
      if (t[a]?.value === '(') {
        const close = closeOf(t, a);
        params = paramFields(t, a, close);
        after = close + 1;
      } else if (t[a]?.type === 'ident' && t[a + 1]?.value === '=>') {
        params = { params: [t[a].value] };
        after = a + 1;
      }
      if (params && (t[after]?.value === '=>' || t[after]?.value === '{')) {
        const bodyStart = t[after].value === '=>' ? after + 1 : after;
        const end = arrowEnd(bodyStart);
        functions.push({ name: t[k + 1].value, ...params, line: lineOf(start), endLine: lineOf(t[end].start) });
        i = end;
      }
      continue;
    }
    if (t[k]?.value === 'class' && t[k + 1]?.type === 'ident') {
      const open = nextValue(t, k, '{');
      if (open < 0) continue;
      const close = closeOf(t, open);
      const info: ClassInfo = {
        name: t[k + 1].value,
        line: lineOf(start),
        endLine: lineOf(t[close].start),
        attributes: [],
      };
      classes.push(info);
      classMembers(open, close, info);
      i = close;
    }
  }

  function classMembers(open: number, close: number, info: ClassInfo) {
    for (let m = open + 1; m < close; m++) {
      const v = t[m].value;
      if (v === ';') continue;
      let n = m;
      while (['static', 'async', 'get', 'set', '*'].includes(t[n].value) && t[n + 1]?.value !== '(') n++;
      const name = t[n];
      if (name.type === 'ident' && t[n + 1]?.value === '(') {
        const pClose = closeOf(t, n + 1);
        const body = t[pClose + 1]?.value === '{' ? pClose + 1 : -1;
        const end = body > 0 ? closeOf(t, body) : pClose;
        if (name.value === 'constructor') {
          const init = paramFields(t, n + 1, pClose);
          info.initParams = init.params;
          info.initDefaults = init.defaults ?? {};
          for (let a = body; a < end; a++) {
            if (t[a].value !== 'this' || t[a + 1]?.value !== '.' || t[a + 2]?.type !== 'ident') continue;
            // this.W = …, and the entries of a dict of parameters: this.params['W1'] = …, this.params.W1 = …
            const field = t[a + 2].value;
            const entry =
              t[a + 3]?.value === '[' && t[a + 4]?.type === 'str' && t[a + 5]?.value === ']' && t[a + 6]?.value === '='
                ? t[a + 4].value.slice(1, -1)
                : t[a + 3]?.value === '.' && t[a + 4]?.type === 'ident' && t[a + 5]?.value === '='
                  ? t[a + 4].value
                  : undefined;
            const attribute =
              t[a + 3]?.value === '=' ? field : entry !== undefined ? `${field}['${entry}']` : undefined;
            if (attribute && !info.attributes.includes(attribute)) info.attributes.push(attribute);
          }
        } else if (!['get', 'set'].includes(t[n - 1]?.value ?? '')) {
          functions.push({
            name: name.value,
            className: info.name,
            ...paramFields(t, n + 1, pClose),
            line: lineOf(t[m].start),
            endLine: lineOf(t[end].start),
          });
        }
        m = end;
        continue;
      }
      // A field: `name = (...) => ...` is callable like a method; anything else is skipped.
      if (name.type === 'ident' && t[n + 1]?.value === '=') {
        const a = t[n + 2]?.value === 'async' ? n + 3 : n + 2;
        if (t[a]?.value === '(' && t[closeOf(t, a) + 1]?.value === '=>') {
          const pClose = closeOf(t, a);
          const end = arrowEnd(pClose + 2);
          functions.push({
            name: name.value,
            className: info.name,
            ...paramFields(t, a, pClose),
            line: lineOf(t[m].start),
            endLine: lineOf(t[end].start),
          });
          m = end;
          continue;
        }
      }
      // Step over the rest of the field declaration.
      while (m < close && t[m + 1] && t[m + 1].value !== ';' && !(t[m + 1].nlBefore && t[m + 1].type === 'ident')) {
        const skipTo = ['(', '[', '{'].includes(t[m].value) ? closeOf(t, m) : m + 1;
        m = skipTo > m ? skipTo : close;
      }
    }
  }

  assignedFunctions(t, lineOf, arrowEnd, functions, classes);
  return { language, functions, classes };
}

/** The dotted path ending at token `end` (`a.b.c`), and the index of its first token. */
function pathBefore(t: Token[], end: number): { path: string[]; first: number } | undefined {
  if (t[end]?.type !== 'ident') return undefined;
  const path = [t[end].value];
  let k = end;
  while (t[k - 1]?.value === '.' && t[k - 2]?.type === 'ident') {
    path.unshift(t[k - 2].value);
    k -= 2;
  }
  return { path, first: k };
}

/** Where a function assigned to `path` lives: module.exports.f → f; C.prototype.f → C.f; a.b.f → a.b.f. */
function ownerOf(path: string[]): { className?: string; name: string } | undefined {
  const name = path[path.length - 1];
  let owner = path.slice(0, -1);
  if (owner[0] === 'module' && owner[1] === 'exports') owner = owner.slice(2);
  else if (owner[0] === 'exports' || owner[0] === 'window' || owner[0] === 'globalThis' || owner[0] === 'self')
    owner = owner.slice(1);
  if (owner[owner.length - 1] === 'prototype') owner = owner.slice(0, -1);
  if (owner.includes('prototype') || owner.some((p) => p === 'this')) return undefined;
  return { className: owner.length ? owner.join('.') : undefined, name };
}

/**
 * Functions made by assignment anywhere in the file: `path = function (…)`, `path = (…) =>`, and the
 * function-valued members of an object literal assigned to a path or a variable.
 */
function assignedFunctions(
  t: Token[],
  lineOf: (offset: number) => number,
  arrowEnd: (k: number) => number,
  functions: FunctionInfo[],
  classes: ClassInfo[],
) {
  const known = new Set(functions.map((f) => `${f.className ?? ''}.${f.name}`));
  type Params = { params: string[]; defaults?: Record<string, string> };
  const add = (className: string | undefined, name: string, params: Params, startTok: number, endTok: number) => {
    const key = `${className ?? ''}.${name}`;
    if (known.has(key) || name === 'constructor') return;
    known.add(key);
    functions.push({ name, className, ...params, line: lineOf(t[startTok].start), endLine: lineOf(t[endTok].start) });
    if (className && !classes.some((c) => c.name === className)) {
      classes.push({
        name: className,
        line: lineOf(t[startTok].start),
        endLine: lineOf(t[endTok].start),
        attributes: constructorFields(t, className),
      });
    }
  };
  /** A function expression starting at k: its parameters and last token. */
  const functionAt = (k: number): (Params & { end: number }) | undefined => {
    let a = k;
    if (t[a]?.value === 'async') a++;
    if (t[a]?.value === 'function') {
      a++;
      if (t[a]?.value === '*') a++;
      if (t[a]?.type === 'ident') a++;
      if (t[a]?.value !== '(') return undefined;
      const close = closeOf(t, a);
      if (t[close + 1]?.value !== '{') return undefined;
      return { ...paramFields(t, a, close), end: closeOf(t, close + 1) };
    }
    if (t[a]?.value === '(') {
      const close = closeOf(t, a);
      if (t[close + 1]?.value !== '=>') return undefined;
      return { ...paramFields(t, a, close), end: arrowEnd(close + 2) };
    }
    if (t[a]?.type === 'ident' && t[a + 1]?.value === '=>') return { params: [t[a].value], end: arrowEnd(a + 2) };
    return undefined;
  };
  const objectMembers = (open: number, owner: { className?: string } | undefined) => {
    const close = closeOf(t, open);
    for (let m = open + 1; m < close; m++) {
      let n = m;
      if (t[n].value === 'async' && t[n + 1]?.type === 'ident') n++;
      const key = t[n];
      if (key.type === 'ident' || key.type === 'str') {
        const name = key.type === 'str' ? key.value.slice(1, -1) : key.value;
        if (t[n + 1]?.value === ':') {
          const fn = functionAt(n + 2);
          if (fn && /^[A-Za-z_$][\w$]*$/.test(name)) add(owner?.className, name, fn, m, fn.end);
        } else if (t[n + 1]?.value === '(' && key.type === 'ident') {
          const pClose = closeOf(t, n + 1);
          if (t[pClose + 1]?.value === '{') {
            add(owner?.className, name, paramFields(t, n + 1, pClose), m, closeOf(t, pClose + 1));
          }
        }
      }
      // On to the next member: skip nested brackets up to the ',' of this level.
      while (m < close && t[m].value !== ',') m = ['(', '[', '{'].includes(t[m].value) ? closeOf(t, m) + 1 : m + 1;
    }
  };
  let depth = 0;
  for (let i = 1; i < t.length; i++) {
    const v = t[i].value;
    if (v === '{' || v === '(' || v === '[') depth++;
    else if (v === '}' || v === ')' || v === ']') depth--;
    if (v !== '=' || t[i - 1].type !== 'ident') continue;
    const target = pathBefore(t, i - 1);
    if (!target) continue;
    const declared = ['const', 'let', 'var'].includes(t[target.first - 1]?.value ?? '');
    // A variable's object is callable from outside only at the top level.
    if (target.path.length === 1 && !(declared && depth === 0)) continue;
    if (t[i + 1]?.value === '{') {
      const owner = target.path.length === 1 ? { className: target.path[0] } : ownerOf([...target.path, '']);
      objectMembers(i + 1, owner && { className: owner.className });
      continue;
    }
    if (target.path.length < 2) continue;
    const fn = functionAt(i + 1);
    const owner = ownerOf(target.path);
    if (fn && owner) add(owner.className, owner.name, fn, target.first, fn.end);
  }
}

/** Fields `this.x = …` assigned in a constructor function `function C(…) {…}` or `C = function (…) {…}`. */
function constructorFields(t: Token[], className: string): string[] {
  const name = className.split('.').pop()!;
  const fields: string[] = [];
  for (let i = 0; i < t.length; i++) {
    let open = -1;
    if (t[i].value === 'function' && t[i + 1]?.value === name && t[i + 2]?.value === '(') open = i + 2;
    else if (
      t[i].value === name &&
      t[i + 1]?.value === '=' &&
      t[i + 2]?.value === 'function' &&
      t[i + 3]?.value === '('
    )
      open = i + 3;
    if (open < 0) continue;
    const close = closeOf(t, open);
    if (t[close + 1]?.value !== '{') continue;
    const end = closeOf(t, close + 1);
    for (let a = close + 1; a < end; a++) {
      if (
        t[a].value === 'this' &&
        t[a + 1]?.value === '.' &&
        t[a + 2]?.type === 'ident' &&
        t[a + 3]?.value === '=' &&
        !fields.includes(t[a + 2].value)
      )
        fields.push(t[a + 2].value);
    }
    break;
  }
  return fields;
}
