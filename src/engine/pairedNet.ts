import { BackwardKernel, EVAL_CHUNK, KernelLayout, Kernels } from './kernels';

/**
 * The fast engine on two cores. The kernels split a layer's hidden units into two parts
 * (KernelLayout.parts, each on its own cache lines), so a second thread running the same kernels on
 * the same shared memory can compute part 1 while this thread computes part 0 — x·W1, the backward
 * pass, the W1 update and each part's share of a2 alike — and the loss and dy split by rows. Every number is
 * computed by the same operations in the same order as on one core, so a run on two cores gives
 * exactly the one-core result (test/unit/pairedNet.test.ts).
 *
 * The two threads meet through a few words of the shared memory (no messages per step): this thread
 * posts an operation, does its own half, and waits for the other half.
 */

/** What the second thread can be asked to do. */
export const PAIR_OPS = {
  /** z1 = sigmoid(x·W1 + b1) for one part's hidden units, then that part's share of a2. */
  hiddenOutput: 1,
  /** a2 from the two shares, softmax and the loss for rows [r0, r1) (and dy when asked); returns Σ −log(y + δ). */
  combineLoss: 2,
  /** One part's backward pass and SGD update, then hiddenOutput again on the updated weights. */
  backwardHiddenOutput: 3,
  /** The number of rows [r0, r1) of a set classified correctly. */
  countCorrect: 4,
  /** Ends the second thread's loop. */
  stop: 5,
} as const;
export type PairOp = (typeof PAIR_OPS)[keyof typeof PAIR_OPS];

/** Control words, as indices into an Int32Array at the control block's address. */
const SEQ = 0; // the number of the last operation posted
const DONE = 1; // the number of the last operation finished
const OP = 2;
const STATUS = 3; // 0 ok, 1 the operation threw
const ARGS = 4; // up to 10 i32 arguments (bytes 16–55)
const F64 = 8; // Float64Array index of 2 float arguments (bytes 64–79)
const RESULT = 10; // Float64Array index of the result (byte 80)
/** Bytes of the control block. */
export const CONTROL_BYTES = 128;

/** Atomics.load spins before a thread sleeps in Atomics.wait (a few tens of microseconds). */
const SPINS = 20_000;
/**
 * How long this thread waits for the other half before it gives up on the second thread: 300 sleeps of
 * 100 ms (counted, not read from a clock, so that a computer suspended mid-step does not count as 30 s).
 */
const WAIT_SLICE_MS = 100;
const WAIT_SLICES = 300;

/**
 * Where a batch of n rows splits between the two threads for the loss: rows [0, half) are this thread's,
 * [half, n) the second's (a multiple of 4 rows, so that no cache line of a2 has rows of both). One core
 * sums the loss in the same two halves, so one and two cores give the very same numbers.
 */
export function lossHalf(n: number): number {
  return (n >> 3) << 2;
}

/** Rows [r0, r1) of a batch of N in a2 (its row indices at `batch`, the set's labels at `labels`), for the loss. */
export interface LossRows {
  a2: number;
  batch: number;
  labels: number;
  r0: number;
  r1: number;
  N: number;
  /** Overwrite a2 by dy = (y − t) / N. */
  writeDy: boolean;
  /** δ in log(y + δ). */
  delta: number;
}

/**
 * The kernels and the loss, as both threads run them on the same memory. `part` −1 means every
 * part (one thread doing all of it). A thread computes its part's hidden units and its share of a2
 * (so z1's columns and W2's rows of a part never leave the core that owns them); the two shares are
 * added row by row, each thread its own rows.
 */
export class EngineSide {
  private f32 = new Float32Array(0);
  private i32 = new Int32Array(0);
  private u8 = new Uint8Array(0);

  constructor(
    readonly kernels: Kernels,
    readonly layout: KernelLayout,
    private readonly memory: WebAssembly.Memory,
  ) {}

