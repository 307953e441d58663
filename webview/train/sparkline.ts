/**
 * A small live loss curve beside the progress bar, so Start visibly does something even when the
 * charts are below the fold: the current run's mini-batch loss, smoothed, on a plain canvas.
 */
import { format } from '../shared/l10n';
import { smooth } from './smoothing';
import { downsampleMean } from '../../src/protocol/runHistory';
import { el } from '../shared/dom';
import { decimal } from './format';
import { S } from './strings';

const WIDTH = 160;
const HEIGHT = 34;

export class Sparkline {
  readonly root: HTMLCanvasElement;

  constructor() {
    this.root = el('canvas', { class: 'sparkline', role: 'img', width: WIDTH * 2, height: HEIGHT * 2 });
    this.root.hidden = true;
  }

  /** Draws `losses` (NaN shows as a gap) in `color`; hidden while there is nothing to draw. */
  draw(losses: number[], color: string): void {
    const finite = losses.filter(Number.isFinite);
    this.root.hidden = finite.length < 2;
    if (this.root.hidden) return;
    const { loss } = downsampleMean(losses, WIDTH);
    const ys = smooth(loss, 0.8);
    const max = Math.max(...ys.filter(Number.isFinite), 1e-9);
    const ctx = this.root.getContext('2d');
    if (!ctx) return;
    const w = this.root.width;
    const h = this.root.height;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    let pen = false;
    ys.forEach((y, k) => {
      if (!Number.isFinite(y)) return void (pen = false);
      const px = ys.length > 1 ? (k / (ys.length - 1)) * (w - 4) + 2 : 2;
      const py = h - 3 - (Math.min(y, max) / max) * (h - 6);
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    });
    ctx.stroke();
    this.root.dataset.points = String(ys.length);
    const [first, last] = [finite[0], finite[finite.length - 1]];
    this.root.setAttribute('aria-label', format(S.sparkline, decimal(first, 3), decimal(last, 3)));
  }
}
