import type { NetShape } from '../core/twoLayerNet';
import { FunctionBuilder, assembleModule } from './wasmAssembler';

/**
 * The fast engine's float32 WebAssembly SIMD kernels, generated for one network shape.
 * Each kernel names the plain formula it computes; test/unit/fastEngine.test.ts compares every
 * one with the float64 TwoLayerNet. Vectors hold 4 floats, so the hidden layer is padded to a multiple
 * of 4 (the padding stays 0 in W1, b1, W2 and z1). Its vectors come in two parts, each starting on its
 * own 64-byte cache line (KernelLayout.slot), so that two threads can each compute one part
 * (src/engine/pairedNet.ts) without ever writing the same cache line.
 *
 * Memory (one WebAssembly.Memory per engine, byte addresses; Hp = the hidden row's floats with the gaps):
 *   W1   inputSize × Hp      b1  Hp       W2T  outputSize × Hp (W2 transposed)   b2  Cp
 *   then whatever the engine allocates: batches, scratch rows, the sparse images and their labels.
 * A sparse image is a list of (address of W1's row for the pixel: i32, pixel value: f32) pairs,
 * and a set's row table holds, per image, the address of its first pair (plus one past the end).
 */

export interface KernelLayout {
  /**
   * Floats from one hidden row to the next (W1, b1, W2ᵀ, z1, dz1): the hidden vectors in their slots,
   * rounded up to 16 floats (a 64-byte cache line).
   */
  hp: number;
  /** Output size rounded up to a multiple of 4. */
  cp: number;
  outputSize: number;
  /**
   * The hidden layer's vectors in two parts (one when it has a single vector): [first, count] of each.
   * A second core can compute one part while this one computes the other (src/engine/pairedNet.ts).
   */
  parts: [number, number][];
  /** slot[v]: where hidden vector v sits in a row, in vectors; each part starts on its own cache line. */
  slot: number[];
  W1: number;
  b1: number;
  W2T: number;
  b2: number;
  /** First free byte after the parameters. */
  end: number;
}

/** Rows per evaluation chunk: z1 for a chunk (~250 KB at hidden 50) stays in the L2 cache. */
export const EVAL_CHUNK = 1000;

/** The signature of `hidden` and of each part's `hidden0`, `hidden1`. */
type HiddenKernel = (rowTable: number, batch: number, n: number, z1: number) => void;
/** The signature of `backward` and of each part's `backward0`, `backward1`. */
export type BackwardKernel = (
  rowTable: number,
  batch: number,
  n: number,
  z1: number,
  dy: number,
  dz1: number,
  lr: number,
) => void;

export interface Kernels {
  /**
   * z1 = sigmoid(x·W1 + b1) for the n rows batch[0..n) of a sparse set; `hidden0`/`hidden1` compute
   * only the hidden units of layout part 0/1 (together the same numbers as `hidden`).
   */
  hidden: HiddenKernel;
  /** a2 = z1·W2 + b2 for n rows, summed part by part (see outputKernel). */
  output(z1: number, n: number, a2: number): void;
  /** a2 = (s0 + s1) + b2 for n rows of two stored shares, the same floats as `output`. */
  combine(s0: number, s1: number, n: number, a2: number): void;
  /** y = softmax(a2) for n rows, in place: exp(a2 − row max) / Σ exp(a2 − row max). */
  softmax(a2: number, n: number): void;
  /**
   * Given dy = (y − t)/N in a2's place: dz1 = z1(1 − z1)·(dy·W2ᵀ), then the SGD update
   * W2 −= lr·z1ᵀ·dy, b2 −= lr·Σdy, b1 −= lr·Σdz1, W1 −= lr·xᵀ·dz1. `backward0`/`backward1` do it
   * for the hidden units of part 0/1 only (b2 with part 0): together the same numbers as `backward`.
   */
  backward: BackwardKernel;
  [part: `hidden${number}`]: HiddenKernel;
  /** Part k's share of a2 (without b2), stored for `combine`. */
  [part: `outputPart${number}`]: (z1: number, n: number, share: number) => void;
  [part: `backward${number}`]: BackwardKernel;
}

