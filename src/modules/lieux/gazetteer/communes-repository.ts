/** SQL on the communes table (the gazetteer). */
import type { Queryable } from '../../../platform/db/database.ts';
import { escapeLike } from '../text.ts';
import type { CommuneRow } from './read-laposte.ts';

export interface CommuneMatch {
  codeInsee: string;
  codePostal: string;
  name: string;
  departement: string;
  latitude: number | null;
  longitude: number | null;
}

interface MatchRow {
  code_insee: string;
  code_postal: string;
  name: string;
  departement: string;
  latitude: number | null;
  longitude: number | null;
}

const toMatch = (r: MatchRow): CommuneMatch => ({
  codeInsee: r.code_insee,
  codePostal: r.code_postal,
  name: r.name,
  departement: r.departement,
  latitude: r.latitude,
  longitude: r.longitude,
});

/** Replaces the whole gazetteer (reference data), in the caller's transaction. */
export async function replaceCommunes(tx: Queryable, rows: CommuneRow[]): Promise<void> {
  await tx.query('DELETE FROM communes');
  for (let i = 0; i < rows.length; i += 2000) {
    await tx.query('INSERT INTO communes SELECT * FROM jsonb_populate_recordset(NULL::communes, $1::jsonb)', [
      JSON.stringify(rows.slice(i, i + 2000)),
    ]);
  }
  await writeNameTrigrams(tx, [...new Set(rows.map((r) => r.name_key))]);
}

/**
 * The trigrams of a folded name (see communeKey): each word padded with two spaces before and
 * one after, as pg_trgm does; each trigram once, sorted. The same as the SQL function
 * lieux_trigrams of migration 0075 (tested), computed here because it is much faster.
 */
export function trigramsOf(key: string): string[] {
  const set = new Set<string>();
  for (const word of key.split(/[^a-z0-9]+/)) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  }
  return [...set].sort();
}

/** Rewrites the trigram tables similarCommunes reads (migration 0075). */
async function writeNameTrigrams(tx: Queryable, names: string[]): Promise<void> {
  await tx.query('DELETE FROM commune_trigram_names');
  await tx.query('DELETE FROM commune_name_trigram_counts');
  const byTrigram = new Map<string, string[]>();
  const counts: number[] = [];
  for (const name of names) {
    const trigrams = trigramsOf(name);
    counts.push(trigrams.length);
    for (const t of trigrams) {
      const list = byTrigram.get(t);
      if (list) list.push(name);
      else byTrigram.set(t, [name]);
    }
  }
  for (let i = 0; i < names.length; i += 10_000) {
    await tx.query(
      'INSERT INTO commune_name_trigram_counts (name_key, trigrams) SELECT * FROM unnest($1::text[], $2::int[])',
      [names.slice(i, i + 10_000), counts.slice(i, i + 10_000)],
    );
  }
  // Name keys hold only a-z, 0-9 and spaces (communeKey): « | » joins them safely, and plain
  // text arrays cost PGlite far less to read than JSON.
  const trigrams = [...byTrigram.keys()];
  for (let i = 0; i < trigrams.length; i += 5000) {
    const slice = trigrams.slice(i, i + 5000);
    await tx.query(
      `INSERT INTO commune_trigram_names (trigram, name_keys)
       SELECT t, string_to_array(n, '|') FROM unnest($1::text[], $2::text[]) AS u(t, n)`,
      [slice, slice.map((t) => (byTrigram.get(t) as string[]).join('|'))],
    );
  }
}

export async function countCommunes(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(DISTINCT code_insee) AS n FROM communes');
  return rows[0]?.n ?? 0;
}

/** One row per commune (INSEE code) matching, with the first postcode and a representative point. */
const perCommune = `
  SELECT code_insee, min(code_postal) AS code_postal, min(name) AS name, min(departement) AS departement,
         avg(latitude) AS latitude, avg(longitude) AS longitude
  FROM communes WHERE %WHERE% GROUP BY code_insee ORDER BY min(name), code_insee LIMIT 50`;

export async function communesByPostcode(db: Queryable, postcode: string): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(perCommune.replace('%WHERE%', 'code_postal = $1'), [postcode]);
  return rows.map(toMatch);
}

export async function communesByInsee(db: Queryable, codeInsee: string): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(perCommune.replace('%WHERE%', 'code_insee = $1'), [codeInsee]);
  return rows.map(toMatch);
}

/** INSEE codes of whole cities split into arrondissements (Paris 75056, Marseille 13055, Lyon 69123). */
export async function communesByInseePrefix(db: Queryable, prefix: string): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(perCommune.replace('%WHERE%', 'code_insee LIKE $1'), [`${prefix}%`]);
  return rows.map(toMatch);
}

/** Communes whose name (or postal city name, for arrondissements) is exactly this key. */
export async function communesByNameKey(db: Queryable, key: string): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(perCommune.replace('%WHERE%', 'name_key = $1 OR city_key = $1'), [key]);
  return rows.map(toMatch);
}

/**
 * Communes whose name starts with these whole words (« la seyne » → La Seyne-sur-Mer, « aix » →
 * Aix-en-Provence, Aix-les-Bains…), for a partial name. Word by word: « marseille » never
 * finds Marseillan.
 */
export async function communesByWordPrefix(db: Queryable, key: string): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(perCommune.replace('%WHERE%', 'name_key LIKE $1 OR city_key LIKE $1'), [
    `${escapeLike(key)} %`,
  ]);
  return rows.map(toMatch);
}

/** pg_trgm's default threshold for « similar » (the % operator used before). */
const SIMILARITY_THRESHOLD = 0.3;

/**
 * Close spellings, for « vouliez-vous dire ». Without pg_trgm (it can hang PGlite, ADR 0022)
 * but with its measure: the trigrams a name shares with what was typed, over all the trigrams
 * of both (threshold 0.3), counted in plain SQL through the trigram tables of migration 0075,
 * so both engines give the same answers. A name beginning with what was typed is offered too.
 */
export async function similarCommunes(db: Queryable, key: string, limit = 8): Promise<CommuneMatch[]> {
  const typed = trigramsOf(key);
  if (typed.length === 0) return [];
  const rows = await db.query<MatchRow>(
    `WITH hits AS (
       SELECT n AS name_key, count(*) AS shared
       FROM commune_trigram_names t, unnest(t.name_keys) AS n
       WHERE t.trigram = ANY ($1::text[])
       GROUP BY n
     ),
     scored AS (
       SELECT h.name_key, h.shared::float8 / (c.trigrams + $2::int - h.shared) AS score
       FROM hits h JOIN commune_name_trigram_counts c ON c.name_key = h.name_key
       WHERE h.shared::float8 / (c.trigrams + $2::int - h.shared) >= ${SIMILARITY_THRESHOLD} OR h.name_key LIKE $3
     )
     SELECT c.code_insee, min(c.code_postal) AS code_postal, min(c.name) AS name, min(c.departement) AS departement,
            avg(c.latitude) AS latitude, avg(c.longitude) AS longitude, max(s.score) AS score
     FROM scored s JOIN communes c ON c.name_key = s.name_key
     GROUP BY c.code_insee ORDER BY score DESC, min(c.name), c.code_insee LIMIT $4`,
    [typed, typed.length, `${escapeLike(key)}%`, limit],
  );
  return rows.map(toMatch);
}
