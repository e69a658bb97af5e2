/**
 * Drawing up statements (ADR 0024): once a month is over and its undo window has passed, what
 * each organisation is owed for each place by each funder is fixed in a statement, and the
 * redemptions it counts point to it. Run by the jobs of statement-jobs.ts, never by a page: one
 * job finds the statements due, one job per statement draws it up in its own transaction with
 * its journal entry.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { nextMonth, parisMidnight, parisMonth } from '../../platform/print/index.ts';
import { statementAvailableFrom } from './statements.ts';

/** What a statement is for: one place, the organisation paid, one funder, one month ('YYYY-MM-01'). */
export interface StatementKey {
  placeId: string;
  organisationId: string;
  funderId: string;
  month: string;
}

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

/** The first month whose statements are not due yet at `now` (the current month, or the one before it). */
export function firstMonthNotDue(now: Date): string {
  const current = parisMonth(now);
  const last = previousMonth(current);
  return statementAvailableFrom(last) <= now ? current : last;
}

const MONTH_OF_REDEMPTION = `to_char(date_trunc('month', r.redeemed_at AT TIME ZONE 'Europe/Paris'), 'YYYY-MM-DD')`;

/** The statements due at `now` and not drawn up yet. */
export async function dueStatements(tx: Queryable, now: Date): Promise<StatementKey[]> {
  return tx.query<StatementKey>(
    `SELECT r.place_id AS "placeId", r.organisation_id AS "organisationId", p.funder_organisation_id AS "funderId",
            ${MONTH_OF_REDEMPTION} AS month
     FROM pass_redemptions r JOIN pass_programmes p ON p.id = r.programme_id
     WHERE r.undone_at IS NULL AND r.statement_id IS NULL AND r.redeemed_at < $1
     GROUP BY 1, 2, 3, 4 ORDER BY 4, 1, 2, 3`,
    [parisMidnight(firstMonthNotDue(now))],
  );
}

/** The job key of a statement: at most one job per statement waits or runs. */
export function statementJobKey(key: StatementKey): string {
  return `pass.releve:${key.placeId}:${key.organisationId}:${key.funderId}:${key.month}`;
}

/**
 * Draws up one statement in the caller's transaction: the redemptions of that place, for that
 * organisation and funder, in that month, not on a statement yet. Returns its id, or undefined
 * when there is nothing (left) to draw up. Refuses a month that is not due.
 */
export async function drawUpStatement(tx: Queryable, clock: Clock, key: StatementKey): Promise<string | undefined> {
  const now = clock();
  if (!/^\d{4}-\d{2}-01$/.test(key.month) || key.month >= firstMonthNotDue(now)) {
    throw new Error(`statement of ${key.month} is not due at ${now.toISOString()}`);
  }
  // Locks the redemptions counted, so that nothing else attaches them meanwhile.
  const counted = await tx.query<{ id: string; amount_cents: number }>(
    `SELECT r.id, r.amount_cents FROM pass_redemptions r JOIN pass_programmes p ON p.id = r.programme_id
     WHERE r.place_id = $1 AND r.organisation_id = $2 AND p.funder_organisation_id = $3
       AND r.undone_at IS NULL AND r.statement_id IS NULL
       AND r.redeemed_at >= $4 AND r.redeemed_at < $5
     ORDER BY r.id FOR UPDATE OF r`,
    [key.placeId, key.organisationId, key.funderId, parisMidnight(key.month), parisMidnight(nextMonth(key.month))],
  );
  if (counted.length === 0) return undefined;
  const cents = counted.reduce((sum, r) => sum + r.amount_cents, 0);
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO pass_statements (place_id, organisation_id, funder_organisation_id, month, vouchers, amount_cents, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (place_id, organisation_id, funder_organisation_id, month) DO NOTHING RETURNING id`,
    [key.placeId, key.organisationId, key.funderId, key.month, counted.length, cents, now],
  );
  const id = inserted[0]?.id;
  // A statement fixed earlier cannot grow: redemptions left out of it are an anomaly to look at.
  if (!id)
    throw new Error(`statement ${statementJobKey(key)} exists already; ${counted.length} redemption(s) left out`);
  await tx.query('UPDATE pass_redemptions SET statement_id = $1 WHERE id = ANY($2::uuid[])', [
    id,
    counted.map((r) => r.id),
  ]);
  await appendJournal(tx, clock, {
    action: 'pass.releve_etabli',
    organisationId: key.organisationId,
    targetType: 'releve',
    targetId: id,
    details: { lieu: key.placeId, financeur: key.funderId, mois: key.month, cheques: counted.length, centimes: cents },
  });
  return id;
}
