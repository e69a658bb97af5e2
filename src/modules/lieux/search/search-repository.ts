/** The search query on places: radius (earthdistance + GiST), array filters, text, open now. */
import type { Queryable } from '../../../platform/db/database.ts';
import type { PlaceRecord } from '../places-repository.ts';
import { FIELDS, MULTI_VALUED } from '../standard.ts';
import { escapeLike } from '../text.ts';

export interface SearchSpec {
  center?: { latitude: number; longitude: number };
  radiusM?: number;
  words: string[];
  filters: Record<string, string[]>;
  openMinute?: number;
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
  'origin',
  'imported_at',
  'updated_at',
  'content_hash',
]
  .map((c) => `p.${c}`)
  .join(', ');

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
    const point = `ll_to_earth(${p(spec.center.latitude)}::float8, ${p(spec.center.longitude)}::float8)`;
    const radius = p(spec.radiusM ?? 20_000);
    distance = `earth_distance(${point}, ll_to_earth(p.geo_lat, p.geo_lon)) / 1000`;
    where.push('geo_lat IS NOT NULL');
    where.push(`earth_box(${point}, ${radius}::float8) @> ll_to_earth(geo_lat, geo_lon)`);
    where.push(`earth_distance(${point}, ll_to_earth(geo_lat, geo_lon)) <= ${radius}::float8`);
    // Nearest first straight from the GiST index (the chord distance orders like the real one).
    order = `ll_to_earth(geo_lat, geo_lon) <-> ${point}`;
  }
  for (const word of spec.words) where.push(`search_text LIKE ${p(`%${escapeLike(word)}%`)}`);
  for (const [field, list] of Object.entries(spec.filters)) {
    if (list.length > 0 && (FIELDS as readonly string[]).includes(field)) where.push(`${field} && ${p(list)}::text[]`);
  }
  if (spec.openMinute !== undefined) where.push(`open_minutes @> ${p(spec.openMinute)}::int`);
  if (spec.onlyIds !== undefined) where.push(`id = ANY(${p(spec.onlyIds)}::text[])`);
  if (!spec.center && spec.words.length > 0)
    order = `word_similarity(${p(spec.words.join(' '))}, search_text) DESC, nom, id`;
  return { where: where.join(' AND '), params, distance, order };
}

/**
 * One round trip: the page of ids in order (the index walks only as far as the page), the
 * total as a separate count, and the columns (or JSON) built for the page's rows only.
 */
async function runSearch<T>(
  db: Queryable,
  spec: SearchSpec,
  projection: (distance: string) => string,
): Promise<{ total: number; rows: T[] }> {
  const { where, params, distance, order } = buildSearchSql(spec);
  const limitParam = `$${params.length + 1}`;
  const offsetParam = `$${params.length + 2}`;
  const rows = await db.query<T & { total: number }>(
    `SELECT ${projection(distance)}, (SELECT count(*) FROM places WHERE ${where}) AS total
     FROM unnest(ARRAY(SELECT id FROM places WHERE ${where} ORDER BY ${order} LIMIT ${limitParam} OFFSET ${offsetParam}))
          WITH ORDINALITY AS page(id, rank)
     JOIN places p ON p.id = page.id ORDER BY page.rank`,
    [...params, spec.limit, spec.offset],
    { prepare: true },
  );
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
 * The same search, each place already written as the API's JSON by PostgreSQL (the standard's
 * published format: lists joined with « | », absent values left out): the hot public endpoint
 * then does no per-field work in JavaScript.
 */
const jsonFields = FIELDS.map((f) => {
  if (MULTI_VALUED.has(f)) return `'${f}', nullif(array_to_string(p.${f}, '|'), '')`;
  if (f === 'date_maj') return `'date_maj', to_char(p.date_maj, 'YYYY-MM-DD')`;
  return `'${f}', p.${f}`;
}).join(', ');

export async function searchPlacesJson(db: Queryable, spec: SearchSpec): Promise<{ total: number; items: string[] }> {
  const { total, rows } = await runSearch<{ item: string }>(
    db,
    spec,
    (distance) =>
      `json_strip_nulls(json_build_object(${jsonFields},
         'localisation', CASE p.geo_precision WHEN 'exact' THEN 'exacte' WHEN 'commune' THEN 'commune' ELSE 'inconnue' END,
         'distance_km', round((${distance})::numeric, 1)))::text AS item`,
  );
  return { total, items: rows.map((r) => r.item) };
}
