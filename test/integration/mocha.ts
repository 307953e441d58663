/**
 * Mocha's TDD functions, read from the globals Mocha defines before it loads each test file (both
 * under @vscode/test-cli and under index.run.ts). Typed here rather than through @types/mocha so
 * its global `describe`/`it` do not leak into the node:test files of the same TypeScript program.
 */
type Body = () => void | Promise<unknown>;

interface MochaTdd {
  suite(title: string, fn: () => void): void;
  test(title: string, fn: Body): void;
  suiteSetup(fn: Body): void;
  suiteTeardown(fn: Body): void;
  setup(fn: Body): void;
  teardown(fn: Body): void;
}

const g = globalThis as unknown as MochaTdd;
export const suite = g.suite;
export const test = g.test;
export const suiteSetup = g.suiteSetup;
export const suiteTeardown = g.suiteTeardown;
export const setup = g.setup;
export const teardown = g.teardown;
