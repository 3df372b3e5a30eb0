// List views: the API's list queries as tables, a page at a time, with CSV
// and JSON downloads of the rows loaded. Each list is one entry in LISTS
// (its query, its filters, its columns); a list whose root field the schema
// lacks is not offered, so a new fact list (e.g. relationships, list
// changes) is one more entry.

import { gql, ENTITY_BRIEF } from './api.js';
import { h, replace, download } from './dom.js';
import { prettyKind, prettyStatus } from './style.js';

const KINDS = ['STATE', 'PERSON', 'ORGANIZATION', 'PRODUCT', 'TRANSFER', 'RESOLUTION', 'MEASURE', 'EVENT', 'SOURCE', 'SANCTION'];
const STATUS_OPTS = [['', 'any'], ['CONFIRMED', 'confirmed'], ['REPORTED', 'reported'], ['ALLEGED', 'alleged'], ['DISPUTED', 'disputed']];

function prop(x, name) { return (x.properties || []).find((p) => p.name === name)?.values.join(', ') || ''; }

const ENTITY_COLUMNS = [
  { label: 'Name', entity: (r) => r.node },
  { label: 'Kind', text: (r) => prettyKind(r.node.kind) },
  { label: 'Date', text: (r) => prop(r.node, 'date') || prop(r.node, 'adoptedOn') || prop(r.node, 'listingDate') || prop(r.node, 'publishedOn') || r.node.validFrom || '' },
  { label: 'Status', status: (r) => r.node.status },
  { label: 'Dataset', text: (r) => r.node.dataset },
  { label: 'Id', code: (r) => r.node.id },
];

const NODE = `node { ...EntityBrief dataset validFrom properties(names: ["date", "adoptedOn", "listingDate", "publishedOn"]) { name values } }`;

/** LISTS: key → the list's label, root field, filters, query and columns. */
export const LISTS = {
  entities: {
    label: 'Entities',
    field: 'entities',
    filters: [
      { name: 'kind', label: 'Kind', options: [['', 'any'], ...KINDS.map((k) => [k, prettyKind(k)])] },
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'sort', label: 'Sort', options: [['NAME_ASC', 'name A–Z'], ['NAME_DESC', 'name Z–A'], ['DATE_ASC', 'date, oldest first'], ['DATE_DESC', 'date, newest first']] },
    ],
    query: `query ListEntities($filter: EntityFilter, $sort: EntitySort, $after: String) {
      list: entities(filter: $filter, sort: $sort, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { ${NODE} } }
    }${ENTITY_BRIEF}`,
    vars: (f) => ({ filter: { ...(f.kind ? { kinds: [f.kind] } : {}), ...(f.status ? { minStatus: f.status } : {}) }, sort: f.sort || 'NAME_ASC' }),
    columns: ENTITY_COLUMNS,
  },
  timeline: {
    label: 'Timeline',
    field: 'timeline',
    filters: [
      { name: 'kind', label: 'Kind', options: [['', 'any'], ...['EVENT', 'TRANSFER', 'RESOLUTION', 'SANCTION', 'SOURCE'].map((k) => [k, prettyKind(k)])] },
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'from', label: 'From', type: 'date' },
      { name: 'to', label: 'To', type: 'date' },
    ],
    query: `query ListTimeline($from: Date, $to: Date, $kinds: [Kind!], $minStatus: Status, $after: String) {
      list: timeline(from: $from, to: $to, kinds: $kinds, minStatus: $minStatus, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { date ${NODE} } }
    }${ENTITY_BRIEF}`,
    vars: (f) => ({ from: f.from || null, to: f.to || null, kinds: f.kind ? [f.kind] : null, minStatus: f.status || null }),
    columns: [{ label: 'Date', text: (r) => r.date }, ...ENTITY_COLUMNS.filter((c) => c.label !== 'Date')],
  },
  violations: {
    label: 'Potential violations',
    field: 'potentialViolations',
    filters: [
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'from', label: 'From', type: 'date' },
      { name: 'to', label: 'To', type: 'date' },
    ],
    query: `query ListViolations($filter: ViolationFilter, $after: String) {
      list: potentialViolations(filter: $filter, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { transfer { ...EntityBrief } date weakestStatus
          suppliers { entity { name } } recipients { entity { name } }
          breaches { measure { name } } route { id } } } }
    }${ENTITY_BRIEF}`,
    vars: (f) => ({ filter: { ...(f.status ? { minStatus: f.status } : {}), ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) } }),
    columns: [
      { label: 'Date', text: (r) => r.node.date || '' },
      { label: 'Transfer', entity: (r) => r.node.transfer },
      { label: 'Suppliers', text: (r) => r.node.suppliers.map((p) => p.entity.name).join('; ') },
      { label: 'Recipients', text: (r) => r.node.recipients.map((p) => p.entity.name).join('; ') },
      { label: 'Measures', text: (r) => r.node.breaches.map((b) => b.measure.name).join('; ') },
      { label: 'Weakest status', status: (r) => r.node.weakestStatus },
      { label: 'Route legs', text: (r) => String(r.node.route.length), route: (r) => (r.node.route.length ? r.node.transfer : null) },
    ],
  },
};

