import { Matrix } from '../core/matrix';
import { TwoLayerNet, TwoLayerParams } from '../core/twoLayerNet';

/**
 * The book's numerical gradient of TwoLayerNet — (L(θ + h) − L(θ − h)) / 2h for every parameter θ,
 * with the same loss as net.loss (same δ) — computing only what a perturbation changes:
 *
 *   W1[k][j] ± h  moves a1[r][j] by ±h·x[r][k], only in the rows r where pixel k is not 0,
 *                 so z1[r][j] = sigmoid(a1[r][j]) moves by Δz and a2[r] by Δz·W2[j];
 *   b1[j] ± h     the same with x[r][k] = 1 in every row;
 *   W2[j][c] ± h  moves a2[r][c] by ±h·z1[r][j] in every row;
 *   b2[c] ± h     moves a2[r][c] by ±h in every row.
 *
 * Every other row keeps its loss ℓ_r, so L(θ + h) − L(θ − h) = Σ over the changed rows of
 * (ℓ_r(+) − ℓ_r(−)) / N, with ℓ_r = −Σ_c t[r][c]·log(y[r][c] + δ) as in crossEntropyErrorBatch.
 * The same numbers as net.numericalGradient (to float64 rounding), thousands of times faster;
 * test/unit/numgrad.test.ts compares the two.
 */
export function fastNumericalGradient(net: TwoLayerNet, x: Matrix, t: Matrix, h = 1e-4): TwoLayerParams {
  const { W1, W2 } = net.params;
  const { a1, z1, a2 } = net.forward(x);
  const N = x.rows;
  const K = W1.rows;
  const H = W1.cols;
  const C = W2.cols;
  const rows = new ChangedRows(a2, t, W2, net.delta);
  // sigmoid(a ± d) = 1 / (1 + e^(−a)·e^(∓d)): e^(−a1) once, e^(∓d) once per pixel of a row.
  const expMinusA1 = a1.data.map((a) => Math.exp(-a));
  /** ℓ_r(+) − ℓ_r(−) when a1[r][j] moves by ±d, given e^(−d) and e^(d). */
  const hiddenChange = (r: number, j: number, expMinusD: number, expPlusD: number) => {
    const e = expMinusA1[r * H + j];
    const z = z1.data[r * H + j];
    return rows.hiddenChange(r, j, 1 / (1 + e * expMinusD) - z, 1 / (1 + e * expPlusD) - z);
  };

  const dW1 = new Float64Array(K * H);
  const columns = nonZeroColumns(x);
  for (let k = 0; k < K; k++) {
    for (let q = columns.start[k]; q < columns.start[k + 1]; q++) {
      const r = columns.row[q];
      const d = h * columns.value[q];
      const expMinusD = Math.exp(-d);
      const expPlusD = Math.exp(d);
      for (let j = 0; j < H; j++) dW1[k * H + j] += hiddenChange(r, j, expMinusD, expPlusD);
    }
  }
  const db1 = new Float64Array(H);
  for (let r = 0; r < N; r++) for (let j = 0; j < H; j++) db1[j] += hiddenChange(r, j, Math.exp(-h), Math.exp(h));

  const dW2 = new Float64Array(H * C);
  const db2 = new Float64Array(C);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < H; j++) {
      const d = h * z1.data[r * H + j];
      for (let c = 0; c < C; c++) dW2[j * C + c] += rows.outputChange(r, c, d);
    }
    for (let c = 0; c < C; c++) db2[c] += rows.outputChange(r, c, h);
  }

  const scale = 1 / (N * 2 * h);
  for (const g of [dW1, db1, dW2, db2]) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return { W1: { rows: K, cols: H, data: dW1 }, b1: db1, W2: { rows: H, cols: C, data: dW2 }, b2: db2 };
}

/** Where x is not 0, column by column: the rows of pixel k are row[start[k] .. start[k+1]). */
export function nonZeroColumns(x: Matrix): { start: Int32Array; row: Int32Array; value: Float64Array } {
  const start = new Int32Array(x.cols + 1);
  for (let i = 0; i < x.data.length; i++) if (x.data[i] !== 0) start[(i % x.cols) + 1]++;
  for (let k = 0; k < x.cols; k++) start[k + 1] += start[k];
  const next = start.slice(0, x.cols);
  const row = new Int32Array(start[x.cols]);
  const value = new Float64Array(start[x.cols]);
  for (let r = 0; r < x.rows; r++) {
    for (let k = 0; k < x.cols; k++) {
      const v = x.data[r * x.cols + k];
      if (v === 0) continue;
      row[next[k]] = r;
      value[next[k]++] = v;
    }
  }
  return { start, row, value };
}

/**
 * Below this |Δz·W2[j][c]|, e^u = 1 + u + u²/2 + u³/6 + u⁴/24 to better than float64 rounding
 * (the next term, u⁵/120, is < 1e-17).
 */
const SERIES_LIMIT = 1e-3;

/**
 * One row's loss ℓ_r = −Σ_c t[r][c]·log(y[r][c] + δ) after a small change of its logits a2[r],
 * with softmax written around the forward pass: y[c] = e_c·e^(Δa_c) / Σ_c' e_c'·e^(Δa_c'),
 * e_c = exp(a2[r][c] − max a2[r]).
 */
