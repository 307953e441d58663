import { Matrix, zeros } from './matrix';

/** Labelled images as the idx files hold them: uint8 pixels row after row, one uint8 label each. */
export interface LabeledImages {
  count: number;
  /** Pixels per image (28 × 28 = 784 for MNIST). */
  size: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface Dataset {
  name: string;
  train: LabeledImages;
  test: LabeledImages;
  classes: number;
}

/** x: pixels normalised to [0, 1] (float64), t: one-hot labels — for the rows in `indices`. */
export function toBatch(set: LabeledImages, indices: ArrayLike<number>, classes = 10): { x: Matrix; t: Matrix } {
  const x = zeros(indices.length, set.size);
  const t = zeros(indices.length, classes);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    const src = i * set.size;
    for (let p = 0; p < set.size; p++) x.data[r * set.size + p] = set.images[src + p] / 255;
    t.data[r * classes + set.labels[i]] = 1;
  }
  return { x, t };
}

/** Rows [start, end) as indices. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
