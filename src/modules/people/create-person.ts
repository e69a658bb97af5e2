/** Creates the record of a person helped; the creating structure then follows the person. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisToday } from '../../platform/print/index.ts';
import type { PeopleDeps } from './deps.ts';
import { nameKey } from './names.ts';
import { addFollow, type FollowBasis, findPerson, insertPerson, upsertContact } from './people-repository.ts';
import { checkAge, checkResidence, contactSchema, personFactsSchema } from './person-input.ts';
import { type PersonView, toPersonView } from './person-view.ts';
import { peoplePolicy } from './policies.ts';

const createSchema = (thisYear: number) =>
  personFactsSchema(thisYear).extend({
    organisationId: z.string({ message: 'Choisissez une structure.' }).uuid('Choisissez une structure.'),
    contact: contactSchema.optional(),
  });

export type CreatePersonInput = z.input<ReturnType<typeof createSchema>>;

type Deps = PeopleDeps;

export async function createPerson(deps: Deps, actor: Actor | undefined, input: unknown): Promise<PersonView> {
  const v = parseInput(createSchema(Number(parisToday(deps.clock).slice(0, 4))), input);
  authorize(actor, peoplePolicy.createPerson, { id: v.organisationId });
  checkAge(v);
  await checkResidence(deps, v.residence);
  return deps.db.transaction((tx) => insertPersonFollowed(tx, deps, actor, v, 'creation'));
}

/**
 * createPerson inside another module's transaction, so that its own write and the person
 * commit together (the Pass numérique's booklet hand-over): same checks, same journal entry.
 */
export async function createPersonWithin(
  tx: Queryable,
  deps: Deps,
  actor: Actor | undefined,
  input: unknown,
  origin: 'creation' | 'carnet_pass' = 'creation',
): Promise<PersonView> {
  const v = parseInput(createSchema(Number(parisToday(deps.clock).slice(0, 4))), input);
  authorize(actor, peoplePolicy.createPerson, { id: v.organisationId });
  checkAge(v);
  await checkResidence({ db: tx }, v.residence);
  return insertPersonFollowed(tx, deps, actor, v, origin);
}

/**
 * The write of createPerson, inside the caller's transaction: the record, the follow link, the
 * contact with its consent, the journal entry. Also used by the pass module's booklet hand-over
 * (through distributePassBeneficiary) so that both go in one transaction.
 */
export async function insertPersonFollowed(
  tx: Queryable,
  deps: Deps,
  actor: Actor,
  v: z.output<ReturnType<typeof createSchema>>,
  basis: FollowBasis,
): Promise<PersonView> {
  authorize(actor, peoplePolicy.createPerson, { id: v.organisationId });
  const now = deps.clock();
  const residence = v.residence;
  const { id } = await insertPerson(tx, {
    displayName: v.displayName,
    nameKey: nameKey(v.displayName),
    birthYear: v.birthYear ?? null,
    ageBand: v.ageBand ?? null,
    residenceKind: residence.kind,
    communeInsee: 'inseeCode' in residence ? (residence.inseeCode ?? null) : null,
    situation: v.situation ?? null,
    createdAt: now,
    createdByOrganisationId: v.organisationId,
  });
  await addFollow(tx, {
    personId: id,
    organisationId: v.organisationId,
    since: now,
    byUserId: accountIdOf(actor),
    basis,
  });
  if (v.contact) {
    await upsertContact(tx, {
      personId: id,
      phone: v.contact.phone ?? null,
      email: v.contact.email ?? null,
      consentPurpose: v.contact.consent.purpose,
      consentAt: now,
      consentUserId: accountIdOf(actor),
      consentOrganisationId: v.organisationId,
    });
  }
  await appendJournal(tx, deps.clock, {
    action: 'personne.creee',
    actorUserId: accountIdOf(actor),
    organisationId: v.organisationId,
    targetType: 'personne',
    targetId: id,
    details: { residence: residence.kind, coordonnees: v.contact !== undefined, origine: basis },
  });
  const person = await findPerson(tx, id);
  if (!person) throw new Error('person just inserted is missing');
  return toPersonView(tx, deps.clock, actor, person, {
    followers: [v.organisationId],
    hasContact: v.contact !== undefined,
  });
}

export { createSchema as createPersonSchema };
