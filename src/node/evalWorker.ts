/**
 * The evaluation worker (worker_threads, bundled to dist/evalWorker.js): the second core's share of a
 * training run. It holds its own engine with the train and test sets prepared once (the fast engine's
 * sparse copy), and for each copy of a run's weights it receives answers both accuracies.
 * The training thread's side is src/node/epochEvaluator.ts.
 */
import { parentPort, workerData } from 'worker_threads';
import { createNetwork } from '../engine/network';
import type { EvalFromWorker, EvalToWorker, EvalWorkerData } from './epochEvaluator';

const port = parentPort;
if (!port) throw new Error('evalWorker.js runs as a worker_threads Worker, not on its own');
const send = (m: EvalFromWorker) => port.postMessage(m);

try {
  const { engine, shape, train, test, underWay } = workerData as EvalWorkerData;
  const posted = new Int32Array(underWay);
  // The weights are replaced by each evaluation's copy: the initial ones never count.
  const net = createNetwork(engine, shape, { weightInitStd: 0, seed: 0 });
  const importParams = net.importParams?.bind(net);
  if (!importParams) throw new Error(`the ${engine} engine cannot take other weights`);
  net.prepare?.(train);
  net.prepare?.(test);
  port.on('message', (m: EvalToWorker) => {
    try {
      const started = performance.now();
      importParams(m.params);
      const trainAccuracy = net.accuracyOn(train);
      const testAccuracy = net.accuracyOn(test);
      Atomics.sub(posted, 0, 1);
      send({ type: 'evaluated', id: m.id, trainAccuracy, testAccuracy, ms: performance.now() - started });
    } catch (e) {
      Atomics.sub(posted, 0, 1);
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
