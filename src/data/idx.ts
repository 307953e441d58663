import { errorMessage } from '../util/text';
import type { Inflater } from './inflate';
import { FileFormatError } from './fileError';

/** The idx format (yann.lecun.com/exdb/mnist): magic 0x0000 08 NN (uint8, NN dimensions), big-endian uint32 sizes, then the data. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export class IdxError extends FileFormatError {
  override name = 'IdxError';
}

const UBYTE = 0x08;
/** The most data one idx file may hold (full MNIST's training images are 47 MB; EMNIST's largest 550 MB). */
export const IDX_MAX_DATA_BYTES = 768 * 1024 * 1024;
/** Compressed bytes inflated to read a gzip file's header (at most ~1,000× as many come out). */
const HEAD_INPUT_BYTES = 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses idx bytes (gzip or raw, inflated by `inflater`); `file` names the source in error messages. */
export function parseIdx(bytes: Uint8Array, file: string, inflater: Inflater): IdxArray {
  let raw: Uint8Array = bytes;
  if (isGzip(bytes)) {
    // The header first, from a small prefix; then inflate no more than it promises (a gzip bomb
    // stops at count × rows × cols bytes instead of filling memory).
    let head: Uint8Array;
    try {
      head = inflater.gunzipPrefix(bytes.subarray(0, HEAD_INPUT_BYTES));
    } catch (e) {
      throw new IdxError(file, `the gzip data is damaged (${errorMessage(e)}); download the file again`);
    }
    const promised = readHeader(head, file, bytes.length <= HEAD_INPUT_BYTES);
    let inflated: Uint8Array | undefined;
    try {
      inflated = inflater.gunzip(bytes, promised.header + promised.size + 1);
    } catch (e) {
      throw new IdxError(file, `the gzip data is damaged (${errorMessage(e)}); download the file again`);
    }
    if (!inflated) {
      throw new IdxError(
        file,
        `inflates to more than the ${promised.header + promised.size} bytes its header promises (${promised.dims.join('×')}); the file is damaged or not an idx file`,
      );
    }
    raw = inflated;
  }
  const { dims, header, size: expected } = readHeader(raw, file, true);
  const actual = raw.length - header;
  if (actual < expected) {
    throw new IdxError(
      file,
      `truncated: the header promises ${expected} bytes of data (${dims.join('×')}) but the file has ${actual}; download it again`,
    );
  }
  if (actual > expected)
    throw new IdxError(file, `${actual - expected} unexpected bytes after the ${dims.join('×')} data`);
  return { dims, data: raw.subarray(header, header + expected) };
}

/** A gzip file's idx header from its first inflated bytes; `complete` when those are the whole file. */
function readHeader(
  head: Uint8Array,
  file: string,
  complete: boolean,
): { dims: number[]; header: number; size: number } {
  if (head.length < 4) {
    if (complete) throw new IdxError(file, `too short to be an idx file (${head.length} bytes)`);
    throw new IdxError(file, 'the gzip data does not start like an idx file; download the file again');
  }
  if (head[0] !== 0 || head[1] !== 0 || head[2] !== UBYTE) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new IdxError(
      file,
      `bad magic number 0x${magic}: expected 0x000008NN (unsigned bytes, NN dimensions); is this an idx file?`,
    );
  }
  const ndim = head[3];
  if (ndim < 1 || ndim > 4) throw new IdxError(file, `bad magic number: ${ndim} dimensions (expected 1 to 4)`);
  const header = 4 + 4 * ndim;
  if (head.length < header)
    throw new IdxError(file, `truncated header: ${head.length} bytes, expected at least ${header}`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > IDX_MAX_DATA_BYTES)
    throw new IdxError(
      file,
      `the header promises ${dims.join('×')} = ${size} bytes, more than the ${IDX_MAX_DATA_BYTES / 1048576} MiB an idx file may hold here`,
    );
  return { dims, header, size };
}
