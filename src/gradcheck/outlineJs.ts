import { Token, matching, tokenize } from './jsTokens';
import type { ClassInfo, FunctionInfo, Language, Outline } from './functions';
import { stripTypes } from './tsStrip';

/**
 * JavaScript/TypeScript functions from tokens (types stripped first): top-level function
 * declarations, `const f = (...) =>` and `= function`, class methods and arrow fields, and the
 * fields a constructor assigns. Unbalanced code (a file mid-edit) still yields what it can.
 */

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

function jsParams(t: Token[], open: number, close: number): string[] {
  const params: string[] = [];
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
    while (k < close && t[k].value !== ',') k = ['(', '[', '{'].includes(t[k].value) ? closeOf(t, k) + 1 : k + 1;
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
      if (t[j + 1] === undefined || t[j + 1].value === ';' || t[j + 1].value === ',' || t[j + 1].value === ')' || t[j + 1].value === '}') return j;
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
      functions.push({ name: name.value, params: jsParams(t, open, close), line: lineOf(start), endLine: lineOf(t[end].start) });
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
      let params: string[] | undefined;
      let after = -1;
      if (t[a]?.value === '(') {
        const close = closeOf(t, a);
        params = jsParams(t, a, close);
        after = close + 1;
      } else if (t[a]?.type === 'ident' && t[a + 1]?.value === '=>') {
        params = [t[a].value];
        after = a + 1;
      }
      if (params && (t[after]?.value === '=>' || t[after]?.value === '{')) {
        const bodyStart = t[after].value === '=>' ? after + 1 : after;
        const end = arrowEnd(bodyStart);
        functions.push({ name: t[k + 1].value, params, line: lineOf(start), endLine: lineOf(t[end].start) });
        i = end;
      }
      continue;
    }
    if (t[k]?.value === 'class' && t[k + 1]?.type === 'ident') {
      const open = nextValue(t, k, '{');
      if (open < 0) continue;
      const close = closeOf(t, open);
      const info: ClassInfo = { name: t[k + 1].value, line: lineOf(start), endLine: lineOf(t[close].start), attributes: [] };
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
          for (let a = body; a < end; a++) {
            if (t[a].value === 'this' && t[a + 1]?.value === '.' && t[a + 2]?.type === 'ident' && t[a + 3]?.value === '=' && !info.attributes.includes(t[a + 2].value)) {
              info.attributes.push(t[a + 2].value);
            }
          }
        } else if (!['get', 'set'].includes(t[n - 1]?.value ?? '')) {
          functions.push({ name: name.value, className: info.name, params: jsParams(t, n + 1, pClose), line: lineOf(t[m].start), endLine: lineOf(t[end].start) });
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
          functions.push({ name: name.value, className: info.name, params: jsParams(t, a, pClose), line: lineOf(t[m].start), endLine: lineOf(t[end].start) });
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

  return { language, functions, classes };
}
