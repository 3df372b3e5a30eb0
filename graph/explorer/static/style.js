// How the graph looks: a colour and a shape per kind (shape too, so the
// kinds stay apart without colour), a colour and a line style per status.

import { h, svg } from './dom.js';

export const KINDS = {
  STATE: { color: '#4e79a7', shape: 'round-rectangle' },
  PERSON: { color: '#f28e2b', shape: 'ellipse' },
  ORGANIZATION: { color: '#59a14f', shape: 'hexagon' },
  PRODUCT: { color: '#e15759', shape: 'diamond' },
  TRANSFER: { color: '#b07aa1', shape: 'triangle' },
  RESOLUTION: { color: '#9c755f', shape: 'rectangle' },
  MEASURE: { color: '#76b7b2', shape: 'octagon' },
  EVENT: { color: '#edc948', shape: 'star' },
  SOURCE: { color: '#bab0ac', shape: 'barrel' },
  SANCTION: { color: '#ff9da7', shape: 'vee' },
};
const UNKNOWN_KIND = { color: '#999999', shape: 'ellipse' };

// FONT covers Latin, Cyrillic and Hangul: the system UI font, then Noto
// (Debian's fonts-noto-core and fonts-noto-cjk), then the platforms' Korean
// fonts, so names like 김정은 and Ким Чен Ын never render as boxes.
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", '
  + '"Apple SD Gothic Neo", "Malgun Gothic", "DejaVu Sans", sans-serif';

export function kindStyle(kind) { return KINDS[kind] || UNKNOWN_KIND; }

export const STATUSES = {
  CONFIRMED: { color: '#2f6b3f', line: 'solid', label: 'confirmed' },
  REPORTED: { color: '#3d6497', line: 'solid', label: 'reported' },
  ALLEGED: { color: '#b85f00', line: 'dashed', label: 'alleged' },
  DISPUTED: { color: '#b3261e', line: 'dotted', label: 'disputed' },
};

export function prettyKind(kind) { return kind ? kind.toLowerCase() : ''; }
export function prettyType(type) { return type ? type.toLowerCase().replaceAll('_', ' ') : ''; }
export function prettyStatus(s) { return STATUSES[s]?.label || (s ? s.toLowerCase() : ''); }

/** statusBadge is a small label with the status's colour and a text name. */
export function statusBadge(status) {
  if (!status) return null;
  return h('span', { class: `badge status status-${status}` }, prettyStatus(status));
}

export function kindBadge(kind) {
  const ks = kindStyle(kind);
  return h('span', { class: 'badge kind' }, h('span', { class: 'kind-dot', style: { background: ks.color }, 'aria-hidden': 'true' }), prettyKind(kind));
}

export const cyStyle = [
  {
    selector: 'node',
    style: {
      'background-color': (n) => kindStyle(n.data('kind')).color,
      shape: (n) => kindStyle(n.data('kind')).shape,
      label: 'data(label)',
      width: 30, height: 30,
      'border-width': 1.5, 'border-color': '#ffffff',
      color: '#1b2230', 'font-size': 11, 'font-family': FONT,
      'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 5,
      'text-wrap': 'wrap', 'text-max-width': 130,
      'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 2,
      'text-background-shape': 'round-rectangle',
    },
  },
  { selector: 'node.end', style: { width: 42, height: 42, 'border-width': 3, 'border-color': '#1b2230', 'font-size': 13, 'font-weight': 'bold' } },
  { selector: 'node.via', style: { width: 36, height: 36, 'border-width': 3, 'border-color': '#1b2230', 'border-style': 'double', 'font-weight': 'bold' } },
  { selector: 'node.neighbour', style: { width: 22, height: 22, 'font-size': 10, 'text-max-width': 110, color: '#3b4456' } },
  { selector: 'node.expanded', style: { 'border-color': '#1b2230', 'border-style': 'dashed', 'border-width': 2 } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'curve-style': 'bezier',
      'line-color': (e) => STATUSES[e.data('status')]?.color || '#777',
      'target-arrow-color': (e) => STATUSES[e.data('status')]?.color || '#777',
      'target-arrow-shape': 'triangle', 'arrow-scale': 1.1,
      'line-style': (e) => STATUSES[e.data('status')]?.line === 'dashed' ? 'dashed' : STATUSES[e.data('status')]?.line === 'dotted' ? 'dotted' : 'solid',
      label: 'data(label)',
      'font-size': 9, 'font-family': FONT, color: '#3b4456',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff', 'text-background-opacity': 0.9, 'text-background-padding': 1,
      opacity: 0.75,
    },
  },
  { selector: 'edge[status = "ALLEGED"]', style: { 'line-dash-pattern': [7, 4] } },
  { selector: 'edge[status = "DISPUTED"]', style: { 'line-dash-pattern': [2, 3] } },
  { selector: 'edge.path', style: { width: 3, opacity: 1, 'font-size': 10, color: '#1b2230', 'font-weight': 'bold' } },
  { selector: 'node:selected', style: { 'overlay-color': '#ffb000', 'overlay-opacity': 0.35, 'overlay-padding': 7 } },
  { selector: 'edge:selected', style: { 'overlay-color': '#ffb000', 'overlay-opacity': 0.35, 'overlay-padding': 5, opacity: 1 } },
  { selector: '.faded', style: { opacity: 0.25 } },
];