/**
 * Vectors of a row a kernel keeps in registers at once: 7 sums + 7 loaded weights + the pixel
 * value, and V8's scratch register, fill x86-64's 16 SIMD registers (measured: 7 runs twice as
 * fast as 12 at hidden 100, where larger tiles spill to the stack).
 */
const TILE = 7;

export function kernelLayout(shape: NetShape): KernelLayout {
  const hv = Math.ceil(shape.hiddenSize / 4);
  const half = Math.ceil(hv / 2);
  const parts: [number, number][] =
    hv > 1
      ? [
          [0, half],
          [half, hv - half],
        ]
      : [[0, hv]];
  const slot: number[] = [];
  let next = 0;
  for (const [first, count] of parts) {
    for (let v = first; v < first + count; v++) slot.push(next++);
    next = Math.ceil(next / 4) * 4; // the next part on a new cache line: two cores never write one line
  }
  const hp = next * 4;
  const cp = Math.ceil(shape.outputSize / 4) * 4;
  const W1 = 0;
  const b1 = W1 + shape.inputSize * hp * 4;
  const W2T = b1 + hp * 4;
  const b2 = W2T + shape.outputSize * hp * 4;
  return { hp, cp, outputSize: shape.outputSize, parts, slot, W1, b1, W2T, b2, end: b2 + cp * 4 };
}

/** The float offset of hidden unit j in a row. */
export function hiddenColumn(L: KernelLayout, j: number): number {
  return L.slot[j >> 2] * 4 + (j & 3);
}

/** [first, count] vector ranges of at most TILE vectors covering `vectors`. */
function tiles(vectors: number): [number, number][] {
  const out: [number, number][] = [];
  const n = Math.ceil(vectors / TILE);
  for (let t = 0, first = 0; t < n; t++) {
    const count = Math.ceil((vectors - first) / (n - t));
    out.push([first, count]);
    first += count;
  }
  return out;
}

/** Pushes address = base + index·scale. */
function address(f: FunctionBuilder, base: string, index: string, scale: number): FunctionBuilder {
  return f.get(base).get(index).i32(scale).op('i32.mul', 'i32.add');
}

/**
 * exp(x) for 4 floats, Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, exp(x) = 2ⁿ·p(r) (about 1 ulp).
 * Adding 2²³ + 127 to x·log₂e rounds it to the integer n and leaves n + 127 in the low mantissa
 * bits; shifting those bits left by 23 makes them the exponent of 2ⁿ. x is a v128 local it overwrites.
 */
function pushExp(f: FunctionBuilder, x: string): void {
  const biased = f.local('exp_biased', 'v128');
  const n = f.local('exp_n', 'v128');
  const MAGIC = 8388608 + 127;
  f.get(x).f32x4(-87).op('f32x4.pmax').f32x4(87).op('f32x4.pmin').set(x);
  f.get(x)
    .f32x4(Math.LOG2E)
    .op('f32x4.mul')
    .f32x4(MAGIC)
    .op('f32x4.add')
    .tee(biased)
    .f32x4(MAGIC)
    .op('f32x4.sub')
    .set(n);
  f.get(x)
    .get(n)
    .f32x4(0.693359375)
    .op('f32x4.mul', 'f32x4.sub')
    .get(n)
    .f32x4(-2.1219444e-4)
    .op('f32x4.mul', 'f32x4.sub')
    .set(x);
  f.f32x4(1.98756915e-4);
  for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
    f.get(x).op('f32x4.mul').f32x4(c).op('f32x4.add');
  }
  f.get(x).get(x).op('f32x4.mul', 'f32x4.mul').get(x).op('f32x4.add').f32x4(1).op('f32x4.add');
  f.get(biased).i32(23).op('i32x4.shl', 'f32x4.mul');
}

