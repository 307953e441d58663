/**
 * A pad to draw a digit on — mouse, pen, touch, or keyboard (arrows move a cursor, Space paints) —
 * turned into a 28×28 MNIST-style input after every stroke.
 */
import { MNIST_SIDE, toMnistInput } from './drawnDigit';
import { button, el } from '../shared/dom';
import { mix, paint, rgb } from './pixels';
import { S } from './strings';

const SIZE = 112;
const BRUSH = 5.5;

export class DrawPad {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly preview: HTMLCanvasElement;
  private readonly gray = new Float32Array(SIZE * SIZE);
  private cursor = { x: SIZE / 2, y: SIZE / 2 };
  private last: { x: number; y: number } | undefined;
  private ink: [number, number, number] = [0, 0, 0];
  private paper: [number, number, number] = [255, 255, 255];
  private focused = false;

  constructor(private readonly onDigit: (pixels: Float64Array) => void) {
    this.canvas = el('canvas', {
      width: SIZE,
      height: SIZE,
      class: 'pad',
      tabindex: 0,
      role: 'img',
      'aria-label': `${S.draw}. ${S.drawHint}`,
    });
    this.preview = el('canvas', {
      width: MNIST_SIDE,
      height: MNIST_SIDE,
      class: 'preview',
      role: 'img',
      'aria-label': '28×28',
    });
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      this.last = this.toPad(e);
      this.stamp(this.last.x, this.last.y);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const p = this.toPad(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (!this.last) return;
      this.last = undefined;
      this.emit();
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.canvas.addEventListener('focus', () => ((this.focused = true), this.render()));
    this.canvas.addEventListener('blur', () => ((this.focused = false), this.render()));
    this.root = el(
      'div',
      { class: 'draw' },
      el('h3', { text: S.draw }),
      el('p', { class: 'muted small', text: S.drawHint }),
      el(
        'div',
        { class: 'row' },
        this.canvas,
        el(
          'div',
          { class: 'col' },
          this.preview,
          button(S.clear, () => this.clear(), { class: 'secondary small' }),
        ),
      ),
    );
  }

  setTheme(ink: string, paper: string): void {
    this.ink = rgb(ink);
    this.paper = rgb(paper);
    this.render();
  }

  clear(): void {
    this.gray.fill(0);
    this.render();
    this.emit();
  }

  private toPad(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIZE, y: ((e.clientY - r.top) / r.height) * SIZE };
  }

  private key(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-3, 0],
      ArrowRight: [3, 0],
      ArrowUp: [0, -3],
      ArrowDown: [0, 3],
    };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      const from = { ...this.cursor };
      this.cursor = { x: Math.max(0, Math.min(SIZE, from.x + m[0])), y: Math.max(0, Math.min(SIZE, from.y + m[1])) };
      if (e.shiftKey) {
        this.line(from, this.cursor);
        this.emit();
      } else this.render();
    } else if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      this.stamp(this.cursor.x, this.cursor.y);
      this.emit();
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this.clear();
    }
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 1.5));
    for (let i = 1; i <= steps; i++)
      this.stamp(a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps, false);
    this.render();
  }

  /** A soft round brush: full ink inside BRUSH − 1, fading over the last pixel. */
  private stamp(cx: number, cy: number, render = true): void {
    for (let y = Math.floor(cy - BRUSH); y <= Math.ceil(cy + BRUSH); y++) {
      for (let x = Math.floor(cx - BRUSH); x <= Math.ceil(cx + BRUSH); x++) {
        if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) continue;
        const v = Math.max(0, Math.min(1, BRUSH - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
        this.gray[y * SIZE + x] = Math.max(this.gray[y * SIZE + x], v);
      }
    }
    if (render) this.render();
  }

  private emit(): void {
    const input = toMnistInput(this.gray, SIZE, SIZE);
    const ctx = this.preview.getContext('2d')!;
    const img = ctx.createImageData(MNIST_SIDE, MNIST_SIDE);
    paint(img, 0, 0, MNIST_SIDE, (i) => mix(this.paper, this.ink, input[i]));
    ctx.putImageData(img, 0, 0);
    this.onDigit(input);
  }

  private render(): void {
    const ctx = this.canvas.getContext('2d')!;
    const img = ctx.createImageData(SIZE, SIZE);
    paint(img, 0, 0, SIZE, (i) => mix(this.paper, this.ink, this.gray[i]));
    ctx.putImageData(img, 0, 0);
    if (this.focused) {
      ctx.strokeStyle = `rgb(${this.ink.join(',')})`;
      ctx.setLineDash([2, 2]);
      ctx.beginPath();
      ctx.arc(this.cursor.x, this.cursor.y, BRUSH, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
}
