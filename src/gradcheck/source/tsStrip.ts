/**
 * Turns TypeScript into JavaScript by blanking the types out with spaces, the way Node's
 * `--experimental-strip-types` does: every line and column stays where it was, so an error in
 * the learner's code points at their line. Why not esbuild or TypeScript at run time: the
 * packaged extension ships without node_modules (esbuild's native binary is not there) and
 * TypeScript 7 has no JavaScript API, while Node's own `module.stripTypeScriptTypes` needs
 * Node ≥ 22.13 (VS Code 1.90 runs Node 20).
 *
 * It covers what learners write: annotations on parameters, variables, fields, catch clauses and
 * return types, optional `?` and definite `!`, generics on declarations and methods (also in object
 * literals), type arguments on calls, `new`, tagged templates and instantiations (`f<T>(x)`, as
 * TypeScript reads `a < b > (c)`), `as`/`satisfies` (also after an object literal and inside `${}`),
 * non-null `x!`, `interface`, `type`, `declare`, `import type`, `typeof import('m')` types, access
 * modifiers, `implements`, overload and abstract signatures. Syntax that needs a real transform
 * (enum, namespace, constructor parameter properties, `import x = require()`, `export =`, `<T>x`
 * assertions) is refused with its line, so the learner knows what to change. Node's own stripper
 * (amaro) gives the same output on every snippet of test/unit/gradcheckStripDifferential.test.ts.
 * One pass over the tokens, so the walk below shares its state; the type grammar is tsTypes.ts.
 */
import { matching, tokenize } from './jsTokens';
import { UnsupportedTypeScript, typeReader } from './tsTypes';

export { UnsupportedTypeScript };

const KEYWORDS_BEFORE_PAREN = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'return',
  'typeof',
  'function',
  'await',
  'yield',
  'new',
  'void',
  'delete',
  'in',
  'of',
  'instanceof',
  'case',
  'do',
  'else',
  'throw',
]);
const MEMBER_MODIFIERS = new Set(['public', 'private', 'protected', 'readonly', 'override', 'declare', 'abstract']);
const PARAM_PROPERTY = new Set(['public', 'private', 'protected', 'readonly', 'override']);
/** Punctuation that may appear inside type arguments. */
const TYPE_PUNCT = new Set([
  '.',
  ',',
  '<',
  '>',
  '>>',
  '>>>',
  '[',
  ']',
  '|',
  '&',
  '{',
  '}',
  '(',
  ')',
  '=>',
  ':',
  '?',
  ';',
  '-',
  '...',
]);

