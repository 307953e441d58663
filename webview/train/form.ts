/**
 * The hyperparameter form. Values are checked with the protocol's own rules as they are typed
 * and again on Start, so a bad value is refused here, with its reason, before anything starts.
 */
import { format } from '../shared/l10n';
import {
  DEFAULT_RUN_CONFIG,
  FieldError,
  FieldName,
  PanelOptions,
  RunConfig,
  TRAIN_NUMBER_CONTROLS,
  type TrainControl,
  TrainLabView,
  type TrainNumberControl,
  checkRunConfig,
  naiveNumericalSecondsPerIteration,
  parameterCount,
} from '../../src/protocol/train';
import { OVERFIT_PRESET } from '../../src/core/sanity';
import { button, el, newId } from '../shared/dom';
import { iterPerEpoch } from '../../src/core/trainer';
import { decimal, duration, integer } from './format';
import { badge } from './badge';
import { S } from './strings';
import { markLocked } from '../shared/lockNote';

/** Fields that may be left empty (or 0): the book's way. */
const OPTIONAL_FIELDS: readonly TrainNumberControl[] = ['trainImages', 'checkEvery'];

/** What the form remembers across reloads: the text of each field, as typed. */
export type FormState = Record<TrainNumberControl | 'gradientMethod' | 'datasetKind' | 'folder' | 'sampling', string>;

export function formStateOf(c: RunConfig): FormState {
  return {
    hiddenSize: String(c.hiddenSize),
    learningRate: String(c.learningRate),
    batchSize: String(c.batchSize),
    iters: String(c.iters),
    weightInitStd: String(c.weightInitStd),
    seed: String(c.seed),
    trainImages: String(c.trainImages ?? 0),
    checkEvery: String(c.checkEvery ?? 0),
    sampling: c.sampling ?? 'replacement',
    gradientMethod: c.gradientMethod,
    datasetKind: c.dataset.kind,
    folder: c.dataset.kind === 'folder' ? c.dataset.path : '',
  };
}

export class TrainForm {
  readonly root: HTMLElement;
  private readonly inputs = {} as Record<TrainNumberControl, HTMLInputElement>;
  private readonly errors = {} as Record<FieldName, HTMLElement>;
  private readonly method: HTMLSelectElement;
  private readonly sampling: HTMLSelectElement;
  private readonly datasetKind: HTMLSelectElement;
  private readonly folder: HTMLInputElement;
  private readonly folderRow: HTMLElement;
  private readonly browse: HTMLButtonElement;
  private readonly warning: HTMLElement;
  private readonly batchNote: HTMLElement;
  private readonly batchSlow: HTMLElement;
  /** Each control's label (hidden with it) for a lab file's `hide`. */
  private readonly wrappers = {} as Record<TrainControl, HTMLElement>;
  /** What a lab file locks and hides (src/protocol/labFile.ts). */
  private locked = new Set<TrainControl>();
  private hiddenControls = new Set<TrainControl>();
  private enabled = true;

