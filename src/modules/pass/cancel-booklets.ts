/**
 * Cancels booklets not yet handed out (ADR 0027): printed by mistake, lost, issued too many.
 * Their vouchers are refused with « carnet annulé ». A booklet already handed out cannot be
 * cancelled here: it belongs to a person. One transaction with its journal entry.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PassDeps } from './deps.ts';
import { MAX_BOOKLETS_PER_OPERATION } from './issue-booklets.ts';
import { passPolicy } from './policies.ts';
import { cancelBooklets, cancellableBooklets, findProgramme, type Programme } from './programmes-repository.ts';

const bookletNumber = (message: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? undefined : typeof v === 'string' ? Number(v.trim()) : Number(v)),
    z
      .number({ message })
      .int('Un numéro de carnet est un nombre entier.')
      .min(1, 'Les carnets sont numérotés à partir de 1.')
      .max(10_000_000, 'Ce numéro de carnet n’existe pas.'),
  );

const schema = z.object({
  de: bookletNumber('Indiquez le numéro du premier carnet à annuler.'),
  a: bookletNumber('Indiquez le numéro du dernier carnet à annuler.'),
});

function range(input: unknown): { from: number; to: number } {
  const v = parseInput(schema, input);
  if (v.a < v.de) throw new ValidationError({ a: 'Le dernier carnet doit suivre le premier.' });
  if (v.a - v.de + 1 > MAX_BOOKLETS_PER_OPERATION)
    throw new ValidationError({
      a: `Au plus ${MAX_BOOKLETS_PER_OPERATION.toLocaleString('fr-FR')} carnets par annulation.`,
    });
  return { from: v.de, to: v.a };
}

async function programmeToManage(deps: PassDeps, actor: Actor | undefined, programmeId: string): Promise<Programme> {
  const programme = await findProgramme(deps.db, programmeId);
  if (!programme) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.manageProgramme, programme);
  return programme;
}

export interface CancellationPreview {
  from: number;
  to: number;
  cancellable: number;
  handedOut: number;
  alreadyCancelled: number;
  /** Face value of the vouchers the cancellation takes out of circulation, in cents. */
  valueCents: number;
}

/** What a cancellation would do, for its confirmation: nothing is written. */
export async function previewCancellation(
  deps: PassDeps,
  actor: Actor | undefined,
  programmeId: string,
  input: unknown,
): Promise<CancellationPreview> {
  const programme = await programmeToManage(deps, actor, programmeId);
  const { from, to } = range(input);
  const counts = await cancellableBooklets(deps.db, programme.id, from, to);
  if (counts.cancellable === 0)
    throw new RuleError(
      'nothing_to_cancel',
      counts.handedOut + counts.alreadyCancelled === 0
        ? `Aucun carnet n° ${from} à ${to} dans ce programme.`
        : 'Aucun de ces carnets ne peut être annulé : ils sont déjà remis à des bénéficiaires ou déjà annulés.',
    );
  return {
    from,
    to,
    ...counts,
    valueCents: counts.cancellable * programme.vouchers_per_booklet * programme.face_value_cents,
  };
}

export async function cancelBookletRange(
  deps: PassDeps,
  actor: Actor | undefined,
  programmeId: string,
  input: unknown,
): Promise<number[]> {
  const programme = await programmeToManage(deps, actor, programmeId);
  const { from, to } = range(input);
  return deps.db.transaction(async (tx) => {
    const locked = await findProgramme(tx, programme.id, { lock: 'share' });
    if (!locked) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.manageProgramme, locked);
    const numbers = await cancelBooklets(tx, programme.id, from, to, { at: deps.clock(), by: accountIdOf(actor) });
    if (numbers.length === 0)
      throw new RuleError(
        'nothing_to_cancel',
        'Aucun de ces carnets ne peut être annulé : ils sont déjà remis à des bénéficiaires ou déjà annulés.',
      );
    await appendJournal(tx, deps.clock, {
      action: 'pass.carnets_annules',
      actorUserId: accountIdOf(actor),
      organisationId: programme.coordinator_organisation_id,
      targetType: 'programme',
      targetId: programme.id,
      details: { de: from, a: to, carnets: numbers.length, cheques: numbers.length * programme.vouchers_per_booklet },
    });
    return numbers;
  });
}
