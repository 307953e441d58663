import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RUN_CONFIG,
  TRAIN_STRINGS,
  checkRunConfig,
  naiveNumericalSecondsPerIteration,
  parameterCount,
  parseTrainMessage,
} from '../../src/protocol/train';
import { ProtocolError } from '../../src/protocol/validate';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers';

const good = { ...DEFAULT_RUN_CONFIG };

test('the book’s defaults pass the form’s rules unchanged', () => {
  const { config, errors } = checkRunConfig({ ...good }, 10000);
  assert.deepEqual(errors, []);
  assert.deepEqual(config, {
    hiddenSize: 50,
    learningRate: 0.1,
    batchSize: 100,
    iters: 10000,
    weightInitStd: 0.01,
    seed: 42,
    gradientMethod: 'backprop',
    dataset: { kind: 'bundled' },
  });
});

test('the form refuses each bad value with its own reason', () => {
  const { config, errors } = checkRunConfig(
    {
      ...good,
      hiddenSize: 0,
      learningRate: -0.1,
      batchSize: 2.5,
      iters: NaN,
      weightInitStd: 0,
      seed: -1,
      gradientMethod: 'adam',
      dataset: { kind: 'folder', path: '  ' },
    },
    10000,
  );
  assert.equal(config, undefined);
  const by = Object.fromEntries(errors.map((e) => [e.field, [e.reason, ...e.args]]));
  assert.deepEqual(by, {
    hiddenSize: ['errRange', 1, 1000],
    batchSize: ['errWhole', 1, 60000],
    iters: ['errWhole', 1, 1000000],
    seed: ['errRange', 0, 4294967295],
    learningRate: ['errPositive'],
    weightInitStd: ['errPositive'],
    gradientMethod: ['errRange', 'backprop', 'numerical'],
    dataset: ['errFolder'],
  });
  for (const e of errors) assert.ok(e.reason in TRAIN_STRINGS, `${e.reason} has a message`);
});

test('a batch larger than the chosen training set is refused before anything starts', () => {
  const { errors } = checkRunConfig({ ...good, batchSize: 20000 }, 10000);
  assert.deepEqual(errors, [{ field: 'batchSize', reason: 'errBatchTooLarge', args: [10000] }]);
  assert.deepEqual(
    checkRunConfig({ ...good, batchSize: 20000, dataset: { kind: 'folder', path: '/data/mnist' } }).errors,
    [],
    'a folder’s size is only known when it loads',
  );
});

test('the naive numerical gradient estimate is 31 s an iteration at the book’s sizes and grows as batch × P²', () => {
  assert.equal(parameterCount(50), 39760);
  assert.equal(naiveNumericalSecondsPerIteration(50, 100), 31);
  assert.equal(naiveNumericalSecondsPerIteration(50, 10), 3.1);
  const p = parameterCount(100) / 39760;
  assert.ok(Math.abs(naiveNumericalSecondsPerIteration(100, 100) - 31 * p * p) < 1e-9);
});

const rejects: [string, unknown, RegExp][] = [
  ['not an object', 'start', /message must be an object/],
  ['an unknown type', { type: 'train' }, /type must be one of/],
  ['start without a config', { type: 'start' }, /config must be an object/],
  [
    'start with a bad config',
    { type: 'start', config: { ...good, learningRate: 'fast' } },
    /config is invalid: learningRate/,
  ],
  ['a run id with a path in it', { type: 'deleteRun', id: '../../etc/passwd' }, /id is not a run id/],
  ['an empty new name', { type: 'renameRun', id: 'r1', name: '   ' }, /name must not be empty/],
  ['a very long name', { type: 'renameRun', id: 'r1', name: 'x'.repeat(81) }, /name is longer than 80/],
  ['hidden as a string', { type: 'setHidden', id: 'r1', hidden: 'yes' }, /hidden must be true or false/],
  [
    'an export format we do not write',
    { type: 'exportRun', id: 'r1', format: 'xlsx' },
    /format must be one of csv, json/,
  ],
  [
    'a chart that is not a PNG',
    { type: 'exportChart', chart: 'loss', dataUrl: 'data:text/html;base64,PGgxPg==' },
    /base64 PNG data URL/,
  ],
  [
    'a PNG of an unknown chart',
    { type: 'exportChart', chart: 'weights', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
    /chart must be one of loss, accuracy/,
  ],
  [
    'a model format we do not write',
    { type: 'saveModel', id: 'r1', format: 'pickle' },
    /format must be one of json, npz/,
  ],
  ['too few pixels', { type: 'predict', requestId: 1, id: 'r1', pixels: [0, 1] }, /array of 784 numbers/],
  [
    'pixels out of range',
    { type: 'predict', requestId: 1, id: 'r1', pixels: new Array(784).fill(255) },
    /between 0 and 1/,
  ],
  [
    'a negative request id',
    { type: 'predict', requestId: -1, id: 'r1', pixels: new Array(784).fill(0) },
    /requestId must be at least 0/,
  ],
  ['a huge gradient-check batch', { type: 'checkNetwork', batchSize: 10000 }, /batchSize must be at most 100/],
];
for (const [why, msg, message] of rejects) {
  test(`parseTrainMessage rejects ${why}`, () => {
    assert.throws(
      () => parseTrainMessage(msg),
      (e: Error) => e instanceof ProtocolError && message.test(e.message),
    );
  });
}

test('parseTrainMessage returns well-formed messages typed and trimmed', () => {
  assert.deepEqual(parseTrainMessage({ type: 'pause', extra: 1 }), { type: 'pause' });
  assert.deepEqual(parseTrainMessage({ type: 'renameRun', id: 'r1', name: '  batch 10  ' }), {
    type: 'renameRun',
    id: 'r1',
    name: 'batch 10',
  });
  assert.deepEqual(parseTrainMessage({ type: 'checkNetwork' }), { type: 'checkNetwork', batchSize: 3 });
  const start = parseTrainMessage({
    type: 'start',
    config: { ...good, batchSize: 10, dataset: { kind: 'folder', path: ' /data/fashion ' } },
  });
  assert.deepEqual(start, {
    type: 'start',
    config: { ...good, batchSize: 10, dataset: { kind: 'folder', path: '/data/fashion' } },
  });
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  assert.deepEqual(parseTrainMessage({ type: 'exportChart', chart: 'accuracy', dataUrl: png }), {
    type: 'exportChart',
    chart: 'accuracy',
    dataUrl: png,
  });
});

test('every string of the page has a Korean translation with the same {n} placeholders', () => {
  // The page's strings come from every feature's file, merged into one bundle as scripts/build.mjs does
  // (the lab-file words a locked control shows live in labFile.json).
  const dir = join(ROOT, 'src', 'l10n', 'ko');
  const ko: Record<string, string> = Object.assign(
    {},
    ...readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
  );
  const holes = (s: string) => [...new Set(s.match(/\{\d\}/g) ?? [])].sort();
  for (const [key, english] of Object.entries(TRAIN_STRINGS)) {
    assert.ok(english in ko, `${key}: "${english}" is not translated`);
    assert.deepEqual(holes(ko[english]), holes(english), key);
  }
  assert.equal(ko[TRAIN_STRINGS.learningRate], '학습률');
  assert.equal(ko[TRAIN_STRINGS.epoch], '에폭');
});
