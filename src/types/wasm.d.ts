// The part of WebAssembly's JavaScript API the fast engine uses (src/engine/fastNet.ts, kernels.ts).
// Browsers and Node both have it, but TypeScript declares it only in the DOM library, which pure and
// Node code must not see; src/tsconfig.pure.json and src/tsconfig.node.json include this file instead.
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
