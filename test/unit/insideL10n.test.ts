import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { INSIDE_STRINGS } from '../../src/protocol/inside';
import { ROOT, placeholderSet, templatesIn } from './helpers';

/** Every text of the replay and the shape trace (src/inside, the page's strings) has a Korean translation. */

const templates = () =>
  templatesIn(INSIDE_STRINGS, [
    ...readdirSync(join(ROOT, 'src', 'inside')).map((f) => join('src', 'inside', f)),
    'src/panels/gradcheck/insideController.ts',
    'src/cli/gradcheckInside.ts',
  ]);

test('every replay and shape-trace text has a Korean translation with the same placeholders, and none is stale', () => {
  const ko = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'inside.json'), 'utf8')) as Record<string, string>;
  const all = templates();
  assert.ok(all.size > 40, `found ${all.size} templates`);
  assert.deepEqual(
    [...all].filter((t) => !(t in ko)),
    [],
  );
  for (const t of all) assert.deepEqual(placeholderSet(ko[t]), placeholderSet(t), `placeholders of "${t}"`);
  assert.deepEqual(
    Object.keys(ko).filter((k) => !all.has(k)),
    [],
    'no stale translations',
  );
  assert.match(ko['Replay of {0}: central differences, h = {1}'], /중심 차분/);
  assert.match(ko['Trace shapes'], /형상/);
});
