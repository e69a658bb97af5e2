/** SQL on the places and place_imports tables. */
import { coversSql } from '../../platform/auth/territory.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { FIELDS, MULTI_VALUED, type Place } from './standard.ts';

export type GeoPrecision = 'exact' | 'commune' | 'none';
export type PlaceStatus = 'open' | 'closed';

/** A place as stored: the standard's fields plus the platform's. */
export interface PlaceRecord extends Place {
  geo_lat: number | null;
  geo_lon: number | null;
  geo_precision: GeoPrecision;
  organisation_id: string | null;
  status: PlaceStatus;
  /** A temporary or exceptional closure, inclusive Paris dates (YYYY-MM-DD), both or neither. */
  closed_from: string | null;
  closed_until: string | null;
  /** « Ce qu'il faut apporter », as the structure wrote it. */
  what_to_bring: string | null;
  /** The code of the short link /l/CODE (derived from the id). */
  short_code: string;
  origin: string;
  imported_at: Date;
  updated_at: Date;
  content_hash: string;
}

/** What an upsert writes: the place and the fields the import computes. */
export interface PlaceWrite extends Place {
  geo_lat: number | null;
  geo_lon: number | null;
  geo_precision: GeoPrecision;
  /** Why the position is doubtful (migration 0106); null or absent when nothing is doubted. */
  geo_warning?: string | null;
  origin: string;
  imported_at: Date;
  updated_at: Date;
  content_hash: string;
  search_text: string;
  open_minutes: string | null;
}

const standardColumns = FIELDS.join(', ');

/**
 * A place as the API publishes it (the standard's published format: lists joined with « | »,
 * absent values left out, plus « localisation »), built by PostgreSQL from a row aliased `row`.
 * Stored in places.api_json when the place is written, so that a search only adds the distance.
 * Migration 0006 holds a copy of this expression for the places stored before it.
 */
export function placeApiJsonSql(row: string): string {
  const fields = FIELDS.map((f) => {
    if (MULTI_VALUED.has(f)) return `'${f}', nullif(array_to_string(${row}.${f}, '|'), '')`;
    if (f === 'date_maj') return `'date_maj', to_char(${row}.date_maj, 'YYYY-MM-DD')`;
    return `'${f}', ${row}.${f}`;
  });
  return `json_strip_nulls(json_build_object(${fields.join(', ')},
    'localisation', CASE ${row}.geo_precision WHEN 'exact' THEN 'exacte' WHEN 'commune' THEN 'commune' ELSE 'inconnue' END))::text`;
}
const recordColumns = `${standardColumns}, geo_lat, geo_lon, geo_precision, organisation_id, status, closed_from::text AS closed_from, closed_until::text AS closed_until, what_to_bring, short_code, origin, imported_at, updated_at, content_hash`;

export async function existingPlaces(
  db: Queryable,
  ids: string[],
): Promise<Map<string, { contentHash: string; dateMaj: string }>> {
  const out = new Map<string, { contentHash: string; dateMaj: string }>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db.query<{ id: string; content_hash: string; date_maj: string }>(
      'SELECT id, content_hash, date_maj FROM places WHERE id = ANY($1::text[])',
      [ids.slice(i, i + 5000)],
    );
    for (const r of rows) out.set(r.id, { contentHash: r.content_hash, dateMaj: r.date_maj });
  }
  return out;
}

const WRITE_COLUMNS = [
  ...FIELDS,
  'geo_lat',
  'geo_lon',
  'geo_precision',
  'geo_warning',
  'origin',
  'imported_at',
  'updated_at',
  'content_hash',
  'search_text',
  'open_minutes',
];

const UPSERT_SQL = `INSERT INTO places (${WRITE_COLUMNS.join(', ')}, api_json)
       SELECT ${WRITE_COLUMNS.map((c) => `r.${c}`).join(', ')}, ${placeApiJsonSql('r')}
       FROM jsonb_populate_recordset(NULL::places, $1::jsonb) r
       ON CONFLICT (id) DO UPDATE SET ${[...WRITE_COLUMNS, 'api_json']
         .filter((c) => c !== 'id' && c !== 'imported_at')
         .map((c) => `${c} = EXCLUDED.${c}`)
         .join(', ')}`;

