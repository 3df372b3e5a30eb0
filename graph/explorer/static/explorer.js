// sanctiongraph explorer: draws how entities are connected, from the public
// GraphQL API only. State lives in the URL, so a link reproduces the view.

import cytoscape from './vendor/cytoscape/cytoscape.esm.min.mjs';
import {
  gql, APIError, PATHS, PATH_CITATIONS, exportAnswer, ENTITY, SEARCH, NEIGHBOURS, RELATIONSHIP_BY_ID, QUERY_FIELDS, ENTITY_BRIEF, entitiesEvidence,
  ENTITY_HISTORY, RELATIONSHIP_HISTORY,
} from './api.js';
import { h, svg as svgEl, replace, download } from './dom.js';
import { Picker } from './picker.js';
import {
  cyStyle, renderLegend, statusBadge, kindBadge, prettyKind, prettyType, prettyStatus, STATUSES,
} from './style.js';
import * as violations from './violations.js';
import {
  Timeline, collect as collectTimeline, summary as timelineSummary, LANES, DATED_KINDS,
} from './timeline.js';
import { RouteMap, TRANSFERS } from './routemap.js';
import { Lists } from './lists.js';

const $ = (sel) => document.querySelector(sel);
const NEIGHBOUR_PAGE = 20;
const HISTORY_PAGE = 20;
const MODES = ['SHORTEST', 'ALL_SHORTEST', 'K_SHORTEST'];
const VIEWS = ['graph', 'timeline', 'map', 'lists'];

// ---------------------------------------------------------------- state

/** state is what the URL holds; everything on screen follows from it. */
const state = {
  from: null, // {id, name?, kind?} or {text}
  to: null,
  via: [], // [{id, name, kind}]
  maxHops: 4,
  mode: 'SHORTEST',
  k: 3,
  minStatus: '',
  at: '',
  selected: null, // {group: 'nodes'|'edges', id}
  expanded: [], // entity ids, once per loaded page of neighbours, in order
  tab: 'paths',
  violation: '', // key of the finding shown, in the violations view
  view: 'graph', // the main area: graph, timeline, map (route map) or lists
  tl: '', // the entity the timeline is about (else the selection or the graph drawn)
  route: '', // the transfer the route map shows
  list: '', // the list shown in the lists view
};

// Per-view data that is not in the URL.
const view = {
  result: null, // the last PathResult
  pages: new Map(), // entity id → {loaded, total, endCursor, hasNext}
  details: new Map(), // entity id → Entity with evidence
  abort: null,
  violationsField: null,
  violations: null, // list of findings once loaded
  extra: new Map(), // facts shown from the timeline, map or lists that are not in the graph: id → {rel} or {entity}
};

// ---------------------------------------------------------------- graph

const cy = cytoscape({
  container: $('#cy'),
  style: cyStyle,
  minZoom: 0.15,
  maxZoom: 3,
  boxSelectionEnabled: false,
  selectionType: 'single',
});

// Cytoscape follows window resizes only; the error box and the panel change
// the container's size too.
new ResizeObserver(() => cy.resize()).observe($('#cy'));

function entityLabel(e) { return e.name || e.id; }

/** addNode adds an entity or updates it; cls are extra classes. */
function addNode(e, cls = [], position) {
  let n = cy.getElementById(e.id);
  if (n.empty()) {
    n = cy.add({ group: 'nodes', data: { id: e.id, label: entityLabel(e), kind: e.kind, status: e.status, entity: e }, position });
  } else if (e.name) {
    n.data({ label: entityLabel(e), kind: e.kind || n.data('kind'), status: e.status || n.data('status'), entity: { ...n.data('entity'), ...e } });
  }
  for (const c of cls) n.addClass(c);
  return n;
}

/** addEdge adds a relationship; sentence is the hop's sentence, if any. */
function addEdge(rel, cls = [], sentence) {
  let ed = cy.getElementById(rel.id);
  if (ed.empty()) {
    ed = cy.add({
      group: 'edges',
      data: { id: rel.id, source: rel.from.id, target: rel.to.id, type: rel.type, label: prettyType(rel.type), status: rel.status, rel, sentences: [] },
    });
  }
  if (sentence && !ed.data('sentences').includes(sentence)) ed.data('sentences', [...ed.data('sentences'), sentence]);
  for (const c of cls) ed.addClass(c);
  return ed;
}

/**
 * layoutPaths places path nodes in columns by their distance from the
 * start (the end last), one row per path, so paths read left to right.
 */
function layoutPaths(result) {
  const col = new Map();
  const row = new Map();
  let maxCol = 0;
  result.paths.forEach((p, pi) => {
    p.nodes.forEach((n, i) => {
      if (!col.has(n.id) || col.get(n.id) > i) col.set(n.id, i);
      if (!row.has(n.id)) row.set(n.id, pi);
      maxCol = Math.max(maxCol, i);
    });
  });
  if (!result.paths.length) {
    // Nothing found: put the ends and the waypoints in a row, in order.
    [result.from, ...(result.via || []), result.to].filter(Boolean).forEach((e, i) => { col.set(e.id, i); row.set(e.id, 0); maxCol = i; });
  }
  if (result.to) col.set(result.to.id, maxCol);
  const columns = new Map();
  for (const [id, c] of col) {
    if (!columns.has(c)) columns.set(c, []);
    columns.get(c).push(id);
  }
  const positions = {};
  const dx = 230;
  const dy = 120;
  for (const [c, ids] of columns) {
    ids.sort((a, b) => row.get(a) - row.get(b));
    ids.forEach((id, i) => { positions[id] = { x: c * dx, y: (i - (ids.length - 1) / 2) * dy }; });
  }
  cy.layout({ name: 'preset', positions: (n) => positions[n.id()] || n.position(), fit: true, padding: 70 }).run();
  limitZoom();
}

/** limitZoom keeps a small graph from being blown up by fitting it. */
function limitZoom() {
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2);
    cy.center();
  }
}

/** placeAround puts new nodes on an arc around a centre, facing away from the graph. */
function placeAround(center, nodes) {
  if (!nodes.length) return;
  const c = center.position();
  const bb = cy.elements().not(nodes).boundingBox();
  const gx = (bb.x1 + bb.x2) / 2;
  const gy = (bb.y1 + bb.y2) / 2;
  const away = Math.hypot(c.x - gx, c.y - gy) > 1 ? Math.atan2(c.y - gy, c.x - gx) : Math.PI / 2;
  const others = cy.elements().not(nodes).nodes().length > 1;
  const arc = others ? Math.min(Math.PI * 1.5, 0.5 + nodes.length * 0.35) : Math.PI * 2;
  const radius = 170 + Math.max(0, nodes.length - 8) * 10;
  nodes.forEach((n, i) => {
    const t = arc >= Math.PI * 2 ? (i / nodes.length) * arc : (nodes.length === 1 ? 0 : (i / (nodes.length - 1) - 0.5) * arc);
    const r = radius + (i % 2) * 55;
    n.position({ x: c.x + r * Math.cos(away + t), y: c.y + r * Math.sin(away + t) });
  });
}

function relayout() {
  if (cy.nodes('.neighbour').length || !view.result) {
    cy.layout({ name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 120, padding: 40, fit: true }).run();
  } else {
    layoutPaths(view.result);
  }
}

function updateLegend() {
  const kinds = new Set(cy.nodes().map((n) => n.data('kind')).filter(Boolean));
  renderLegend($('#legend-kinds'), $('#legend-status'), kinds);
  renderElementList();
}

/**
 * renderElementList lists every node and relationship of the graph as
 * buttons at the end of the Paths panel: the keyboard's way into the graph.
 */
function renderElementList() {
  const panel = $('#panel-paths');
  const old = $('#graph-list');
  const open = old ? old.open : false;
  if (old) old.remove();
  if (!cy.elements().length) return;
  const name = (id) => cy.getElementById(id).data('label') || id;
  const nodes = cy.nodes().sort((a, b) => a.data('label').localeCompare(b.data('label')));
  panel.appendChild(h('details', { id: 'graph-list', open },
    h('summary', {}, `Everything in the graph: ${cy.nodes().length} entities, ${cy.edges().length} relationships`),
    h('h3', {}, 'Entities'),
    h('ul', { class: 'element-list' }, nodes.map((n) => h('li', {},
      h('button', { type: 'button', class: 'link', onclick: () => select(n.id(), { expandNode: false }) }, n.data('label')),
      ` (${prettyKind(n.data('kind'))})`))),
    h('h3', {}, 'Relationships'),
    h('ul', { class: 'element-list' }, cy.edges().map((e) => h('li', {},
      h('button', { type: 'button', class: 'link', onclick: () => select(e.id()) },
        `${name(e.data('source'))} — ${prettyType(e.data('type'))} → ${name(e.data('target'))}`),
      ' ', statusBadge(e.data('status')))))));
}

