// The WebAssembly SIMD peak of this CPU for one core, in GFLOP/s: a tiny hand-assembled module runs
// 8–12 independent chains of acc = acc·m + c on f32x4 vectors (8 float operations per chain and step,
// no memory traffic), so the figure is what V8's code for f32x4.mul + f32x4.add can reach at best.
// With relaxed SIMD (Node's --experimental-wasm-relaxed-simd, when this Node validates it) the same
// chains also run as f32x4.relaxed_madd (one fused multiply-add). Best of 7 runs of ≥ 50 ms each.
// `npm run bench -- --peers` divides the engine's GFLOP/s by this.
// usage: node scripts/wasm-peak.mjs [--json]     (never fails on time)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Chain counts tried (the best wins): enough to hide the latency, few enough to stay in registers. */
const CHAIN_COUNTS = [8, 10, 12];
const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const f32 = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const SIMD = (op) => [0xfd, ...uleb(op)];
const F32X4_SPLAT = SIMD(0x13);
const F32X4_EXTRACT0 = [...SIMD(0x1f), 0];
const F32X4_ADD = SIMD(0xe4);
const F32X4_MUL = SIMD(0xe6);
const F32X4_RELAXED_MADD = SIMD(0x105);

/** run(n: i32) → f32: n steps of CHAINS chains; locals 1..CHAINS the sums, CHAINS+1 = m, CHAINS+2 = c. */
export function peakModule(fused, CHAINS) {
  const m = CHAINS + 1;
  const c = CHAINS + 2;
  const body = [0x43, ...f32(1), ...F32X4_SPLAT, 0x21, m, 0x43, ...f32(1e-7), ...F32X4_SPLAT, 0x21, c];
  for (let k = 1; k <= CHAINS; k++) body.push(0x43, ...f32(k / 100), ...F32X4_SPLAT, 0x21, k);
  body.push(0x02, 0x40, 0x03, 0x40, 0x20, 0, 0x45, 0x0d, 1);
  for (let k = 1; k <= CHAINS; k++) {
    if (fused) body.push(0x20, k, 0x20, m, 0x20, c, ...F32X4_RELAXED_MADD, 0x21, k);
    else body.push(0x20, k, 0x20, m, ...F32X4_MUL, 0x20, c, ...F32X4_ADD, 0x21, k);
  }
  body.push(0x20, 0, 0x41, 1, 0x6b, 0x21, 0, 0x0c, 0, 0x0b, 0x0b, 0x20, 1);
  for (let k = 2; k <= CHAINS; k++) body.push(0x20, k, ...F32X4_ADD);
  body.push(...F32X4_EXTRACT0, 0x0b);
  const code = [1, CHAINS + 2, 0x7b, ...body]; // one local entry: CHAINS + 2 v128
  return new Uint8Array([
    ...Buffer.from('\0asm\x01\0\0\0', 'latin1'), // magic, version 1
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7d]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, ...Buffer.from('run'), 0, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

/** GFLOP/s of one core, best of `runs`; null when this Node cannot compile the module (relaxed SIMD off). */
export function measurePeak(fused, runs = 7) {
  let best = null;
  for (const chains of CHAIN_COUNTS) {
    const gflops = measureChains(fused, chains, runs);
    if (gflops === null) return null;
    best = Math.max(best ?? 0, gflops);
  }
  return best;
}

function measureChains(fused, CHAINS, runs) {
  const bytes = peakModule(fused, CHAINS);
  if (!WebAssembly.validate(bytes)) return null;
  const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
  const flopsPerStep = CHAINS * 4 * 2;
  let steps = 1 << 16;
  run(steps); // tier up
  for (;;) {
    const t0 = performance.now();
    run(steps);
    if (performance.now() - t0 > 50 || steps > 1 << 30) break;
    steps *= 2;
  }
  let best = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run(steps);
    best = Math.max(best, (steps * flopsPerStep) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return best;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--fused-only')) {
    process.stdout.write(JSON.stringify(measurePeak(true)) + '\n');
  } else {
    const simd = measurePeak(false);
    let relaxed = measurePeak(true);
    if (relaxed === null) {
      // Node 20 has relaxed SIMD behind a flag: measure it in a child that sets the flag.
      try {
        const out = execFileSync(
          process.execPath,
          ['--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url), '--fused-only'],
          { encoding: 'utf8', timeout: 60_000 },
        );
        relaxed = JSON.parse(out);
      } catch {
        relaxed = null;
      }
    }
    const result = { wasmSimdPeakGflops: simd, wasmRelaxedFmaPeakGflops: relaxed, node: process.version };
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      console.log(`WebAssembly SIMD peak, one core: ${simd.toFixed(1)} GFLOP/s (f32x4.mul + f32x4.add)`);
      console.log(
        relaxed === null
          ? 'relaxed SIMD: not available in this Node'
          : `relaxed SIMD FMA peak, one core: ${relaxed.toFixed(1)} GFLOP/s (f32x4.relaxed_madd)`,
      );
    }
  }
}
