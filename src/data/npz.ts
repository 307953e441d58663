/**
 * numpy's .npy and .npz formats, so the book's code can load a trained network:
 *   p = np.load('model.npz'); net.params['W1'] = p['W1']
 * .npy: magic "\x93NUMPY", version, a Python-dict header (descr, fortran_order, shape), raw
 * little-endian data. .npz: a zip of .npy files (np.savez stores them; np.savez_compressed deflates).
 */
import { errorMessage } from '../util/text';
import type { Inflater } from './inflate';
import { FileFormatError } from './fileError';

export interface NpyArray {
  shape: number[];
  data: Float64Array;
}

export class NpzError extends FileFormatError {
  override name = 'NpzError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Limits checked against what a file declares before anything is inflated or allocated. */
export const NPZ_LIMITS = {
  /** One member's uncompressed size (TwoLayerNet with hidden 1000: W1 is 6.3 MB). */
  memberBytes: 128 * 1024 * 1024,
  /** All members together. */
  totalBytes: 256 * 1024 * 1024,
  /** Elements of one array (each becomes a float64). */
  elements: 16 * 1024 * 1024,
  members: 64,
};

/** One float64 array as .npy version 1.0, C order, header padded so the data starts on a 64-byte boundary. */
export function encodeNpy(arr: NpyArray): Uint8Array {
  const size = arr.shape.reduce((a, b) => a * b, 1);
  if (size !== arr.data.length)
    throw new Error(`encodeNpy: shape (${arr.shape.join(', ')}) holds ${size} values but data has ${arr.data.length}`);
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((MAGIC.length + 4 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(MAGIC.length + 4 + header.length + arr.data.length * 8);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < arr.data.length; i++) view.setFloat64(i * 8, arr.data[i], true);
  return out;
}

const DTYPES: Record<string, { bytes: number; read: (v: DataView, o: number, le: boolean) => number }> = {
  f8: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i8: { bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  u1: { bytes: 1, read: (v, o) => v.getUint8(o) },
};

/** Reads a numeric .npy (float64/32, int64/32, uint8) as float64 in C order. */
export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpzError(file, 'not a .npy array (the magic "\\x93NUMPY" is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = new TextDecoder('latin1').decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeText)
    throw new NpzError(file, `unreadable .npy header ${JSON.stringify(header.trim())}`);
  const dtype = DTYPES[descr[2]];
  if (!dtype)
    throw new NpzError(
      file,
      `dtype ${descr[1]}${descr[2]} is not supported: save the array as float64 (arr.astype(np.float64))`,
    );
  const shape = shapeText[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpzError(file, `unreadable shape (${shapeText[1]})`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > NPZ_LIMITS.elements)
    throw new NpzError(
      file,
      `shape (${shape.join(', ')}) holds ${size} values, more than the ${NPZ_LIMITS.elements} allowed`,
    );
  if (bytes.length - start < size * dtype.bytes)
    throw new NpzError(
      file,
      `truncated: shape (${shape.join(', ')}) needs ${size * dtype.bytes} bytes of data, the file has ${bytes.length - start}`,
    );
  const le = descr[1] !== '>';
  const data = new Float64Array(size);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, size * dtype.bytes);
  for (let i = 0; i < size; i++) data[i] = dtype.read(dv, i * dtype.bytes, le);
  return { shape, data: fortran[1] === 'True' ? fortranToC(data, shape) : data };
}

function fortranToC(data: Float64Array, shape: number[]): Float64Array {
  if (shape.length !== 2) return data;
  const [rows, cols] = shape;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[j * rows + i];
  return out;
}

// ---- zip (only what .npz needs: stored or deflated members, zip64 sizes as numpy writes them) ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** np.savez's layout: one stored "<name>.npy" member per array. */
export function writeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [key, arr] of Object.entries(arrays)) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const data = encodeNpy(arr);
    const crc = crc32(data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(12, 0x21, true); // 1980-01-01: a fixed date keeps the file reproducible
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const cdSize = centrals.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + end.length);
  let p = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

/**
 * The arrays of an .npz file, by name without ".npy". Sizes the zip declares are checked against
 * NPZ_LIMITS before anything is inflated, and inflating stops at the declared size (a zip bomb
 * ends as an NpzError, not as gigabytes of memory). Deflated members are inflated by `inflater`.
 */
export function readNpz(bytes: Uint8Array, file: string, inflater: Inflater): Record<string, NpyArray> {
  try {
    return readNpzUnchecked(bytes, file, inflater);
  } catch (e) {
    if (e instanceof NpzError) throw e;
    // A DataView read past the end: offsets in the zip point outside the file.
    throw new NpzError(file, `damaged zip structure (${errorMessage(e)}); save the file again`);
  }
}

function readNpzUnchecked(bytes: Uint8Array, file: string, inflater: Inflater): Record<string, NpyArray> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new NpzError(
      file,
      'not an .npz file (no zip directory found); save it with np.savez(file, W1=..., b1=..., W2=..., b2=...)',
    );
  let count = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50)
      throw new NpzError(file, 'damaged zip64 directory');
    const z = Number(view.getBigUint64(locator + 8, true));
    count = Number(view.getBigUint64(z + 32, true));
    cdOffset = Number(view.getBigUint64(z + 48, true));
  }
  if (count > NPZ_LIMITS.members)
    throw new NpzError(
      file,
      `${count} members, more than the ${NPZ_LIMITS.members} an .npz of TwoLayerNet parameters has`,
    );
  const out: Record<string, NpyArray> = {};
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50)
      throw new NpzError(file, 'damaged zip directory');
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let csize = view.getUint32(p + 20, true);
    let usize = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64: fields stored as 0xFFFFFFFF come from the 0x0001 extra field, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => Number(view.getBigUint64((q += 8) - 8, true));
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + len;
    }
    total += usize;
    if (usize > NPZ_LIMITS.memberBytes || total > NPZ_LIMITS.totalBytes) {
      throw new NpzError(
        file,
        `${name} declares ${usize} bytes uncompressed, more than the ${NPZ_LIMITS.memberBytes / 1048576} MiB per array (${NPZ_LIMITS.totalBytes / 1048576} MiB in all) allowed`,
      );
    }
    if (local + 30 > bytes.length)
      throw new NpzError(file, 'damaged zip directory (a member starts past the end of the file)');
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + csize > bytes.length)
      throw new NpzError(file, `${name} is cut off (the file ends inside it); save the file again`);
    const raw = bytes.subarray(dataStart, dataStart + csize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      let inflated: Uint8Array | undefined;
      try {
        inflated = inflater.inflateRaw(raw, Math.max(1, usize));
      } catch (e) {
        throw new NpzError(file, `${name} is damaged (${errorMessage(e)})`);
      }
      if (!inflated)
        throw new NpzError(file, `${name} inflates to more than the ${usize} bytes it declares; the file is damaged`);
      data = inflated;
    } else
      throw new NpzError(
        file,
        `${name} uses zip compression method ${method}; save with np.savez or np.savez_compressed`,
      );
    if (data.length !== usize || crc32(data) !== crc)
      throw new NpzError(file, `${name} is damaged (size or CRC does not match); save the file again`);
    out[name.replace(/\.npy$/, '')] = decodeNpy(data, `${file}:${name}`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