// Legend shapes drawn as SVG (16×16), close to Cytoscape's.
function shapeSVG(shape, color) {
  const s = svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false' });
  const fill = { fill: color, stroke: '#1b2230', 'stroke-width': 0.6 };
  const poly = (pts) => svg('polygon', { points: pts, ...fill });
  let el;
  switch (shape) {
    case 'ellipse': el = svg('circle', { cx: 8, cy: 8, r: 7, ...fill }); break;
    case 'round-rectangle': case 'barrel': el = svg('rect', { x: 1, y: 2, width: 14, height: 12, rx: 4, ...fill }); break;
    case 'rectangle': el = svg('rect', { x: 1.5, y: 2.5, width: 13, height: 11, ...fill }); break;
    case 'hexagon': el = poly('4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8'); break;
    case 'diamond': el = poly('8,0.5 15.5,8 8,15.5 0.5,8'); break;
    case 'triangle': el = poly('8,1 15.5,15 0.5,15'); break;
    case 'octagon': el = poly('5,1 11,1 15,5 15,11 11,15 5,15 1,11 1,5'); break;
    case 'star': el = poly('8,0.5 10,6 15.5,6 11,9.5 12.8,15.3 8,11.8 3.2,15.3 5,9.5 0.5,6 6,6'); break;
    case 'vee': el = poly('0.5,1 8,6 15.5,1 8,15'); break;
    default: el = svg('circle', { cx: 8, cy: 8, r: 7, ...fill });
  }
  s.appendChild(el);
  return s;
}

function lineSVG(st) {
  const dash = st.line === 'dashed' ? '6 3' : st.line === 'dotted' ? '2 2.5' : '';
  const s = svg('svg', { width: 34, height: 10, viewBox: '0 0 34 10', 'aria-hidden': 'true', focusable: 'false' });
  const line = svg('line', { x1: 1, y1: 5, x2: 27, y2: 5, stroke: st.color, 'stroke-width': 2.5 });
  if (dash) line.setAttribute('stroke-dasharray', dash);
  s.appendChild(line);
  s.appendChild(svg('polygon', { points: '26,1 33,5 26,9', fill: st.color }));
  return s;
}

/** renderLegend fills the legend: the kinds present (all when none), then the statuses. */
export function renderLegend(kindsEl, statusEl, presentKinds) {
  const kinds = presentKinds && presentKinds.size ? Object.keys(KINDS).filter((k) => presentKinds.has(k)) : Object.keys(KINDS);
  for (const k of presentKinds || []) if (!KINDS[k]) kinds.push(k);
  kindsEl.replaceChildren(...kinds.map((k) => h('span', { class: 'legend-item' }, shapeSVG(kindStyle(k).shape, kindStyle(k).color), prettyKind(k))));
  statusEl.replaceChildren(...Object.entries(STATUSES).map(([, st]) => h('span', { class: 'legend-item' }, lineSVG(st), st.label)));
}
