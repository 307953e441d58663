import type { ClassInfo, FunctionInfo, Outline } from './outline';

/**
 * Python's functions by indentation: top-level `def`s and `name = lambda ...`, the methods of
 * top-level classes and the fields their __init__ assigns. Strings, comments and bracketed
 * continuation lines are skipped, so a docstring or a long parameter list does not end a block.
 */

interface PyLine {
  indent: number;
  /** Starts a logical line (not inside brackets or a triple-quoted string) and is not blank. */
  code: boolean;
  text: string;
}

/** Where a scan of Python source stands between lines: open brackets and an open triple-quoted string. */
export interface PythonScan {
  depth: number;
  triple: string | null;
}

/** Carries `scan` over one physical line of Python: strings and the comment skipped, brackets counted. */
export function scanPythonLine(text: string, scan: PythonScan): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (scan.triple) {
      if (text.startsWith(scan.triple, i)) {
        scan.triple = null;
        i += 2;
      } else if (c === '\\') i++;
      continue;
    }
    if (c === '#') break;
    if ((c === '"' || c === "'") && text.startsWith(c.repeat(3), i)) {
      scan.triple = c.repeat(3);
      i += 2;
    } else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '(' || c === '[' || c === '{') scan.depth++;
    else if (c === ')' || c === ']' || c === '}') scan.depth = Math.max(0, scan.depth - 1);
  }
}

/** Marks which physical lines begin logical lines, skipping strings, comments and brackets. */
function pythonLines(source: string): PyLine[] {
  const out: PyLine[] = [];
  const scan: PythonScan = { depth: 0, triple: null };
  for (const text of source.split('\n')) {
    const trimmed = text.trim();
    const starts = scan.depth === 0 && scan.triple === null && trimmed !== '' && !trimmed.startsWith('#');
    out.push({ indent: text.length - text.trimStart().length, code: starts, text });
    scanPythonLine(text, scan);
  }
  return out;
}

function pythonParams(text: string): string[] {
  return pythonParamList(text).map((p) => p.name);
}

/** Parameters with their default's text (eps=1e-8 → "1e-8"), without *args/**kwargs. */
function pythonParamList(text: string): { name: string; default?: string }[] {
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
    .map((p) => {
      const eq = p.indexOf('=');
      const name = (eq >= 0 ? p.slice(0, eq) : p).split(':')[0].trim();
      return eq >= 0 ? { name, default: p.slice(eq + 1).trim() } : { name };
    })
    .filter((p) => p.name !== '' && p.name !== '/' && p.name !== '*' && !p.name.startsWith('*'));
}

export function pythonOutline(source: string): Outline {
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
    let text = lines
      .slice(k, k + 30)
      .map((l) => l.text)
      .join('\n')
      .slice(m[0].length);
    let depth = 1;
    let i = 0;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    text = text.slice(0, i - 1);
    const list = pythonParamList(text);
    if (className && list.length && (list[0].name === 'self' || list[0].name === 'cls')) list.shift();
    const params = list.map((p) => p.name);
    const withDefaults = list.filter((p) => p.default !== undefined);
    const defaults = withDefaults.length
      ? Object.fromEntries(withDefaults.map((p) => [p.name, p.default!]))
      : undefined;
    return { name: m[1], className, params, line: k + 1, endLine: blockEnd(k) + 1, ...(defaults ? { defaults } : {}) };
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
        info.initParams = method.params;
        info.initDefaults = method.defaults ?? {};
        for (let a = j + 1; a < method.endLine; a++) {
          const m = /^\s*self\.([A-Za-z_]\w*)\s*=[^=]/.exec(lines[a].text);
          if (m && !info.attributes.includes(m[1])) info.attributes.push(m[1]);
          // Entries of a parameter dict: self.params['W1'] = ... (the book's TwoLayerNet).
          const entry = /^\s*self\.([A-Za-z_]\w*)\s*\[\s*(['"])([^'"]+)\2\s*\]\s*=[^=]/.exec(lines[a].text);
          if (entry) {
            const path = `${entry[1]}['${entry[3]}']`;
            if (!info.attributes.includes(path)) info.attributes.push(path);
          }
        }
      }
    }
  }
  return { language: 'python', functions: functions.filter((f) => f.name !== '__init__'), classes };
}
