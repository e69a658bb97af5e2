/**
 * The figures of support sessions for one scope (a helper, a structure, a territory, the
 * country): counts by dimension, people followed and returning, monthly series, and outcomes —
 * among followed people, the share who reached « Autonome » on a theme and after how many
 * sessions on it (median), by the helper's rating and by the person's own answer (ADR 0020).
 * Plain SQL aggregates; territory and national figures are pre-computed hourly by a job
 * (statistics-jobs.ts) and read from a snapshot.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { parisMonth } from '../../platform/print/index.ts';
import {
  type CountRow,
  PUBLICATION_THRESHOLD,
  type Publication,
  publish,
  publishableCount,
  publishableShare,
} from '../../platform/statistics/publication.ts';
import { AUTONOMY, DEVICES, ORIENTATION_KINDS, PLACE_KINDS, PROCEDURES, SELF_ASSESSMENT, THEMES } from './data.ts';

export type StatisticsFilter =
  | { kind: 'helper'; userId: string }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'territory'; departements: readonly string[]; communes: readonly string[] }
  | { kind: 'national' };

export interface OutcomeRow {
  /** null: every theme together. */
  theme: string | null;
  /** (person, theme) pairs followed. */
  followed: number;
  reachedHelper: number;
  medianHelper: number | null;
  /** Pairs where the person was asked at least once. */
  asked: number;
  reachedSelf: number;
  medianSelf: number | null;
}

export interface StatisticsModel {
  computedAt: string;
  first: string | null;
  last: string | null;
  counts: CountRow[];
  people: { accompagnements: number; personnes: number; revenues: number };
  outcomes: OutcomeRow[];
}

/** The WHERE clause of a scope on alias `s`, its parameters numbered from `from`. */
export function scopeWhere(filter: StatisticsFilter, from = 1): { sql: string; params: unknown[] } {
  switch (filter.kind) {
    case 'helper':
      return { sql: `s.helper_user_id = $${from}`, params: [filter.userId] };
    case 'organisation':
      return { sql: `s.organisation_id = $${from}`, params: [filter.organisationId] };
    case 'territory':
      return {
        sql: `(s.departement = ANY($${from}::text[]) OR s.commune_insee = ANY($${from + 1}::text[]))`,
        params: [filter.departements, filter.communes],
      };
    case 'national':
      return { sql: 'true', params: [] };
  }
}

/** The first day of the month eleven months before `now` (a year of monthly series). */
function seriesStart(now: Date): string {
  const [y, m] = parisMonth(now).split('-').map(Number) as [number, number];
  const back = new Date(Date.UTC(y, m - 1 - 11, 1));
  return back.toISOString().slice(0, 10);
}

async function dimensionCounts(db: Queryable, filter: StatisticsFilter, now: Date): Promise<CountRow[]> {
  const w = scopeWhere(filter, 2);
  const rows = await db.query<{ d: string; v: string | null; n: number | string | null }>(
    `WITH s AS MATERIALIZED (
       SELECT s.kind, s.session_date, s.duration_minutes, s.place_kind, s.themes, s.procedures, s.devices, s.autonomy,
              s.self_assessment, s.oriented_to, s.oriented_place_id, s.anonymous_total, s.anonymous_counts,
              s.person_id, s.departement
       FROM support_sessions s WHERE ${w.sql})
     SELECT 'total' AS d, 'seances' AS v, count(*) AS n FROM s
     UNION ALL SELECT 'total', 'duree_minutes', coalesce(sum(duration_minutes), 0) FROM s
     UNION ALL SELECT 'total', 'participants_anonymes_ateliers', coalesce(sum(anonymous_total), 0) FROM s
     UNION ALL SELECT 'total', 'anonymes_deja_accompagnes', coalesce(sum((anonymous_counts->>'deja')::int), 0) FROM s
     UNION ALL SELECT 'total', 'individuels_anonymes', count(*) FROM s WHERE kind = 'individuel' AND person_id IS NULL
     UNION ALL SELECT 'total', 'orientations_vers_un_lieu', count(*) FROM s WHERE oriented_place_id IS NOT NULL
     UNION ALL SELECT 'type', kind, count(*) FROM s GROUP BY kind
     UNION ALL SELECT 'thematique', t, count(*) FROM s, unnest(s.themes) AS t GROUP BY t
     UNION ALL SELECT 'demarche', p, count(*) FROM s, unnest(s.procedures) AS p GROUP BY p
     UNION ALL SELECT 'materiel', m, count(*) FROM s, unnest(s.devices) AS m GROUP BY m
     UNION ALL SELECT 'lieu', place_kind, count(*) FROM s GROUP BY place_kind
     UNION ALL SELECT 'duree', duration_minutes::text, count(*) FROM s GROUP BY duration_minutes
     UNION ALL SELECT 'orientation', oriented_to, count(*) FROM s WHERE oriented_to IS NOT NULL GROUP BY oriented_to
     UNION ALL SELECT 'autonomie', autonomy, count(*) FROM s WHERE autonomy IS NOT NULL GROUP BY autonomy
     UNION ALL SELECT 'refaire_seul', self_assessment, count(*) FROM s WHERE self_assessment IS NOT NULL GROUP BY self_assessment
     UNION ALL SELECT 'departement', departement, count(*) FROM s WHERE departement IS NOT NULL GROUP BY departement
     UNION ALL SELECT 'mois', to_char(session_date, 'YYYY-MM'), count(*) FROM s WHERE session_date >= $1::date
       GROUP BY to_char(session_date, 'YYYY-MM')
     UNION ALL SELECT 'periode', 'debut', (to_char(min(session_date), 'YYYYMMDD'))::int FROM s
     UNION ALL SELECT 'periode', 'fin', (to_char(max(session_date), 'YYYYMMDD'))::int FROM s`,
    [seriesStart(now), ...w.params],
  );
  return rows.map((r) => ({ dimension: r.d, valeur: r.v ?? '', nombre: Number(r.n ?? 0) }));
}

