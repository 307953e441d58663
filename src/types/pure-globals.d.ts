// The few globals that browsers and Node share and that pure code (src/core, src/engine, src/protocol) may use.
// src/tsconfig.pure.json includes this file instead of the DOM or Node libraries, so anything else
// (setImmediate, process, document, Buffer…) is a compile error there.
declare function setTimeout(callback: () => void, ms?: number): unknown;
declare const performance: { now(): number };
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
