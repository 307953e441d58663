/** The CLI's translator: language from LC_ALL / LC_MESSAGES / LANG, text from the merged bundle. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers';
import { cliLanguage, loadBundle, translator } from '../../src/l10n/cli';

const DIST_L10N = join(ROOT, 'dist', 'l10n');

test('the CLI language follows LC_ALL, then LC_MESSAGES, then LANG', () => {
  assert.equal(cliLanguage({ LANG: 'ko_KR.UTF-8' }), 'ko');
  assert.equal(cliLanguage({ LANG: 'ko' }), 'ko');
  assert.equal(cliLanguage({ LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8' }), undefined);
  assert.equal(cliLanguage({ LC_MESSAGES: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' }), 'ko');
  assert.equal(cliLanguage({ LANG: 'C.UTF-8' }), undefined);
  assert.equal(cliLanguage({ LANG: 'POSIX' }), undefined);
  assert.equal(cliLanguage({}), undefined);
});

test('with LANG=ko_KR.UTF-8 messages come out in Korean, placeholders filled', () => {
  const t = translator(loadBundle(DIST_L10N, cliLanguage({ LANG: 'ko_KR.UTF-8' })));
  assert.equal(t('{0} of {1} checks pass.', 3, 16), '검사 16개 중 3개 통과.');
  assert.equal(t('Learning rate η (log scale)'), '학습률 η (로그 눈금)');
});

test('English, a missing bundle and an untranslated message all print the English text', () => {
  assert.equal(
    translator(loadBundle(DIST_L10N, cliLanguage({ LANG: 'en_US.UTF-8' })))('{0} of {1} checks pass.', 3, 16),
    '3 of 16 checks pass.',
  );
  assert.equal(loadBundle(DIST_L10N, 'xx'), undefined);
  assert.equal(loadBundle(DIST_L10N, '../x'), undefined);
  const ko = translator(loadBundle(DIST_L10N, 'ko'));
  assert.equal(ko('no such message {0}', 'here'), 'no such message here');
});
