// The timeline: events, transfers, reactions, resolutions, listings and
// sources on a zoomable time axis, one lane each. Items come from the
// current selection: an entity and what is directly connected to it, or the
// entities drawn for a path or a finding. A partial date (2024, 2024-06) is
// drawn as a span over its year or month, a full date as a point; the status
// sets the style (solid, pale, dashed, dotted, as in the graph). Items are
// buttons in date order, so Tab walks the timeline chronologically. Dated
// relationships (validFrom) of the subject, or drawn in the graph, have a
// lane of their own: when a hop of a path began to hold.

import { gql, RELATIONSHIP, EVIDENCE } from './api.js';
import { h, svg } from './dom.js';
import { prettyKind, prettyStatus } from './style.js';

export const LANES = [
  { key: 'TRANSFER', label: 'Transfers' },
  { key: 'EVENT', label: 'Events' },
  { key: 'REACTION', label: 'Reactions' },
  { key: 'RESOLUTION', label: 'Resolutions' },
  { key: 'SANCTION', label: 'Listings' },
  { key: 'SOURCE', label: 'Sources' },
  { key: 'FACT', label: 'Relationships' },
];
const DATE_PROPS = { TRANSFER: 'date', EVENT: 'date', RESOLUTION: 'adoptedOn', SANCTION: 'listingDate', SOURCE: 'publishedOn' };
/** DATED_KINDS are the kinds placed on the timeline by a date property. */
export const DATED_KINDS = Object.keys(DATE_PROPS);
const PROP_NAMES = JSON.stringify([...new Set(Object.values(DATE_PROPS))]);
const DAY = 86_400_000;
const MAX_ITEMS = 120; // entities on one timeline
const BATCH = 10; // entities per aliased query, well under the API's complexity limit

const NODE = `fragment TlNode on Entity { id kind name status validFrom validUntil properties(names: ${PROP_NAMES}) { name values } }`;

const AROUND = `
query TimelineAround($id: ID!, $after: String) {
  entity(id: $id) { ...TlNode }
  neighbours(id: $id, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { ...TlNode } relationship { id type status validFrom validUntil from { id } to { id } } }
  }
}
${NODE}`;

function prop(x, name) { return (x.properties || []).find((p) => p.name === name)?.values[0] || ''; }

/** span turns a (possibly partial) date into [start, end) in ms; null when it is not a date. */
export function span(d) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(d || '');
  if (!m) return null;
  const y = +m[1]; const mo = m[2] ? +m[2] - 1 : null; const day = m[3] ? +m[3] : null;
  if (day !== null) { const t = Date.UTC(y, mo, day); return [t, t + DAY, 'day']; }
  if (mo !== null) return [Date.UTC(y, mo, 1), Date.UTC(y, mo + 1, 1), 'month'];
  return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1), 'year'];
}

function earliest(dates) { return dates.filter(Boolean).sort()[0] || ''; }

/**
 * collect gathers the items of a subject: {id} (an entity and its
 * neighbours) or {ids} (entities drawn in the graph). For every transfer,
 * event and resolution it adds the reactions to it (REACTED_TO, dated by
 * validFrom or the earliest statedOn of their evidence) and for every item
 * the sources it cites (by publishedOn).
 */