// ---------------------------------------------------------------- errors and messages

function clearErrors() { const box = $('#errors'); box.hidden = true; box.replaceChildren(); }

/**
 * showError shows an API error: each error's extensions.code and message;
 * candidates for an ambiguous name become buttons that pick one.
 */
function showError(err, context) {
  if (err && err.name === 'AbortError') return;
  const box = $('#errors');
  const errors = err instanceof APIError ? err.errors : [{ message: String(err && err.message ? err.message : err), extensions: { code: 'CLIENT' } }];
  box.replaceChildren(
    h('div', { class: 'errors-head' },
      h('strong', {}, context ? `${context} failed` : 'Error'),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss the error', onclick: clearErrors }, '×')),
    h('ul', {}, errors.map((e) => {
      const code = e.extensions?.code || 'ERROR';
      const cands = Array.isArray(e.extensions?.candidates) ? e.extensions.candidates : [];
      const arg = /argument (\w+)/.exec(e.message || '')?.[1];
      // The candidates are listed as buttons, so the message need not list them again.
      let msg = e.message || '';
      if (cands.length && cands[0].name && msg.indexOf(cands[0].name) > 0) msg = `${msg.slice(0, msg.indexOf(cands[0].name)).replace(/[\s:]+$/, '')}.`;
      return h('li', {},
        h('code', { class: 'code' }, code), ' ', h('span', { class: 'msg', title: e.message }, msg),
        e.path ? h('span', { class: 'err-path' }, ` (at ${e.path.join('.')})`) : null,
        cands.length && ['from', 'to', 'via'].includes(arg)
          ? h('div', { class: 'candidates' }, `Pick one for “${arg}”: `, cands.map((c) => h('button', {
            type: 'button', class: 'chip-button', title: c.id,
            onclick: () => useCandidate(arg, c),
          }, `${c.name} (${prettyKind(c.kind)})`)))
          : null);
    })));
  box.hidden = false;
}

function useCandidate(arg, c) {
  clearErrors();
  useAs(arg, { id: c.id, name: c.name, kind: c.kind }, { replaceText: true });
}

/**
 * useAs puts an entity in the form as from, to or a waypoint (replacing a
 * waypoint given as text, with replaceText) and runs the query when from
 * and to are both set.
 */
function useAs(role, ent, { replaceText = false } = {}) {
  readForm();
  if (role === 'from') state.from = ent;
  else if (role === 'to') state.to = ent;
  else {
    const i = replaceText ? state.via.findIndex((v) => v.text) : -1;
    if (i >= 0) state.via[i] = ent;
    else if (state.via.length < 3 && !state.via.some((v) => v.id === ent.id)) state.via.push(ent);
  }
  writeForm();
  if (role !== 'via' && state.from && state.to) run({ push: true });
  else if (role === 'via') toast(`Waypoint added: ${ent.name}`);
  else $(role === 'from' ? '#to-input' : '#from-input').focus();
}

function setMessage(...content) {
  const el = $('#empty');
  el.classList.remove('warn');
  if (!content.length) { el.hidden = true; return; }
  replace(el, ...content);
  el.hidden = false;
}

let busyCount = 0;
function busy(on) {
  busyCount += on ? 1 : -1;
  $('#busy').hidden = busyCount <= 0;
  $('#run').disabled = busyCount > 0;
  document.body.setAttribute('aria-busy', busyCount > 0 ? 'true' : 'false');
}

// ---------------------------------------------------------------- form

const pickers = {
  from: new Picker($('#from-picker'), { onError: (e) => showError(e, 'Search') }),
  to: new Picker($('#to-picker'), { onError: (e) => showError(e, 'Search') }),
  via: new Picker($('#via-picker'), {
    keepText: false,
    onError: (e) => showError(e, 'Search'),
    onPick: (ent) => { if (state.via.length < 3 && !state.via.some((v) => v.id === ent.id)) state.via.push(ent); renderChips(); },
  }),
};

function renderChips() {
  const box = $('#via-chips');
  replace(box, state.via.map((v, i) => h('span', { class: 'chip', role: 'listitem' },
    h('span', { class: 'chip-label', title: v.id }, v.name || v.id || v.text),
    h('button', {
      type: 'button', class: 'chip-x', 'aria-label': `Remove waypoint ${v.name || v.id || v.text}`,
      onclick: () => { state.via.splice(i, 1); renderChips(); $('#via-input').focus(); },
    }, '×'))));
  $('#via-input').disabled = state.via.length >= 3;
  $('#via-input').placeholder = state.via.length >= 3 ? 'at most 3 waypoints' : state.via.length ? 'another waypoint' : 'waypoint (optional)';
}

function readForm() {
  const v = (p) => (p.value?.id ? { ...p.value } : p.arg() ? { text: p.arg() } : null);
  state.from = v(pickers.from);
  state.to = v(pickers.to);
  const typed = pickers.via.arg();
  if (typed && state.via.length < 3) { state.via.push({ text: typed }); pickers.via.set(null); renderChips(); }
  state.maxHops = clampInt($('#hops').value, 1, 8, 4);
  state.mode = MODES.includes($('#mode').value) ? $('#mode').value : 'SHORTEST';
  state.k = clampInt($('#k').value, 1, 10, 3);
  state.minStatus = $('#min-status').value;
  state.at = $('#at').value;
}

function writeForm() {
  pickers.from.set(state.from);
  pickers.to.set(state.to);
  renderChips();
  $('#hops').value = state.maxHops;
  $('#mode').value = state.mode;
  $('#k').value = state.k;
  $('#k-field').hidden = state.mode !== 'K_SHORTEST';
  $('#min-status').value = state.minStatus;
  $('#at').value = state.at;
}

function clampInt(s, lo, hi, def) {
  const n = parseInt(s, 10);
  if (Number.isNaN(n)) return def;
  return Math.min(hi, Math.max(lo, n));
}

function argOf(v) { return v ? (v.id || v.text) : null; }

// ---------------------------------------------------------------- URL

function toURL() {
  const p = new URLSearchParams();
  if (state.from) p.set('from', argOf(state.from));
  if (state.to) p.set('to', argOf(state.to));
  for (const v of state.via) p.append('via', argOf(v));
  if (state.maxHops !== 4) p.set('hops', state.maxHops);
  if (state.mode !== 'SHORTEST') p.set('mode', state.mode);
  if (state.mode === 'K_SHORTEST' && state.k !== 3) p.set('k', state.k);
  if (state.minStatus) p.set('status', state.minStatus);
  if (state.at) p.set('at', state.at);
  for (const x of state.expanded) p.append('x', x);
  if (state.selected) p.set('sel', `${state.selected.group === 'edges' ? 'e' : 'n'}:${state.selected.id}`);
  if (state.tab !== 'paths') p.set('tab', state.tab);
  if (state.violation) p.set('v', state.violation);
  if (state.view !== 'graph') p.set('view', state.view);
  if (state.tl) p.set('tl', state.tl);
  if (state.route) p.set('route', state.route);
  if (state.list) p.set('list', state.list);
  const q = p.toString();
  return `${location.pathname}${q ? `?${q}` : ''}`;
}

function saveURL(push = false) {
  const url = toURL();
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
}

function fromURL() {
  const p = new URLSearchParams(location.search);
  const ent = (s) => (s ? { id: s } : null);
  state.from = ent(p.get('from'));
  state.to = ent(p.get('to'));
  state.via = p.getAll('via').filter(Boolean).slice(0, 3).map((id) => ({ id }));
  state.maxHops = clampInt(p.get('hops'), 1, 8, 4);
  state.mode = MODES.includes(p.get('mode')) ? p.get('mode') : 'SHORTEST';
  state.k = clampInt(p.get('k'), 1, 10, 3);
  state.minStatus = STATUSES[p.get('status')] ? p.get('status') : '';
  state.at = /^\d{4}-\d{2}-\d{2}$/.test(p.get('at') || '') ? p.get('at') : '';
  state.expanded = p.getAll('x').filter(Boolean);
  const sel = p.get('sel') || '';
  state.selected = /^[ne]:./.test(sel) ? { group: sel[0] === 'e' ? 'edges' : 'nodes', id: sel.slice(2) } : null;
  state.tab = ['paths', 'details', 'violations'].includes(p.get('tab')) ? p.get('tab') : 'paths';
  state.violation = p.get('v') || '';
  state.view = VIEWS.includes(p.get('view')) ? p.get('view') : 'graph';
  state.tl = p.get('tl') || '';
  state.route = p.get('route') || '';
  state.list = p.get('list') || '';
}

// ---------------------------------------------------------------- queries

function filterVars() {
  const f = {};
  if (state.minStatus) f.minStatus = state.minStatus;
  if (state.at) f.at = state.at;
  return f;
}

/**
 * run draws the current query: paths between from and to (through via), or
 * only the neighbourhood of from when to is empty. Expansions and the
 * selection in state are restored afterwards (from the URL).
 */
async function run({ push = false, restore = false } = {}) {
  if (!restore) { state.expanded = []; state.selected = null; state.violation = ''; state.tl = ''; }
  clearErrors();
  if (view.abort) view.abort.abort();
  const ctrl = new AbortController();
  view.abort = ctrl;
  if (!state.from && !state.to) {
    setMessage(h('p', {}, h('strong', {}, 'Pick a “From” entity'), ' (and a “To” entity for paths), then press Find paths.'));
    saveURL(push);
    return;
  }
  busy(true);
  try {
    cy.elements().remove();
    view.pages.clear();
    view.result = null;
    if (state.from && state.to) await drawPaths(ctrl.signal);
    else await drawEntity(state.from ? 'from' : 'to', ctrl.signal);
    if (ctrl.signal.aborted) return;
    const expanded = state.expanded;
    state.expanded = [];
    for (const id of expanded) {
      if (!cy.getElementById(id).empty()) await expand(id, { more: view.pages.has(id), quiet: true });
    }
    if (ctrl.signal.aborted) return;
    if (expanded.length) { cy.fit(undefined, 60); limitZoom(); }
    if (restore && state.selected) {
      if (!select(state.selected.id, { tab: state.tab === 'paths' ? null : state.tab, center: false })) showFact(state.selected);
    }
    else if (!restore || state.tab === 'details') showTab('paths');
    updateLegend();
  } catch (err) {
    if (err.name !== 'AbortError') {
      showError(err, state.from && state.to ? 'Finding paths' : 'Loading the entity');
      replace($('#panel-paths'), h('p', { class: 'warn' }, 'The query failed; the error is shown above the graph.'));
      resolveNames();
    }
  } finally {
    busy(false);
    if (view.abort === ctrl) view.abort = null;
    saveURL(push);
  }
}

/** resolveNames shows names instead of the bare ids from a URL (after a failed query). */
async function resolveNames() {
  const ids = [state.from, state.to, ...state.via].filter((v) => v && v.id && !v.name).map((v) => v.id);
  if (!ids.length) return;
  const parts = ids.map((id, i) => `e${i}: entity(id: ${JSON.stringify(id)}) { ...EntityBrief }`);
  let data;
  try {
    data = await gql(`query Names {\n${parts.join('\n')}\n}\n${ENTITY_BRIEF}`, {}, { partial: true });
  } catch {
    return; // unknown ids stay as typed; the error box already says why
  }
  const byID = new Map(Object.values(data).filter(Boolean).map((e) => [e.id, e]));
  const named = (v) => (v && v.id && byID.has(v.id) ? { id: v.id, name: byID.get(v.id).name, kind: byID.get(v.id).kind } : v);
  state.from = named(state.from);
  state.to = named(state.to);
  state.via = state.via.map(named);
  writeForm();
}

async function drawPaths(signal) {
  const vars = {
    from: argOf(state.from), to: argOf(state.to), via: state.via.map(argOf),
    maxHops: state.maxHops, mode: state.mode, k: state.k,
    minStatus: state.minStatus || null, at: state.at || null,
  };
  const data = await gql(PATHS, vars, { signal });
  const r = data.paths;
  view.result = r;
  // The API resolved names to entities: show them, and keep their ids in the URL.
  state.from = { id: r.from.id, name: r.from.name, kind: r.from.kind };
  state.to = { id: r.to.id, name: r.to.name, kind: r.to.kind };
  state.via = r.via.map((v) => ({ id: v.id, name: v.name, kind: v.kind }));
  writeForm();
  const viaIds = new Set(r.via.map((v) => v.id));
  for (const p of r.paths) {
    for (const n of p.nodes) addNode(n, ['path']);
    for (const hop of p.hops) addEdge(hop.relationship, ['path'], hop.sentence);
  }
  for (const e of [r.from, r.to]) addNode(e, ['end']);
  for (const e of r.via) addNode(e, ['via']);
  cy.nodes().forEach((n) => { if (viaIds.has(n.id())) n.addClass('via'); });
  layoutPaths(r);
  renderPaths(r);
  if (!r.paths.length) {
    setMessage(
      h('p', { class: 'explanation' }, r.explanation),
      r.cut ? h('p', {}, 'Cut by: ', h('code', { class: 'code' }, r.cut), ' — ', cutHint(r)) : null,
      r.cut === 'MAX_HOPS' && r.shortestBeyond && r.shortestBeyond <= 8
        ? h('p', {}, h('button', { type: 'button', class: 'primary', onclick: () => { state.maxHops = r.shortestBeyond; writeForm(); run({ push: true }); } }, `Allow ${r.shortestBeyond} hops`))
        : null,
    );
    $('#empty').classList.add('warn');
  } else {
    setMessage();
  }
}

function cutHint(r) {
  switch (r.cut) {
    case 'DATE': return 'paths exist, but not with every hop holding on that date.';
    case 'STATUS': return 'paths exist, but not with every hop at that minimum status.';
    case 'FILTERS': return 'paths exist, but not within the types and kinds asked for.';
    case 'MAX_HOPS': return `paths exist, but the shortest is ${r.shortestBeyond ?? 'longer than'} hops.`;
    case 'NOT_CONNECTED': return 'no path within 8 hops that avoids hubs.';
    default: return '';
  }
}

/** drawEntity draws the one entity given (as from or to) and its neighbourhood. */
async function drawEntity(role, signal) {
  let id = state[role].id;
  if (!id) {
    // A typed name: the best search hit, as the suggestions would show it first.
    const hits = (await gql(SEARCH, { q: state[role].text, first: 1 }, { signal })).search.edges;
    if (!hits.length) throw new APIError([{ message: `nothing is named “${state[role].text}”`, extensions: { code: 'NOT_FOUND' } }]);
    id = hits[0].node.id;
  }
  const data = await gql(ENTITY, { id }, { signal });
  const e = data.entity;
  view.details.set(e.id, e);
  state[role] = { id: e.id, name: e.name, kind: e.kind };
  writeForm();
  addNode(e, ['end']).position({ x: 0, y: 0 });
  renderEntityOnly(e);
  setMessage();
  if (!state.expanded.length) state.expanded = [e.id];
}

// ---------------------------------------------------------------- neighbours

/** expand adds the next page of an entity's neighbours (the first page once). */
async function expand(id, { more = false, quiet = false } = {}) {
  const page = view.pages.get(id);
  if (page && !more) return;
  if (page && !page.hasNext) return;
  const node = cy.getElementById(id);
  if (node.empty()) return;
  if (!quiet) busy(true);
  try {
    const data = await gql(NEIGHBOURS, { id, first: NEIGHBOUR_PAGE, after: page ? page.endCursor : null, filter: filterVars() });
    const c = data.neighbours;
    const added = [];
    cy.batch(() => {
      for (const e of c.edges) {
        const fresh = cy.getElementById(e.node.id).empty();
        const n = addNode(e.node, fresh ? ['neighbour'] : []);
        if (fresh) added.push(n);
        addEdge(e.relationship, cy.getElementById(e.relationship.id).empty() ? ['neighbour'] : []);
      }
    });
    placeAround(node, cy.collection(added));
    node.addClass('expanded');
    const loaded = (page ? page.loaded : 0) + c.edges.length;
    view.pages.set(id, { loaded, total: c.totalCount, endCursor: c.pageInfo.endCursor, hasNext: c.pageInfo.hasNextPage });
    state.expanded.push(id);
    updateLegend();
    if (!quiet) {
      cy.animate({ fit: { eles: cy.elements(), padding: 60 }, duration: 250 });
      saveURL();
      if (state.selected?.id === id) refreshNeighbourInfo(id);
    }
  } catch (err) {
    showError(err, 'Loading neighbours');
  } finally {
    if (!quiet) busy(false);
  }
}

// ---------------------------------------------------------------- selection and panels

function showTab(name) {
  state.tab = name;
  for (const t of ['paths', 'details', 'violations']) {
    const tab = $(`#tab-${t}`);
    const on = t === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(`#panel-${t}`).hidden = !on;
  }
  if (name === 'violations') loadViolations();
}

/**
 * tablist wires a set of ARIA tabs: click activates a tab; ArrowLeft,
 * ArrowRight, Home and End move the focus among the visible tabs and
 * activate. tabs lists every tab in order (hidden ones may appear later);
 * activate(tab) shows its panel.
 */
function tablist(tabs, activate) {
  for (const t of tabs) {
    t.addEventListener('click', () => activate(t));
    t.addEventListener('keydown', (e) => {
      const list = tabs.filter((x) => !x.hidden);
      const i = list.indexOf(t);
      let j = -1;
      if (e.key === 'ArrowRight') j = (i + 1) % list.length;
      else if (e.key === 'ArrowLeft') j = (i - 1 + list.length) % list.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = list.length - 1;
      if (j >= 0) { e.preventDefault(); list[j].focus(); activate(list[j]); }
    });
  }
}

function setupTabs() {
  tablist([...document.querySelectorAll('#side [role=tab]')], (t) => { showTab(t.id.slice(4)); saveURL(); });
}

/**
 * select selects a node or an edge by id, shows its details and, for a
 * node, expands its neighbours (first page) unless expand is false.
 */
function select(id, { tab = 'details', center = true, expandNode = false } = {}) {
  const el = cy.getElementById(id);
  if (el.empty()) return false;
  cy.elements().unselect();
  el.select();
  state.selected = { group: el.isNode() ? 'nodes' : 'edges', id };
  if (center) {
    const bb = el.boundingBox();
    const ext = cy.extent();
    if (bb.x1 < ext.x1 || bb.x2 > ext.x2 || bb.y1 < ext.y1 || bb.y2 > ext.y2) cy.animate({ center: { eles: el }, duration: 200 });
  }
  if (el.isNode()) {
    showNode(id);
    if (expandNode) expand(id);
  } else {
    showEdge(id);
  }
  if (tab) showTab(tab);
  saveURL();
  return true;
}

function deselect() {
  cy.elements().unselect();
  state.selected = null;
  saveURL();
}

function dates(from, until) {
  if (!from && !until) return null;
  if (from && from === until) return `on ${from}`;
  return `${from || '…'} – ${until || 'ongoing'}`;
}

function propValue(p) {
  if (p.type === 'URL') return p.values.map((v, i) => [i ? ', ' : '', safeLink(v, v)]);
  return p.values.join(', ');
}

/** safeLink links http(s) URLs only; anything else stays text. */
function safeLink(url, text) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return h('a', { href: u.href, target: '_blank', rel: 'noopener noreferrer' }, text);
  } catch { /* not a URL */ }
  return text;
}

