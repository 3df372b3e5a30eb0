// The route map: a transfer's VIA legs drawn in leg order on a world map
// shipped with the page (Natural Earth outlines, map/geo.js). Each stop
// shows its place, date and status; the line into a stop takes the stop's
// weakest status, so an alleged leg is dashed in the alleged colour. A
// transfer without recorded legs is drawn from its senders' state to its
// recipients' state, as a dotted line marked as not a recorded route.

import { gql, RELATIONSHIP, EVIDENCE } from './api.js';
import { h, svg, replace } from './dom.js';
import { prettyStatus } from './style.js';
import * as geo from './map/geo.js';

const ORDER = ['CONFIRMED', 'REPORTED', 'ALLEGED', 'DISPUTED'];
const weaker = (a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

const ROUTE = `
query Route($id: ID!) {
  entity(id: $id) { id kind name status properties(names: ["date", "transferKind", "route"]) { name values } }
  neighbours(id: $id, first: 100, filter: {types: [VIA, SENT, RECEIVED]}) {
    edges {
      node { id kind name status properties(names: ["isoCode", "numericCode"]) { name values } }
      relationship { ...Rel }
    }
  }
}
${RELATIONSHIP}${EVIDENCE}`;

export const TRANSFERS = `
query Transfers($after: String) {
  entities(filter: {kinds: [TRANSFER]}, sort: DATE_ASC, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id name status properties(names: ["date"]) { name values } } }
  }
}`;

function prop(x, name) { return (x.properties || []).find((p) => p.name === name)?.values[0] || ''; }

/** partyStates asks, for parties that are not states, which state they lead, serve or belong to. */
async function partyStates(ids) {
  if (!ids.length) return {};
  const parts = ids.map((id, i) => `p${i}: neighbours(id: ${JSON.stringify(id)}, first: 5, filter: {types: [LEADS, NATIONAL_OF, WORKS_FOR, BASED_IN], direction: OUTGOING, kinds: [STATE]}) { edges { node { id name properties(names: ["numericCode"]) { name values } } } }`);
  const data = await gql(`query PartyStates {\n${parts.join('\n')}\n}`);
  const out = {};
  ids.forEach((id, i) => { out[id] = (data[`p${i}`]?.edges || []).map((e) => e.node); });
  return out;
}

/**
 * loadRoute reads a transfer's legs: VIA relationships sorted by leg (then
 * date), grouped into stops by leg and place; or, without legs, the states
 * of its senders and recipients.
 */
export async function loadRoute(id) {
  const data = await gql(ROUTE, { id });
  const transfer = data.entity;
  const edges = data.neighbours.edges;
  const via = edges.filter((e) => e.relationship.type === 'VIA' && e.relationship.from.id === id);
  const route = { transfer, stops: [], implied: false };
  if (via.length) {
    via.sort((a, b) => (Number(prop(a.relationship, 'leg')) - Number(prop(b.relationship, 'leg')))
      || prop(a.relationship, 'date').localeCompare(prop(b.relationship, 'date')));
    for (const e of via) {
      const r = e.relationship;
      const leg = Number(prop(r, 'leg'));
      const place = prop(r, 'place');
      const st = e.node.kind === 'STATE' ? e.node : null;
      const prev = route.stops[route.stops.length - 1];
      const key = place ? `p:${place}` : `n:${e.node.id}`;
      if (prev && prev.leg === leg && (prev.key === key || (place && prev.place === place))) {
        prev.parts.push({ node: e.node, rel: r });
        prev.status = weaker(prev.status, r.status);
        if (!prev.state && st) prev.state = st;
        continue;
      }
      route.stops.push({ key, leg, place, state: st, date: prop(r, 'date'), status: r.status, parts: [{ node: e.node, rel: r }] });
    }
    // A stop without a state takes the state of another stop at its place, or of its leg.
    for (const s of route.stops) {
      if (s.state) continue;
      const same = route.stops.find((o) => o.state && ((s.place && o.place === s.place) || o.leg === s.leg));
      if (same) s.state = same.state;
    }
    return route;
  }
  // No legs: from the senders' state to the recipients' state.
  route.implied = true;
  const senders = edges.filter((e) => e.relationship.type === 'SENT');
  const recipients = edges.filter((e) => e.relationship.type === 'RECEIVED');
  const others = [...senders, ...recipients].filter((e) => e.node.kind !== 'STATE').map((e) => e.node.id);
  const states = await partyStates([...new Set(others)]);
  const stop = (list, role) => {
    const st = list.find((e) => e.node.kind === 'STATE')?.node || list.map((e) => states[e.node.id]?.[0]).find(Boolean);
    if (!list.length) return null;
    return {
      key: role, leg: role === 'sender' ? 0 : 1, role, place: '', state: st || null, date: role === 'recipient' ? prop(transfer, 'date') : '',
      status: list.map((e) => e.relationship.status).reduce(weaker), parts: list.map((e) => ({ node: e.node, rel: e.relationship })),
    };
  };
  route.stops = [stop(senders, 'sender'), stop(recipients, 'recipient')].filter(Boolean);
  return route;
}

/** RouteMap draws routes into an SVG with a list of the legs beside it. */
export class RouteMap {
  constructor({ svgEl, listEl, noteEl, onSelect }) {
    this.svg = svgEl;
    this.list = listEl;
    this.note = noteEl;
    this.onSelect = onSelect;
    this.route = null;
    this.geo = null;
    this.view = { lon: 60, lat: 35, scale: 3 };
    this.wire();
  }

  async show(id) {
    const [g, route] = await Promise.all([geo.load(), loadRoute(id)]);
    this.geo = g;
    this.route = route;
    for (const s of route.stops) {
      s.at = geo.placeAt(g, s.place);
      s.placedBy = s.at ? 'place' : '';
      if (!s.at && s.state) {
        const c = geo.country(g, prop(s.state, 'numericCode'));
        s.at = c ? geo.centroid(c) : null;
        s.placedBy = s.at ? 'state' : '';
      }
    }
    this.fit();
    this.renderList();
    return route;
  }

  size() {
    const r = this.svg.getBoundingClientRect();
    return { w: Math.max(300, r.width), h: Math.max(200, r.height) };
  }

  fit() {
    this.auto = true; // follow size changes until the reader zooms or pans
    const pts = (this.route?.stops || []).filter((s) => s.at).map((s) => s.at);
    const { w, h: ht } = this.size();
    if (!pts.length) { this.view = { lon: 20, lat: 20, scale: w / 360 }; this.render(); return; }
    const lons = pts.map((p) => p[0]); const lats = pts.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    // At least 40° across, so a short route keeps its surroundings.
    const span = Math.max((x1 - x0) / (w - 160), (y1 - y0) / (ht - 120), 40 / w);
    this.view = { lon: (x0 + x1) / 2, lat: (y0 + y1) / 2, scale: Math.min(40, 1 / span) };
    this.render();
  }

  zoom(f, at) {
    this.auto = false;
    const v = this.view;
    const { w, h: ht } = this.size();
    const scale = Math.min(80, Math.max(w / 400, v.scale * f));
    if (at) { // keep the point under the pointer in place
      const [lon, lat] = this.unproject(at[0], at[1]);
      v.lon = lon - (at[0] - w / 2) / scale;
      v.lat = lat + (at[1] - ht / 2) / scale;
    }
    v.scale = scale;
    this.render();
  }

  pan(dx, dy) { this.auto = false; this.view.lon -= dx / this.view.scale; this.view.lat += dy / this.view.scale; this.render(); }

  project(lon, lat) {
    const { w, h: ht } = this.size();
    return [(lon - this.view.lon) * this.view.scale + w / 2, (this.view.lat - lat) * this.view.scale + ht / 2];
  }

  unproject(x, y) {
    const { w, h: ht } = this.size();
    return [(x - w / 2) / this.view.scale + this.view.lon, this.view.lat - (y - ht / 2) / this.view.scale];
  }

  render() {
    const { w, h: ht } = this.size();
    const root = this.svg;
    root.setAttribute('viewBox', `0 0 ${w} ${ht}`);
    const defs = svg('defs', {}, ...[...ORDER, 'implied'].map((s) => svg('marker', {
      id: `arrow-${s}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 11, markerHeight: 11, markerUnits: 'userSpaceOnUse', orient: 'auto', class: `arrow arrow-${s}`,
    }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }))));
    const land = svg('g', { class: 'land' });
    if (this.geo) {
      for (const c of this.geo.countries) {
        const d = c.polygons.flat().map((ring) => `M${ring.map(([lon, lat]) => this.project(lon, lat).map((n) => n.toFixed(1)).join(',')).join('L')}Z`).join('');
        const p = svg('path', { d, class: 'country', 'data-code': c.id });
        p.appendChild(svg('title', {})).textContent = c.name;
        land.appendChild(p);
      }
    }
    const legs = svg('g', { class: 'legs' });
    const stopsG = svg('g', { class: 'stops' });
    const labels = svg('g', { class: 'labels' });
    const placed = this.route ? this.route.stops.filter((s) => s.at) : [];
    placed.forEach((s, i) => {
      const [x, y] = this.project(s.at[0], s.at[1]);
      if (i > 0) {
        const [px, py] = this.project(placed[i - 1].at[0], placed[i - 1].at[1]);
        // A leg is only as well established as its weaker end.
        const legStatus = weaker(placed[i - 1].status, s.status);
        const st = this.route.implied ? 'implied' : legStatus;
        // A slight curve keeps a leg apart from a return leg.
        const mx = (px + x) / 2 - (y - py) * 0.12; const my = (py + y) / 2 + (x - px) * 0.12;
        legs.appendChild(svg('path', {
          d: `M${px.toFixed(1)},${py.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${x.toFixed(1)},${y.toFixed(1)}`,
          class: `leg leg-${st}`, 'data-order': i, 'data-leg': s.leg, 'data-status': legStatus,
          'data-from': placed[i - 1].place || placed[i - 1].state?.name || '', 'data-to': s.place || s.state?.name || '',
          'marker-end': `url(#arrow-${st})`,
        }));
      }
      const g = svg('g', {
        class: `stop stop-${s.status}`, tabindex: 0, role: 'button', 'data-order': i + 1, 'data-leg': s.leg,
        'aria-label': `${i + 1}. ${stopName(s)}, ${s.date || 'undated'}, ${prettyStatus(s.status)}`,
      }, svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 9 }));
      const num = svg('text', { x: x.toFixed(1), y: (y + 3.5).toFixed(1), class: 'stop-num', 'text-anchor': 'middle' });
      num.textContent = String(i + 1);
      g.appendChild(num);
      g.addEventListener('click', () => this.select(s));
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.select(s); } });
      stopsG.appendChild(g);
    });
    // Labels: the first free spot around each stop.
    const boxes = placed.map((s) => { const [x, y] = this.project(s.at[0], s.at[1]); return [x - 10, y - 10, x + 10, y + 10]; });
    placed.forEach((s, i) => {
      const [x, y] = this.project(s.at[0], s.at[1]);
      const text = `${stopName(s)} · ${s.date || 'undated'}`;
      const tw = text.length * 6.4 + 6; const th = 15;
      const spots = [[14, -th / 2], [-14 - tw, -th / 2], [-tw / 2, -14 - th], [-tw / 2, 14], [14, -th - 8], [14, 8], [-14 - tw, -th - 8], [-14 - tw, 8], [-tw / 2, -30 - th], [-tw / 2, 30]];
      let spot;
      const inside = ([dx, dy]) => x + dx >= 2 && x + dx + tw <= w - 2 && y + dy >= 2 && y + dy + th <= ht - 2;
      const free = ([dx, dy]) => {
        const b = [x + dx, y + dy, x + dx + tw, y + dy + th];
        return !boxes.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);
      };
      spot = spots.find((sp) => inside(sp) && free(sp));
      // No free spot: the number and the list beside the map say it; zoom in for the label.
      if (!spot) return;
      const b = [x + spot[0], y + spot[1], x + spot[0] + tw, y + spot[1] + th];
      boxes.push(b);
      labels.appendChild(svg('rect', { x: b[0].toFixed(1), y: b[1].toFixed(1), width: tw.toFixed(1), height: th, rx: 3, class: `label-bg label-${s.status}` }));
      const t = svg('text', { x: (b[0] + 3).toFixed(1), y: (b[1] + 11).toFixed(1), class: 'stop-label' });
      t.textContent = text;
      labels.appendChild(t);
    });
    root.replaceChildren(defs, svg('rect', { class: 'sea', x: 0, y: 0, width: w, height: ht }), land, legs, labels, stopsG);
  }

  select(s) {
    const part = s.parts.find((p) => p.rel.type === 'VIA' && p.node.kind === 'STATE') || s.parts[0];
    this.onSelect?.({ group: 'edges', id: part.rel.id, rel: part.rel, from: this.route.transfer, to: part.node });
  }

  renderList() {
    const r = this.route;
    const t = r.transfer;
    const unplaced = r.stops.filter((s) => !s.at);
    replace(this.note,
      h('strong', {}, t.name), ` · ${prop(t, 'date') || 'undated'} · `, prettyStatus(t.status), '. ',
      r.implied
        ? 'No route legs are recorded for this transfer: the dotted line joins the senders’ state to the recipients’ state and is not a route.'
        : 'Stops in the order recorded (VIA leg); a stop has the weakest status of its VIA facts, and a line between two stops the weaker of the two.',
      unplaced.length ? ` Not on the map (no known place): ${unplaced.map(stopName).join(', ')}.` : '');
    replace(this.list, r.stops.map((s, i) => h('li', { class: `route-stop stop-${s.status}`, 'data-leg': s.leg },
      h('div', { class: 'route-stop-head' },
        h('span', { class: 'route-num' }, `${i + 1}`), ' ',
        h('strong', {}, stopName(s)), ' ',
        h('span', { class: 'muted' }, s.date || 'undated'), ' ',
        h('span', { class: `badge status status-${s.status}` }, prettyStatus(s.status)),
        r.implied ? h('span', { class: 'muted' }, ` ${s.role}`) : h('span', { class: 'muted' }, ` · leg ${s.leg}`),
        s.placedBy === 'state' ? h('span', { class: 'muted' }, ' · drawn at the country’s centre') : null),
      h('ul', { class: 'route-parts' }, s.parts.map((p) => h('li', {},
        h('button', {
          type: 'button', class: 'link',
          onclick: () => this.onSelect?.({ group: 'edges', id: p.rel.id, rel: p.rel, from: r.transfer, to: p.node }),
        }, `${p.rel.type === 'VIA' ? '' : `${p.rel.type.toLowerCase()}: `}${p.node.name}`),
        prop(p.rel, 'role') ? h('span', { class: 'muted' }, ` — ${prop(p.rel, 'role')}`) : null,
        p.rel.status !== s.status ? [' ', h('span', { class: `badge status status-${p.rel.status}` }, prettyStatus(p.rel.status))] : null))))));
  }

  wire() {
    this.svg.addEventListener('wheel', (e) => {
      if (!this.route) return;
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, [e.clientX - r.left, e.clientY - r.top]);
    }, { passive: false });
    let drag = null;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.target.closest('.stop')) return;
      drag = [e.clientX, e.clientY];
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.pan(e.clientX - drag[0], e.clientY - drag[1]);
      drag = [e.clientX, e.clientY];
    });
    this.svg.addEventListener('pointerup', () => { drag = null; });
    this.svg.addEventListener('keydown', (e) => {
      if (e.target !== this.svg) return;
      const k = { '+': () => this.zoom(1.25), '=': () => this.zoom(1.25), '-': () => this.zoom(0.8), f: () => this.fit(), ArrowLeft: () => this.pan(40, 0), ArrowRight: () => this.pan(-40, 0), ArrowUp: () => this.pan(0, 40), ArrowDown: () => this.pan(0, -40) }[e.key];
      if (k) { e.preventDefault(); k(); }
    });
    new ResizeObserver(() => {
      if (!this.svg.getBoundingClientRect().width) return;
      if (this.auto) this.fit(); else this.render();
    }).observe(this.svg);
  }

  /** zoomTo shows the box [lon0, lat0, lon1, lat1]. */
  zoomTo(lon0, lat0, lon1, lat1) {
    const { w, h: ht } = this.size();
    this.auto = false;
    this.view = { lon: (lon0 + lon1) / 2, lat: (lat0 + lat1) / 2, scale: Math.min(w / (lon1 - lon0), ht / (lat1 - lat0)) };
    this.render();
  }
}

function stopName(s) {
  const st = s.state?.name;
  if (s.place) return st && !s.place.includes(st) ? `${s.place}, ${st}` : s.place;
  if (st) return st;
  return s.parts.map((p) => p.node.name).join(', ');
}

