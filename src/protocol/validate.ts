/**
 * Small guards for messages that come from a webview (untrusted input). Each returns the value
 * typed, or throws ProtocolError naming what is wrong — panels log and drop such messages.
 */

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function record(v: unknown, what = 'message'): Record<string, unknown> {
  if (!isRecord(v)) throw new ProtocolError(`${what} must be an object`);
  return v;
}

export function str(o: Record<string, unknown>, key: string, maxLength = 10_000): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError(`${key} must be a string`);
  if (v.length > maxLength) throw new ProtocolError(`${key} is longer than ${maxLength} characters`);
  return v;
}

export function optStr(o: Record<string, unknown>, key: string, maxLength = 10_000): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, maxLength);
}

export function num(
  o: Record<string, unknown>,
  key: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`${key} must be a finite number`);
  if (range.integer && !Number.isInteger(v)) throw new ProtocolError(`${key} must be a whole number`);
  if (range.min !== undefined && v < range.min) throw new ProtocolError(`${key} must be at least ${range.min}`);
  if (range.max !== undefined && v > range.max) throw new ProtocolError(`${key} must be at most ${range.max}`);
  return v;
}

export function optNum(
  o: Record<string, unknown>,
  key: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  return o[key] === undefined ? undefined : num(o, key, range);
}

export function bool(o: Record<string, unknown>, key: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ProtocolError(`${key} must be true or false`);
  return v;
}

export function oneOf<T extends string>(o: Record<string, unknown>, key: string, choices: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
    throw new ProtocolError(`${key} must be one of ${choices.join(', ')}`);
  return v as T;
}

/** The `type` of a message, checked against the allowed types. */
export function messageType<T extends string>(
  msg: unknown,
  types: readonly T[],
): { type: T; body: Record<string, unknown> } {
  const body = record(msg);
  return { type: oneOf(body, 'type', types), body };
}

/** Plain JSON (numbers finite, depth and size bounded): for values such as gradient inputs. */
export function json(v: unknown, what: string, maxDepth = 8, maxItems = 1_000_000): Json {
  let items = 0;
  const walk = (x: unknown, depth: number): Json => {
    if (++items > maxItems) throw new ProtocolError(`${what} is too large`);
    if (depth > maxDepth) throw new ProtocolError(`${what} is nested too deeply`);
    if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new ProtocolError(`${what} holds a number that is not finite`);
      return x;
    }
    if (Array.isArray(x)) return x.map((e) => walk(e, depth + 1));
    if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, e]) => [k, walk(e, depth + 1)]));
    throw new ProtocolError(`${what} holds a value that is not JSON`);
  };
  return walk(v, 0);
}
