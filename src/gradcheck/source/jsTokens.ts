/**
 * A small JavaScript/TypeScript tokenizer: enough to find functions, strip types and rewrite
 * import/export without a full parser. Comments are skipped (their text stays in the source, so
 * positions are never shifted); strings, template literals and regular expressions are single
 * tokens so nothing inside them is mistaken for code.
 */

export type TokenType = 'ident' | 'num' | 'str' | 'template' | 'regex' | 'punct';

export interface Token {
  type: TokenType;
  value: string;
  start: number;
  end: number;
  /** A line break between the previous token and this one (for automatic semicolon insertion). */
  nlBefore: boolean;
}

export class JsSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsSyntaxError';
  }
}

// Longest first, so '>>>=' wins over '>>' and '>'.
const PUNCTUATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '**',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
];

const PUNCTUATOR_START = new Set(PUNCTUATORS.map((q) => q[0]));

/** Keywords after which a '/' starts a regular expression rather than a division. */
const BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

// Character tests by code (a regex a character made tokenizing a large file slow).
const isIdStart = (c: string) => {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95 || k === 36 || k >= 0xc0;
};
const isIdPart = (c: string) => isIdStart(c) || isDigit(c);
const isDigit = (c: string) => {
  const k = c.charCodeAt(0);
  return k >= 48 && k <= 57;
};

/** 1-based line and column of an offset. */
export function lineColumn(src: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lastNl = i;
    }
  }
  return { line, column: offset - lastNl };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let nl = false;
  const n = src.length;

  const regexAllowed = () => {
    const prev = tokens[tokens.length - 1];
    if (!prev) return true;
    if (prev.type === 'ident') return BEFORE_EXPRESSION.has(prev.value);
    if (prev.type === 'punct') {
      // TypeScript's non-null `x!` (a `!` right after an operand) ends an operand too: `a! / b` divides.
      const before = tokens[tokens.length - 2];
      const operand = before?.type === 'num' || (before?.type === 'ident' && !BEFORE_EXPRESSION.has(before.value));
      if (prev.value === '!' && before && before.end === prev.start && (operand || [')', ']'].includes(before.value))) {
        return false;
      }
      return !(
        prev.value === ')' ||
        prev.value === ']' ||
        prev.value === '}' ||
        prev.value === '++' ||
        prev.value === '--'
      );
    }
    return false;
  };

  const skipString = (quote: string, from: number): number => {
    let j = from + 1;
    while (j < n && src[j] !== quote) {
      if (src[j] === '\\') j++;
      else if (src[j] === '\n') throw new JsSyntaxError('Unterminated string', from);
      j++;
    }
    if (j >= n) throw new JsSyntaxError('Unterminated string', from);
    return j + 1;
  };

  // A template literal, including nested `${ ... }` expressions with their own strings and templates.
  const skipTemplate = (from: number): number => {
    let j = from + 1;
    while (j < n) {
      const c = src[j];
      if (c === '\\') j += 2;
      else if (c === '`') return j + 1;
      else if (c === '$' && src[j + 1] === '{') {
        j += 2;
        let depth = 1;
        while (j < n && depth > 0) {
          const d = src[j];
          if (d === '{') depth++;
          else if (d === '}') depth--;
          else if (d === '"' || d === "'") {
            j = skipString(d, j);
            continue;
          } else if (d === '`') {
            j = skipTemplate(j);
            continue;
          }
          j++;
        }
      } else j++;
    }
    throw new JsSyntaxError('Unterminated template literal', from);
  };

  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      nl = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const close = src.indexOf('*/', i + 2);
      if (close < 0) throw new JsSyntaxError('Unterminated comment', i);
      if (src.slice(i, close).includes('\n')) nl = true;
      i = close + 2;
      continue;
    }
    if (c === '#' && i === 0 && src[1] === '!') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    let type: TokenType;
    if (isIdStart(c) || (c === '#' && isIdStart(src[i + 1] ?? ''))) {
      i++;
      while (i < n && isIdPart(src[i])) i++;
      type = 'ident';
    } else if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      i++;
      while (
        i < n &&
        (/[0-9A-Za-z_.]/.test(src[i]) ||
          ((src[i] === '+' || src[i] === '-') && /[eE]/.test(src[i - 1]) && !/^0[xX]/.test(src.slice(start, i))))
      )
        i++;
      type = 'num';
    } else if (c === '"' || c === "'") {
      i = skipString(c, i);
      type = 'str';
    } else if (c === '`') {
      i = skipTemplate(i);
      type = 'template';
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n) {
        const d = src[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        else if (d === '\n') throw new JsSyntaxError('Unterminated regular expression', i);
        j++;
      }
      i = j + 1;
      while (i < n && isIdPart(src[i])) i++;
      type = 'regex';
    } else {
      const p = PUNCTUATOR_START.has(c) ? PUNCTUATORS.find((q) => src.startsWith(q, i)) : undefined;
      i += p ? p.length : 1;
      type = 'punct';
    }
    tokens.push({ type, value: src.slice(start, i), start, end: i, nlBefore: nl });
    nl = false;
  }
  return tokens;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Index of the token closing the bracket at `open` (tokens[open] is '(', '[' or '{'), or -1. */
export function matching(tokens: Token[], open: number): number {
  const stack: string[] = [];
  for (let k = open; k < tokens.length; k++) {
    const v = tokens[k].value;
    if (tokens[k].type !== 'punct') continue;
    if (OPEN[v]) stack.push(OPEN[v]);
    else if (v === ')' || v === ']' || v === '}') {
      if (stack.pop() !== v) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}
