import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GRADCHECK_STRINGS } from '../../src/protocol/gradcheck';
import { ROOT, placeholderSet, templatesIn } from './helpers';

/**
 * Every English template the gradient check shows — msg(...) in src/gradcheck, vscode.l10n.t /
 * t(...) in its panel and commands, and the page's string table — has a Korean translation with
 * the same {0}, {1}, ... placeholders.
 */

const SOURCES = [
  ...readdirSync(join(ROOT, 'src', 'gradcheck'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join('src', 'gradcheck', f)),
  ...readdirSync(join(ROOT, 'src', 'panels', 'gradcheck')).map((f) => join('src', 'panels', 'gradcheck', f)),
  'src/commands/checkGradient.ts',
  'src/commands/checkGradientLens.ts',
  'src/commands/trust.ts',
];

const templates = () => templatesIn(GRADCHECK_STRINGS, SOURCES);

test('every gradient-check text has a Korean translation with the same placeholders', () => {
  const dir = join(ROOT, 'src', 'l10n', 'ko');
  const own = JSON.parse(readFileSync(join(dir, 'gradcheck.json'), 'utf8')) as Record<string, string>;
  // The page also shows words other features own (the lab-file locks, the study-note buttons): they are
  // translated in their feature's file, and scripts/build.mjs merges every file into one bundle.
  const ko: Record<string, string> = Object.assign(
    {},
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  );
  const all = templates();
  assert.ok(all.size > 100, `found ${all.size} templates`);
  const missing = [...all].filter((t) => !(t in ko));
  assert.deepEqual(missing, []);
  for (const t of all) assert.deepEqual(placeholderSet(ko[t]), placeholderSet(t), `placeholders of "${t}"`);
  const unused = Object.keys(own).filter((k) => !all.has(k));
  assert.deepEqual(unused, [], 'no stale translations');
});

test('the Korean texts use the Korean edition’s terms', () => {
  const ko = JSON.parse(readFileSync(join(ROOT, 'src', 'l10n', 'ko', 'gradcheck.json'), 'utf8')) as Record<
    string,
    string
  >;
  assert.equal(ko['Numerical gradient'], '수치 미분 기울기');
  assert.match(ko['forward (f(x+h) − f(x)) / h'], /^전방 차분/);
  assert.match(ko['central (f(x+h) − f(x−h)) / 2h'], /^중심 차분/);
  assert.equal(ko['cross entropy error'], '교차 엔트로피 오차');
  assert.match(ko.Loss, /손실 함수/);
});
