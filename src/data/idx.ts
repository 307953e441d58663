import { gunzipSync } from 'zlib';
import { errorMessage } from '../util/text';

/** The idx format (yann.lecun.com/exdb/mnist): magic 0x0000 08 NN (uint8, NN dimensions), big-endian uint32 sizes, then the data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export class IdxError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'IdxError';
  }
}

const UBYTE = 0x08;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses idx bytes (gzip or raw); `file` names the source in error messages. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = isGzip(bytes) ? gunzipSync(bytes) : bytes;
  } catch (e) {
    throw new IdxError(file, `the gzip data is damaged (${errorMessage(e)}); download the file again`);
  }
  if (raw.length < 4) throw new IdxError(file, `too short to be an idx file (${raw.length} bytes)`);
  if (raw[0] !== 0 || raw[1] !== 0 || raw[2] !== UBYTE) {
    const magic = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new IdxError(file, `bad magic number 0x${magic}: expected 0x000008NN (unsigned bytes, NN dimensions); is this an idx file?`);
  }
  const ndim = raw[3];
  if (ndim < 1 || ndim > 4) throw new IdxError(file, `bad magic number: ${ndim} dimensions (expected 1 to 4)`);
  const header = 4 + 4 * ndim;
  if (raw.length < header) throw new IdxError(file, `truncated header: ${raw.length} bytes, expected at least ${header}`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = raw.length - header;
  if (actual < expected) {
    throw new IdxError(file, `truncated: the header promises ${expected} bytes of data (${dims.join('×')}) but the file has ${actual}; download it again`);
  }
  if (actual > expected) throw new IdxError(file, `${actual - expected} unexpected bytes after the ${dims.join('×')} data`);
  return { dims, data: raw.subarray(header, header + expected) };
}
