/**
 * The inflating the file parsers need (gzip for idx, raw deflate for .npz members). Pure code cannot
 * inflate by itself, so the parsers take an Inflater from their caller: Node's zlib on the extension
 * host, in the workers and the CLI (src/node/inflate.ts).
 */
export interface Inflater {
  /** What a gzip stream's first bytes inflate to; a stream cut off there is not an error. */
  gunzipPrefix(bytes: Uint8Array): Uint8Array;
  /** A whole gzip stream; `undefined` when it inflates to more than `maxBytes`. Throws on damaged data. */
  gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array | undefined;
  /** A raw deflate stream; `undefined` when it inflates to more than `maxBytes`. Throws on damaged data. */
  inflateRaw(bytes: Uint8Array, maxBytes: number): Uint8Array | undefined;
}
