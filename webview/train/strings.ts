import { strings } from '../shared/l10n';
import { TRAIN_STRINGS } from '../../src/protocol/train';

/** The page's strings, translated when the extension provided them. */
export const S = strings(TRAIN_STRINGS);