/**
 * Inserts or updates places by id. The owning organisation and the open/closed status are the
 * platform's own facts: an import never changes them. Writes in batches of `batchSize`, letting the event loop turn between two: on the
 * embedded PGlite each statement runs on the server's own thread, so smaller batches keep
 * other requests (health checks) answered during a long import.
 */
export async function upsertPlaces(tx: Queryable, places: PlaceWrite[], batchSize = 1000): Promise<void> {
  const batches: string[] = [];
  for (let i = 0; i < places.length; i += batchSize) batches.push(JSON.stringify(places.slice(i, i + batchSize)));
  await upsertPlaceBatches(tx, batches);
}

/**
 * Writes batches of places already serialised as JSON arrays (see `upsertPlaces`). A big
 * import serialises each batch as soon as its rows are decided: tens of thousands of row
 * objects kept alive until the write would make each garbage collection on the server's
 * thread long enough to be felt by every request (a 24 MB import: pauses up to 650 ms).
 */
export async function upsertPlaceBatches(tx: Queryable, batches: readonly string[]): Promise<void> {
  for (let i = 0; i < batches.length; i++) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await tx.query(UPSERT_SQL, [batches[i]]);
  }
}

/** Why the import doubted this place's position (migration 0106), for its managers. */
export async function placeGeoWarning(db: Queryable, id: string): Promise<string | null> {
  const rows = await db.query<{ geo_warning: string | null }>('SELECT geo_warning FROM places WHERE id = $1', [id]);
  return rows[0]?.geo_warning ?? null;
}

/**
 * One place. `lock: 'update'` reads it under a row lock inside the caller's transaction: a use
 * case re-checks its authorisation on the row it is about to write (ADR 0009).
 */
export async function findPlace(
  db: Queryable,
  id: string,
  options: { lock?: 'update' } = {},
): Promise<PlaceRecord | undefined> {
  const lock = options.lock === 'update' ? ' FOR UPDATE' : '';
  const rows = await db.query<PlaceRecord>(`SELECT ${recordColumns} FROM places WHERE id = $1${lock}`, [id]);
  return rows[0];
}

/**
 * SQL condition for other modules' scopes: the place whose id is the SQL expression `placeIdExpr`
 * lies in the territory passed as two text[] parameters (`$6`, `$7`). The SQL on places stays here.
 */
export function placeInTerritorySql(placeIdExpr: string, departementsParam: string, communesParam: string): string {
  for (const p of [departementsParam, communesParam]) {
    if (!/^\$\d+$/.test(p)) throw new Error(`Not a query parameter: ${p}`);
  }
  return `EXISTS (SELECT 1 FROM places tp WHERE tp.id = ${placeIdExpr}
    AND ${coversSql({ departement: placeDepartementSql('tp'), commune: 'tp.code_insee' }, departementsParam, communesParam)})`;
}

/**
 * SQL expression: the département of the place whose row alias is `alias` (see
 * departementOfPlace): from its INSEE code, else from its postcode.
 */
function placeDepartementSql(alias: string): string {
  const insee = `${alias}.code_insee`;
  const cp = `${alias}.code_postal`;
  return `(CASE WHEN ${insee} IS NOT NULL THEN (CASE WHEN left(${insee}, 2) IN ('97', '98') THEN left(${insee}, 3) ELSE left(${insee}, 2) END)
    WHEN left(${cp}, 2) IN ('97', '98') THEN left(${cp}, 3)
    WHEN left(${cp}, 2) = '20' THEN (CASE WHEN left(${cp}, 3) < '202' THEN '2A' ELSE '2B' END)
    ELSE left(${cp}, 2) END)`;
}

export async function setPlaceStatus(tx: Queryable, id: string, status: PlaceStatus, at: Date): Promise<void> {
  await tx.query('UPDATE places SET status = $2, updated_at = $3 WHERE id = $1', [id, status, at]);
}

