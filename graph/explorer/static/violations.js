// The violations view. potentialViolations is being added to the API, so
// the explorer does not assume its shape: it asks the schema (introspection)
// whether the field exists and what a finding holds, builds its query from
// that, and collects the paths, hops, relationships and entities of a
// finding to draw its chain of evidence.

import { gql, unwrap, TYPE_FIELDS, ENTITY_BRIEF, RELATIONSHIP, EVIDENCE } from './api.js';

export const FIELD = 'potentialViolations';

// Selections for the types the explorer already knows how to draw.
export const KNOWN = {
  Entity: '{ ...EntityBrief }',
  Relationship: '{ ...Rel }',
  Evidence: '{ ...Ev }',
  Hop: '{ direction sentence status from { ...EntityBrief } to { ...EntityBrief } relationship { ...Rel } }',
  Path: '{ length weakestStatus heldFrom heldUntil nodes { ...EntityBrief } hops { direction sentence status from { ...EntityBrief } to { ...EntityBrief } relationship { ...Rel } } }',
  PageInfo: '{ hasNextPage endCursor }',
  Node: '{ id ... on Entity { ...EntityBrief } ... on Relationship { ...Rel } }',
  Property: '{ name type values }',
};

// Field names taken as a finding's title, in order of preference.
export const TITLE_FIELDS = ['title', 'summary', 'headline', 'name', 'description', 'explanation', 'sentence', 'claim', 'reason'];

/**
 * detect returns the potentialViolations field of the Query type (from an
 * introspection result), or null when the schema does not have it.
 */
export function detect(queryFields) {
  return (queryFields || []).find((f) => f.name === FIELD) || null;
}

/**
 * buildQuery builds the potentialViolations query from the schema. typeOf
 * (name → __type) defaults to asking the API; tests pass their own.
 * first is 40: a page of findings with every field costs about 470 per
 * finding under the endpoint's cost model, so 40 stay under its limit of 20,000.
 */
export async function buildQuery(field, { first = 40, typeOf } = {}) {
  const cache = new Map();
  const ask = typeOf || (async (name) => (await gql(TYPE_FIELDS, { name })).__type);
  typeOf = async (name) => {
    if (!cache.has(name)) cache.set(name, await ask(name));
    return cache.get(name);
  };
  const required = field.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue == null && a.name !== 'first');
  if (required.length) {
    throw new Error(`${FIELD} needs arguments the explorer cannot choose: ${required.map((a) => a.name).join(', ')}`);
  }
  const args = field.args.some((a) => a.name === 'first') ? `(first: ${first})` : '';
  const ret = unwrap(field.type);
  const sel = await selection(ret, 0, typeOf);
  if (!sel) throw new Error(`${FIELD} returns ${ret.name}, which has no fields the explorer can show`);
  return `query PotentialViolations {\n  ${FIELD}${args} ${sel}\n}\n${ENTITY_BRIEF}${RELATIONSHIP}${EVIDENCE}`;
}

async function selection(t, depth, typeOf) {
  if (t.kind === 'SCALAR' || t.kind === 'ENUM') return '';
  if (KNOWN[t.name]) return KNOWN[t.name];
  if (depth > 3) return null;
  const type = await typeOf(t.name);
  if (!type) return null;
  if (type.kind === 'UNION' || (type.kind === 'INTERFACE' && !type.fields)) {
    const parts = [];
    for (const p of type.possibleTypes || []) {
      const s = await selection({ name: p.name, kind: 'OBJECT' }, depth + 1, typeOf);
      if (s) parts.push(`... on ${p.name} ${s}`);
    }
    return parts.length ? `{ __typename ${parts.join(' ')} }` : null;
  }
  const fields = [];
  for (const f of type.fields || []) {
    if (f.args.some((a) => a.type.kind === 'NON_NULL' && a.defaultValue == null)) continue;
    const u = unwrap(f.type);
    if (u.kind === 'SCALAR' || u.kind === 'ENUM') { fields.push(f.name); continue; }
    const s = await selection(u, depth + 1, typeOf);
    if (s) fields.push(`${f.name} ${s}`);
  }
  return fields.length ? `{ ${fields.join(' ')} }` : null;
}