/** sigmoid(a) = 1 / (1 + exp(−a)) for 4 floats; a is a v128 local it overwrites. */
function pushSigmoid(f: FunctionBuilder, a: string): void {
  f.f32x4(1);
  f.get(a).f32x4(-1).op('f32x4.mul').set(a);
  pushExp(f, a);
  f.f32x4(1).op('f32x4.add', 'f32x4.div');
}

/** Sets `row` = batch[i] and `p0`/`pEnd` to the addresses of that image's first and past-the-end pairs. */
function loadRow(f: FunctionBuilder, rowTable: string, batch: string, i: string): void {
  f.local('row', 'i32');
  f.local('p0', 'i32');
  f.local('pEnd', 'i32');
  address(f, batch, i, 4).mem('i32.load').set('row');
  address(f, rowTable, 'row', 4).mem('i32.load').set('p0');
  address(f, rowTable, 'row', 4).mem('i32.load', 4).set('pEnd');
}

/** Byte offset of hidden vector v in a row. */
function at(L: KernelLayout, v: number): number {
  return 16 * L.slot[v];
}

/** The [first, count] tiles of the given parts' vectors. */
function partTiles(parts: [number, number][]): [number, number][] {
  return parts.flatMap(([first, count]) => tiles(count).map(([f, c]): [number, number] => [first + f, c]));
}

/**
 * Rows a kernel reads ahead: a random mini-batch's images are scattered over the set's sparse copy, so
 * each row's pairs would come from main memory one cache miss after another; reading one word of every
 * cache line of the row `AHEAD` rows on (independent loads the processor overlaps with the sums) has
 * them in the cache when their turn comes (measured on two cores: the first x·W1 of a step 68 → 50 µs).
 */
const AHEAD = 16;

/** Reads (and drops) one word of each cache line of image batch[k]'s pairs. */
function touchRow(f: FunctionBuilder, rowTable: string, batch: string, k: string): void {
  f.local('tRow', 'i32');
  f.local('tEnd', 'i32');
  address(f, batch, k, 4).mem('i32.load').set('tRow');
  address(f, rowTable, 'tRow', 4).mem('i32.load', 4).set('tEnd');
  address(f, rowTable, 'tRow', 4).mem('i32.load').set('tPos');
  f.for('t', 'tPos', 'tEnd', 64, () => f.get('t').mem('i32.load').op('drop'));
}

/** Before the row loop: rows 0 .. AHEAD − 1 read ahead (all their lines at once). */
function touchFirstRows(f: FunctionBuilder, rowTable: string, batch: string, n: string): void {
  f.local('tPos', 'i32');
  f.local('k', 'i32');
  f.local('kEnd', 'i32');
  f.get(n).i32(AHEAD).get(n).i32(AHEAD).op('i32.lt_s', 'select').set('kEnd');
  f.for('k', 0, 'kEnd', 1, () => touchRow(f, rowTable, batch, 'k'));
}

/** At row i: row i + AHEAD read ahead, when there is one. */
function touchAhead(f: FunctionBuilder, rowTable: string, batch: string, i: string, n: string): void {
  f.local('k', 'i32');
  f.get(i).i32(AHEAD).op('i32.add').set('k');
  f.get('k')
    .get(n)
    .op('i32.lt_s')
    .if(() => touchRow(f, rowTable, batch, 'k'));
}

