/**
 * The chapter-4 labs page: one lab at a time behind a tab switcher. Every number comes from
 * src/core running here in the page; the extension only says which lab to show and learns
 * which lab is shown (to tick walkthrough steps off).
 */
import {
  LAB_IDS,
  LAB_STRINGS,
  isLabId,
  type FromLabMessage,
  type LabId,
  type LabPageData,
  type LabSetupView,
  type ToLabMessage,
} from '../../src/protocol/tutorial';
import { initialData, strings } from '../shared/l10n';
import { themeColors, whenThemeChanges, type ThemeColors } from '../shared/theme';
import { onMessage, post, vscode } from '../shared/vscode';
import { h } from './dom';
import { noteButtons, noteCharts, noteFromPage } from '../shared/studyNote';
import type { Lab, LabRegistry } from './lab';
import { markLocked } from '../shared/lockNote';
import { descentLab } from './descentLab';
import { errorHLab } from './errorHLab';
import { fieldLab } from './fieldLab';
import { lossLab } from './lossLab';
import { saddleLab } from './saddleLab';
import { simpleNetLab } from './simpleNetLab';
import { tangentLab } from './tangentLab';

const LABS: LabRegistry = {
  loss: lossLab,
  tangent: tangentLab,
  errorH: errorHLab,
  field: fieldLab,
  descent: descentLab,
  simpleNet: simpleNetLab,
  saddle: saddleLab,
};

interface PageState {
  lab: LabId;
  labs: Partial<Record<LabId, unknown>>;
  /** A lab file's setup (src/protocol/labFile.ts) and the lab it is for; kept across reloads. */
  setup?: { lab: LabId; view: LabSetupView };
  /** The seq of the setup whose values were put into the lab: a reload does not put them in again. */
  appliedSeq?: number;
}

const s = strings(LAB_STRINGS);
const send = (m: FromLabMessage) => post(m);
const previous = vscode.getState() as Partial<PageState> | undefined;
// A page reloaded after being hidden keeps its own last lab (its state); a new page shows the
// lab it was opened for. The extension re-sends showLab after `ready` if it wants another one.
const state: PageState = {
  lab: isLabId(previous?.lab)
    ? previous!.lab
    : isLabId(initialData<LabPageData>()?.lab)
      ? initialData<LabPageData>()!.lab
      : 'loss',
  labs: typeof previous?.labs === 'object' && previous.labs ? previous.labs : {},
  ...(previous?.setup && isLabId(previous.setup.lab) ? { setup: previous.setup } : {}),
  ...(typeof previous?.appliedSeq === 'number' ? { appliedSeq: previous.appliedSeq } : {}),
};
const initialSetup = initialData<LabPageData>()?.setup;
if (initialSetup && isLabId(initialData<LabPageData>()?.lab) && initialSetup.seq !== state.appliedSeq)
  state.setup = { lab: initialData<LabPageData>()!.lab, view: initialSetup };
const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

let colors: ThemeColors = themeColors();
let current: { id: LabId; lab: Lab } | undefined;

const heading = h('h1', { id: 'lab-heading' });
const panel = h('div', { id: 'lab-panel', role: 'tabpanel', 'aria-labelledby': 'lab-heading' });
const tabs = LAB_IDS.map((id) => {
  const tab = h('button', {
    type: 'button',
    role: 'tab',
    id: `tab-${id}`,
    'aria-controls': 'lab-panel',
    'data-lab': id,
    text: s[`lab.${id}`],
  });
  tab.addEventListener('click', () => show(id));
  return tab;
});
const tablist = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': s.labsNav }, ...tabs);
// Arrow keys move between tabs, as in VS Code's own tab lists.
tablist.addEventListener('keydown', (e) => {
  const i = tabs.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0) return;
  const next =
    e.key === 'ArrowRight'
      ? (i + 1) % tabs.length
      : e.key === 'ArrowLeft'
        ? (i - 1 + tabs.length) % tabs.length
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? tabs.length - 1
            : -1;
  if (next < 0) return;
  e.preventDefault();
  tabs[next].focus();
  show(LAB_IDS[next]);
});
const back = h('button', { type: 'button', class: 'secondary back', text: s.backToTutorial });
back.addEventListener('click', () => send({ type: 'openTutorial' }));
const share = h('button', {
  type: 'button',
  class: 'secondary',
  name: 'shareSetup',
  text: s.shareSetup,
  title: s.shareTitle,
});
share.addEventListener('click', () => {
  if (current)
    send({ type: 'share', lab: current.id, state: (state.labs[current.id] ?? {}) as Record<string, unknown> });
});
/** A lab file's instruction, as plain text (textContent: never HTML). */
const instruction = h('aside', { class: 'lab-instruction', 'aria-label': s.instructionLabel });
instruction.hidden = true;

