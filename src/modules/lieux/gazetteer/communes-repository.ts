/** SQL on the communes table (the gazetteer). */
import type { Queryable } from '../../../platform/db/database.ts';
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
    `${key.replace(/[\\%_]/g, '\\$&')} %`,
  ]);
  return rows.map(toMatch);
}

/** Close spellings, for « did you mean ». */
export async function similarCommunes(db: Queryable, key: string, limit = 8): Promise<CommuneMatch[]> {
  const rows = await db.query<MatchRow>(
    `SELECT code_insee, min(code_postal) AS code_postal, min(name) AS name, min(departement) AS departement,
            avg(latitude) AS latitude, avg(longitude) AS longitude, max(similarity(name_key, $1)) AS score
     FROM communes WHERE name_key % $1 OR name_key LIKE $2
     GROUP BY code_insee ORDER BY score DESC, min(name) LIMIT $3`,
    [key, `${key.replace(/[\\%_]/g, '\\$&')}%`, limit],
  );
  return rows.map(toMatch);
}
