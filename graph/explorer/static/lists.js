// List views: the API's list queries as tables, a page at a time, and the
// whole list (every page, up to the API's limits) downloaded through the
// API's /export as CSV, NDJSON or a citable bundle. Each list is one entry
// in LISTS (its queries, its filters, its columns); a list whose root field
// the schema lacks is not offered.

import { gql, exportAnswer, APIError, ENTITY_BRIEF, SEARCH } from './api.js';
import { h, replace, download } from './dom.js';
import { Picker } from './picker.js';
import { prettyKind, prettyStatus, prettyType } from './style.js';

const KINDS = ['STATE', 'PERSON', 'ORGANIZATION', 'PRODUCT', 'TRANSFER', 'RESOLUTION', 'MEASURE', 'EVENT', 'SOURCE', 'SANCTION'];
const STATUS_OPTS = [['', 'any'], ['CONFIRMED', 'confirmed'], ['REPORTED', 'reported'], ['ALLEGED', 'alleged'], ['DISPUTED', 'disputed']];
// RelationshipFilter.datasets and .basis (schema/graphql/facts.graphqls).
const DATASETS = ['curated', 'unsc', 'ofac-sdn', 'ofac-cons', 'ftm', 'derived'];
const BASES = ['party', 'record', 'news', 'research', 'reference', 'list', 'government', 'expert'];
// The lists listChanges compares (a dataset, or the authority's name).
const AUTHORITY_LISTS = [['unsc', 'UN Security Council'], ['ofac-sdn', 'OFAC SDN'], ['ofac-cons', 'OFAC consolidated (non-SDN)']];

/** PAGE is the rows a list shows at a time; EXPORT_PAGE those one /export request carries (the API's largest page). */
const PAGE = 50;
const EXPORT_PAGE = 100;
/**
 * MAX_EXPORT_ROWS: offset cursors page no deeper than this many items
 * (graph/pagination.go maxOffset); entity lists sorted by name have keyset
 * cursors that could, but a download the browser joins in memory stops
 * here too.
 */
const MAX_EXPORT_ROWS = 100_000;

function prop(x, name) { return (x.properties || []).find((p) => p.name === name)?.values.join(', ') || ''; }
function period(from, until) {
  if (!from && !until) return '';
  if (from === until) return from;
  return `${from || '…'} – ${until || ''}`.trim();
}
const opts = (values, label = (v) => v) => [['', 'any'], ...values.map((v) => [v, label(v)])];

const ENTITY_COLUMNS = [
  { label: 'Name', entity: (r) => r.node },
  { label: 'Kind', text: (r) => prettyKind(r.node.kind) },
  { label: 'Date', text: (r) => prop(r.node, 'date') || prop(r.node, 'adoptedOn') || prop(r.node, 'listingDate') || prop(r.node, 'publishedOn') || r.node.validFrom || '' },
  { label: 'Status', status: (r) => r.node.status },
  { label: 'Dataset', text: (r) => r.node.dataset },
  { label: 'Id', code: (r) => r.node.id },
];

const DATE_PROPS = '["date", "adoptedOn", "listingDate", "publishedOn"]';
const NODE = `node { ...EntityBrief dataset validFrom properties(names: ${DATE_PROPS}) { name values } }`;
// What a downloaded entity row holds: flat fields, the dates by name.
const NODE_EXPORT = `node { id kind name status dataset recordId validFrom validUntil aliases description dates: properties(names: ${DATE_PROPS}) { name values } }`;
const PAGES = 'pageInfo { hasNextPage endCursor }';

// Each list's operations share their variables: the view's page (query), the
// pages of an export (pages: only the cursors, asked only when /export did
// not send them in its Sanctiongraph-Page-Info header) and what /export
// turns into rows (exportQuery; its rows are list.edges, its pageInfo the
// header).
const ENT_ARGS = '$filter: EntityFilter, $sort: EntitySort, $after: String';
const ENT_CALL = 'filter: $filter, sort: $sort, after: $after';
const TL_ARGS = '$from: Date, $to: Date, $kinds: [Kind!], $minStatus: Status, $after: String';
const TL_CALL = 'from: $from, to: $to, kinds: $kinds, minStatus: $minStatus, after: $after';
const PV_ARGS = '$filter: ViolationFilter, $after: String';
const PV_CALL = 'filter: $filter, after: $after';
const PV_NODE = `node { transfer { ...EntityBrief } date weakestStatus
          suppliers { entity { name } } recipients { entity { name } }
          breaches { measure { name } } route { id } }`;
