import { LabeledImages, toBatch } from '../core/dataset';
import { DELTA, crossEntropyErrorLabels } from '../core/functions';
import { fastNumericalGradient } from './fastNumericalGradient';
import { Matrix, zeros } from '../core/matrix';
import { KernelLayout, Kernels, instantiateKernels, kernelLayout } from './kernels';
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
/** Rows per evaluation chunk: z1 for a chunk (~200 KB at hidden 50) stays in the L2 cache. */
const EVAL_CHUNK = 1000;
/** The learning rate of gradientOn's probing step (see there). */
const GRADIENT_PROBE_RATE = 1024;

interface Scratch {
  rows: number;
  batch: number;
  z1: number;
  a2: number;
  dz1: number;
}

/**
 * TwoLayerNet in float32 with WebAssembly SIMD kernels (src/engine/kernels.ts): the same network,
 * the same SGD, about as accurate as the float64 reference, many times faster. It skips the
 * zero pixels of every image (a sparse copy of each set is made once), updates the weights in
 * place without building dW1, and allocates nothing per iteration.
 */
export class FastTwoLayerNet implements TrainableNetwork {
  readonly shape: NetShape;
  /** δ in log(y + δ), as in TwoLayerNet. */
  delta = DELTA;
  private readonly layout: KernelLayout;
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: Kernels;
  private heapEnd: number;
  private readonly rowTables = new WeakMap<LabeledImages, number>();
  private scratch: Scratch | undefined;
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);

  constructor(shape: NetShape, weightInitStd = 0.01, rng = new Random(42), params?: TwoLayerParams) {
    this.shape = shape;
    this.layout = kernelLayout(shape);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(this.layout.end / PAGE) + 1 });
    this.kernels = instantiateKernels(shape, this.memory);
    this.heapEnd = align(this.layout.end);
    this.importParams(params ?? initParams(shape, weightInitStd, rng));
  }

  trainStep(set: LabeledImages, indices: Int32Array, learningRate: number, method: GradientMethod): number {
    const rowTable = this.rowTable(set);
    const s = this.scratchFor(indices.length);
    const n = indices.length;
    this.i32View().set(indices, s.batch / 4);
    if (method === 'numerical') {
      const { x, t } = toBatch(set, indices, this.shape.outputSize);
      const reference = new TwoLayerNet(this.shape, 0, undefined, this.exportParams());
      reference.delta = this.delta;
      sgdStep(reference.params, fastNumericalGradient(reference, x, t), learningRate);
      this.importParams(reference.params);
    } else {
      this.kernels.hidden(rowTable, s.batch, n, s.z1);
      this.kernels.output(s.z1, n, s.a2);
      this.softmaxLoss(set.labels, indices, s.a2, true);
      this.kernels.backward(rowTable, s.batch, n, s.z1, s.a2, s.dz1, learningRate);
    }
    // The book records the loss on the updated weights.
    this.kernels.hidden(rowTable, s.batch, n, s.z1);
    this.kernels.output(s.z1, n, s.a2);
    return this.softmaxLoss(set.labels, indices, s.a2, false);
  }

  /**
   * y = softmax(a2) and the batch loss −Σ log(y[label] + δ) / N; with `writeDy`, a2 is then
   * overwritten by dy = (y − t) / N for the backward kernel.
   */
  private softmaxLoss(labels: Uint8Array, indices: Int32Array, a2: number, writeDy: boolean): number {
    const N = indices.length;
    this.kernels.softmax(a2, N);
    const y = this.f32View();
    const C = this.shape.outputSize;
    let loss = 0;
    for (let r = 0; r < N; r++) {
      const o = a2 / 4 + r * this.layout.cp;
      const label = labels[indices[r]];
      loss -= Math.log(y[o + label] + this.delta);
      if (writeDy) {
        for (let c = 0; c < C; c++) y[o + c] /= N;
        y[o + label] -= 1 / N;
      }
    }
    return loss / N;
  }

  accuracyOn(set: LabeledImages): number {
    const rowTable = this.rowTable(set);
    const s = this.scratchFor(EVAL_CHUNK);
    const C = this.shape.outputSize;
    let correct = 0;
    for (let start = 0; start < set.count; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, set.count - start);
      const i32 = this.i32View();
      const f32 = this.f32View();
      for (let r = 0; r < n; r++) i32[s.batch / 4 + r] = start + r;
      this.kernels.hidden(rowTable, s.batch, n, s.z1);
      this.kernels.output(s.z1, n, s.a2);
      for (let r = 0; r < n; r++) {
        const o = s.a2 / 4 + r * this.layout.cp;
        let best = 0;
        for (let c = 1; c < C; c++) if (f32[o + c] > f32[o + best]) best = c;
        if (best === set.labels[start + r]) correct++;
      }
    }
    return correct / set.count;
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
    const copy = (at: number, width: number, cols: number): Matrix => {
      const m = zeros(n, cols);
      const f = this.f32View();
      for (let r = 0; r < n; r++) for (let c = 0; c < cols; c++) m.data[r * cols + c] = f[at / 4 + r * width + c];
      return m;
    };
    const z1 = copy(s.z1, this.layout.hp, H);
    const a2 = copy(s.a2, this.layout.cp, C);
    this.kernels.softmax(s.a2, n);
    return { z1, a2, y: copy(s.a2, this.layout.cp, C) };
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
    const f = this.f32View();
    const p: TwoLayerParams = { W1: zeros(K, H), b1: new Float64Array(H), W2: zeros(H, C), b2: new Float64Array(C) };
    for (let k = 0; k < K; k++) for (let j = 0; j < H; j++) p.W1.data[k * H + j] = f[W1 / 4 + k * hp + j];
    for (let j = 0; j < H; j++) p.b1[j] = f[b1 / 4 + j];
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) p.W2.data[j * C + c] = f[W2T / 4 + c * hp + j];
    for (let c = 0; c < C; c++) p.b2[c] = f[b2 / 4 + c];
    return p;
  }

  /** Copies float64 parameters in (rounded to float32, W2 transposed, padding 0). */
  importParams(p: TwoLayerParams): void {
    const { inputSize: K, hiddenSize: H, outputSize: C } = this.shape;
    const { hp, W1, b1, W2T, b2 } = this.layout;
    const f = this.f32View();
    f.fill(0, 0, this.layout.end / 4);
    for (let k = 0; k < K; k++) for (let j = 0; j < H; j++) f[W1 / 4 + k * hp + j] = p.W1.data[k * H + j];
    for (let j = 0; j < H; j++) f[b1 / 4 + j] = p.b1[j];
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) f[W2T / 4 + c * hp + j] = p.W2.data[j * C + c];
    for (let c = 0; c < C; c++) f[b2 / 4 + c] = p.b2[c];
  }

  prepare(set: LabeledImages): void {
    this.rowTable(set);
  }

  /** The set's sparse rows in this engine's memory, copied on first use: (W1 row address, value) pairs. */
  private rowTable(set: LabeledImages): number {
    const known = this.rowTables.get(set);
    if (known !== undefined) return known;
    if (set.size !== this.shape.inputSize)
      throw new Error(`the images have ${set.size} pixels but the network has ${this.shape.inputSize} inputs`);
    const sparse = sparseImages(set);
    const nonZero = sparse.rowStart[sparse.count];
    const table = this.allocate((sparse.count + 1) * 4);
    const pairs = this.allocate(nonZero * 8);
    const i32 = this.i32View();
    const f32 = this.f32View();
    for (let r = 0; r <= sparse.count; r++) i32[table / 4 + r] = pairs + 8 * sparse.rowStart[r];
    const rowBytes = this.layout.hp * 4;
    for (let q = 0, at = pairs / 4; q < nonZero; q++, at += 2) {
      i32[at] = this.layout.W1 + sparse.pixel[q] * rowBytes;
      f32[at + 1] = sparse.value[q];
    }
    this.rowTables.set(set, table);
    return table;
  }

  private scratchFor(rows: number): Scratch {
    if (!this.scratch || this.scratch.rows < rows) {
      const { hp, cp } = this.layout;
      const n = Math.max(rows, EVAL_CHUNK);
      // Earlier scratch is abandoned: it happens once per larger batch size.
      this.scratch = {
        rows: n,
        batch: this.allocate(n * 4),
        z1: this.allocate(n * hp * 4),
        a2: this.allocate(n * cp * 4),
        dz1: this.allocate(n * hp * 4),
      };
    }
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
