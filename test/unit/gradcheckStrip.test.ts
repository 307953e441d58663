import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { toCommonJs } from '../../src/gradcheck/run/jsModule';
import { lineColumn, tokenize } from '../../src/gradcheck/source/jsTokens';
import { UnsupportedTypeScript, stripTypes } from '../../src/gradcheck/source/tsStrip';

/** Runs stripped code in a fresh context and returns what `expr` evaluates to. */
function evaluate(ts: string, expr: string): unknown {
  const ctx = vm.createContext({});
  vm.runInContext(stripTypes(ts), ctx);
  return vm.runInContext(expr, ctx);
}

test('stripTypes keeps every line and column where it was', () => {
  const ts =
    'function f(x: number[], t?: number): number {\n  const n: number = x.length as number;\n  return n!;\n}\n';
  const js = stripTypes(ts);
  assert.equal(js.length, ts.length);
  assert.deepEqual(
    js.split('\n').map((l) => l.length),
    ts.split('\n').map((l) => l.length),
  );
  assert.equal(js.indexOf('return'), ts.indexOf('return'));
  assert.equal(evaluate(ts, 'f([1, 2, 3])'), 3);
});

test('stripTypes removes what learners write: annotations, generics, interfaces, type aliases, casts, non-null, modifiers', () => {
  const ts = `
import type { Nothing } from './nothing';
interface Net { W: number[][]; b?: number[] }
type Vec = number[];
type Fn<T> = (x: T) => number;
abstract class Base { abstract forward(x: Vec): Vec; }
class SimpleNet extends Base implements Net {
  private readonly W: number[][];
  b?: number[] = [];
  static count: number = 0;
  declare extra: string;
  [key: string]: unknown;
  constructor(W?: number[][]) { super(); this.W = W ?? [[1, 2], [3, 4]]; }
  forward(x: Vec): Vec { return x; }
  loss(x: number[], t: number[]): number { return x.length > 0 ? this.W[0][0] : -1; }
  gradient(x: number[]): number[][];
  gradient(x: number[], t?: number[]): number[][] { return this.W!; }
  get size(): number { return this.W.length }
  scaled = (k: number): number => k * this.W[1][1];
}
function over(x: number): number;
function over(x: any) { return x; }
const id = <T,>(v: T): T => v;
const m = new Map<string, Array<number>>();
let q!: number;
const o = { f(x: number): number { return x + 1; }, g: (y: string) => y };
const z = (o as any).f(3) satisfies number;
const r = 2 < 3 ? (1) : (2);
const result = [new SimpleNet().loss([1], [1]), new SimpleNet().scaled(2), over(5), id(7), o.f(1), z, r, new SimpleNet().size, m.size];
`;
  assert.equal(evaluate(ts, 'JSON.stringify(result)'), '[1,8,5,7,2,4,1,2,0]');
});

test('stripTypes refuses enum, namespace and constructor parameter properties, naming what to write instead', () => {
  for (const [ts, what] of [
    ['const a = 1;\nenum Color { Red, Green }\n', /enum is not supported.*plain object/],
    ['namespace N { export const a = 1; }\n', /namespace is not supported/],
    ['class A {\n  constructor(private W: number[]) {}\n}\n', /parameter properties.*this\.W = W/],
  ] as const) {
    assert.throws(
      () => stripTypes(ts),
      (e: unknown) => e instanceof UnsupportedTypeScript && what.test((e as Error).message),
    );
  }
  try {
    stripTypes('const a = 1;\nenum Color { Red, Green }\n');
  } catch (e) {
    assert.equal(lineColumn('const a = 1;\nenum Color { Red, Green }\n', (e as UnsupportedTypeScript).offset).line, 2);
  }
});

test('tokenize keeps strings, templates, regexes and comments whole', () => {
  const src = "const s = 'a: b'; const t = `x ${y + '}'} z`; const r = /[/]x/g; // c: d\nconst d = a / b;";
  const values = tokenize(src).map((t) => t.value);
  assert.ok(values.includes("'a: b'"));
  assert.ok(values.includes("`x ${y + '}'} z`"));
  assert.ok(values.includes('/[/]x/g'));
  assert.ok(!values.some((v) => v.includes('c: d')));
  assert.equal(tokenize(src).filter((t) => t.value === '/').length, 1, 'a / b is a division');
});

test('toCommonJs turns imports and exports into require/exports on the same lines', () => {
  const src =
    "import { a, b as c } from './m';\nimport * as all from './m';\nimport d from './m';\nexport function f() { return a + c; }\nexport const g = 1, h = 2;\nexport default f;\nexport { d as e };\n";
  const js = toCommonJs(src);
  assert.equal(js.split('\n').slice(0, 7).length, 7);
  assert.equal(js.split('\n')[3].trim().startsWith('function f()'), true, 'line 4 is still line 4');
  const module = { exports: {} as Record<string, unknown> };
  const required = { a: 1, b: 2, default: 'D' };
  new Function('exports', 'require', 'module', '__glDefault', js)(
    module.exports,
    () => required,
    module,
    (m: { default?: unknown }) => m.default ?? m,
  );
  const ex = module.exports as { f: () => number; g: number; h: number; default: unknown; e: unknown };
  assert.equal(ex.f(), 3);
  assert.equal(ex.g, 1);
  assert.equal(ex.h, 2);
  assert.equal(ex.default, ex.f);
  assert.equal(ex.e, 'D');
});

test('`as` after an object literal is a cast ({} as Params); after a block it is not touched', () => {
  assert.equal(stripTypes('const a = {} as P;\nf({ x: 1 } as Q);'), 'const a = {}     ;\nf({ x: 1 }     );');
  assert.equal(stripTypes('this.params = {} as Params;'), 'this.params = {}          ;');
});
