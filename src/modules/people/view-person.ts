/** Opening a person's record (access-journaled) and the access check other modules ask. */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { writeAccessLog } from '../../platform/db/read-only-gets.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import type { PeopleDeps } from './deps.ts';
import {
  type AccessAction,
  findContact,
  findPerson,
  followersOf,
  insertAccess,
  type PersonRecord,
} from './people-repository.ts';
import { type PersonView, toPersonView } from './person-view.ts';
import { peoplePolicy } from './policies.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The live record behind an id: a merged duplicate leads to the record it was merged into
 * (other modules keep the ids they stored). Undefined for an unknown id; `erased` for a record
 * erased on request.
 */
export async function liveRecord(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PersonRecord | 'erased' | undefined> {
  if (!UUID.test(id)) return undefined;
  let person = await findPerson(q, id, options);
  for (let hops = 0; person?.mergedInto && hops < 16; hops++) person = await findPerson(q, person.mergedInto, options);
  if (!person || person.mergedInto) return undefined;
  return person.erasedAt ? 'erased' : person;
}

export const ERASED_MESSAGE = 'Le dossier de cette personne a été effacé à sa demande.';

/** Writes who opened the record (allowed inside a GET: ADR 0018). */
export async function logAccess(
  deps: PeopleDeps,
  actor: Actor,
  personId: string,
  organisationId: string | null,
  action: AccessAction,
): Promise<void> {
  await writeAccessLog(() =>
    insertAccess(deps.db, { personId, userId: accountIdOf(actor), organisationId, action, at: deps.clock() }),
  );
}

/** The first structure following the person in which the actor works with people. */
function actingOrganisation(actor: Actor, followers: readonly string[]): string | null {
  return followers.find((id) => can(actor, peoplePolicy.createPerson, { id })) ?? null;
}

/** Opens a person's record: checks the policy, writes the access journal, returns the view. */
export async function viewPerson(deps: PeopleDeps, actor: Actor | undefined, personId: string): Promise<PersonView> {
  const person = await liveRecord(deps.db, personId);
  if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
  if (!person) throw new NotFoundError('Personne introuvable.');
  const followers = await followersOf(deps.db, person.id);
  authorize(actor, peoplePolicy.viewPerson, { followers });
  await logAccess(deps, actor, person.id, actingOrganisation(actor, followers), 'consultation');
  return toPersonView(deps.db, deps.clock, actor, person, {
    followers,
    hasContact: (await findContact(deps.db, person.id)) !== undefined,
  });
}

/** The person for their printed card: same check as viewPerson, written as a print in the access journal. */
export async function viewPersonForCard(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
): Promise<PersonView> {
  const person = await liveRecord(deps.db, personId);
  if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
  if (!person) throw new NotFoundError('Personne introuvable.');
  const followers = await followersOf(deps.db, person.id);
  authorize(actor, peoplePolicy.viewPerson, { followers });
  await logAccess(deps, actor, person.id, actingOrganisation(actor, followers), 'impression');
  return toPersonView(deps.db, deps.clock, actor, person, {
    followers,
    hasContact: (await findContact(deps.db, person.id)) !== undefined,
  });
}

/** Whether the actor may see this person (other modules' policies); no access-journal row. */
export async function mayActorSeePerson(
  deps: Pick<PeopleDeps, 'db'>,
  actor: Actor | undefined,
  personId: string,
): Promise<boolean> {
  if (!actor) return false;
  const person = await liveRecord(deps.db, personId);
  if (!person || person === 'erased') return false;
  return can(actor, peoplePolicy.viewPerson, { followers: await followersOf(deps.db, person.id) });
}
