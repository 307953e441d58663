import { createHash } from 'crypto';
import { readdirSync, statSync } from 'fs';
import { join, resolve } from 'path';
import { Dataset, LabeledImages } from '../core/dataset';
import { IdxError, parseIdx } from './idx';
import { fileProblem, readRegularFile } from './files';

/** The largest idx file read (raw or gzip). */
export const IDX_FILE_MAX_BYTES = 1024 * 1024 * 1024;

/** The bundled subset: the first 10,000 MNIST training images and the 10,000 official test images. */
export const BUNDLED_FILES = {
  trainImages: 'train-images-idx3-ubyte.first10k.gz',
  trainLabels: 'train-labels-idx1-ubyte.first10k.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

export const BUNDLED_SHA256: Record<string, string> = {
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
  'train-images-idx3-ubyte.first10k.gz': '3899135457425e9c725f81cdafcd1595568a9e5a96390b9561a1d9497ce55695',
  'train-labels-idx1-ubyte.first10k.gz': '27e263a343c04cc6616d4a8890c5dc0352e6088e3805941d04898e5f8fbd6519',
};

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readChecked(path: string, name: string, expectedSha?: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(path, IDX_FILE_MAX_BYTES);
  } catch (e) {
    throw new IdxError(path, `${fileProblem(e)}; give a folder of idx files`);
  }
  if (expectedSha) {
    const got = sha256(bytes);
    if (got !== expectedSha) {
      throw new IdxError(
        name,
        `checksum mismatch (SHA-256 ${got.slice(0, 12)}…, expected ${expectedSha.slice(0, 12)}…): the bundled file is damaged; reinstall the extension`,
      );
    }
  }
  return bytes;
}

/** Pairs an images file with its labels file into one split, checking that they agree. */
export function loadSplit(
  imagesBytes: Uint8Array,
  labelsBytes: Uint8Array,
  imagesName: string,
  labelsName: string,
): LabeledImages {
  const images = parseIdx(imagesBytes, imagesName);
  const labels = parseIdx(labelsBytes, labelsName);
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

export function bundledDataDir(extensionRoot: string): string {
  return join(extensionRoot, 'media', 'mnist');
}

/** The bundled MNIST subset, verified against its SHA-256 sums. */
export function loadBundled(dir: string): Dataset {
  const f = BUNDLED_FILES;
  const read = (name: string) => readChecked(join(dir, name), name, BUNDLED_SHA256[name]);
  return {
    name: 'MNIST (bundled subset: 10k train, 10k test)',
    classes: 10,
    train: loadSplit(read(f.trainImages), read(f.trainLabels), f.trainImages, f.trainLabels),
    test: loadSplit(read(f.testImages), read(f.testLabels), f.testImages, f.testLabels),
  };
}

const PATTERNS = {
  trainImages: /^train-images[-.]idx3-ubyte/,
  trainLabels: /^train-labels[-.]idx1-ubyte/,
  testImages: /^t10k-images[-.]idx3-ubyte/,
  testLabels: /^t10k-labels[-.]idx1-ubyte/,
};

/** Any folder of standard idx files: full MNIST as the book downloads it, or Fashion-MNIST. */
export function loadFolder(dir: string): Dataset {
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new IdxError(dir, fileProblem(e));
  }
  if (!isDir) {
    throw new IdxError(
      dir,
      'no such folder; give a folder holding train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz)',
    );
  }
  let names: string[];
  try {
    names = readdirSync(abs).sort();
  } catch (e) {
    throw new IdxError(dir, fileProblem(e));
  }
  const find = (key: keyof typeof PATTERNS) => {
    const name = names.find((n) => PATTERNS[key].test(n));
    if (!name)
      throw new IdxError(
        dir,
        `no ${key.replace(/([A-Z])/g, ' $1').toLowerCase()} file (expected a name like ${PATTERNS[key].source.replace(/[\^\\[\]]/g, '').replace('-.', '-')}…)`,
      );
    return name;
  };
  const n = {
    trainImages: find('trainImages'),
    trainLabels: find('trainLabels'),
    testImages: find('testImages'),
    testLabels: find('testLabels'),
  };
  const read = (name: string) => readChecked(join(abs, name), name);
  const train = loadSplit(read(n.trainImages), read(n.trainLabels), n.trainImages, n.trainLabels);
  const test = loadSplit(read(n.testImages), read(n.testLabels), n.testImages, n.testLabels);
  if (train.size !== test.size)
    throw new IdxError(dir, `train images have ${train.size} pixels but test images ${test.size}`);
  const fashion = /fashion/i.test(abs);
  return {
    name: `${fashion ? 'Fashion-MNIST' : 'idx folder'} (${abs}: ${train.count} train, ${test.count} test)`,
    classes: 10,
    train,
    test,
  };
}

/** The Debian package dataset-fashion-mnist installs here. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