export function stripTypes(src: string): string {
  const t = tokenize(src);
  const blanks: [number, number][] = [];
  /** Tokens already consumed as (blanked) type text: the main walk steps over them. */
  const consumed = new Uint8Array(t.length + 1);
  const val = (k: number) => t[k]?.value;
  const is = (k: number, v: string) => t[k]?.type === 'punct' && t[k].value === v;
  const isWord = (k: number, v: string) => t[k]?.type === 'ident' && t[k].value === v;
  const fail = (k: number, what: string): never => {
    throw new UnsupportedTypeScript(what, t[Math.min(k, t.length - 1)]?.start ?? 0);
  };
  /** Blank tokens a..b-1 (b exclusive) and mark them consumed. */
  const blank = (a: number, b: number) => {
    if (b <= a) return;
    blanks.push([t[a].start, t[b - 1].end]);
    for (let k = a; k < b; k++) consumed[k] = 1;
  };

  const { parseType, angleEnd } = typeReader(t);

  /** Blanks `: Type` at t[k] (t[k] is ':'); returns the index after the type. */
  const blankAnnotation = (k: number): number => {
    const e = parseType(k + 1);
    blank(k, e);
    return e;
  };

  // ---- parameters ------------------------------------------------------------------------
  const processParams = (open: number, close: number, isConstructor: boolean) => {
    let k = open + 1;
    while (k < close) {
      const segStart = k;
      if (
        t[k].type === 'ident' &&
        PARAM_PROPERTY.has(t[k].value) &&
        (t[k + 1]?.type === 'ident' || is(k + 1, '{') || is(k + 1, '['))
      ) {
        if (isConstructor)
          fail(
            k,
            `constructor parameter properties ('${t[k].value} ${val(k + 1)}') are not supported: declare the field and assign this.${val(k + 1)} = ${val(k + 1)} in the constructor`,
          );
      }
      if (isWord(k, 'this') && is(k + 1, ':')) {
        let e = parseType(k + 2);
        if (is(e, ',')) e++;
        blank(k, e);
        k = e;
        continue;
      }
      if (is(k, '...')) k++;
      if (is(k, '{') || is(k, '[')) k = matching(t, k) + 1;
      else k++;
      if (is(k, '?')) {
        blank(k, k + 1);
        k++;
      }
      if (is(k, ':')) k = blankAnnotation(k);
      // Skip a default value to the next ',' at this depth (the main walk still visits it).
      while (k < close && !is(k, ',')) {
        if (is(k, '(') || is(k, '[') || is(k, '{')) k = matching(t, k) + 1;
        else k++;
      }
      if (k === segStart) k++;
      if (is(k, ',')) k++;
    }
  };

  /** After a parameter list's ')': blank an optional return type; returns the index after it. */
  const returnType = (k: number): number => (is(k, ':') ? blankAnnotation(k) : k);

  /** Where a statement that starts at k ends (its ';', or the line's end at depth 0), exclusive. */
  const statementEnd = (k: number): number => {
    let j = k;
    while (j < t.length) {
      if (is(j, ';')) return j + 1;
      if (
        j > k &&
        t[j].nlBefore &&
        !['.', ',', '|', '&', '=', '=>', ':', '?'].includes(val(j - 1)!) &&
        !['|', '&', '.', '?', ':', '='].includes(val(j)!)
      )
        return j;
      if (is(j, '(') || is(j, '[') || is(j, '{')) {
        const m = matching(t, j);
        if (m < 0) return t.length;
        j = m + 1;
      } else j++;
    }
    return t.length;
  };

  const expressionEnds = (k: number) => {
    const p = t[k];
    if (!p) return false;
    if (p.type === 'ident') return !KEYWORDS_BEFORE_PAREN.has(p.value) || p.value === 'this';
    if (p.type === 'punct') return p.value === ')' || p.value === ']';
    return true;
  };

  // ---- declarations ------------------------------------------------------------------------
  /** `class [Name] [<T>] [extends X<T>] [implements A, B] {` from t[k] = 'class'; returns the '{'. */
  const classHeader = (k: number): number => {
    let j = k + 1;
    if (t[j]?.type === 'ident' && !['extends', 'implements'].includes(val(j)!)) j++;
    if (is(j, '<')) {
      const e = angleEnd(j);
      blank(j, e);
      j = e;
    }
    if (isWord(j, 'extends')) {
      j++;
      while (j < t.length && !is(j, '{') && !isWord(j, 'implements') && !is(j, '<'))
        j = is(j, '(') ? matching(t, j) + 1 : j + 1;
      if (is(j, '<')) {
        const e = angleEnd(j);
        blank(j, e);
        j = e;
      }
    }
    if (isWord(j, 'implements')) {
      const s = j;
      while (j < t.length && !is(j, '{')) j = is(j, '<') ? angleEnd(j) : j + 1;
      blank(s, j);
    }
    if (!is(j, '{')) fail(j, 'expected { after the class heading');
    return j;
  };

  /** One class member starting at k; returns where the main walk continues. */
  const classMember = (k: number, classClose: number): number => {
    const start = k;
    if (is(k, '[') && t[k + 1]?.type === 'ident' && is(k + 2, ':')) {
      const e = statementEnd(k);
      blank(k, e);
      return e;
    }
    let isAbstract = false;
    while (
      t[k]?.type === 'ident' &&
      (MEMBER_MODIFIERS.has(t[k].value) ||
        t[k].value === 'static' ||
        t[k].value === 'async' ||
        t[k].value === 'get' ||
        t[k].value === 'set' ||
        t[k].value === 'accessor') &&
      (t[k + 1]?.type === 'ident' ||
        is(k + 1, '[') ||
        is(k + 1, '*') ||
        t[k + 1]?.type === 'str' ||
        t[k + 1]?.type === 'num')
    ) {
      if (MEMBER_MODIFIERS.has(t[k].value)) {
        if (t[k].value === 'abstract' || t[k].value === 'declare') isAbstract = true;
        blank(k, k + 1);
      }
      k++;
    }
    if (is(k, '*')) k++;
    const isConstructor = isWord(k, 'constructor');
    if (is(k, '[')) k = matching(t, k) + 1;
    else k++;
    if (is(k, '?') || is(k, '!')) {
      blank(k, k + 1);
      k++;
    }
    if (is(k, '<')) {
      const e = angleEnd(k);
      blank(k, e);
      k = e;
    }
    if (is(k, '(')) {
      const close = matching(t, k);
      if (close < 0) fail(k, 'unbalanced (');
      processParams(k, close, isConstructor);
      const after = returnType(close + 1);
      if (!is(after, '{')) {
        // A signature without a body (overload or abstract method) is type information only.
        const e = is(after, ';') ? after + 1 : after;
        blank(start, e);
        return e;
      }
      return k;
    }
    if (isAbstract) {
      const e = statementEnd(start);
      blank(start, Math.min(e, classClose));
      return e;
    }
    if (is(k, ':')) return blankAnnotation(k);
    return k;
  };

  // ---- the walk ----------------------------------------------------------------------------
  const classStack: number[] = []; // closing '}' of each class body we are in
  const classDepth: number[] = []; // bracket depth inside each of those bodies
  let varDepth = -1; // bracket depth of the `let/const/var` declaration being walked, or -1
  let depth = 0;

  const atStatementStart = (k: number) => {
    if (k === 0) return true;
    const p = t[k - 1];
    if (p.type === 'punct' && (p.value === ';' || p.value === '{' || p.value === '}')) return true;
    if (p.type === 'ident' && (p.value === 'export' || (p.value === 'default' && isWord(k - 2, 'export')))) return true;
    return t[k].nlBefore && (p.type !== 'punct' || p.value === ')' || p.value === ']');
  };

  /** Whether t[k] begins a member of the class body we are directly inside. */
  const memberStartAt = (k: number): boolean => {
    const close = classStack[classStack.length - 1];
    if (close === undefined || depth !== classDepth[classDepth.length - 1] || k >= close) return false;
    if (is(k, '}') || is(k, ';')) return false;
    const p = t[k - 1];
    if (p.type === 'punct' && (p.value === '{' || p.value === ';' || p.value === '}')) return true;
    return (
      t[k].nlBefore &&
      expressionEnds(k - 1) &&
      (t[k].type === 'ident' || is(k, '[') || is(k, '*') || t[k].type === 'str')
    );
  };

  /** A binding after let/const/var or ',' at t[k]: blank `!` and `: Type` after it. */
  const binding = (k: number) => {
    let j = k;
    if (is(j, '{') || is(j, '[')) j = matching(t, j) + 1;
    else if (t[j]?.type === 'ident') j++;
    else return;
    if (is(j, '!') && is(j + 1, ':')) {
      blank(j, j + 1);
      j++;
    }
    if (is(j, ':')) blankAnnotation(j);
  };

  for (let i = 0; i < t.length; i++) {
    if (consumed[i]) continue;
    if (t[i].type === 'template' && t[i].value.includes('${')) {
      // `${x as number}`: strip each substitution as code of its own, in place.
      for (const [a, b] of substitutions(t[i].value)) {
        const inner = t[i].value.slice(a, b);
        const stripped = stripTypes(inner);
        for (let c = 0; c < inner.length; c++) {
          if (stripped[c] !== inner[c]) blanks.push([t[i].start + a + c, t[i].start + a + c + 1]);
        }
      }
      continue;
    }
    // A class member is read as a whole (balanced), before the bracket count sees its first token.
    if (memberStartAt(i)) {
      i = classMember(i, classStack[classStack.length - 1]) - 1;
      continue;
    }
    const tok = t[i];
    const v = tok.value;

    if (tok.type === 'punct') {
      if (v === '{' || v === '(' || v === '[') depth++;
      else if (v === '}' || v === ')' || v === ']') {
        depth--;
        if (v === '}' && classStack[classStack.length - 1] === i) {
          classStack.pop();
          classDepth.pop();
        }
        if (varDepth > depth) varDepth = -1;
      }
    }

    if (tok.type === 'ident') {
      const start = atStatementStart(i);
      if (
        start &&
        ((v === 'import' && t[i + 1]?.type === 'ident' && is(i + 2, '=')) || (v === 'export' && is(i + 1, '=')))
      ) {
        fail(
          i,
          v === 'import'
            ? "import x = require('m') is not supported: write import x from 'm'"
            : 'export = is not supported: write export default',
        );
      }
      if (start && v === 'import' && !is(i + 1, '(') && !is(i + 1, '.')) {
        const e = statementEnd(i);
        if (isWord(i + 1, 'type') && !is(i + 2, ',') && !isWord(i + 2, 'from')) blank(i, e);
        else {
          // `import { type A, b }`: drop the type-only specifiers.
          for (let j = i + 1; j < e; j++) {
            if (
              isWord(j, 'type') &&
              (is(j - 1, '{') || is(j - 1, ',')) &&
              t[j + 1]?.type === 'ident' &&
              !is(j + 1, ',')
            ) {
              let s = j + 2;
              if (isWord(s, 'as')) s += 2;
              if (is(s, ',')) s++;
              blank(j, s);
            }
          }
          for (let j = i; j < e; j++) consumed[j] = 1;
        }
        i = e - 1;
        continue;
      }
      if (start && v === 'export') {
        if (isWord(i + 1, 'type') && (is(i + 2, '{') || is(i + 2, '*'))) {
          const e = statementEnd(i);
          blank(i, e);
          i = e - 1;
          continue;
        }
        if (is(i + 1, '{') || is(i + 1, '*')) {
          const e = statementEnd(i);
          for (let j = i; j < e; j++) consumed[j] = 1;
          i = e - 1;
          continue;
        }
        const next = val(i + 1);
        if (
          next === 'interface' ||
          next === 'declare' ||
          (next === 'type' && t[i + 2]?.type === 'ident') ||
          next === 'enum' ||
          next === 'namespace'
        ) {
          const e = typeDeclarationEnd(i + 1);
          blank(i, e);
          i = e - 1;
          continue;
        }
        if (next === 'function' && isOverload(i + 1)) {
          const e = statementEnd(i);
          blank(i, e);
          i = e - 1;
        }
        continue;
      }
      if (
        start &&
        (v === 'interface' ||
          v === 'declare' ||
          (v === 'type' && t[i + 1]?.type === 'ident' && (is(i + 2, '=') || is(i + 2, '<'))) ||
          v === 'enum' ||
          (v === 'namespace' && t[i + 1]?.type === 'ident') ||
          (v === 'const' && isWord(i + 1, 'enum')))
      ) {
        const e = typeDeclarationEnd(i);
        blank(i, e);
        i = e - 1;
        continue;
      }
      if (start && v === 'abstract' && isWord(i + 1, 'class')) {
        blank(i, i + 1);
        continue;
      }
      if (v === 'class' && !is(i - 1, '.')) {
        const open = classHeader(i);
        classStack.push(matching(t, open));
        classDepth.push(depth + 1);
        // The walk counts the '{' itself when it reaches it.
        continue;
      }
      if (v === 'function' && !is(i - 1, '.')) {
        if (isOverload(i)) {
          const e = statementEnd(i);
          blank(i, e);
          i = e - 1;
          continue;
        }
        let j = i + 1;
        if (is(j, '*')) j++;
        if (t[j]?.type === 'ident') j++;
        if (is(j, '<')) {
          const e = angleEnd(j);
          blank(j, e);
          j = e;
        }
        if (is(j, '(')) {
          const close = matching(t, j);
          processParams(j, close, false);
          returnType(close + 1);
        }
        continue;
      }
      if ((v === 'let' || v === 'const' || v === 'var') && !is(i - 1, '.')) {
        varDepth = depth;
        binding(i + 1);
        continue;
      }
      const afterLiteral = is(i - 1, '}') && !tok.nlBefore; // `{ a: 1 } as R`
      if (
        (v === 'as' || v === 'satisfies') &&
        (afterLiteral || (expressionEnds(i - 1) && !atStatementStart(i))) &&
        t[i + 1] &&
        !is(i + 1, ',') &&
        !is(i + 1, ')') &&
        !is(i + 1, ';') &&
        !is(i + 1, '=')
      ) {
        const e = isWord(i + 1, 'const') ? i + 2 : parseType(i + 1);
        blank(i, e);
        i = e - 1;
        continue;
      }
      if (v === 'new' && t[i + 1]?.type === 'ident') {
        let j = i + 2;
        while (is(j, '.') && t[j + 1]?.type === 'ident') j += 2;
        if (is(j, '<')) {
          const e = angleEnd(j);
          if (e > 0 && is(e, '(')) blank(j, e);
        }
        continue;
      }
    }

    if (tok.type === 'punct') {
      if (v === ',' && varDepth === depth) {
        binding(i + 1);
        continue;
      }
      if (v === ';' && varDepth === depth) varDepth = -1;
      if (v === '<' && (!expressionEnds(i - 1) || isWord(i - 1, 'async'))) {
        // A generic arrow function: <T,>(x: T) => x.
        const e = angleEnd(i);
        const close = e > 0 && is(e, '(') ? matching(t, e) : -1;
        if (close > 0 && (is(close + 1, '=>') || is(close + 1, ':'))) {
          blank(i, e);
          i = e - 1;
          continue;
        }
        if (!isWord(i - 1, 'async') && e > 0) fail(i, 'type assertions like <T>x are not supported: write x as T');
      }
      if (v === '<' && expressionEnds(i - 1)) {
        // Type arguments, as TypeScript reads them: f<T>(x), o.m<T>(), f<T>`tpl`, and f<T>
        // (an instantiation) — also a method's own <T> in an object literal, m<T>(x: T) { }.
        const e = angleEnd(i);
        if (e > 0 && onlyTypeTokens(i + 1, e - 1) && typeArgumentsEnd(e)) {
          blank(i, e);
          i = e - 1;
          continue;
        }
      }
      if (v === '!' && expressionEnds(i - 1) && !tok.nlBefore && i > 0) {
        blank(i, i + 1);
        continue;
      }
      if (v === '(') {
        const close = matching(t, i);
        if (close < 0) continue;
        let before = i - 1; // the token before the '(' that is not a blanked <T>
        while (before > 0 && consumed[before]) before--;
        if (isWord(before, 'catch')) {
          // catch (e: unknown)
          let j = i + 1;
          if (is(j, '{') || is(j, '[')) j = matching(t, j) + 1;
          else j++;
          if (is(j, ':')) blankAnnotation(j);
          continue;
        }
        if (is(close + 1, '=>')) {
          processParams(i, close, false);
          continue;
        }
        if (is(close + 1, ':')) {
          let e = -1;
          try {
            e = parseType(close + 2);
          } catch {
            e = -1;
          }
          if (
            e > 0 &&
            (is(e, '=>') || (is(e, '{') && t[before]?.type === 'ident' && !KEYWORDS_BEFORE_PAREN.has(t[before].value)))
          ) {
            processParams(i, close, false);
            blank(close + 1, e);
          }
          continue;
        }
        // Method shorthand in an object literal: name(x: T) { ... }.
        if (is(close + 1, '{') && t[before]?.type === 'ident' && !KEYWORDS_BEFORE_PAREN.has(t[before].value)) {
          processParams(i, close, t[before].value === 'constructor');
        }
      }
    }
  }

  /** Whether t[a..b) could all be type text (names, literals, type punctuation): no operators. */
  function onlyTypeTokens(a: number, b: number): boolean {
    if (b <= a) return false;
    for (let j = a; j < b; j++) {
      if (t[j].type === 'regex') return false;
      if (t[j].type === 'punct' && !TYPE_PUNCT.has(t[j].value)) return false;
    }
    return true;
  }

  /** Whether what follows `f<T>` makes the <T> type arguments (a call, a tagged template, an instantiation). */
  function typeArgumentsEnd(e: number): boolean {
    const n = t[e];
    if (!n) return true;
    if (n.type === 'template' || is(e, '(')) return true;
    return !n.nlBefore && [')', ']', '}', ';', ',', '?.'].includes(n.value) && n.type === 'punct';
  }

  function isOverload(k: number): boolean {
    // `function name(...): T;` — a declaration without a body.
    let j = k + 1;
    if (t[j]?.type === 'ident') j++;
    if (is(j, '<')) j = angleEnd(j);
    if (!is(j, '(')) return false;
    const close = matching(t, j);
    let e = close + 1;
    if (is(e, ':')) e = parseType(e + 1);
    return !is(e, '{');
  }

  function typeDeclarationEnd(k: number): number {
    const kw = val(k)!;
    if (kw === 'enum' || (kw === 'const' && isWord(k + 1, 'enum')))
      fail(k, 'enum is not supported here: use a plain object such as const Color = { Red: 0, Green: 1 }');
    if (kw === 'namespace' || kw === 'module') fail(k, `${kw} is not supported here: use plain functions and objects`);
    if (kw === 'type') {
      let j = k + 2;
      if (is(j, '<')) j = angleEnd(j);
      if (!is(j, '=')) fail(j, 'expected = in a type alias');
      const e = parseType(j + 1);
      return is(e, ';') ? e + 1 : e;
    }
    if (kw === 'interface') {
      let j = k + 1;
      while (j < t.length && !is(j, '{')) j = is(j, '<') ? angleEnd(j) : j + 1;
      return matching(t, j) + 1;
    }
    // declare ...: to its ';' or the end of its body.
    let j = k + 1;
    while (j < t.length && !is(j, ';') && !is(j, '{') && !(j > k + 1 && t[j].nlBefore)) j++;
    if (is(j, '{')) return matching(t, j) + 1;
    return is(j, ';') ? j + 1 : j;
  }

  return applyBlanks(src, blanks);
}

