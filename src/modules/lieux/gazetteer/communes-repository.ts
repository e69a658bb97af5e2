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
  // The trigrams of each name, for similarCommunes (migration 0105).
  await tx.query('DELETE FROM commune_name_trigrams');
  await tx.query(
    `INSERT INTO commune_name_trigrams (trigram, name_key, trigrams)
     SELECT g, n.name_key, cardinality(lieux_trigrams(n.name_key))
     FROM (SELECT DISTINCT name_key FROM communes) AS n, unnest(lieux_trigrams(n.name_key)) AS g`,
  );
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

/** pg_trgm's default threshold for « similar » (the % operator used before). */
const SIMILARITY_THRESHOLD = 0.3;

/**
 * Close spellings, for « vouliez-vous dire ». Without pg_trgm (it can hang PGlite, ADR 0022)
 * but with its measure: the trigrams a name shares with what was typed, over all the trigrams
 * of both, counted through commune_name_trigrams (migration 0105) in plain SQL, so both engines
 * give the same answers. A name beginning with what was typed is offered too.
 */
export async function similarCommunes(db: Queryable, key: string, limit = 8): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(
    `WITH typed AS MATERIALIZED (SELECT lieux_trigrams($1) AS t),
     scored AS (
       SELECT x.name_key, count(*)::float8 / (max(x.trigrams) + max(cardinality(typed.t)) - count(*)) AS score
       FROM typed JOIN commune_name_trigrams x ON x.trigram = ANY (typed.t)
       GROUP BY x.name_key
       HAVING count(*)::float8 / (max(x.trigrams) + max(cardinality(typed.t)) - count(*)) >= ${SIMILARITY_THRESHOLD}
           OR x.name_key LIKE $2
     )
     SELECT c.code_insee, min(c.code_postal) AS code_postal, min(c.name) AS name, min(c.departement) AS departement,
            avg(c.latitude) AS latitude, avg(c.longitude) AS longitude, max(s.score) AS score
     FROM scored s JOIN communes c ON c.name_key = s.name_key
     GROUP BY c.code_insee ORDER BY score DESC, min(c.name), c.code_insee LIMIT $3`,
    [key, `${escapeLike(key)}%`, limit],
  );
  return rows.map(toMatch);
}