function hiddenKernel(shape: NetShape, L: KernelLayout, name: string, parts: [number, number][]): FunctionBuilder {
  const f = new FunctionBuilder(name, [
    ['rowTable', 'i32'],
    ['batch', 'i32'],
    ['n', 'i32'],
    ['z1', 'i32'],
  ]);
  const last = Math.ceil(shape.hiddenSize / 4) - 1;
  const lanes = shape.hiddenSize % 4;
  f.local('zRow', 'i32');
  f.local('x', 'v128');
  f.local('w', 'i32');
  touchFirstRows(f, 'rowTable', 'batch', 'n');
  f.for('i', 0, 'n', 1, () => {
    touchAhead(f, 'rowTable', 'batch', 'i', 'n');
    loadRow(f, 'rowTable', 'batch', 'i');
    address(f, 'z1', 'i', L.hp * 4).set('zRow');
    for (const [first, count] of partTiles(parts)) {
      const acc = (v: number) => f.local(`acc${v - first}`, 'v128');
      // a1 = b1 + Σ_k x_k·W1[k]  over the non-zero pixels k of the row
      for (let v = first; v < first + count; v++)
        f.i32(0)
          .mem('v128.load', L.b1 + at(L, v))
          .set(acc(v));
      f.for('p', 'p0', 'pEnd', 8, () => {
        f.get('p').mem('v128.load32_splat', 4).set('x');
        f.get('p').mem('i32.load').set('w');
        for (let v = first; v < first + count; v++) {
          f.get(acc(v)).get('x').get('w').mem('v128.load', at(L, v)).op('f32x4.mul', 'f32x4.add').set(acc(v));
        }
      });
      // z1 = sigmoid(a1), the padding kept at 0
      for (let v = first; v < first + count; v++) {
        f.get('zRow');
        pushSigmoid(f, acc(v));
        if (lanes !== 0 && v === last) f.i32x4(laneMask(lanes)).op('v128.and');
        f.mem('v128.store', at(L, v));
      }
    }
  });
  return f;
}

/** Horizontal sum of the v128 on the stack, kept in local `tmp`. */
function pushLaneSum(f: FunctionBuilder, tmp: string): void {
  f.set(tmp);
  f.get(tmp).lane('f32x4.extract_lane', 0).get(tmp).lane('f32x4.extract_lane', 1).op('f32.add');
  f.get(tmp).lane('f32x4.extract_lane', 2).op('f32.add').get(tmp).lane('f32x4.extract_lane', 3).op('f32.add');
}

/**
 * Pushes Σ_j z1[j]·W2[j][c] over the hidden vectors `vectors` of the row at local `zRow` (one f32), as up
 * to 4 independent partial sums of vectors added at the end.
 */
function pushPartSum(f: FunctionBuilder, L: KernelLayout, c: number, vectors: number[]): void {
  const chains = Math.min(4, vectors.length);
  vectors.forEach((v, k) => {
    const part = f.local(`part${k % chains}`, 'v128');
    if (k >= chains) f.get(part);
    f.get('zRow')
      .mem('v128.load', at(L, v))
      .i32(0)
      .mem('v128.load', L.W2T + c * L.hp * 4 + at(L, v))
      .op('f32x4.mul');
    if (k >= chains) f.op('f32x4.add');
    f.set(part);
  });
  f.get('part0');
  for (let k = 1; k < chains; k++) f.get(`part${k}`).op('f32x4.add');
  pushLaneSum(f, 'sum');
}

/** The hidden vectors of one layout part, in order. */
function partVectors([first, count]: [number, number]): number[] {
  return Array.from({ length: count }, (_, k) => first + k);
}

/**
 * `output`: a2[c] = (s₀ + s₁) + b2[c] for n rows, where s_k = Σ_j z1[j]·W2[j][c] over part k's hidden
 * units (just s₀ + b2[c] with a single part). `outputPart{k}` stores s_k alone (a thread's share), and `combine`
 * adds two stored shares and b2 in that same order: split or not, every a2 is the very same float.
 */
