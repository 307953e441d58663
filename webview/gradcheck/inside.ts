/**
 * "Replay element y[3, 0]" and "Trace shapes" below the gradient check's result: a stepper
 * through the central differences (or the learner's own numerical_gradient loop) with Back,
 * Forward and Play — every step at once under reduced motion — and the table of shapes and dtypes
 * line by line. View only: the extension runs the replay and the trace and sends finished text.
 */
import { INSIDE_STRINGS, InsideFromWebview, InsideToWebview, ReplayView, TraceView } from '../../src/protocol/inside';
import type { ResultView } from '../../src/protocol/gradcheck';
import { el } from '../shared/dom';
import { format, strings } from '../shared/l10n';
import { post } from '../shared/vscode';

const S = strings(INSIDE_STRINGS);
const send = (m: InsideFromWebview) => post(m);
const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

const element = el('input', { id: 'replay-element', type: 'text', spellcheck: 'false', size: 10 });
const replayButton = el('button', { id: 'replay', type: 'button', text: format(S.replayElement, '') });
const traceButton = el('button', {
  id: 'trace',
  class: 'secondary',
  type: 'button',
  'aria-pressed': 'false',
  text: S.traceShapes,
});
const status = el('span', { id: 'inside-status', class: 'muted', 'aria-live': 'polite' });
const replayView = el('div', { id: 'replay-view' });
const traceView = el('div', { id: 'trace-view' });
export const insideSection = el(
  'section',
  { id: 'inside', class: 'card inside', hidden: '' },
  el(
    'div',
    { class: 'row inside-actions' },
    el('label', {}, el('span', { text: S.replayOf }), element),
    replayButton,
    traceButton,
    status,
  ),
  replayView,
  traceView,
);

let worst = '';
const label = () => format(S.replayElement, element.value.trim() || worst);
element.addEventListener('input', () => (replayButton.textContent = label()));
element.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') replayButton.click();
});
replayButton.addEventListener('click', () => {
  status.textContent = S.insideBusy;
  send({ type: 'replay', element: element.value.trim() || worst });
});
traceButton.addEventListener('click', () => {
  const on = traceButton.getAttribute('aria-pressed') !== 'true';
  traceButton.setAttribute('aria-pressed', on ? 'true' : 'false');
  traceButton.textContent = on ? S.clearShapes : S.traceShapes;
  if (on) status.textContent = S.insideBusy;
  else traceView.replaceChildren();
  send({ type: 'trace', on });
});

/** A new result: offer to replay its worst element; the previous replay and trace no longer apply. */
export function insideOnResult(r: ResultView): void {
  const cancelled = r.codes.includes('cancelled') || r.codes.includes('bad-input');
  insideSection.hidden = cancelled;
  worst = r.rows[0]?.element ?? '';
  element.value = worst;
  element.placeholder = worst || 'x[0]';
  replayButton.textContent = label();
  replayView.replaceChildren();
  traceView.replaceChildren();
  traceButton.setAttribute('aria-pressed', 'false');
  traceButton.textContent = S.traceShapes;
  status.textContent = '';
}

// ---- the stepper --------------------------------------------------------------------------------
let timer: number | undefined;

