/**
 * Trained parameters as files: .npz for the book's numpy code (np.load(f)['W1']) and JSON (nested
 * lists, so np.array(json.load(f)['W1']) has shape (784, 50)). Loading checks the shapes and
 * says which array is wrong and how.
 */
import { NpyArray, readNpz, writeNpz } from '../../data/npz';
import { zlibInflater } from '../../node/inflate';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import { IMAGE_PIXELS, INT_LIMITS, RUN_NAME_MAX, checkRunConfig, type RunConfig } from '../../protocol/train';
import { errorMessage } from '../../util/text';

export const MODEL_FORMAT = 'gradient-lab.two-layer-net';

export class ModelFileError extends Error {}

export function paramsToNpz(p: TwoLayerParams): Uint8Array {
  return writeNpz({
    W1: { shape: [p.W1.rows, p.W1.cols], data: p.W1.data },
    b1: { shape: [p.b1.length], data: p.b1 },
    W2: { shape: [p.W2.rows, p.W2.cols], data: p.W2.data },
    b2: { shape: [p.b2.length], data: p.b2 },
  });
}

export function paramsFromNpz(bytes: Uint8Array, file: string): TwoLayerParams {
  return checkParams(readNpz(bytes, file, zlibInflater), file);
}

export interface ModelMeta {
  name?: string;
  config?: RunConfig;
  testAccuracy?: number | null;
}

export function paramsToJson(p: TwoLayerParams, meta: ModelMeta = {}): string {
  const rows = (m: TwoLayerParams['W1']) =>
    Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return JSON.stringify({
    format: MODEL_FORMAT,
    version: 1,
    ...meta,
    W1: rows(p.W1),
    b1: Array.from(p.b1),
    W2: rows(p.W2),
    b2: Array.from(p.b2),
  });
}

export function paramsFromJson(text: string, file: string): { params: TwoLayerParams; meta: ModelMeta } {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${file}: not valid JSON (${errorMessage(e)})`);
  }
  if (typeof o !== 'object' || o === null)
    throw new ModelFileError(`${file}: expected an object with W1, b1, W2 and b2`);
  const arrays: Record<string, NpyArray> = {};
  for (const key of ['W1', 'b1', 'W2', 'b2']) {
    const v = o[key];
    if (v === undefined) continue;
    arrays[key] = fromNested(v, `${file}: ${key}`);
  }
  const params = checkParams(arrays, file);
  const config =
    typeof o.config === 'object' && o.config !== null
      ? checkRunConfig(o.config as Record<string, unknown>).config
      : undefined;
  const meta: ModelMeta = {
    name: typeof o.name === 'string' ? o.name.slice(0, RUN_NAME_MAX) : undefined,
    config: config && config.hiddenSize === params.W1.cols ? config : undefined,
  };
  return { params, meta };
}

function fromNested(v: unknown, what: string): NpyArray {
  const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (Array.isArray(v) && v.every(isNum)) return { shape: [v.length], data: Float64Array.from(v) };
  if (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.every(isNum))
  ) {
    const rows = v as number[][];
    const data = new Float64Array(rows.length * rows[0].length);
    rows.forEach((r, i) => data.set(r, i * rows[0].length));
    return { shape: [rows.length, rows[0].length], data };
  }
  throw new ModelFileError(`${what} must be a list of numbers or a list of equally long lists of numbers (finite)`);
}

/** W1 (784, H), b1 (H,), W2 (H, 10), b2 (10,) — the book's TwoLayerNet.params. */
export function checkParams(arrays: Record<string, NpyArray>, file: string): TwoLayerParams {
  const missing = ['W1', 'b1', 'W2', 'b2'].filter((k) => !arrays[k]);
  if (missing.length)
    throw new ModelFileError(
      `${file}: no ${missing.join(', ')}; expected the four arrays of TwoLayerNet.params (W1, b1, W2, b2)`,
    );
  const { W1, b1, W2, b2 } = arrays;
  const shape = (a: NpyArray) => `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;
  const fail = (why: string) => {
    throw new ModelFileError(`${file}: ${why}`);
  };
  if (W1.shape.length !== 2 || W1.shape[0] !== IMAGE_PIXELS)
    fail(`W1 has shape ${shape(W1)}; expected (784, hidden_size): one row per pixel of a 28×28 image`);
  const H = W1.shape[1];
  if (!(H >= 1 && H <= INT_LIMITS.hiddenSize[1]))
    fail(`W1 has shape ${shape(W1)}: a hidden size of ${H}; it must be from 1 to ${INT_LIMITS.hiddenSize[1]}`);
  if (b1.shape.length !== 1 || b1.shape[0] !== H)
    fail(`b1 has shape ${shape(b1)} but W1 has ${H} columns; expected (${H},)`);
  if (W2.shape.length !== 2 || W2.shape[0] !== H || W2.shape[1] !== 10)
    fail(`W2 has shape ${shape(W2)}; expected (${H}, 10) for hidden size ${H} and 10 classes`);
  if (b2.shape.length !== 1 || b2.shape[0] !== 10) fail(`b2 has shape ${shape(b2)}; expected (10,)`);
  for (const [k, a] of Object.entries({ W1, b1, W2, b2 }))
    if (!a.data.every(Number.isFinite)) fail(`${k} holds NaN or infinite values: the network it came from diverged`);
  return {
    W1: { rows: IMAGE_PIXELS, cols: H, data: W1.data },
    b1: b1.data,
    W2: { rows: H, cols: 10, data: W2.data },
    b2: b2.data,
  };
}
