/** Painting grey-level images (digits, weights) in the theme's colours. */
import type { ThemeColors } from '../shared/theme';

type RGB = [number, number, number];

const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;

/** Any CSS colour as RGB, by letting the canvas parse it. */
export function rgb(color: string): RGB {
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Writes `side`×`side` values through `colorOf` into `img` at (ox, oy). */
export function paint(img: ImageData, ox: number, oy: number, side: number, colorOf: (i: number) => RGB): void {
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const c = colorOf(y * side + x);
      const p = ((oy + y) * img.width + ox + x) * 4;
      img.data[p] = c[0];
      img.data[p + 1] = c[1];
      img.data[p + 2] = c[2];
      img.data[p + 3] = 255;
    }
  }
}

/** A grey-level digit (0–255) as ink on paper. */
export function digitCanvas(gray: Uint8Array, side: number, ink: RGB, paper: RGB, label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(side, side);
  paint(img, 0, 0, side, (i) => mix(paper, ink, gray[i] / 255));
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/**
 * Signed images (int8 −127…127, `side`×`side` each, one after another) as tiles, `perRow` to a row:
 * blue negative, red positive, fading to the background at 0 — W1 and dW1 in the same colours.
 */
export function paintSignedTiles(
  canvas: HTMLCanvasElement,
  data: Int8Array,
  shown: number,
  side: number,
  perRow: number,
  colors: { background: string; negative: string; positive: string },
  gap = 2,
): void {
  const cols = Math.max(1, Math.min(perRow, shown));
  const rows = Math.ceil(shown / cols);
  const step = side + gap;
  canvas.width = Math.max(1, cols * step - gap);
  canvas.height = Math.max(1, rows * step - gap);
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const paper = rgb(colors.background);
  const neg = rgb(colors.negative);
  const pos = rgb(colors.positive);
  for (let k = 0; k < shown; k++) {
    const base = k * side * side;
    paint(img, (k % cols) * step, Math.floor(k / cols) * step, side, (i) => {
      const v = data[base + i] / 127;
      return mix(paper, v < 0 ? neg : pos, Math.abs(v));
    });
  }
  ctx.putImageData(img, 0, 0);
}

/** The colours of signed images in a theme: the first series colour for negative, the fifth (or the error colour) for positive. */
export function signedColors(theme: ThemeColors): { background: string; negative: string; positive: string } {
  return { background: theme.background, negative: theme.series[0], positive: theme.series[4] ?? theme.error };
}
