/**
 * The training panel's controller: one panel, one training worker at a time, the kept runs.
 * It validates every message from the page, routes controls to the worker and forwards the
 * worker's progress batches (already throttled to ~30 a second) to the page, which only draws.
 */
import * as vscode from 'vscode';
import { existsSync } from 'fs';
import { join } from 'path';
import type { TwoLayerParams } from '../../core/twoLayerNet';
import { BUNDLED_TRAIN_COUNT } from '../../data/mnist';
import { BUNDLED_DATASET_NAME, FASHION_MNIST_DIR, bundledDataDir } from '../../node/mnistFiles';
import {
  DEFAULT_RUN_CONFIG,
  LossHistory,
  ModelView,
  PanelOptions,
  RunConfig,
  RunView,
  TRAIN_STRINGS,
  TRAIN_VIEW_TYPE,
  TrainFromWebview,
  TrainLabView,
  TrainToWebview,
  parseTrainMessage,
  startedRun,
} from '../../protocol/train';
import {
  type TrainLabFile,
  instructionText,
  keepLocked,
  keepsTrainLocks,
  labFileText,
  parseLabFile,
} from '../../protocol/labFile';

/** Where the training panel keeps its lab file's setup across a window reload (workspace state). */
const LAB_STATE_KEY = 'gradientLab.train.labFile';
const LAB_SEQ_KEY = 'gradientLab.train.labSeq';
import { shareLabFile } from '../labShare';
import { PROGRESS_KEYS, markStepDone } from '../progress';
import { localize, renderPage, validated, webviewOptions } from '../webviewHtml';
import { createPanel, revealPanel, trackPanel } from '../placement';
import { netFromParams } from './modelView';
import { HISTORY_POINTS, RunStore } from './runStore';
import { downsampleMean } from '../../protocol/runHistory';
import { TrainSession, runWorkerJob } from './trainSession';
import { RunFiles, newRunId } from './runFiles';
import type { DatasetSource, ModelPicture } from './workerProtocol';
import { errorMessage } from '../../util/text';
import { handleStudyNote } from '../studyNote';
import { STUDY_NOTE_STRINGS } from '../../protocol/studyNote';

