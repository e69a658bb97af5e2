/** A structure undoes a redemption within 24 hours, with a reason; the voucher can be used again. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import { type PassDeps, UNDO_WINDOW_MS } from './deps.ts';
import { passPolicy } from './policies.ts';
import type { Redemption } from './voucher-rules.ts';

const schema = z.object({ reason: requiredText(300) });

export async function undoRedemption(
  deps: PassDeps,
  actor: Actor | undefined,
  redemptionId: string,
  input: unknown,
): Promise<Redemption> {
  if (!/^[0-9a-f-]{36}$/i.test(redemptionId)) throw new NotFoundError('Encaissement introuvable.');
  const redemption = (
    await deps.db.query<Redemption>('SELECT * FROM pass_redemptions WHERE id = $1', [redemptionId])
  )[0];
  if (!redemption) throw new NotFoundError('Encaissement introuvable.');
  authorize(actor, passPolicy.redeem, { id: redemption.organisation_id });
  const { reason } = parseInput(schema, input);
  const now = deps.clock();
  if (redemption.undone_at) throw new RuleError('already_undone', 'Cet encaissement a déjà été annulé.');
  if (now.getTime() - redemption.redeemed_at.getTime() > UNDO_WINDOW_MS) {
    throw new RuleError(
      'undo_too_late',
      `L'annulation n'est possible que dans les 24 heures : ce chèque a été encaissé le ${formatDateTime(redemption.redeemed_at)}. Contactez le coordinateur du programme.`,
    );
  }
  return deps.db.transaction(async (tx) => {
    const rows = await tx.query<Redemption>(
      `UPDATE pass_redemptions SET undone_at = $2, undone_by = $3, undo_reason = $4
       WHERE id = $1 AND undone_at IS NULL AND statement_id IS NULL RETURNING *`,
      [redemption.id, now, accountIdOf(actor), reason],
    );
    if (rows.length === 0)
      throw new RuleError('already_undone', 'Cet encaissement a déjà été annulé ou figure sur un relevé.');
    await tx.query(`UPDATE pass_vouchers SET status = 'available' WHERE code = $1 AND status = 'redeemed'`, [
      redemption.voucher_code,
    ]);
    await appendJournal(tx, deps.clock, {
      stream: `lieu:${redemption.place_id}`,
      action: 'pass.encaissement_annule',
      actorUserId: accountIdOf(actor),
      organisationId: redemption.organisation_id,
      targetType: 'encaissement',
      targetId: redemption.id,
      details: { cheque: redemption.voucher_code, raison: reason },
    });
    return rows[0] as Redemption;
  });
}

export async function recentRedemptions(
  deps: PassDeps,
  organisationIds: string[],
  limit = 50,
): Promise<Array<Redemption & { booklet_number: number; programme_name: string; undo_reason: string | null }>> {
  if (organisationIds.length === 0) return [];
  return deps.db.query(
    `SELECT r.*, b.number AS booklet_number, p.name AS programme_name FROM pass_redemptions r
     JOIN pass_booklets b ON b.id = r.booklet_id JOIN pass_programmes p ON p.id = r.programme_id
     WHERE r.organisation_id = ANY($1::uuid[]) ORDER BY r.redeemed_at DESC LIMIT $2`,
    [organisationIds, limit],
  );
}
