/** Contact details exist only with the person's consent: recorded with them, withdrawn by deleting them. */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PeopleDeps } from './deps.ts';
import { deleteContact, findContact, followersOf, upsertContact } from './people-repository.ts';
import { contactSchema } from './person-input.ts';
import { peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord, logAccess } from './view-person.ts';

export interface ContactView {
  phone: string | null;
  email: string | null;
  consent: { purpose: string; at: string; organisationId: string };
}

async function followedPerson(deps: PeopleDeps, actor: Actor | undefined, personId: string) {
  const person = await liveRecord(deps.db, personId);
  if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
  if (!person) throw new NotFoundError('Personne introuvable.');
  const followers = await followersOf(deps.db, person.id);
  authorize(actor, peoplePolicy.updatePerson, { followers });
  return { person, followers, who: actor };
}

/** The contact details and their consent (who may see the record may see them); the opening is logged. */
export async function viewContact(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
): Promise<ContactView | null> {
  const { person, followers, who } = await followedPerson(deps, actor, personId);
  const contact = await findContact(deps.db, person.id);
  if (!contact) return null;
  const organisationId = followers.find((id) => who.memberships.some((m) => m.organisationId === id)) ?? null;
  await logAccess(deps, who, person.id, organisationId, 'consultation');
  return {
    phone: contact.phone,
    email: contact.email,
    consent: {
      purpose: contact.consentPurpose,
      at: contact.consentAt.toISOString(),
      organisationId: contact.consentOrganisationId,
    },
  };
}

/** Records contact details with the consent given now, by this structure, for this purpose. */
export async function recordContactConsent(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
  input: { organisationId: string } & Record<string, unknown>,
): Promise<void> {
  const { person, followers, who } = await followedPerson(deps, actor, personId);
  if (!followers.includes(input.organisationId)) {
    throw new RuleError('not_following', 'Votre structure ne suit pas cette personne.', 403);
  }
  authorize(who, peoplePolicy.createPerson, { id: input.organisationId });
  const v = parseInput(contactSchema, input);
  await deps.db.transaction(async (tx) => {
    await upsertContact(tx, {
      personId: person.id,
      phone: v.phone ?? null,
      email: v.email ?? null,
      consentPurpose: v.consent.purpose,
      consentAt: deps.clock(),
      consentUserId: accountIdOf(who),
      consentOrganisationId: input.organisationId,
    });
    await appendJournal(tx, deps.clock, {
      action: 'personne.consentement_contact_enregistre',
      actorUserId: accountIdOf(who),
      organisationId: input.organisationId,
      targetType: 'personne',
      targetId: person.id,
      details: { telephone: v.phone !== undefined, email: v.email !== undefined },
    });
  });
}

/** The person withdraws their consent: the contact details are deleted at once. */
export async function withdrawContactConsent(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
): Promise<boolean> {
  const { person, followers, who } = await followedPerson(deps, actor, personId);
  return deps.db.transaction(async (tx) => {
    const deleted = await deleteContact(tx, person.id);
    if (deleted) {
      await appendJournal(tx, deps.clock, {
        action: 'personne.consentement_contact_retire',
        actorUserId: accountIdOf(who),
        organisationId: followers.find((id) => who.memberships.some((m) => m.organisationId === id)) ?? null,
        targetType: 'personne',
        targetId: person.id,
      });
    }
    return deleted;
  });
}
