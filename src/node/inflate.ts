/** The parsers' Inflater (src/data/inflate.ts) on Node's zlib. */
import { constants, gunzipSync, inflateRawSync } from 'zlib';
import type { Inflater } from '../data/inflate';

/** zlib's word for "more than maxOutputLength". */
function tooLarge(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
}

export const zlibInflater: Inflater = {
  gunzipPrefix: (bytes) => gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }),
  gunzip(bytes, maxBytes) {
    try {
      return gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if (tooLarge(e)) return undefined;
      throw e;
    }
  },
  inflateRaw(bytes, maxBytes) {
    try {
      return inflateRawSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if (tooLarge(e)) return undefined;
      throw e;
    }
  },
};
