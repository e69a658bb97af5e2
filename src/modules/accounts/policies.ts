/**
 * Who may do what with organisations and accounts. Every route and use case of the module
 * goes through these rules (see policies.test.ts for the role-by-role table).
 */
import { type Actor, hasRole, isMember } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';

type OrgRef = { id: string };

export const accountsPolicy = definePolicy({
  /** Create organisations and see them all. */
  administerPlatform: (actor: Actor, _: null) => actor.isPlatformAdmin,
  viewOrganisation: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || isMember(actor, org.id),
  /** Invite, change roles, remove members. */
  manageMembers: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || hasRole(actor, org.id, 'responsable'),
  /** Habilitate a helper to act on someone's behalf (mandates). */
  habilitateHelpers: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || hasRole(actor, org.id, 'responsable'),
  viewJournal: (actor: Actor, _: null) => actor.isPlatformAdmin,
});