  constructor(
    private readonly options: PanelOptions,
    initial: FormState,
    private readonly onChange: (state: FormState) => void,
    onBrowse: () => void,
    onShare: () => void,
  ) {
    const fields = el('div', { class: 'form-grid' });
    for (const name of TRAIN_NUMBER_CONTROLS) {
      const errId = newId('err');
      const input = el('input', {
        type: 'text',
        inputmode: name === 'learningRate' || name === 'weightInitStd' ? 'decimal' : 'numeric',
        spellcheck: 'false',
        name,
        'aria-describedby': errId,
      });
      // A state saved by an older version lacks the newer fields: they start at the book's way.
      input.value = initial[name] ?? (OPTIONAL_FIELDS.includes(name) ? '0' : '');
      input.addEventListener('input', () => this.changed());
      this.inputs[name] = input;
      this.errors[name] = el('span', { class: 'invalid-reason', id: errId, 'aria-live': 'polite' });
      this.wrappers[name] = el('label', {}, el('span', { text: S[name] }), input, this.errors[name]);
      fields.append(this.wrappers[name]);
    }
    this.method = el(
      'select',
      { name: 'gradientMethod' },
      el('option', { value: 'backprop', text: S.methodBackprop }),
      el('option', { value: 'numerical', text: S.methodNumerical }),
    );
    this.method.value = initial.gradientMethod;
    this.method.addEventListener('change', () => this.changed());
    this.errors.gradientMethod = el('span', { class: 'invalid-reason' });
    this.sampling = el(
      'select',
      { name: 'sampling', title: S.samplingHint },
      el('option', { value: 'replacement', text: S.samplingReplacement }),
      el('option', { value: 'shuffled', text: S.samplingShuffled }),
    );
    this.sampling.value = initial.sampling === 'shuffled' ? 'shuffled' : 'replacement';
    this.sampling.addEventListener('change', () => this.changed());
    this.errors.sampling = el('span', { class: 'invalid-reason' });
    this.datasetKind = el(
      'select',
      { name: 'dataset' },
      el('option', { value: 'bundled', text: S.datasetBundled }),
      options.fashionAvailable &&
        el('option', { value: 'fashion', text: format(S.datasetFashion, options.fashionDir) }),
      el('option', { value: 'folder', text: S.datasetFolder }),
    );
    this.datasetKind.value =
      initial.datasetKind === 'fashion' && !options.fashionAvailable ? 'bundled' : initial.datasetKind;
    this.datasetKind.addEventListener('change', () => this.changed());
    const folderErr = newId('err');
    this.folder = el('input', {
      type: 'text',
      name: 'folder',
      spellcheck: 'false',
      'aria-describedby': folderErr,
      class: 'folder',
    });
    this.folder.value = initial.folder;
    this.folder.addEventListener('input', () => this.changed());
    this.errors.dataset = el('span', { class: 'invalid-reason', id: folderErr, 'aria-live': 'polite' });
    this.browse = button(S.browse, onBrowse, { class: 'secondary' });
    this.folderRow = el(
      'div',
      { class: 'row' },
      el('label', { class: 'grow' }, el('span', { text: S.folderPath }), this.folder, this.errors.dataset),
      this.browse,
    );
    this.warning = el('p', { class: 'warning numerical-warning', role: 'note' });
    this.batchNote = el('p', { class: 'muted small batch-note' });
    this.batchSlow = el('p', { class: 'warning batch-slow', role: 'note' });
    /** A choice across the form's width: its label, the control, and where its error shows. */
    const wide = (label: string, ...control: HTMLElement[]) =>
      el('label', { class: 'wide' }, el('span', { text: label }), ...control);
    this.wrappers.gradientMethod = wide(S.gradientMethod, this.method, this.errors.gradientMethod);
    this.wrappers.dataset = wide(S.dataset, this.datasetKind);
    this.wrappers.sampling = wide(S.sampling, this.sampling, this.errors.sampling);
    fields.append(this.wrappers.gradientMethod, this.wrappers.dataset, this.wrappers.sampling);
    this.root = el(
      'div',
      {},
      el(
        'div',
        { class: 'row spread' },
        el('h2', {}, S.hyperparameters, badge('4.5')),
        el(
          'div',
          { class: 'row' },
          button(S.defaults, () => this.setState(formStateOf(DEFAULT_RUN_CONFIG)), { class: 'secondary small' }),
          button(S.overfitPreset, () => this.setState(formStateOf({ ...DEFAULT_RUN_CONFIG, ...OVERFIT_PRESET })), {
            class: 'secondary small',
            title: S.overfitHint,
            name: 'overfitPreset',
          }),
          button(S.shareSetup, onShare, { class: 'secondary small', title: S.shareTitle, name: 'shareSetup' }),
        ),
      ),
      fields,
      this.folderRow,
      this.batchNote,
      this.batchSlow,
      this.warning,
    );
    this.refresh();
  }

  state(): FormState {
    const s = {} as FormState;
    for (const name of TRAIN_NUMBER_CONTROLS) s[name] = this.inputs[name].value;
    return {
      ...s,
      gradientMethod: this.method.value,
      datasetKind: this.datasetKind.value,
      folder: this.folder.value,
      sampling: this.sampling.value,
    };
  }

