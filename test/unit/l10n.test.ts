/**
 * Everything user-facing exists in English and Korean: the manifest (package.nls*.json), every
 * vscode.l10n.t('…') literal in src/**, every webview string table (*_STRINGS in src/protocol),
 * the exercise messages, and the walkthrough pages. Reads the merged bundle the build writes
 * (dist/l10n/bundle.l10n.ko.json), so run `npm run build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './helpers';
import * as protocol from '../../src/protocol';
import { EXERCISE_STRINGS } from '../../src/tutorial/exerciseStrings';

const readJson = (...p: string[]) => JSON.parse(readFileSync(join(ROOT, ...p), 'utf8'));
const pkg = readJson('package.json');
const nlsEn: Record<string, string> = readJson('package.nls.json');
const nlsKo: Record<string, string> = readJson('package.nls.ko.json');
const bundleKo: Record<string, string> = readJson('dist', 'l10n', 'bundle.l10n.ko.json');

const HANGUL = /[\uac00-\ud7a3]/;
const placeholders = (s: string) =>
  [...s.matchAll(/\{(\d+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

function manifestKeys(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === 'string') {
    const m = v.match(/^%(.+)%$/);
    if (m) out.add(m[1]);
  } else if (Array.isArray(v)) v.forEach((e) => manifestKeys(e, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((e) => manifestKeys(e, out));
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.ts$/.test(name) ? [p] : [];
  });
}

/** Reads the JS string literal starting at src[i] (quote included); undefined for templates with ${}. */
function stringLiteral(src: string, i: number): string | undefined {
  const quote = src[i];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  let out = '';
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === quote) return out;
    if (c === '\\') {
      const e = src[++j];
      out +=
        e === 'n'
          ? '\n'
          : e === 't'
            ? '\t'
            : e === 'u'
              ? String.fromCharCode(parseInt(src.slice(j + 1, (j += 4) + 1), 16))
              : e;
    } else if (quote === '`' && c === '$' && src[j + 1] === '{') return undefined;
    else out += c;
  }
  return undefined;
}

/** Where comments start and end, so that l10n.t( mentioned in a comment is not taken for a call. */
function codeOnly(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') (out += ' '), i++;
      out += '\n';
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else out += c;
  }
  return out;
}

