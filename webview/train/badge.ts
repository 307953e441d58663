/** A small badge naming the section of the book's chapter 4 a part of the panel belongs to (4.2 Loss functions…). */
import { format } from '../shared/l10n';
import { el } from '../shared/dom';
import { S } from './strings';

export type BookSection = '4.1' | '4.2' | '4.4' | '4.5';

const TITLES: Record<BookSection, keyof typeof S> = { '4.1': 'sec41', '4.2': 'sec42', '4.4': 'sec44', '4.5': 'sec45' };

export function badge(section: BookSection): HTMLElement {
  const title = format(S.bookSection, section);
  return el('span', { class: 'book-section', title, 'data-section': section, text: S[TITLES[section]] });
}
