// The explorer's only way to the data: the public GraphQL API.

const endpoint = new URL('../graphql', document.baseURI).href;

/** APIError carries the GraphQL errors of a response (code, message, candidates…). */
export class APIError extends Error {
  constructor(errors, status) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'APIError';
    this.errors = errors;
    this.status = status;
  }
}

/**
 * gql posts one operation and returns its data. Any GraphQL error rejects
 * (with partial, only when there is no data at all)
 * with an APIError listing every error with its extensions (code, candidates);
 * network failures and non-JSON answers become an APIError with code NETWORK
 * or HTTP_<status>.
 */
export async function gql(query, variables = {}, { signal, partial = false } = {}) {
  let resp;
  try {
    resp = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError([{ message: `could not reach the API at ${endpoint}: ${err.message}`, extensions: { code: 'NETWORK' } }]);
  }
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new APIError([{ message: `the API answered ${resp.status} ${resp.statusText} without JSON`, extensions: { code: `HTTP_${resp.status}` } }], resp.status);
  }
  if (body.errors && body.errors.length && !(partial && body.data)) throw new APIError(body.errors, resp.status);
  if (!resp.ok) throw new APIError([{ message: `the API answered ${resp.status} ${resp.statusText}`, extensions: { code: `HTTP_${resp.status}` } }], resp.status);
  return body.data;
}

// Fragments shared by the queries. Evidence carries its source's publisher,
// url and publication date, which the evidence panel shows.
export const EVIDENCE = `
fragment Ev on Evidence {
  id status basis quote claim property value statedOn
  source { id name properties(names: ["publisher", "url", "publishedOn", "sourceKind", "language"]) { name values } }
}`;

export const ENTITY_BRIEF = `
fragment EntityBrief on Entity { id kind name status }`;

export const RELATIONSHIP = `
fragment Rel on Relationship {
  id type status validFrom validUntil dataset
  from { id } to { id }
  properties { name type values }
  evidence { ...Ev }
  retraction { at by reason }
}`;

export const SEARCH = `
query Search($q: String!, $first: Int) {
  search(query: $q, first: $first) {
    totalCount
    edges { matchedName score node { id kind name aliases } }
  }
}`;

/**
 * exportAnswer runs a query through the API's /export (format csv, ndjson or
 * bundle; rows a dotted path to the list whose items become rows) and
 * returns the file as a Blob. It is sent as gql sends its requests (same
 * origin, JSON body); errors reject with an APIError, as gql's do (status
 * 429 when the API's rate limit refused it), and signal aborts it. When the
 * rows are one connection's edges and the query selects its pageInfo, the
 * export sends that pageInfo in a header: meta.pageInfo receives it.
 */
