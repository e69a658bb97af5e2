/** Read models of organisations, each behind its policy: one organisation with its members, the list for administrators. */
import type { Actor } from '../../platform/auth/actor.ts';
import { grantableRoles } from '../../platform/auth/grants.ts';
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
  // Members' forms: their managers, and whoever may habilitate helpers (each grant decided by grants.ts).
  const canHabilitate = can(actor, accountsPolicy.habilitateHelpers, organisation);
  const canManage = can(actor, accountsPolicy.manageMembers, organisation) || canHabilitate;
  const grantable = grantableRoles(actor, organisation);
  const [members, invitations] = await Promise.all([
    membersOf(deps.db, organisation.id),
    canManage ? pendingInvitations(deps.db, organisation.id, deps.clock()) : Promise.resolve([]),
  ]);
  return { organisation, members, invitations, canManage, canHabilitate, grantable };
}

/** Every organisation, for the platform's administrators. */
export async function organisationsForAdministrator(deps: Pick<AccountsDeps, 'db'>, actor: Actor) {
  authorize(actor, accountsPolicy.administerPlatform, null);
  return listOrganisations(deps.db);
}
