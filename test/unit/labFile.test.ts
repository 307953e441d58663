/**
 * Lab files (src/protocol/labFile.ts): share → open gives the same setup with the same locks, a bad
 * file is refused as a whole with the field named (English and Korean), the JSON schema VS Code
 * validates with (media/schema/gradientlab.schema.json) names the same fields, and the example
 * in media/examples/ opens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';
import {
  GRADCHECK_CONTROLS,
  LAB_CONTROLS,
  LAB_FILE_KEYS,
  type LabFile,
  LabFileRefused,
  type TrainLabFile,
  checkLabFile,
  instructionText,
  keepLocked,
  keepsTrainLocks,
  labFileErrorText,
  labFileName,
  labFileText,
  parseLabFile,
} from '../../src/protocol/labFile';
import { DEFAULT_RUN_CONFIG, TRAIN_CONTROLS } from '../../src/protocol/train';
import { LAB_IDS } from '../../src/protocol/tutorial';
import { loadBundle, translator } from '../../src/l10n/cli';

const en = translator(undefined);
const ko = translator(loadBundle(join(ROOT, 'dist', 'l10n'), 'ko'));
const schema = JSON.parse(readFileSync(join(ROOT, 'media', 'schema', 'gradientlab.schema.json'), 'utf8'));

function refused(text: string): LabFileRefused {
  try {
    parseLabFile(text);
  } catch (e) {
    assert.ok(e instanceof LabFileRefused, `refused with LabFileRefused, got ${e}`);
    return e;
  }
  assert.fail(`accepted: ${text}`);
}

const trainFile: TrainLabFile = {
  panel: 'train',
  config: { ...DEFAULT_RUN_CONFIG, learningRate: 10, iters: 1000, seed: 7, sampling: 'shuffled', checkEvery: 500 },
  instruction: { en: 'Why does this diverge? <b>not html</b>', ko: '왜 발산할까요?' },
  lock: ['learningRate', 'dataset'],
  hide: ['gradientMethod'],
};
const examples: LabFile[] = [
  trainFile,
  {
    panel: 'train',
    config: { ...DEFAULT_RUN_CONFIG, dataset: { kind: 'folder', path: '/data/mnist' } },
    lock: [],
    hide: [],
  },
  {
    panel: 'lab',
    lab: 'descent',
    state: { lr: 10, steps: 100 },
    lock: ['lr'],
    hide: ['steps'],
    instruction: 'η = 10?',
  },
  { panel: 'lab', lab: 'errorH', state: { case: 'sin', h: 1e-50 }, lock: ['h'], hide: [] },
  {
    panel: 'lab',
    lab: 'simpleNet',
    state: {
      W: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    },
    lock: [],
    hide: [],
  },
  {
    panel: 'gradcheck',
    file: 'ch04/loss.py',
    function: 'cross_entropy_error',
    gradient: 'cross_entropy_error_grad',
    wrt: 'y',
    h: 1e-4,
    inputs: { y: [[0.1, 0.9]], t: [[0, 1]] },
    lock: ['h', 'inputs'],
    hide: ['gradient'],
  },
  { panel: 'gradcheck', file: 'loss.ts', function: 'Net.loss', gradient: null, lock: [], hide: [] },
];

test('share → open: every kind of lab file reads back to the same setup, locks and hides', () => {
  for (const file of examples) {
    const text = labFileText(file);
    assert.deepEqual(parseLabFile(text), file, text);
    // And again: writing what was read gives the same text.
    assert.equal(labFileText(parseLabFile(text)), text);
  }
});

test('a file names only what it changes: absent hyperparameters are the book defaults', () => {
  const f = parseLabFile('{"version": 1, "panel": "train", "train": {"learningRate": 10}, "lock": ["learningRate"]}');
  assert.equal(f.panel, 'train');
  assert.deepEqual((f as TrainLabFile).config, { ...DEFAULT_RUN_CONFIG, learningRate: 10 });
  assert.deepEqual(f.lock, ['learningRate']);
  assert.deepEqual(f.hide, []);
  // A BOM (Windows editors) is fine.
  assert.equal(parseLabFile('\uFEFF{"version":1,"panel":"lab","lab":"tangent"}').panel, 'lab');
});

test('bad files are refused with the field named, in English and Korean', () => {
  const cases: [string, string, RegExp][] = [
    ['{"version":1,"panel":"train","colour":"red"}', 'colour', /allowed: .*"train"/],
    ['{"version":1,"panel":"train","train":{"lr":10}}', 'train.lr', /allowed: .*"learningRate"/],
    ['{"version":1,"panel":"train","train":{"learningRate":-1}}', 'train.learningRate', /greater than 0/],
    ['{"version":1,"panel":"train","train":{"learningRate":"10"}}', 'train.learningRate', /greater than 0/],
    ['{"version":1,"panel":"train","train":{"batchSize":100000}}', 'train.batchSize', /from 1 to 60000/],
    ['{"version":1,"panel":"train","train":{"batchSize":20000}}', 'train.batchSize', /training set \(10000/],
    ['{"version":1,"panel":"train","train":{"dataset":"cifar"}}', 'train.dataset', /"bundled", "fashion"/],
    ['{"version":1,"panel":"train","train":{"sampling":"random"}}', 'train.sampling', /"replacement", "shuffled"/],
    ['{"version":1,"panel":"train","lock":["learning_rate"]}', 'lock[0]', /"learningRate"/],
    ['{"version":1,"panel":"train","hide":"seed"}', 'hide', /list of control names/],
    ['{"version":2,"panel":"train"}', 'version', /version 1/],
    ['{"panel":"train"}', 'version', /version 1/],
    ['{"version":1,"panel":"notebook"}', 'panel', /"train", "lab", "gradcheck"/],
    ['{"version":1}', 'panel', /missing/],
    ['{"version":1,"panel":"train","instruction":42}', 'instruction', /text of at most 2000/],
    ['{"version":1,"panel":"train","instruction":{"fr":"Pourquoi ?"}}', 'instruction.fr', /"en", "ko"/],
    ['{"version":1,"panel":"lab","lab":"descents"}', 'lab', /"descent"/],
    ['{"version":1,"panel":"lab","lab":"descent","state":{"lr":0}}', 'state.lr', /greater than 0/],
    ['{"version":1,"panel":"lab","lab":"descent","state":{"x":1}}', 'state.x', /"lr", "steps"/],
    ['{"version":1,"panel":"lab","lab":"descent","lock":["x0"]}', 'lock[0]', /"lr", "steps"/],
    ['{"version":1,"panel":"lab","lab":"loss","state":{"y":[1,2]}}', 'state.y', /10 numbers/],
    ['{"version":1,"panel":"lab","lab":"simpleNet","state":{"W":[[1,2]]}}', 'state.W', /2 rows of 3/],
    ['{"version":1,"panel":"gradcheck","function":"f"}', 'file', /missing/],
    ['{"version":1,"panel":"gradcheck","file":"../x.py","function":"f"}', 'file', /relative path/],
    ['{"version":1,"panel":"gradcheck","file":"/etc/x.py","function":"f"}', 'file', /relative path/],
    ['{"version":1,"panel":"gradcheck","file":"a.py","function":"f()"}', 'function', /function name/],
    ['{"version":1,"panel":"gradcheck","file":"a.py","function":"f","h":0}', 'h', /greater than 0/],
    ['{"version":1,"panel":"gradcheck","file":"a.py","function":"f","inputs":[1]}', 'inputs', /named inputs/],
    ['{"version":1,"panel":"gradcheck","file":"a.py","function":"f","state":{}}', 'state', /allowed/],
    ['{"version":1, "panel": "train",', '', /not valid JSON/],
    ['[1, 2]', '(file)', /must be an object/],
  ];
  for (const [text, field, reason] of cases) {
    const e = refused(text);
    const first = e.errors[0];
    assert.equal(first.field, field, text);
    const english = labFileErrorText(first, en);
    assert.match(english, reason, text);
    if (field) assert.ok(english.includes(`"${field}"`), `${english} names ${field}`);
    const korean = labFileErrorText(first, ko);
    assert.match(korean, /[\uac00-\ud7a3]/, `Korean for ${english}: ${korean}`);
    if (field) assert.ok(korean.includes(field), `${korean} names ${field}`);
  }
  // Every reason found is reported, not just the first.
  const many = refused('{"version":1,"panel":"train","train":{"learningRate":0,"seed":-1},"lock":["x"]}');
  assert.deepEqual(many.errors.map((e) => e.field).sort(), ['lock[0]', 'train.learningRate', 'train.seed']);
  assert.ok(refused('x'.repeat(1_000_001)).errors[0].reason === 'tooLarge');
});

test('sharing keeps what the lab file locks, whatever the page sent', () => {
  const edited = { ...trainFile.config, learningRate: 0.1, dataset: { kind: 'fashion' as const }, iters: 50 };
  assert.equal(keepsTrainLocks(edited, trainFile), false);
  assert.equal(keepsTrainLocks({ ...trainFile.config, iters: 50 }, trainFile), true);
  assert.equal(keepsTrainLocks(edited, undefined), true);
  const shared = keepLocked<TrainLabFile>({ panel: 'train', config: edited, lock: [], hide: [] }, trainFile);
  assert.equal(shared.config.learningRate, 10);
  assert.deepEqual(shared.config.dataset, { kind: 'bundled' });
  assert.equal(shared.config.iters, 50, 'a free control keeps the learner’s value');
  assert.deepEqual(shared.lock, trainFile.lock);
  assert.deepEqual(shared.hide, trainFile.hide);
  assert.deepEqual(shared.instruction, trainFile.instruction);
  assert.deepEqual(parseLabFile(labFileText(shared)), shared);
  const lab = examples[2] as Extract<LabFile, { panel: 'lab' }>;
  const sharedLab = keepLocked({ ...lab, state: { lr: 0.1, steps: 7 }, lock: [], hide: [] }, lab);
  assert.deepEqual(sharedLab.state, { lr: 10, steps: 7 });
  const check = examples[5] as Extract<LabFile, { panel: 'gradcheck' }>;
  const sharedCheck = keepLocked({ ...check, h: 1e-2, inputs: { y: [1] }, wrt: 't', lock: [], hide: [] }, check);
  assert.equal(sharedCheck.h, 1e-4);
  assert.deepEqual(sharedCheck.inputs, check.inputs);
  assert.equal(sharedCheck.wrt, 't');
});

test('names and instructions', () => {
  assert.equal(labFileName(trainFile), 'train-lr10.gradientlab.json');
  assert.equal(labFileName(examples[2]), 'lab-descent.gradientlab.json');
  assert.equal(labFileName(examples[6]), 'check-Net.loss.gradientlab.json');
  assert.equal(instructionText(trainFile.instruction, 'ko'), '왜 발산할까요?');
  assert.equal(instructionText(trainFile.instruction, 'en-us'), 'Why does this diverge? <b>not html</b>');
  assert.equal(instructionText({ ko: '한국어만' }, 'en'), '한국어만');
  assert.equal(instructionText('one text', 'ko'), 'one text');
  assert.equal(instructionText(undefined, 'en'), undefined);
});

test('the JSON schema names the same fields and controls as the parser', () => {
  const variants = schema.oneOf as {
    properties: Record<string, { const?: unknown; properties?: object; items?: { enum: string[] } }>;
  }[];
  const byPanel = (panel: string) => variants.filter((v) => v.properties.panel.const === panel);
  const [train] = byPanel('train');
  assert.deepEqual(Object.keys(train.properties).sort(), [...LAB_FILE_KEYS.train].sort());
  assert.deepEqual(Object.keys(train.properties.train.properties!).sort(), [...TRAIN_CONTROLS].sort());
  assert.deepEqual(train.properties.lock.items!.enum, [...TRAIN_CONTROLS]);
  assert.deepEqual(train.properties.hide.items!.enum, [...TRAIN_CONTROLS]);
  const labs = byPanel('lab');
  assert.deepEqual(
    labs.map((v) => v.properties.lab.const),
    [...LAB_IDS],
  );
  for (const v of labs) {
    const id = v.properties.lab.const as keyof typeof LAB_CONTROLS;
    assert.deepEqual(Object.keys(v.properties).sort(), [...LAB_FILE_KEYS.lab].sort());
    assert.deepEqual(Object.keys(v.properties.state.properties!), [...LAB_CONTROLS[id]]);
    assert.deepEqual(v.properties.lock.items!.enum, [...LAB_CONTROLS[id]]);
  }
  const [check] = byPanel('gradcheck');
  assert.deepEqual(Object.keys(check.properties).sort(), [...LAB_FILE_KEYS.gradcheck].sort());
  assert.deepEqual(check.properties.lock.items!.enum, [...GRADCHECK_CONTROLS]);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation, [
    { fileMatch: '*.gradientlab.json', url: './media/schema/gradientlab.schema.json' },
  ]);
});

test('the example lab files open', () => {
  const dir = join(ROOT, 'media', 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.gradientlab.json'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const lab = parseLabFile(readFileSync(join(dir, f), 'utf8'));
    assert.ok(lab.panel, f);
  }
  const lr10 = parseLabFile(readFileSync(join(dir, 'lr10.gradientlab.json'), 'utf8')) as TrainLabFile;
  assert.equal(lr10.config.learningRate, 10);
  assert.deepEqual(lr10.lock, ['learningRate']);
  // checkLabFile takes a parsed value as well (what a page sends to share).
  assert.deepEqual(checkLabFile(JSON.parse(labFileText(lr10))), lr10);
});

test('the README’s lab-file examples open', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Lab files'), readme.indexOf('### Grading exercises in CI'));
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
  const objects = blocks.flatMap((b) => b.split(/\n(?=\{)/));
  assert.ok(objects.length >= 3, `${objects.length} examples`);
  assert.deepEqual(
    objects.map((o) => parseLabFile(o).panel),
    ['train', 'lab', 'gradcheck'],
  );
});
