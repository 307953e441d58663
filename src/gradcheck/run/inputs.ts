import { softmaxVector } from '../../core/functions';
import { Random } from '../../core/random';
import type { PresetChoice } from '../../protocol/gradcheck';
import type { Json } from '../../protocol/validate';
import type { ClassInfo, FunctionInfo } from '../source/findFunctions';

/**
 * Inputs for a check, made up from the parameters' names the way chapter 4 names things: a loss
 * `(y, t)` gets softmax outputs and one-hot targets, `x` a vector (a batch when there is a `W`),
 * `W` a matrix, `b` a vector, `batch_size` the batch size. Seeded, so the same seed gives the
 * same numbers; values are kept away from 0 so relu/abs kinks are not probed by accident.
 * The book's own examples are presets.
 */

export type Inputs = Record<string, Json>;

export interface InputOptions {
  batchSize: number;
  seed: number;
  /** false: one example (y and t as vectors), for code written without a batch axis. */
  batched?: boolean;
  /** The weights live elsewhere (self.W of the method's class): size x and t for a 2 × 3 W. */
  externalWeights?: boolean;
  /** Parameters with a default value in the code (eps=1e-8): kept, not generated (text of the default). */
  defaults?: Record<string, string>;
  /** Sizes for a network the check builds (TwoLayerNet): data width D and classes C. */
  sizes?: { D: number; C: number };
  /** The function is named for classification (softmax_loss, svm_loss, cross_entropy): y beside x is labels. */
  classifier?: boolean;
  /** The shape an output argument (grad, deltas) gets: that of the differentiated input. */
  outputLike?: string;
  /** A layer on images (conv, pool, spatial batch norm): x of shape (N, C, H, W). */
  spatial?: boolean;
  /** How the code uses its label-like parameters (labelForms): as one-hot rows, as indices. */
  labelForms?: LabelForms;
}

export interface LabelForms {
  oneHot: string[];
  index: string[];
}

/**
 * How the code uses each parameter that could hold the answers: as one-hot rows (label * np.log(y),
 * (y - label) ** 2, label.argmax(axis=1)) or as class indices (y[np.arange(N), label], np.eye(C)[label]).
 */