function outputKernel(shape: NetShape, L: KernelLayout, name: string, parts: number[]): FunctionBuilder {
  const f = new FunctionBuilder(name, [
    ['z1', 'i32'],
    ['n', 'i32'],
    ['a2', 'i32'],
  ]);
  const whole = parts.length === L.parts.length;
  f.local('zRow', 'i32');
  f.local('aRow', 'i32');
  f.local('sum', 'v128');
  f.for('i', 0, 'n', 1, () => {
    address(f, 'z1', 'i', L.hp * 4).set('zRow');
    address(f, 'a2', 'i', L.cp * 4).set('aRow');
    for (let c = 0; c < shape.outputSize; c++) {
      f.get('aRow');
      parts.forEach((k, index) => {
        pushPartSum(f, L, c, partVectors(L.parts[k]));
        if (index > 0) f.op('f32.add');
      });
      if (whole) {
        f.i32(0)
          .mem('f32.load', L.b2 + 4 * c)
          .op('f32.add');
      }
      f.mem('f32.store', 4 * c);
    }
  });
  return f;
}

/** a2 = (s₀ + s₁) + b2 for n rows, from two threads' stored shares (see outputKernel). */
function combineKernel(L: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder('combine', [
    ['s0', 'i32'],
    ['s1', 'i32'],
    ['n', 'i32'],
    ['a2', 'i32'],
  ]);
  f.local('o', 'i32');
  f.for('i', 0, 'n', 1, () => {
    f.get('i')
      .i32(L.cp * 4)
      .op('i32.mul')
      .set('o');
    for (let v = 0; v < L.cp / 4; v++) {
      f.get('a2').get('o').op('i32.add');
      f.get('s0')
        .get('o')
        .op('i32.add')
        .mem('v128.load', 16 * v);
      f.get('s1')
        .get('o')
        .op('i32.add')
        .mem('v128.load', 16 * v);
      f.op('f32x4.add');
      f.i32(0).mem('v128.load', L.b2 + 16 * v);
      f.op('f32x4.add');
      f.mem('v128.store', 16 * v);
    }
  });
  return f;
}

function softmaxKernel(shape: NetShape, L: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder('softmax', [
    ['a2', 'i32'],
    ['n', 'i32'],
  ]);
  const cv = L.cp / 4;
  const lanes = shape.outputSize % 4;
  f.local('row', 'i32');
  f.local('max', 'v128');
  f.local('total', 'v128');
  f.local('sum', 'v128');
  f.for('i', 0, 'n', 1, () => {
    address(f, 'a2', 'i', L.cp * 4).set('row');
    // the row's max, in every lane
    f.get('row').mem('f32.load');
    for (let c = 1; c < shape.outputSize; c++)
      f.get('row')
        .mem('f32.load', 4 * c)
        .op('f32.max');
    f.op('f32x4.splat').set('max');
    // e = exp(a2 − max), the padding set to 0; total = Σ e
    f.f32x4(0).set('total');
    for (let v = 0; v < cv; v++) {
      const e = f.local(`e${v}`, 'v128');
      f.get('row')
        .mem('v128.load', 16 * v)
        .get('max')
        .op('f32x4.sub')
        .set(e);
      pushExp(f, e);
      if (lanes !== 0 && v === cv - 1) f.i32x4(laneMask(lanes)).op('v128.and');
      f.tee(e).get('total').op('f32x4.add').set('total');
    }
    f.get('total');
    pushLaneSum(f, 'sum');
    f.op('f32x4.splat').set('total');
    for (let v = 0; v < cv; v++)
      f.get('row')
        .get(`e${v}`)
        .get('total')
        .op('f32x4.div')
        .mem('v128.store', 16 * v);
  });
  return f;
}

/** A v128 mask keeping the first `lanes` lanes. */
function laneMask(lanes: number): [number, number, number, number] {
  return [0, 1, 2, 3].map((l) => (l < lanes ? -1 : 0)) as [number, number, number, number];
}

