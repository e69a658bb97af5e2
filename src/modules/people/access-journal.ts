/** Who opened a person's record, when: readable by the responsables of structures following the person. */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { loadUser, organisationDirectory } from '../accounts/index.ts';
import type { PeopleDeps } from './deps.ts';
import { accessesOf, followersOf } from './people-repository.ts';
import { peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord } from './view-person.ts';

export const ACCESS_LABELS: Record<string, string> = {
  consultation: 'Consultation de la fiche',
  recherche_par_code: 'Recherche par le code de la carte',
  impression: 'Impression de la carte',
};

export interface AccessEntry {
  at: string;
  action: string;
  /** « Consultation de la fiche »… */
  label: string;
  userName: string;
  organisationName: string;
}

/** The last 200 openings of the record, newest first. Reading it is not itself logged. */
export async function viewAccessJournal(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
): Promise<AccessEntry[]> {
  const person = await liveRecord(deps.db, personId);
  if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
  if (!person) throw new NotFoundError('Personne introuvable.');
  authorize(actor, peoplePolicy.managePerson, { followers: await followersOf(deps.db, person.id) });
  const rows = await accessesOf(deps.db, person.id, 200);
  const users = new Map<string, string>();
  const organisations = new Map<string, string>();
  const entries: AccessEntry[] = [];
  const directory = organisationDirectory(deps.db);
  for (const row of rows) {
    if (row.userId && !users.has(row.userId)) {
      users.set(row.userId, (await loadUser(deps.db, row.userId))?.actor.displayName ?? 'Compte supprimé');
    }
    if (row.organisationId && !organisations.has(row.organisationId)) {
      organisations.set(row.organisationId, (await directory.name(row.organisationId)) ?? '—');
    }
    entries.push({
      at: row.at.toISOString(),
      action: row.action,
      label: ACCESS_LABELS[row.action] ?? row.action,
      userName: row.userId ? (users.get(row.userId) ?? '') : 'Compte supprimé',
      organisationName: row.organisationId ? (organisations.get(row.organisationId) ?? '') : '—',
    });
  }
  return entries;
}