export async function collect(subject) {
  const ents = new Map();
  const facts = []; // dated relationships: {rel, from, to}
  let title = subject.label || '';
  if (subject.id) {
    let after = null;
    for (let page = 0; page < 3; page++) { // at most 300 neighbours
      const data = await gql(AROUND, { id: subject.id, after });
      if (page === 0) { ents.set(data.entity.id, data.entity); title = data.entity.name; }
      for (const e of data.neighbours.edges) {
        ents.set(e.node.id, e.node);
        const r = e.relationship;
        if (r.validFrom) {
          const [from, to] = r.from.id === data.entity.id ? [data.entity, e.node] : [e.node, data.entity];
          facts.push({ rel: r, from, to });
        }
      }
      if (!data.neighbours.pageInfo.hasNextPage) break;
      after = data.neighbours.pageInfo.endCursor;
    }
  }
  const dated = [...ents.values()].filter((e) => DATE_PROPS[e.kind] && e.kind !== 'SOURCE');
  const ids = [...new Set([...dated.map((e) => e.id), ...(subject.ids || [])])].slice(0, MAX_ITEMS);
  for (const f of subject.facts || []) if (f.rel.validFrom) facts.push(f);
  const factItems = facts.filter((f) => span(f.rel.validFrom)).map((f) => ({
    group: 'edges', id: f.rel.id, rel: f.rel, from: f.from, to: f.to, lane: 'FACT', kind: 'RELATIONSHIP', status: f.rel.status, date: f.rel.validFrom,
    name: `${f.from.name || f.from.id} — ${f.rel.type.toLowerCase().replaceAll('_', ' ')} → ${f.to.name || f.to.id}${f.rel.validUntil ? ` (until ${f.rel.validUntil})` : ''}`,
  }));
  if (!ids.length) return { title, items: factItems.sort((a, b) => span(a.date)[0] - span(b.date)[0]) };
  const batch = async (from) => {
    const parts = ids.slice(from, from + BATCH).map((id, j) => `e${from + j}: entity(id: ${JSON.stringify(id)}) { ...TlNode evidence { ...Ev } }
    r${from + j}: neighbours(id: ${JSON.stringify(id)}, first: 30, filter: {types: [REACTED_TO], direction: INCOMING}) { edges { node { id kind name status } relationship { ...Rel } } }`);
    return gql(`query TimelineItems {\n${parts.join('\n')}\n}\n${NODE}${RELATIONSHIP}${EVIDENCE}`);
  };
  const data = {};
  for (let from = 0; from < ids.length; from += 3 * BATCH) { // three queries at a time
    const starts = [from, from + BATCH, from + 2 * BATCH].filter((x) => x < ids.length);
    for (const d of await Promise.all(starts.map(batch))) Object.assign(data, d);
  }
  const items = [];
  const sources = new Map();
  ids.forEach((id, i) => {
    const e = data[`e${i}`];
    if (!e || !DATE_PROPS[e.kind]) return;
    const date = prop(e, DATE_PROPS[e.kind]);
    if (span(date)) items.push({ group: 'nodes', id: e.id, lane: e.kind, name: e.name, status: e.status, date, kind: e.kind });
    for (const ev of e.evidence || []) {
      const pub = prop(ev.source, 'publishedOn');
      if (span(pub) && !sources.has(ev.source.id)) {
        sources.set(ev.source.id, { group: 'nodes', id: ev.source.id, lane: 'SOURCE', name: ev.source.name, status: ev.status, date: pub, kind: 'SOURCE' });
      }
    }
    for (const r of data[`r${i}`]?.edges || []) {
      const rel = r.relationship;
      const date = rel.validFrom || earliest(rel.evidence.map((ev) => ev.statedOn));
      if (!span(date)) continue;
      const stance = prop(rel, 'stance');
      items.push({
        group: 'edges', id: rel.id, rel, from: r.node, to: e, lane: 'REACTION', status: rel.status, date, kind: 'REACTION',
        name: `${r.node.name}${stance ? ` ${stance}` : ' reacted to'}: ${e.name}`,
      });
    }
  });
  items.push(...sources.values(), ...factItems);
  items.sort((a, b) => span(a.date)[0] - span(b.date)[0] || a.name.localeCompare(b.name));
  return { title, items };
}

/** Timeline draws items on lanes in an SVG; wheel, buttons and keys zoom and pan. */
export class Timeline {
  constructor({ svgEl, onSelect }) {
    this.svg = svgEl;
    this.onSelect = onSelect;
    this.items = [];
    this.t0 = 0; this.t1 = 1;
    this.wire();
  }

  show(items) {
    this.items = items;
    this.fit();
  }

  fit() {
    if (!this.items.length) { const now = Date.now(); this.t0 = now - 365 * DAY; this.t1 = now; this.render(); return; }
    const s = this.items.map((i) => span(i.date));
    const a = Math.min(...s.map((x) => x[0])); const b = Math.max(...s.map((x) => x[1]));
    const pad = Math.max((b - a) * 0.04, 20 * DAY);
    this.t0 = a - pad; this.t1 = b + pad;
    this.render();
  }

  /** focus zooms to [from, to) (ms). */
  focus(from, to) { this.t0 = from; this.t1 = to; this.render(); }

  zoom(f, atX) {
    const { w } = this.size();
    const x = atX ?? (w + 140) / 2;
    const t = this.timeAt(x);
    const len = Math.min(400 * 365 * DAY, Math.max(7 * DAY, (this.t1 - this.t0) / f));
    const frac = (x - 140) / (w - 160);
    this.t0 = t - len * frac; this.t1 = this.t0 + len;
    this.render();
  }

  pan(px) {
    const { w } = this.size();
    const dt = (px / (w - 160)) * (this.t1 - this.t0);
    this.t0 -= dt; this.t1 -= dt;
    this.render();
  }