// The lab as a study note: its controls, outputs and verdict as shown, its charts as PNG files.
const notes = noteButtons(() => {
  if (!current) return undefined;
  const canvases = [...panel.querySelectorAll('canvas')];
  return {
    note: noteFromPage(panel, `${s.labsNav}: ${s[`lab.${current.id}`]}`),
    charts: noteCharts(
      canvases.map((canvas, i) => ({
        name: canvases.length === 1 ? current!.id.toLowerCase() : `${current!.id.toLowerCase()}-${i + 1}`,
        alt: canvas.getAttribute('aria-label') ?? s[`lab.${current!.id}`],
        canvas,
      })),
      colors.background,
    ),
  };
});

document
  .getElementById('app')!
  .append(
    h('header', { class: 'lab-header' }, tablist, h('div', { class: 'row' }, notes, share, back)),
    heading,
    instruction,
    panel,
  );

/** Locks and hides a lab's controls as its lab file says: disabled with the teacher's reason, or not shown. */
function applySetup(lab: Lab, view: LabSetupView | undefined): void {
  instruction.textContent = view?.instruction ?? '';
  instruction.hidden = !view?.instruction;
  if (!view) return;
  for (const [name, elements] of Object.entries(lab.controls ?? {})) {
    const locked = view.lock.includes(name);
    const hidden = view.hide.includes(name);
    for (const e of elements) {
      if (hidden && !(e instanceof HTMLCanvasElement)) (e as HTMLElement).hidden = true;
      if (!locked) continue;
      const el = e as HTMLElement;
      el.dataset.locked = 'true';
      el.title = s.lockedByTeacher;
      el.classList.add('locked');
      markLocked(el.matches('label') ? el : el.closest('label'), true, s.locked);
      const controls = el.matches('input, button, select, textarea')
        ? [el]
        : [...el.querySelectorAll<HTMLElement>('input, button, select, textarea')];
      for (const c of controls) {
        (c as HTMLInputElement).disabled = true;
        c.dataset.locked = 'true';
        c.title = s.lockedByTeacher;
        c.setAttribute('aria-description', s.lockedByTeacher);
      }
    }
  }
}
document.title = s.pageTitle;

function show(id: LabId, setup?: LabSetupView | null): void {
  if (setup !== undefined) {
    // A lab file (or none): its values go into the lab once; its locks hold while the page lives.
    if (setup === null) delete state.setup;
    else state.setup = { lab: id, view: setup };
  }
  const view = state.setup?.lab === id ? state.setup.view : undefined;
  const fresh = !!view && view.seq !== state.appliedSeq;
  if (view && fresh) {
    state.labs[id] = { ...((state.labs[id] as object | undefined) ?? {}), ...view.state };
    state.appliedSeq = view.seq;
  }
  if (current?.id === id && !fresh && setup === undefined) return;
  current?.lab.dispose();
  tabs.forEach((t) => {
    const selected = t.dataset.lab === id;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
  });
  heading.textContent = s[`lab.${id}`];
  state.lab = id;
  const lab = LABS[id]({
    s,
    colors,
    saved: state.labs[id],
    reducedMotion,
    save: (v) => {
      state.labs[id] = v;
      vscode.setState(state);
    },
  });
  panel.replaceChildren(lab.root);
  applySetup(lab, view);
  // A new lab starts at its top, not at the previous lab's scroll position.
  window.scrollTo(0, 0);
  current = { id, lab };
  document.body.dataset.lab = id;
  vscode.setState(state);
  send({ type: 'labShown', lab: id });
}

onMessage<ToLabMessage>((m) => {
  if (m && m.type === 'showLab' && isLabId(m.lab)) show(m.lab, m.setup);
});

// Every part was built with the colours of the moment: only a later switch needs repainting.
whenThemeChanges((c) => {
  colors = c;
  current?.lab.retheme(c);
});

show(state.lab);
send({ type: 'ready' });
