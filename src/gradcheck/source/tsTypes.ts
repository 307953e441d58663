import { JsSyntaxError, Token, matching } from './jsTokens';

/**
 * TypeScript's type syntax, read over tokens: where a type that starts at a token ends. The
 * stripper (tsStrip.ts) blanks what this reads. It covers unions, intersections, generics,
 * arrays, tuples, object and function types, literals, keyof/typeof, type predicates and
 * conditional types — what a learner's annotations hold.
 */

export class UnsupportedTypeScript extends JsSyntaxError {}

export interface TypeReader {
  /** The index just after the type that starts at t[k]. */
  parseType(k: number): number;
  /** The index after a balanced `<...>` starting at t[k], or -1. */
  angleEnd(k: number): number;
}

const TYPE_PREFIX = new Set(['keyof', 'readonly', 'unique', 'infer', 'typeof', 'asserts']);

export function typeReader(t: Token[]): TypeReader {
  const is = (k: number, v: string) => t[k]?.type === 'punct' && t[k].value === v;
  const isWord = (k: number, v: string) => t[k]?.type === 'ident' && t[k].value === v;
  const fail = (k: number, what: string): never => {
    throw new UnsupportedTypeScript(what, t[Math.min(k, t.length - 1)]?.start ?? 0);
  };

  const angleEnd = (k: number): number => {
    let depth = 0;
    for (let j = k; j < t.length; j++) {
      const v = t[j].type === 'punct' ? t[j].value : '';
      if (v === '<') depth++;
      else if (v === '>' || v === '>>' || v === '>>>') {
        depth -= v.length;
        if (depth <= 0) return depth === 0 ? j + 1 : -1;
      } else if (v === '(' || v === '[' || v === '{') {
        const m = matching(t, j);
        if (m < 0) return -1;
        j = m;
      } else if (v === ';' || v === ')' || v === ']' || v === '}' || v === '&&' || v === '||') return -1;
    }
    return -1;
  };

  const parsePrimary = (k: number): number => {
    const tok = t[k];
    if (!tok) return fail(k, 'a type is missing');
    if (tok.type === 'punct') {
      if (tok.value === '(') {
        const m = matching(t, k);
        if (m < 0) return fail(k, 'unbalanced ( in a type');
        return is(m + 1, '=>') ? parseType(m + 2) : m + 1;
      }
      if (tok.value === '{' || tok.value === '[') {
        const m = matching(t, k);
        if (m < 0) return fail(k, `unbalanced ${tok.value} in a type`);
        return m + 1;
      }
      if (tok.value === '-' && t[k + 1]?.type === 'num') return k + 2;
      // A generic function type: <T>(x: T) => T.
      if (tok.value === '<') {
        const e = angleEnd(k);
        if (e > 0 && is(e, '(')) return parsePrimary(e);
      }
      return fail(k, `a type cannot start with '${tok.value}'`);
    }
    if (tok.type === 'str' || tok.type === 'num' || tok.type === 'template') return k + 1;
    if (tok.type !== 'ident') return fail(k, 'a type is missing');
    if (
      TYPE_PREFIX.has(tok.value) &&
      t[k + 1] &&
      !t[k + 1].nlBefore &&
      (t[k + 1].type === 'ident' || is(k + 1, '(') || is(k + 1, '{') || is(k + 1, '['))
    ) {
      return parsePostfix(parsePrimary(k + 1));
    }
    if (tok.value === 'new' && (is(k + 1, '(') || is(k + 1, '<')))
      return parsePrimary(is(k + 1, '<') ? angleEnd(k + 1) : k + 1);
    if (tok.value === 'abstract' && isWord(k + 1, 'new')) return parsePrimary(k + 1);
    let j = k + 1;
    // import('./module').Name: a module's type.
    if (tok.value === 'import' && is(j, '(')) j = matching(t, j) + 1;
    while (is(j, '.') && t[j + 1]?.type === 'ident') j += 2;
    if (is(j, '<')) {
      const e = angleEnd(j);
      if (e < 0) return fail(j, 'unbalanced < in a type');
      j = e;
    }
    if (isWord(j, 'is') && !t[j].nlBefore) return parseType(j + 1);
    return j;
  };

  const parsePostfix = (k: number): number => {
    let j = k;
    while (is(j, '[') && !t[j].nlBefore) {
      const m = matching(t, j);
      if (m < 0) return fail(j, 'unbalanced [ in a type');
      j = m + 1;
    }
    return j;
  };

  /** Parses a type from t[k] and returns the index just after it. */
  const parseType = (k: number): number => {
    let j = k;
    if (is(j, '|') || is(j, '&')) j++;
    j = parsePostfix(parsePrimary(j));
    while (is(j, '|') || is(j, '&')) j = parsePostfix(parsePrimary(j + 1));
    if (isWord(j, 'extends') && !t[j].nlBefore) {
      // Conditional type A extends B ? C : D.
      j = parseType(j + 1);
      if (!is(j, '?')) return fail(j, 'a conditional type needs ?');
      j = parseType(j + 1);
      if (!is(j, ':')) return fail(j, 'a conditional type needs :');
      j = parseType(j + 1);
    }
    return j;
  };

  return { parseType, angleEnd };
}