function propsTable(props) {
  const rows = (props || []).filter((p) => p.values && p.values.length);
  if (!rows.length) return null;
  return h('table', { class: 'props' }, h('tbody', {}, rows.map((p) => h('tr', {}, h('th', { scope: 'row' }, p.name), h('td', {}, propValue(p))))));
}

function sourceProp(src, name) {
  return (src.properties || []).find((p) => p.name === name)?.values?.[0] || '';
}

function evidenceList(evidence) {
  if (!evidence || !evidence.length) return h('p', { class: 'muted' }, 'No evidence recorded.');
  return h('ol', { class: 'evidence-list' }, evidence.map((ev) => {
    const src = ev.source || {};
    const url = sourceProp(src, 'url');
    const publisher = sourceProp(src, 'publisher');
    const published = sourceProp(src, 'publishedOn');
    return h('li', { class: 'evidence', dataset: { id: ev.id } },
      h('div', { class: 'ev-head' }, statusBadge(ev.status), ev.basis ? h('span', { class: 'basis' }, ev.basis) : null,
        ev.statedOn ? h('span', { class: 'stated' }, `stated ${ev.statedOn}`) : null),
      h('div', { class: 'source' },
        h('span', { class: 'source-name' }, url ? safeLink(url, src.name || src.id) : (src.name || src.id)),
        publisher || published ? h('span', { class: 'source-meta' }, ' — ', [publisher, published ? h('time', { datetime: published }, published) : null].filter(Boolean).flatMap((x, i) => (i ? [', ', x] : [x]))) : null),
      ev.quote ? h('blockquote', { class: 'quote' }, ev.quote) : null,
      ev.claim ? h('p', { class: 'claim' }, ev.claim) : null,
      ev.property ? h('p', { class: 'about' }, `About ${ev.property}`, ev.value ? `: ${ev.value}` : '') : null);
  }));
}

