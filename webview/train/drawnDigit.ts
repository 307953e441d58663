/**
 * Turns a hand-drawn digit into what the network was trained on, the way MNIST was made: the ink's
 * bounding box scaled so its longer side is 20 px (area averaging), then placed in a 28×28 image
 * with its centre of mass at the centre. Input: grey levels in [0, 1], 1 = ink, row-major.
 */
export const MNIST_SIDE = 28;
const BOX = 20;

export function toMnistInput(gray: ArrayLike<number>, width: number, height: number, threshold = 0.05): Float64Array {
  const out = new Float64Array(MNIST_SIDE * MNIST_SIDE);
  // The ink's bounding box [x0, x1] × [y0, y1].
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] <= threshold) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return out;
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const scale = BOX / Math.max(w, h);
  const sw = Math.max(1, Math.round(w * scale));
  const sh = Math.max(1, Math.round(h * scale));
  // Area-average each target pixel over the source pixels it covers.
  const small = new Float64Array(sw * sh);
  for (let ty = 0; ty < sh; ty++) {
    const sy0 = y0 + (ty * h) / sh;
    const sy1 = y0 + ((ty + 1) * h) / sh;
    for (let tx = 0; tx < sw; tx++) {
      const sx0 = x0 + (tx * w) / sw;
      const sx1 = x0 + ((tx + 1) * w) / sw;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
        const fy = Math.min(sy1, y + 1) - Math.max(sy0, y);
        for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
          const f = fy * (Math.min(sx1, x + 1) - Math.max(sx0, x));
          sum += f * gray[y * width + x];
          area += f;
        }
      }
      small[ty * sw + tx] = area > 0 ? Math.min(1, sum / area) : 0;
    }
  }
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const half = MNIST_SIDE / 2;
  // Centre of mass (pixel centres at +0.5) onto the image centre, clamped so the box stays inside.
  const ox = clamp(Math.round(half - (cx / mass + 0.5)), 0, MNIST_SIDE - sw);
  const oy = clamp(Math.round(half - (cy / mass + 0.5)), 0, MNIST_SIDE - sh);
  for (let y = 0; y < sh; y++) for (let x = 0; x < sw; x++) out[(oy + y) * MNIST_SIDE + ox + x] = small[y * sw + x];
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
