/**
 * A hand-out made by mistake (wrong booklet, wrong person) can be taken back within 24 hours,
 * by the distributing structure, as long as none of its vouchers was used (ADR 0027). The
 * booklet goes back to the structure's booklets to hand out; the beneficiary's facts are erased.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { type PassDeps, UNDO_WINDOW_MS } from './deps.ts';
import { passPolicy } from './policies.ts';
import { type BookletRow, findBooklet, unmarkDistributed } from './programmes-repository.ts';

/** Whether the page may offer the undo (the use case decides again). */
export function handOutUndoable(booklet: BookletRow, now: Date): boolean {
  return (
    booklet.distributed_at !== null &&
    now.getTime() - booklet.distributed_at.getTime() < UNDO_WINDOW_MS &&
    Number(booklet.used) === 0
  );
}

export async function undoHandOut(deps: PassDeps, actor: Actor | undefined, bookletId: string): Promise<BookletRow> {
  const booklet = await findBooklet(deps.db, bookletId);
  if (!booklet?.distributor_organisation_id) throw new NotFoundError('Carnet introuvable.');
  authorize(actor, passPolicy.distribute, { id: booklet.distributor_organisation_id });
  if (!booklet.distributed_at) throw new RuleError('not_distributed', 'Ce carnet n’a pas été remis : rien à annuler.');
  const now = deps.clock();
  if (Number(booklet.used) > 0)
    throw new RuleError(
      'booklet_in_use',
      'Un chèque de ce carnet a déjà été utilisé : la remise ne peut plus être annulée.',
    );
  if (now.getTime() - booklet.distributed_at.getTime() >= UNDO_WINDOW_MS)
    throw new RuleError(
      'undo_too_late',
      'La remise date de plus de 24 heures : elle ne peut plus être annulée. Contactez le coordinateur du programme.',
    );
  await deps.db.transaction(async (tx) => {
    const ok = await unmarkDistributed(
      tx,
      booklet.id,
      booklet.distributor_organisation_id as string,
      new Date(now.getTime() - UNDO_WINDOW_MS),
    );
    if (!ok)
      throw new RuleError(
        'undo_refused',
        'Cette remise ne peut plus être annulée (carnet utilisé ou déjà repris).',
        409,
      );
    await appendJournal(tx, deps.clock, {
      action: 'pass.remise_annulee',
      actorUserId: accountIdOf(actor),
      organisationId: booklet.distributor_organisation_id,
      targetType: 'carnet',
      targetId: booklet.id,
      details: { programme: booklet.programme_id, numero: booklet.number },
    });
  });
  return booklet;
}
