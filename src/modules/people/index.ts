/**
 * People module: the one model of the person helped (usager → person), owned here and used by
 * support sessions, the Pass numérique, mandates (ADR 0018). Pseudonymous by default, found
 * again by a durable code on a card, visible to the structures that follow the person, every
 * opening of a record written in an access journal. Other modules use only what is exported
 * below: use cases and read models that check the policy and journal their writes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { declareAccessLogTable } from '../../platform/db/read-only-gets.ts';
import type { PeopleIdentityDeps } from './deps.ts';
import { peopleRoutes } from './routes-people.tsx';

export { type AccessEntry, viewAccessJournal } from './access-journal.ts';
export {
  type ContactView,
  recordContactConsent,
  viewContact,
  withdrawContactConsent,
} from './contact-consent.ts';
export { type CreatePersonInput, createPerson, createPersonWithin } from './create-person.ts';
export { type PeopleDemoActors, seedPeopleDemo } from './demo.ts';
export {
  AGE_BANDS,
  ageBandOf,
  PASS_AGE_BANDS,
  PASS_SITUATIONS,
  type PeopleDeps,
  type PeopleIdentityDeps,
  SITUATIONS,
} from './deps.ts';
export { listLikelyDuplicates, mergePeople } from './duplicates.ts';
export { erasePerson } from './erase-person.ts';
export { findPersonByCode, recordSharingConsent, SHARING_CONSENT_REQUIRED } from './find-person.ts';
export {
  type IdentityLinkView,
  identityLinksFor,
  linkIdentity,
  linkIdentityWithin,
  personIdForIdentity,
  personIdForIdentityWithin,
} from './identity-links.ts';
export {
  importPassBeneficiary,
  type LegacyPassBeneficiary,
  passBeneficiaryName,
} from './import-pass-beneficiary.ts';
export { listPeopleFollowedBy } from './list-people.ts';
export { displayPersonCode, personCodes } from './person-code.ts';
export type { ResidenceInput } from './person-input.ts';
export { type PersonView, type ResidenceView, residenceLabel } from './person-view.ts';
export { followedPeopleScope } from './policies.ts';
export { type ProfileRow, profileOfPeople } from './profile.ts';
export { mayActorSeePerson, viewPerson } from './view-person.ts';

async function peopleModule(app: FastifyInstance, opts: { deps: PeopleIdentityDeps; operatorName: string }) {
  // Opening a record writes who opened it, GET pages included (ADR 0018).
  declareAccessLogTable('people_access_log');
  peopleRoutes(app, { deps: opts.deps, operatorName: opts.operatorName });
}

export const peoplePlugin = fp(peopleModule, { name: 'people', dependencies: ['views'] });
