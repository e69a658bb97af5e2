/** Read models of organisations, each behind its policy: one organisation with its members, the list for administrators. */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy } from './policies.ts';
import { findOrganisation, listOrganisations, membersOf, pendingInvitations } from './repository.ts';

/** An organisation, its members and — for those who manage them — its pending invitations. */
export async function organisationView(deps: Pick<AccountsDeps, 'db' | 'clock'>, actor: Actor, organisationId: string) {
  const organisation = await findOrganisation(deps.db, organisationId);
  if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
  authorize(actor, accountsPolicy.viewOrganisation, organisation);
  const canManage = can(actor, accountsPolicy.manageMembers, organisation);
  const [members, invitations] = await Promise.all([
    membersOf(deps.db, organisation.id),
    canManage ? pendingInvitations(deps.db, organisation.id, deps.clock()) : Promise.resolve([]),
  ]);
  return { organisation, members, invitations, canManage };
}

/** Every organisation, for the platform's administrators. */
export async function organisationsForAdministrator(deps: Pick<AccountsDeps, 'db'>, actor: Actor) {
  authorize(actor, accountsPolicy.administerPlatform, null);
  return listOrganisations(deps.db);
}
