/** The search query on places: radius (earthdistance + GiST), array filters, text, open now. */
import type { Queryable } from '../../../platform/db/database.ts';
import { closedOnSql, type PlaceRecord } from '../places-repository.ts';
import { FIELDS } from '../standard.ts';
import { escapeLike } from '../text.ts';

export interface SearchSpec {
  center?: { latitude: number; longitude: number };
  radiusM?: number;
  words: string[];
  filters: Record<string, string[]>;
  openMinute?: number;
  /** Today in Paris (YYYY-MM-DD), with openMinute: places closed for a while are not open now. */
  today?: string;
  /** Restrict to these place ids (e.g. places accepting the Pass numérique). */
  onlyIds?: string[];
  limit: number;
  offset: number;
}

export type SearchRow = PlaceRecord & { distance_km: number | null };

const columns = [
  ...FIELDS,
  'geo_lat',
  'geo_lon',
  'geo_precision',
  'organisation_id',
  'status',
  'closed_from::text AS closed_from',
  'closed_until::text AS closed_until',
  'origin',
  'imported_at',
  'updated_at',
  'content_hash',
]
  .map((c) => `p.${c}`)
  .join(', ');

/** The earth's radius as earthdistance's earth() gives it, in metres. */
const EARTH_RADIUS_M = 6_378_168;

/**
 * The point of ll_to_earth(latitude, longitude), computed here: as a plain parameter it costs
 * nothing per row, and a prepared statement's plan can be reused as is.
 */
export function earthPoint(latitude: number, longitude: number): string {
  const lat = (latitude * Math.PI) / 180;
  const lon = (longitude * Math.PI) / 180;
  const r = EARTH_RADIUS_M;
  return `(${r * Math.cos(lat) * Math.cos(lon)}, ${r * Math.cos(lat) * Math.sin(lon)}, ${r * Math.sin(lat)})`;
}

/**
 * Order of places matching every typed word, best first, the same on both engines and without
 * pg_trgm (it can hang PGlite, ADR 0022): the words side by side as typed, then how many of
 * them are whole words of the place's text, then how many begin a word. search_text and the
 * words are folded (a-z, 0-9, single spaces), so a word boundary is a space.
 */
function textRank(words: string[], p: (v: unknown) => string): string {
  const padded = "(' ' || search_text || ' ')";
  const has = (pattern: string) => `(${padded} LIKE ${p(pattern)})::int`;
  const keys: string[] = [];
  if (words.length > 1) keys.push(`${has(`% ${escapeLike(words.join(' '))} %`)} DESC`);
  keys.push(`(${words.map((w) => has(`% ${escapeLike(w)} %`)).join(' + ')}) DESC`);
  keys.push(`(${words.map((w) => has(`% ${escapeLike(w)}%`)).join(' + ')}) DESC`);
  return keys.join(', ');
}

export function buildSearchSql(spec: SearchSpec): {
  where: string;
  params: unknown[];
  /** Distance in km from the centre, for a row of places aliased « p ». */
  distance: string;
  order: string;
} {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = ["status = 'open'"];
  let distance = 'NULL::double precision';
  let order = 'nom, id';
  if (spec.center) {
    const point = `${p(earthPoint(spec.center.latitude, spec.center.longitude))}::earth`;
    const radius = p(spec.radiusM ?? 20_000);
    distance = `earth_distance(${point}, p.geo_earth) / 1000`;
    where.push('geo_lat IS NOT NULL');
    where.push(`earth_box(${point}, ${radius}::float8) @> geo_earth`);
    where.push(`earth_distance(${point}, geo_earth) <= ${radius}::float8`);
    // Nearest first straight from the GiST index (the chord distance orders like the real one).
    order = `geo_earth <-> ${point}`;
  }
  // Around a point, the radius is what narrows the search: a few thousand places at most, even
  // from 1,000,000. Left to itself the planner would also read the text or array index and
  // intersect it with the radius (e.g. all 200,000 places offering a common service), so these
  // conditions are then written in a form no index matches (coalesce changes nothing: the
  // columns are NOT NULL) and checked on the places within the radius only.
  const column = (name: string) => (spec.center ? `coalesce(${name}, '{}')` : name);
  for (const word of spec.words) {
    const text = spec.center ? "coalesce(search_text, '')" : 'search_text';
    where.push(`${text} LIKE ${p(`%${escapeLike(word)}%`)}`);
  }
  for (const [field, list] of Object.entries(spec.filters)) {
    if (list.length > 0 && (FIELDS as readonly string[]).includes(field))
      where.push(`${column(field)} && ${p(list)}::text[]`);
  }
  if (spec.openMinute !== undefined) where.push(`open_minutes @> ${p(spec.openMinute)}::int`);
  if (spec.openMinute !== undefined && spec.today !== undefined) where.push(`NOT ${closedOnSql(p(spec.today))}`);
  if (spec.onlyIds !== undefined) where.push(`id = ANY(${p(spec.onlyIds)}::text[])`);
  if (!spec.center && spec.words.length > 0) order = `${textRank(spec.words, p)}, nom, id`;
  return { where: where.join(' AND '), params, distance, order };
}