async function peopleCounts(db: Queryable, filter: StatisticsFilter): Promise<StatisticsModel['people']> {
  const w = scopeWhere(filter);
  const rows = await db.query<{ accompagnements: number; personnes: number; revenues: number }>(
    `WITH p AS (
       SELECT s.person_id FROM support_sessions s WHERE ${w.sql} AND s.person_id IS NOT NULL
       UNION ALL
       SELECT sp.person_id FROM support_session_participants sp JOIN support_sessions s ON s.id = sp.session_id
       WHERE ${w.sql}
     ), c AS (SELECT person_id, count(*) AS n FROM p GROUP BY person_id)
     SELECT coalesce(sum(n), 0)::int AS accompagnements, count(*)::int AS personnes,
            count(*) FILTER (WHERE n > 1)::int AS revenues FROM c`,
    w.params,
  );
  return rows[0] ?? { accompagnements: 0, personnes: 0, revenues: 0 };
}

/** Outcomes per theme and overall (ADR 0020). */
export async function outcomes(db: Queryable, filter: StatisticsFilter): Promise<OutcomeRow[]> {
  const w = scopeWhere(filter);
  const rows = await db.query<{
    theme: string | null;
    followed: number;
    reached_helper: number;
    median_helper: number | string | null;
    asked: number;
    reached_self: number;
    median_self: number | string | null;
  }>(
    `WITH pt AS (
       SELECT s.person_id, t.theme, s.autonomy, s.self_assessment,
              row_number() OVER (PARTITION BY s.person_id, t.theme ORDER BY s.session_date, s.created_at) AS n
       FROM support_sessions s CROSS JOIN LATERAL unnest(s.themes) AS t(theme)
       WHERE ${w.sql} AND s.kind = 'individuel' AND s.person_id IS NOT NULL
     ), x AS (
       SELECT person_id, theme,
              min(n) FILTER (WHERE autonomy = 'autonome') AS n_helper,
              min(n) FILTER (WHERE self_assessment = 'oui') AS n_self,
              bool_or(self_assessment IS NOT NULL) AS asked
       FROM pt GROUP BY person_id, theme
     )
     SELECT theme, count(*)::int AS followed, count(n_helper)::int AS reached_helper,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY n_helper) AS median_helper,
            count(*) FILTER (WHERE asked)::int AS asked, count(n_self)::int AS reached_self,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY n_self) AS median_self
     FROM x GROUP BY ROLLUP (theme) ORDER BY theme NULLS FIRST`,
    w.params,
  );
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    theme: r.theme,
    followed: r.followed,
    reachedHelper: r.reached_helper,
    medianHelper: num(r.median_helper),
    asked: r.asked,
    reachedSelf: r.reached_self,
    medianSelf: num(r.median_self),
  }));
}

/** Every figure of a scope, computed now. */
export async function computeStatistics(db: Queryable, filter: StatisticsFilter, now: Date): Promise<StatisticsModel> {
  const [counts, people, outcome] = await Promise.all([
    dimensionCounts(db, filter, now),
    peopleCounts(db, filter),
    outcomes(db, filter),
  ]);
  const day = (n: number | undefined) =>
    n ? `${String(n).slice(0, 4)}-${String(n).slice(4, 6)}-${String(n).slice(6, 8)}` : null;
  const period = (v: string) => counts.find((c) => c.dimension === 'periode' && c.valeur === v)?.nombre;
  return {
    computedAt: now.toISOString(),
    first: day(period('debut')),
    last: day(period('fin')),
    counts: counts.filter((c) => c.dimension !== 'periode'),
    people,
    outcomes: outcome,
  };
}

