/**
 * What the funder sees: booklets issued / distributed / started / fully used; vouchers used by
 * service, place, commune and month; use rate; value used, unused and refundable after expiry.
 * And what the coordinator is warned about: suspicious redemption patterns.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { nextMonth, parisDate, parisMidnight } from '../../platform/print/index.ts';
import { placeSummaries } from '../lieux/index.ts';
import { profileOfPeople } from '../people/index.ts';
import { outcomesOfRedemptionSessions } from '../support/index.ts';
import type { Programme } from './programmes-repository.ts';

export interface FunderReport {
  booklets: { issued: number; distributed: number; started: number; fullyUsed: number };
  vouchers: { issued: number; distributed: number; used: number };
  useRate: number | null;
  value: {
    usedCents: number;
    unusedDistributedCents: number;
    notDistributedCents: number;
    refundableCents: number;
    expired: boolean;
  };
  byService: Array<{ label: string; count: number }>;
  byPlace: Array<{ label: string; count: number }>;
  byCommune: Array<{ label: string; count: number }>;
  byMonth: Array<{ label: string; count: number }>;
  /** The months the breakdowns and the profile cover ('YYYY-MM-01', inclusive), or null: since the start. */
  period: { from: string; to: string } | null;
  /**
   * Who received booklets (handed out in the period): counts under 10 are suppressed (null),
   * so that no small group of people can be singled out.
   */
  profile: {
    ageBands: Array<{ label: string; count: number | null }>;
    communes: Array<{ label: string; count: number | null }>;
    situations: Array<{ label: string; count: number | null }>;
  };
  /**
   * What the support sessions recorded from the programme's redemptions (in the period)
   * achieved: the helper's autonomy rating and the person's own answer. Counts under 10 are
   * suppressed (null), the total included.
   */
  outcomes: {
    sessions: number | null;
    byAutonomy: Array<{ label: string; count: number | null }>;
    bySelfAssessment: Array<{ label: string; count: number | null }>;
  };
}

/** Counts under this are shown as « moins de 10 » in the beneficiaries' profile. */
export const SMALL_COUNT = 10;

