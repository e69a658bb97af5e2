/**
 * Erasure on request (RGPD art. 17), by a responsable of a structure following the person:
 * name, birth year, commune, contact details and identity links are removed; what anonymous
 * statistics need stays (the age band, the département, the situation, the residence kind),
 * and ids other modules stored keep leading to an anonymous record. One transaction, journaled.
 */

import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { checkbox, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisToday } from '../../platform/print/index.ts';
import { departementOf } from '../lieux/index.ts';
import { ageBandOf, type PeopleDeps } from './deps.ts';
import { eraseRecord, followersOf } from './people-repository.ts';
import { managedFollowers, peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord } from './view-person.ts';

const confirmSchema = z.object({
  confirmation: checkbox().refine((v) => v, 'Cochez la case pour confirmer que la personne a demandé l’effacement.'),
});

/** `input.confirmation`: the responsable confirms the person asked for it (checked after the access). */
export async function erasePerson(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
  input: unknown,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const person = await liveRecord(tx, personId, { lock: true });
    if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
    if (!person) throw new NotFoundError('Personne introuvable.');
    const followers = await followersOf(tx, person.id);
    authorize(actor, peoplePolicy.managePerson, { followers });
    parseInput(confirmSchema, input);
    const year = Number(parisToday(deps.clock).slice(0, 4));
    await eraseRecord(
      tx,
      person,
      {
        ageBand: person.ageBand ?? (person.birthYear !== null ? ageBandOf(person.birthYear, year) : null),
        departement: person.communeInsee ? departementOf(person.communeInsee) : person.departement,
      },
      deps.clock(),
    );
    await appendJournal(tx, deps.clock, {
      action: 'personne.effacee',
      actorUserId: accountIdOf(actor),
      organisationId: managedFollowers(actor, followers)[0] ?? null,
      targetType: 'personne',
      targetId: person.id,
      details: { motif: 'demande_de_la_personne' },
    });
  });
}
