/** Likely duplicates and their merge by a responsable of a structure following both records. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PeopleDeps } from './deps.ts';
import { duplicateGroups, findContact, findPerson, followersOf, mergeRecords } from './people-repository.ts';
import { type PersonView, toPersonView } from './person-view.ts';
import { managedFollowers, peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord } from './view-person.ts';

/**
 * Groups of likely duplicates among the people a structure follows (same name without accents
 * or case, same birth year, same commune), for its responsables.
 */
export async function listLikelyDuplicates(
  deps: PeopleDeps,
  actor: Actor | undefined,
  organisationId: string,
): Promise<PersonView[][]> {
  authorize(actor, peoplePolicy.manageOrganisationPeople, { id: organisationId });
  const groups = await duplicateGroups(deps.db, [organisationId]);
  const result: PersonView[][] = [];
  for (const ids of groups) {
    const views: PersonView[] = [];
    for (const id of ids) {
      const person = await findPerson(deps.db, id);
      if (!person) continue;
      views.push(
        await toPersonView(deps.db, deps.clock, actor, person, {
          followers: await followersOf(deps.db, id),
          hasContact: (await findContact(deps.db, id)) !== undefined,
        }),
      );
    }
    result.push(views);
  }
  return result;
}

const mergeSchema = z.object({
  keepId: z.string({ message: 'Choisissez la fiche à garder.' }).uuid('Choisissez la fiche à garder.'),
  duplicateId: z.string({ message: 'Choisissez le doublon.' }).uuid('Choisissez le doublon.'),
});

/**
 * Merges a duplicate into the record kept: follows, contact (the kept one's first), access
 * journal and identity links move over, missing facts are filled in, and the duplicate keeps
 * only a pointer (its id still leads to the kept record). The actor must be a responsable of a
 * structure following each record. One transaction, journaled.
 */
export async function mergePeople(deps: PeopleDeps, actor: Actor | undefined, input: unknown): Promise<PersonView> {
  const v = parseInput(mergeSchema, input);
  if (v.keepId === v.duplicateId) throw new RuleError('same_person', 'Choisissez deux fiches différentes.');
  return deps.db.transaction(async (tx) => {
    // Lock in a fixed order, so that two merges of the same pair never deadlock.
    const [first, second] = [v.keepId, v.duplicateId].sort();
    const a = await liveRecord(tx, first as string, { lock: true });
    const b = await liveRecord(tx, second as string, { lock: true });
    if (a === 'erased' || b === 'erased') throw new NotFoundError(ERASED_MESSAGE);
    if (!a || !b) throw new NotFoundError('Une des deux fiches est introuvable ou déjà fusionnée.');
    const keep = a.id === v.keepId ? a : b;
    const duplicate = a.id === v.keepId ? b : a;
    if (keep.id === duplicate.id) throw new RuleError('same_person', 'Ces deux fiches ont déjà été fusionnées.');
    const keepFollowers = await followersOf(tx, keep.id);
    const duplicateFollowers = await followersOf(tx, duplicate.id);
    authorize(actor, peoplePolicy.managePerson, { followers: keepFollowers });
    authorize(actor, peoplePolicy.managePerson, { followers: duplicateFollowers });
    const now = deps.clock();
    await mergeRecords(tx, keep, duplicate, now, accountIdOf(actor));
    await appendJournal(tx, deps.clock, {
      action: 'personne.fusionnee',
      actorUserId: accountIdOf(actor),
      organisationId: managedFollowers(actor, keepFollowers)[0] ?? null,
      targetType: 'personne',
      targetId: keep.id,
      details: { doublon: duplicate.id },
    });
    const merged = await findPerson(tx, keep.id);
    if (!merged) throw new Error('kept record vanished');
    return toPersonView(tx, deps.clock, actor, merged, {
      followers: await followersOf(tx, keep.id),
      hasContact: (await findContact(tx, keep.id)) !== undefined,
    });
  });
}