/** Sets (both dates) or clears (both null) the place's temporary or exceptional closure. */
export async function setPlaceClosure(
  tx: Queryable,
  id: string,
  period: { from: string; until: string } | null,
  at: Date,
): Promise<void> {
  await tx.query('UPDATE places SET closed_from = $2, closed_until = $3, updated_at = $4 WHERE id = $1', [
    id,
    period?.from ?? null,
    period?.until ?? null,
    at,
  ]);
}

export async function setPlaceWhatToBring(tx: Queryable, id: string, text: string | null, at: Date): Promise<void> {
  await tx.query('UPDATE places SET what_to_bring = $2, updated_at = $3 WHERE id = $1', [id, text, at]);
}

/** The place a short link (/l/CODE) leads to, when exactly one has this code. */
export async function placeIdByShortCode(db: Queryable, code: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>('SELECT id FROM places WHERE short_code = $1 LIMIT 2', [code]);
  return rows.length === 1 ? rows[0]?.id : undefined;
}

/** How many places open to the public lie within `radiusM` of a point (GiST index, bounded box). */
export async function countOpenPlacesNear(
  db: Queryable,
  point: { latitude: number; longitude: number },
  radiusM: number,
): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM places
     WHERE status = 'open' AND geo_lat IS NOT NULL
       AND earth_box(ll_to_earth($1::float8, $2::float8), $3::float8) @> geo_earth
       AND earth_distance(ll_to_earth($1::float8, $2::float8), geo_earth) <= $3::float8`,
    [point.latitude, point.longitude, radiusM],
  );
  return rows[0]?.n ?? 0;
}

/** SQL true when the place (its row aliased `row`, if given) is closed for a while on the date `day`. */
export function closedOnSql(day: string, row?: string): string {
  const c = row ? `${row}.` : '';
  return `(${c}closed_from IS NOT NULL AND ${c}closed_from <= ${day}::date AND ${c}closed_until >= ${day}::date)`;
}

export async function setPlaceOrganisation(tx: Queryable, id: string, organisationId: string | null): Promise<void> {
  await tx.query('UPDATE places SET organisation_id = $2 WHERE id = $1', [id, organisationId]);
}

export async function placesOfOrganisation(db: Queryable, organisationId: string): Promise<PlaceRecord[]> {
  return db.query<PlaceRecord>(`SELECT ${recordColumns} FROM places WHERE organisation_id = $1 ORDER BY status, nom`, [
    organisationId,
  ]);
}

export async function countPlaces(
  db: Queryable,
): Promise<{ open: number; closed: number; approximate: number; unlocated: number }> {
  const rows = await db.query<{ open: number; closed: number; approximate: number; unlocated: number }>(
    `SELECT count(*) FILTER (WHERE status = 'open') AS open, count(*) FILTER (WHERE status = 'closed') AS closed,
            count(*) FILTER (WHERE geo_precision = 'commune') AS approximate, count(*) FILTER (WHERE geo_precision = 'none') AS unlocated
     FROM places`,
  );
  return rows[0] ?? { open: 0, closed: 0, approximate: 0, unlocated: 0 };
}

/** Open places in id order, a batch at a time, for exports of any size. */
export async function exportBatch(db: Queryable, afterId: string | null, limit: number): Promise<Place[]> {
  return db.query<Place>(
    `SELECT ${standardColumns} FROM places WHERE status = 'open' AND ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
}

export async function recordImport(
  tx: Queryable,
  input: {
    kind: 'places' | 'communes';
    fileName: string;
    actorUserId: string | null;
    startedAt: Date;
    finishedAt: Date;
    dryRun: boolean;
    summary: object;
    report: object;
  },
): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO place_imports (kind, file_name, actor_user_id, started_at, finished_at, dry_run, summary, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      input.kind,
      input.fileName,
      input.actorUserId,
      input.startedAt,
      input.finishedAt,
      input.dryRun,
      JSON.stringify(input.summary),
      JSON.stringify(input.report),
    ],
  );
  return (rows[0] as { id: string }).id;
}

/** Simulations' reports are only kept a short time (they record nothing else). */
export async function deleteSimulationsBefore(tx: Queryable, before: Date): Promise<void> {
  await tx.query('DELETE FROM place_imports WHERE dry_run AND finished_at < $1', [before]);
}

