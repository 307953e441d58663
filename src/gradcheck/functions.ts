import { Token, matching, tokenize } from './jsTokens';
import { isTypeScriptFile, stripTypes } from './tsStrip';

/**
 * Finds the functions in a learner's file — Python `def` (and `name = lambda ...`), JavaScript
 * and TypeScript function declarations, `const f = (...) =>`, class methods — with their
 * parameters and lines, and pairs a loss with its hand-written gradient by the usual names.
 * Only what the checker can call from outside counts: top-level functions and methods of
 * top-level classes. Cheap enough to run on every CodeLens request.
 */

export type Language = 'python' | 'javascript' | 'typescript';

export interface FunctionInfo {
  name: string;
  className?: string;
  /** Parameters in call order, without self/this. */
  params: string[];
  /** 1-based lines of the definition and of its last line. */
  line: number;
  endLine: number;
}

export interface ClassInfo {
  name: string;
  line: number;
  endLine: number;
  /** Fields assigned in the constructor (self.W = ..., this.W = ...). */
  attributes: string[];
}

export interface Outline {
  language: Language;
  functions: FunctionInfo[];
  classes: ClassInfo[];
}

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

/** "name" or "Class.method". */
export function findFunction(o: Outline, name: string): FunctionInfo | undefined {
  const [a, b] = name.split('.');
  return b === undefined ? o.functions.find((f) => f.name === a && !f.className) ?? o.functions.find((f) => f.name === a) : o.functions.find((f) => f.className === a && f.name === b);
}

/** The innermost function whose lines hold `line` (1-based). */
export function functionAt(o: Outline, line: number): FunctionInfo | undefined {
  const holding = o.functions.filter((f) => f.line <= line && line <= f.endLine);
  return holding.sort((a, b) => a.endLine - a.line - (b.endLine - b.line))[0];
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Names a hand-written gradient of `f` goes by, most usual first. */
export function gradientNames(f: string): string[] {
  return [
    `${f}_grad`, `grad_${f}`, `d_${f}`, `${f}_gradient`, `gradient_${f}`, `${f}_backward`, `numerical_gradient_${f}`,
    `${f}Grad`, `grad${capital(f)}`, `d${capital(f)}`, `${f}Gradient`, `gradient${capital(f)}`, `${f}Backward`,
  ];
}

/** The hand-written gradient of `loss` by convention, if the file has one. */
export function conventionalGradient(o: Outline, loss: FunctionInfo): FunctionInfo | undefined {
  const names = gradientNames(loss.name);
  const candidates = o.functions.filter((f) => f !== loss && (f.className ?? '') === (loss.className ?? ''));
  for (const n of names) {
    const hit = candidates.find((f) => f.name === n);
    if (hit) return hit;
  }
  if (loss.className) {
    for (const n of ['gradient', 'backward', 'grad', 'backprop']) {
      const hit = candidates.find((f) => f.name === n);
      if (hit) return hit;
    }
  }
  return undefined;
}

const FUNCTION_PARAM = new Set(['f', 'func', 'fn', 'fun', 'function', 'loss_fn', 'lossFn', 'loss_func', 'lossFunc', 'objective']);

/**
 * How to call a gradient: the book's `numerical_gradient(f, x)` takes the function first;
 * otherwise it takes (some of) the loss's inputs, matched by name, else by position.
 */
export function gradientCall(grad: FunctionInfo, loss: FunctionInfo): { style: 'args' | 'numerical'; args: string[] } {
  if (grad.params.length === 2 && FUNCTION_PARAM.has(grad.params[0])) return { style: 'numerical', args: [] };
  const args = grad.params.map((p, k) => (loss.params.includes(p) ? p : loss.params[k] ?? p));
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
    if (new RegExp(`\\b${name}\\s*\\[[^\\]]+\\]\\s*(\\[|\\.(length|map|reduce|forEach|indexOf|slice|every|some|filter)\\b)`).test(code)) return true;
    // The element's name: map((row) => ...) has it first, reduce((acc, row) => ...) second.
    const ident = '[A-Za-z_$][\\w$]*';
    const first = new RegExp(`\\b${name}\\s*\\.(?:map|forEach|every|some|filter)\\(\\s*\\(?\\s*(${ident})`).exec(code);
    const second = new RegExp(`\\b${name}\\s*\\.reduce\\(\\s*\\(\\s*${ident}\\s*,\\s*(${ident})`).exec(code);
    const v = first?.[1] ?? second?.[1];
    return v !== undefined && new RegExp(`\\b${esc(v)}\\s*(\\[|\\.(length|map|reduce|forEach)\\b)`).test(code);
  });
}

