import { LabeledImages } from '../core/dataset';

/**
 * The non-zero pixels of every image (about 20% of MNIST's), row after row: image i has the
 * pixels pixel[rowStart[i] .. rowStart[i+1]) with values value[…] = x / 255. With it,
 * x·W1 and xᵀ·dz1 visit only the pixels that are not 0.
 */
export interface SparseImages {
  count: number;
  size: number;
  rowStart: Int32Array;
  pixel: Int32Array;
  value: Float32Array;
}

const cache = new WeakMap<LabeledImages, SparseImages>();

/** The sparse view of `set`, built on first use and kept as long as `set` lives. */
export function sparseImages(set: LabeledImages): SparseImages {
  let view = cache.get(set);
  if (!view) {
    view = buildSparse(set);
    cache.set(set, view);
  }
  return view;
}

function buildSparse(set: LabeledImages): SparseImages {
  const { count, size, images } = set;
  let nonZero = 0;
  for (let i = 0; i < count * size; i++) if (images[i] !== 0) nonZero++;
  const rowStart = new Int32Array(count + 1);
  const pixel = new Int32Array(nonZero);
  const value = new Float32Array(nonZero);
  let n = 0;
  for (let r = 0; r < count; r++) {
    rowStart[r] = n;
    const base = r * size;
    for (let p = 0; p < size; p++) {
      const byte = images[base + p];
      if (byte === 0) continue;
      pixel[n] = p;
      value[n++] = byte / 255;
    }
  }
  rowStart[count] = n;
  return { count, size, rowStart, pixel, value };
}
