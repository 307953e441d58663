/**
 * MNIST as idx bytes, no files: which files the bundled subset has and their SHA-256 sums, and one
 * split (images + labels) parsed and checked to belong together. Reading the files (the bundled
 * subset, any idx folder) is src/node/mnistFiles.ts.
 */
import type { LabeledImages } from '../core/dataset';
import { IdxError, parseIdx } from './idx';
import type { Inflater } from './inflate';

/** The largest idx file read (raw or gzip). */
export const IDX_FILE_MAX_BYTES = 1024 * 1024 * 1024;

/** The bundled subset: the first 10,000 MNIST training images and the 10,000 official test images. */
export const BUNDLED_FILES = {
  trainImages: 'train-images-idx3-ubyte.first10k.gz',
  trainLabels: 'train-labels-idx1-ubyte.first10k.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** Training images in the bundled subset (its images file is the first 10,000 of MNIST's training set). */
export const BUNDLED_TRAIN_COUNT = 10000;

export const BUNDLED_SHA256: Record<string, string> = {
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
  'train-images-idx3-ubyte.first10k.gz': '3899135457425e9c725f81cdafcd1595568a9e5a96390b9561a1d9497ce55695',
  'train-labels-idx1-ubyte.first10k.gz': '27e263a343c04cc6616d4a8890c5dc0352e6088e3805941d04898e5f8fbd6519',
};

/** Pairs an images file with its labels file into one split, checking that they agree. */
export function loadSplit(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  imagesName: string,
  labelsName: string,
  inflater: Inflater,
): LabeledImages {
  const images = parseIdx(imagesBytes, imagesName, inflater);
  const labels = parseIdx(labelsBytes, labelsName, inflater);
  if (images.dims.length !== 3)
    throw new IdxError(
      imagesName,
      `expected images (3 dimensions: count×rows×cols), found ${images.dims.length} dimension(s)`,
    );
  if (labels.dims.length !== 1)
    throw new IdxError(labelsName, `expected labels (1 dimension), found ${labels.dims.length} dimensions`);
  const [count, rows, cols] = images.dims;
  if (count === 0)
    throw new IdxError(imagesName, 'holds no images (its header says 0): there is nothing to train or test on');
  if (rows * cols === 0) throw new IdxError(imagesName, `its images have ${rows}×${cols} = 0 pixels`);
  if (labels.dims[0] !== count) {
    throw new IdxError(
      labelsName,
      `has ${labels.dims[0]} labels but ${imagesName} has ${count} images: the two files do not belong together`,
    );
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] > 9)
      throw new IdxError(labelsName, `label ${labels.data[i]} at position ${i} is not a digit class 0–9`);
  }
  return { count, size: rows * cols, images: images.data, labels: labels.data };
}