/** when shows an RFC 3339 timestamp as YYYY-MM-DD HH:MM UTC, in a <time>. */
function when(at) {
  const d = new Date(at);
  const text = Number.isNaN(d.getTime()) ? String(at) : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return h('time', { datetime: at }, text);
}

/** retractionNotice says who withdrew the fact, when and why; null when it stands. */
function retractionNotice(r) {
  if (!r) return null;
  return h('p', { class: 'retraction', role: 'note' },
    h('strong', {}, 'Retracted'), ' on ', when(r.at), ' by ', h('span', { class: 'retracted-by' }, r.by), ': ',
    h('span', { class: 'retraction-reason' }, r.reason));
}

/** prettyAction turns SET_STATUS into "Set status". */
function prettyAction(a) {
  const s = String(a || '').toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** changeItem is one change-log entry: when, who, what, why and the fields changed. */
function changeItem(c) {
  const value = (v) => (v === null || v === undefined ? h('span', { class: 'muted' }, '(none)') : h('span', { class: 'value' }, v));
  return h('li', { class: 'change', dataset: { id: c.id, action: c.action } },
    h('div', { class: 'change-head' },
      when(c.at), ' · ', h('span', { class: 'actor' }, c.actor), c.role ? h('span', { class: 'muted' }, ` (${c.role})`) : null),
    h('p', { class: 'change-what' }, h('span', { class: 'action' }, prettyAction(c.action)),
      c.target === 'EVIDENCE' ? h('span', { class: 'muted' }, ' of evidence ', h('code', { class: 'id' }, c.targetId)) : null),
    h('p', { class: 'change-reason' }, c.reason),
    c.diff && c.diff.length
      ? h('ul', { class: 'diff' }, c.diff.map((d) => h('li', {}, h('code', { class: 'diff-field' }, d.field), ': ', value(d.before), ' → ', value(d.after))))
      : null);
}

/**
 * loadHistory fills the History section of the panel for the selected fact
 * (group 'nodes' or 'edges'): its change log, newest first, a page at a time,
 * and its retraction read afresh. It gives up quietly when the selection
 * changed meanwhile.
 */
async function loadHistory(group, id, after = null) {
  const box = () => {
    const el = $('#fact-history');
    return el && el.dataset.fact === id && state.selected?.id === id ? el : null;
  };
  const list = box()?.querySelector('.history-list');
  if (!list) return;
  const more = box().querySelector('.history-more');
  const hadFocus = !!more && document.activeElement === more;
  if (more) more.disabled = true;
  box().setAttribute('aria-busy', 'true');
  let data;
  try {
    data = await gql(group === 'edges' ? RELATIONSHIP_HISTORY : ENTITY_HISTORY, { id, first: HISTORY_PAGE, after });
  } catch (err) {
    const b = box();
    if (!b) return;
    b.setAttribute('aria-busy', 'false');
    const e = err instanceof APIError ? err.errors[0] : { message: String(err && err.message ? err.message : err), extensions: {} };
    b.querySelector('.history-status').replaceChildren(h('p', { class: 'warn' }, 'Could not load the history: ',
      h('code', { class: 'code' }, e.extensions?.code || 'ERROR'), ' ', e.message || ''));
    if (more) more.disabled = false;
    return;
  }
  const b = box();
  if (!b) return;
  b.setAttribute('aria-busy', 'false');
  // The fact's retraction, as it stands now.
  const retraction = data.fact ? data.fact.retraction : null;
  const notice = $('#fact-retraction');
  if (notice) replace(notice, retractionNotice(retraction));
  if (group === 'edges') {
    const ed = cy.getElementById(id);
    if (!ed.empty() && ed.data('rel')) ed.data('rel', { ...ed.data('rel'), retraction });
  } else if (view.details.has(id)) {
    view.details.set(id, { ...view.details.get(id), retraction });
  }
  const c = data.history;
  // The API answers newest first; the stable sort only guards that order.
  const changes = c.edges.map((e) => e.node).sort((x, y) => (Date.parse(y.at) || 0) - (Date.parse(x.at) || 0));
  for (const ch of changes) list.appendChild(changeItem(ch));
  const shown = list.children.length;
  b.querySelector('h3').textContent = c.totalCount ? `History (${c.totalCount})` : 'History';
  replace(b.querySelector('.history-status'),
    !shown ? h('p', { class: 'muted' }, 'No curator changes') : null,
    c.pageInfo.hasNextPage
      ? h('button', { type: 'button', class: 'history-more', onclick: () => loadHistory(group, id, c.pageInfo.endCursor) },
        `Show ${Math.min(HISTORY_PAGE, c.totalCount - shown)} more changes`)
      : null);
  // Keyboard users who asked for more keep their place: on the next button, or the new entries.
  if (hadFocus) {
    const next = b.querySelector('.history-more');
    if (next) next.focus();
    else { list.tabIndex = -1; list.focus(); }
  }
}

/** historySection is the History section's frame; loadHistory fills it. */
function historySection(id) {
  return h('section', { id: 'fact-history', class: 'history', dataset: { fact: id }, 'aria-busy': 'true' },
    h('h3', {}, 'History'),
    h('ol', { class: 'history-list' }),
    h('div', { class: 'history-status' }, h('p', { class: 'muted' }, 'Loading the change log…')));
}

function entityButton(e) {
  return h('button', { type: 'button', class: 'link', onclick: () => select(e.id, { expandNode: false }) || showFact({ group: 'nodes', id: e.id, entity: e }) }, e.name || e.id);
}

/**
 * showFact shows a fact's details (evidence, history) whether or not it is
 * drawn in the graph: the timeline, the route map and the lists use it.
 * item: {group: 'nodes'|'edges', id, rel?, entity?, from?, to?}.
 */
function showFact(item) {
  if (item.rel) view.extra.set(item.id, { rel: item.rel });
  for (const e of [item.entity, item.from, item.to]) if (e && e.id && e.name) view.extra.set(e.id, { entity: e });
  if (select(item.id, { center: false, tab: 'details' })) return;
  cy.elements().unselect();
  state.selected = { group: item.group, id: item.id };
  if (item.group === 'edges') showEdge(item.id); else showNode(item.id);
  showTab('details');
  saveURL();
}

async function showNode(id) {
  const panel = $('#panel-details');
  const n = cy.getElementById(id);
  const brief = n.data('entity') || view.extra.get(id)?.entity || { id };
  replace(panel, h('h2', {}, brief.name || id), h('p', { class: 'muted' }, 'Loading…'));
  let e = view.details.get(id);
  if (!e) {
    try {
      e = (await gql(ENTITY, { id })).entity;
      view.details.set(id, e);
    } catch (err) {
      showError(err, 'Loading the entity');
      return;
    }
  }
  if (state.selected?.id !== id) return; // another selection meanwhile
  const ent = { id: e.id, name: e.name, kind: e.kind };
  replace(panel,
    h('h2', { class: 'entity-title' }, e.name),
    h('div', { class: 'meta' }, kindBadge(e.kind), statusBadge(e.status), h('code', { class: 'id' }, e.id)),
    h('div', { id: 'fact-retraction' }, retractionNotice(e.retraction)),
    dates(e.validFrom, e.validUntil) ? h('p', { class: 'dates' }, 'Valid ', dates(e.validFrom, e.validUntil)) : null,
    (n.data('roles') || []).length ? h('p', {}, 'Role in the finding: ', n.data('roles').map((r) => h('code', { class: 'code' }, r))) : null,
    e.description ? h('p', { class: 'description' }, e.description) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => useAs('from', ent) }, 'Paths from here'),
      h('button', { type: 'button', onclick: () => useAs('to', ent) }, 'Paths to here'),
      h('button', { type: 'button', disabled: state.via.length >= 3, onclick: () => useAs('via', ent) }, 'Add as waypoint'),
      h('button', { type: 'button', onclick: () => openTimeline(e.id) }, 'Timeline'),
      e.kind === 'TRANSFER' ? h('button', { type: 'button', onclick: () => openRoute(e.id) }, 'Route map') : null),
    h('section', { class: 'neighbours', id: 'neighbour-info' }),
    e.aliases.length ? h('section', {}, h('h3', {}, 'Also known as'), h('ul', { class: 'aliases' }, e.aliases.map((a) => h('li', {}, a)))) : null,
    propsTable(e.properties) ? h('section', {}, h('h3', {}, 'Properties'), propsTable(e.properties)) : null,
    h('section', {}, h('h3', {}, `Evidence (${e.evidence.length})`), evidenceList(e.evidence)),
    historySection(id),
    h('p', { class: 'muted small' }, `Dataset ${e.dataset}${e.recordId ? `, record ${e.recordId}` : ''}`));
  refreshNeighbourInfo(id);
  loadHistory('nodes', id);
}

