/** Start, Pause, Resume, Step, Stop, Reset and the progress bar; which buttons work follows the run's state. */
import { format } from '../shared/l10n';
import { button, el } from '../shared/dom';
import { clock, decimal, integer } from './format';

/** Iterations per second: whole above 100, else two significant digits. */
function speed(itPerSec: number): string {
  if (itPerSec >= 100) return integer(Math.round(itPerSec));
  const digits = itPerSec >= 10 ? 0 : itPerSec >= 1 ? 1 : 2;
  return decimal(itPerSec, digits);
}
import { Sparkline } from './sparkline';
import { S } from './strings';

export type RunMode = 'idle' | 'running' | 'paused';

export interface ControlActions {
  start(): void;
  pause(): void;
  resume(): void;
  step(): void;
  stop(): void;
  reset(): void;
}

export class Controls {
  readonly root: HTMLElement;
  private readonly buttons: Record<keyof ControlActions, HTMLButtonElement>;
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;
  readonly sparkline = new Sparkline();
  mode: RunMode = 'idle';

  constructor(actions: ControlActions) {
    this.buttons = {
      start: button(S.start, () => actions.start(), { 'data-action': 'start' }),
      pause: button(S.pause, () => actions.pause(), { class: 'secondary', 'data-action': 'pause' }),
      resume: button(S.resume, () => actions.resume(), { class: 'secondary', 'data-action': 'resume' }),
      step: button(S.step, () => actions.step(), { class: 'secondary', 'data-action': 'step' }),
      stop: button(S.stopRun, () => actions.stop(), { class: 'secondary', 'data-action': 'stop' }),
      reset: button(S.reset, () => actions.reset(), { class: 'secondary', 'data-action': 'reset' }),
    };
    this.bar = el('progress', { max: 1, value: 0, 'aria-label': S.progressLabel });
    this.text = el('div', { class: 'progress-text muted', role: 'status', 'aria-live': 'polite', text: S.idleText });
    this.root = el(
      'div',
      { class: 'controls' },
      el('div', { class: 'row' }, ...Object.values(this.buttons)),
      this.bar,
      el('div', { class: 'progress-row' }, this.sparkline.root, this.text),
    );
    this.setMode('idle');
  }

  setMode(mode: RunMode): void {
    this.mode = mode;
    const b = this.buttons;
    b.start.disabled = mode !== 'idle';
    b.pause.disabled = mode !== 'running';
    b.resume.disabled = mode !== 'paused';
    b.step.disabled = mode !== 'paused';
    b.stop.disabled = mode === 'idle';
    b.reset.disabled = mode === 'idle';
  }

  /** Back to the start: no run, an empty bar. */
  idle(): void {
    this.bar.max = 1;
    this.bar.value = 0;
    this.text.textContent = S.idleText;
  }

  setProgress(iter: number, iters: number, itPerSec: number, etaSeconds: number | null): void {
    this.bar.max = iters;
    this.bar.value = iter;
    this.text.textContent =
      this.mode === 'paused'
        ? format(S.pausedText, integer(iter), integer(iters))
        : etaSeconds === null
          ? format(S.progressTextNoEta, integer(iter), integer(iters), speed(itPerSec))
          : format(S.progressText, integer(iter), integer(iters), speed(itPerSec), clock(etaSeconds));
  }

  /** After a run ends: the bar shows where it got to, the text what happened. */
  finished(iter: number, iters: number, text: string): void {
    this.bar.max = iters;
    this.bar.value = iter;
    this.text.textContent = text;
  }
}
