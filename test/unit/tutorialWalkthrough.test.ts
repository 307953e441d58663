/**
 * The walkthrough's contributions point only at things that exist: commands that are declared
 * and registered, labs the page knows, media files in both languages, and completion keys that
 * some code actually sets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { LAB_IDS } from '../../src/protocol/tutorial';
import {
  PROGRESS_KEYS,
  STEPS,
  WALKTHROUGH_ID,
  WALKTHROUGH_REF,
  openLabLink,
  progressKeyForLab,
} from '../../src/tutorial/steps';

const readJson = (...p: string[]) => JSON.parse(readFileSync(join(ROOT, ...p), 'utf8'));
const pkg = readJson('package.json');
const nls: Record<string, Record<string, string>> = {
  en: readJson('package.nls.json'),
  ko: readJson('package.nls.ko.json'),
};
const walkthrough = pkg.contributes.walkthroughs.find((w: { id: string }) => w.id === WALKTHROUGH_ID);
const declared = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
const nlsValue = (lang: string, v: string) => (/^%.+%$/.test(v) ? nls[lang][v.slice(1, -1)] : v);

function sourceText(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((p) => (statSync(p).isDirectory() ? sourceText(p) : p.endsWith('.ts') ? readFileSync(p, 'utf8') : ''))
    .join('\n');
}
const src = sourceText(join(ROOT, 'src'));

/** command: links of a text: [command id, decoded arguments]. */
function commandLinks(text: string): [string, unknown[]][] {
  return [...text.matchAll(/\(command:([\w.]+)(?:\?([^)\s]+))?\)/g)].map((m) => [
    m[1],
    m[2] ? JSON.parse(decodeURIComponent(m[2])) : [],
  ]);
}

test('the extension id and walkthrough id match package.json', () => {
  assert.equal(WALKTHROUGH_REF, `${pkg.publisher}.${pkg.name}#${walkthrough.id}`);
});

test('the walkthrough has the seven chapter steps in order, each ticked off by its context key', () => {
  assert.deepEqual(
    walkthrough.steps.map((s: { id: string; completionEvents: string[] }) => [s.id, s.completionEvents]),
    STEPS.map((s) => [s.id, [`onContext:${s.done}`]]),
  );
  assert.equal(STEPS.length, 7);
});

test('every command a step links to (description or page, in both languages) is declared and registered', () => {
  for (const step of walkthrough.steps) {
    for (const lang of ['en', 'ko']) {
      const page = readFileSync(join(ROOT, nlsValue(lang, step.media.markdown)), 'utf8');
      for (const [where, text] of [
        ['description', nlsValue(lang, step.description)],
        ['page', page],
      ]) {
        const links = commandLinks(text);
        assert.ok(links.length > 0, `${lang} ${step.id} ${where} links to something`);
        for (const [command, args] of links) {
          assert.ok(declared.has(command), `${lang} ${step.id} ${where}: ${command} is in contributes.commands`);
          assert.match(
            src,
            new RegExp(`registerCommand\\(\\s*'${command.replace(/\./g, '\\.')}'`),
            `${command} is registered in src/`,
          );
          if (command === 'gradientLab.openLab')
            assert.ok(LAB_IDS.includes(args[0] as never), `${lang} ${step.id}: lab ${String(args[0])} exists`);
        }
      }
    }
  }
});

test('each step links to exactly the labs and commands steps.ts lists for it', () => {
  for (const step of STEPS) {
    const contributed = walkthrough.steps.find((s: { id: string }) => s.id === step.id);
    for (const lang of ['en', 'ko']) {
      const links = commandLinks(nlsValue(lang, contributed.description));
      const labs = links.filter(([c]) => c === 'gradientLab.openLab').map(([, a]) => a[0]);
      assert.deepEqual(labs, step.labs, `${lang} ${step.id}`);
      for (const lab of step.labs)
        assert.ok(
          nlsValue(lang, contributed.description).includes(openLabLink(lab)),
          `${lang} ${step.id} uses openLabLink(${lab})`,
        );
      for (const [c] of links.filter(([c]) => c !== 'gradientLab.openLab'))
        assert.ok(step.commands.includes(c), `${lang} ${step.id}: ${c} is listed in steps.ts`);
    }
  }
});

test('every lab ticks off a step, and every completion key is set somewhere in src/', () => {
  for (const lab of LAB_IDS) assert.ok(progressKeyForLab(lab), `${lab} belongs to a step`);
  // Lab keys are set by the lab panel through progressKeyForLab; the others by name.
  for (const [name, key] of Object.entries(PROGRESS_KEYS)) {
    if (STEPS.some((s) => s.done === key && s.labs.length > 0)) continue;
    const setters = [
      ...src.matchAll(
        new RegExp(
          `markStepDone\\(\\s*PROGRESS_KEYS\\.${name}\\s*\\)|'setContext',\\s*'${key.replace(/\./g, '\\.')}'`,
          'g',
        ),
      ),
    ];
    assert.ok(setters.length > 0, `nothing in src/ sets ${key} (markStepDone(PROGRESS_KEYS.${name}))`);
  }
});

test('the walkthrough and the lab panel can be reached from a cold start', () => {
  assert.ok(
    pkg.activationEvents.includes('onWebviewPanel:gradientLab.labs'),
    'the labs panel is restored after a reload',
  );
  const commandTitles = pkg.contributes.commands.filter((c: { command: string }) =>
    [
      'gradientLab.openLab',
      'gradientLab.checkExercise',
      'gradientLab.openTutorial',
      'gradientLab.createExercise',
    ].includes(c.command),
  );
  assert.equal(commandTitles.length, 4);
  for (const c of commandTitles) {
    assert.match(c.title, /^%.+%$/);
    assert.equal(c.category, '%category%');
  }
});
