/** The people a structure follows, for pickers: by name (accents and case ignored) or by code. */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { PeopleDeps } from './deps.ts';
import { nameKey } from './names.ts';
import { listFollowedBy } from './people-repository.ts';
import { personCodes } from './person-code.ts';
import { type PersonView, toPersonView } from './person-view.ts';
import { peoplePolicy } from './policies.ts';

export const LIST_LIMIT = 50;

/**
 * Up to 50 people the structure follows, newest follow first. A query that reads as a person
 * code looks the code up; otherwise it matches the beginning of a word of the display name.
 * Lists are not written in the access journal: opening a record is (viewPerson).
 */
export async function listPeopleFollowedBy(
  deps: PeopleDeps,
  actor: Actor | undefined,
  organisationId: string,
  options: { query?: string } = {},
): Promise<PersonView[]> {
  authorize(actor, peoplePolicy.listFollowed, { id: organisationId });
  const query = (options.query ?? '').slice(0, 100);
  const asCode = personCodes.parse(query);
  const key = nameKey(query);
  const rows = await listFollowedBy(deps.db, organisationId, {
    limit: LIST_LIMIT,
    ...(asCode.ok ? { code: asCode.code } : key ? { nameQuery: key } : {}),
  });
  const views: PersonView[] = [];
  for (const row of rows) {
    views.push(await toPersonView(deps.db, deps.clock, actor, row, row));
  }
  return views;
}
