// Who is here and what is happening: participants, commands awaiting their ack, the
// activity log and error toasts.

import { clockTime, el, shortID } from './dom.js';

const LOG_LIMIT = 200;
const TOAST_MS = 6000;

/** The activity log, newest first; errors also pop up as toasts. */
export class ActivityLog {
  constructor(list, toasts) {
    this.list = list;
    this.toasts = toasts;
  }

  info(text) {
    this.add('info', text);
  }

  warn(text) {
    this.add('warn', text);
  }

  /** A refused command or a failed join: `code` is the server's stable error code. */
  error(code, message, context) {
    const text = context ? `${context}: ${message}` : message;
    this.add('error', text, code);
    this.toast(code, text);
  }

  add(level, text, code) {
    const entry = el(
      'li',
      { class: `log-${level}` },
      el('time', { text: clockTime() }),
      code ? el('code', { text: code }) : null,
      el('span', { text }),
    );
    this.list.prepend(entry);
    while (this.list.children.length > LOG_LIMIT) this.list.lastElementChild.remove();
  }

  toast(code, text) {
    const close = el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', text: '×' });
    const toast = el('div', { class: 'toast', role: 'alert' }, el('strong', { text: code }), el('span', { text }), close);
    const dismiss = () => toast.remove();
    close.addEventListener('click', dismiss);
    setTimeout(dismiss, TOAST_MS);
    this.toasts.append(toast);
    while (this.toasts.children.length > 4) this.toasts.firstElementChild.remove();
  }
}

/** Commands sent and not yet acknowledged: "sent", then "applied" once the update arrives. */
export class PendingList {
  constructor(list, count) {
    this.list = list;
    this.count = count;
    this.entries = new Map(); // ref -> {type, label, sentAt, applied}
    this.render();
  }

  get size() {
    return this.entries.size;
  }

  has(ref) {
    return this.entries.has(ref);
  }

  get(ref) {
    return this.entries.get(ref);
  }

  add(ref, type, label, extra = {}) {
    this.entries.set(ref, { type, label, sentAt: Date.now(), applied: false, ...extra });
    this.render();
  }

  applied(ref) {
    const entry = this.entries.get(ref);
    if (!entry) return;
    entry.applied = true;
    this.render();
  }

  /** Removes and returns the entry. */
  resolve(ref) {
    const entry = this.entries.get(ref);
    this.entries.delete(ref);
    if (entry) this.render();
    return entry;
  }

  /** Forgets everything (the connection dropped); returns what was outstanding. */
  clear() {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.render();
    return all;
  }

  render() {
    this.count.textContent = String(this.entries.size);
    if (!this.entries.size) {
      this.list.replaceChildren(el('li', { class: 'hint', text: 'Nothing pending.' }));
      return;
    }
    this.list.replaceChildren(
      ...[...this.entries.values()].map((e) =>
        el(
          'li',
          { class: e.applied ? 'pending-applied' : 'pending-sent' },
          el('code', { text: e.type }),
          el('span', { text: e.label }),
          el('span', { class: 'pending-state', text: e.applied ? 'applied, committing…' : 'sent…' }),
        ),
      ),
    );
  }
}

/** Everyone in the scene, with roles; the local participant is marked. */
export class ParticipantsPanel {
  constructor(list, count) {
    this.list = list;
    this.count = count;
  }

  render(scene, me, myName) {
    const people = [...scene.participants.values()].sort(
      (a, b) => (b.id === me) - (a.id === me) || (a.role === b.role ? (a.id < b.id ? -1 : 1) : a.role === 'driver' ? -1 : 1),
    );
    this.count.textContent = String(people.length);
    this.list.replaceChildren(
      ...people.map((p) => {
        const mine = p.id === me;
        const selection = p.selection ? scene.deviceName(p.selection) : null;
        return el(
          'li',
          { class: mine ? 'me' : '', 'aria-current': mine ? 'true' : undefined },
          el('span', { class: `role role-${p.role}`, text: p.role }),
          el('span', { class: 'who', text: mine ? `You${myName ? ` (${myName})` : ''}` : `Visitor ${shortID(p.actor)}` }),
          selection ? el('span', { class: 'sel', text: `selects ${selection}` }) : null,
        );
      }),
    );
  }
}