function refreshNeighbourInfo(id) {
  const box = $('#neighbour-info');
  if (!box) return;
  const page = view.pages.get(id);
  if (!page) {
    replace(box, h('button', { type: 'button', onclick: () => expand(id) }, 'Show neighbours'));
    return;
  }
  replace(box, h('span', {}, `Neighbours: ${page.loaded} of ${page.total} shown`),
    page.hasNext ? h('button', { type: 'button', onclick: () => expand(id, { more: true }) }, `Show ${Math.min(NEIGHBOUR_PAGE, page.total - page.loaded)} more`) : null);
}

async function showEdge(id) {
  const panel = $('#panel-details');
  const ed = cy.getElementById(id);
  let rel = ed.data('rel') || view.extra.get(id)?.rel || { id };
  if (!rel.evidence) {
    try {
      rel = (await gql(RELATIONSHIP_BY_ID, { id })).relationship;
      if (ed.nonempty()) ed.data('rel', rel); else view.extra.set(id, { rel });
      for (const e of [rel.from, rel.to]) if (e.name) view.extra.set(e.id, { entity: e });
    } catch (err) { showError(err, 'Loading the relationship'); return; }
  }
  if (state.selected?.id !== id) return; // another selection meanwhile
  const from = cy.getElementById(rel.from.id).data('entity') || view.extra.get(rel.from.id)?.entity || rel.from;
  const to = cy.getElementById(rel.to.id).data('entity') || view.extra.get(rel.to.id)?.entity || rel.to;
  const sentences = ed.data('sentences') || [];
  replace(panel,
    h('h2', { class: 'edge-title' }, entityButton(from), h('span', { class: 'rel-type' }, ` — ${prettyType(rel.type)} → `), entityButton(to)),
    h('div', { class: 'meta' }, h('span', { class: 'badge kind' }, rel.type), statusBadge(rel.status), h('code', { class: 'id' }, rel.id)),
    h('div', { id: 'fact-retraction' }, retractionNotice(rel.retraction)),
    dates(rel.validFrom, rel.validUntil) ? h('p', { class: 'dates' }, 'Held ', dates(rel.validFrom, rel.validUntil)) : h('p', { class: 'dates muted' }, 'Undated'),
    sentences.length ? h('section', {}, h('h3', {}, 'In the path'), sentences.map((s) => h('p', { class: 'sentence' }, s))) : null,
    (ed.data('roles') || []).length ? h('p', {}, 'Role in the finding: ', ed.data('roles').map((r) => h('code', { class: 'code' }, r))) : null,
    propsTable(rel.properties) ? h('section', {}, h('h3', {}, 'Properties'), propsTable(rel.properties)) : null,
    h('section', {}, h('h3', {}, `Evidence (${rel.evidence.length})`), evidenceList(rel.evidence)),
    historySection(id),
    h('p', { class: 'muted small' }, `Dataset ${rel.dataset}`));
  loadHistory('edges', id);
}