const REL_ARGS = '$filter: RelationshipFilter, $sort: RelationshipSort, $after: String';
const REL_CALL = 'filter: $filter, sort: $sort, after: $after';
const CH_ARGS = '$authority: String!, $from: Date, $to: Date, $program: String, $referencePrefix: String, $changes: [ListingChangeKind!], $after: String';
const CH_CALL = 'authority: $authority, from: $from, to: $to, program: $program, referencePrefix: $referencePrefix, changes: $changes, after: $after';
const CH_NODE = 'node { change reference sanctionId name programs fields { field before after } }';

export const EDITIONS = `
query ListEditions($list: String!) {
  editions(list: $list) { id authority list publishedOn recordCount file reconstructed }
}`;

// The party a listing (a Sanction) designates.
const LISTED = `
query ListedParty($id: ID!) {
  neighbours(id: $id, first: 1, filter: {types: [DESIGNATES], direction: OUTGOING}) { edges { node { ...EntityBrief } } }
}${ENTITY_BRIEF}`;

const REL_TYPES = `
query RelationshipTypes {
  __type(name: "RelationshipType") { enumValues { name } }
}`;

let relTypes = null;
/** relationshipTypes reads the RelationshipType enum from the schema, once. */
function relationshipTypes() {
  if (!relTypes) relTypes = gql(REL_TYPES).then((d) => (d.__type?.enumValues || []).map((v) => v.name)).catch((err) => { relTypes = null; throw err; });
  return relTypes;
}