// ---- Python ------------------------------------------------------------------------------------

interface PyLine {
  indent: number;
  /** Starts a logical line (not inside brackets or a triple-quoted string) and is not blank. */
  code: boolean;
  text: string;
}

/** Marks which physical lines begin logical lines, skipping strings, comments and brackets. */
function pythonLines(source: string): PyLine[] {
  const lines = source.split('\n');
  const out: PyLine[] = [];
  let depth = 0;
  let triple: string | null = null;
  for (const text of lines) {
    const trimmed = text.trim();
    const starts = depth === 0 && triple === null && trimmed !== '' && !trimmed.startsWith('#');
    out.push({ indent: text.length - text.trimStart().length, code: starts, text });
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (triple) {
        if (text.startsWith(triple, i)) {
          triple = null;
          i += 2;
        } else if (c === '\\') i++;
        continue;
      }
      if (c === '#') break;
      if ((c === '"' || c === "'") && text.startsWith(c.repeat(3), i)) {
        triple = c.repeat(3);
        i += 2;
      } else if (c === '"' || c === "'") {
        for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    }
  }
  return out;
}

function pythonParams(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts
    .map((p) => p.split('=')[0].split(':')[0].trim())
    .filter((p) => p !== '' && p !== '/' && p !== '*' && !p.startsWith('*'));
}

function pythonOutline(source: string): Outline {
  const lines = pythonLines(source);
  const functions: FunctionInfo[] = [];
  const classes: ClassInfo[] = [];
  const blockEnd = (k: number): number => {
    let end = k;
    for (let j = k + 1; j < lines.length; j++) {
      if (lines[j].code && lines[j].indent <= lines[k].indent) break;
      if (lines[j].text.trim() !== '') end = j;
    }
    return end;
  };
  const defAt = (k: number, className?: string): FunctionInfo | undefined => {
    const m = /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/.exec(lines[k].text);
    if (!m) return undefined;
    // The parameter list may run over several lines.
    let text = lines.slice(k, k + 30).map((l) => l.text).join('\n').slice(m[0].length);
    let depth = 1;
    let i = 0;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    text = text.slice(0, i - 1);
    const params = pythonParams(text);
    if (className && params.length && (params[0] === 'self' || params[0] === 'cls')) params.shift();
    return { name: m[1], className, params, line: k + 1, endLine: blockEnd(k) + 1 };
  };
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    if (!l.code || l.indent !== 0) continue;
    const def = defAt(k);
    if (def) {
      functions.push(def);
      continue;
    }
    const lambda = /^([A-Za-z_]\w*)\s*=\s*lambda\b([^:]*):/.exec(l.text);
    if (lambda) {
      functions.push({ name: lambda[1], params: pythonParams(lambda[2]), line: k + 1, endLine: blockEnd(k) + 1 });
      continue;
    }
    const cls = /^class\s+([A-Za-z_]\w*)/.exec(l.text);
    if (!cls) continue;
    const end = blockEnd(k);
    const info: ClassInfo = { name: cls[1], line: k + 1, endLine: end + 1, attributes: [] };
    classes.push(info);
    const memberIndent = lines.slice(k + 1, end + 1).find((x) => x.code)?.indent ?? 4;
    for (let j = k + 1; j <= end; j++) {
      if (!lines[j].code || lines[j].indent !== memberIndent) continue;
      const method = defAt(j, cls[1]);
      if (!method) continue;
      functions.push(method);
      if (method.name === '__init__') {
        for (let a = j + 1; a < method.endLine; a++) {
          const m = /^\s*self\.([A-Za-z_]\w*)\s*=[^=]/.exec(lines[a].text);
          if (m && !info.attributes.includes(m[1])) info.attributes.push(m[1]);
        }
      }
    }
  }
  return { language: 'python', functions: functions.filter((f) => f.name !== '__init__'), classes };
}

// ---- JavaScript / TypeScript ---------------------------------------------------------------

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

function jsOutline(source: string, language: Language): Outline {
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
      const body = t.findIndex((x, n) => n > close && x.value === '{');
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
      const open = t.findIndex((x, n) => n > k && x.value === '{');
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
