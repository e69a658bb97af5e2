/**
 * The aggregated profile of a set of people (age band, commune, situation) for reports that
 * publish counts, never records: the Pass numérique funder report. Callers have checked their
 * own policy on the set (e.g. the booklets of a programme the funder pays for); the answer holds
 * no identifier, and the caller suppresses small counts.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { communeName } from '../lieux/index.ts';
import { residenceLabel } from './person-view.ts';

export interface ProfileRow {
  ageBand: string | null;
  /** The commune's name, « Sans domicile stable », or null when not given. */
  commune: string | null;
  situation: string | null;
  n: number;
}

export async function profileOfPeople(db: Queryable, personIds: readonly string[]): Promise<ProfileRow[]> {
  if (personIds.length === 0) return [];
  const rows = await db.query<{
    age_band: string | null;
    residence_kind: 'commune' | 'sans_domicile_stable' | 'domiciliation';
    commune_insee: string | null;
    situation: string | null;
    n: number;
  }>(
    `SELECT age_band, residence_kind, commune_insee, situation, count(*)::int AS n
     FROM people WHERE id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
    [[...new Set(personIds)]],
  );
  const names = new Map<string, string | undefined>();
  for (const r of rows) {
    if (r.commune_insee && !names.has(r.commune_insee))
      names.set(r.commune_insee, await communeName(db, r.commune_insee));
  }
  return rows.map((r) => ({
    ageBand: r.age_band,
    commune: r.commune_insee
      ? (names.get(r.commune_insee) ?? r.commune_insee)
      : r.residence_kind === 'sans_domicile_stable'
        ? residenceLabel({ kind: 'sans_domicile_stable' })
        : null,
    situation: r.situation,
    n: r.n,
  }));
}
