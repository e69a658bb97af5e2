/**
 * A FranceConnect (or other OpenID Connect) identity linked to a person under a mandate (issue
 * 16): the provider's subject is stored keyed-hashed (HMAC-SHA-256 under a key derived from
 * the platform's secret), so the table alone identifies no one; the link is visible only to the
 * structure holding the mandate. Called by the mandates module.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ConflictError, NotFoundError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PeopleDeps, PeopleIdentityDeps } from './deps.ts';
import { followersOf, identityLinksOf, insertIdentityLink, personIdByIdentity } from './people-repository.ts';
import { peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord } from './view-person.ts';

/** The keyed hash of a provider's subject: the same subject, provider and secret give the same hash. */
export function subjectHash(secretKey: string, provider: string, subject: string): string {
  const key = createHmac('sha256', secretKey).update('passerelle/people/identity-subject/v1').digest();
  return createHmac('sha256', key).update(`${provider}\u0000${subject}`, 'utf8').digest('hex');
}

const linkSchema = z.object({
  provider: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9_-]+$/, 'Fournisseur d’identité inconnu.'),
  subject: z
    .string()
    .min(1)
    .max(255)
    .refine((v) => !/\p{Cc}/u.test(v), 'Identifiant invalide.'),
  mandateOrganisationId: z.string().uuid('Structure inconnue.'),
});

export interface IdentityLinkView {
  id: string;
  provider: string;
  mandateOrganisationId: string;
  linkedAt: string;
}

/**
 * Links an identity to a person for the structure holding the mandate (which must follow the
 * person). Linking the same identity again is a no-op; the same identity already linked to
 * another person of that structure is a conflict (merge the records first).
 */
export async function linkIdentity(
  deps: PeopleIdentityDeps,
  actor: Actor | undefined,
  personId: string,
  input: { provider: string; subject: string; mandateOrganisationId: string },
): Promise<IdentityLinkView> {
  parseInput(linkSchema, input);
  return deps.db.transaction((tx) => linkIdentityWithin(tx, deps, actor, personId, input));
}

/**
 * linkIdentity inside another module's transaction (the mandates module links the usager while
 * it writes the mandate, so that both commit together): same checks, same journal entry.
 */
export async function linkIdentityWithin(
  tx: Queryable,
  deps: PeopleIdentityDeps,
  actor: Actor | undefined,
  personId: string,
  input: { provider: string; subject: string; mandateOrganisationId: string },
): Promise<IdentityLinkView> {
  const v = parseInput(linkSchema, input);
  const hash = subjectHash(deps.secretKey, v.provider, v.subject);
  const person = await liveRecord(tx, personId, { lock: true });
  if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
  if (!person) throw new NotFoundError('Personne introuvable.');
  authorize(actor, peoplePolicy.linkIdentity, {
    mandateOrganisationId: v.mandateOrganisationId,
    followers: await followersOf(tx, person.id),
  });
  const now = deps.clock();
  const link = await insertIdentityLink(tx, {
    personId: person.id,
    provider: v.provider,
    subjectHash: hash,
    mandateOrganisationId: v.mandateOrganisationId,
    at: now,
    by: accountIdOf(actor),
  });
  if (link.personId !== person.id) {
    throw new ConflictError(
      'identity_linked_elsewhere',
      'Cette identité est déjà liée à une autre personne de votre structure : fusionnez les deux fiches.',
    );
  }
  if (link.created) {
    await appendJournal(tx, deps.clock, {
      action: 'personne.identite_liee',
      actorUserId: accountIdOf(actor),
      organisationId: v.mandateOrganisationId,
      targetType: 'personne',
      targetId: person.id,
      details: { fournisseur: v.provider },
    });
  }
  return {
    id: link.id,
    provider: v.provider,
    mandateOrganisationId: v.mandateOrganisationId,
    linkedAt: now.toISOString(),
  };
}

/** The identity links of a person the actor may see: only those of mandates its structures hold. */
export async function identityLinksFor(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
): Promise<IdentityLinkView[]> {
  const person = await liveRecord(deps.db, personId);
  if (!person || person === 'erased' || !actor) return [];
  const organisations = actor.memberships
    .map((m) => m.organisationId)
    .filter((id) => can(actor, peoplePolicy.viewIdentityLink, { mandateOrganisationId: id }));
  const links = await identityLinksOf(deps.db, person.id, organisations);
  return links.map((l) => ({
    id: l.id,
    provider: l.provider,
    mandateOrganisationId: l.mandateOrganisationId,
    linkedAt: l.linkedAt.toISOString(),
  }));
}

/** The person a structure linked to this identity, if any (for a mandate's holder), as an id. */
export async function personIdForIdentity(
  deps: PeopleIdentityDeps,
  actor: Actor | undefined,
  input: { provider: string; subject: string; mandateOrganisationId: string },
): Promise<string | null> {
  return personIdForIdentityWithin(deps.db, deps, actor, input);
}

/** personIdForIdentity read through the caller's transaction (see linkIdentityWithin). */
export async function personIdForIdentityWithin(
  db: Queryable,
  deps: Pick<PeopleIdentityDeps, 'secretKey'>,
  actor: Actor | undefined,
  input: { provider: string; subject: string; mandateOrganisationId: string },
): Promise<string | null> {
  const v = parseInput(linkSchema, input);
  authorize(actor, peoplePolicy.viewIdentityLink, { mandateOrganisationId: v.mandateOrganisationId });
  const id = await personIdByIdentity(
    db,
    v.provider,
    subjectHash(deps.secretKey, v.provider, v.subject),
    v.mandateOrganisationId,
  );
  if (!id) return null;
  const live = await liveRecord(db, id);
  return live && live !== 'erased' ? live.id : null;
}