/**
 * The code ranges [start, end) of a template literal's `${ … }` substitutions (not nested ones),
 * scanned as jsTokens.ts scans templates: braces counted, strings and nested templates skipped.
 */
function substitutions(text: string): [number, number][] {
  const out: [number, number][] = [];
  /** From the character after an opening quote or backtick q, the index after its closing one. */
  const skipQuoted = (q: string, from: number): number => {
    let j = from;
    while (j < text.length && text[j] !== q) {
      if (text[j] === '\\') j++;
      else if (q === '`' && text[j] === '$' && text[j + 1] === '{') j = codeEnd(j + 2);
      j++;
    }
    return j + 1;
  };
  /** From just after `${`, the index of its closing brace. */
  const codeEnd = (from: number): number => {
    let depth = 1;
    let j = from;
    while (j < text.length) {
      const c = text[j];
      if (c === '"' || c === "'" || c === '`') {
        j = skipQuoted(c, j + 1);
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return j;
      j++;
    }
    return j;
  };
  let j = 1;
  while (j < text.length - 1) {
    if (text[j] === '\\') j += 2;
    else if (text[j] === '$' && text[j + 1] === '{') {
      const end = codeEnd(j + 2);
      out.push([j + 2, end]);
      j = end + 1;
    } else j++;
  }
  return out;
}

/** Replaces each range with spaces, keeping line breaks so every line stays where it was. */
function applyBlanks(src: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return src;
  const sorted = [...ranges].sort((p, q) => p[0] - q[0]);
  let out = '';
  let at = 0;
  for (const [a, b] of sorted) {
    if (b <= at) continue;
    const from = Math.max(a, at);
    out += src.slice(at, from) + src.slice(from, b).replace(/[^\r\n]/g, ' ');
    at = b;
  }
  return out + src.slice(at);
}

/** True for file names that hold TypeScript. */
export function isTypeScriptFile(file: string): boolean {
  return /\.(ts|mts|cts|tsx)$/i.test(file) && !/\.d\.ts$/i.test(file);
}