export function countOf(model: StatisticsModel, dimension: string, valeur: string): number {
  return model.counts.find((c) => c.dimension === dimension && c.valeur === valeur)?.nombre ?? 0;
}

/** Fixed dimensions list every value (0 too), so that the public series keep one shape. */
export const FIXED_DIMENSIONS: ReadonlyArray<{ dimension: string; values: readonly string[] }> = [
  { dimension: 'type', values: ['individuel', 'atelier'] },
  { dimension: 'thematique', values: THEMES.map((t) => t.key) },
  { dimension: 'demarche', values: PROCEDURES.map((p) => p.key) },
  { dimension: 'materiel', values: DEVICES },
  { dimension: 'lieu', values: PLACE_KINDS.map((p) => p.key) },
  { dimension: 'orientation', values: ORIENTATION_KINDS.map((p) => p.key) },
  { dimension: 'autonomie', values: AUTONOMY.map((p) => p.key) },
  { dimension: 'refaire_seul', values: SELF_ASSESSMENT.map((p) => p.key) },
];

export interface SupportIndicators extends Record<string, unknown> {
  /** Among (person, theme) pairs followed: the share rated « Autonome » by a helper at least once. */
  part_autonomes_selon_aidant: number | null;
  /** Median number of sessions on a theme up to the first « Autonome » rating. */
  mediane_seances_jusqu_autonomie: number | null;
  /** Among pairs where the person was asked: the share who answered « oui » at least once. */
  part_autonomes_selon_personne: number | null;
  mediane_seances_jusqu_autonomie_selon_personne: number | null;
  /** Share of followed people seen more than once. */
  part_personnes_revenues: number | null;
  /** Share of orientations that name a place (not only a kind of structure). */
  part_orientations_vers_un_lieu: number | null;
  duree_moyenne_minutes: number | null;
}

/** A median is published only when the group it is computed from reaches the threshold. */
function publishableMedian(median: number | null, group: number): number | null {
  return median !== null && group >= PUBLICATION_THRESHOLD ? median : null;
}

/** The open-data shape (PRODUCT.md §5): counts under 10 become null. */
export function publishStatistics(model: StatisticsModel, territoire: string | null): Publication<SupportIndicators> {
  const byKey = new Map(model.counts.map((c) => [`${c.dimension}|${c.valeur}`, c.nombre]));
  const get = (d: string, v: string) => byKey.get(`${d}|${v}`) ?? 0;
  const counts: CountRow[] = [
    { dimension: 'total', valeur: 'seances', nombre: get('total', 'seances') },
    { dimension: 'total', valeur: 'accompagnements_personnes_suivies', nombre: model.people.accompagnements },
    { dimension: 'total', valeur: 'personnes_suivies', nombre: model.people.personnes },
    { dimension: 'total', valeur: 'personnes_revenues', nombre: model.people.revenues },
    { dimension: 'total', valeur: 'individuels_anonymes', nombre: get('total', 'individuels_anonymes') },
    {
      dimension: 'total',
      valeur: 'participants_anonymes_ateliers',
      nombre: get('total', 'participants_anonymes_ateliers'),
    },
  ];
  if (territoire === null) {
    for (const c of model.counts
      .filter((x) => x.dimension === 'departement')
      .sort((a, b) => a.valeur.localeCompare(b.valeur)))
      counts.push(c);
  }
  for (const d of FIXED_DIMENSIONS) {
    for (const v of d.values) counts.push({ dimension: d.dimension, valeur: v, nombre: get(d.dimension, v) });
  }
  for (const c of model.counts.filter((x) => x.dimension === 'mois').sort((a, b) => a.valeur.localeCompare(b.valeur)))
    counts.push(c);
  const all = model.outcomes.find((o) => o.theme === null);
  const sessions = get('total', 'seances');
  const oriented = model.counts.filter((c) => c.dimension === 'orientation').reduce((a, c) => a + c.nombre, 0);
  return publish({
    territoire,
    periode: { debut: model.first, fin: model.last, calcule_le: model.computedAt },
    counts,
    indicateurs: {
      part_autonomes_selon_aidant: all ? publishableShare(all.reachedHelper, all.followed) : null,
      mediane_seances_jusqu_autonomie: all ? publishableMedian(all.medianHelper, all.reachedHelper) : null,
      part_autonomes_selon_personne: all ? publishableShare(all.reachedSelf, all.asked) : null,
      mediane_seances_jusqu_autonomie_selon_personne: all ? publishableMedian(all.medianSelf, all.reachedSelf) : null,
      part_personnes_revenues: publishableShare(model.people.revenues, model.people.personnes),
      part_orientations_vers_un_lieu: publishableShare(get('total', 'orientations_vers_un_lieu'), oriented),
      duree_moyenne_minutes:
        publishableCount(sessions) === null ? null : Math.round(get('total', 'duree_minutes') / sessions),
    },
  });
}