  hidden(part: number, rowTable: number, batch: number, n: number, z1: number): void {
    if (part < 0) this.kernels.hidden(rowTable, batch, n, z1);
    else this.kernels[`hidden${part}`](rowTable, batch, n, z1);
  }

  /** One part's hidden units, then its share of a2 (a2 − b2 over those units) stored at `share`. */
  hiddenOutput(part: number, rowTable: number, batch: number, n: number, z1: number, share: number): void {
    this.hidden(part, rowTable, batch, n, z1);
    this.kernels[`outputPart${part}`](z1, n, share);
  }

  /** backward (see Kernels.backward) for every part (−1) or one. */
  backward(part: number, ...args: Parameters<BackwardKernel>): void {
    if (part < 0) this.kernels.backward(...args);
    else this.kernels[`backward${part}`](...args);
  }

  /** One part's backward pass and update, then its hidden units and share of a2 on the updated weights. */
  backwardHiddenOutput(part: number, share: number, ...args: Parameters<BackwardKernel>): void {
    this.backward(part, ...args);
    const [rowTable, batch, n, z1] = args;
    this.hiddenOutput(part, rowTable, batch, n, z1, share);
  }

  /** One thread alone: a2 = z1·W2 + b2 for the rows, then lossRows. */
  outputLoss(z1: number, rows: LossRows): number {
    const { hp, cp } = this.layout;
    this.kernels.output(z1 + rows.r0 * hp * 4, rows.r1 - rows.r0, rows.a2 + rows.r0 * cp * 4);
    return this.lossRows(rows);
  }

  /** Two threads: a2 = (share₀ + share₁) + b2 for the rows, then lossRows. */
  combineLoss(s0: number, s1: number, rows: LossRows): number {
    const at = rows.r0 * this.layout.cp * 4;
    this.kernels.combine(s0 + at, s1 + at, rows.r1 - rows.r0, rows.a2 + at);
    return this.lossRows(rows);
  }

  /**
   * y = softmax(a2) for rows [r0, r1) of a batch of N, and Σ −log(y[label] + δ) returned; with `writeDy`,
   * a2 is then overwritten by dy = (y − t) / N for the backward kernel.
   */
  lossRows({ a2, batch, labels, r0, r1, N, writeDy, delta }: LossRows): number {
    const cp = this.layout.cp;
    this.kernels.softmax(a2 + r0 * cp * 4, r1 - r0);
    this.renewViews();
    const y = this.f32;
    const C = this.layout.outputSize;
    let loss = 0;
    for (let r = r0; r < r1; r++) {
      const o = a2 / 4 + r * cp;
      const label = this.u8[labels + this.i32[batch / 4 + r]];
      loss -= Math.log(y[o + label] + delta);
      if (writeDy) {
        for (let c = 0; c < C; c++) y[o + c] /= N;
        y[o + label] -= 1 / N;
      }
    }
    return loss;
  }

  /** Rows [r0, r1) of a set classified correctly, EVAL_CHUNK rows at a time in the scratch at batch, z1, a2. */
  countCorrect(
    rowTable: number,
    labels: number,
    r0: number,
    r1: number,
    batch: number,
    z1: number,
    a2: number,
  ): number {
    const C = this.layout.outputSize;
    const cp = this.layout.cp;
    let correct = 0;
    for (let start = r0; start < r1; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, r1 - start);
      this.renewViews();
      const i32 = this.i32;
      for (let r = 0; r < n; r++) i32[batch / 4 + r] = start + r;
      this.hidden(-1, rowTable, batch, n, z1);
      this.kernels.output(z1, n, a2);
      const f32 = this.f32;
      for (let r = 0; r < n; r++) {
        const o = a2 / 4 + r * cp;
        let best = 0;
        for (let c = 1; c < C; c++) if (f32[o + c] > f32[o + best]) best = c;
        if (best === this.u8[labels + start + r]) correct++;
      }
    }
    return correct;
  }

  /** Typed views of the memory, renewed after it grew. */
  private renewViews(): void {
    if (this.f32.buffer === this.memory.buffer) return;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.u8 = new Uint8Array(this.memory.buffer);
  }
}

