/** A row-major float64 matrix: element (i, j) is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromRows(rows: number[][]): Matrix {
  const m = zeros(rows.length, rows[0]?.length ?? 0);
  rows.forEach((r, i) => m.data.set(r, i * m.cols));
  return m;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** out = a·b (+ bias broadcast over rows). Loop order i-k-j; a zero in `a` skips its row of `b` (MNIST pixels are mostly 0). */
export function dot(a: Matrix, b: Matrix, bias?: Float64Array): Matrix {
  if (a.cols !== b.rows) throw new Error(`dot: shapes (${a.rows},${a.cols}) and (${b.rows},${b.cols}) not aligned`);
  const out = zeros(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    if (bias) for (let j = 0; j < n; j++) out.data[o + j] = bias[j];
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k];
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) out.data[o + j] += aik * b.data[bk + j];
    }
  }
  return out;
}

/** aᵀ·b without building aᵀ. */
export function dotTransA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows)
    throw new Error(`dotTransA: shapes (${a.rows},${a.cols})ᵀ and (${b.rows},${b.cols}) not aligned`);
  const out = zeros(a.cols, b.cols);
  const n = b.cols;
  for (let r = 0; r < a.rows; r++) {
    for (let i = 0; i < a.cols; i++) {
      const ari = a.data[r * a.cols + i];
      if (ari === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j] += ari * b.data[r * n + j];
    }
  }
  return out;
}

/** a·bᵀ without building bᵀ. */
export function dotTransB(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols)
    throw new Error(`dotTransB: shapes (${a.rows},${a.cols}) and (${b.rows},${b.cols})ᵀ not aligned`);
  const out = zeros(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[j * b.cols + k];
      out.data[i * b.rows + j] = s;
    }
  }
  return out;
}

/** Σ over rows: numpy's np.sum(m, axis=0). */
export function sumRows(m: Matrix): Float64Array {
  const out = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[j] += m.data[i * m.cols + j];
  return out;
}

/** Index of the largest value in each row: np.argmax(m, axis=1). */
export function argmaxRows(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j] > m.data[i * m.cols + best]) best = j;
    out[i] = best;
  }
  return out;
}