function renderPaths(r) {
  const panel = $('#panel-paths');
  const summary = h('p', { class: r.paths.length ? 'explanation' : 'explanation warn' }, r.explanation);
  const cut = r.cut ? h('p', {}, 'Cut by ', h('code', { class: 'code' }, r.cut), ': ', cutHint(r)) : null;
  replace(panel, summary, cut, r.paths.map((p, i) => h('section', { class: 'path' },
    h('h3', {}, `Path ${i + 1}`, h('span', { class: 'muted' }, ` · ${p.length} hop${p.length === 1 ? '' : 's'}`)),
    h('p', { class: 'path-meta' }, 'Weakest hop ', statusBadge(p.weakestStatus),
      dates(p.heldFrom, p.heldUntil) ? ` · every hop held ${dates(p.heldFrom, p.heldUntil)}` : ''),
    h('ol', { class: 'steps' }, p.hops.map((hop, j) => [
      j === 0 ? h('li', { class: 'step-node' }, entityButton(p.nodes[0])) : null,
      h('li', { class: 'step-hop' }, h('button', {
        type: 'button', class: 'hop', dataset: { id: hop.relationship.id },
        'aria-label': `Evidence for: ${hop.sentence}`,
        onclick: () => select(hop.relationship.id),
      }, statusBadge(hop.status), ' ', hop.sentence)),
      h('li', { class: 'step-node' }, entityButton(p.nodes[j + 1])),
    ])))));
}

function renderEntityOnly(e) {
  replace($('#panel-paths'), h('p', { class: 'explanation' }, `The neighbourhood of ${e.name}. Pick a “To” entity to find paths.`));
}

// ---------------------------------------------------------------- violations

async function detectFeatures() {
  try {
    const data = await gql(QUERY_FIELDS);
    view.queryFields = data.__schema.queryType.fields.map((f) => f.name);
    view.violationsField = violations.detect(data.__schema.queryType.fields);
  } catch {
    view.violationsField = null;
  }
  $('#tab-violations').hidden = !view.violationsField;
  if (!view.violationsField && state.tab === 'violations') showTab('paths');
}

let violationsLoading = null;
function loadViolations() {
  if (!view.violationsField) return Promise.resolve();
  if (!violationsLoading) violationsLoading = doLoadViolations();
  return violationsLoading;
}

async function doLoadViolations() {
  const panel = $('#panel-violations');
  replace(panel, h('p', { class: 'muted' }, 'Loading potential violations…'));
  try {
    const q = await violations.buildQuery(view.violationsField);
    const data = await gql(q);
    renderViolations(data[violations.FIELD]);
  } catch (err) {
    replace(panel, h('p', { class: 'warn' }, 'Could not load potential violations.'));
    showError(err, 'Loading potential violations');
  }
}

/** renderViolations lists the findings of a potentialViolations answer. */
function renderViolations(raw) {
  const panel = $('#panel-violations');
  view.violationsRaw = raw;
  view.violations = violations.findings(raw);
  const list = view.violations;
  const info = violations.about(view.violationsRaw);
  // A caveat every finding repeats is said once, above the list.
  const caveats = [...new Set(list.map((f) => f.caveat).filter(Boolean))];
  replace(panel,
    h('p', { class: 'explanation' }, `${list.length} potential violation${list.length === 1 ? '' : 's'}. Open one to draw its chain of evidence.`),
    caveats.length === 1 ? h('p', { class: 'caveat' }, caveats[0]) : null,
    info.numbers.length ? h('dl', { class: 'facts' }, info.numbers.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null,
    info.texts.map(([k, v]) => h('details', { class: 'rules' }, h('summary', {}, k), h('ul', {}, v.map((x) => h('li', {}, x))))),
    h('ol', { class: 'violations' }, list.map((f, i) => {
      const titleKey = violations.TITLE_FIELDS.find((k) => typeof f[k] === 'string' && f[k].trim());
      const key = violations.key(f, i);
      const said = violations.sentences(f);
      const skip = new Set(['status', 'weakestStatus', 'id', 'caveat', 'explanation', 'sentences', 'summary', 'description']);
      return h('li', { class: 'violation' },
        h('button', { type: 'button', class: 'violation-open', dataset: { key }, 'aria-label': `Draw the chain of evidence: ${violations.title(f, i)}`, onclick: () => openViolation(key) },
          statusBadge(violations.status(f)), ' ', violations.title(f, i)),
        said.length ? h('ul', { class: 'finding-sentences' }, said.slice(0, 4).map((x) => h('li', {}, x))) : null,
        said.length > 4 ? h('details', {}, h('summary', {}, `${said.length - 4} more`), h('ul', { class: 'finding-sentences' }, said.slice(4).map((x) => h('li', {}, x)))) : null,
        h('dl', { class: 'facts' }, violations.facts(f, titleKey).filter(([k]) => !skip.has(k)).slice(0, 6).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    })));
}

/** openViolation draws a finding's chain of evidence. */
async function openViolation(key) {
  await loadViolations();
  const list = view.violations || [];
  const i = list.findIndex((f, j) => violations.key(f, j) === key);
  if (i < 0) return;
  state.violation = key;
  await drawFinding(list[i], i);
  saveURL(true);
}

/** drawFinding draws the chain of evidence of one finding: its paths, hops, relationships and entities. */
async function drawFinding(f, i = 0) {
  const ch = violations.chain(f);
  state.selected = null;
  state.expanded = [];
  view.pages.clear();
  view.result = null;
  cy.elements().remove();
  // Entities named only by id (relationship ends) are fetched in one query.
  const missing = new Set();
  for (const r of ch.relationships.values()) for (const end of [r.from, r.to]) if (!ch.entities.has(end.id) && !(end.name && end.kind)) missing.add(end.id);
  if (missing.size) {
    try {
      const ids = [...missing];
      const parts = ids.map((id, j) => `e${j}: entity(id: ${JSON.stringify(id)}) { ...EntityBrief }`);
      const data = await gql(`query Ends {\n${parts.join('\n')}\n}\n${ENTITY_BRIEF}`);
      for (const v of Object.values(data)) if (v) ch.entities.set(v.id, v);
    } catch (err) { showError(err, 'Loading the entities of the finding'); }
  }
  cy.batch(() => {
    for (const e of ch.entities.values()) addNode(e, ['path']).data('roles', ch.roles.get(e.id) || []);
    for (const r of ch.relationships.values()) {
      for (const end of [r.from, r.to]) if (cy.getElementById(end.id).empty()) addNode({ id: end.id, name: end.name || end.id, kind: end.kind }, ['path']);
      const ss = ch.sentences.get(r.id) || [];
      addEdge(r, ['path'], ss[0]).data('roles', ch.roles.get(r.id) || []);
      for (const s of ss.slice(1)) addEdge(r, [], s);
    }
  });
  const about = Object.values(f).find((v) => v && typeof v === 'object' && !Array.isArray(v) && v.kind && v.id);
  if (ch.paths.length) {
    const first = ch.paths[0].nodes[0];
    const last = ch.paths[0].nodes[ch.paths[0].nodes.length - 1];
    cy.getElementById(first.id).addClass('end');
    cy.getElementById(last.id).addClass('end');
    layoutPaths({ paths: ch.paths, to: last });
    renderPaths({ paths: ch.paths, explanation: violations.title(f, i), cut: null });
    showTab('paths');
  } else {
    // The entity the finding is about (a transfer) in the middle, the rest by distance from it.
    const root = about && !cy.getElementById(about.id).empty() ? cy.getElementById(about.id) : cy.nodes().max((n) => n.degree()).ele;
    if (root) root.addClass('end');
    const depth = new Map();
    if (root) cy.elements().bfs({ roots: root, visit: (v, e, u, i, d) => { depth.set(v.id(), d); } });
    cy.layout({
      name: 'concentric', padding: 60, minNodeSpacing: 70, startAngle: Math.PI, avoidOverlap: true,
      concentric: (n) => 10 - Math.min(9, depth.has(n.id()) ? depth.get(n.id()) : 9),
      levelWidth: () => 1,
    }).run();
    limitZoom();
    const said = violations.sentences(f);
    replace($('#panel-paths'),
      h('p', { class: 'explanation' }, statusBadge(violations.status(f)), ' ', violations.title(f, i)),
      f.caveat ? h('p', { class: 'caveat' }, f.caveat) : null,
      said.length ? h('ul', { class: 'finding-sentences' }, said.map((x) => h('li', {}, x))) : null,
      h('p', { class: 'muted' }, 'Click a relationship for its evidence.'));
    showTab('paths');
  }
  setMessage();
  updateLegend();
}

// ---------------------------------------------------------------- export

function fileStem() {
  const part = (v) => (v ? argOf(v).replace(/[^A-Za-z0-9_-]+/g, '-') : '');
  return ['sanctiongraph', part(state.from), part(state.to)].filter(Boolean).join('_');
}

function exportPNG() {
  if (!cy.elements().length) return;
  const blob = cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff', maxWidth: 6000, maxHeight: 6000 });
  download(blob, `${fileStem()}.png`);
}

/**
 * exportCitations saves the current paths through the API's /export: as CSV
 * (one row per hop, with its sentence and citations) or as a citable
 * bundle (query, list editions, citations, answer).
 */
async function exportCitations(format) {
  if (!state.from || !state.to) {
    showError(new APIError([{ message: 'pick a From and a To entity first: the export is of the paths between them', extensions: { code: 'BAD_USER_INPUT' } }]), 'Export');
    return;
  }
  busy(true);
  try {
    const vars = {
      from: argOf(state.from), to: argOf(state.to), via: state.via.map(argOf),
      maxHops: state.maxHops, mode: state.mode, k: state.k,
      minStatus: state.minStatus || null, at: state.at || null,
    };
    const blob = await exportAnswer(format, PATH_CITATIONS, vars, format === 'csv' ? 'paths.paths.hops' : '');
    download(blob, `${fileStem()}_citations.${format === 'csv' ? 'csv' : 'json'}`);
  } catch (err) {
    showError(err, 'Export');
  } finally {
    busy(false);
  }
}

/** exportJSON saves the view: nodes and edges with their ids and evidence. */
async function exportJSON() {
  if (!cy.elements().length) return;
  busy(true);
  try {
    const doc = await viewJSON();
    download(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }), `${fileStem()}.json`);
  } catch (err) {
    showError(err, 'Export');
  } finally {
    busy(false);
  }
}

async function viewJSON() {
  const need = cy.nodes().map((n) => n.id()).filter((id) => !view.details.has(id));
  const fetched = await entitiesEvidence(need);
  for (const [id, e] of Object.entries(fetched)) view.details.set(id, { ...(view.details.get(id) || {}), ...e });
  return {
    exportedAt: new Date().toISOString(),
    api: new URL('../graphql', document.baseURI).href,
    view: location.href,
    query: {
      from: argOf(state.from), to: argOf(state.to), via: state.via.map(argOf),
      maxHops: state.maxHops, mode: state.mode, k: state.k, minStatus: state.minStatus || null, at: state.at || null,
    },
    explanation: view.result ? view.result.explanation : null,
    nodes: cy.nodes().map((n) => {
      const e = { ...n.data('entity'), ...(view.details.get(n.id()) || {}) };
      return { id: n.id(), kind: e.kind, name: e.name, status: e.status, aliases: e.aliases || [], description: e.description || null, evidence: e.evidence || [] };
    }),
    edges: cy.edges().map((ed) => {
      const r = ed.data('rel');
      return {
        id: ed.id(), type: r.type, from: r.from.id, to: r.to.id, status: r.status, validFrom: r.validFrom, validUntil: r.validUntil,
        sentences: ed.data('sentences'), properties: r.properties || [], evidence: r.evidence || [],
      };
    }),
  };
}

async function copyLink() {
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    toast('Link copied');
  } catch {
    window.prompt('Copy this link:', url);
  }
}

