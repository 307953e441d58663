/**
 * A tiny WebAssembly assembler: just enough to write the fast engine's SIMD kernels in
 * TypeScript and specialise them to a network's shape at run time (no toolchain, no binary in
 * the repository). Binary format: https://webassembly.github.io/spec/core/binary/.
 */

export type ValType = 'i32' | 'f32' | 'v128';

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Opcodes used by the kernels; SIMD ones are 0xfd followed by a LEB128 number. */
const OPS = {
  drop: [0x1a],
  select: [0x1b],
  'i32.lt_s': [0x48],
  'i32.ge_s': [0x4e],
  'i32.add': [0x6a],
  'i32.mul': [0x6c],
  'f32.add': [0x92],
  'f32.max': [0x97],
  'v128.and': simd(0x4e),
  'f32x4.splat': simd(0x13),
  'f32x4.extract_lane': simd(0x1f),
  'i32x4.shl': simd(0xab),
  'f32x4.add': simd(0xe4),
  'f32x4.sub': simd(0xe5),
  'f32x4.mul': simd(0xe6),
  'f32x4.div': simd(0xe7),
  'f32x4.pmin': simd(0xea),
  'f32x4.pmax': simd(0xeb),
} as const;

export type Op = keyof typeof OPS;

/** Loads and stores: opcode and natural alignment (log2 bytes). */
const MEMORY_OPS = {
  'i32.load': [[0x28], 2],
  'f32.load': [[0x2a], 2],
  'f32.store': [[0x38], 2],
  'v128.load': [simd(0x00), 4],
  'v128.load32_splat': [simd(0x09), 2],
  'v128.store': [simd(0x0b), 4],
} as const;

export type MemoryOp = keyof typeof MEMORY_OPS;

function simd(code: number): number[] {
  return [0xfd, ...uleb(code)];
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return concat([uleb(items.length), ...items]);
}

/** Joins byte arrays with push loops: spreading a module's worth of bytes is slow. */
function concat(parts: number[][]): number[] {
  const out: number[] = [];
  for (const part of parts) for (const b of part) out.push(b);
  return out;
}

/** One function's body, written instruction by instruction; locals are named. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localIndex = new Map<string, number>();
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: [string, ValType][],
    readonly result?: ValType,
  ) {
    params.forEach(([n], i) => this.localIndex.set(n, i));
  }

  /** Declares a local (once) and returns its name. */
  local(n: string, type: ValType): string {
    if (!this.localIndex.has(n)) {
      this.localIndex.set(n, this.params.length + this.localTypes.length);
      this.localTypes.push(type);
    }
    return n;
  }

  private index(n: string): number {
    const i = this.localIndex.get(n);
    if (i === undefined) throw new Error(`${this.name}: no local '${n}'`);
    return i;
  }

  get(n: string): this {
    return this.emit(0x20, ...uleb(this.index(n)));
  }
  set(n: string): this {
    return this.emit(0x21, ...uleb(this.index(n)));
  }
  tee(n: string): this {
    return this.emit(0x22, ...uleb(this.index(n)));
  }
  i32(value: number): this {
    return this.emit(0x41, ...sleb(value | 0));
  }
  f32(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.emit(0x43, ...bytes);
  }
  /** v128.const with four equal f32 lanes. */
  f32x4(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer);
    return this.emit(...simd(0x0c), ...bytes);
  }
  /** v128.const from four i32 lanes (a lane mask: −1 keeps a lane, 0 clears it). */
  i32x4(lanes: [number, number, number, number]): this {
    return this.emit(...simd(0x0c), ...new Uint8Array(new Int32Array(lanes).buffer));
  }
  op(...ops: Op[]): this {
    for (const o of ops) this.emit(...OPS[o]);
    return this;
  }
  lane(o: 'f32x4.extract_lane', lane: number): this {
    return this.emit(...OPS[o], lane);
  }
  /** A load or store; `offset` (bytes) is added to the address on the stack. */
  mem(o: MemoryOp, offset = 0): this {
    const [code, align] = MEMORY_OPS[o];
    return this.emit(...code, ...uleb(align), ...uleb(offset));
  }
  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** for (name = start; name < end; name += step) body — end is a local's name or a constant. */
  for(counter: string, start: number | string, end: number | string, step: number, body: () => void): this {
    this.local(counter, 'i32');
    typeof start === 'number' ? this.i32(start) : this.get(start);
    this.set(counter);
    this.emit(0x02, 0x40, 0x03, 0x40); // block, loop
    this.get(counter);
    typeof end === 'number' ? this.i32(end) : this.get(end);
    this.op('i32.ge_s').emit(0x0d, 1); // br_if out of the block
    body();
    this.get(counter).i32(step).op('i32.add').set(counter);
    this.emit(0x0c, 0, 0x0b, 0x0b); // br to the loop; end loop; end block
    return this;
  }

  /** if (the i32 on the stack ≠ 0) body */
  if(body: () => void): this {
    this.emit(0x04, 0x40);
    body();
    return this.emit(0x0b);
  }

  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.localTypes) groups.push([1, TYPE_CODE[t]]);
    const body = concat([vector(groups), this.code, [0x0b]]);
    return concat([uleb(body.length), body]);
  }

  signature(): number[] {
    return [
      0x60,
      ...vector(this.params.map(([, t]) => [TYPE_CODE[t]])),
      ...vector(this.result ? [[TYPE_CODE[this.result]]] : []),
    ];
  }
}

/**
 * A module importing its memory as env.memory (of at least one page; shared, with its maximum, when
 * `memory` says so) and exporting every function by name.
 */
export function assembleModule(
  functions: FunctionBuilder[],
  memory?: { shared: true; maximumPages: number },
): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => concat([[id], uleb(content.length), content]);
  const types = vector(functions.map((f) => f.signature()));
  const limits = memory ? [0x03, ...uleb(1), ...uleb(memory.maximumPages)] : [0x00, 1];
  const imports = vector([concat([name('env'), name('memory'), [0x02, ...limits]])]);
  const funcs = vector(functions.map((_, i) => uleb(i)));
  const exports = vector(functions.map((f, i) => concat([name(f.name), [0x00], uleb(i)])));
  const code = vector(functions.map((f) => f.encode()));
  return Uint8Array.from(
    concat([
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, types),
      section(2, imports),
      section(3, funcs),
      section(7, exports),
      section(10, code),
    ]),
  );
}