/** Every literal message passed to (vscode.)l10n.t( or the CLI's cliT( — the plain and the { message } form. */
function l10nLiterals(source: string): { message: string; offset: number }[] {
  const src = codeOnly(source);
  const found: { message: string; offset: number }[] = [];
  for (const m of src.matchAll(/\b(?:l10n\.t|cliT)\(\s*(\{\s*message\s*:\s*)?/g)) {
    const message = stringLiteral(src, m.index! + m[0].length);
    if (message !== undefined) found.push({ message, offset: m.index! });
  }
  return found;
}

test('the l10n.t scanner finds single, double, template and { message } literals across lines', () => {
  const src = `vscode.l10n.t('a {0}', x); l10n.t(\n  "b \\"q\\""); vscode.l10n.t(\`c\`); l10n.t({ message: 'd', args: [1] }); l10n.t(\`e \${x}\`); vscode.l10n.t(variable); // l10n.t('in a comment')\n/* l10n.t('in a block') */ l10n.t('f // not a comment');`;
  assert.deepEqual(
    l10nLiterals(src).map((l) => l.message),
    ['a {0}', 'b "q"', 'c', 'd', 'f // not a comment'],
  );
});

test('package.nls.json and package.nls.ko.json have the same keys', () => {
  assert.deepEqual(Object.keys(nlsKo).sort(), Object.keys(nlsEn).sort());
});

test('every %key% in package.json exists in both nls files', () => {
  const missing = [...manifestKeys(pkg)].filter((k) => !(k in nlsEn) || !(k in nlsKo));
  assert.deepEqual(missing, []);
});

test('Korean manifest strings are Korean, keep their placeholders and their command links', () => {
  const sameInBothLanguages = new Set(['category']);
  for (const [key, en] of Object.entries(nlsEn)) {
    const ko = nlsKo[key];
    if (key.endsWith('.media')) {
      assert.equal(ko, en.replace('/en/', '/ko/'), key);
      continue;
    }
    if (!sameInBothLanguages.has(key)) assert.match(ko, HANGUL, `${key} is not translated: ${ko}`);
    assert.equal(placeholders(ko), placeholders(en), key);
    const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(links(ko), links(en), `${key}: the Korean text links to other commands`);
  }
});

test('every vscode.l10n.t and cliT literal in src/** has a Korean translation in the merged bundle', () => {
  const missing: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const src = readFileSync(file, 'utf8');
    for (const { message, offset } of l10nLiterals(src)) {
      if (!(message in bundleKo))
        missing.push(`${relative(ROOT, file)}:${src.slice(0, offset).split('\n').length}: ${JSON.stringify(message)}`);
    }
  }
  assert.deepEqual(missing, [], `untranslated (add them to src/l10n/ko/<feature>.json):\n${missing.join('\n')}`);
});

test('every webview string table (*_STRINGS in src/protocol) and the exercise messages are translated', () => {
  const tables = Object.entries(protocol).filter(
    ([name, v]) => /_STRINGS$/.test(name) && v && typeof v === 'object',
  ) as [string, Record<string, string>][];
  assert.ok(
    tables.some(([name]) => name === 'LAB_STRINGS'),
    'LAB_STRINGS is exported from src/protocol',
  );
  tables.push(['EXERCISE_STRINGS', EXERCISE_STRINGS]);
  const missing = tables.flatMap(([name, table]) =>
    Object.entries(table)
      .filter(([, en]) => !(en in bundleKo))
      .map(([k, en]) => `${name}.${k}: ${JSON.stringify(en)}`),
  );
  assert.deepEqual(missing, [], `untranslated:\n${missing.join('\n')}`);
});

test('Korean bundle entries keep their placeholders and are not empty', () => {
  const bad = Object.entries(bundleKo).filter(([en, ko]) => !ko.trim() || placeholders(en) !== placeholders(ko));
  assert.deepEqual(bad, []);
});

test('the Korean edition’s terms are used for the chapter’s ideas', () => {
  const terms: [RegExp, string][] = [
    [/^Loss functions$/, '손실 함수'],
    [/^Gradient descent$/, '경사 하강법'],
    [/Learning rate/, '학습률'],
    [/Numerical derivative/, '수치 미분'],
    [/Cross entropy error/, '교차 엔트로피 오차'],
    [/Sum of squares error/, '오차제곱합'],
  ];
  for (const [pattern, term] of terms) {
    const entries = Object.entries(bundleKo).filter(([en]) => pattern.test(en));
    assert.ok(entries.length > 0, `${pattern} appears in the bundle`);
    for (const [en, ko] of entries) assert.ok(ko.includes(term), `"${en}" → "${ko}" should say ${term}`);
  }
});

test('every walkthrough page exists in English and Korean, and nothing else is there', () => {
  const media = (nls: Record<string, string>) =>
    pkg.contributes.walkthroughs.flatMap((w: { steps: { media: { markdown?: string } }[] }) =>
      w.steps.map((s) => nls[s.media.markdown!.replace(/%/g, '')]),
    );
  for (const [lang, nls] of [
    ['en', nlsEn],
    ['ko', nlsKo],
  ] as const) {
    const files: string[] = media(nls);
    for (const f of files) assert.ok(existsSync(join(ROOT, f)), `${lang}: ${f} exists`);
    assert.ok(
      files.every((f) => f.startsWith(`media/walkthrough/${lang}/`)),
      `${lang} pages come from media/walkthrough/${lang}/`,
    );
    assert.deepEqual(
      readdirSync(join(ROOT, 'media', 'walkthrough', lang)).sort(),
      files.map((f) => f.split('/').pop()).sort(),
    );
  }
});

test('Korean walkthrough pages are written in Korean with the edition’s terms', () => {
  const ko = (name: string) => readFileSync(join(ROOT, 'media', 'walkthrough', 'ko', name), 'utf8');
  for (const name of readdirSync(join(ROOT, 'media', 'walkthrough', 'ko'))) {
    const text = ko(name);
    const hangul = [...text].filter((c) => HANGUL.test(c)).length;
    assert.ok(hangul > 200, `${name} has ${hangul} Hangul characters`);
  }
  assert.match(ko('numericalDiff.md'), /수치 미분/);
  assert.match(ko('gradient.md'), /기울기/);
  assert.match(ko('gradientDescent.md'), /학습률/);
  assert.match(ko('lossFunctions.md'), /미니배치/);
  assert.match(ko('trainTwoLayerNet.md'), /오버피팅/);
});

test('issue 11: no Korean text leaves a particle to the reader — no 을(를) pairs, no particle after a placeholder', async () => {
  const { readdirSync } = await import('node:fs');
  const dir = join(ROOT, 'src', 'l10n', 'ko');
  const files = [...readdirSync(dir).map((f) => join(dir, f)), join(ROOT, 'package.nls.ko.json')];
  // A particle whose form depends on the word's last sound (받침): 은/는, 이/가, 을/를, 와/과, (으)로,
  // (이)나, (이)라, (이)랑. Written as a pair it reads as machine text; written after {0} it is a guess.
  const particle = '(?:을|를|이|가|은|는|와|과|로|으로|이나|나|이라|라|이랑|랑)(?=[\\s.,:;!?)…·—-]|$)';
  const pair = /을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|와\(과\)|과\(와\)|\((?:으|이)\)[로라나랑다]/;
  // {0}가, {0}()는, `{0}`를, {0}(…)로: the particle attaches to the unknown word. (학습률({0})이 is fine:
  // the particle follows 학습률.)
  const afterPlaceholder = new RegExp(`\\{\\d+\\}(?:\\(\\)|[\`'"’”\\]]|\\s?\\([^()]*\\))?${particle}`);
  const bad: string[] = [];
  for (const f of files) {
    for (const [en, ko] of Object.entries(JSON.parse(readFileSync(f, 'utf8')) as Record<string, string>)) {
      if (pair.test(ko) || afterPlaceholder.test(ko)) bad.push(`${f.split('/').pop()}: ${en} → ${ko}`);
    }
  }
  assert.deepEqual(bad, []);
  // The check itself: what it must catch, and what it must let through.
  for (const caught of [
    '{0}은(는) 정수',
    '{0}이(가) 났습니다',
    '{0}(으)로',
    'h = {0}가 사라집니다',
    '{0}()를 보세요',
    '{3}(또는 {4})로',
  ])
    assert.ok(pair.test(caught) || afterPlaceholder.test(caught), caught);
  for (const fine of [
    '학습률({2})이 너무 큽니다',
    '{0}입니다',
    '{0}이고',
    '{0} 값이',
    '{0}의 값',
    '{0}에서',
    '{0}개를',
  ])
    assert.ok(!pair.test(fine) && !afterPlaceholder.test(fine), fine);
});