  /** Puts values into the form (presets, Book defaults, a lab file); a locked control keeps its value. */
  setState(state: FormState): void {
    const free = (c: TrainControl) => !this.locked.has(c);
    for (const name of TRAIN_NUMBER_CONTROLS) if (free(name)) this.inputs[name].value = state[name];
    if (free('gradientMethod')) this.method.value = state.gradientMethod;
    if (free('sampling')) this.sampling.value = state.sampling === 'shuffled' ? 'shuffled' : 'replacement';
    if (free('dataset')) {
      this.datasetKind.value = state.datasetKind;
      this.folder.value = state.folder;
    }
    this.changed();
  }

  /**
   * A lab file's setup: with `apply`, its values go into the form (a page that reloads keeps the
   * learner's edits of free controls); its locked controls are disabled with the reason, its hidden
   * ones not shown. null: no lab file, every control free.
   */
  setLab(lab: TrainLabView | null, apply: boolean): void {
    this.locked = new Set();
    if (lab && apply) this.setState(formStateOf(lab.config));
    this.locked = new Set(lab?.lock ?? []);
    this.hiddenControls = new Set(lab?.hide ?? []);
    // Locked values are the file's, whatever the page remembered.
    if (lab && !apply) {
      const keep = this.locked;
      this.locked = new Set();
      const mixed = { ...this.state() } as Record<string, string>;
      const fromFile = formStateOf(lab.config) as Record<string, string>;
      for (const c of keep) {
        if (c === 'dataset') (mixed.datasetKind = fromFile.datasetKind), (mixed.folder = fromFile.folder);
        else mixed[c] = fromFile[c];
      }
      this.setState(mixed as FormState);
      this.locked = keep;
    }
    for (const c of Object.keys(this.wrappers) as TrainControl[]) {
      const hidden = this.hiddenControls.has(c);
      this.wrappers[c].hidden = hidden;
      const locked = this.locked.has(c);
      const controls = c === 'dataset' ? [this.datasetKind, this.folder, this.browse] : [this.inputOf(c)];
      for (const control of controls) {
        control.dataset.locked = String(locked);
        if (locked) {
          control.title = S.lockedByTeacher;
          control.setAttribute('aria-description', S.lockedByTeacher);
        } else if (control.title === S.lockedByTeacher) {
          control.removeAttribute('title');
          control.removeAttribute('aria-description');
        }
      }
      this.wrappers[c].classList.toggle('locked', locked);
      markLocked(this.wrappers[c], locked, S.locked);
    }
    this.setEnabled(this.enabled);
    this.refresh();
  }

  isLocked(c: TrainControl): boolean {
    return this.locked.has(c);
  }

  /** Puts a learning rate into the form (the finder's suggestion), unless a lab file locks it. */
  setLearningRate(lr: number): void {
    if (this.locked.has('learningRate')) return;
    this.inputs.learningRate.value = String(lr);
    this.changed();
    this.inputs.learningRate.focus();
  }

  setFolder(path: string): void {
    this.datasetKind.value = 'folder';
    this.folder.value = path;
    this.changed();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    for (const name of TRAIN_NUMBER_CONTROLS) this.inputs[name].disabled = !enabled || this.locked.has(name);
    this.method.disabled = !enabled || this.locked.has('gradientMethod');
    this.sampling.disabled = !enabled || this.locked.has('sampling');
    const dataset = !enabled || this.locked.has('dataset');
    this.datasetKind.disabled = this.folder.disabled = this.browse.disabled = dataset;
  }

  /** The run's settings, or undefined with every refused field marked and the first one focused. */
  validate(): RunConfig | undefined {
    const { config, errors } = this.check();
    this.showErrors(errors);
    if (!config) {
      const first = errors[0]?.field;
      const target = first ? this.inputOf(first) : undefined;
      target?.focus();
    }
    return config;
  }

