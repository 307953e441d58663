import { Token, matching, tokenize } from '../source/jsTokens';

/**
 * Rewrites `import`/`export` into CommonJS so a learner's file (and the files it imports) can
 * run as plain scripts in the checker's vm context. Every line stays on its line: replacements
 * keep the line breaks they replace, and the export assignments go after the last line.
 */

interface Edit {
  start: number;
  end: number;
  text: string;
}

function newlinesIn(src: string, start: number, end: number): string {
  return '\n'.repeat((src.slice(start, end).match(/\n/g) ?? []).length);
}

/** The names a `{ a, b as c }` clause binds: [imported or local name, bound or exported name]. */
function specifiers(t: Token[], open: number, close: number): [string, string][] {
  const out: [string, string][] = [];
  for (let k = open + 1; k < close; k++) {
    if (t[k].value === ',') continue;
    const name = t[k].value;
    if (t[k + 1]?.value === 'as') {
      out.push([name, t[k + 2].value]);
      k += 2;
    } else out.push([name, name]);
  }
  return out;
}

export function toCommonJs(src: string): string {
  const t = tokenize(src);
  const edits: Edit[] = [];
  const exported: string[] = [];
  let depth = 0;
  let temp = 0;
  const replace = (a: number, b: number, text: string) =>
    edits.push({ start: t[a].start, end: t[b - 1].end, text: text + newlinesIn(src, t[a].start, t[b - 1].end) });
  /** Index after `from 'x'` or the string, plus an optional ';'. */
  const endAfterString = (k: number) => (t[k + 1]?.value === ';' ? k + 2 : k + 1);

  for (let i = 0; i < t.length; i++) {
    const v = t[i].value;
    if (t[i].type === 'punct') {
      if (v === '{' || v === '(' || v === '[') depth++;
      else if (v === '}' || v === ')' || v === ']') depth--;
      continue;
    }
    if (depth !== 0 || t[i].type !== 'ident' || t[i - 1]?.value === '.') continue;

    if (v === 'import' && t[i + 1]?.value !== '(' && t[i + 1]?.value !== '.') {
      if (t[i + 1]?.type === 'str') {
        const e = endAfterString(i + 1);
        replace(i, e, `require(${t[i + 1].value});`);
        i = e - 1;
        continue;
      }
      let from = -1;
      for (let k = i + 1; k < t.length && from < 0; k++)
        if (t[k].type === 'ident' && t[k].value === 'from' && t[k + 1]?.type === 'str') from = k;
      if (from < 0) continue;
      const spec = t[from + 1].value;
      const e = endAfterString(from + 1);
      const parts: string[] = [];
      const mod = `__glImport${temp++}`;
      parts.push(`${mod} = require(${spec})`);
      for (let k = i + 1; k < from; k++) {
        if (t[k].value === ',') continue;
        if (t[k].value === '*' && t[k + 1]?.value === 'as') {
          parts.push(`${t[k + 2].value} = ${mod}`);
          k += 2;
        } else if (t[k].value === '{') {
          const close = matching(t, k);
          const names = specifiers(t, k, close).map(([a, b]) =>
            a === b ? a : `${a === 'default' ? 'default' : a}: ${b}`,
          );
          if (names.length) parts.push(`{ ${names.join(', ')} } = ${mod}`);
          k = close;
        } else if (t[k].type === 'ident') {
          parts.push(`${t[k].value} = __glDefault(${mod})`);
        }
      }
      replace(i, e, `const ${parts.join(', ')};`);
      i = e - 1;
      continue;
    }

    if (v === 'export') {
      const n = t[i + 1];
      if (!n) continue;
      if (n.value === '{') {
        const close = matching(t, i + 1);
        const pairs = specifiers(t, i + 1, close);
        if (t[close + 1]?.value === 'from') {
          const e = endAfterString(close + 2);
          const mod = `__glImport${temp++}`;
          replace(i, e, `const ${mod} = require(${t[close + 2].value});`);
          for (const [a, b] of pairs) exported.push(`exports.${b} = ${mod}.${a};`);
          i = e - 1;
        } else {
          const e = t[close + 1]?.value === ';' ? close + 2 : close + 1;
          replace(i, e, '');
          for (const [a, b] of pairs) exported.push(`exports.${b} = ${a};`);
          i = e - 1;
        }
        continue;
      }
      if (n.value === '*' && t[i + 2]?.value === 'from') {
        const e = endAfterString(i + 3);
        replace(i, e, `Object.assign(exports, require(${t[i + 3].value}));`);
        i = e - 1;
        continue;
      }
      if (n.value === 'default') {
        const d = t[i + 2];
        const named =
          (d?.value === 'function' || d?.value === 'class') &&
          t[i + 3]?.type === 'ident' &&
          t[i + 3].value !== 'extends';
        const asyncNamed = d?.value === 'async' && t[i + 3]?.value === 'function' && t[i + 4]?.type === 'ident';
        if (named || asyncNamed) {
          replace(i, i + 2, '');
          exported.push(`exports.default = ${t[named ? i + 3 : i + 4].value};`);
        } else replace(i, i + 2, 'exports.default =');
        i += 1;
        continue;
      }
      // export function f / export class C / export const a = ..., b = ...
      let k = i + 1;
      if (t[k].value === 'async') k++;
      if (t[k].value === 'function' || t[k].value === 'class') {
        if (t[k + 1]?.value === '*') k++;
        if (t[k + 1]?.type === 'ident') exported.push(`exports.${t[k + 1].value} = ${t[k + 1].value};`);
      } else if (['const', 'let', 'var'].includes(t[k].value)) {
        // Every declarator at this level: a name right after the keyword or after a ',' at depth 0.
        let d = 0;
        let expectName = true;
        for (let j = k + 1; j < t.length; j++) {
          const w = t[j].value;
          if (expectName && t[j].type === 'ident') exported.push(`exports.${w} = ${w};`);
          expectName = false;
          if (w === '(' || w === '[' || w === '{') d++;
          else if (w === ')' || w === ']' || w === '}') d--;
          else if (w === ',' && d === 0) expectName = true;
          else if (
            (w === ';' && d === 0) ||
            d < 0 ||
            (t[j + 1]?.nlBefore && d === 0 && !/^[=,.(+\-*/?:|&]/.test(t[j + 1].value) && !/[=,(+\-*/?:|&]$/.test(w))
          )
            break;
        }
      }
      replace(i, i + 1, '');
    }
  }

  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += src.slice(at, e.start) + e.text;
    at = e.end;
  }
  out += src.slice(at);
  return exported.length ? `${out}\n;${exported.join(' ')}` : out;
}