  size() {
    const r = this.svg.getBoundingClientRect();
    return { w: Math.max(400, r.width), h: Math.max(200, r.height) };
  }

  xAt(t) { const { w } = this.size(); return 140 + ((t - this.t0) / (this.t1 - this.t0)) * (w - 160); }

  timeAt(x) { const { w } = this.size(); return this.t0 + ((x - 140) / (w - 160)) * (this.t1 - this.t0); }

  render() {
    const { w } = this.size();
    const ROW = 22; const TOP = 34;
    // Rows per lane: greedy, so that marks and labels do not overlap.
    const rowsOf = new Map();
    const laneRows = {};
    for (const lane of LANES) {
      const ends = [];
      for (const it of this.items.filter((i) => i.lane === lane.key)) {
        const [a, b] = span(it.date);
        const x0 = this.xAt(a); const x1 = Math.max(this.xAt(b), x0 + 10);
        const label = ellipsis(it.name, 44);
        const tw = label.length * 6.2;
        // A label that would run off the right edge goes left of its mark.
        const flip = x1 + 6 + tw > w - 4 && x0 - 6 - tw > 140;
        const left = flip ? x0 - 8 - tw : x0;
        const right = flip ? x1 : x1 + 6 + tw;
        let row = ends.findIndex((e) => e < left - 4);
        if (row < 0) { row = ends.length; ends.push(0); }
        ends[row] = right;
        rowsOf.set(it, { row, x0, x1, label, flip });
      }
      laneRows[lane.key] = Math.max(1, ends.length);
    }
    let y = TOP;
    const lanesG = svg('g', { class: 'lanes' });
    const itemsG = svg('g', { class: 'items' });
    const laneY = {};
    // Lanes without items are left out (the legend names them all).
    for (const lane of LANES.filter((l) => this.items.some((i) => i.lane === l.key))) {
      const hgt = laneRows[lane.key] * ROW + 10;
      laneY[lane.key] = y + 6;
      lanesG.appendChild(svg('rect', { x: 0, y, width: w, height: hgt, class: 'lane-bg' }));
      const t = svg('text', { x: 8, y: y + 18, class: 'lane-label' });
      t.textContent = lane.label;
      lanesG.appendChild(t);
      y += hgt;
    }
    const height = y + 8;
    this.svg.setAttribute('viewBox', `0 0 ${w} ${height}`);
    this.svg.style.height = `${height}px`;
    const axis = this.axis(w, height, TOP);
    // Items outside the time range are clipped at the plot's edges.
    const clip = svg('clipPath', { id: 'tl-clip' }, svg('rect', { x: 134, y: 0, width: Math.max(0, w - 134), height }));
    itemsG.setAttribute('clip-path', 'url(#tl-clip)');
    for (const it of this.items) {
      const p = rowsOf.get(it);
      if (p.x1 < 134 || p.x0 > w) continue; // outside the range shown: not drawn, not in the tab order
      const cy = laneY[it.lane] + p.row * ROW + 8;
      const [, , precision] = span(it.date);
      const point = precision === 'day';
      const mark = point
        ? svg('circle', { cx: p.x0.toFixed(1), cy, r: 6, class: 'mark' })
        : svg('rect', { x: p.x0.toFixed(1), y: cy - 6, width: Math.max(4, p.x1 - p.x0).toFixed(1), height: 12, rx: 3, class: 'mark span' });
      const label = p.flip
        ? svg('text', { x: (p.x0 - (point ? 9 : 5)).toFixed(1), y: cy + 4, class: 'tl-label', 'text-anchor': 'end' })
        : svg('text', { x: ((point ? p.x0 + 9 : p.x1 + 5)).toFixed(1), y: cy + 4, class: 'tl-label' });
      label.textContent = p.label;
      const title = svg('title', {});
      title.textContent = `${it.name} (${it.date}${point ? '' : `, ${precision === 'year' ? 'year' : 'month'} only`}; ${prettyStatus(it.status)})`;
      const g = svg('g', {
        class: `tl-item status-${it.status} lane-${it.lane}${it.id === this.selectedId ? ' selected' : ''}`, role: 'button', tabindex: 0,
        'data-id': it.id, 'data-date': it.date, 'data-lane': it.lane,
        'aria-label': `${prettyKind(it.kind)}: ${it.name}, ${it.date}, ${prettyStatus(it.status)}`,
      }, title, mark, label);
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.select(it, g); } });
      itemsG.appendChild(g);
    }
    this.svg.replaceChildren(svg('defs', {}, clip), lanesG, axis, itemsG);
  }

  select(it, g) {
    for (const o of this.svg.querySelectorAll('.tl-item.selected')) o.classList.remove('selected');
    g.classList.add('selected');
    this.selectedId = it.id;
    this.onSelect?.(it);
  }

  axis(w, height, top) {
    const g = svg('g', { class: 'axis' });
    const len = this.t1 - this.t0;
    const ticks = [];
    const d0 = new Date(this.t0);
    const years = len / (365 * DAY);
    if (years > 2.5) {
      const step = [1, 2, 5, 10, 20, 50, 100].find((s) => years / s <= 12) || 100;
      for (let yr = Math.ceil(d0.getUTCFullYear() / step) * step; Date.UTC(yr, 0, 1) < this.t1; yr += step) ticks.push([Date.UTC(yr, 0, 1), String(yr)]);
    } else if (len > 40 * DAY) {
      const step = [1, 2, 3, 6].find((s) => len / (30 * DAY * s) <= 12) || 6;
      let y = d0.getUTCFullYear(); let m = Math.ceil(d0.getUTCMonth() / step) * step;
      for (;;) {
        const t = Date.UTC(y, m, 1);
        if (t >= this.t1) break;
        if (t >= this.t0) ticks.push([t, m % 12 === 0 ? String(new Date(t).getUTCFullYear()) : new Date(t).toISOString().slice(0, 7)]);
        m += step;
      }
    } else {
      const step = [1, 2, 7].find((s) => len / (DAY * s) <= 14) || 7;
      for (let t = Math.ceil(this.t0 / DAY) * DAY; t < this.t1; t += step * DAY) ticks.push([t, new Date(t).toISOString().slice(0, 10)]);
    }
    for (const [t, text] of ticks) {
      const x = this.xAt(t);
      if (x < 130) continue;
      g.appendChild(svg('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: top - 6, y2: height, class: 'tick' }));
      const label = svg('text', { x: x.toFixed(1), y: top - 10, class: 'tick-label', 'text-anchor': 'middle' });
      label.textContent = text;
      g.appendChild(label);
    }
    return g;
  }

  wire() {
    this.svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.pan(-(e.deltaX || e.deltaY));
      else this.zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left);
    }, { passive: false });
    // A press on an item selects it when released over the same item. Items
    // are known by id, not by element: a re-render (a resize, more items
    // loaded) between press and release replaces the elements, and a
    // per-element click listener would then never fire.
    let drag = null;
    let pressed = null;
    this.svg.addEventListener('pointerdown', (e) => {
      const g = e.target.closest('.tl-item');
      if (g) { pressed = g.dataset.id; return; }
      pressed = null;
      drag = e.clientX;
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => { if (drag !== null) { this.pan(e.clientX - drag); drag = e.clientX; } });
    this.svg.addEventListener('pointerup', (e) => {
      drag = null;
      const id = pressed;
      pressed = null;
      if (e.button !== 0 || id === null || e.target.closest?.('.tl-item')?.dataset.id !== id) return;
      const it = this.items.find((i) => i.id === id);
      const g = this.svg.querySelector(`.tl-item[data-id="${CSS.escape(id)}"]`);
      if (it && g) this.select(it, g);
    });
    this.svg.addEventListener('keydown', (e) => {
      if (e.target !== this.svg) return;
      const k = { '+': () => this.zoom(1.5), '=': () => this.zoom(1.5), '-': () => this.zoom(1 / 1.5), f: () => this.fit(), ArrowLeft: () => this.pan(80), ArrowRight: () => this.pan(-80) }[e.key];
      if (k) { e.preventDefault(); k(); }
    });
    let width = 0;
    new ResizeObserver(() => {
      const w = this.svg.getBoundingClientRect().width;
      if (w && w !== width) { width = w; this.render(); }
    }).observe(this.svg);
  }
}

function ellipsis(s, n) { return s.length > n ? `${s.slice(0, n - 1)}…` : s; }

/** summary is a one-line description of what the timeline shows. */
export function summary(title, items) {
  const counts = LANES.map((l) => [l.label.toLowerCase(), items.filter((i) => i.lane === l.key).length]).filter(([, n]) => n);
  return h('span', {}, h('strong', {}, title || 'The graph drawn'), ': ',
    counts.length ? counts.map(([l, n]) => `${n} ${l}`).join(', ') : 'nothing dated');
}


