/**
 * MNIST from files (Node only): the bundled subset, verified against its SHA-256 sums, and any folder
 * of standard idx files. The parsing is src/data (idx.ts, mnist.ts), inflated with zlib.
 */
import { createHash } from 'crypto';
import { Dirent, readdirSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import type { Dataset } from '../core/dataset';
import { IdxError } from '../data/idx';
import { BUNDLED_FILES, BUNDLED_SHA256, IDX_FILE_MAX_BYTES, loadSplit } from '../data/mnist';
import { fileProblem, readRegularFile } from './files';
import { zlibInflater } from './inflate';

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

export function bundledDataDir(extensionRoot: string): string {
  return join(extensionRoot, 'media', 'mnist');
}

/** The bundled subset's name, as the CLI prints it (the training panel shows it in the display language). */
export const BUNDLED_DATASET_NAME = 'MNIST (bundled subset: 10k train, 10k test)';

/** The bundled MNIST subset, verified against its SHA-256 sums. */
export function loadBundled(dir: string): Dataset {
  const f = BUNDLED_FILES;
  const read = (name: string) => readChecked(join(dir, name), name, BUNDLED_SHA256[name]);
  return {
    name: BUNDLED_DATASET_NAME,
    classes: 10,
    train: loadSplit(read(f.trainImages), read(f.trainLabels), f.trainImages, f.trainLabels, zlibInflater),
    test: loadSplit(read(f.testImages), read(f.testLabels), f.testImages, f.testLabels, zlibInflater),
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
  if (!names.some((n) => PATTERNS.trainImages.test(n))) {
    // A project folder: the idx files may sit a few levels down (the book's dataset/, torchvision's MNIST/raw/).
    const below = idxFoldersBelow(abs);
    if (below.length === 1) return loadFolder(below[0]);
    if (below.length > 1)
      throw new IdxError(
        dir,
        `several folders below hold idx files: ${below
          .slice(0, 5)
          .map((f) => relative(abs, f))
          .join(', ')}${below.length > 5 ? ', …' : ''}; give one of them`,
      );
    const other = names.find((n) => /^mnist\.(pkl|npz)$/i.test(n));
    if (other)
      throw new IdxError(
        dir,
        `${other} is a Python ${other.endsWith('pkl') ? 'pickle (the book’s dataset/mnist.py writes it)' : 'archive (Keras)'}, which Gradient Lab does not read: it reads the four idx files the book’s mnist.py downloads beside it — train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz`,
      );
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
  const train = loadSplit(read(n.trainImages), read(n.trainLabels), n.trainImages, n.trainLabels, zlibInflater);
  const test = loadSplit(read(n.testImages), read(n.testLabels), n.testImages, n.testLabels, zlibInflater);
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

/** Folders looked at below a project folder for idx files (breadth first, at most this many). */
const SEARCH_FOLDERS = 400;
const SEARCH_DEPTH = 3;

/** Folders up to SEARCH_DEPTH levels below `root` holding all four idx files (hidden folders and packages skipped). */
function idxFoldersBelow(root: string): string[] {
  const found: string[] = [];
  let level = [root];
  let seen = 0;
  for (let depth = 1; depth <= SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries: Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || /^(\.|node_modules$|__pycache__$|site-packages$|venv$)/.test(e.name)) continue;
        if (++seen > SEARCH_FOLDERS) return found;
        const sub = join(folder, e.name);
        next.push(sub);
        let names: string[] = [];
        try {
          names = readdirSync(sub);
        } catch {
          continue;
        }
        if (Object.values(PATTERNS).every((p) => names.some((n) => p.test(n)))) found.push(sub);
      }
    }
    if (found.length > 0) return found.sort();
    level = next;
  }
  return found;
}

/** The Debian package dataset-fashion-mnist installs here. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