function toast(text) {
  const t = h('div', { class: 'toast', role: 'status' }, text);
  document.body.appendChild(t);
  setTimeout(() => t.remove(), 1800);
}

// ---------------------------------------------------------------- keyboard on the graph

/** Keys while the graph has focus: arrows move through the elements, Enter expands, Escape deselects. */
function graphKeys(e) {
  const order = cy.elements().sort((a, b) => (a.isNode() === b.isNode() ? 0 : a.isNode() ? -1 : 1)).toArray();
  const cur = state.selected ? order.findIndex((el) => el.id() === state.selected.id) : -1;
  switch (e.key) {
    case 'ArrowRight': case 'ArrowDown': case 'ArrowLeft': case 'ArrowUp': {
      if (!order.length) return;
      e.preventDefault();
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      const next = order[(cur + step + order.length) % order.length];
      select(next.id(), { tab: 'details' });
      break;
    }
    case 'Enter':
      if (state.selected?.group === 'nodes') { e.preventDefault(); expand(state.selected.id, { more: view.pages.has(state.selected.id) }); }
      break;
    case 'Escape': deselect(); break;
    case '+': case '=': cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); break;
    case '-': cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); break;
    case 'f': cy.fit(undefined, 40); break;
    default:
  }
}

// ---------------------------------------------------------------- views: timeline, route map, lists

const timeline = new Timeline({ svgEl: $('#timeline-svg'), onSelect: showFact });
const routeMap = new RouteMap({ svgEl: $('#map-svg'), listEl: $('#map-legs'), noteEl: $('#map-note'), onSelect: showFact });
const lists = new Lists({
  root: $('#lists-view'),
  onEntity: (e) => showFact({ group: 'nodes', id: e.id, entity: e }),
  onFact: (item) => showFact(item),
  onRoute: (t) => openRoute(t.id),
  onOpen: (key) => { state.list = key; if (state.view === 'lists') saveURL(); },
});

/** showView switches the main area between the graph, the timeline, the route map and the lists. */
function showView(name, { load = true } = {}) {
  state.view = VIEWS.includes(name) ? name : 'graph';
  for (const v of VIEWS) {
    const tab = $(`#view-${v}`);
    const on = v === state.view;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(`#${v}-view`).hidden = !on;
  }
  if (state.view === 'graph') cy.resize();
  saveURL();
  if (!load) return Promise.resolve();
  if (state.view === 'timeline') return loadTimeline();
  if (state.view === 'map') return loadMap();
  if (state.view === 'lists') return loadLists();
  return Promise.resolve();
}

function setupViews() {
  tablist(VIEWS.map((v) => $(`#view-${v}`)), (t) => showView(t.id.slice(5)));
  $('#tl-zoom-in').addEventListener('click', () => timeline.zoom(1.5));
  $('#tl-zoom-out').addEventListener('click', () => timeline.zoom(1 / 1.5));
  $('#tl-fit').addEventListener('click', () => timeline.fit());
  $('#map-zoom-in').addEventListener('click', () => routeMap.zoom(1.5));
  $('#map-zoom-out').addEventListener('click', () => routeMap.zoom(1 / 1.5));
  $('#map-fit').addEventListener('click', () => routeMap.fit());
  $('#map-transfer').addEventListener('change', (e) => { if (e.target.value) openRoute(e.target.value); });
  renderViewLegends();
}

/** openTimeline shows the timeline of one entity. */
function openTimeline(id) {
  state.tl = id;
  return showView('timeline');
}

/** openRoute shows a transfer's route on the map. */
function openRoute(id) {
  state.route = id;
  return showView('map');
}

/**
 * timelineSubject: the entity asked for (tl), else the selected entity, else
 * the one entity whose neighbourhood is drawn, else everything drawn.
 */
