import { parentPort } from 'worker_threads';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import type { RunView } from '../../protocol/train';
import { ModelMeta, paramsFromJson, paramsFromNpz } from './modelFile';
import { ImportedRun, runFromJson, runToCsv, runToJson } from './runExport';

/**
 * The training panel's file parsing and formatting, off the extension host's main thread
 * (dist/fileWorker.js, one job a worker): a model's .npz or JSON, an imported run's JSON, a long
 * run's CSV or JSON export. Answers { ok: true, ... } or { ok: false, message } — never throws.
 */

export type FileJob =
  | { type: 'readModel'; name: string; bytes: Uint8Array }
  | { type: 'readRun'; name: string; bytes: Uint8Array }
  | { type: 'writeRun'; format: 'csv' | 'json'; run: RunView; losses: Float64Array };

export type FileAnswer =
  | { ok: true; type: 'readModel'; params: TwoLayerParams; meta: ModelMeta }
  | { ok: true; type: 'readRun'; run: ImportedRun; losses: number[] }
  | { ok: true; type: 'writeRun'; bytes: Uint8Array }
  | { ok: false; message: string };

export function doFileJob(job: FileJob): FileAnswer {
  try {
    switch (job.type) {
      case 'readModel': {
        const loaded = job.name.toLowerCase().endsWith('.npz')
          ? { params: paramsFromNpz(job.bytes, job.name), meta: {} as ModelMeta }
          : paramsFromJson(new TextDecoder().decode(job.bytes).replace(/^\uFEFF/, ''), job.name);
        return { ok: true, type: 'readModel', ...loaded };
      }
      case 'readRun': {
        const { run, losses } = runFromJson(new TextDecoder().decode(job.bytes).replace(/^\uFEFF/, ''), job.name);
        return { ok: true, type: 'readRun', run, losses: Array.from(losses) };
      }
      case 'writeRun': {
        const text = job.format === 'csv' ? runToCsv(job.run, job.losses) : runToJson(job.run, job.losses);
        return { ok: true, type: 'writeRun', bytes: new TextEncoder().encode(text) };
      }
    }
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

parentPort?.once('message', (job: FileJob) => parentPort!.postMessage(doFileJob(job)));
