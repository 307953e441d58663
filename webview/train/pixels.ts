/** Painting grey-level images (digits, weights) in the theme's colours. */

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
