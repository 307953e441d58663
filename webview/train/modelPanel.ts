/**
 * "See the model": test images with predicted vs true label (wrong ones marked), the confusion
 * matrix, W1's columns as 28×28 images, and a pad to draw a digit and read the probabilities.
 */
import { format } from '../shared/l10n';
import { ThemeColors, withAlpha } from '../shared/theme';
import type { ModelView, SampleImage } from '../../src/protocol/train';
import { el } from '../shared/dom';
import { DrawPad } from './drawPad';
import { pct } from './format';
import { decodeBase64, digitCanvas, paintSignedTiles, rgb, signedColors } from './pixels';
import { S } from './strings';

const TILE_GAP = 2;
const TILES_PER_ROW = 10;

export class ModelPanel {
  readonly root: HTMLElement;
  readonly pad: DrawPad;
  private view: ModelView | undefined;
  private runName = '';
  private theme: ThemeColors;
  private onlyMistakes = false;
  private readonly heading = el('p', { class: 'model-heading' });
  private readonly empty = el('p', { class: 'muted', text: S.noModel });
  private readonly body = el('div', { class: 'model-body' });
  private readonly grid = el('div', { class: 'samples', role: 'list' });
  private readonly confusion = el('table', { class: 'confusion', 'aria-label': S.confusion });
  private readonly weights = el('canvas', { class: 'weights', role: 'img', 'aria-label': S.weights });
  private readonly weightsNote = el('p', { class: 'muted small' });
  private readonly probs = el('ol', { class: 'probs', start: 0, 'aria-label': S.probabilities });
  private requestId = 0;

  constructor(
    theme: ThemeColors,
    private readonly predict: (runId: string, requestId: number, pixels: number[]) => void,
    onlyMistakes: boolean,
    private readonly onOnlyMistakes: (v: boolean) => void,
  ) {
    this.theme = theme;
    this.onlyMistakes = onlyMistakes;
    this.pad = new DrawPad((pixels) => this.drawn(pixels));
    const mistakes = el('input', { type: 'checkbox', name: 'onlyMistakes' });
    mistakes.checked = onlyMistakes;
    mistakes.addEventListener('change', () => {
      this.onlyMistakes = mistakes.checked;
      this.onOnlyMistakes(mistakes.checked);
      this.renderSamples();
    });
    this.body.append(
      el(
        'div',
        { class: 'model-col' },
        el(
          'div',
          { class: 'row spread' },
          el('h3', { text: S.predictions }),
          el('label', { class: 'inline' }, mistakes, el('span', { text: S.onlyMistakes })),
        ),
        this.grid,
      ),
      el('div', { class: 'model-col confusion-col' }, el('h3', { text: S.confusion }), this.confusion),
      el('div', { class: 'model-col' }, el('h3', { text: S.weights }), this.weights, this.weightsNote),
      el('div', { class: 'model-col' }, this.pad.root, el('h3', { text: S.probabilities }), this.probs),
    );
    this.body.hidden = true;
    this.root = el('div', {}, this.heading, this.empty, this.body);
    this.pad.setTheme(theme.foreground, theme.background);
  }

  get runId(): string | undefined {
    return this.view?.id;
  }

  show(view: ModelView, runName: string): void {
    this.view = view;
    this.runName = runName;
    this.empty.hidden = true;
    this.body.hidden = false;
    this.render();
    this.pad.clear();
  }

  rename(runName: string): void {
    this.runName = runName;
    this.renderHeading();
  }

  forget(): void {
    this.view = undefined;
    this.empty.hidden = false;
    this.body.hidden = true;
    this.heading.textContent = '';
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    this.pad.setTheme(theme.foreground, theme.background);
    if (this.view) this.render();
  }

  probabilities(requestId: number, runId: string, probs: number[]): void {
    if (requestId !== this.requestId || runId !== this.view?.id) return; // an answer to an older drawing
    const best = probs.indexOf(Math.max(...probs));
    this.probs.replaceChildren(
      ...probs.map((p, d) => {
        const fill = el('span', { class: 'fill' });
        fill.style.width = `${(p * 100).toFixed(1)}%`;
        return el(
          'li',
          { class: d === best ? 'best' : undefined },
          el('span', { class: 'digit', text: String(d) }),
          el('span', { class: 'bar' }, fill),
          el('span', { class: 'p', text: pct(p) }),
        );
      }),
    );
  }

  private drawn(pixels: Float64Array): void {
    if (!this.view) return;
    this.requestId++;
    if (!pixels.some((p) => p > 0)) {
      this.probs.replaceChildren();
      return;
    }
    this.predict(
      this.view.id,
      this.requestId,
      Array.from(pixels, (p) => Math.round(p * 1000) / 1000),
    );
  }

  private render(): void {
    this.renderHeading();
    this.renderSamples();
    this.renderConfusion();
    this.renderWeights();
  }

  private renderHeading(): void {
    if (this.view) this.heading.textContent = format(S.modelOf, this.runName, pct(this.view.testAccuracy));
  }

  private renderSamples(): void {
    if (!this.view) return;
    const ink = rgb(this.theme.foreground);
    const paper = rgb(this.theme.background);
    const list: SampleImage[] = this.onlyMistakes ? this.view.mistakes : this.view.samples;
    this.grid.replaceChildren(
      ...list.map((s) => {
        const wrong = s.predicted !== s.label;
        const label = `${s.predicted} (${s.label})${wrong ? ` ✗ ${S.wrong}` : ''}`;
        return el(
          'figure',
          { class: wrong ? 'sample wrong' : 'sample', role: 'listitem', 'data-index': s.index },
          digitCanvas(decodeBase64(s.pixels), 28, ink, paper, label),
          el(
            'figcaption',
            {},
            el('b', { text: String(s.predicted) }),
            ` (${s.label})`,
            wrong ? el('span', { class: 'mark', text: ' ✗' }) : '',
          ),
        );
      }),
    );
  }

  private renderConfusion(): void {
    const m = this.view!.confusion;
    const corner = el('th', { scope: 'col', class: 'corner', text: '↓ \\ →' });
    const head = el('tr', {}, corner, ...m.map((_, j) => el('th', { scope: 'col', text: String(j) })));
    const rows = m.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return el(
        'tr',
        {},
        el('th', { scope: 'row', text: String(i) }),
        ...row.map((n, j) => {
          const td = el('td', { text: String(n), title: `${i} → ${j}: ${n}` });
          const share = n / total;
          // At most 40 % of the colour under the count, so that the text stays readable (≥ 4.5:1) in every
          // built-in theme (test/browser/themeContrast.test.ts).
          if (n > 0)
            td.style.background = withAlpha(
              i === j ? this.theme.accent : this.theme.error,
              i === j ? 0.1 + 0.3 * share : Math.min(0.4, 0.08 + 2 * share),
            );
          return td;
        }),
      );
    });
    this.confusion.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
  }

  private renderWeights(): void {
    const w = this.view!.weights;
    const data = new Int8Array(decodeBase64(w.images).buffer);
    paintSignedTiles(this.weights, data, w.shown, w.side, TILES_PER_ROW, signedColors(this.theme), TILE_GAP);
    this.weightsNote.textContent = format(S.weightsShown, w.shown, w.hiddenSize);
  }
}
