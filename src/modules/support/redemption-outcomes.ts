/**
 * What the sessions recorded from voucher redemptions achieved, for the funder's report of the
 * pass module (which imports support): counts only, by the helper's autonomy rating and by the
 * person's own answer. The caller suppresses small counts.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { AUTONOMY, SELF_ASSESSMENT } from './data.ts';

export interface RedemptionOutcomes {
  sessions: number;
  byAutonomy: Array<{ label: string; count: number }>;
  bySelfAssessment: Array<{ label: string; count: number }>;
}

export async function outcomesOfRedemptionSessions(
  db: Queryable,
  redemptionIds: readonly string[],
): Promise<RedemptionOutcomes> {
  if (redemptionIds.length === 0) return { sessions: 0, byAutonomy: [], bySelfAssessment: [] };
  const rows = await db.query<{ autonomy: string | null; self_assessment: string | null; n: number }>(
    `SELECT autonomy, self_assessment, count(*)::int AS n FROM support_sessions
      WHERE redemption_id = ANY($1::uuid[]) GROUP BY 1, 2`,
    [redemptionIds],
  );
  const sum = (
    keyOf: (r: (typeof rows)[number]) => string | null,
    labels: ReadonlyArray<{ key: string; label: string }>,
  ) =>
    [...labels.map((l) => ({ key: l.key, label: l.label })), { key: null, label: 'Non renseigné' }].map((l) => ({
      label: l.label,
      count: rows.filter((r) => (keyOf(r) ?? null) === l.key).reduce((a, r) => a + Number(r.n), 0),
    }));
  return {
    sessions: rows.reduce((a, r) => a + Number(r.n), 0),
    byAutonomy: sum((r) => r.autonomy, AUTONOMY),
    bySelfAssessment: sum((r) => r.self_assessment, SELF_ASSESSMENT),
  };
}
