// Country outlines for the route map: decodes the vendored Natural Earth
// 110m TopoJSON (world-atlas) into rings of [lon, lat], finds a state's
// outline by its ISO 3166-1 numeric code, and places named places from the
// gazetteer (places.json). No tile server, no network beyond this origin.

let loaded = null;

/** load fetches the outlines and the gazetteer once. */
export function load() {
  if (!loaded) {
    loaded = Promise.all([
      fetch(new URL('../vendor/world-atlas/countries-110m.json', import.meta.url)).then(ok).then((r) => r.json()),
      fetch(new URL('places.json', import.meta.url)).then(ok).then((r) => r.json()),
    ]).then(([topo, gaz]) => ({ countries: decode(topo), places: gazetteer(gaz.places) }))
      .catch((err) => { loaded = null; throw err; });
  }
  return loaded;
}

function ok(r) {
  if (!r.ok) throw new Error(`${r.url}: ${r.status}`);
  return r;
}

function decode(topo) {
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcs = topo.arcs.map((arc) => {
    let x = 0; let y = 0;
    return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
  });
  // A ring that crosses the antimeridian (Russia's Chukotka, Fiji) is
  // unwrapped: longitudes continue past ±180 instead of jumping across the map.
  const ring = (idx) => {
    const pts = [];
    for (const i of idx) {
      const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      pts.push(...(pts.length ? a.slice(1) : a));
    }
    for (let k = 1; k < pts.length; k++) {
      const d = pts[k][0] - pts[k - 1][0];
      if (d > 180) pts[k] = [pts[k][0] - 360, pts[k][1]];
      else if (d < -180) pts[k] = [pts[k][0] + 360, pts[k][1]];
    }
    return pts;
  };
  return topo.objects.countries.geometries.map((g) => {
    let polys = [];
    if (g.type === 'Polygon') polys = [g.arcs.map(ring)];
    else if (g.type === 'MultiPolygon') polys = g.arcs.map((p) => p.map(ring));
    return { id: g.id, name: g.properties?.name || '', polygons: polys };
  });
}

function gazetteer(places) {
  const m = new Map();
  for (const [name, at] of Object.entries(places || {})) m.set(name.toLowerCase(), at);
  return m;
}

/** placeAt finds a place by name: exact, then the part before a comma or parenthesis. */
export function placeAt(geo, name) {
  if (!name) return null;
  const n = name.trim().toLowerCase();
  if (geo.places.has(n)) return geo.places.get(n);
  const head = n.split(/[,(]/)[0].trim();
  return geo.places.get(head) || null;
}

/** country finds a country's outline by ISO numeric code ("643", "76" → "076"). */
export function country(geo, numericCode) {
  if (!numericCode) return null;
  const code = String(numericCode).padStart(3, '0');
  return geo.countries.find((c) => c.id === code) || null;
}

/** centroid is the area-weighted centroid of a country's largest polygon (its main land). */
export function centroid(c) {
  let best = null; let bestArea = 0;
  for (const poly of c.polygons) {
    const outer = poly[0];
    let a = 0; let cx = 0; let cy = 0;
    for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
      const f = outer[j][0] * outer[i][1] - outer[i][0] * outer[j][1];
      a += f; cx += (outer[j][0] + outer[i][0]) * f; cy += (outer[j][1] + outer[i][1]) * f;
    }
    if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
  }
  return best;
}