/** Words of the control block, viewed once: the block sits below everything the memory grows by. */
function controlViews(memory: WebAssembly.Memory, control: number) {
  return {
    i32: new Int32Array(memory.buffer, control, CONTROL_BYTES / 4),
    f64: new Float64Array(memory.buffer, control, CONTROL_BYTES / 8),
  };
}

/** This thread's end: posts an operation to the second thread and waits for it. */
export class PairChannel {
  private seq = 0;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(memory: WebAssembly.Memory, control: number) {
    ({ i32: this.i32, f64: this.f64 } = controlViews(memory, control));
  }

  post(op: PairOp, ints: number[], floats: number[] = []): void {
    this.i32[OP] = op;
    ints.forEach((v, k) => (this.i32[ARGS + k] = v));
    floats.forEach((v, k) => (this.f64[F64 + k] = v));
    Atomics.store(this.i32, SEQ, ++this.seq);
    Atomics.notify(this.i32, SEQ);
  }

  /** The posted operation's result, once the second thread has finished it. */
  wait(): number {
    const seq = this.seq;
    let spins = 0;
    let slices = 0;
    while (Atomics.load(this.i32, DONE) !== seq) {
      if (++spins < SPINS) continue;
      spins = 0;
      const done = Atomics.load(this.i32, DONE);
      if (done !== seq && Atomics.wait(this.i32, DONE, done, WAIT_SLICE_MS) === 'timed-out' && ++slices >= WAIT_SLICES)
        throw new Error('the engine’s second thread stopped answering');
    }
    if (this.i32[STATUS] !== 0) throw new Error('the engine’s second thread failed (see its log)');
    return this.f64[RESULT];
  }
}

/**
 * The second thread's loop: waits for an operation, runs it on `side`, says it is done; returns after
 * `stop`. It spins briefly between operations (a training step posts four), then sleeps.
 */
export function servePair(
  side: EngineSide,
  memory: WebAssembly.Memory,
  control: number,
  log: (e: unknown) => void,
): void {
  const { i32, f64 } = controlViews(memory, control);
  let seen = Atomics.load(i32, SEQ);
  for (;;) {
    let spins = 0;
    while (Atomics.load(i32, SEQ) === seen) {
      if (++spins < SPINS) continue;
      spins = 0;
      Atomics.wait(i32, SEQ, seen);
    }
    seen = Atomics.load(i32, SEQ);
    const op = i32[OP] as PairOp;
    const a = (k: number) => i32[ARGS + k];
    let result = 0;
    let status = 0;
    try {
      switch (op) {
        case PAIR_OPS.hiddenOutput:
          side.hiddenOutput(a(0), a(1), a(2), a(3), a(4), a(5));
          break;
        case PAIR_OPS.combineLoss:
          result = side.combineLoss(a(0), a(1), {
            a2: a(2),
            batch: a(3),
            labels: a(4),
            r0: a(5),
            r1: a(6),
            N: a(7),
            writeDy: a(8) === 1,
            delta: f64[F64],
          });
          break;
        case PAIR_OPS.backwardHiddenOutput:
          side.backwardHiddenOutput(a(0), a(7), a(1), a(2), a(3), a(4), a(5), a(6), f64[F64]);
          break;
        case PAIR_OPS.countCorrect:
          result = side.countCorrect(a(0), a(1), a(2), a(3), a(4), a(5), a(6));
          break;
        case PAIR_OPS.stop:
          break;
        default:
          throw new Error(`unknown operation ${op}`);
      }
    } catch (e) {
      status = 1;
      log(e);
    }
    f64[RESULT] = result;
    i32[STATUS] = status;
    Atomics.store(i32, DONE, seen);
    Atomics.notify(i32, DONE);
    if (op === PAIR_OPS.stop) return;
  }
}
