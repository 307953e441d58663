/**
 * The fast engine's second thread (worker_threads, bundled to dist/pairWorker.js): it instantiates the
 * training thread's kernels on the same shared memory and serves its half of every step and evaluation
 * (src/engine/pairedNet.ts) until it is told to stop. The training thread's side is src/node/pairThread.ts.
 */
import { parentPort, workerData } from 'worker_threads';
import { kernelLayout } from '../engine/kernels';
import type { Kernels } from '../engine/kernels';
import { EngineSide, servePair } from '../engine/pairedNet';
import type { PairInvitation } from '../engine/fastNet';
import type { PairFromWorker } from './pairThread';

const port = parentPort;
if (!port) throw new Error('pairWorker.js runs as a worker_threads Worker, not on its own');
const send = (m: PairFromWorker) => port.postMessage(m);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

try {
  const { module, memory, shape, control } = workerData as PairInvitation;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
  const side = new EngineSide(kernels, kernelLayout(shape), memory);
  send({ type: 'ready' });
  servePair(side, memory, control, (e) => send({ type: 'error', message: message(e) }));
  send({ type: 'stopped' });
} catch (e) {
  send({ type: 'error', message: message(e) });
}
