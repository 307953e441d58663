import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DERIVED, FIXTURE_ROOT, corpusText, deriveText, fixture, fixtureText } from './fixtureFiles';

/**
 * Fixtures kept once (test/unit/fixtureFiles.ts): a derived fixture is its original with a header and
 * exact edits, and an edit that no longer finds its text exactly once stops the test that asks for it.
 */

const ORIGINAL = ['# the original', 'import numpy as np', '', 'def f(x):', '    return x ** 2', ''].join('\n');

test('a derivation replaces the leading comment lines with its header, then applies each edit in order', () => {
  const text = deriveText(
    ORIGINAL,
    {
      from: 'o.py',
      header: ['# broken copy of o.py:', '# the square lost its power'],
      edits: [
        { replace: 'x ** 2', with: 'x * 2' },
        { replace: 'x * 2', with: 'x * 3' },
      ],
    },
    'd.py',
  );
  assert.equal(
    text,
    [
      '# broken copy of o.py:',
      '# the square lost its power',
      'import numpy as np',
      '',
      'def f(x):',
      '    return x * 3',
      '',
    ].join('\n'),
  );
  assert.equal(deriveText(ORIGINAL, { from: 'o.py' }, 'same.py'), ORIGINAL);
  assert.equal(
    deriveText('$1 $& x', { from: 'o.py', edits: [{ replace: 'x', with: '$&$1' }] }, 'dollar.py'),
    '$1 $& $&$1',
  );
});

test('an edit whose text is gone, or stands twice, throws and names the derivation and the original', () => {
  assert.throws(
    () => deriveText(ORIGINAL, { from: 'o.py', edits: [{ replace: 'x ** 3', with: 'x' }] }, 'd.py'),
    /d\.py: the edit of o\.py expects "x \*\* 3" once, found it 0 times; the original changed/,
  );
  assert.throws(
    () => deriveText(ORIGINAL, { from: 'o.py', edits: [{ replace: 'x', with: 'y' }] }, 'd.py'),
    /found it 2 times/,
  );
});

test('every derived fixture is made from a stored one, is not stored itself, and is written where a test finds it', () => {
  assert.ok(Object.keys(DERIVED).length > 0);
  for (const [rel, d] of Object.entries(DERIVED)) {
    assert.ok(!existsSync(join(FIXTURE_ROOT, rel)), `${rel} is derived, so not stored`);
    assert.ok(existsSync(join(FIXTURE_ROOT, d.from)) || DERIVED[d.from], `${rel}: ${d.from} exists`);
    assert.ok(d.why && (d.header || d.edits?.length), `${rel}: says why and what changes`);
    const file = fixture(rel);
    assert.equal(readFileSync(file, 'utf8'), fixtureText(rel));
    assert.ok(file.endsWith(rel));
  }
  assert.equal(fixture('test-vectors.json'), join(FIXTURE_ROOT, 'test-vectors.json'));
});

test("the real corpus's broken copies are made from their originals by their edits", () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURE_ROOT, 'gradcheck', 'real', 'manifest.json'), 'utf8')) as {
    files: { file: string; kind: string; derivedFrom?: string; edits?: { replace: string; with: string }[] }[];
  };
  const broken = manifest.files.filter((f) => f.kind === 'broken');
  assert.ok(broken.length >= 8);
  for (const f of broken) {
    assert.ok(f.derivedFrom && f.edits?.length, f.file);
    const text = corpusText(f.file);
    for (const e of f.edits!) if (e.with) assert.ok(text.includes(e.with), `${f.file}: ${e.with}`);
    assert.notEqual(text, corpusText(f.derivedFrom!));
  }
});
