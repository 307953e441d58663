/**
 * The panel's file actions: export a run (CSV, JSON) or a chart (PNG), save and load trained
 * parameters (.npz for numpy, JSON), import an exported run to compare with, pick a data folder.
 */
import * as vscode from 'vscode';
import { basename } from 'path';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import { DEFAULT_RUN_CONFIG, RunView, TrainFromWebview, TrainToWebview } from '../../protocol/train';
import { paramsToJson, paramsToNpz } from './modelFile';
import { RUN_FILE_MAX_BYTES, type RunStore } from './runStore';
import { runFileJob } from './fileJobs';
import type { FileAnswer, FileJob } from './fileWorker';

/** The largest model file loaded (hidden 1000 as JSON text is about 20 MB). */
export const MODEL_FILE_MAX_BYTES = 128 * 1024 * 1024;
import { fileStem, openFile, pickFolder, saveFile } from './trainFiles';
import type { FromWorker, ModelPicture } from './workerProtocol';

type FileMessage = Extract<
  TrainFromWebview,
  { type: 'pickFolder' | 'exportRun' | 'exportChart' | 'saveModel' | 'loadModel' | 'importRun' }
>;
type Evaluate = (params: TwoLayerParams) => Promise<Extract<FromWorker, { type: 'evaluated' }>>;

export function newRunId(): string {
  return `r${Date.now().toString(36)}${Math.floor(Math.random() * 46656).toString(36)}`;
}

export class RunFiles {
  constructor(
    private readonly store: RunStore,
    private readonly paramsOf: (id: string) => TwoLayerParams | undefined,
    private readonly post: (m: TrainToWebview) => void,
    private readonly addRun: (
      run: RunView,
      losses: ArrayLike<number>,
      params?: TwoLayerParams,
      model?: ModelPicture,
    ) => void,
    /** A run the store could not save, kept in the panel's memory. */
    private readonly unsaved: (id: string) => { run: RunView; losses: Float64Array } | undefined = () => undefined,
    /** dist/fileWorker.js: parsing and formatting run there, off the extension host's thread. */
    private readonly fileWorker?: string,
  ) {}

  private async job(job: FileJob): Promise<Extract<FileAnswer, { ok: true }>> {
    const answer = await runFileJob(this.fileWorker, job);
    if (!answer.ok) throw new Error(answer.message);
    return answer;
  }

  async handle(m: FileMessage, evaluate: Evaluate): Promise<void> {
    switch (m.type) {
      case 'pickFolder': {
        const path = await pickFolder(vscode.l10n.t('Folder with MNIST-style idx files'));
        if (path) this.post({ type: 'folderPicked', path });
        return;
      }
      case 'exportRun': {
        const mem = this.unsaved(m.id);
        const run = mem?.run ?? this.store.get(m.id);
        if (!run) return;
        const losses = mem?.losses ?? this.store.losses(m.id);
        const format = m.format;
        const bytes = async () => {
          const written = await this.job({ type: 'writeRun', format, run, losses });
          return written.type === 'writeRun' ? written.bytes : new Uint8Array(0);
        };
        await saveFile(
          `${fileStem(run.name)}.${format}`,
          format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
          bytes,
        );
        return;
      }
      case 'exportChart': {
        const bytes = Buffer.from(m.dataUrl.slice(m.dataUrl.indexOf(',') + 1), 'base64');
        await saveFile(`${m.chart}-chart.png`, { PNG: ['png'] }, bytes);
        return;
      }
      case 'saveModel': {
        const run = this.unsaved(m.id)?.run ?? this.store.get(m.id);
        const params = this.paramsOf(m.id);
        if (!run || !params) return;
        const bytes =
          m.format === 'npz'
            ? paramsToNpz(params)
            : new TextEncoder().encode(
                paramsToJson(params, { name: run.name, config: run.config, testAccuracy: run.testAccuracy }),
              );
        await saveFile(
          `${fileStem(run.name)}.${m.format}`,
          m.format === 'npz' ? { 'numpy .npz': ['npz'] } : { JSON: ['json'] },
          bytes,
        );
        return;
      }
      case 'loadModel':
        return this.loadModel(evaluate);
      case 'importRun':
        return this.importRun();
    }
  }

  /** Parameters from .npz or JSON become a 'loaded' run: evaluated on the bundled test set, ready to inspect and draw on. */
  private async loadModel(evaluate: Evaluate): Promise<void> {
    const file = await openFile(
      vscode.l10n.t('Load trained TwoLayerNet parameters'),
      { 'TwoLayerNet parameters': ['npz', 'json'] },
      MODEL_FILE_MAX_BYTES,
    );
    if (!file) return;
    const name = basename(file.uri.fsPath);
    const loaded = await this.job({ type: 'readModel', name, bytes: file.bytes });
    if (loaded.type !== 'readModel') return;
    const { params } = loaded;
    const evaluated = await evaluate(params);
    const run: RunView = {
      id: newRunId(),
      name: loaded.meta.name ?? name,
      config: loaded.meta.config ?? { ...DEFAULT_RUN_CONFIG, hiddenSize: params.W1.cols },
      datasetName: name,
      createdAt: Date.now(),
      hidden: false,
      status: 'loaded',
      iterations: 0,
      epochs: [],
      finalLoss: null,
      trainAccuracy: evaluated.trainAccuracy,
      testAccuracy: evaluated.testAccuracy,
      wallSeconds: 0,
      hasModel: true,
    };
    this.addRun(run, [], params, evaluated.model);
  }

  private async importRun(): Promise<void> {
    const file = await openFile(
      vscode.l10n.t('Import a run exported as JSON'),
      { 'Gradient Lab run': ['json'] },
      RUN_FILE_MAX_BYTES,
    );
    if (!file) return;
    const read = await this.job({ type: 'readRun', name: basename(file.uri.fsPath), bytes: file.bytes });
    if (read.type !== 'readRun') return;
    const { run, losses } = read;
    this.addRun({ ...run, id: newRunId(), hidden: false, hasModel: false }, losses);
  }
}
