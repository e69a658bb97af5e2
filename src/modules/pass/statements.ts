/**
 * Statements: per place, organisation paid, funder and month (Paris time), the number of
 * vouchers and the amount due. A month's statement is drawn up by a job (draw-up-statement.ts)
 * once the month is over and the 24-hour undo window has passed; it is then fixed (its
 * redemptions point to it) and can be marked paid. Reading them never writes.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { formatDate, MONTH_NAMES } from '../../platform/print/index.ts';
import { type PassDeps, UNDO_WINDOW_MS } from './deps.ts';
import { passPolicy } from './policies.ts';

export interface Statement {
  id: string;
  place_id: string;
  organisation_id: string;
  funder_organisation_id: string;
  month: string;
  vouchers: number;
  amount_cents: number;
  created_at: Date;
  paid_at: Date | null;
  payment_reference: string | null;
}

export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTH_NAMES[(m as number) - 1]} ${y}`;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The instant from which a month's statement can be drawn up: its end (Paris) plus 24 hours. */
export function statementAvailableFrom(month: string): Date {
  const end = new Date(`${nextMonth(month)}T00:00:00+01:00`);
  return new Date(end.getTime() + UNDO_WINDOW_MS + 3600_000);
}

export async function listStatements(
  db: Queryable,
  filter: { organisationIds?: string[]; funderIds?: string[]; month?: string },
): Promise<Statement[]> {
  return db.query<Statement>(
    `SELECT id, place_id, organisation_id, funder_organisation_id, to_char(month, 'YYYY-MM-DD') AS month, vouchers, amount_cents,
            created_at, paid_at, payment_reference
     FROM pass_statements
     WHERE ($1::uuid[] IS NULL OR organisation_id = ANY($1::uuid[])) AND ($2::uuid[] IS NULL OR funder_organisation_id = ANY($2::uuid[]))
       AND ($3::date IS NULL OR month = $3::date)
     ORDER BY month DESC, place_id`,
    [filter.organisationIds ?? null, filter.funderIds ?? null, filter.month ?? null],
  );
}

/** A month asked for explicitly: refused while it is not over (plus the undo window). */
export function assertMonthClosed(month: string, now: Date): void {
  if (!/^\d{4}-\d{2}-01$/.test(month)) throw new RuleError('bad_month', 'Mois invalide : utilisez AAAA-MM.', 400);
  const from = statementAvailableFrom(month);
  if (now < from) {
    throw new RuleError(
      'month_not_finished',
      `Le relevé de ${monthLabel(month)} n'est pas encore établi : il le sera le ${formatDate(from)}, une fois le mois terminé et le délai d'annulation de 24 heures passé.`,
    );
  }
}

const paySchema = z.object({ reference: requiredText(100) });

export async function markStatementPaid(
  deps: PassDeps,
  actor: Actor | undefined,
  statementId: string,
  input: unknown,
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(statementId)) throw new NotFoundError('Relevé introuvable.');
  const statement = (await deps.db.query<Statement>('SELECT * FROM pass_statements WHERE id = $1', [statementId]))[0];
  if (!statement) throw new NotFoundError('Relevé introuvable.');
  authorize(actor, passPolicy.payStatement, statement);
  const { reference } = parseInput(paySchema, input);
  await deps.db.transaction(async (tx) => {
    // Decide inside the write: the statement as it is now, under a row lock.
    const locked = (
      await tx.query<Statement>('SELECT * FROM pass_statements WHERE id = $1 FOR UPDATE', [statementId])
    )[0];
    if (!locked) throw new NotFoundError('Relevé introuvable.');
    authorize(actor, passPolicy.payStatement, locked);
    const rows = await tx.query(
      'UPDATE pass_statements SET paid_at = $2, payment_reference = $3, paid_by = $4 WHERE id = $1 AND paid_at IS NULL RETURNING id',
      [statementId, deps.clock(), reference, accountIdOf(actor)],
    );
    if (rows.length === 0) throw new RuleError('already_paid', 'Ce relevé est déjà marqué payé.');
    await appendJournal(tx, deps.clock, {
      action: 'pass.releve_paye',
      actorUserId: accountIdOf(actor),
      organisationId: statement.organisation_id,
      targetType: 'releve',
      targetId: statementId,
      details: { reference },
    });
  });
}