export function labelForms(source: string, params: string[]): LabelForms {
  // Comments say nothing of what runs (`#return -np.sum(t * np.log(y + 1e-7))` kept from the one-hot form).
  const text = source.replace(/#[^\n]*/g, '');
  const oneHot: string[] = [];
  const index: string[] = [];
  for (const p of params) {
    if (!/^[A-Za-z_]\w*$/.test(p)) continue;
    const n = `\\b${p}\\b`;
    const asIndex = new RegExp(`[,[]\\s*${p}\\s*\\]|eye\\([^)]*\\)\\s*\\[\\s*${p}\\b`).test(text);
    const arithmetic = `${n}\\s*(\\*\\*?|/|[-+](?!=))|(\\*|/|[-+])\\s*${n}(?!\\s*\\[)`;
    const asRows = new RegExp(`${arithmetic}|${n}\\.argmax|argmax\\(\\s*${p}\\b`).test(text);
    if (asRows) oneHot.push(p);
    if (asIndex) index.push(p);
  }
  return { oneHot, index };
}

export const DEFAULT_INPUT_OPTIONS: InputOptions = { batchSize: 4, seed: 0, batched: true };

type Role =
  | 'probs'
  | 'target'
  | 'labels'
  | 'batch'
  | 'weights'
  | 'bias'
  | 'data'
  | 'logits'
  | 'constant'
  | 'reg'
  | 'output'
  | 'settings'
  | 'flag'
  | 'vector';

const CONSTANTS: Record<string, number> = {
  delta: 1e-7,
  eps: 1e-7,
  epsilon: 1e-7,
  h: 1e-4,
  lr: 0.1,
  learning_rate: 0.1,
  alpha: 0.1,
};

/** A regularisation strength: checked at a nonzero value (and again at 0) so a bug in its term shows. */
export const REG_VALUE = 0.1;
const REG_NAMES = [
  'reg',
  'lambda_',
  'lambd',
  'lam',
  'lmbda',
  'l2',
  'l2_reg',
  'reg_strength',
  'reg_lambda',
  'lambda_reg',
  'weight_decay',
  'weight_decay_lambda',
  'regularization',
  'lambda',
];
/**
 * CS231n's layer functions take their settings in a dict: conv_forward_naive(x, w, b, conv_param),
 * max_pool_forward_naive(x, pool_param), batchnorm_forward(x, gamma, beta, bn_param),
 * dropout_forward(x, dropout_param). The values its gradient checks use; dropout seeded, so every
 * forward drops the same units (the assignment's dropout_forward seeds numpy with it).
 */
const LAYER_SETTINGS: Record<string, Record<string, Json>> = {
  conv_param: { stride: 1, pad: 1 },
  pool_param: { pool_height: 2, pool_width: 2, stride: 2 },
  bn_param: { mode: 'train' },
  ln_param: {},
  gn_param: {},
  dropout_param: { p: 0.5, mode: 'train', seed: 123 },
};

/** Arguments a function fills with its gradient (JS `MSE(y, t, deltas)`, `grad_f(x, out)`). */
const OUTPUT_NAMES = [
  'grad',
  'grads',
  'gradient',
  'deltas',
  'grad_out',
  'out_grad',
  'grad_output',
  'dest',
  'gradout',
  'outgrad',
];

export function roleOf(name: string): Role {
  const n = name.toLowerCase().replace(/\d+$/, '');
  if (REG_NAMES.includes(n)) return 'reg';
  if (OUTPUT_NAMES.includes(n)) return 'output';
  if (n in LAYER_SETTINGS) return 'settings';
  if (n in CONSTANTS) return 'constant';
  // A training switch without a default (forward(self, x, train_flg), for_trainning): on, as in training.
  if (/^(is_|for_)?train(ing|ning)?(_?(flg|flag|mode))?$|_(flg|flag)$/.test(n)) return 'flag';
  if (
    [
      'y',
      'y_pred',
      'ypred',
      'pred',
      'preds',
      'prediction',
      'predictions',
      'prob',
      'probs',
      'probabilities',
      'p',
      'y_hat',
      'yhat',
      'output',
      'outputs',
      'out',
    ].includes(n)
  )
    return 'probs';
  if (['t', 'target', 'targets', 'y_true', 'ytrue', 'onehot', 'one_hot', 't_onehot'].includes(n)) return 'target';
  // Other names learners give the answers: true_label (a Chinese edition's common/), answer, t_batch.
  if (/^(true_labels?|answers?|ground_truth|gt|t_(batch|train|test))$/.test(n)) return 'target';
  if (['label', 'labels', 't_label', 't_labels', 'y_label', 'y_labels'].includes(n)) return 'labels';
  if (['batch_size', 'batchsize', 'n', 'batch', 'num', 'n_samples'].includes(n)) return 'batch';
  if (['w', 'weight', 'weights'].includes(n)) return 'weights';
  if (['b', 'bias', 'biases'].includes(n)) return 'bias';
  if (['x', 'xs', 'input', 'inputs', 'data', 'x_batch'].includes(n)) return 'data';
  if (['a', 'z', 'logit', 'logits', 'score', 'scores', 'a2'].includes(n)) return 'logits';
  return 'vector';
}

/** Differentiable unless it is a target, a label, a count or a constant. */
export function isDifferentiable(name: string): boolean {
  return !['target', 'labels', 'batch', 'constant', 'reg', 'output', 'settings', 'flag'].includes(
    roleOf(name.replace(/^self\./, '')),
  );
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** A standard normal sample rounded to 4 decimals and at least 0.05 away from 0. */
function awayFromZero(rng: Random): number {
  for (;;) {
    const v = round4(rng.randn());
    if (Math.abs(v) >= 0.05) return v;
  }
}

/**
 * Linear regression as the Coursera labs write it — `compute_cost(x, y, w, b)` with a lowercase
 * w and no t: scalars w, b for a vector x (one feature); w a vector for a matrix X.
 */
export function isRegression(params: string[]): boolean {
  return (
    params.includes('w') &&
    params.some((p) => p === 'y' || p === 'y_train') &&
    params.some((p) => /^(x|X|x_train|X_train)$/.test(p)) &&
    !params.some((p) => roleOf(p) === 'target')
  );
}

/** Integer class labels: y, t or labels next to the data X — the `(W, X, y, reg)` signature. */
function labelsBesideData(params: string[], p: string, network: boolean, namedClassifier = false): boolean {
  // Only for a classifier: weights or a regularisation strength beside X (or a network the check builds),
  // or a loss named for classification (CS231n's softmax_loss(x, y), svm_loss(x, y): scores and labels).
  const classifier = network || namedClassifier || params.some((q) => ['weights', 'reg'].includes(roleOf(q)));
  return (
    /^(y|y_batch|y_train|labels)$/.test(p) &&
    classifier &&
    params.some((q) => q !== p && roleOf(q) === 'data') &&
    !isRegression(params)
  );
}

export function generateInputs(params: string[], options: InputOptions = DEFAULT_INPUT_OPTIONS): Inputs {
  const rng = new Random(options.seed);
  const defaults = options.defaults ?? {};
  // A parameter with a default keeps it (eps=1e-8), unless the default stands for "no value"
  // (y=None) or it is a regularisation strength (reg=0.0: a nonzero one makes its bugs show).
  // None kept too for an axis or a dtype (softmax(x, dim=None)): an array there is no value of theirs.
  const keep = (p: string) =>
    p in defaults &&
    (defaults[p] !== 'None' || /^(axis|axes|dim|dims|dtype)$/i.test(p)) &&
    !['reg', 'labels', 'target', 'data', 'weights'].includes(roleOf(p));
  params = params.filter((p) => !keep(p));
  const forms = options.labelForms;
  const roles = params.map((p): Role => {
    const role = labelsBesideData(params, p, !!options.sizes, options.classifier) ? 'labels' : roleOf(p);
    // The code says which form its answers take: `label * np.log(y)` wants one-hot rows, the book's
    // 4.2.4 `y[np.arange(batch_size), t]` class indices. Used both ways (t.argmax, then indices), as named.
    const rows = !!forms?.oneHot.includes(p);
    const index = !!forms?.index.includes(p);
    if (role === 'labels' && rows && !index && roleOf(p) === 'labels') return 'target';
    if (role === 'target' && index && !rows) return 'labels';
    return role;
  });
  const hasWeights = roles.includes('weights') || !!options.externalWeights;
  const hasTarget = roles.includes('target') || roles.includes('labels');
  const batched = options.batched ?? true;
  const N = batched ? options.batchSize : 1;
  const C = options.sizes?.C ?? (hasWeights ? 3 : 10);
  const D = options.sizes?.D ?? 2;
  if (isRegression(params)) return regressionInputs(params, N, rng);
  const layer = layerInputs(params, rng, !!options.spatial);
  if (layer) return layer;
  // A lone vector is the book's function_2 point (x0, x1); beside other inputs, 4 elements.
  const vectorLength = params.length === 1 ? 2 : 4;
  const labels = Array.from({ length: N }, () => rng.randInt(C));
  const row = (c: number) => Array.from({ length: c }, () => awayFromZero(rng));
  const matrix = (r: number, c: number) => Array.from({ length: r }, () => row(c));
  /** N rows of what `one` makes, or a single one when there is no batch axis. */
  const rows = <T>(one: () => T): T | T[] => (batched ? Array.from({ length: N }, one) : one());
  const out: Inputs = {};
  params.forEach((p, k) => {
    switch (roles[k]) {
      case 'probs':
        out[p] = rows(() => Array.from(softmaxVector(Array.from({ length: C }, () => rng.randn()))).map(round4));
        break;
      case 'target': {
        const onehot = labels.map((l) => Array.from({ length: C }, (_, j) => (j === l ? 1 : 0)));
        out[p] = batched ? onehot : onehot[0];
        break;
      }
      case 'labels':
        out[p] = batched ? labels : labels[0];
        break;
      case 'batch':
        out[p] = N;
        break;
      case 'reg':
        out[p] = REG_VALUE;
        break;
      case 'output':
        break;
      case 'settings':
        out[p] = { ...LAYER_SETTINGS[p.toLowerCase().replace(/\d+$/, '')] };
        break;
      case 'constant':
        out[p] = CONSTANTS[p.toLowerCase().replace(/\d+$/, '')];
        break;
      case 'flag':
        out[p] = true;
        break;
      case 'weights':
        out[p] = matrix(D, C);
        break;
      case 'bias':
        out[p] = Array.from({ length: C }, () => awayFromZero(rng));
        break;
      case 'data':
        out[p] = hasWeights || options.sizes ? rows(() => row(D)) : hasTarget ? rows(() => row(C)) : row(vectorLength);
        break;
      case 'logits':
        out[p] = rows(() => row(C));
        break;
      default:
        out[p] = Array.from({ length: vectorLength }, () => awayFromZero(rng));
    }
  });
  // An output argument gets zeros shaped like what is differentiated (or the first array).
  params.forEach((p, k) => {
    if (roles[k] !== 'output') return;
    const like = (options.outputLike && out[options.outputLike]) ?? Object.values(out).find((v) => Array.isArray(v));
    out[p] = zerosLike(like ?? [0, 0]);
  });
  return out;
}

/**
 * A CS231n layer function with a settings dict (conv_param, bn_param, …) and operands named as the
 * assignment names them: x (N, C, H, W) for a layer on images, else (N, D); conv filters w of
 * (F, C, 3, 3) and b of (F,); gamma and beta one per channel or feature; G groups for group norm.
 * Undefined for other names.
 */
function layerInputs(params: string[], rng: Random, spatial: boolean): Inputs | undefined {
  if (!params.some((p) => roleOf(p) === 'settings')) return undefined;
  const operands = params.filter((p) => roleOf(p) !== 'settings');
  const known = ['x', 'w', 'b', 'gamma', 'beta', 'G'];
  if (!operands.every((p) => known.includes(p)) || !operands.includes('x')) return undefined;
  const images = spatial || params.includes('conv_param') || params.includes('pool_param');
  const [N, C, H, D, F] = [2, 3, 4, 5, 2];
  const array = (shape: number[]): Json =>
    shape.length ? Array.from({ length: shape[0] }, () => array(shape.slice(1))) : awayFromZero(rng);
  const out: Inputs = {};
  for (const p of params) {
    if (roleOf(p) === 'settings') out[p] = { ...LAYER_SETTINGS[p] };
    else if (p === 'x') out[p] = array(images ? [N, C, H, H] : [4, D]);
    else if (p === 'w') out[p] = array(images ? [F, C, 3, 3] : [D, C]);
    else if (p === 'b') out[p] = array([images ? F : C]);
    // Group norm: G groups of the C channels (one each), gamma and beta of shape (1, C, 1, 1).
    else if (p === 'G') out[p] = C;
    // gamma and beta scale what comes out of w when there is one (affine_batchnorm_relu_forward).
    else if (params.includes('G')) out[p] = array([1, C, 1, 1]);
    else out[p] = array([params.includes('w') ? (images ? F : C) : images ? C : D]);
  }
  return out;
}

function zerosLike(v: Json): Json {
  return Array.isArray(v) ? v.map(zerosLike) : 0;
}

function regressionInputs(params: string[], N: number, rng: Random): Inputs {
  const features = params.includes('X') || params.includes('X_train') ? 2 : 0;
  const m = Math.max(N, 4);
  const out: Inputs = {};
  for (const p of params) {
    if (/^(x|X|x_train|X_train)$/.test(p))
      out[p] = features
        ? Array.from({ length: m }, () => Array.from({ length: features }, () => awayFromZero(rng)))
        : Array.from({ length: m }, () => awayFromZero(rng));
    else if (p === 'w')
      out[p] = features ? Array.from({ length: features }, () => awayFromZero(rng)) : awayFromZero(rng);
    else if (p === 'b') out[p] = awayFromZero(rng);
    else if (p === 'y' || p === 'y_train') out[p] = Array.from({ length: m }, () => awayFromZero(rng));
    else if (roleOf(p) === 'reg') out[p] = REG_VALUE;
    else if (roleOf(p) === 'constant') out[p] = CONSTANTS[p.toLowerCase().replace(/\d+$/, '')];
    else if (roleOf(p) !== 'output') out[p] = Array.from({ length: m }, () => awayFromZero(rng));
  }
  return out;
}

/** Sizes of a network's constructor, by the names its parameters go by. */
/** Size names: the data's width, the classes (PyTorch-style in_channels / out_channels too), the hidden layer's. */
const sizeNames = (names: string): RegExp => new RegExp(`^(${names.trim().split(/\s+/).join('|')})$`, 'i');
const INIT_SIZES: [RegExp, 'D' | 'C' | 'H'][] = [
  [
    sizeNames(`input_size input_dim in_features n_input num_inputs n_in d dim input_shape n_x n_features num_features
      in_channels in_dim in_size n_inputs input_units`),
    'D',
  ],
  [
    sizeNames(`output_size output_dim num_classes n_classes out_features n_out n_output c classes n_y num_outputs
      out_channels out_dim out_size n_outputs output_units`),
    'C',
  ],
  [/^(hidden_size|hidden_dim|n_hidden|h|hidden|num_hidden|n_h|hidden_units)$/i, 'H'],
];
/**
 * A constructor with sizes by name (CS231n's TwoLayerNet(input_dim=3*32*32, hidden_dim=100,
 * num_classes=10)): built at the check's small sizes even when every size has a default.
 */
export function sizedConstructor(initParams: string[]): boolean {
  return initParams.some((p) => {
    const snake = p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    return INIT_SIZES.some(([re]) => re.test(snake)) && /size|dim|num|n_|classes|features/i.test(snake);
  });
}

/** An init scale used for the check: large enough that relu's kink is rarely within h of a unit. */
export const INIT_STD = 0.1;
const STD_NAMES = /^(weight_init_std|std|init_std|weight_scale|scale|weight_std|initial_std)$/i;

/**
 * The constructor's arguments for a class that needs them (TwoLayerNet(input_size, hidden_size,
 * output_size)): small sizes that fit the generated x and t (D, C; 5 hidden units), weights and
 * biases of those sizes (Affine(W, b)), an init scale of 0.1; other defaults are kept.
 */
export function generateInit(
  initParams: string[],
  defaults: Record<string, string>,
  sizes: { D: number; C: number },
  seed: number,
): Inputs {
  const rng = new Random(seed + 3);
  const out: Inputs = {};
  const H = 5;
  for (const p of initParams) {
    // JavaScript spells them inputSize, hiddenSize, weightInitStd.
    const snake = p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    const size = INIT_SIZES.find(([re]) => re.test(snake))?.[1];
    if (size) {
      if (!(p in defaults) || /size|dim|num|n_|classes|features/i.test(snake))
        out[p] = size === 'D' ? sizes.D : size === 'C' ? sizes.C : H;
    } else if (/hidden_size_list|hidden_sizes|hidden_dims|hidden_layers/i.test(snake)) out[p] = [H];
    // The book's MultiLayerNet takes 'relu'/'he'/'sigmoid'/'xavier' or a number: the number, so every
    // network is checked at the same small scale (He's √(2/n) makes softmax outputs near 0, where
    // the loss's log(y + 1e-7) and backward's y − t part by more than rounding).
    else if (STD_NAMES.test(snake) && !(p in defaults && /^['"](?!(relu|he|sigmoid|xavier)['"])/i.test(defaults[p])))
      out[p] = INIT_STD;
    else if (p in defaults) continue;
    else if (roleOf(p) === 'weights')
      out[p] = Array.from({ length: sizes.D }, () => Array.from({ length: sizes.C }, () => awayFromZero(rng)));
    else if (roleOf(p) === 'bias') out[p] = Array.from({ length: sizes.C }, () => awayFromZero(rng));
    else out[p] = 3;
  }
  return out;
}

/** A loss named for classification: softmax_loss, svm_loss_naive, cross_entropy, hinge, nll, log_loss. */
export function namedClassifier(name: string): boolean {
  return /softmax|svm|hinge|cross_?entropy|nll|log_?loss|logistic/i.test(name);
}

/**
 * A layer whose forward takes several operands and no weights or labels (the book's
 * MulLayer.forward(x, y), AddLayer): they meet element-wise, so each gets the first one's shape.
 */
export function sameShapedOperands(inputs: Inputs, params: string[], seed: number): Inputs {
  const operands = params.filter((p) => p in inputs && isDifferentiable(p));
  if (operands.length < 2 || params.some((p) => ['weights', 'bias', 'labels', 'target'].includes(roleOf(p))))
    return inputs;
  const rng = new Random(seed + 5);
  const like = (v: Json): Json => (Array.isArray(v) ? v.map(like) : awayFromZero(rng));
  const out = { ...inputs };
  for (const p of operands.slice(1)) out[p] = like(inputs[operands[0]]);
  return out;
}

/** Weight-like fields of the class a method belongs to (self.W, this.W1, ...). */
export function weightAttributes(cls: ClassInfo | undefined): string[] {
  return (cls?.attributes ?? [])
    .filter((a) => !a.includes('[') && ['weights', 'bias'].includes(roleOf(a)))
    .map((a) => `self.${a}`);
}

/** A dict of parameters the constructor fills (self.params['W1'] = ...): the dict and its entries. */
export function paramDicts(cls: ClassInfo | undefined): { dict: string; entries: string[] }[] {
  const out = new Map<string, string[]>();
  for (const a of cls?.attributes ?? []) {
    const m = /^([A-Za-z_]\w*)\['([^']+)'\]$/.exec(a);
    if (m && ['weights', 'bias'].includes(roleOf(m[2]))) out.set(m[1], [...(out.get(m[1]) ?? []), `self.${a}`]);
  }
  return [...out].map(([d, entries]) => ({ dict: `self.${d}`, entries }));
}

/** What to differentiate by default: W, then the class's weights, then x/y, then the first parameter. */
export function defaultWrt(params: string[], cls?: ClassInfo): string {
  const weights = params.find((p) => roleOf(p) === 'weights');
  if (weights) return weights;
  const attrs = weightAttributes(cls);
  if (attrs.length) return attrs[0];
  // The book's TwoLayerNet: every group of self.params, one table each.
  const dicts = paramDicts(cls);
  if (dicts.length) return dicts[0].dict;
  return params.find(isDifferentiable) ?? params[0] ?? '';
}

/** Choices for "differentiate with respect to": parameters and the class's weight fields. */
export function wrtChoices(params: string[], cls?: ClassInfo): string[] {
  const dicts = paramDicts(cls).flatMap((d) => [d.dict, ...d.entries]);
  return [
    ...params.filter(isDifferentiable),
    ...weightAttributes(cls),
    ...dicts,
    ...params.filter((p) => !isDifferentiable(p)),
  ];
}

// ---- the book's examples ------------------------------------------------------------------

/** Chapter 4's two 10-class examples (the "2" is right in the first, wrong in the second). */
export const BOOK_Y = [
  [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0],
  [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0],
];
export const BOOK_T = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
/** sum_squares_error and cross_entropy_error (δ = 1e-7) of the two examples, from the book. */
export const BOOK_LOSSES = {
  'sum-of-squares': [0.09750000000000003, 0.5975],
  'cross-entropy': [0.510825457099338, 2.302584092994546],
} as const;
export const SIMPLE_NET = {
  W: [
    [0.47355232, 0.9977393, 0.84668094],
    [0.85557411, 0.03563661, 0.69422093],
  ],
  x: [0.6, 0.9],
  t: [0, 0, 1],
};

export type PresetId = PresetChoice;

export interface Preset {
  id: PresetId;
  inputs: Inputs;
  wrt: string;
}

/** The presets that fit this function, with the book's values put on its parameter names. */
export function presetsFor(fn: Pick<FunctionInfo, 'params' | 'className'>, cls?: ClassInfo): Preset[] {
  const out: Preset[] = [];
  const p = fn.params;
  const differentiable = p.filter(isDifferentiable);
  if (p.length === 1 && differentiable.length === 1)
    out.push({ id: 'function_2', inputs: { [p[0]]: [3, 4] }, wrt: p[0] });
  // (y, t) by name, or two parameters with names that say nothing else (a, b).
  const unnamed = p.length === 2 && p.every((q) => ['probs', 'target', 'vector'].includes(roleOf(q)));
  const probs = p.find((q) => roleOf(q) === 'probs') ?? (unnamed ? p[0] : undefined);
  const target = p.find((q) => roleOf(q) === 'target') ?? (unnamed ? p[1] : undefined);
  if (probs && target && probs !== target && p.length === 2) {
    out.push({ id: 'book-yt-1', inputs: { [probs]: BOOK_Y[0], [target]: BOOK_T }, wrt: probs });
    out.push({ id: 'book-yt-2', inputs: { [probs]: BOOK_Y[1], [target]: BOOK_T }, wrt: probs });
    out.push({ id: 'book-yt-batch', inputs: { [probs]: BOOK_Y, [target]: [BOOK_T, BOOK_T] }, wrt: probs });
  }
  const x = p.find((q) => roleOf(q) === 'data');
  const t = p.find((q) => roleOf(q) === 'target');
  if (x && t) {
    const w = p.find((q) => roleOf(q) === 'weights');
    if (w && p.length === 3)
      out.push({ id: 'simpleNet', inputs: { [w]: SIMPLE_NET.W, [x]: SIMPLE_NET.x, [t]: SIMPLE_NET.t }, wrt: w });
    else if (fn.className && p.length === 2 && cls?.attributes.includes('W')) {
      out.push({
        id: 'simpleNet',
        inputs: { 'self.W': SIMPLE_NET.W, [x]: SIMPLE_NET.x, [t]: SIMPLE_NET.t },
        wrt: 'self.W',
      });
    }
  }
  return out;
}

/** The book's examples as probes for a two-argument loss: one-hot t, then t as the label 2. */
export function bookProbes(params: string[]): Inputs[] | undefined {
  if (params.length !== 2) return undefined;
  const [y, t] = params;
  return [...BOOK_Y.map((v) => ({ [y]: v, [t]: BOOK_T })), ...BOOK_Y.map((v) => ({ [y]: v, [t]: 2 }))];
}

export type BookLoss = keyof typeof BOOK_LOSSES;

/** Which book loss these probe values are, if any (both examples within 1e-9, the test vectors' tolerance). */
export function recogniseBookLoss(probes: (number | null)[]): { kind: BookLoss; values: number[] } | undefined {
  for (const pair of [probes.slice(0, 2), probes.slice(2, 4)]) {
    if (pair.length < 2 || pair.some((v) => v === null || !Number.isFinite(v))) continue;
    for (const kind of Object.keys(BOOK_LOSSES) as BookLoss[]) {
      const expected = BOOK_LOSSES[kind];
      if (pair.every((v, k) => Math.abs(v! - expected[k]) <= 1e-9 * Math.abs(expected[k])))
        return { kind, values: pair as number[] };
    }
  }
  return undefined;
}

/** Inputs as the panel's editable JSON: one line per row, so a matrix reads as a matrix. */
export function inputsToText(inputs: Inputs): string {
  const value = (v: Json, indent: string): string => {
    if (Array.isArray(v) && v.some((e) => Array.isArray(e))) {
      return `[\n${v.map((e) => `${indent}  ${value(e, `${indent}  `)}`).join(',\n')}\n${indent}]`;
    }
    return JSON.stringify(v).replace(/,/g, ', ');
  };
  const entries = Object.entries(inputs).map(([k, v]) => `  ${JSON.stringify(k)}: ${value(v, '  ')}`);
  return `{\n${entries.join(',\n')}\n}`;
}

/** Names the code unpacks a shape into (`N, C, H, W = x.shape`, `FN, C, FH, FW = self.W.shape`): name → rank. */
export function unpackedRanks(source: string): Map<string, number> {
  const ranks = new Map<string, number>();
  const re =
    /^[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)+)[ \t]*=[ \t]*(?:self\.|this\.)?([A-Za-z_]\w*)\.shape\b/gm;
  for (const m of source.replace(/#[^\n]*/g, '').matchAll(re)) ranks.set(m[2], m[1].split(',').length);
  return ranks;
}

/**
 * A layer class on images, as the book's ch07 Convolution(W, b, stride, pad) and Pooling(pool_h,
 * pool_w, stride, pad): its forward unpacks `N, C, H, W = x.shape`. x gets (2, 3, 4, 4); a weight the
 * class unpacks into four (`FN, C, FH, FW = self.W.shape`) (2, 3, 3, 3) filters over those 3
 * channels, its bias one per filter; a pool's size 2, so 2 × 2 windows tile the 4 × 4 image.
 * Undefined when x is not unpacked into four.
 */
export function imageLayerInputs(
  classSource: string,
  x: string,
  initParams: string[],
  seed: number,
): { x: Json; init: Inputs } | undefined {
  const ranks = unpackedRanks(classSource);
  if (ranks.get(x) !== 4) return undefined;
  const rng = new Random(seed + 11);
  const array = (shape: number[]): Json =>
    shape.length ? Array.from({ length: shape[0] }, () => array(shape.slice(1))) : awayFromZero(rng);
  const init: Inputs = {};
  const filters = initParams.find((p) => ranks.get(p) === 4);
  for (const p of initParams) {
    if (p === filters) init[p] = array([2, 3, 3, 3]);
    else if (filters && roleOf(p) === 'bias') init[p] = array([2]);
    else if (/^pool_?(h|w|height|width|size)$/i.test(p)) init[p] = 2;
  }
  return { x: array([2, 3, 4, 4]), init };
}

/**
 * x for a layer without weights or answers (the book's Relu, Sigmoid, Dropout: forward(x)): a batch of 4 rows of 5,
 * signs mixed, so a backward that forgets its mask shows (two numbers, the function_2 point, could all be kept).
 */
export function layerBatch(seed: number): Json {
  const rng = new Random(seed + 13);
  return Array.from({ length: 4 }, (_, i) =>
    Array.from({ length: 5 }, (_, j) => ((i + j) % 2 ? -1 : 1) * Math.abs(awayFromZero(rng))),
  );
}