/** LISTS: key → the list's label, root field, filters, queries and columns. */
export const LISTS = {
  entities: {
    label: 'Entities',
    field: 'entities',
    filters: [
      { name: 'kind', label: 'Kind', options: opts(KINDS, prettyKind) },
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'sort', label: 'Sort', options: [['NAME_ASC', 'name A–Z'], ['NAME_DESC', 'name Z–A'], ['DATE_ASC', 'date, oldest first'], ['DATE_DESC', 'date, newest first']] },
    ],
    query: `query ListEntities(${ENT_ARGS}) {
      list: entities(${ENT_CALL}, first: ${PAGE}) { totalCount ${PAGES} edges { ${NODE} } }
    }${ENTITY_BRIEF}`,
    pages: `query PagesEntities(${ENT_ARGS}) { list: entities(${ENT_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} } }`,
    exportQuery: `query ExportEntities(${ENT_ARGS}) { list: entities(${ENT_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} edges { ${NODE_EXPORT} } } }`,
    vars: (f) => ({ filter: { ...(f.kind ? { kinds: [f.kind] } : {}), ...(f.status ? { minStatus: f.status } : {}) }, sort: f.sort || 'NAME_ASC' }),
    stem: (f) => [f.kind, f.status],
    columns: ENTITY_COLUMNS,
  },
  timeline: {
    label: 'Timeline',
    field: 'timeline',
    filters: [
      { name: 'kind', label: 'Kind', options: opts(['EVENT', 'TRANSFER', 'RESOLUTION', 'SANCTION', 'SOURCE'], prettyKind) },
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'from', label: 'From', type: 'date' },
      { name: 'to', label: 'To', type: 'date' },
    ],
    query: `query ListTimeline(${TL_ARGS}) {
      list: timeline(${TL_CALL}, first: ${PAGE}) { totalCount ${PAGES} edges { date ${NODE} } }
    }${ENTITY_BRIEF}`,
    pages: `query PagesTimeline(${TL_ARGS}) { list: timeline(${TL_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} } }`,
    exportQuery: `query ExportTimeline(${TL_ARGS}) { list: timeline(${TL_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} edges { date ${NODE_EXPORT} } } }`,
    vars: (f) => ({ from: f.from || null, to: f.to || null, kinds: f.kind ? [f.kind] : null, minStatus: f.status || null }),
    stem: (f) => [f.kind, f.from, f.to],
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
    query: `query ListViolations(${PV_ARGS}) {
      list: potentialViolations(${PV_CALL}, first: ${PAGE}) { totalCount ${PAGES}
        edges { ${PV_NODE} } }
    }${ENTITY_BRIEF}`,
    pages: `query PagesViolations(${PV_ARGS}) { list: potentialViolations(${PV_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} } }`,
    exportQuery: `query ExportViolations(${PV_ARGS}) {
      list: potentialViolations(${PV_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} edges { ${PV_NODE} } }
    }${ENTITY_BRIEF}`,
    vars: (f) => ({ filter: { ...(f.status ? { minStatus: f.status } : {}), ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}) } }),
    stem: (f) => [f.from, f.to],
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
  relationships: {
    label: 'Relationships',
    field: 'relationships',
    // The relationship types come from the schema.
    prepare: async (f) => ({ filters: f, context: { types: await relationshipTypes() } }),
    filters: [
      { name: 'type', label: 'Type', options: (ctx) => opts(ctx.types || [], prettyType) },
      { name: 'dataset', label: 'Dataset', options: opts(DATASETS) },
      { name: 'basis', label: 'Evidence basis', options: opts(BASES) },
      { name: 'statuses', label: 'Status', options: STATUS_OPTS },
      { name: 'status', label: 'Min. status', options: STATUS_OPTS },
      { name: 'from', label: 'From entity', type: 'entity' },
      { name: 'to', label: 'To entity', type: 'entity' },
      { name: 'at', label: 'Held on', type: 'date' },
      { name: 'duringFrom', label: 'Held during: from', type: 'date' },
      { name: 'duringTo', label: 'until', type: 'date' },
      { name: 'sort', label: 'Sort', options: [['TYPE_ASC', 'type, then names'], ['DATE_ASC', 'date, oldest first'], ['DATE_DESC', 'date, newest first']] },
    ],
    query: `query ListRelationships(${REL_ARGS}) {
      list: relationships(${REL_CALL}, first: ${PAGE}) { totalCount ${PAGES}
        edges { node { id type status validFrom validUntil dataset from { ...EntityBrief } to { ...EntityBrief } evidence { source { name } } } } }
    }${ENTITY_BRIEF}`,
    pages: `query PagesRelationships(${REL_ARGS}) { list: relationships(${REL_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} } }`,
    exportQuery: `query ExportRelationships(${REL_ARGS}) {
      list: relationships(${REL_CALL}, first: ${EXPORT_PAGE}) {
        ${PAGES}
        edges { node { id type status validFrom validUntil dataset recordId firstReported lastConfirmed
          from { id kind name } to { id kind name } properties { name values }
          evidence { basis status statedOn source { id kind name } } citations } }
      }
    }`,
    bundle: true,
    vars: (f) => ({
      filter: {
        ...(f.type ? { types: [f.type] } : {}),
        ...(f.dataset ? { datasets: [f.dataset] } : {}),
        ...(f.basis ? { basis: [f.basis] } : {}),
        ...(f.statuses ? { statuses: [f.statuses] } : {}),
        ...(f.status ? { minStatus: f.status } : {}),
        ...(f.from?.id ? { from: f.from.id } : {}),
        ...(f.to?.id ? { to: f.to.id } : {}),
        ...(f.at ? { at: f.at } : {}),
        ...(f.duringFrom || f.duringTo ? { during: { from: f.duringFrom || null, to: f.duringTo || null } } : {}),
      },
      sort: f.sort || 'TYPE_ASC',
    }),
    stem: (f) => [f.type, f.dataset, f.basis, f.statuses, f.from?.id, f.to?.id, f.at],
    columns: [
      { label: 'Type', text: (r) => prettyType(r.node.type), fact: (r) => r.node },
      { label: 'From', entity: (r) => r.node.from },
      { label: 'To', entity: (r) => r.node.to },
      { label: 'Status', status: (r) => r.node.status },
      { label: 'Dates', text: (r) => period(r.node.validFrom, r.node.validUntil), nowrap: true },
      { label: 'Dataset', text: (r) => r.node.dataset },
      { label: 'Evidence', text: (r) => String(r.node.evidence.length) },
      { label: 'First source', text: (r) => r.node.evidence[0]?.source?.name || '' },
    ],
  },
  changes: {
    label: 'List changes',
    field: 'listChanges',
    // The editions of the list chosen fill the From and To pickers; by
    // default the newest and the one before it.
    prepare: async (f) => {
      const list = f.list || AUTHORITY_LISTS[0][0];
      const editions = (await gql(EDITIONS, { list })).editions;
      const dates = editions.map((e) => e.publishedOn);
      const filters = { ...f, list };
      if (!dates.includes(filters.to)) filters.to = dates[dates.length - 1] || '';
      if (!dates.includes(filters.from)) filters.from = dates[dates.indexOf(filters.to) - 1] || dates[0] || '';
      const name = AUTHORITY_LISTS.find(([v]) => v === list)?.[1] || list;
      let note = null;
      if (!editions.length) note = `No edition of the ${name} list is loaded.`;
      else if (editions.length === 1) note = `Only one edition of the ${name} list is loaded (${dates[0]}): there is nothing to compare it with.`;
      return { filters, context: { editions }, note };
    },
    filters: [
      // Another list has other editions: reopen with its newest two.
      { name: 'list', label: 'Sanctions list', options: AUTHORITY_LISTS, resets: ['from', 'to'] },
      { name: 'from', label: 'From edition', options: (ctx) => editionOptions(ctx) },
      { name: 'to', label: 'To edition', options: (ctx) => editionOptions(ctx) },
      { name: 'change', label: 'Change', options: [['', 'any'], ['ADDED', 'added'], ['REMOVED', 'removed'], ['AMENDED', 'amended']] },
      { name: 'program', label: 'Program', type: 'text', placeholder: 'DPRK' },
      { name: 'prefix', label: 'Reference prefix', type: 'text', placeholder: 'KP' },
    ],
    query: `query ListChanges(${CH_ARGS}) {
      list: listChanges(${CH_CALL}, first: ${PAGE}) {
        from { publishedOn recordCount } to { publishedOn recordCount } added removed amended
        totalCount ${PAGES} edges { ${CH_NODE} } }
    }`,
    pages: `query PagesChanges(${CH_ARGS}) { list: listChanges(${CH_CALL}, first: ${EXPORT_PAGE}) { ${PAGES} } }`,
    exportQuery: `query ExportChanges(${CH_ARGS}) {
      list: listChanges(${CH_CALL}, first: ${EXPORT_PAGE}) {
        ${PAGES}
        from { dataset authority publishedOn checksum file recordCount } to { dataset authority publishedOn checksum file recordCount }
        edges { ${CH_NODE} } }
    }`,
    bundle: true,
    vars: (f) => ({
      authority: f.list || AUTHORITY_LISTS[0][0], from: f.from || null, to: f.to || null,
      program: f.program || null, referencePrefix: f.prefix || null, changes: f.change ? [f.change] : null,
    }),
    stem: (f) => [f.list, f.from, f.to, f.change, f.program, f.prefix],
    summary: (list, f) => h('p', { class: 'list-summary', dataset: { added: list.added, removed: list.removed, amended: list.amended } },
      `${AUTHORITY_LISTS.find(([v]) => v === f.list)?.[1] || f.list}, ${list.from.publishedOn} (${list.from.recordCount} listings) → ${list.to.publishedOn} (${list.to.recordCount}): `,
      h('span', { class: 'badge change change-ADDED' }, `${list.added} added`), ' ',
      h('span', { class: 'badge change change-REMOVED' }, `${list.removed} removed`), ' ',
      h('span', { class: 'badge change change-AMENDED' }, `${list.amended} amended`),
      // The totals count every kind of change, within the program and prefix asked.
      f.program || f.prefix ? h('span', { class: 'muted' }, ` (${[f.program ? `program ${f.program}` : '', f.prefix ? `references ${f.prefix}…` : ''].filter(Boolean).join(', ')})`) : null),
    columns: [
      { label: 'Change', change: (r) => r.node.change },
      // The reference opens the listing (the Sanction), the name the party it designates.
      { label: 'Reference', listing: (r) => ({ id: r.node.sanctionId, name: r.node.reference }) },
      { label: 'Name', listed: (r) => ({ id: r.node.sanctionId, name: r.node.name }) },
      { label: 'Programs', text: (r) => r.node.programs.join(', ') },
      { label: 'Changed fields', fields: (r) => r.node.fields },
    ],
  },
};