  private check() {
    const num = (name: TrainNumberControl) => {
      const raw = this.inputs[name].value.trim().replace('−', '-');
      return raw === '' ? NaN : Number(raw);
    };
    const kind = this.datasetKind.value;
    const values: Record<string, unknown> = {
      ...Object.fromEntries(
        TRAIN_NUMBER_CONTROLS.filter((n) => !OPTIONAL_FIELDS.includes(n) || this.inputs[n].value.trim() !== '').map(
          (n) => [n, num(n)],
        ),
      ),
      gradientMethod: this.method.value,
      sampling: this.sampling.value,
      dataset: kind === 'folder' ? { kind, path: this.folder.value } : { kind },
    };
    return checkRunConfig(values, kind === 'bundled' ? this.options.bundledTrainCount : undefined);
  }

  /**
   * Before a run starts, what its batch size means on the bundled set: images seen, epochs, and —
   * for a large batch — why it takes longer (the gradient of more images, and one accuracy check
   * on all train and test images per epoch, with far more epochs).
   */
  private explainBatch(): void {
    const batch = Number(this.inputs.batchSize.value);
    const iters = Number(this.inputs.iters.value);
    const train = this.options.bundledTrainCount;
    const whole = (x: number, max: number) => Number.isInteger(x) && x >= 1 && x <= max;
    const ok = this.datasetKind.value === 'bundled' && whole(batch, train) && whole(iters, Infinity);
    this.batchNote.hidden = this.batchSlow.hidden = !ok;
    if (!ok) return;
    const evaluated = 2 * train; // the bundled set: as many test images as training images
    const perEpoch = iterPerEpoch(train, batch);
    const epochs = Math.ceil(iters / perEpoch);
    const seen = integer(iters * batch);
    this.batchNote.textContent = format(
      S.batchNote,
      integer(iters),
      integer(batch),
      seen,
      integer(epochs),
      integer(train),
      integer(evaluated),
    );
    // Work: the images trained on plus the images each epoch's accuracy check goes through.
    const work = (b: number) => iters * b + Math.ceil(iters / iterPerEpoch(train, b)) * evaluated;
    const ratio = work(batch) / work(DEFAULT_RUN_CONFIG.batchSize);
    this.batchSlow.hidden = ratio < 3;
    const perEpochText = Number.isInteger(perEpoch) ? integer(perEpoch) : decimal(perEpoch, 1);
    const times = integer(Math.round(ratio));
    this.batchSlow.textContent = format(S.batchSlow, times, integer(batch), perEpochText, integer(epochs));
  }

  private showErrors(errors: FieldError[]): void {
    for (const [field, span] of Object.entries(this.errors) as [FieldName, HTMLElement][]) {
      const e = errors.find((x) => x.field === field);
      span.textContent = e ? format(S[e.reason], ...e.args) : '';
      const input = this.inputOf(field);
      input.setAttribute('aria-invalid', String(!!e));
    }
  }

  private inputOf(field: FieldName): HTMLElement {
    if (field === 'dataset') return this.folder;
    if (field === 'gradientMethod') return this.method;
    if (field === 'sampling') return this.sampling;
    return this.inputs[field];
  }

  private changed(): void {
    this.refresh();
    this.onChange(this.state());
  }

  private refresh(): void {
    this.folderRow.hidden = this.datasetKind.value !== 'folder' || this.hiddenControls.has('dataset');
    const { errors } = this.check();
    this.showErrors(errors);
    this.explainBatch();
    const numerical = this.method.value === 'numerical';
    this.warning.hidden = !numerical;
    if (numerical) {
      const hidden = Number(this.inputs.hiddenSize.value) || DEFAULT_RUN_CONFIG.hiddenSize;
      const batch = Number(this.inputs.batchSize.value) || DEFAULT_RUN_CONFIG.batchSize;
      const iters = Number(this.inputs.iters.value) || DEFAULT_RUN_CONFIG.iters;
      const p = parameterCount(hidden);
      const perIter = naiveNumericalSecondsPerIteration(hidden, batch);
      this.warning.textContent = format(
        S.numericalWarning,
        integer(p),
        integer(2 * p),
        duration(perIter),
        integer(iters),
        duration(perIter * iters),
      );
    }
  }
}
