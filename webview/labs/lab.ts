/** What every lab provides to the page shell (main.ts). */
import type { LabId, LabStrings } from '../../src/protocol/tutorial';
import type { ThemeColors } from '../shared/theme';

export interface LabContext {
  s: LabStrings;
  colors: ThemeColors;
  /** What this lab saved last time (webview state survives hiding and reloads). */
  saved: unknown;
  save(state: unknown): void;
  /** True when the learner asked the OS for less motion: skip animations. */
  reducedMotion: boolean;
}

export interface Lab {
  root: HTMLElement;
  /**
   * The elements of each control a lab file may lock or hide (src/protocol/labFile.ts LAB_CONTROLS):
   * inputs, buttons and rows are disabled (or hidden); a canvas the learner drags on is marked
   * `data-locked` and the lab ignores the drag.
   */
  controls?: Record<string, Element[]>;
  /** Called when VS Code switches theme. */
  retheme(colors: ThemeColors): void;
  dispose(): void;
}

export type LabFactory = (ctx: LabContext) => Lab;

export type LabRegistry = Record<LabId, LabFactory>;

/** A saved object field, if it has the right type (state may come from an older version). */
export function savedNumber(saved: unknown, key: string): number | undefined {
  const v = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function savedValue(saved: unknown, key: string): unknown {
  return typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[key] : undefined;
}
