/**
 * Which statements an actor sees (ADR 0009): the funder's, the structure's (its responsable)
 * and those of places inside a coordinateur's territory — nobody else's. The scope comes from
 * passPolicy's statementScope; the SQL here applies it. How statements are drawn up stays in
 * statements.ts.
 */
import { type Scope, scopeParams } from '../../platform/auth/scope.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { placeInTerritorySql } from '../lieux/index.ts';
import type { Statement } from './statements.ts';

type StatementScope = Scope<'funder' | 'structure'>;

/** The WHERE condition of a scope over a statement-like row `r` (organisation_id, place_id) with funder `funderColumn`. */
function scopeCondition(funderColumn: string, first: number): string {
  const n = (i: number) => `$${first + i}`;
  return `(${n(0)} OR ${funderColumn} = ANY(${n(1)}::uuid[]) OR r.organisation_id = ANY(${n(2)}::uuid[])
    OR ${placeInTerritorySql('r.place_id', n(3), n(4))})`;
}

function scopeValues(scope: StatementScope): unknown[] {
  const s = scopeParams(scope, ['funder', 'structure']);
  return [s.all, s.organisations.funder, s.organisations.structure, s.departements, s.communes];
}

export async function listVisibleStatements(
  db: Queryable,
  scope: StatementScope,
  month?: string,
): Promise<Statement[]> {
  return db.query<Statement>(
    `SELECT r.id, r.place_id, r.organisation_id, r.funder_organisation_id, to_char(r.month, 'YYYY-MM-DD') AS month,
            r.vouchers, r.amount_cents, r.created_at, r.paid_at, r.payment_reference
     FROM pass_statements r
     WHERE ($1::date IS NULL OR r.month = $1::date) AND ${scopeCondition('r.funder_organisation_id', 2)}
     ORDER BY r.month DESC, r.place_id`,
    [month ?? null, ...scopeValues(scope)],
  );
}

/** What is not drawn up yet, as the same scope sees it: due so far, not final. */
export async function visibleProvisionalTotals(db: Queryable, now: Date, scope: StatementScope) {
  // The open month, and a closed month whose statement the hourly job has not drawn up yet.
  return db.query<{
    month: string;
    place_id: string;
    funder_organisation_id: string;
    vouchers: number;
    amount_cents: number;
  }>(
    `SELECT to_char(date_trunc('month', r.redeemed_at AT TIME ZONE 'Europe/Paris'), 'YYYY-MM-DD') AS month,
            r.place_id, p.funder_organisation_id, count(*) AS vouchers, sum(r.amount_cents)::int AS amount_cents
     FROM pass_redemptions r JOIN pass_programmes p ON p.id = r.programme_id
     WHERE r.undone_at IS NULL AND r.statement_id IS NULL AND r.redeemed_at <= $1
       AND ${scopeCondition('p.funder_organisation_id', 2)}
     GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2`,
    [now, ...scopeValues(scope)],
  );
}
