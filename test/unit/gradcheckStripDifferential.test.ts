/**
 * The TypeScript stripper (src/gradcheck/source/tsStrip.ts) against Node's own: `amaro` (Node's type
 * stripper, swc in WebAssembly; a devDependency only, never in the VSIX), mode strip-only. Over
 * every snippet of test/fixtures/tsStrip/snippets.json — statements in four places (top level, a
 * function body, a class method, an arrow inside an object literal) and top-level declarations —
 * the two must give the same JavaScript character for character (both blank types with spaces, so
 * every line and column stays), or both refuse the snippet (enum, namespace, `<T>x` assertions…).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stripTypes } from '../../src/gradcheck/source/tsStrip';

const ROOT = join(__dirname, '..', '..', '..');
const amaro = createRequire(join(ROOT, 'package.json'))('amaro') as {
  transformSync(src: string, options: { mode: 'strip-only' }): { code: string };
};
const { statements, topLevel } = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'tsStrip', 'snippets.json'), 'utf8'),
) as {
  statements: string[];
  topLevel: string[];
};

const PLACES: ((s: string) => string)[] = [
  (s) => s,
  (s) => `function outer(n: number): void {\n  ${s}\n}\n`,
  (s) => `class Holder {\n  run(): void {\n    ${s}\n  }\n}\n`,
  (s) => `const holder = {\n  run: (): void => {\n    ${s}\n  },\n};\n`,
];

const SNIPPETS = [...statements.flatMap((s) => PLACES.map((place) => place(s))), ...topLevel];

function reference(src: string): string | Error {
  try {
    return amaro.transformSync(src, { mode: 'strip-only' }).code;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function ours(src: string): string | Error {
  try {
    return stripTypes(src);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

test(`stripTypes gives what Node's type stripper (amaro) gives, on ${SNIPPETS.length} snippets`, () => {
  assert.ok(SNIPPETS.length >= 200, `${SNIPPETS.length} snippets`);
  const differ: string[] = [];
  let refused = 0;
  for (const src of SNIPPETS) {
    const want = reference(src);
    const got = ours(src);
    if (want instanceof Error || got instanceof Error) {
      if (want instanceof Error && got instanceof Error) refused++;
      else
        differ.push(
          `${JSON.stringify(src)}\n  amaro: ${want instanceof Error ? 'refuses' : JSON.stringify(want)}\n  ours:  ${got instanceof Error ? `refuses (${got.message})` : JSON.stringify(got)}`,
        );
      continue;
    }
    if (want !== got)
      differ.push(`${JSON.stringify(src)}\n  amaro: ${JSON.stringify(want)}\n  ours:  ${JSON.stringify(got)}`);
  }
  assert.equal(differ.length, 0, `${differ.length} of ${SNIPPETS.length} differ:\n${differ.slice(0, 12).join('\n')}`);
  assert.ok(refused > 0 && refused < SNIPPETS.length / 4, `${refused} refused by both`);
});