export function buildKernelModule(shape: NetShape, shared = false): Uint8Array<ArrayBuffer> {
  const L = kernelLayout(shape);
  return assembleModule(
    [
      hiddenKernel(shape, L, 'hidden', L.parts),
      outputKernel(
        shape,
        L,
        'output',
        L.parts.map((_, k) => k),
      ),
      ...L.parts.map((_, k) => outputKernel(shape, L, `outputPart${k}`, [k])),
      combineKernel(L),
      softmaxKernel(shape, L),
      backwardKernel(shape, L, 'backward', L.parts, true),
      ...L.parts.map((part, k) => hiddenKernel(shape, L, `hidden${k}`, [part])),
      ...L.parts.map((part, k) => backwardKernel(shape, L, `backward${k}`, [part], k === 0)),
    ],
    shared ? { shared: true, maximumPages: MAX_SHARED_PAGES } : undefined,
  );
}

/** The largest shared memory (2 GiB: full MNIST's sparse sets take about 90 MB). */
export const MAX_SHARED_PAGES = 32768;

function backwardKernel(
  shape: NetShape,
  L: KernelLayout,
  name: string,
  parts: [number, number][],
  withB2: boolean,
): FunctionBuilder {
  const f = new FunctionBuilder(name, [
    ['rowTable', 'i32'],
    ['batch', 'i32'],
    ['n', 'i32'],
    ['z1', 'i32'],
    ['dy', 'i32'],
    ['dz1', 'i32'],
    ['lr', 'f32'],
  ]);
  const C = shape.outputSize;
  const hiddenTiles = partTiles(parts);
  const acc = (k: number) => f.local(`acc${k}`, 'v128');
  f.local('zRow', 'i32');
  f.local('dyRow', 'i32');
  f.local('dzRow', 'i32');
  f.local('s', 'v128');
  f.local('step', 'v128');
  f.local('w', 'i32');
  f.f32x4(0).get('lr').op('f32x4.splat', 'f32x4.sub').set('step'); // −lr in every lane

  // dz1 = z1(1 − z1)·(dy·W2ᵀ), row by row (before W2 changes; these hidden units' columns of W2 only)
  f.for('i', 0, 'n', 1, () => {
    address(f, 'z1', 'i', L.hp * 4).set('zRow');
    address(f, 'dy', 'i', L.cp * 4).set('dyRow');
    address(f, 'dz1', 'i', L.hp * 4).set('dzRow');
    for (const [first, count] of hiddenTiles) {
      for (let v = 0; v < count; v++) f.f32x4(0).set(acc(v));
      for (let c = 0; c < C; c++) {
        f.get('dyRow')
          .mem('v128.load32_splat', 4 * c)
          .set('s');
        for (let v = 0; v < count; v++) {
          f.get(acc(v))
            .get('s')
            .i32(0)
            .mem('v128.load', L.W2T + c * L.hp * 4 + at(L, first + v))
            .op('f32x4.mul', 'f32x4.add')
            .set(acc(v));
        }
      }
      for (let v = 0; v < count; v++) {
        const o = at(L, first + v);
        f.get('dzRow')
          .get('zRow')
          .mem('v128.load', o)
          .f32x4(1)
          .get('zRow')
          .mem('v128.load', o)
          .op('f32x4.sub', 'f32x4.mul');
        f.get(acc(v)).op('f32x4.mul').mem('v128.store', o);
      }
    }
  });

  // W2ᵀ[c] −= lr·Σ_i dy[i][c]·z1[i]   (dW2 = z1ᵀ·dy)
  for (let c = 0; c < C; c++) {
    for (const [first, count] of hiddenTiles) {
      for (let v = 0; v < count; v++) f.f32x4(0).set(acc(v));
      f.for('i', 0, 'n', 1, () => {
        address(f, 'dy', 'i', L.cp * 4)
          .mem('v128.load32_splat', 4 * c)
          .set('s');
        address(f, 'z1', 'i', L.hp * 4).set('zRow');
        for (let v = 0; v < count; v++) {
          f.get(acc(v))
            .get('s')
            .get('zRow')
            .mem('v128.load', at(L, first + v))
            .op('f32x4.mul', 'f32x4.add')
            .set(acc(v));
        }
      });
      for (let v = 0; v < count; v++) {
        const o = L.W2T + c * L.hp * 4 + at(L, first + v);
        f.i32(0).i32(0).mem('v128.load', o).get(acc(v)).get('step').op('f32x4.mul', 'f32x4.add').mem('v128.store', o);
      }
    }
  }

  // b −= lr·Σ_i d[i]  for b2 (d = dy; with part 0) and b1 (d = dz1)
  const outputTiles = tiles(L.cp / 4).map(([first, count]) => [first, count, (v: number) => 16 * v] as const);
  const biases = [
    ...(withB2 ? [[L.b2, 'dy', L.cp, outputTiles] as const] : []),
    [L.b1, 'dz1', L.hp, hiddenTiles.map(([first, count]) => [first, count, (v: number) => at(L, v)] as const)] as const,
  ];
  for (const [bias, rows, width, biasTiles] of biases) {
    for (const [first, count, offset] of biasTiles) {
      for (let v = 0; v < count; v++) f.f32x4(0).set(acc(v));
      f.for('i', 0, 'n', 1, () => {
        address(f, rows, 'i', width * 4).set('zRow');
        for (let v = 0; v < count; v++)
          f.get(acc(v))
            .get('zRow')
            .mem('v128.load', offset(first + v))
            .op('f32x4.add')
            .set(acc(v));
      });
      for (let v = 0; v < count; v++) {
        const o = bias + offset(first + v);
        f.i32(0).i32(0).mem('v128.load', o).get(acc(v)).get('step').op('f32x4.mul', 'f32x4.add').mem('v128.store', o);
      }
    }
  }

  // W1[k] −= lr·x_k·dz1[i] for every non-zero pixel k of every row i   (W1 −= lr·xᵀ·dz1)
  f.for('i', 0, 'n', 1, () => {
    loadRow(f, 'rowTable', 'batch', 'i');
    address(f, 'dz1', 'i', L.hp * 4).set('dzRow');
    for (const [first, count] of hiddenTiles) {
      for (let v = 0; v < count; v++)
        f.get('dzRow')
          .mem('v128.load', at(L, first + v))
          .get('step')
          .op('f32x4.mul')
          .set(acc(v));
      f.for('p', 'p0', 'pEnd', 8, () => {
        f.get('p').mem('v128.load32_splat', 4).set('s');
        f.get('p').mem('i32.load').set('w');
        for (let v = 0; v < count; v++) {
          const o = at(L, first + v);
          f.get('w')
            .get('w')
            .mem('v128.load', o)
            .get('s')
            .get(acc(v))
            .op('f32x4.mul', 'f32x4.add')
            .mem('v128.store', o);
        }
      });
    }
  });
  return f;
}

const modules = new Map<string, WebAssembly.Module>();

/**
 * Instantiates the kernels for `shape` on `memory` (a shared memory when `shared`: the module then
 * imports it as shared, so a second thread can run the same kernels on it); each shape is assembled
 * and compiled once (~20 ms).
 */
export function instantiateKernels(shape: NetShape, memory: WebAssembly.Memory, shared = false): Kernels {
  return new WebAssembly.Instance(kernelModule(shape, shared), { env: { memory } }).exports as unknown as Kernels;
}

export function kernelModule(shape: NetShape, shared: boolean): WebAssembly.Module {
  const key = `${shape.inputSize}-${shape.hiddenSize}-${shape.outputSize}-${shared}`;
  let module = modules.get(key);
  if (!module) {
    // Synchronous compilation: the module is a few tens of kilobytes.
    module = new WebAssembly.Module(buildKernelModule(shape, shared));
    modules.set(key, module);
  }
  return module;
}
