// One build for every bundle: the extension (node, `vscode` external), workers, the CLI,
// webview pages (browser) and the tests. Entries are found by convention so a new worker,
// page or test needs no edit here:
//   src/extension.ts, src/cli.ts          -> dist/extension.js, dist/cli.js
//   src/**/*Worker.ts                     -> dist/<name>.js        (worker_threads)
//   webview/<page>/main.ts                -> dist/webview/<page>.js (browser)
//   webview/**/*.css                      -> dist/webview/...       (copied)
//   test/**/*.test.ts, test/**/*.run.ts   -> out/test/...           (node)
//   src/l10n/<lang>/*.json                -> dist/l10n/bundle.l10n.<lang>.json (merged; vscode.l10n)
// Flags: --watch, --production (minify), --quiet, --clean.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, relative } from 'path';
import { STAMP_FILE, sourceStamp } from './sourceStamp.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const quiet = args.has('--quiet');
const root = join(dirname(new URL(import.meta.url).pathname), '..');

function walk(dir, keep) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory()
      ? name === 'node_modules' || name === 'fixtures'
        ? []
        : walk(p, keep)
      : keep(p)
        ? [p]
        : [];
  });
}

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: quiet ? 'error' : 'info',
  absWorkingDir: root,
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] };

const workers = walk(join(root, 'src'), (p) => /Worker\.ts$/.test(p));
const pages = existsSync(join(root, 'webview'))
  ? readdirSync(join(root, 'webview')).filter((d) => existsSync(join(root, 'webview', d, 'main.ts')))
  : [];
// Taken before building, so an edit made during the build makes the next `npm run train` build again.
const stamp = sourceStamp(root);
const tests = walk(join(root, 'test'), (p) => /\.(test|run)\.ts$/.test(p));

// --clean starts from nothing (CI, packaging); without it builds overwrite in place, so a
// build never pulls files from under a test that is running.
if (args.has('--clean')) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  rmSync(join(root, 'out'), { recursive: true, force: true });
}

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' },
  ...workers.map((w) => ({ ...node, entryPoints: [relative(root, w)], outfile: `dist/${basename(w, '.ts')}.js` })),
  ...pages.map((p) => ({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: [`webview/${p}/main.ts`],
    outfile: `dist/webview/${p}.js`,
  })),
  ...(tests.length
    ? [
        {
          ...node,
          external: ['vscode', 'playwright-core', 'amaro'],
          entryPoints: tests.map((t) => relative(root, t)),
          outdir: 'out/test',
          outbase: 'test',
          sourcemap: true,
          minify: false,
        },
      ]
    : []),
];

if (args.has('--watch')) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

for (const css of walk(join(root, 'webview'), (p) => p.endsWith('.css'))) {
  const dest = join(root, 'dist', 'webview', relative(join(root, 'webview'), css));
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(css, dest);
}

// One vscode.l10n bundle per language, merged from a file per feature so features can be
// translated independently; the same English key translated two ways is an error.
const l10nRoot = join(root, 'src', 'l10n');
// Only folders are languages: src/l10n/cli.ts (the CLI's translator) lives beside them.
for (const lang of existsSync(l10nRoot)
  ? readdirSync(l10nRoot).filter((d) => statSync(join(l10nRoot, d)).isDirectory())
  : []) {
  const merged = {};
  const from = {};
  for (const file of readdirSync(join(l10nRoot, lang))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const table = JSON.parse(readFileSync(join(l10nRoot, lang, file), 'utf8'));
    for (const [key, value] of Object.entries(table)) {
      if (key in merged && merged[key] !== value) {
        throw new Error(`src/l10n/${lang}: "${key}" is translated differently in ${from[key]} and ${file}`);
      }
      merged[key] = value;
      from[key] = file;
    }
  }
  mkdirSync(join(root, 'dist', 'l10n'), { recursive: true });
  writeFileSync(join(root, 'dist', 'l10n', `bundle.l10n.${lang}.json`), JSON.stringify(merged, null, 1));
}

// What scripts/cli.mjs compares to skip the build (not in watch mode: it builds on its own).
if (!args.has('--watch')) writeFileSync(join(root, STAMP_FILE), stamp);
