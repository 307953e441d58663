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
  type ToLabMessage,
} from '../../src/protocol/tutorial';
import { initialData, strings } from '../shared/l10n';
import { themeColors, whenThemeChanges, type ThemeColors } from '../shared/theme';
import { onMessage, post, vscode } from '../shared/vscode';
import { h } from './dom';
import { noteButtons, noteCharts, noteFromPage } from '../shared/studyNote';
import type { Lab, LabRegistry } from './lab';
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
};
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
  .append(h('header', { class: 'lab-header' }, tablist, h('div', { class: 'row' }, notes, back)), heading, panel);
document.title = s.pageTitle;

function show(id: LabId): void {
  if (current?.id === id) return;
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
  // A new lab starts at its top, not at the previous lab's scroll position.
  window.scrollTo(0, 0);
  current = { id, lab };
  document.body.dataset.lab = id;
  vscode.setState(state);
  send({ type: 'labShown', lab: id });
}

onMessage<ToLabMessage>((m) => {
  if (m && m.type === 'showLab' && isLabId(m.lab)) show(m.lab);
});

// Every part was built with the colours of the moment: only a later switch needs repainting.
whenThemeChanges((c) => {
  colors = c;
  current?.lab.retheme(c);
});

show(state.lab);
send({ type: 'ready' });