function editionOptions(ctx) {
  return (ctx.editions || []).map((e) => [e.publishedOn, `${e.publishedOn} · ${e.recordCount} listings${e.reconstructed ? ' (reconstructed)' : ''}`]);
}

/**
 * excerpts shows a field's change: short values whole, long ones as the
 * part that differs (marked) with a little of the text around it, the
 * whole value in the title.
 */
export function excerpts(before, after, { max = 90, around = 30 } = {}) {
  const none = () => h('span', { class: 'muted' }, '(none)');
  if (before === null || before === undefined || before === '' || after === null || after === undefined || after === '' ||
      (before.length <= max && after.length <= max)) {
    return [before ? h('span', { class: 'value' }, before) : none(), after ? h('span', { class: 'value' }, after) : none()];
  }
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  const show = (v) => {
    // A little text either side of the difference, cut at spaces where there are any.
    let start = Math.max(0, p - around);
    let end = Math.min(v.length, v.length - s + around);
    if (start > 0) { const sp = v.indexOf(' ', start); if (sp >= 0 && sp < p) start = sp + 1; }
    if (end < v.length) { const sp = v.lastIndexOf(' ', end); if (sp > v.length - s) end = sp; }
    return h('span', { class: 'value', title: v },
      start > 0 ? '…' : '', v.slice(start, p), h('mark', {}, v.slice(p, v.length - s)), v.slice(v.length - s, end), end < v.length ? '…' : '');
  };
  return [show(before), show(after)];
}

