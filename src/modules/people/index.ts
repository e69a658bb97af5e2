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
import type { PeopleDeps } from './deps.ts';

export { type CreatePersonInput, createPerson } from './create-person.ts';
export { type PeopleDemoActors, seedPeopleDemo } from './demo.ts';
export {
  AGE_BANDS,
  ageBandOf,
  PASS_AGE_BANDS,
  PASS_SITUATIONS,
  type PeopleDeps,
  SITUATIONS,
} from './deps.ts';
export { findPersonByCode, recordSharingConsent, SHARING_CONSENT_REQUIRED } from './find-person.ts';
export { listPeopleFollowedBy } from './list-people.ts';
export { displayPersonCode, personCodes } from './person-code.ts';
export { type PersonView, type ResidenceView, residenceLabel } from './person-view.ts';
export { followedPeopleScope } from './policies.ts';
export { mayActorSeePerson, viewPerson } from './view-person.ts';

async function peopleModule(_app: FastifyInstance, _opts: { deps: PeopleDeps }) {
  // Opening a record writes who opened it, GET pages included (ADR 0018).
  declareAccessLogTable('people_access_log');
}

export const peoplePlugin = fp(peopleModule, { name: 'people' });