function renderReplay(v: ReplayView): void {
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
  const n = v.steps.length;
  let k = reducedMotion ? n - 1 : 0;
  element.value = v.element;
  replayButton.textContent = label();
  const items = v.steps.map((s) =>
    el(
      'li',
      { class: s.note ? 'step has-note' : 'step' },
      s.line !== undefined ? el('span', { class: 'line-no muted', text: String(s.line) }) : null,
      el('code', { class: 'step-label', text: s.label }),
      el('span', { class: 'step-values', text: s.values.join(', ') }),
      s.note ? el('div', { class: 'step-note', text: s.note }) : null,
    ),
  );
  const list = el(
    'ol',
    { class: `steps ${v.mode}`, tabindex: '0', 'aria-label': v.title, 'aria-describedby': 'stepper-help' },
    ...items,
  );
  const position = el('span', { class: 'step-position', 'aria-live': 'polite' });
  const back = el('button', { id: 'step-back', class: 'secondary', type: 'button', text: `◀ ${S.back}` });
  const fwd = el('button', { id: 'step-forward', class: 'secondary', type: 'button', text: `${S.forward} ▶` });
  const play = el('button', {
    id: 'step-play',
    class: 'secondary',
    type: 'button',
    text: S.play,
    hidden: reducedMotion ? '' : undefined,
  });
  const show = () => {
    items.forEach((li, j) => {
      li.hidden = j > k;
      li.classList.toggle('current', j === k && !reducedMotion);
      if (j === k) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    position.textContent = format(S.stepOf, k + 1, n);
    back.disabled = k === 0;
    fwd.disabled = k === n - 1;
  };
  const stop = () => {
    if (timer !== undefined) window.clearInterval(timer);
    timer = undefined;
    play.textContent = S.play;
  };
  const step = (d: number) => {
    k = Math.max(0, Math.min(n - 1, k + d));
    show();
  };
  back.addEventListener('click', () => (stop(), step(-1)));
  fwd.addEventListener('click', () => (stop(), step(1)));
  play.addEventListener('click', () => {
    if (timer !== undefined) return stop();
    if (k === n - 1) k = -1;
    play.textContent = S.pause;
    step(1);
    timer = window.setInterval(() => {
      step(1);
      if (k === n - 1) stop();
    }, 800);
  });
  list.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') step(1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') step(-1);
    else if (e.key === 'Home') step(-n);
    else if (e.key === 'End') step(n);
    else if (e.key === ' ' && !reducedMotion) play.click();
    else return;
    e.preventDefault();
  });
  const notes = v.notes.length
    ? el(
        'div',
        { class: 'replay-notes' },
        el('h3', { text: S.whatItShows }),
        el('ul', {}, ...v.notes.map((t) => el('li', { text: t }))),
      )
    : null;
  const identity = v.identity
    ? el('p', {
        class: `identity ${v.identity.shared ? 'shared' : 'copied'}`,
        text: format(v.identity.shared ? S.sameObject : S.copyObject, v.identity.reads),
      })
    : null;
  const parts: (HTMLElement | null)[] = [
    el('h2', { text: v.title }),
    identity,
    el('div', { class: 'row stepper-controls' }, back, fwd, play, position),
    el('p', { id: 'stepper-help', class: 'muted visually-hidden', text: S.stepperHelp }),
    list,
    notes,
  ];
  replayView.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  show();
  // Below the result and the form: brought into view (the walkthrough's replay opens the panel
  // with a result the learner did not ask about; the replay is what they came for).
  replayView.scrollIntoView({ block: 'start' });
}

// ---- the trace ----------------------------------------------------------------------------------
function renderTrace(v: TraceView): void {
  const head = el(
    'tr',
    {},
    ...[S.traceLine, S.traceName, S.traceShape, S.traceDtype, S.traceValue, S.traceFunction].map((h) =>
      el('th', { scope: 'col', text: h }),
    ),
  );
  const noteLines = new Set(v.notes.map((n) => n.line).filter((l) => l !== undefined));
  const rows = v.rows.map((r) =>
    el(
      'tr',
      { class: noteLines.has(r.line) ? 'has-note' : '' },
      el('td', { text: String(r.line) }),
      el('td', {}, el('code', { text: r.name })),
      el('td', { text: r.shape }),
      el('td', { text: r.dtype }),
      el('td', { text: r.value ?? '' }),
      el('td', { class: 'muted', text: r.function }),
    ),
  );
  const parts: (HTMLElement | null)[] = [
    el('h2', { text: S.traceTitle }),
    el(
      'div',
      { class: 'table-wrap' },
      el('table', { class: 'trace' }, el('thead', {}, head), el('tbody', {}, ...rows)),
    ),
  ];
  if (v.error)
    parts.push(
      el('p', {
        class: 'error trace-error',
        text: `${v.error.line ? `${S.traceLine} ${v.error.line}: ` : ''}${v.error.text}`,
      }),
    );
  if (v.notes.length)
    parts.push(
      el(
        'ul',
        { class: 'trace-notes' },
        ...v.notes.map((n) => el('li', { text: `${n.line ? `${S.traceLine} ${n.line}: ` : ''}${n.text}` })),
      ),
    );
  traceView.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

export function insideReceive(m: InsideToWebview): void {
  switch (m.type) {
    case 'insideBusy':
      status.textContent = S.insideBusy;
      break;
    case 'insideError':
      status.textContent = '';
      (m.what === 'replay' ? replayView : traceView).replaceChildren(
        el('p', { class: 'error', role: 'alert', text: m.message }),
      );
      break;
    case 'replay':
      status.textContent = '';
      renderReplay(m.replay);
      break;
    case 'trace':
      status.textContent = '';
      // Also when the host gives a reloaded page its trace back: the toggle shows it is on.
      traceButton.setAttribute('aria-pressed', 'true');
      traceButton.textContent = S.clearShapes;
      renderTrace(m.trace);
      break;
  }
}
