import { LabeledImages, toBatch } from '../core/dataset';
import { DELTA, crossEntropyErrorLabels } from '../core/functions';
import { fastNumericalGradient } from './fastNumericalGradient';
import { Matrix, zeros } from '../core/matrix';
import {
  EVAL_CHUNK,
  KernelLayout,
  Kernels,
  MAX_SHARED_PAGES,
  hiddenColumn,
  instantiateKernels,
  kernelLayout,
  kernelModule,
} from './kernels';
import { CONTROL_BYTES, EngineSide, LossRows, PAIR_OPS, PairChannel, lossHalf } from './pairedNet';
import { Random } from '../core/random';
import { sparseImages } from './sparseImages';
import {
  GradientMethod,
  NetShape,
  PARAM_NAMES,
  TrainableNetwork,
  TwoLayerNet,
  TwoLayerParams,
  initParams,
  paramData,
  sgdStep,
} from '../core/twoLayerNet';

const PAGE = 65536;
/** The learning rate of gradientOn's probing step (see there). */
const GRADIENT_PROBE_RATE = 1024;

interface Scratch {
  rows: number;
  batch: number;
  z1: number;
  a2: number;
  dz1: number;
  /** Each thread's share of a2 (see outputKernel). */
  share0: number;
  share1: number;
}

/** A set in the engine's memory: its row table (see kernels.ts) and its labels, a byte each. */
interface SetInMemory {
  rowTable: number;
  labels: number;
}

/** What a second thread needs to run this engine's kernels on its memory (src/node/pairThread.ts). */
export interface PairInvitation {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  shape: NetShape;
  control: number;
}

/**
 * TwoLayerNet in float32 with WebAssembly SIMD kernels (src/engine/kernels.ts): the same network,
 * the same SGD, about as accurate as the float64 reference, many times faster. It skips the
 * zero pixels of every image (a sparse copy of each set is made once), updates the weights in
 * place without building dW1, and allocates nothing per iteration. Made with `shared`, its memory
 * can be shared with a second thread that then computes half of every step and evaluation
 * (src/engine/pairedNet.ts), with exactly the same numbers.
 */