let log: vscode.LogOutputChannel | undefined;
export function trainLog(): vscode.LogOutputChannel {
  return (log ??= vscode.window.createOutputChannel('Gradient Lab: Training', { log: true }));
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export class TrainPanel {
  static current: TrainPanel | undefined;

  static show(context: vscode.ExtensionContext): TrainPanel {
    if (TrainPanel.current) {
      revealPanel(TrainPanel.current.panel);
      return TrainPanel.current;
    }
    // No retainContextWhenHidden: a page that was hidden is rebuilt from 'init', since this
    // controller keeps the live run's whole history; a hidden page costs no memory meanwhile.
    // Beside, in the column the other Gradient Lab panels share (placement.ts): never over the walkthrough.
    const panel = createPanel(
      TRAIN_VIEW_TYPE,
      vscode.l10n.t(TRAIN_STRINGS.title),
      webviewOptions(context.extensionUri),
    );
    return new TrainPanel(panel, context);
  }

  /** After a window reload: the same panel, its runs read back from storage. */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext): TrainPanel {
    // A lab file's setup outlives a window reload: its locks hold until the panel closes.
    const kept = context.workspaceState?.get<string>(LAB_STATE_KEY);
    const keptSeq = context.workspaceState?.get<number>(LAB_SEQ_KEY);
    TrainPanel.current?.panel.dispose();
    trackPanel(panel);
    panel.webview.options = webviewOptions(context.extensionUri);
    const revived = new TrainPanel(panel, context);
    if (kept) {
      try {
        const file = parseLabFile(kept);
        if (file.panel === 'train') revived.openLab(file, keptSeq);
      } catch {
        void context.workspaceState.update(LAB_STATE_KEY, undefined);
      }
    }
    return revived;
  }

  readonly store: RunStore;
  private readonly files: RunFiles;
  private session: TrainSession | undefined;
  private live: RunView | undefined;
  private ready = false;
  private queued: TrainToWebview[] = [];
  private lastModel: ModelView | undefined;
  private lastNetCheck: TrainToWebview | undefined;
  private lastLrFinder: TrainToWebview | undefined;
  /** Parameters of recently inspected runs, for the drawing pad's predictions. */
  private readonly params = new Map<string, TwoLayerParams>();
  /** Runs the store could not save, kept in memory (shown, exportable) until the panel closes. */
  private readonly unsaved = new Map<string, RunView>();
  private readonly unsavedHistory = new Map<string, LossHistory>();
  private readonly unsavedLosses = new Map<string, Float64Array>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The lab file this panel was set up from, if any: its locked values hold until the panel closes. */
  private lab: { file: TrainLabFile; view: TrainLabView } | undefined;
  private static labSeq = 0;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
  ) {
    TrainPanel.current = this;
    const storage = context.storageUri ?? context.globalStorageUri;
    this.store = new RunStore(join(storage.fsPath, 'train-runs'), (m) => trainLog().warn(m));
    this.files = new RunFiles(
      this.store,
      (id) => this.paramsOf(id),
      (m) => this.post(m),
      (run, losses, params, model) => this.addRun(run, losses, params, model),
      (id) => {
        const run = this.unsaved.get(id);
        return run ? { run, losses: this.unsavedLosses.get(id) ?? new Float64Array(0) } : undefined;
      },
      vscode.Uri.joinPath(context.extensionUri, 'dist', 'fileWorker.js').fsPath,
    );
    panel.webview.html = renderPage(panel.webview, context.extensionUri, {
      page: 'train',
      title: vscode.l10n.t(TRAIN_STRINGS.title),
      strings: localize({ ...TRAIN_STRINGS, ...STUDY_NOTE_STRINGS }),
      data: this.options(),
      styles: ['shared/base.css', 'train/train.css'],
    });
    panel.webview.onDidReceiveMessage((m) => this.receive(m), undefined, this.disposables);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  private get workerFile(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'trainWorker.js').fsPath;
  }

  private options(): PanelOptions {
    return {
      fashionAvailable: existsSync(FASHION_MNIST_DIR),
      fashionDir: FASHION_MNIST_DIR,
      bundledTrainCount: BUNDLED_TRAIN_COUNT,
    };
  }

  private dataset(config: RunConfig): DatasetSource {
    const d = config.dataset;
    if (d.kind === 'bundled') return { kind: 'bundled', dir: bundledDataDir(this.context.extensionPath) };
    return { kind: 'folder', path: d.kind === 'fashion' ? FASHION_MNIST_DIR : d.path };
  }

  /** Sets the form to a lab file's setup, locks and hides its controls, and shows its instruction. */
  openLab(file: TrainLabFile, keptSeq?: number): void {
    const instruction = instructionText(file.instruction, vscode.env.language);
    const view: TrainLabView = {
      // After a reload the page has applied this setup already (its state keeps the seq).
      seq: keptSeq ?? Date.now() * 1000 + (TrainPanel.labSeq++ % 1000),
      config: file.config,
      lock: file.lock,
      hide: file.hide,
      ...(instruction ? { instruction } : {}),
    };
    this.lab = { file, view };
    void this.context.workspaceState?.update(LAB_STATE_KEY, labFileText(file));
    void this.context.workspaceState?.update(LAB_SEQ_KEY, view.seq);
    this.post({ type: 'lab', lab: view });
  }

  /** A message that would change a locked value is ignored (the page disables those controls too). */
  private keepsLocks(config: RunConfig, what: string): boolean {
    if (keepsTrainLocks(config, this.lab?.file)) return true;
    trainLog().warn(`Ignored ${what}: it changes a control the lab file locks (${this.lab?.file.lock.join(', ')})`);
    return false;
  }

  private async share(config: RunConfig): Promise<void> {
    const file = keepLocked<TrainLabFile>({ panel: 'train', config, lock: [], hide: [] }, this.lab?.file);
    await shareLabFile(file);
  }

  post(m: TrainToWebview): void {
    if (!this.ready) {
      this.queued.push(m);
      return;
    }
    void this.panel.webview.postMessage(m);
  }

  private receive(raw: unknown): void {
    const m = validated(raw, parseTrainMessage, (why) =>
      trainLog().warn(`Dropped a message from the training page: ${why}`, JSON.stringify(raw)?.slice(0, 300)),
    );
    if (!m) return;
    void this.handle(m).catch((e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      trainLog().error(`${m.type}: ${text}`);
      this.notice('error', text);
    });
  }

  private async handle(m: TrainFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.sendInit();
      case 'start':
        if (!this.keepsLocks(m.config, 'a start')) return;
        return this.start(m.config);
      case 'share':
        return this.share(m.config);
      case 'pause':
        return this.session?.pause();
      case 'resume':
        return this.session?.resume();
      case 'step':
        return this.session?.step();
      case 'stop':
        return this.session?.stop();
      case 'reset':
        return this.reset();
      case 'renameRun':
      case 'setHidden': {
        const patch = m.type === 'renameRun' ? { name: m.name } : { hidden: m.hidden };
        if (this.live?.id === m.id) Object.assign(this.live, patch);
        const run = this.live?.id === m.id ? this.live : this.store.update(m.id, patch);
        if (run) this.post({ type: 'runUpdated', run });
        return;
      }
      case 'deleteRun':
        if (this.live?.id === m.id) return;
        this.store.delete(m.id);
        this.params.delete(m.id);
        if (this.lastModel?.id === m.id) this.lastModel = undefined;
        this.post({ type: 'runDeleted', id: m.id });
        return;
      case 'selectModel':
        return this.showModel(m.id);
      case 'predict': {
        const params = this.paramsOf(m.id);
        if (!params) return;
        const probs = netFromParams(params).predict({
          rows: 1,
          cols: m.pixels.length,
          data: Float64Array.from(m.pixels),
        }).data;
        this.post({ type: 'probabilities', requestId: m.requestId, id: m.id, probs: Array.from(probs) });
        return;
      }
      case 'checkNetwork':
        return this.checkNetwork(m.batchSize);
      case 'setLearningRate':
        if (this.lab?.file.lock.includes('learningRate')) {
          trainLog().warn('Ignored a learning-rate change: the lab file locks the learning rate');
          return;
        }
        return this.setLearningRate(m.learningRate);
      case 'findLearningRate':
        if (!this.keepsLocks(m.config, 'the learning-rate finder')) return;
        return this.findLearningRate(m.config);
      case 'studyNote':
        return handleStudyNote(m);
      case 'pickFolder':
      case 'exportRun':
      case 'exportChart':
      case 'saveModel':
      case 'loadModel':
      case 'importRun':
        return this.files.handle(m, (params) => this.evaluate(params));
      default: {
        // Every type in src/protocol/train.ts has a case: a new message is a compile error until handled.
        const unhandled: never = m;
        throw new Error(`unhandled message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private sendInit(): void {
    const runs = [...this.store.list(), ...this.unsaved.values()];
    const histories = runs.map((r) => this.unsavedHistory.get(r.id) ?? this.store.history(r.id));
    if (this.live && this.session) {
      // A page that was hidden (or reloaded) mid-run gets the live run as far as it has come.
      this.live.epochs = [...this.session.epochs];
      this.live.iterations = this.session.iteration;
      runs.push(this.live);
      histories.push({ id: this.live.id, stride: 1, loss: [...this.session.losses] });
    }
    this.ready = true;
    void this.panel.webview.postMessage({
      type: 'init',
      runs,
      histories,
      current: this.live?.id,
      options: this.options(),
      ...(this.lab ? { lab: this.lab.view } : {}),
    } satisfies TrainToWebview);
    const watch =
      this.live && this.session
        ? this.session.watch.map((item) => ({ type: 'watch', id: this.live?.id ?? '', item }) as const)
        : [];
    const again = [
      ...(this.lastModel ? [{ type: 'model', view: this.lastModel } as const] : []),
      ...(this.lastNetCheck ? [this.lastNetCheck] : []),
      ...(this.lastLrFinder ? [this.lastLrFinder] : []),
      ...watch,
    ];
    for (const q of [...again, ...this.queued.splice(0)]) this.post(q);
    this.showStoreNotices();
  }

  /** What the run store could not read (each names its file or entry), as the page's notices. */
  /** A line at the top of the page: information, a warning or an error. */
  private notice(level: 'info' | 'warning' | 'error', text: string): void {
    this.post({ type: 'notice', level, text });
  }

  private showStoreNotices(): void {
    for (const text of this.store.takeNotices()) this.notice('warning', vscode.l10n.t('Saved runs: {0}', text));
  }

  private start(config: RunConfig): void {
    if (this.session) {
      this.notice('warning', vscode.l10n.t('A run is already in progress: stop or reset it before starting another.'));
      return;
    }
    try {
      // A folder that cannot be written is said before the run, not after it is lost.
      this.store.ensureWritable();
    } catch (e) {
      this.notice('error', vscode.l10n.t('Training could not run: {0}', errorMessage(e)));
      return;
    }
    const n = this.store.list().length + 1;
    const id = newRunId();
    const run = startedRun({
      id,
      name:
        vscode.l10n.t(
          '#{0} · batch {1} · lr {2} · hidden {3}',
          n,
          config.batchSize,
          config.learningRate,
          config.hiddenSize,
        ) + (config.gradientMethod === 'numerical' ? ` · ${vscode.l10n.t('numerical')}` : ''),
      config,
      datasetName: '',
      createdAt: Date.now(),
    });
    this.live = run;
    this.post({ type: 'runStarted', run });
    const session: TrainSession = new TrainSession(
      this.workerFile,
      { type: 'train', config, dataset: this.dataset(config) },
      {
        loaded: (info) => {
          // The bundled set's name in the display language (the worker names it in English, as the CLI does).
          run.datasetName =
            info.datasetName === BUNDLED_DATASET_NAME
              ? vscode.l10n.t('MNIST (bundled subset: 10k train, 10k test)')
              : info.datasetName;
          this.post({ type: 'runUpdated', run });
        },
        progress: (batch) => {
          run.diagnosis = batch.diagnosis;
          this.post({ type: 'progress', id, ...batch });
        },
        watch: (item) => this.post({ type: 'watch', id, item }),
        state: (state) => {
          run.status = state;
          this.post({ type: 'runState', id, state });
        },
        done: (summary, params, model) => {
          if (this.session !== session) return;
          this.session = undefined;
          this.live = undefined;
          Object.assign(run, {
            status: summary.reason,
            iterations: summary.iterations,
            epochs: [...session.epochs],
            finalLoss: finiteOrNull(summary.finalLoss),
            trainAccuracy: finiteOrNull(summary.trainAccuracy),
            testAccuracy: finiteOrNull(summary.testAccuracy),
            wallSeconds: summary.wallSeconds,
            learningRateChanges: summary.learningRateChanges,
            diagnosis: summary.diagnosis,
            message:
              summary.diagnosis?.kind === 'not-a-number' && summary.diagnosis.fromStart
                ? vscode.l10n.t(TRAIN_STRINGS.diagNotANumberStart, String(summary.finalLoss))
                : summary.reason === 'diverged'
                  ? vscode.l10n.t(
                      TRAIN_STRINGS.divergedAdvice,
                      String(summary.finalLoss),
                      summary.iterations,
                      config.learningRate,
                    )
                  : undefined,
          });
          this.addRun(run, session.losses, params, model);
          // The walkthrough's "Train TwoLayerNet" step is done once a run has gone all the way.
          if (summary.reason === 'finished') void markStepDone(PROGRESS_KEYS.trainingFinished);
        },
        error: (message) => {
          if (this.session !== session) return;
          this.session = undefined;
          this.live = undefined;
          this.post({ type: 'runDeleted', id });
          this.notice('error', vscode.l10n.t('Training could not run: {0}', message));
        },
      },
    );
    this.session = session;
  }

  /** Keeps a run (finished, stopped, diverged, loaded or imported) and shows it. */
  private addRun(run: RunView, losses: ArrayLike<number>, params?: TwoLayerParams, model?: ModelPicture): void {
    let kept: RunView;
    let history: LossHistory;
    try {
      this.store.add(run, losses, params);
      kept = this.store.get(run.id) ?? run;
      history = this.store.history(run.id);
    } catch (e) {
      // Never lost silently: the run stays in this panel, and the learner is told why it is not saved.
      kept = { ...run, hasModel: !!params };
      history = { id: run.id, ...downsampleMean(losses, HISTORY_POINTS) };
      this.unsaved.set(run.id, kept);
      this.unsavedHistory.set(run.id, history);
      this.unsavedLosses.set(run.id, Float64Array.from(losses));
      trainLog().error(`run ${run.id} not saved: ${errorMessage(e)}`);
      this.notice(
        'error',
        vscode.l10n.t(
          'This run could not be saved ({0}). It stays in this panel until the window closes: export it (CSV, JSON, .npz) to keep it.',
          errorMessage(e),
        ),
      );
    }
    this.post({ type: 'runFinished', run: kept, history });
    this.showStoreNotices();
    if (params) this.params.set(run.id, params);
    if (model) this.setModel({ ...model, id: run.id });
  }

  private reset(): void {
    const s = this.session;
    const id = this.live?.id;
    this.session = undefined;
    this.live = undefined;
    void s?.dispose();
    if (id) this.post({ type: 'runDeleted', id });
    this.post({ type: 'reset' });
  }

  private paramsOf(id: string): TwoLayerParams | undefined {
    let p = this.params.get(id);
    if (!p) {
      p = this.store.params(id);
      if (p) this.params.set(id, p);
    }
    // A handful are enough: the drawing pad uses the inspected run.
    while (this.params.size > 4) this.params.delete(this.params.keys().next().value!);
    return p;
  }

  private setModel(view: ModelView): void {
    this.lastModel = view;
    this.post({ type: 'model', view });
  }

  private async showModel(id: string): Promise<void> {
    if (this.lastModel?.id === id) return this.setModel(this.lastModel);
    const params = this.paramsOf(id);
    if (!params) {
      this.notice('info', vscode.l10n.t('This run kept no weights (it diverged or was imported from a history file).'));
      return;
    }
    // On the data the run was trained on (a folder, Fashion-MNIST…); loaded models on the bundled set.
    try {
      const { model } = await this.evaluate(params, this.store.get(id)?.config ?? DEFAULT_RUN_CONFIG);
      this.setModel({ ...model, id });
    } catch (e) {
      this.notice('error', vscode.l10n.t('Could not show the model: {0}', errorMessage(e)));
    }
  }

  private evaluate(params: TwoLayerParams, config: RunConfig = DEFAULT_RUN_CONFIG) {
    return runWorkerJob(this.workerFile, { type: 'evaluate', params, dataset: this.dataset(config) }, 'evaluated');
  }

  /** A learning-rate change for the run in progress (running or paused); the worker records it. */
  private setLearningRate(learningRate: number): void {
    if (!this.session || this.session.state === 'done') {
      this.notice('info', vscode.l10n.t('No run is in progress: the new learning rate applies when you start one.'));
      return;
    }
    this.session.setLearningRate(learningRate);
  }

  /**
   * A job in a worker of its own: its message is kept (a page that reloads gets it again) and posted when
   * the job starts and when it is done or failed.
   */
  private async jobMessages(
    keep: (m: TrainToWebview) => void,
    running: TrainToWebview,
    run: () => Promise<TrainToWebview>,
    failed: (why: string) => TrainToWebview,
  ): Promise<void> {
    keep(running);
    this.post(running);
    let end: TrainToWebview;
    try {
      end = await run();
    } catch (e) {
      end = failed(errorMessage(e));
    }
    keep(end);
    this.post(end);
  }

  /** The learning-rate finder, in a worker of its own, on the form's network and data. */
  async findLearningRate(config: RunConfig): Promise<void> {
    await this.jobMessages(
      (m) => (this.lastLrFinder = m),
      { type: 'lrFinder', state: 'running' },
      async () => {
        const job = { type: 'lrFinder' as const, config, dataset: this.dataset(config) };
        const { result } = await runWorkerJob(this.workerFile, job, 'lrFinder');
        return { type: 'lrFinder', state: 'done', result };
      },
      (why) => ({ type: 'lrFinder', state: 'error', text: vscode.l10n.t('The learning-rate finder failed: {0}', why) }),
    );
  }

  /** The book's gradient check on every parameter group, in a worker of its own. */
  async checkNetwork(batchSize = 3): Promise<void> {
    const { hiddenSize, weightInitStd, seed } = DEFAULT_RUN_CONFIG;
    await this.jobMessages(
      (m) => (this.lastNetCheck = m),
      { type: 'netCheck', state: 'running', batchSize },
      async () => {
        const job = {
          type: 'netCheck' as const,
          batchSize,
          hiddenSize,
          weightInitStd,
          seed,
          dataset: this.dataset(DEFAULT_RUN_CONFIG),
        };
        const { result } = await runWorkerJob(this.workerFile, job, 'netCheck');
        return { type: 'netCheck', state: 'done', result };
      },
      (why) => ({ type: 'netCheck', state: 'error', text: vscode.l10n.t('The gradient check failed: {0}', why) }),
    );
  }

  /**
   * Ends the training worker now (the panel closed, or the window is reloading). A run in progress
   * is kept as far as it came — losses, epochs, accuracies — marked stopped; its weights lived in
   * the worker and are gone.
   */
  endWorker(): void {
    const session = this.session;
    const run = this.live;
    this.session = undefined;
    this.live = undefined;
    void session?.dispose();
    if (session && run && session.iteration > 0) this.keepInterrupted(run, session);
  }

  private keepInterrupted(run: RunView, session: TrainSession): void {
    const last = session.epochs[session.epochs.length - 1];
    const losses = session.losses;
    let finalLoss: number | null = null;
    for (let i = losses.length - 1; i >= 0 && finalLoss === null; i--) finalLoss = finiteOrNull(losses[i]);
    Object.assign(run, {
      status: 'stopped',
      iterations: session.iteration,
      epochs: [...session.epochs],
      finalLoss,
      trainAccuracy: last?.trainAccuracy ?? null,
      testAccuracy: last?.testAccuracy ?? null,
      wallSeconds: session.elapsedMs / 1000,
      message: vscode.l10n.t(
        'Interrupted at iteration {0} when its panel closed; the history is kept, the weights are not.',
        session.iteration,
      ),
    } satisfies Partial<RunView>);
    try {
      this.store.add(run, losses);
    } catch (e) {
      trainLog().warn(`could not keep the interrupted run ${run.id}: ${errorMessage(e)}`);
    }
  }

  private dispose(): void {
    if (TrainPanel.current === this) TrainPanel.current = undefined;
    // The lab file's setup ends with its panel (a window reload does not dispose the panel).
    void this.context.workspaceState?.update(LAB_STATE_KEY, undefined);
    // Closing the panel ends its worker: no training thread without a panel to show it.
    this.endWorker();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