export async function funderReport(
  db: Queryable,
  programme: Programme,
  now: Date,
  period: { from: string; to: string } | null = null,
): Promise<FunderReport> {
  // Paris months: [from, the month after `to`).
  const start = period ? parisMidnight(period.from) : null;
  const end = period ? parisMidnight(nextMonth(period.to)) : null;
  const counts = (
    await db.query<{
      issued: number;
      distributed: number;
      started: number;
      full: number;
      v_issued: number;
      v_distributed: number;
      v_used: number;
    }>(
      `WITH b AS (
         SELECT bk.id, bk.distributed_at IS NOT NULL AS distributed,
                count(v.*) FILTER (WHERE v.status = 'redeemed') AS used, count(v.*) AS total
         FROM pass_booklets bk JOIN pass_vouchers v ON v.booklet_id = bk.id
         WHERE bk.programme_id = $1 GROUP BY bk.id)
       SELECT count(*) AS issued, count(*) FILTER (WHERE distributed) AS distributed,
              count(*) FILTER (WHERE used > 0) AS started, count(*) FILTER (WHERE used = total) AS full,
              coalesce(sum(total), 0)::int AS v_issued, coalesce(sum(total) FILTER (WHERE distributed), 0)::int AS v_distributed,
              coalesce(sum(used), 0)::int AS v_used
       FROM b`,
      [programme.id],
    )
  )[0] ?? { issued: 0, distributed: 0, started: 0, full: 0, v_issued: 0, v_distributed: 0, v_used: 0 };
  const live = await db.query<{ service: string; place_id: string; month: string; n: number }>(
    `SELECT service, place_id, to_char(date_trunc('month', redeemed_at AT TIME ZONE 'Europe/Paris'), 'YYYY-MM') AS month, count(*) AS n
     FROM pass_redemptions WHERE programme_id = $1 AND undone_at IS NULL
       AND ($2::timestamptz IS NULL OR redeemed_at >= $2) AND ($3::timestamptz IS NULL OR redeemed_at < $3)
     GROUP BY 1, 2, 3`,
    [programme.id, start, end],
  );
  // The beneficiaries are people of the person model (ADR 0018): their profile comes from it, in counts.
  const handedOutTo = await db.query<{ person_id: string }>(
    `SELECT person_id FROM pass_booklets WHERE programme_id = $1 AND distributed_at IS NOT NULL AND person_id IS NOT NULL
       AND ($2::timestamptz IS NULL OR distributed_at >= $2) AND ($3::timestamptz IS NULL OR distributed_at < $3)`,
    [programme.id, start, end],
  );
  const handedOut = (
    await profileOfPeople(
      db,
      handedOutTo.map((r) => r.person_id),
    )
  ).map((r) => ({ age: r.ageBand, commune: r.commune, situation: r.situation, n: r.n }));
  const profileBy = (key: (r: (typeof handedOut)[number]) => string | null, none: string) => {
    const m = new Map<string, number>();
    for (const r of handedOut) m.set(key(r) ?? none, (m.get(key(r) ?? none) ?? 0) + r.n);
    return [...m.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([label, count]) => ({ label, count: count < SMALL_COUNT ? null : count }));
  };
  const places = await placeSummaries(
    db,
    live.map((r) => r.place_id),
  );
  const redemptionIds = await db.query<{ id: string }>(
    `SELECT id FROM pass_redemptions WHERE programme_id = $1 AND undone_at IS NULL
       AND ($2::timestamptz IS NULL OR redeemed_at >= $2) AND ($3::timestamptz IS NULL OR redeemed_at < $3)`,
    [programme.id, start, end],
  );
  const outcomes = await outcomesOfRedemptionSessions(
    db,
    redemptionIds.map((r) => r.id),
  );
  const suppress = (n: number) => (n < SMALL_COUNT ? null : n);
  const tally = (key: (r: (typeof live)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of live) m.set(key(r), (m.get(key(r)) ?? 0) + r.n);
    return [...m.entries()].map(([label, count]) => ({ label, count }));
  };
  const face = programme.face_value_cents;
  const lastDay = new Date(Date.parse(`${programme.valid_until}T00:00:00Z`) + programme.tolerance_days * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const expired = parisDate(now) > lastDay;
  const unusedDistributed = (counts.v_distributed - counts.v_used) * face;
  const notDistributed = (counts.v_issued - counts.v_distributed) * face;
  return {
    booklets: {
      issued: counts.issued,
      distributed: counts.distributed,
      started: counts.started,
      fullyUsed: counts.full,
    },
    vouchers: { issued: counts.v_issued, distributed: counts.v_distributed, used: counts.v_used },
    useRate: counts.v_distributed > 0 ? counts.v_used / counts.v_distributed : null,
    value: {
      usedCents: counts.v_used * face,
      unusedDistributedCents: unusedDistributed,
      notDistributedCents: notDistributed,
      refundableCents: expired ? unusedDistributed + notDistributed : 0,
      expired,
    },
    byService: tally((r) => r.service).sort((a, b) => b.count - a.count),
    byPlace: tally((r) => places.get(r.place_id)?.nom ?? r.place_id).sort((a, b) => b.count - a.count),
    byCommune: tally((r) => places.get(r.place_id)?.commune ?? '—').sort((a, b) => b.count - a.count),
    byMonth: tally((r) => r.month).sort((a, b) => a.label.localeCompare(b.label)),
    period,
    profile: {
      ageBands: profileBy((r) => r.age, 'non renseignée'),
      communes: profileBy((r) => r.commune, 'sans commune indiquée'),
      situations: profileBy((r) => r.situation, 'non renseignée'),
    },
    outcomes: {
      sessions: suppress(outcomes.sessions),
      byAutonomy: outcomes.byAutonomy.map((x) => ({ label: x.label, count: suppress(x.count) })),
      bySelfAssessment: outcomes.bySelfAssessment.map((x) => ({ label: x.label, count: suppress(x.count) })),
    },
  };
}

export interface Alert {
  kind: 'booklet_burst' | 'place_rate';
  message: string;
  placeId: string;
  at: Date;
}

/**
 * Several vouchers of one booklet redeemed within minutes at one place (help sessions take
 * time), and places redeeming far above their usual weekly rate.
 */
export async function suspiciousPatterns(db: Queryable, programmeIds: string[], now: Date): Promise<Alert[]> {
  if (programmeIds.length === 0) return [];
  const bursts = await db.query<{
    booklet_id: string;
    number: number;
    place_id: string;
    n: number;
    first_at: Date;
    last_at: Date;
  }>(
    `WITH w AS (
       SELECT r.booklet_id, r.place_id, r.redeemed_at,
              count(*) OVER (PARTITION BY r.booklet_id, r.place_id ORDER BY r.redeemed_at
                             RANGE BETWEEN interval '30 minutes' PRECEDING AND CURRENT ROW) AS n,
              min(r.redeemed_at) OVER (PARTITION BY r.booklet_id, r.place_id ORDER BY r.redeemed_at
                             RANGE BETWEEN interval '30 minutes' PRECEDING AND CURRENT ROW) AS first_at
       FROM pass_redemptions r WHERE r.programme_id = ANY($1::uuid[]) AND r.undone_at IS NULL)
     SELECT DISTINCT ON (w.booklet_id, w.place_id) w.booklet_id, b.number, w.place_id, w.n::int AS n, w.first_at, w.redeemed_at AS last_at
     FROM w JOIN pass_booklets b ON b.id = w.booklet_id
     WHERE w.n >= 3 ORDER BY w.booklet_id, w.place_id, w.n DESC, w.redeemed_at DESC`,
    [programmeIds],
  );
  const rates = await db.query<{ place_id: string; recent: number; usual: number }>(
    `SELECT place_id,
            (count(*) FILTER (WHERE redeemed_at > $2::timestamptz - interval '7 days'))::int AS recent,
            count(*) FILTER (WHERE redeemed_at <= $2::timestamptz - interval '7 days' AND redeemed_at > $2::timestamptz - interval '63 days') / 8.0 AS usual
     FROM pass_redemptions WHERE programme_id = ANY($1::uuid[]) AND undone_at IS NULL AND redeemed_at > $2::timestamptz - interval '63 days'
     GROUP BY place_id`,
    [programmeIds, now],
  );
  const places = await placeSummaries(db, [...bursts.map((b) => b.place_id), ...rates.map((r) => r.place_id)]);
  const name = (id: string) => places.get(id)?.nom ?? id;
  const alerts: Alert[] = bursts.map((b) => ({
    kind: 'booklet_burst' as const,
    placeId: b.place_id,
    at: b.last_at,
    message: `${b.n} chèques du carnet n° ${b.number} encaissés en ${Math.max(1, Math.round((b.last_at.getTime() - b.first_at.getTime()) / 60_000))} minutes à « ${name(b.place_id)} ».`,
  }));
  for (const r of rates) {
    const usual = Number(r.usual);
    if (r.recent >= 10 && r.recent > Math.max(3 * usual, usual + 10)) {
      alerts.push({
        kind: 'place_rate',
        placeId: r.place_id,
        at: now,
        message: `« ${name(r.place_id)} » a encaissé ${r.recent} chèques en 7 jours, contre ${usual.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} par semaine d’habitude.`,
      });
    }
  }
  return alerts.sort((a, b) => b.at.getTime() - a.at.getTime());
}
