import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckOptions, runCheck } from '../../src/gradcheck/check';
import { findFunction, languageOf, outline } from '../../src/gradcheck/source/findFunctions';
import { generateInputs } from '../../src/gradcheck/run/inputs';
import { formatMsg } from '../../src/gradcheck/analysis/messages';
import type { Json } from '../../src/protocol/validate';
import { FIXTURES, testRunners } from './gradcheckHelpers';
import { fixture } from './fixtureFiles';

/**
 * Every fixture function in test/fixtures/gradcheck/expected.json — the learners' own bugs
 * from chapter 4's notes and the classic ones (sign, N, transpose, kink, endless loop, ...) in
 * Python and JavaScript/TypeScript — gets exactly its expected verdict and diagnosis codes.
 */

interface Fixture {
  file: string;
  copyAs?: string;
  function: string;
  grad?: string | null;
  wrt?: string;
  inputs?: Record<string, Json>;
  override?: Record<string, Json>;
  timeoutMs?: number;
  verdict: 'pass' | 'fail' | 'error' | 'numerical-only';
  diagnosis: string[];
  line?: number;
  factor?: number;
  recognised?: string;
  numerical?: number[];
  messageIncludes?: string;
}

const manifest = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { fixtures: Fixture[] };
const runners = testRunners();

test('the manifest covers at least 20 fixtures in both languages', () => {
  const langs = manifest.fixtures.map((f) => languageOf(f.file));
  assert.ok(manifest.fixtures.length >= 20);
  assert.ok(langs.filter((l) => l === 'python').length >= 10);
  assert.ok(langs.filter((l) => l !== 'python').length >= 10);
  assert.ok(langs.includes('typescript'));
});

for (const fx of manifest.fixtures) {
  const name = `${fx.copyAs ?? fx.file} ${fx.function}${fx.inputs ? ' (given inputs)' : ''}${fx.override ? ' (labels)' : ''}: ${fx.verdict} [${fx.diagnosis.join(', ')}]`;
  test(name, async () => {
    let file = fixture(`gradcheck/${fx.file}`);
    if (fx.copyAs) {
      const dir = mkdtempSync(join(tmpdir(), 'gl-fixture-'));
      copyFileSync(file, join(dir, fx.copyAs));
      file = join(dir, fx.copyAs);
    }
    let inputs = fx.inputs;
    if (fx.override) {
      const source = readFileSync(file, 'utf8');
      const fn = findFunction(outline(source, languageOf(file)!), fx.function)!;
      inputs = { ...generateInputs(fn.params), ...fx.override };
    }
    const options: CheckOptions = {
      file,
      functionName: fx.function,
      gradientName: fx.grad,
      wrt: fx.wrt,
      inputs,
      timeoutMs: fx.timeoutMs ?? 10_000,
    };
    const report = await runCheck(options, runners);
    const text = [formatMsg(report.summary), ...report.messages.map((m) => formatMsg(m))].join('\n');
    assert.equal(report.verdict, fx.verdict, `verdict; report said:\n${text}`);
    assert.deepEqual([...report.diagnosis].sort(), [...fx.diagnosis].sort(), `diagnosis; report said:\n${text}`);
    if (fx.line !== undefined) {
      assert.equal(report.error?.line, fx.line, `error line; report said:\n${text}`);
      assert.equal(report.error?.file ?? file, file);
    }
    if (fx.factor !== undefined) assert.match(text, new RegExp(fx.factor === 4 ? 'N = 4' : '1/4'), text);
    if (fx.recognised) assert.equal(report.recognised?.kind, fx.recognised);
    if (fx.messageIncludes)
      assert.ok(text.includes(fx.messageIncludes), `message should mention ${fx.messageIncludes}:\n${text}`);
    if (fx.numerical) {
      const byIndex = [...report.rows].sort((a, b) => a.index - b.index).map((r) => r.numerical);
      assert.equal(byIndex.length, fx.numerical.length);
      byIndex.forEach((v, k) =>
        assert.ok(Math.abs(v - fx.numerical![k]) <= 1e-7, `numerical[${k}] = ${v}, the book has ${fx.numerical![k]}`),
      );
    }
    // A verdict always comes with words: a headline, and one message per diagnosis at least.
    assert.ok(formatMsg(report.summary).length > 20);
    if (fx.verdict === 'fail') assert.ok(report.messages.length >= 1 || report.verdict === 'error');
  });
}