export async function recentImports(
  db: Queryable,
  limit = 10,
): Promise<
  Array<{
    id: string;
    kind: string;
    file_name: string;
    finished_at: Date;
    dry_run: boolean;
    summary: Record<string, number>;
  }>
> {
  return db.query(
    'SELECT id, kind, file_name, finished_at, dry_run, summary FROM place_imports WHERE NOT dry_run ORDER BY finished_at DESC LIMIT $1',
    [limit],
  );
}

export async function findImport(
  db: Queryable,
  id: string,
): Promise<
  | {
      id: string;
      kind: string;
      file_name: string;
      finished_at: Date;
      dry_run: boolean;
      summary: Record<string, number>;
      report: unknown;
    }
  | undefined
> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await db.query<{
    id: string;
    kind: string;
    file_name: string;
    finished_at: Date;
    dry_run: boolean;
    summary: Record<string, number>;
    report: unknown;
  }>('SELECT * FROM place_imports WHERE id = $1', [id]);
  return rows[0];
}

/** The nearest open places to a point (demo data, tests). */
export async function placesNear(
  db: Queryable,
  latitude: number,
  longitude: number,
  limit: number,
): Promise<Array<{ id: string; nom: string }>> {
  return db.query(
    `SELECT id, nom FROM places WHERE status = 'open' AND geo_lat IS NOT NULL
     ORDER BY geo_earth <-> ll_to_earth($1::float8, $2::float8) LIMIT $3`,
    [latitude, longitude, limit],
  );
}

/** Places among `ids`, nearest first from a point, with their distance in km. */
export async function placesByDistance(
  db: Queryable,
  point: { latitude: number; longitude: number },
  ids: string[],
  limit: number,
): Promise<Array<PlaceRecord & { distance_km: number }>> {
  if (ids.length === 0) return [];
  return db.query(
    `SELECT ${recordColumns}, earth_distance(ll_to_earth($1::float8, $2::float8), geo_earth) / 1000 AS distance_km
     FROM places WHERE id = ANY($3::text[]) AND status = 'open' AND geo_lat IS NOT NULL
     ORDER BY distance_km LIMIT $4`,
    [point.latitude, point.longitude, ids, limit],
  );
}

export interface PlaceSummary {
  id: string;
  nom: string;
  commune: string;
  code_postal: string;
  code_insee: string | null;
  status: PlaceStatus;
  organisation_id: string | null;
}

const summaryColumns = 'id, nom, commune, code_postal, code_insee, status, organisation_id';

/** Names and communes of places, for other modules' lists. */
export async function placeSummaries(db: Queryable, ids: string[]): Promise<Map<string, PlaceSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<PlaceSummary>(
    `SELECT ${summaryColumns} FROM places WHERE id = ANY($1::text[])`,
    [[...new Set(ids)]],
    { prepare: true },
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The summary of one place, for another module's decision (e.g. whether a place lies in a
 * coordinateur's territory). `lock: 'update'` locks the place's row until the caller's
 * transaction ends, so the decision cannot race a reassignment.
 */
export async function placeSummary(
  db: Queryable,
  id: string,
  options: { lock?: 'update' } = {},
): Promise<PlaceSummary | undefined> {
  const lock = options.lock === 'update' ? ' FOR UPDATE' : '';
  const rows = await db.query<PlaceSummary>(`SELECT ${summaryColumns} FROM places WHERE id = $1${lock}`, [id]);
  return rows[0];
}

/**
 * The summary of the place whose id is the parameter `idParam` (e.g. `$2`), as a subquery
 * another module may join into its own statement (columns: those of PlaceSummary; no row if
 * the place does not exist). For hot paths where one more round trip to the database is the
 * main cost (a voucher redemption reads the place with everything else it checks): the SQL on
 * places stays here, the caller only names the columns of PlaceSummary.
 */
export function placeSummarySubquery(idParam: string): string {
  if (!/^\$\d+$/.test(idParam)) throw new Error(`Not a query parameter: ${idParam}`);
  return `(SELECT ${summaryColumns} FROM places WHERE id = ${idParam}::text)`;
}
