import { parentPort, workerData } from 'worker_threads';
import { evaluateJs } from './jsEvaluate';
import type { RunRequest } from './types';

/** Worker thread entry (dist/jsRunnerWorker.js): one check, one message back, then exit. */
parentPort?.postMessage(evaluateJs(workerData as RunRequest));