function timelineSubject() {
  if (state.tl) return { id: state.tl };
  if (state.selected?.group === 'nodes') return { id: state.selected.id };
  if (state.from && !state.to && (state.from.id || state.from.text)) return { id: state.from.id || state.from.text };
  const ids = cy.nodes().filter((n) => DATED_KINDS.includes(n.data('kind'))).map((n) => n.id());
  const facts = cy.edges().map((e) => e.data('rel')).filter((r) => r && r.validFrom)
    .map((r) => ({ rel: r, from: cy.getElementById(r.from.id).data('entity') || r.from, to: cy.getElementById(r.to.id).data('entity') || r.to }));
  if (cy.nodes().length) return { ids, facts, label: view.result ? 'The paths drawn' : 'The graph drawn' };
  return null;
}

let timelineSeq = 0;
async function loadTimeline() {
  const box = $('#timeline-view');
  const subject = timelineSubject();
  const seq = ++timelineSeq;
  if (!subject) {
    box.dataset.state = 'empty';
    timeline.show([]);
    replace($('#timeline-summary'), 'Select an entity, draw a path or open a finding; the timeline shows what is dated around it.');
    return;
  }
  box.dataset.state = 'loading';
  replace($('#timeline-summary'), 'Loading the timeline…');
  try {
    const { title, items } = await collectTimeline(subject);
    if (seq !== timelineSeq) return;
    timeline.show(items);
    replace($('#timeline-summary'), timelineSummary(title, items),
      subject.id ? ' — what is directly connected to it, with the reactions to those facts and the sources they cite.' : '');
    box.dataset.state = 'ready';
  } catch (err) {
    if (seq !== timelineSeq) return;
    box.dataset.state = 'error';
    replace($('#timeline-summary'), h('span', { class: 'warn' }, 'The timeline could not be loaded.'));
    showError(err, 'Loading the timeline');
  }
}

let transfersLoaded = null;
function loadTransfers() {
  if (!transfersLoaded) {
    transfersLoaded = (async () => {
      const all = [];
      let after = null;
      for (let page = 0; page < 5; page++) {
        const data = await gql(TRANSFERS, { after });
        all.push(...data.entities.edges.map((e) => e.node));
        if (!data.entities.pageInfo.hasNextPage) break;
        after = data.entities.pageInfo.endCursor;
      }
      return all;
    })().catch((err) => { transfersLoaded = null; throw err; });
  }
  return transfersLoaded;
}

let mapSeq = 0;
async function loadMap() {
  const box = $('#map-view');
  const seq = ++mapSeq;
  const sel = $('#map-transfer');
  try {
    const transfers = await loadTransfers();
    if (!state.route && state.selected?.group === 'nodes' && transfers.some((t) => t.id === state.selected.id)) state.route = state.selected.id;
    const date = (t) => t.properties.find((p) => p.name === 'date')?.values[0] || 'undated';
    replace(sel, h('option', { value: '' }, 'Pick a transfer…'),
      transfers.map((t) => h('option', { value: t.id, selected: t.id === state.route }, `${date(t)} · ${t.name}`)));
    if (state.route && !transfers.some((t) => t.id === state.route)) sel.appendChild(h('option', { value: state.route, selected: true }, state.route));
    if (!state.route) { box.dataset.state = 'empty'; routeMap.fit(); return; }
    box.dataset.state = 'loading';
    await routeMap.show(state.route);
    if (seq !== mapSeq) return;
    box.dataset.state = 'ready';
    saveURL();
  } catch (err) {
    if (seq !== mapSeq) return;
    box.dataset.state = 'error';
    replace($('#map-note'), h('span', { class: 'warn' }, 'The route could not be loaded.'));
    showError(err, 'Loading the route');
  }
}

function loadLists() {
  const box = $('#lists-view');
  if (box.dataset.state === 'ready' && lists.key === (state.list || lists.key)) return Promise.resolve();
  box.dataset.state = 'loading';
  return lists.open(state.list || 'entities').then(() => { box.dataset.state = 'ready'; });
}

/** renderViewLegends explains the status styles of the timeline and the map. */
function renderViewLegends() {
  const swatch = (cls, shape) => svgEl('svg', { width: 34, height: 14, class: 'swatch', 'aria-hidden': 'true' }, shape(cls));
  const mark = (st) => (cls) => svgEl('g', { class: `tl-item status-${st}` }, svgEl('rect', { x: 2, y: 2, width: 30, height: 10, rx: 3, class: 'mark span' }));
  const line = (st) => () => svgEl('path', { d: 'M2,7 L32,7', class: `leg leg-${st}` });
  const items = (f) => Object.keys(STATUSES).map((st) => h('span', { class: 'legend-item' }, swatch(st, f(st)), prettyStatus(st)));
  replace($('#timeline-legend'), h('span', { class: 'legend-item' }, svgEl('svg', { width: 16, height: 14, 'aria-hidden': 'true' }, svgEl('circle', { cx: 8, cy: 7, r: 5, class: 'legend-point' })), 'exact date'),
    h('span', { class: 'legend-item' }, svgEl('svg', { width: 34, height: 14, 'aria-hidden': 'true' }, svgEl('rect', { x: 2, y: 2, width: 30, height: 10, rx: 3, class: 'legend-point' })), 'month or year only'),
    items(mark), h('span', { class: 'muted' }, ` Lanes: ${LANES.map((l) => l.label.toLowerCase()).join(', ')}.`));
  replace($('#map-legend'), items(line),
    h('span', { class: 'legend-item' }, swatch('implied', () => svgEl('path', { d: 'M2,7 L32,7', class: 'leg leg-implied' })), 'no recorded legs: sender’s state to recipient’s'),
    h('span', { class: 'muted' }, ' Country outlines: Natural Earth (public domain).'));
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('#query').addEventListener('submit', (e) => {
    e.preventDefault();
    readForm();
    run({ push: true }).then(() => { if (state.view === 'timeline') loadTimeline(); });
  });
  $('#swap').addEventListener('click', () => {
    readForm();
    [state.from, state.to] = [state.to, state.from];
    writeForm();
  });
  $('#mode').addEventListener('change', () => { $('#k-field').hidden = $('#mode').value !== 'K_SHORTEST'; });
  $('#fit').addEventListener('click', () => cy.fit(undefined, 40));
  $('#relayout').addEventListener('click', relayout);
  $('#export-png').addEventListener('click', exportPNG);
  $('#export-json').addEventListener('click', exportJSON);
  $('#export-citations').addEventListener('click', () => exportCitations('csv'));
  $('#export-bundle').addEventListener('click', () => exportCitations('bundle'));
  $('#copy-link').addEventListener('click', copyLink);
  $('#cy').addEventListener('keydown', graphKeys);
  cy.on('tap', 'node', (e) => select(e.target.id(), { expandNode: true, center: false }));
  cy.on('tap', 'edge', (e) => select(e.target.id(), { center: false }));
  cy.on('tap', (e) => { if (e.target === cy) deselect(); });
  window.addEventListener('popstate', () => { fromURL(); writeForm(); run({ restore: true }).then(() => showView(state.view)); });
  setupTabs();
  setupViews();
}

async function start() {
  renderLegend($('#legend-kinds'), $('#legend-status'), null);
  wire();
  fromURL();
  writeForm();
  const features = detectFeatures();
  if (state.violation || state.tab === 'violations') await features;
  if (state.violation && view.violationsField) {
    await openViolation(state.violation);
    showTab(state.tab);
  } else if (state.from || state.to) {
    await run({ restore: true });
    if (state.tab === 'violations') showTab('violations');
  } else {
    showTab(state.tab);
  }
  await features;
  lists.setFields(new Set(view.queryFields || []));
  if (state.view !== 'graph') await showView(state.view);
}

/** window.explorer exposes the graph and a few actions, for tests and the console. */
window.explorer = {
  cy,
  state,
  view,
  pickers,
  run: (opts) => run(opts),
  select: (id, opts) => select(id, opts),
  expand: (id, opts) => expand(id, opts),
  viewJSON,
  drawFinding: (f) => drawFinding(f),
  renderViolations: (raw) => { violationsLoading = Promise.resolve(); renderViolations(raw); showTab('violations'); },
  timeline,
  routeMap,
  lists,
  showView: (name) => showView(name),
  openTimeline: (id) => openTimeline(id),
  openRoute: (id) => openRoute(id),
  ready: null,
};
window.explorer.ready = start().then(() => { document.body.dataset.ready = 'true'; });
