import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers';

/**
 * Fixtures kept once. A learner's broken copy, or a second source's copy of the same text, is not
 * stored: it is written, when a test asks for it, from the one stored original by the exact edits its
 * derivation lists (test/fixtures/derived.json; the real corpus's derivations sit in its own
 * manifest). An edit that does not find its text exactly once throws: the original changed, and the
 * derivation must be looked at again rather than silently produce something else.
 */

export const FIXTURE_ROOT = join(ROOT, 'test', 'fixtures');

export interface Edit {
  /** Text that must occur exactly once in the original (after `header` is applied). */
  replace: string;
  with: string;
}

export interface Derivation {
  /** The stored original, relative to the folder the derivation is read from. */
  from: string;
  /** The derived file's header comment: replaces the original's leading comment lines when given. */
  header?: string[];
  edits?: Edit[];
}

/** The derived text: the original with its header and then each edit applied, in order. */
export function deriveText(original: string, d: Derivation, name: string): string {
  let lines = original.split('\n');
  if (d.header) {
    const comments = lines.findIndex((l) => !/^\s*(#|\/\/)/.test(l));
    lines = [...d.header, ...lines.slice(comments < 0 ? lines.length : comments)];
  }
  let text = lines.join('\n');
  for (const e of d.edits ?? []) {
    const found = text.split(e.replace).length - 1;
    if (found !== 1) {
      throw new Error(
        `${name}: the edit of ${d.from} expects ${JSON.stringify(e.replace)} once, found it ${found} times; ` +
          'the original changed, so update the derivation (test/fixtures/derived.json or the corpus manifest).',
      );
    }
    text = text.replace(e.replace, () => e.with);
  }
  return text;
}

interface DerivedManifest {
  files: Record<string, Derivation & { why: string }>;
}
/** test/fixtures/derived.json: fixture path (relative to test/fixtures) → how it is made. */
export const DERIVED = (JSON.parse(readFileSync(join(FIXTURE_ROOT, 'derived.json'), 'utf8')) as DerivedManifest).files;

let written: string | undefined;
function derivedFolder(): string {
  if (!written) {
    const dir = mkdtempSync(join(tmpdir(), 'gl-derived-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    written = dir;
  }
  return written;
}

/** The text of a fixture (relative to test/fixtures), stored or derived. */
export function fixtureText(rel: string): string {
  const d = DERIVED[rel];
  if (!d) return readFileSync(join(FIXTURE_ROOT, rel), 'utf8');
  return deriveText(fixtureText(d.from), d, rel);
}

/**
 * A path to a fixture (relative to test/fixtures): the stored file itself, or a derived one written
 * (under the same relative path) into a temporary folder of this process.
 */
export function fixture(rel: string): string {
  if (!DERIVED[rel]) return join(FIXTURE_ROOT, rel);
  const file = join(derivedFolder(), rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, fixtureText(rel));
  return file;
}

/** The real corpus (test/fixtures/gradcheck/real): its manifest's files, some derived from others. */
const REAL = join(FIXTURE_ROOT, 'gradcheck', 'real');
let realFiles: (Partial<Derivation> & { file: string; derivedFrom?: string })[] | undefined;

/** The text of a file of the real corpus (relative to it): stored, or written from the one it is derived from. */
export function corpusText(rel: string): string {
  realFiles ??= JSON.parse(readFileSync(join(REAL, 'manifest.json'), 'utf8')).files;
  const f = realFiles!.find((e) => e.file === rel);
  if (!f?.derivedFrom) return readFileSync(join(REAL, rel), 'utf8');
  return deriveText(corpusText(f.derivedFrom), { ...f, from: f.derivedFrom }, rel);
}