export async function exportAnswer(format, query, variables = {}, rows = '', { signal, meta } = {}) {
  const url = new URL('../export', document.baseURI);
  url.searchParams.set('format', format);
  if (rows) url.searchParams.set('rows', rows);
  let resp;
  try {
    resp = await fetch(url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError([{ message: `could not reach the API at ${url.href}: ${err.message}`, extensions: { code: 'NETWORK' } }]);
  }
  const type = resp.headers.get('content-type') || '';
  if ((type.startsWith('application/json') && format !== 'bundle') || !resp.ok) {
    let body = null;
    try { body = await resp.json(); } catch { /* not JSON */ }
    const errors = body && body.errors && body.errors.length ? body.errors
      : [{ message: `the export answered ${resp.status} ${resp.statusText}`, extensions: { code: `HTTP_${resp.status}` } }];
    throw new APIError(errors, resp.status);
  }
  const pageInfo = resp.headers.get('sanctiongraph-page-info');
  if (meta && pageInfo) {
    try { meta.pageInfo = JSON.parse(pageInfo); } catch { /* asked again by the caller */ }
  }
  const blob = await resp.blob();
  if (format === 'bundle') {
    // A GraphQL error comes back as JSON too: look before saving it.
    const body = JSON.parse(await blob.text());
    if (body.errors && body.errors.length) throw new APIError(body.errors, resp.status);
  }
  return blob;
}

/** PATH_CITATIONS is the paths answer a writer exports: each hop's sentence and citations. */
export const PATH_CITATIONS = `
query PathCitations($from: String!, $to: String!, $via: [String!], $maxHops: Int, $mode: PathMode, $k: Int, $minStatus: Status, $at: Date) {
  paths(from: $from, to: $to, via: $via, maxHops: $maxHops, mode: $mode, k: $k, minStatus: $minStatus, at: $at) {
    explanation
    paths {
      length weakestStatus heldFrom heldUntil
      hops { sentence status relationship { id type status validFrom validUntil firstReported lastConfirmed citations } }
    }
  }
}`;

export const PATHS = `
query Paths($from: String!, $to: String!, $via: [String!], $maxHops: Int, $mode: PathMode, $k: Int, $minStatus: Status, $at: Date) {
  paths(from: $from, to: $to, via: $via, maxHops: $maxHops, mode: $mode, k: $k, minStatus: $minStatus, at: $at) {
    from { ...EntityBrief }
    to { ...EntityBrief }
    via { ...EntityBrief }
    cut
    shortestBeyond
    explanation
    paths {
      length weakestStatus heldFrom heldUntil
      nodes { ...EntityBrief }
      hops {
        direction sentence status
        from { id } to { id }
        relationship { ...Rel }
      }
    }
  }
}
${ENTITY_BRIEF}${RELATIONSHIP}${EVIDENCE}`;

export const ENTITY = `
query Entity($id: ID!) {
  entity(id: $id) {
    id kind name aliases description status validFrom validUntil dataset recordId
    properties { name type values }
    evidence { ...Ev }
    retraction { at by reason }
  }
}
${EVIDENCE}`;

export const NEIGHBOURS = `
query Neighbours($id: ID!, $first: Int, $after: String, $filter: NeighbourFilter) {
  neighbours(id: $id, first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { direction node { ...EntityBrief } relationship { ...Rel } }
  }
}
${ENTITY_BRIEF}${RELATIONSHIP}${EVIDENCE}`;

export const RELATIONSHIP_BY_ID = `
query Relationship($id: ID!) {
  relationship(id: $id) { ...Rel from { ...EntityBrief } to { ...EntityBrief } }
}
${ENTITY_BRIEF}${RELATIONSHIP}${EVIDENCE}`;

// The change log of one fact, newest first, with the fact's retraction read
// afresh (the cached fact may predate it). A retracted fact stays readable by
// id, so entity(id) and relationship(id) still answer.
const HISTORY_PAGE = `
  history(id: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id at actor role action target targetId reason diff { field before after } } }
  }`;

export const ENTITY_HISTORY = `
query EntityHistory($id: ID!, $first: Int, $after: String) {
  fact: entity(id: $id) { id retraction { at by reason } }${HISTORY_PAGE}
}`;

export const RELATIONSHIP_HISTORY = `
query RelationshipHistory($id: ID!, $first: Int, $after: String) {
  fact: relationship(id: $id) { id retraction { at by reason } }${HISTORY_PAGE}
}`;

/** entityEvidence fetches the evidence of many entities at once (for the JSON export). */
export async function entitiesEvidence(ids) {
  if (!ids.length) return {};
  const parts = ids.map((id, i) => `e${i}: entity(id: ${JSON.stringify(id)}) { id aliases description evidence { ...Ev } }`);
  const data = await gql(`query EntitiesEvidence {\n${parts.join('\n')}\n}\n${EVIDENCE}`);
  const out = {};
  for (const v of Object.values(data)) if (v) out[v.id] = v;
  return out;
}

// Introspection of the Query type: which root fields exist (to show the
// violations tab only when the schema has potentialViolations).
const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';

export const QUERY_FIELDS = `
query QueryFields {
  __schema { queryType { name fields { name description args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } } } }
}`;

export const TYPE_FIELDS = `
query TypeFields($name: String!) {
  __type(name: $name) {
    name kind
    fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } }
    possibleTypes { name }
  }
}`;

/** unwrap strips NON_NULL and LIST wrappers: {name, kind, list}. */
export function unwrap(t) {
  let list = false;
  while (t && (t.kind === 'NON_NULL' || t.kind === 'LIST')) {
    if (t.kind === 'LIST') list = true;
    t = t.ofType;
  }
  return { name: t && t.name, kind: t && t.kind, list };
}
