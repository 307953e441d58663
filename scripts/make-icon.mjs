// Draws media/icon.png (128×128), the extension's icon: a loss surface's contour lines and a gradient
// descent path walking down them to the minimum, in the colours of the training panel. Nothing is
// downloaded; the PNG is written with zlib. Run `node scripts/make-icon.mjs` after changing it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUB = 4; // samples per pixel side (anti-aliasing)
const out = join(dirname(new URL(import.meta.url).pathname), '..', 'media', 'icon.png');

// The surface f(x, y) = (x/a)² + (y/b)², rotated; its minimum sits right of centre.
const CX = 74;
const CY = 58;
const ROT = -0.5;
const f = (x, y) => {
  const dx = x - CX;
  const dy = y - CY;
  const u = dx * Math.cos(ROT) - dy * Math.sin(ROT);
  const v = dx * Math.sin(ROT) + dy * Math.cos(ROT);
  return (u / A) ** 2 + (v / B) ** 2;
};
// Gradient descent on f from the lower left, as the book's gradient_descent walks it: with this
// learning rate it zigzags across the narrow valley while it closes in on the minimum.
const A = 46;
const B = 26;
const path = [];
{
  let [u, v] = [-50, -24];
  const lr = 524;
  for (let i = 0; i < 6; i++) {
    // back from the rotated frame (u, v) to the picture (x, y)
    path.push([CX + u * Math.cos(ROT) + v * Math.sin(ROT), CY - u * Math.sin(ROT) + v * Math.cos(ROT)]);
    u -= lr * ((2 * u) / (A * A));
    v -= lr * ((2 * v) / (B * B));
  }
}

const segDist = (px, py, [ax, ay], [bx, by]) => {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
};

const BG = [30, 36, 52];
const LINE = [86, 156, 214];
const PATH = [255, 166, 77];
const DOT = [255, 214, 102];

/** Colour and coverage of one sample point: what is drawn on top wins. */
function sample(x, y) {
  const r = 22; // rounded corners of the tile
  const qx = Math.max(r - x, 0, x - (SIZE - r));
  const qy = Math.max(r - y, 0, y - (SIZE - r));
  if (Math.hypot(qx, qy) > r) return null;
  for (const [px, py] of path.slice(1)) if (Math.hypot(x - px, y - py) < 4.2) return DOT;
  if (Math.hypot(x - path[0][0], y - path[0][1]) < 5.5) return DOT;
  for (let i = 0; i + 1 < path.length; i++) if (segDist(x, y, path[i], path[i + 1]) < 2.2) return PATH;
  const level = Math.sqrt(f(x, y)) * 3; // evenly spaced contours
  const fromLine = Math.abs(level - Math.round(level));
  if (Math.round(level) >= 1 && fromLine < 0.05) return LINE;
  return BG;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SUB; sy++) {
      for (let sx = 0; sx < SUB; sx++) {
        const c = sample(x + (sx + 0.5) / SUB, y + (sy + 0.5) / SUB);
        if (!c) continue;
        for (let k = 0; k < 3; k++) acc[k] += c[k];
        acc[3]++;
      }
    }
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    const n = acc[3];
    raw[o] = n ? Math.round(acc[0] / n) : 0;
    raw[o + 1] = n ? Math.round(acc[1] / n) : 0;
    raw[o + 2] = n ? Math.round(acc[2] / n) : 0;
    raw[o + 3] = Math.round((255 * n) / (SUB * SUB));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