class ChangedRows {
  private readonly C: number;
  private readonly H: number;
  private readonly e: Float64Array;
  private readonly sum: Float64Array;
  /** M_n[r][j] = Σ_c e_c·W2[j][c]ⁿ for n = 1..4, so Σ_c e_c·e^(Δz·W2[j][c]) = Σ_n Δzⁿ/n!·M_n. */
  private readonly moments: Float64Array;
  /** The series serves while |Δz| < dzLimit[j] = SERIES_LIMIT / max_c |W2[j][c]|. */
  private readonly dzLimit: Float64Array;
  /** The class of a one-hot row of t, else −1 (then every class is visited). */
  private readonly label: Int32Array;

  constructor(
    a2: Matrix,
    private readonly t: Matrix,
    private readonly W2: Matrix,
    private readonly delta: number,
  ) {
    const C = (this.C = a2.cols);
    const H = (this.H = W2.rows);
    this.e = new Float64Array(a2.data.length);
    this.sum = new Float64Array(a2.rows);
    this.moments = new Float64Array(a2.rows * H * 4);
    this.dzLimit = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let wMax = 0;
      for (let c = 0; c < C; c++) wMax = Math.max(wMax, Math.abs(W2.data[j * C + c]));
      this.dzLimit[j] = SERIES_LIMIT / wMax;
    }
    this.label = new Int32Array(a2.rows).fill(-1);
    for (let r = 0; r < a2.rows; r++) {
      const row = t.data.subarray(r * C, (r + 1) * C);
      const ones = row.filter((v) => v === 1).length;
      const zeros = row.filter((v) => v === 0).length;
      if (ones === 1 && zeros === C - 1) this.label[r] = row.indexOf(1);
    }
    for (let r = 0; r < a2.rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, a2.data[r * C + c]);
      for (let c = 0; c < C; c++) this.sum[r] += this.e[r * C + c] = Math.exp(a2.data[r * C + c] - max);
      for (let j = 0; j < H; j++) {
        const m = (r * H + j) * 4;
        for (let c = 0; c < C; c++) {
          const w = W2.data[j * C + c];
          const ew = this.e[r * C + c] * w;
          this.moments[m] += ew;
          this.moments[m + 1] += ew * w;
          this.moments[m + 2] += ew * w * w;
          this.moments[m + 3] += ew * w * w * w;
        }
      }
    }
  }

  /** ℓ_r(+) − ℓ_r(−) when z1[r][j] moves by dzPlus and by dzMinus, i.e. a2[r] by dz·W2[j]. */
  hiddenChange(r: number, j: number, dzPlus: number, dzMinus: number): number {
    const { C, W2, t } = this;
    const limit = this.dzLimit[j];
    const series = dzPlus < limit && dzPlus > -limit && dzMinus < limit && dzMinus > -limit;
    const sumPlus = series ? this.seriesSum(r, j, dzPlus) : this.exactSum(r, j, dzPlus);
    const sumMinus = series ? this.seriesSum(r, j, dzMinus) : this.exactSum(r, j, dzMinus);
    const label = this.label[r];
    let change = 0;
    for (let c = Math.max(label, 0); c < (label >= 0 ? label + 1 : C); c++) {
      const tc = t.data[r * C + c];
      if (tc === 0) continue;
      const w = W2.data[j * C + c];
      const ec = this.e[r * C + c];
      const yPlus = (ec * (series ? expSeries(dzPlus * w) : Math.exp(dzPlus * w))) / sumPlus;
      const yMinus = (ec * (series ? expSeries(dzMinus * w) : Math.exp(dzMinus * w))) / sumMinus;
      // −t·log(y⁺ + δ) + t·log(y⁻ + δ), as one log
      change -= tc * Math.log((yPlus + this.delta) / (yMinus + this.delta));
    }
    return change;
  }

  /** ℓ_r(+) − ℓ_r(−) when a2[r][c] moves by +d and by −d. */
  outputChange(r: number, c: number, d: number): number {
    const { C, t } = this;
    const ec = this.e[r * C + c];
    const sumPlus = this.sum[r] + ec * Math.expm1(d);
    const sumMinus = this.sum[r] + ec * Math.expm1(-d);
    let change = 0;
    for (let k = 0; k < C; k++) {
      const tk = t.data[r * C + k];
      if (tk === 0) continue;
      const ek = this.e[r * C + k];
      const yPlus = (k === c ? ek * Math.exp(d) : ek) / sumPlus;
      const yMinus = (k === c ? ek * Math.exp(-d) : ek) / sumMinus;
      change -= tk * Math.log((yPlus + this.delta) / (yMinus + this.delta));
    }
    return change;
  }

  /** Σ_c e_c·e^(dz·W2[j][c]) by its series: M0 + dz·(M1 + dz/2·(M2 + dz/3·(M3 + dz/4·M4))). */
  private seriesSum(r: number, j: number, dz: number): number {
    const m = (r * this.H + j) * 4;
    const M = this.moments;
    return this.sum[r] + dz * (M[m] + (dz / 2) * (M[m + 1] + (dz / 3) * (M[m + 2] + (dz / 4) * M[m + 3])));
  }

  /** Σ_c e_c·e^(dz·W2[j][c]), term by term. */
  private exactSum(r: number, j: number, dz: number): number {
    let s = 0;
    for (let c = 0; c < this.C; c++) s += this.e[r * this.C + c] * Math.exp(dz * this.W2.data[j * this.C + c]);
    return s;
  }
}

/** e^u for |u| < SERIES_LIMIT: 1 + u + u²/2 + u³/6 + u⁴/24. */
function expSeries(u: number): number {
  return 1 + u * (1 + (u / 2) * (1 + (u / 3) * (1 + u / 4)));
}
