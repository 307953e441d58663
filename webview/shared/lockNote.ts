/**
 * The visible mark of a control a lab file locks: "· locked" after its label's text (the control
 * itself is disabled and its tooltip and aria-description give the reason).
 */
export function markLocked(label: Element | null | undefined, locked: boolean, text: string): void {
  const caption = label?.querySelector(':scope > span:first-child');
  if (!caption) return;
  let note = caption.querySelector(':scope > .lock-note');
  if (!locked) {
    note?.remove();
    return;
  }
  if (!note) {
    note = document.createElement('span');
    note.className = 'lock-note';
    caption.append(note);
  }
  note.textContent = ` · ${text}`;
}