/**
 * One round trip: the page in order and the total. Around a point without other conditions,
 * the page walks the GiST index nearest first only as far as the page and the total is
 * counted from the index alone. With
 * other conditions every place within the radius must be read anyway to check them: they are
 * then read once, for both the total and the page.
 */
async function runSearch<T>(
  db: Queryable,
  spec: SearchSpec,
  projection: (distance: string) => string,
): Promise<{ total: number; rows: T[] }> {
  const { where, params, distance, order } = buildSearchSql(spec);
  const limitParam = `$${params.length + 1}`;
  const offsetParam = `$${params.length + 2}`;
  const checksRows =
    spec.words.length > 0 ||
    Object.values(spec.filters).some((list) => list.length > 0) ||
    spec.openMinute !== undefined ||
    spec.onlyIds !== undefined;
  const sql =
    spec.center && checksRows
      ? `WITH hits AS MATERIALIZED (SELECT id, ${order} AS rank_key FROM places WHERE ${where})
         SELECT ${projection(distance)}, (SELECT count(*) FROM hits) AS total
         FROM unnest(ARRAY(SELECT id FROM hits ORDER BY rank_key LIMIT ${limitParam} OFFSET ${offsetParam}))
              WITH ORDINALITY AS page(id, rank)
         JOIN places p ON p.id = page.id ORDER BY page.rank`
      : `SELECT ${projection(distance)}, (SELECT count(*) FROM places WHERE ${where}) AS total
         FROM places p WHERE ${where} ORDER BY ${order} LIMIT ${limitParam} OFFSET ${offsetParam}`;
  const rows = await db.query<T & { total: number }>(sql, [...params, spec.limit, spec.offset], { prepare: true });
  if (rows.length > 0) return { total: (rows[0] as { total: number }).total, rows };
  if (spec.offset === 0) return { total: 0, rows: [] };
  const count = await db.query<{ n: number }>(`SELECT count(*) AS n FROM places WHERE ${where}`, params, {
    prepare: true,
  });
  return { total: count[0]?.n ?? 0, rows: [] };
}

export function searchPlacesSql(db: Queryable, spec: SearchSpec): Promise<{ total: number; rows: SearchRow[] }> {
  return runSearch<SearchRow>(db, spec, (distance) => `${columns}, ${distance} AS distance_km`);
}

/**
 * The same search, each place as the API's JSON: the JSON stored with the place
 * (places.api_json, see placeApiJsonSql) and the distance, rounded by PostgreSQL, added last.
 * The hot public endpoint then does no per-field work at all.
 */
export async function searchPlacesJson(db: Queryable, spec: SearchSpec): Promise<{ total: number; items: string[] }> {
  const { total, rows } = await runSearch<{ item: string; distance_km: string | null }>(
    db,
    spec,
    (distance) => `p.api_json AS item, round((${distance})::numeric, 1)::text AS distance_km`,
  );
  return {
    total,
    items: rows.map((r) =>
      r.distance_km === null ? r.item : `${r.item.slice(0, -1)},"distance_km":${r.distance_km}}`,
    ),
  };
}
