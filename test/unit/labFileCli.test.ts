/**
 * `npm run lab-file -- FILE… [--json]` (src/cli/labFile.ts): a teacher checks lab files as the
 * extension would open them — exit 0 when every file opens, 1 when one is refused (each reason
 * naming its field, in the language of LANG), 2 for usage — with the function of a gradient check
 * looked up in the learner's file.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'gl-labcli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const cli = (args: string[], lang = 'C') =>
  spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lab-file', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LANG: lang, LC_ALL: '' },
  });

write('loss.py', 'def sum_squares(x):\n    return (x ** 2).sum()\n');
const check = { version: 1, panel: 'gradcheck', file: 'loss.py', function: 'sum_squares', h: 1e-4 };

test('valid files exit 0; a refused one exits 1 with its fields named; no file is usage (2)', () => {
  const good = [join(ROOT, 'media', 'examples', 'lr10.gradientlab.json'), write('check.gradientlab.json', check)];
  const ok = cli(good);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /lr10\.gradientlab\.json: opens \(train\)\n.*check\.gradientlab\.json: opens \(gradcheck\)/s);

  const bad = write('bad.gradientlab.json', { version: 1, panel: 'lab', lab: 'descent', state: { lr: -1 } });
  const missing = write('nofn.gradientlab.json', { ...check, function: 'cross_entropy' });
  const refused = cli([...good, bad, missing, '--json']);
  assert.equal(refused.status, 1);
  const json = JSON.parse(refused.stdout) as {
    file: string;
    ok: boolean;
    errors: { field: string; message: string }[];
  }[];
  assert.deepEqual(
    json.map((r) => [r.ok, r.errors.map((e) => e.field)]),
    [
      [true, []],
      [true, []],
      [false, ['state.lr']],
      [false, ['function']],
    ],
  );
  assert.match(json[3].errors[0].message, /there is no function cross_entropy in loss\.py/);

  const korean = cli([bad], 'ko_KR.UTF-8');
  assert.equal(korean.status, 1);
  assert.match(korean.stdout, /열 수 없습니다\n {2}"state\.lr" 항목은 0보다 큰 수여야 합니다\./);

  const usage = cli([]);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: npm run lab-file -- FILE\.gradientlab\.json/);
  assert.equal(cli(['--colour']).status, 2);
});

test("a gradient check's learner file that cannot be read is refused with the reason: missing, a folder, too large", () => {
  mkdirSync(join(dir, 'folder.py'), { recursive: true });
  writeFileSync(join(dir, 'huge.py'), Buffer.alloc(9_000_000, 0x23));
  const reasons: [string, RegExp][] = [
    ['gone.py', /the file gone\.py cannot be read: no such file\./],
    ['folder.py', /the file folder\.py cannot be read: it is a folder, not a file\./],
    ['huge.py', /the file huge\.py cannot be read: it is 9000000 bytes, more than the \d+ allowed\./],
  ];
  for (const [file, reason] of reasons) {
    const r = cli([write(`${file}.gradientlab.json`, { ...check, file })]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, reason);
  }
});
