// A cheap fingerprint of everything the bundles are built from (path, size and mtime of each file
// under src/ and webview/, plus the build script, package.json and tsconfig.json): no file is read,
// so it takes a few milliseconds. scripts/build.mjs writes it to dist/.source-stamp after a build;
// scripts/cli.mjs compares it to skip the build when nothing changed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const STAMP_FILE = join('dist', '.source-stamp');

export function sourceStamp(root) {
  const hash = createHash('sha256');
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else {
      hash.update(`${relative(root, p)}\0${s.size}\0${s.mtimeMs}\n`);
    }
  };
  for (const p of ['src', 'webview', 'scripts/build.mjs', 'package.json', 'tsconfig.json']) visit(join(root, p));
  return hash.digest('hex');
}