export class FastTwoLayerNet implements TrainableNetwork {
  readonly shape: NetShape;
  /** δ in log(y + δ), as in TwoLayerNet. */
  delta = DELTA;
  /** Training steps split with the second thread so far (see pairWith). */
  pairedSteps = 0;
  private readonly layout: KernelLayout;
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: Kernels;
  private readonly side: EngineSide;
  private readonly shared: boolean;
  private heapEnd: number;
  private readonly sets = new WeakMap<LabeledImages, SetInMemory>();
  private scratch: Scratch | undefined;
  /** The second thread's scratch for its half of an evaluation. */
  private pairScratch: Scratch | undefined;
  private pair: PairChannel | undefined;
  private pairIdle: Int32Array | undefined;
  private channel: PairChannel | undefined;
  private control = 0;
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);
  private readonly rows: LossRows = { a2: 0, batch: 0, labels: 0, r0: 0, r1: 0, N: 0, writeDy: false, delta: 0 };

  constructor(
    shape: NetShape,
    weightInitStd = 0.01,
    rng = new Random(42),
    params?: TwoLayerParams,
    options: { shared?: boolean } = {},
  ) {
    this.shape = shape;
    this.layout = kernelLayout(shape);
    this.shared = options.shared === true;
    const initial = Math.ceil(this.layout.end / PAGE) + 1;
    this.memory = new WebAssembly.Memory(
      this.shared ? { initial, maximum: MAX_SHARED_PAGES, shared: true } : { initial },
    );
    this.kernels = instantiateKernels(shape, this.memory, this.shared);
    this.side = new EngineSide(this.kernels, this.layout, this.memory);
    this.heapEnd = align(this.layout.end);
    this.importParams(params ?? initParams(shape, weightInitStd, rng));
  }

  /**
   * What a second thread needs to share the work (undefined when this engine's memory is not shared or
   * its hidden layer is a single vector): give it to src/node/pairThread.ts, then call `pairWith`.
   */
  pairInvitation(): PairInvitation | undefined {
    if (!this.shared || this.layout.parts.length < 2) return undefined;
    if (this.control === 0) this.control = this.allocate(CONTROL_BYTES);
    return {
      module: kernelModule(this.shape, true),
      memory: this.memory,
      shape: this.shape,
      control: this.control,
    };
  }

  /**
   * From now on every step and evaluation is shared with the thread serving the invitation; undefined: alone
   * again. With `idleWhile`, only while `idleWhile[0]` is 0 or less: the second core also runs other work (the
   * evaluation worker counts its evaluations under way there), and a step taken alone then leaves it that core.
   * Both ways give the same numbers, so a run may switch at any step.
   */
  pairWith(channel: PairChannel | undefined, idleWhile?: Int32Array): void {
    this.pair = channel;
    this.pairIdle = channel ? idleWhile : undefined;
  }

  /** The channel when this step or evaluation is to be shared, else undefined. */
  private pairNow(): PairChannel | undefined {
    const idle = this.pairIdle;
    return idle && Atomics.load(idle, 0) > 0 ? undefined : this.pair;
  }

  /** The channel to the thread serving `pairInvitation()` (the thread's side calls servePair); one per engine. */
  pairChannel(): PairChannel {
    if (this.control === 0) throw new Error('no pair invitation was made');
    this.channel ??= new PairChannel(this.memory, this.control);
    return this.channel;
  }

  /** 2 when a second thread shares the work, else 1. */
  threads(): number {
    return this.pair ? 2 : 1;
  }

  trainStep(set: LabeledImages, indices: Int32Array, learningRate: number, method: GradientMethod): number {
    const { rowTable, labels } = this.inMemory(set);
    const s = this.scratchFor(indices.length);
    const n = indices.length;
    this.i32View().set(indices, s.batch / 4);
    const half = lossHalf(n);
    const pair = this.pairNow();
    if (method === 'numerical') {
      const { x, t } = toBatch(set, indices, this.shape.outputSize);
      const reference = new TwoLayerNet(this.shape, 0, undefined, this.exportParams());
      reference.delta = this.delta;
      sgdStep(reference.params, fastNumericalGradient(reference, x, t), learningRate);
      this.importParams(reference.params);
    } else if (pair) {
      this.pairedSteps++;
      // Each thread: its part's hidden units and share of a2; then each its rows of the loss and dy; then its
      // part's backward pass, update, and hidden units and share again on the updated weights.
      pair.post(PAIR_OPS.hiddenOutput, [1, rowTable, s.batch, n, s.z1, s.share1]);
      this.side.hiddenOutput(0, rowTable, s.batch, n, s.z1, s.share0);
      pair.wait();
      this.pairedLoss(pair, s, labels, half, n, true);
      pair.post(PAIR_OPS.backwardHiddenOutput, [1, rowTable, s.batch, n, s.z1, s.a2, s.dz1, s.share1], [learningRate]);
      this.side.backwardHiddenOutput(0, s.share0, rowTable, s.batch, n, s.z1, s.a2, s.dz1, learningRate);
      pair.wait();
      return this.pairedLoss(pair, s, labels, half, n, false) / n;
    } else {
      this.side.hidden(-1, rowTable, s.batch, n, s.z1);
      this.aloneLoss(s, labels, half, n, true);
      this.side.backward(-1, rowTable, s.batch, n, s.z1, s.a2, s.dz1, learningRate);
    }
    // The book records the loss on the updated weights.
    this.side.hidden(-1, rowTable, s.batch, n, s.z1);
    return this.aloneLoss(s, labels, half, n, false) / n;
  }

  /** Σ −log(y + δ) over the batch on one thread (and dy when asked), in the two halves the two threads use. */
  private aloneLoss(s: Scratch, labels: number, half: number, n: number, writeDy: boolean): number {
    const rows = this.lossRows(s, labels, 0, half, n, writeDy);
    const first = this.side.outputLoss(s.z1, rows);
    rows.r0 = half;
    rows.r1 = n;
    return first + this.side.outputLoss(s.z1, rows);
  }

  /** The one LossRows object the steps reuse, set to these rows (a step allocates nothing). */
  private lossRows(s: Scratch, labels: number, r0: number, r1: number, n: number, writeDy: boolean): LossRows {
    const rows = this.rows;
    rows.a2 = s.a2;
    rows.batch = s.batch;
    rows.labels = labels;
    rows.r0 = r0;
    rows.r1 = r1;
    rows.N = n;
    rows.writeDy = writeDy;
    rows.delta = this.delta;
    return rows;
  }

  /** The same on two threads, from the two shares of a2: rows [0, half) here, [half, n) on the second thread. */
  private pairedLoss(pair: PairChannel, s: Scratch, labels: number, half: number, n: number, writeDy: boolean): number {
    pair.post(
      PAIR_OPS.combineLoss,
      [s.share0, s.share1, s.a2, s.batch, labels, half, n, n, writeDy ? 1 : 0],
      [this.delta],
    );
    return this.side.combineLoss(s.share0, s.share1, this.lossRows(s, labels, 0, half, n, writeDy)) + pair.wait();
  }

  accuracyOn(set: LabeledImages): number {
    const { rowTable, labels } = this.inMemory(set);
    const s = this.scratchFor(EVAL_CHUNK);
    const pair = this.pairNow();
    if (!pair) return this.side.countCorrect(rowTable, labels, 0, set.count, s.batch, s.z1, s.a2) / set.count;
    const half = set.count >> 1;
    const t = this.pairScratchFor();
    pair.post(PAIR_OPS.countCorrect, [rowTable, labels, half, set.count, t.batch, t.z1, t.a2]);
    const correct = this.side.countCorrect(rowTable, labels, 0, half, s.batch, s.z1, s.a2);
    return (correct + pair.wait()) / set.count;
  }

  /** z1, a2 and y = softmax(a2) for the rows `indices` of `set`, as float64 matrices (for checks and predictions). */
  forwardRows(set: LabeledImages, indices: ArrayLike<number>): { z1: Matrix; a2: Matrix; y: Matrix } {
    const n = indices.length;
    const { hiddenSize: H, outputSize: C } = this.shape;
    const rowTable = this.rowTable(set);
    const s = this.scratchFor(n);
    this.i32View().set(indices, s.batch / 4);
    this.kernels.hidden(rowTable, s.batch, n, s.z1);
    this.kernels.output(s.z1, n, s.a2);
    const copy = (at: number, width: number, cols: number, column: (c: number) => number): Matrix => {
      const m = zeros(n, cols);
      const f = this.f32View();
      for (let r = 0; r < n; r++)
        for (let c = 0; c < cols; c++) m.data[r * cols + c] = f[at / 4 + r * width + column(c)];
      return m;
    };
    const same = (c: number) => c;
    const z1 = copy(s.z1, this.layout.hp, H, (j) => hiddenColumn(this.layout, j));
    const a2 = copy(s.a2, this.layout.cp, C, same);
    this.kernels.softmax(s.a2, n);
    return { z1, a2, y: copy(s.a2, this.layout.cp, C, same) };
  }

  /**
   * Backprop's gradient at the current weights: one SGD step with learning rate 1024 (a power of
   * two, so the scaling is exact in float32), read back as (before − after) / 1024, then the weights
   * restored. The large rate keeps float32 rounding of the step far below the gradient (≈1e-7 of it).
   */
  gradientOn(set: LabeledImages, indices: Int32Array): TwoLayerParams {
    const before = this.exportParams();
    this.trainStep(set, indices, GRADIENT_PROBE_RATE, 'backprop');
    const after = this.exportParams();
    this.importParams(before);
    for (const name of PARAM_NAMES) {
      const a = paramData(after, name);
      const b = paramData(before, name);
      for (let i = 0; i < a.length; i++) a[i] = (b[i] - a[i]) / GRADIENT_PROBE_RATE;
    }
    return after;
  }

  lossOn(set: LabeledImages, indices: Int32Array): number {
    const { y } = this.forwardRows(set, indices);
    return crossEntropyErrorLabels(
      y,
      Array.from(indices, (i) => set.labels[i]),
    );
  }

  exportParams(): TwoLayerParams {
    const { inputSize: K, hiddenSize: H, outputSize: C } = this.shape;
    const { hp, W1, b1, W2T, b2 } = this.layout;
    const col = this.columns();
    const f = this.f32View();
    const p: TwoLayerParams = { W1: zeros(K, H), b1: new Float64Array(H), W2: zeros(H, C), b2: new Float64Array(C) };
    for (let k = 0; k < K; k++) for (let j = 0; j < H; j++) p.W1.data[k * H + j] = f[W1 / 4 + k * hp + col[j]];
    for (let j = 0; j < H; j++) p.b1[j] = f[b1 / 4 + col[j]];
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) p.W2.data[j * C + c] = f[W2T / 4 + c * hp + col[j]];
    for (let c = 0; c < C; c++) p.b2[c] = f[b2 / 4 + c];
    return p;
  }

  /** Copies float64 parameters in (rounded to float32, W2 transposed, padding 0). */
  importParams(p: TwoLayerParams): void {
    const { inputSize: K, hiddenSize: H, outputSize: C } = this.shape;
    const { hp, W1, b1, W2T, b2 } = this.layout;
    const col = this.columns();
    const f = this.f32View();
    f.fill(0, 0, this.layout.end / 4);
    for (let k = 0; k < K; k++) for (let j = 0; j < H; j++) f[W1 / 4 + k * hp + col[j]] = p.W1.data[k * H + j];
    for (let j = 0; j < H; j++) f[b1 / 4 + col[j]] = p.b1[j];
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) f[W2T / 4 + c * hp + col[j]] = p.W2.data[j * C + c];
    for (let c = 0; c < C; c++) f[b2 / 4 + c] = p.b2[c];
  }

  /** Where each hidden unit sits in a row of W1, b1, W2ᵀ and z1 (the layout's two parts, each on its own cache lines). */
  private columns(): number[] {
    return Array.from({ length: this.shape.hiddenSize }, (_, j) => hiddenColumn(this.layout, j));
  }

  prepare(set: LabeledImages): void {
    this.inMemory(set);
  }

  private rowTable(set: LabeledImages): number {
    return this.inMemory(set).rowTable;
  }

  /**
   * The set in this engine's memory, copied on first use: its sparse rows as (W1 row address, value)
   * pairs, and its labels.
   */
  private inMemory(set: LabeledImages): SetInMemory {
    const known = this.sets.get(set);
    if (known !== undefined) return known;
    if (set.size !== this.shape.inputSize)
      throw new Error(`the images have ${set.size} pixels but the network has ${this.shape.inputSize} inputs`);
    const sparse = sparseImages(set);
    const nonZero = sparse.rowStart[sparse.count];
    const table = this.allocate((sparse.count + 1) * 4);
    const pairs = this.allocate(nonZero * 8);
    const labels = this.allocate(set.count);
    const i32 = this.i32View();
    const f32 = this.f32View();
    for (let r = 0; r <= sparse.count; r++) i32[table / 4 + r] = pairs + 8 * sparse.rowStart[r];
    const rowBytes = this.layout.hp * 4;
    for (let q = 0, at = pairs / 4; q < nonZero; q++, at += 2) {
      i32[at] = this.layout.W1 + sparse.pixel[q] * rowBytes;
      f32[at + 1] = sparse.value[q];
    }
    new Uint8Array(this.memory.buffer, labels, set.count).set(set.labels.subarray(0, set.count));
    const entry = { rowTable: table, labels };
    this.sets.set(set, entry);
    return entry;
  }

  private pairScratchFor(): Scratch {
    this.pairScratch ??= this.newScratch(EVAL_CHUNK);
    return this.pairScratch;
  }

  private newScratch(rows: number): Scratch {
    const { hp, cp } = this.layout;
    return {
      rows,
      batch: this.allocate(rows * 4),
      z1: this.allocate(rows * hp * 4),
      a2: this.allocate(rows * cp * 4),
      dz1: this.allocate(rows * hp * 4),
      share0: this.allocate(rows * cp * 4),
      share1: this.allocate(rows * cp * 4),
    };
  }

  private scratchFor(rows: number): Scratch {
    // Earlier scratch is abandoned: it happens once per larger batch size.
    if (!this.scratch || this.scratch.rows < rows) this.scratch = this.newScratch(Math.max(rows, EVAL_CHUNK));
    return this.scratch;
  }

  private allocate(bytes: number): number {
    const at = this.heapEnd;
    this.heapEnd = align(at + bytes);
    const need = Math.ceil(this.heapEnd / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) this.memory.grow(need);
    return at;
  }

  /** Typed views of the memory, renewed after it grew (growing detaches the old buffer). */
  private f32View(): Float32Array {
    if (this.f32.buffer !== this.memory.buffer) this.renewViews();
    return this.f32;
  }

  private i32View(): Int32Array {
    if (this.i32.buffer !== this.memory.buffer) this.renewViews();
    return this.i32;
  }

  private renewViews(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