// ---------------------------------------------------------------- files

/** parseCSV reads RFC 4180 CSV (as Go's encoding/csv writes it) into rows of cells. */
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const end = () => { row.push(cell); cell = ''; };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') { quoted = true; i++; continue; }
    if (c === ',') { end(); i++; continue; }
    if (c === '\r' || c === '\n') {
      end();
      rows.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    cell += c;
    i++;
  }
  if (cell !== '' || row.length) { end(); rows.push(row); }
  return rows;
}

/** csvCell quotes a cell as Go's encoding/csv does. */
function csvCell(v) {
  return v !== '' && (v === '\\.' || /[",\r\n]/.test(v) || /^\s/.test(v)) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * mergeCSV joins the CSV files of several pages of one query into the file
 * one answer would have been: the union of their columns, ordered as the
 * API orders them (id first, then by name), every row under its columns.
 */
export function mergeCSV(texts) {
  if (texts.length === 1) return texts[0];
  const tables = texts.map(parseCSV).filter((t) => t.length && t[0].some((c) => c !== ''));
  const cols = [...new Set(tables.flatMap((t) => t[0]))].sort((a, b) => {
    if ((a === 'id') !== (b === 'id')) return a === 'id' ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const lines = [cols.map(csvCell).join(',')];
  for (const [head, ...rows] of tables) {
    const at = cols.map((c) => head.indexOf(c));
    for (const r of rows) lines.push(at.map((j) => csvCell(j < 0 ? '' : r[j] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * mergeBundle joins the bundles of several pages of one query: the first
 * page's bundle with every page's edges in data.list.edges, the citations
 * and sources of all pages (each once, in order), and the pages' variables.
 */
export function mergeBundle(texts, variables) {
  const docs = texts.map((t) => JSON.parse(t));
  if (docs.length === 1) return texts[0];
  const out = docs[0];
  const citations = new Set();
  const sources = new Map();
  for (const d of docs) {
    for (const c of d.citations || []) citations.add(c);
    for (const s of d.sources || []) if (!sources.has(s.id)) sources.set(s.id, s);
  }
  out.data.list.edges = docs.flatMap((d) => d.data?.list?.edges || []);
  delete out.data.list.pageInfo; // the first page's: the file holds them all
  out.citations = [...citations];
  out.sources = [...sources.values()];
  out.pages = docs.map((d) => ({ generatedAt: d.generatedAt, variables: d.variables }));
  out.variables = variables;
  out.merged = `The answers of ${docs.length} pages of the query (${EXPORT_PAGE} items each), joined by the explorer: data.list.edges holds every page's edges in order.`;
  return `${JSON.stringify(out, null, 2)}\n`;
}

const FORMATS = {
  csv: { label: 'CSV', ext: 'csv', type: 'text/csv;charset=utf-8', merge: (t) => mergeCSV(t) },
  ndjson: { label: 'NDJSON', ext: 'ndjson', type: 'application/x-ndjson', merge: (t) => t.join('') },
  bundle: { label: 'Bundle', ext: 'json', type: 'application/json', merge: (t, vars) => mergeBundle(t, vars) },
};

const TITLES = {
  csv: 'Download the whole list (every page, through the API’s /export) as CSV',
  ndjson: 'Download the whole list (every page, through the API’s /export) as NDJSON: one JSON object per line',
  bundle: 'Download a citable bundle of the whole list: the query, the list editions loaded, every citation and source, and the answer',
};

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
});

/** patient retries a request the API's rate limit refused (429), waiting longer each time. */
async function patient(fn, signal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof APIError) || err.status !== 429 || attempt >= 6) throw err;
      await sleep(1000 * attempt, signal);
    }
  }
}

// ---------------------------------------------------------------- view

/** Lists renders one list at a time into a container. */
export class Lists {
  /**
   * onEntity(entity) and onFact({group, id, rel, from, to}) open a fact's
   * details; onRoute(transfer) its route; onOpen(key) follows the list shown.
   */
  constructor({ root, onEntity, onFact, onRoute, onOpen }) {
    this.root = root;
    this.onEntity = onEntity;
    this.onFact = onFact;
    this.onRoute = onRoute;
    this.onOpen = onOpen;
    this.available = ['entities', 'timeline'];
    this.key = 'entities';
    this.filters = {};
    this.context = {};
    this.rows = [];
    this.page = null;
    this.pickers = {};
    this.seq = 0;
    this.exporting = null;
    this.exported = null; // the last download: {format, name, rows, pages, truncated}
    this.state = 'empty'; // loading, ready (rows shown), note (nothing to list) or error
  }

  /** setState records where the list is, on the object and as the root's aria-busy. */
  setState(state) {
    this.state = state;
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  /** setFields keeps the lists whose root field the schema has. */
  setFields(fields) {
    this.available = Object.keys(LISTS).filter((k) => fields.has(LISTS[k].field));
  }

  async open(key, filters = {}) {
    this.key = this.available.includes(key) ? key : this.available[0];
    const def = LISTS[this.key];
    const seq = ++this.seq;
    this.exporting?.abort();
    this.filters = { ...filters };
    this.context = {};
    this.rows = [];
    this.page = null;
    this.answer = null;
    this.setState('loading');
    this.onOpen?.(this.key);
    if (def.prepare) {
      const status = this.root.querySelector('.list-status');
      if (status) replace(status, 'Loading…');
      else replace(this.root, h('p', { class: 'list-status', role: 'status' }, 'Loading…'));
      try {
        const p = await def.prepare(this.filters);
        if (seq !== this.seq) return;
        this.filters = p.filters;
        this.context = p.context || {};
        if (p.note) {
          this.renderFrame();
          replace(this.root.querySelector('.list-status'), h('span', { class: 'warn' }, p.note));
          this.setState('note');
          return;
        }
      } catch (err) {
        if (seq !== this.seq) return;
        this.renderFrame();
        replace(this.root.querySelector('.list-status'), h('span', { class: 'warn' }, `The list could not be loaded: ${err.message}`));
        this.setState('error');
        return;
      }
    }
    this.renderFrame();
    await this.more();
  }

  async more() {
    const def = LISTS[this.key];
    const seq = this.seq;
    const status = this.root.querySelector('.list-status');
    replace(status, 'Loading…');
    this.setState('loading');
    try {
      const data = await gql(def.query, { ...def.vars(this.filters), after: this.page?.endCursor || null });
      if (seq !== this.seq) return;
      this.rows.push(...data.list.edges);
      this.page = { ...data.list.pageInfo, total: data.list.totalCount };
      this.answer = data.list;
      this.renderRows();
      this.setState('ready');
    } catch (err) {
      if (seq !== this.seq) return;
      replace(status, h('span', { class: 'warn' }, `The list could not be loaded: ${err.message}`));
      this.setState('error');
    }
  }

  renderFrame() {
    const def = LISTS[this.key];
    this.pickers = {};
    const apply = async (e) => {
      e.preventDefault();
      const f = await this.readFilters();
      if (f) this.open(this.key, f);
    };
    const controls = h('form', { class: 'list-controls', onsubmit: apply },
      h('div', { class: 'field' }, h('label', { for: 'list-kind' }, 'List'),
        h('select', { id: 'list-kind', onchange: (e) => this.open(e.target.value, {}) },
          this.available.map((k) => h('option', { value: k, selected: k === this.key }, LISTS[k].label)))),
      def.filters.map((f) => this.filterField(f)),
      h('button', { type: 'submit' }, 'Apply'),
      h('div', { class: 'list-downloads', role: 'group', 'aria-label': 'Download the whole list' },
        h('span', { class: 'muted small' }, 'Download all:'),
        ['csv', 'ndjson', ...(def.bundle ? ['bundle'] : [])].map((fmt) => h('button', {
          type: 'button', class: 'list-export', dataset: { format: fmt }, title: TITLES[fmt], onclick: () => this.exportAll(fmt),
        }, FORMATS[fmt].label)),
        h('button', { type: 'button', class: 'list-export-cancel', hidden: true, onclick: () => this.exporting?.abort() }, 'Cancel')));
    replace(this.root, controls,
      h('p', { class: 'list-export-status', role: 'status' }),
      h('div', { class: 'list-summary-box' }),
      h('p', { class: 'list-status', role: 'status' }),
      h('div', { class: 'list-scroll' }, h('table', { class: `list-table list-${this.key}` },
        h('caption', { class: 'sr-only' }, def.label),
        h('thead', {}, h('tr', {}, def.columns.map((c) => h('th', { scope: 'col' }, c.label)))),
        h('tbody', {}))),
      h('p', {}, h('button', { type: 'button', class: 'list-more', hidden: true, onclick: () => this.more() }, 'Load more')));
    for (const [name, p] of Object.entries(this.pickers)) p.set(this.filters[name] || null);
  }

  filterField(f) {
    const id = `list-f-${f.name}`;
    const value = this.filters[f.name] || '';
    if (f.type === 'entity') {
      const box = h('div', { class: 'picker list-picker' },
        h('label', { for: id }, f.label),
        h('input', {
          id, type: 'text', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
          'aria-controls': `${id}-listbox`, placeholder: 'any (search a name)', spellcheck: 'false', autocomplete: 'off',
        }),
        h('ul', { id: `${id}-listbox`, role: 'listbox', 'aria-label': `Suggestions for ${f.label}`, hidden: true }));
      this.pickers[f.name] = new Picker(box, {});
      return box;
    }
    if (f.options) {
      const options = typeof f.options === 'function' ? f.options(this.context) : f.options;
      return h('div', { class: 'field' }, h('label', { for: id }, f.label),
        h('select', {
          id, name: f.name,
          onchange: f.resets ? async () => {
            const v = await this.readFilters();
            if (v) this.open(this.key, { ...v, ...Object.fromEntries(f.resets.map((n) => [n, ''])) });
          } : null,
        }, options.map(([v, l]) => h('option', { value: v, selected: value === v }, l))));
    }
    return h('div', { class: 'field' }, h('label', { for: id }, f.label),
      h('input', { id, name: f.name, type: f.type || 'text', value, placeholder: f.placeholder }));
  }

  /**
   * readFilters reads the form. An entity typed but not picked is looked up
   * (the best match, as the suggestions would show it first); null when
   * nothing matches, with the reason in the status line.
   */
  async readFilters() {
    const out = {};
    for (const f of LISTS[this.key].filters) {
      if (f.type === 'entity') {
        const p = this.pickers[f.name];
        if (p?.value?.id) out[f.name] = { id: p.value.id, name: p.value.name || p.value.id };
        else if (p?.arg()) {
          const text = p.arg();
          let hit;
          try {
            hit = (await gql(SEARCH, { q: text, first: 1 })).search.edges[0]?.node;
          } catch (err) {
            replace(this.root.querySelector('.list-status'), h('span', { class: 'warn' }, `${f.label}: ${err.message}`));
            return null;
          }
          if (!hit) {
            replace(this.root.querySelector('.list-status'), h('span', { class: 'warn' }, `${f.label}: nothing is named “${text}”.`));
            return null;
          }
          out[f.name] = { id: hit.id, name: hit.name };
        }
        continue;
      }
      const v = this.root.querySelector(`#list-f-${f.name}`)?.value || '';
      if (v) out[f.name] = v;
    }
    return out;
  }

  cell(c, r) {
    if (c.entity) {
      const e = c.entity(r);
      return h('button', { type: 'button', class: 'link', onclick: () => this.onEntity?.(e) }, e.name || e.id);
    }
    if (c.fact) {
      const rel = c.fact(r);
      // Without its evidence: the details panel reads the whole relationship.
      const brief = { id: rel.id, type: rel.type, status: rel.status, validFrom: rel.validFrom, validUntil: rel.validUntil, dataset: rel.dataset, from: rel.from, to: rel.to };
      return h('button', {
        type: 'button', class: 'link fact', dataset: { id: rel.id }, title: 'Open the relationship’s evidence',
        onclick: () => this.onFact?.({ group: 'edges', id: rel.id, rel: brief, from: rel.from, to: rel.to }),
      }, c.text(r));
    }
    if (c.listing) {
      const l = c.listing(r);
      return h('button', { type: 'button', class: 'link listing', title: 'Open the listing', onclick: () => this.onEntity?.({ id: l.id, kind: 'SANCTION' }) },
        h('code', {}, l.name));
    }
    if (c.listed) {
      const l = c.listed(r);
      return h('button', { type: 'button', class: 'link', title: 'Open the listed party', onclick: () => this.openListed(l) }, l.name);
    }
    if (c.status) { const s = c.status(r); return h('span', { class: `badge status status-${s}` }, prettyStatus(s)); }
    if (c.change) { const k = c.change(r); return h('span', { class: `badge change change-${k}` }, k.toLowerCase()); }
    if (c.code) return h('code', { class: 'id' }, c.code(r));
    if (c.fields) {
      const fields = c.fields(r);
      if (!fields.length) return '';
      return h('ul', { class: 'field-changes' }, fields.map((d) => {
        const [before, after] = excerpts(d.before, d.after);
        return h('li', {}, h('code', {}, d.field),
          h('div', { class: 'was' }, h('span', { class: 'muted' }, 'was '), before),
          h('div', { class: 'now' }, h('span', { class: 'muted' }, 'now '), after));
      }));
    }
    const text = c.text(r);
    const t = c.route?.(r);
    return t ? h('button', { type: 'button', class: 'link', onclick: () => this.onRoute?.(t) }, `${text} — map`) : text;
  }

  /** openListed opens the party a listing designates (the listing itself when none is recorded). */
  async openListed(listing) {
    let party = null;
    try {
      party = (await gql(LISTED, { id: listing.id })).neighbours.edges[0]?.node || null;
    } catch { /* the listing itself, below */ }
    this.onEntity?.(party || { id: listing.id, kind: 'SANCTION' });
  }

  renderRows() {
    const def = LISTS[this.key];
    replace(this.root.querySelector('tbody'), this.rows.map((r) => h('tr', {}, def.columns.map((c) => h('td', { class: c.nowrap ? 'nowrap' : null }, this.cell(c, r))))));
    replace(this.root.querySelector('.list-status'), `${this.rows.length} of ${this.page.total} shown`);
    replace(this.root.querySelector('.list-summary-box'), def.summary && this.answer ? def.summary(this.answer, this.filters) : null);
    this.root.querySelector('.list-more').hidden = !this.page.hasNextPage;
  }

  fileName(fmt) {
    const def = LISTS[this.key];
    const part = (v) => String(v).replace(/[^A-Za-z0-9_.-]+/g, '-');
    return `${['sanctiongraph', this.key, ...(def.stem?.(this.filters) || []).filter(Boolean).map(part)].join('_')}.${FORMATS[fmt].ext}`;
  }

  /**
   * exportAll downloads the whole list with the current filters through the
   * API's /export: one request per page of 100 (the API's largest), the
   * next cursor from the export's Sanctiongraph-Page-Info header (a query
   * of the same list's cursors only if it is missing), the pages joined into one
   * file (merge* above), up to MAX_EXPORT_ROWS rows. A request the rate
   * limit refuses is tried again a little later.
   */
  async exportAll(fmt) {
    if (this.exporting) return;
    const def = LISTS[this.key];
    const key = this.key;
    const vars = def.vars(this.filters);
    const name = this.fileName(fmt);
    const ctrl = new AbortController();
    this.exporting = ctrl;
    const status = this.root.querySelector('.list-export-status');
    const buttons = [...this.root.querySelectorAll('.list-export')];
    const cancel = this.root.querySelector('.list-export-cancel');
    for (const b of buttons) b.disabled = true;
    cancel.hidden = false;
    const total = this.page?.total;
    const parts = [];
    let after = null;
    let truncated = false;
    let cursorQueries = 0;
    try {
      for (;;) {
        const n = parts.length + 1;
        replace(status, `Downloading ${FORMATS[fmt].label}: page ${n}${total !== undefined ? ` of ${Math.max(1, Math.ceil(Math.min(total, MAX_EXPORT_ROWS) / EXPORT_PAGE))}` : ''}…`);
        const v = { ...vars, after };
        const meta = {};
        const blob = await patient(() => exportAnswer(fmt, def.exportQuery, v, 'list.edges', { signal: ctrl.signal, meta }), ctrl.signal);
        parts.push(await blob.text());
        let info = meta.pageInfo;
        if (!info) {
          cursorQueries++;
          info = (await patient(() => gql(def.pages, v, { signal: ctrl.signal }), ctrl.signal)).list.pageInfo;
        }
        if (!info.hasNextPage) break;
        if (parts.length * EXPORT_PAGE >= MAX_EXPORT_ROWS) { truncated = true; break; }
        after = info.endCursor;
      }
      const text = FORMATS[fmt].merge(parts, vars);
      download(new Blob([text], { type: FORMATS[fmt].type }), name);
      const rows = fmt === 'csv' ? Math.max(0, parseCSV(text).length - 1) : fmt === 'ndjson' ? text.split('\n').filter(Boolean).length : JSON.parse(text).data.list.edges.length;
      this.exported = { list: key, format: fmt, name, rows, pages: parts.length, truncated, cursorQueries };
      replace(status, `Saved ${name}: ${rows} row${rows === 1 ? '' : 's'} from ${parts.length} request${parts.length === 1 ? '' : 's'} to /export.`,
        truncated ? h('span', { class: 'warn' }, ` Only the first ${MAX_EXPORT_ROWS} rows: the API pages no deeper; narrow the filters.`) : null);
    } catch (err) {
      if (err.name === 'AbortError') replace(status, 'Download cancelled.');
      else replace(status, h('span', { class: 'warn' }, `The download failed: ${err.message}`));
    } finally {
      if (this.exporting === ctrl) this.exporting = null;
      for (const b of buttons) b.disabled = false;
      cancel.hidden = true;
    }
  }
}
