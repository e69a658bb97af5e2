/**
 * A programme names its funder, and the funder consents (ADR 0009): a programme billed to an
 * organisation is active — booklets issued, assigned, redeemed — only once a financeur of that
 * organisation accepts it, or when a financeur of it created it. Programmes that existed before
 * this rule count as accepted: `journalMigratedAcceptances` writes their journal entries once.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { enqueue } from '../../platform/outbox/outbox.ts';
import type { PassDeps } from './deps.ts';
import { CONSENTING_ROLES, passPolicy } from './policies.ts';
import { findProgramme, type Programme } from './programmes-repository.ts';

export const AWAITING_CONSENT =
  'Ce programme attend l’accord de son financeur : rien ne peut être émis, attribué ni encaissé avant.';

/**
 * Tells the funder's financeurs, inside the transaction that created the programme (the outbox
 * sends the e-mails once it commits), that a programme waits for their consent.
 */
export async function notifyFunderOfPendingProgramme(
  tx: Queryable,
  deps: Pick<PassDeps, 'publicUrl' | 'operatorName'>,
  organisations: Pick<OrganisationDirectory, 'memberEmails'>,
  programme: Programme,
): Promise<void> {
  const recipients = await organisations.memberEmails(tx, programme.funder_organisation_id, CONSENTING_ROLES);
  for (const to of recipients) {
    await enqueue(tx, 'mail', {
      to,
      subject: `${deps.operatorName} : un programme Pass numérique attend votre accord`,
      text: [
        'Bonjour,',
        '',
        `Le programme « ${programme.name} » désigne votre structure comme financeur.`,
        'Il ne sera actif, et aucun chèque ne sera émis, qu’une fois accepté par un financeur de votre structure.',
        'Consultez-le et acceptez-le ici :',
        '',
        `${deps.publicUrl}/pass/programmes/${programme.id}`,
        '',
        'Si vous ne le connaissez pas, ne faites rien : il restera inactif.',
      ].join('\n'),
    });
  }
}

/** Refuses any act on a programme its funder has not accepted yet. */
export function assertActive(programme: Pick<Programme, 'funder_accepted_at'>): void {
  if (programme.funder_accepted_at === null) throw new RuleError('awaiting_funder_consent', AWAITING_CONSENT);
}

/** A financeur of the funder accepts the programme; decided again on the row locked for the write. */
export async function acceptProgramme(
  deps: Pick<PassDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  programmeId: string,
): Promise<Programme> {
  const first = await findProgramme(deps.db, programmeId);
  if (!first) throw new NotFoundError('Programme introuvable.');
  authorize(actor, passPolicy.acceptProgramme, first);
  return deps.db.transaction(async (tx) => {
    const p = await findProgramme(tx, programmeId, { lock: 'update' });
    if (!p) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.acceptProgramme, p);
    if (p.funder_accepted_at !== null) throw new RuleError('already_accepted', 'Ce programme est déjà accepté.');
    const rows = await tx.query<Programme>(
      'UPDATE pass_programmes SET funder_accepted_at = $2, funder_accepted_by = $3 WHERE id = $1 RETURNING *',
      [p.id, deps.clock(), accountIdOf(actor)],
    );
    await appendJournal(tx, deps.clock, {
      action: 'pass.programme_accepte',
      actorUserId: accountIdOf(actor),
      organisationId: p.funder_organisation_id,
      targetType: 'programme',
      targetId: p.id,
      details: { coordination: p.coordinator_organisation_id },
    });
    return rows[0] as Programme;
  });
}

/**
 * The data step after migration 0080: each programme that existed before it is recorded as
 * accepted by its funder, in the journal, once (several instances starting together: the row
 * locks let one of them write each entry).
 */
export async function journalMigratedAcceptances(db: Database, clock: Clock): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string; funder_organisation_id: string }>(
      `UPDATE pass_programmes SET acceptance_to_journal = false
       WHERE id IN (SELECT id FROM pass_programmes WHERE acceptance_to_journal FOR UPDATE SKIP LOCKED)
       RETURNING id, funder_organisation_id`,
    );
    for (const r of rows) {
      await appendJournal(tx, clock, {
        action: 'pass.programme_accepte',
        organisationId: r.funder_organisation_id,
        targetType: 'programme',
        targetId: r.id,
        details: { par: 'migration 0080 : programme existant avant l’accord du financeur' },
      });
    }
    return rows.length;
  });
}
