/** The parsers' Inflater (src/data/inflate.ts) on Node's zlib. */
import { constants, gunzipSync, inflateRawSync } from 'zlib';
import type { Inflater } from '../data/inflate';

/** `inflate` with zlib's maxOutputLength; `undefined` when the output would be longer. */
function bounded(inflate: typeof gunzipSync, bytes: Uint8Array, maxBytes: number): Uint8Array | undefined {
  try {
    return inflate(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) return undefined;
    throw e;
  }
}

export const zlibInflater: Inflater = {
  gunzipPrefix: (bytes) => gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }),
  gunzip: (bytes, maxBytes) => bounded(gunzipSync, bytes, maxBytes),
  inflateRaw: (bytes, maxBytes) => bounded(inflateRawSync, bytes, maxBytes),
};