/** Lists renders one list at a time into a container. */
export class Lists {
  constructor({ root, onEntity, onRoute }) {
    this.root = root;
    this.onEntity = onEntity;
    this.onRoute = onRoute;
    this.available = Object.keys(LISTS).filter((k) => k !== 'violations');
    this.key = 'entities';
    this.filters = {};
    this.rows = [];
    this.page = null;
  }

  /** setFields keeps the lists whose root field the schema has. */
  setFields(fields) {
    this.available = Object.keys(LISTS).filter((k) => fields.has(LISTS[k].field));
  }

  async open(key, filters = {}) {
    this.key = this.available.includes(key) ? key : this.available[0];
    this.filters = { ...filters };
    this.rows = [];
    this.page = null;
    this.renderFrame();
    await this.more();
  }

  async more() {
    const def = LISTS[this.key];
    const status = this.root.querySelector('.list-status');
    replace(status, 'Loading…');
    try {
      const data = await gql(def.query, { ...def.vars(this.filters), after: this.page?.endCursor || null });
      this.rows.push(...data.list.edges);
      this.page = { ...data.list.pageInfo, total: data.list.totalCount };
      this.renderRows();
    } catch (err) {
      replace(status, h('span', { class: 'warn' }, `The list could not be loaded: ${err.message}`));
    }
  }

  renderFrame() {
    const def = LISTS[this.key];
    const controls = h('form', { class: 'list-controls', onsubmit: (e) => { e.preventDefault(); this.open(this.key, this.readFilters()); } },
      h('div', { class: 'field' }, h('label', { for: 'list-kind' }, 'List'),
        h('select', { id: 'list-kind', onchange: (e) => this.open(e.target.value, {}) },
          this.available.map((k) => h('option', { value: k, selected: k === this.key }, LISTS[k].label)))),
      def.filters.map((f) => h('div', { class: 'field' }, h('label', { for: `list-f-${f.name}` }, f.label),
        f.options
          ? h('select', { id: `list-f-${f.name}`, name: f.name }, f.options.map(([v, l]) => h('option', { value: v, selected: (this.filters[f.name] || '') === v }, l)))
          : h('input', { id: `list-f-${f.name}`, name: f.name, type: f.type || 'text', value: this.filters[f.name] || '' }))),
      h('button', { type: 'submit' }, 'Apply'),
      h('button', { type: 'button', onclick: () => this.exportCSV() }, 'CSV'),
      h('button', { type: 'button', onclick: () => this.exportJSON() }, 'JSON'));
    replace(this.root, controls, h('p', { class: 'list-status', role: 'status' }),
      h('div', { class: 'list-scroll' }, h('table', { class: 'list-table' },
        h('caption', { class: 'sr-only' }, def.label),
        h('thead', {}, h('tr', {}, def.columns.map((c) => h('th', { scope: 'col' }, c.label)))),
        h('tbody', {}))),
      h('p', {}, h('button', { type: 'button', class: 'list-more', hidden: true, onclick: () => this.more() }, 'Load more')));
  }

  readFilters() {
    const out = {};
    for (const f of LISTS[this.key].filters) {
      const v = this.root.querySelector(`#list-f-${f.name}`)?.value || '';
      if (v) out[f.name] = v;
    }
    return out;
  }

  cell(c, r) {
    if (c.entity) {
      const e = c.entity(r);
      return h('button', { type: 'button', class: 'link', onclick: () => this.onEntity?.(e) }, e.name);
    }
    if (c.status) { const s = c.status(r); return h('span', { class: `badge status status-${s}` }, prettyStatus(s)); }
    if (c.code) return h('code', { class: 'id' }, c.code(r));
    const text = c.text(r);
    const t = c.route?.(r);
    return t ? h('button', { type: 'button', class: 'link', onclick: () => this.onRoute?.(t) }, `${text} — map`) : text;
  }

  renderRows() {
    const def = LISTS[this.key];
    replace(this.root.querySelector('tbody'), this.rows.map((r) => h('tr', {}, def.columns.map((c) => h('td', {}, this.cell(c, r))))));
    replace(this.root.querySelector('.list-status'), `${this.rows.length} of ${this.page.total} shown`);
    this.root.querySelector('.list-more').hidden = !this.page.hasNextPage;
  }

  table() {
    const def = LISTS[this.key];
    const value = (c, r) => (c.entity ? c.entity(r).name : c.status ? c.status(r) : c.code ? c.code(r) : c.text(r));
    return { header: def.columns.map((c) => c.label), rows: this.rows.map((r) => def.columns.map((c) => value(c, r))) };
  }

  exportCSV() {
    const { header, rows } = this.table();
    const q = (v) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const text = [header, ...rows].map((row) => row.map((v) => q(String(v ?? ''))).join(',')).join('\r\n');
    download(new Blob([`\ufeff${text}\r\n`], { type: 'text/csv;charset=utf-8' }), `sanctiongraph-${this.key}.csv`);
  }

  exportJSON() {
    download(new Blob([JSON.stringify({ list: this.key, filters: this.filters, total: this.page?.total, rows: this.rows }, null, 2)], { type: 'application/json' }), `sanctiongraph-${this.key}.json`);
  }
}


