import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { ROOT } from './helpers';

/**
 * A copy of the project to package from (node_modules linked, no build outputs): `vsce package` runs the
 * production build (`vscode:prepublish`), which must not rewrite this checkout's dist/ while other test
 * files run its bundles (the unit suite runs two files at a time).
 */
function packagingCopy(work: string): string {
  const copy = join(work, 'project');
  const skip = new Set(['node_modules', '.git', 'dist', 'out', 'test-results', '.cache']);
  cpSync(ROOT, copy, { recursive: true, filter: (src) => !skip.has(relative(ROOT, src).split(sep)[0]) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return copy;
}

test('npm run package makes a VSIX under 8 MB with the bundled data and no node_modules, sources or tests', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'gl-package-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const project = packagingCopy(work);
  const out = join(work, 'gradient-lab.vsix');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--no-rewrite-relative-links',
      '-o',
      out,
    ],
    {
      cwd: project,
      stdio: 'pipe',
      timeout: 180000,
    },
  );
  const size = statSync(out).size;
  assert.ok(size < 8 * 1024 * 1024, `VSIX is ${size} bytes`);
  const names: string[] = JSON.parse(
    execFileSync(
      'python3',
      ['-c', 'import sys, zipfile, json; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', out],
      { encoding: 'utf8' },
    ),
  );
  for (const f of [
    'train-images-idx3-ubyte.first10k.gz',
    'train-labels-idx1-ubyte.first10k.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ]) {
    assert.ok(names.includes(`extension/media/mnist/${f}`), `${f} is in the VSIX`);
  }
  for (const f of [
    'extension/dist/extension.js',
    'extension/dist/cli.js',
    'extension/package.json',
    'extension/NOTICE',
  ])
    assert.ok(names.includes(f), `${f} is in the VSIX`);
  const unwanted = names.filter((n) =>
    /node_modules\/|^extension\/(src|test|out|scripts|webview)\/|\.ts$|\.map$|tsconfig/.test(n),
  );
  assert.deepEqual(unwanted, []);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'gradient-lab');
  assert.equal(manifest.main, './dist/extension.js');
});

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
  );
}

test('vsce ls lists exactly what should ship: the manifest and docs, media/ as tracked, and the bundles build.mjs makes', () => {
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180000,
  })
    .split('\n')
    .filter(Boolean)
    .sort();
  const rel = (p: string) => relative(ROOT, p).split('\\').join('/');
  // The bundles scripts/build.mjs makes, by its conventions (see its header).
  const pages = readdirSync(join(ROOT, 'webview')).filter((d) => existsSync(join(ROOT, 'webview', d, 'main.ts')));
  const languages = readdirSync(join(ROOT, 'src', 'l10n')).filter((d) =>
    statSync(join(ROOT, 'src', 'l10n', d)).isDirectory(),
  );
  const dist = [
    'dist/extension.js',
    'dist/cli.js',
    ...walk(join(ROOT, 'src'))
      .filter((p) => /Worker\.ts$/.test(p))
      .map((p) => `dist/${p.split('/').pop()!.replace(/\.ts$/, '.js')}`),
    ...pages.map((p) => `dist/webview/${p}.js`),
    ...walk(join(ROOT, 'webview'))
      .filter((p) => p.endsWith('.css'))
      .map((p) => `dist/webview/${rel(p).slice('webview/'.length)}`),
    ...languages.map((l) => `dist/l10n/bundle.l10n.${l}.json`),
  ];
  const media = execFileSync('git', ['ls-files', 'media'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const docs = [
    'package.json',
    'package.nls.json',
    'package.nls.ko.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'NOTICE',
  ];
  const expected = [...docs, ...media, ...dist].sort();
  assert.deepEqual(
    { extra: listed.filter((f) => !expected.includes(f)), missing: expected.filter((f) => !listed.includes(f)) },
    { extra: [], missing: [] },
  );
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.ok(listed.includes(manifest.icon), `the icon ${manifest.icon} ships`);
  assert.match(manifest.repository.url, /^https:\/\//);
});
