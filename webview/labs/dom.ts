/** Small DOM helpers for the labs: elements, labelled inputs, and number formats. */

import { Attrs, type Child, el as h, newId } from '../shared/dom';

export { h, newId };

/** A lab's section: its introduction, then its parts. */
export function labSection(intro: string, ...parts: Child[]): HTMLElement {
  return h('section', { class: 'lab' }, h('p', { text: intro }), ...parts);
}

/** A row of controls. */
export function controlRow(...children: Child[]): HTMLDivElement {
  return h('div', { class: 'row' }, ...children);
}

/** A drop-down list with `value` chosen among its [value, text] options. */
export function selectOf(id: string, value: string, ...options: [value: string, text: string][]): HTMLSelectElement {
  const select = h('select', { id }, ...options.map(([v, text]) => h('option', { value: v, text })));
  select.value = value;
  return select;
}

export interface NumberField {
  wrap: HTMLLabelElement;
  input: HTMLInputElement;
  /** The value, or undefined (and the field marked invalid) if it is not a finite number. */
  read(): number | undefined;
  set(v: number): void;
}

/** A labelled number input that flags anything that is not a finite number. */
export function numberField(label: string, value: number, invalidText: string, attrs: Attrs = {}): NumberField {
  const input = h('input', { type: 'text', inputmode: 'decimal', spellcheck: 'false', value: String(value), ...attrs });
  const error = h('span', { class: 'invalid-reason', 'aria-live': 'polite' });
  const wrap = h('label', {}, h('span', { text: label }), input, error);
  const read = (): number | undefined => {
    const raw = input.value.trim();
    const v = raw === '' ? NaN : Number(raw.replace('−', '-'));
    const ok = Number.isFinite(v);
    input.setAttribute('aria-invalid', String(!ok));
    error.textContent = ok ? '' : invalidText;
    return ok ? v : undefined;
  };
  return { wrap, input, read, set: (v) => ((input.value = String(v)), read()) };
}

/** Up to `digits` significant digits, trailing zeros dropped: 0.09750000000000003 → "0.0975". */
export function fmt(v: number, digits = 15): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-5 && abs < 1e15) {
    const s = v.toPrecision(digits);
    return s.includes('e') ? s : s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** Scientific notation with `digits` significant digits: -6.111107929e-10 → "-6.11110793e-10". */
export function sci(v: number, digits = 9): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e6) return fmt(v, digits);
  return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** Parses "1e-10" and friends exactly (no 10 ** x rounding). */
export function lrFromExponent(e: number): number {
  const rounded = Math.round(e * 10) / 10;
  if (Number.isInteger(rounded)) return Number(`1e${rounded}`);
  return Number((10 ** rounded).toPrecision(2));
}