/** findings turns the field's value (a list or a connection) into a list of findings. */
export function findings(value) {
  if (!value) return [];
  if (Array.isArray(value)) return value;
  if (Array.isArray(value.edges)) return value.edges.map((e) => e.node ?? e);
  if (Array.isArray(value.nodes)) return value.nodes;
  for (const v of Object.values(value)) if (Array.isArray(v)) return v;
  return [value];
}

/**
 * about returns what a connection says besides its findings: numbers and
 * flags (totalCount, assessed, truncated …) and lists of sentences (rules).
 */
export function about(value) {
  const numbers = [];
  const texts = [];
  if (!value || Array.isArray(value)) return { numbers, texts };
  for (const [k, v] of Object.entries(value)) {
    if (k === 'edges' || k === 'nodes' || k === 'pageInfo' || k === '__typename') continue;
    if (typeof v === 'number' || typeof v === 'boolean') numbers.push([k, String(v)]);
    else if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) texts.push([k, v]);
    else if (Array.isArray(v)) numbers.push([k, String(v.length)]);
  }
  return { numbers, texts };
}

/** title picks a readable title for a finding: a title-like text, else the name (and date) of the entity it is about. */
export function title(f, i) {
  for (const k of TITLE_FIELDS) if (typeof f[k] === 'string' && f[k].trim()) return f[k];
  for (const v of Object.values(f)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && v.kind) return f.date ? `${v.name} (${f.date})` : v.name;
  }
  for (const k of TITLE_FIELDS) if (Array.isArray(f[k]) && typeof f[k][0] === 'string') return f[k][0];
  return f.id ? String(f.id) : `Finding ${i + 1}`;
}

/** sentences returns the finding's explanation as sentences, if it has one. */
export function sentences(f) {
  for (const k of ['explanation', 'sentences', 'summary', 'description']) {
    if (Array.isArray(f[k]) && f[k].every((x) => typeof x === 'string')) return f[k];
    if (typeof f[k] === 'string' && f[k].trim()) return [f[k]];
  }
  return [];
}

/** status is the finding's (weakest) status, if it has one. */
export function status(f) { return f.weakestStatus || f.status || null; }

/** key identifies a finding in the URL: its id, or the id of the entity it is about, else its position. */
export function key(f, i) {
  if (f.id) return String(f.id);
  for (const v of Object.values(f)) if (v && typeof v === 'object' && !Array.isArray(v) && v.kind && v.id) return `${v.id}`;
  return `#${i + 1}`;
}

/**
 * chain walks a finding and returns what to draw: entities by id,
 * relationships by id (with the hop sentences that mention them), and the
 * paths in order.
 */
export function chain(finding) {
  const entities = new Map();
  const relationships = new Map();
  const sentences = new Map();
  const roles = new Map(); // entity or relationship id → the roles it plays (Fact.role)
  const paths = [];
  const seen = new Set();
  const walk = (v) => {
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) { v.forEach(walk); return; }
    if (Array.isArray(v.hops) && Array.isArray(v.nodes)) paths.push(v);
    if (typeof v.role === 'string') {
      const id = v.relationship?.id || v.entity?.id;
      if (id) roles.set(id, [...new Set([...(roles.get(id) || []), v.role])]);
    }
    if (v.relationship && v.sentence && v.relationship.id) {
      const s = sentences.get(v.relationship.id) || [];
      if (!s.includes(v.sentence)) s.push(v.sentence);
      sentences.set(v.relationship.id, s);
    }
    if (typeof v.id === 'string' && v.type && v.from && v.to) relationships.set(v.id, v);
    else if (typeof v.id === 'string' && v.kind && v.name) entities.set(v.id, v);
    for (const c of Object.values(v)) walk(c);
  };
  walk(finding);
  return { entities, relationships, sentences, roles, paths };
}

/** facts lists a finding's scalar fields (besides its title) for display. */
export function facts(f, titleKey) {
  const out = [];
  for (const [k, v] of Object.entries(f)) {
    if (k === titleKey || k === '__typename' || v === null || v === undefined || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push([k, String(v)]);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) { if (v.length) out.push([k, v.join(', ')]); }
  }
  return out;
}
