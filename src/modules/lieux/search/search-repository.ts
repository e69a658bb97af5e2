/** The search query on places: radius (earthdistance + GiST), array filters, text, open now. */
import type { Queryable } from '../../../platform/db/database.ts';
import type { PlaceRecord } from '../places-repository.ts';
import { FIELDS } from '../standard.ts';
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

const columns = `${FIELDS.join(', ')}, geo_lat, geo_lon, geo_precision, organisation_id, status, origin, imported_at, updated_at, content_hash`;

export function buildSearchSql(spec: SearchSpec): {
  where: string;
  params: unknown[];
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
    distance = `earth_distance(${point}, ll_to_earth(geo_lat, geo_lon)) / 1000`;
    where.push('geo_lat IS NOT NULL');
    where.push(`earth_box(${point}, ${radius}::float8) @> ll_to_earth(geo_lat, geo_lon)`);
    where.push(`earth_distance(${point}, ll_to_earth(geo_lat, geo_lon)) <= ${radius}::float8`);
    order = 'distance_km, nom, id';
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

export async function searchPlacesSql(db: Queryable, spec: SearchSpec): Promise<{ total: number; rows: SearchRow[] }> {
  const { where, params, distance, order } = buildSearchSql(spec);
  const limitParam = `$${params.length + 1}`;
  const offsetParam = `$${params.length + 2}`;
  const rows = await db.query<SearchRow & { total: number }>(
    `SELECT ${columns}, ${distance} AS distance_km, count(*) OVER () AS total
     FROM places WHERE ${where} ORDER BY ${order} LIMIT ${limitParam} OFFSET ${offsetParam}`,
    [...params, spec.limit, spec.offset],
  );
  if (rows.length > 0) return { total: (rows[0] as { total: number }).total, rows };
  if (spec.offset === 0) return { total: 0, rows: [] };
  const count = await db.query<{ n: number }>(`SELECT count(*) AS n FROM places WHERE ${where}`, params);
  return { total: count[0]?.n ?? 0, rows: [] };
}
