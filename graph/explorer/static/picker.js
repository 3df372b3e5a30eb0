// Picker: a search box with suggestions as you type, following the WAI-ARIA
// combobox pattern (list autocomplete): ArrowDown/ArrowUp move through the
// suggestions, Enter picks the highlighted one, Escape closes the list.

import { gql, SEARCH } from './api.js';
import { h, replace } from './dom.js';
import { kindStyle, prettyKind } from './style.js';

const DEBOUNCE_MS = 150;

export class Picker {
  /**
   * @param {HTMLElement} root  element holding the input and the listbox
   * @param {object} opts  onPick(entity) when a suggestion is picked;
   *   onError(err) when the search fails; keepText: false clears the input
   *   after a pick (waypoints become chips).
   */
  constructor(root, { onPick, onError, keepText = true } = {}) {
    this.input = root.querySelector('input[role=combobox]');
    this.listbox = root.querySelector('[role=listbox]');
    this.onPick = onPick || (() => {});
    this.onError = onError || (() => {});
    this.keepText = keepText;
    this.items = [];
    this.active = -1;
    this.seq = 0;
    this.timer = 0;
    this.value = null; // {id, name, kind} once picked, {text} while typed
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    // An Enter that picked a suggestion must not also submit the form (some
    // input methods and automation send the keypress anyway).
    this.input.addEventListener('keypress', (e) => { if (e.key === 'Enter' && this.picked) e.preventDefault(); });
    this.input.addEventListener('keyup', (e) => { if (e.key === 'Enter') this.picked = false; });
    this.input.addEventListener('blur', () => setTimeout(() => this.close(), 120));
    this.input.addEventListener('focus', () => { if (this.items.length && this.input.value.trim() && !this.value?.id) this.open(); });
    // Keep focus in the input while clicking an option.
    this.listbox.addEventListener('mousedown', (e) => e.preventDefault());
  }

  /** set shows an entity (or free text) without searching. */
  set(value) {
    this.value = value;
    this.input.value = value ? (value.name || value.id || value.text || '') : '';
    this.close();
  }

  /** arg is what the API gets: the picked id, else the typed text, else null. */
  arg() {
    if (this.value?.id) return this.value.id;
    const t = this.input.value.trim();
    return t || null;
  }

  onInput() {
    const q = this.input.value.trim();
    this.value = q ? { text: q } : null;
    clearTimeout(this.timer);
    if (!q) { this.items = []; this.close(); return; }
    this.timer = setTimeout(() => this.search(q), DEBOUNCE_MS);
  }

  async search(q) {
    const seq = ++this.seq;
    let data;
    try {
      data = await gql(SEARCH, { q, first: 8 });
    } catch (err) {
      if (seq === this.seq) this.onError(err);
      return;
    }
    // A later keystroke or a pick makes this answer stale.
    if (seq !== this.seq || this.input.value.trim() !== q || this.value?.id) return;
    this.items = data.search.edges.map((e) => ({ ...e.node, matchedName: e.matchedName }));
    this.active = this.items.length ? 0 : -1;
    this.total = data.search.totalCount;
    this.render(q);
    if (document.activeElement === this.input) this.open();
  }

  render(q) {
    const id = this.listbox.id;
    if (!this.items.length) {
      replace(this.listbox, h('li', { class: 'none', role: 'option', 'aria-disabled': 'true', id: `${id}-none` }, `Nothing matches “${q}”`));
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    replace(this.listbox, this.items.map((it, i) => {
      const ks = kindStyle(it.kind);
      const alias = it.matchedName && it.matchedName !== it.name ? h('span', { class: 'matched' }, `matched “${it.matchedName}”`) : null;
      return h('li', {
        role: 'option', id: `${id}-opt-${i}`, 'aria-selected': i === this.active ? 'true' : 'false',
        dataset: { id: it.id, index: i },
        onclick: () => this.pick(i),
        onmousemove: () => { if (this.active !== i) { this.active = i; this.highlight(); } },
      },
      h('span', { class: 'kind-dot', style: { background: ks.color }, 'aria-hidden': 'true' }),
      h('span', { class: 'opt-main' }, h('span', { class: 'opt-name' }, it.name), alias),
      h('span', { class: 'opt-kind' }, prettyKind(it.kind)));
    }));
    this.highlight();
  }

  highlight() {
    this.listbox.querySelectorAll('[role=option]').forEach((li, i) => {
      li.setAttribute('aria-selected', i === this.active ? 'true' : 'false');
      if (i === this.active) li.scrollIntoView({ block: 'nearest' });
    });
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `${this.listbox.id}-opt-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  isOpen() { return !this.listbox.hidden; }

  open() {
    if (!this.listbox.children.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.listbox.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  onKey(e) {
    const n = this.items.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!this.isOpen()) { if (n) this.open(); else if (this.input.value.trim()) this.search(this.input.value.trim()); return; }
        if (n) { this.active = (this.active + 1) % n; this.highlight(); }
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (!this.isOpen()) return;
        if (n) { this.active = (this.active - 1 + n) % n; this.highlight(); }
        break;
      case 'Home': case 'End':
        if (this.isOpen() && n) { e.preventDefault(); this.active = e.key === 'Home' ? 0 : n - 1; this.highlight(); }
        break;
      case 'Enter':
        if (this.isOpen() && this.active >= 0 && this.active < n) { e.preventDefault(); this.pick(this.active); this.picked = true; }
        break;
      case 'Escape':
        if (this.isOpen()) { e.preventDefault(); this.close(); }
        break;
      case 'Tab':
        this.close();
        break;
      default:
    }
  }

  pick(i) {
    const it = this.items[i];
    if (!it) return;
    this.seq++; // drop answers still on the way
    this.value = { id: it.id, name: it.name, kind: it.kind };
    this.input.value = this.keepText ? it.name : '';
    this.items = [];
    this.close();
    this.onPick(this.value);
    if (!this.keepText) this.value = null;
  }
}
