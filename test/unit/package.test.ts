import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';

test('npm run package makes a VSIX under 8 MB with the bundled data and no node_modules, sources or tests', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'gl-vsix-')), 'gradient-lab.vsix');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 180000,
  });
  const size = statSync(out).size;
  assert.ok(size < 8 * 1024 * 1024, `VSIX is ${size} bytes`);
  const names: string[] = JSON.parse(
    execFileSync('python3', ['-c', 'import sys, zipfile, json; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', out], { encoding: 'utf8' }),
  );
  for (const f of ['train-images-idx3-ubyte.first10k.gz', 'train-labels-idx1-ubyte.first10k.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    assert.ok(names.includes(`extension/media/mnist/${f}`), `${f} is in the VSIX`);
  }
  for (const f of ['extension/dist/extension.js', 'extension/dist/cli.js', 'extension/package.json', 'extension/NOTICE']) assert.ok(names.includes(f), `${f} is in the VSIX`);
  const unwanted = names.filter((n) => /node_modules\/|^extension\/(src|test|out|scripts|webview)\/|\.ts$|\.map$|tsconfig/.test(n));
  assert.deepEqual(unwanted, []);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'gradient-lab');
  assert.equal(manifest.main, './dist/extension.js');
});
