/**
 * Who may grant what — the one rule, in one place (issue 9). Every invitation, change of role,
 * removal of a member and change of the « habilité à agir pour le compte d'autrui » flag asks
 * these functions, whichever module or page does it; every grant and removal is journaled by
 * the use case that writes it.
 *
 * - A responsable grants, changes and removes only the structure roles (aidant, prescripteur,
 *   responsable), and only in their own structure.
 * - Coordinateur, financeur and agent d'organisme — and the platform administrator flag — are
 *   granted, changed or removed only by a platform administrator.
 * - The flag « habilité à agir pour le compte d'autrui » (mandates) is set only by a platform
 *   administrator or by a coordinateur whose organisation's territory contains the structure's;
 *   whoever manages the members may take it away. Only an aidant carries it.
 */
import { type Actor, hasRole, type Role, roles } from './actor.ts';
import { contains, type Territory } from './territory.ts';

/** The organisation a grant is made in. */
export interface GrantTarget {
  readonly id: string;
  readonly territory: Territory;
}

/** The roles a structure's responsable may grant in that structure. */
export const STRUCTURE_ROLES: readonly Role[] = ['aidant', 'prescripteur', 'responsable'];

/** The roles whose holders manage the members of their own structure. */
export const MEMBER_MANAGER_ROLES: readonly Role[] = ['responsable'];

/** The role whose holders set the habilitation flag inside their territory. */
const HABILITATING_ROLES: readonly Role[] = ['coordinateur'];

/** Only an aidant acts on someone's behalf under a mandate. */
export function roleMayActOnBehalf(role: Role): boolean {
  return role === 'aidant';
}

/** Whether the actor may give `role` in the organisation (invite with it, or promote to it). */
export function mayGrantRole(actor: Actor, organisation: GrantTarget, role: Role): boolean {
  if (actor.isPlatformAdmin) return true;
  return STRUCTURE_ROLES.includes(role) && hasRole(actor, organisation.id, ...MEMBER_MANAGER_ROLES);
}

/** A change of role takes away the old role and gives the new one: both must be the actor's to give. */
export function mayChangeRole(actor: Actor, organisation: GrantTarget, from: Role, to: Role): boolean {
  return mayGrantRole(actor, organisation, from) && mayGrantRole(actor, organisation, to);
}

/** Removing a member takes their role away: only whoever could have granted it. */
export function mayRemoveMember(actor: Actor, organisation: GrantTarget, role: Role): boolean {
  return mayGrantRole(actor, organisation, role);
}

/** Whether the actor may set the flag « habilité à agir pour le compte d'autrui » in the organisation. */
export function maySetActOnBehalf(actor: Actor, organisation: GrantTarget): boolean {
  if (actor.isPlatformAdmin) return true;
  return actor.memberships.some(
    (m) => HABILITATING_ROLES.includes(m.role) && contains(m.territory, organisation.territory),
  );
}

/** Whether the actor may take the flag away (a manager of the structure may, as well as whoever may set it). */
export function mayClearActOnBehalf(actor: Actor, organisation: GrantTarget): boolean {
  return maySetActOnBehalf(actor, organisation) || hasRole(actor, organisation.id, ...MEMBER_MANAGER_ROLES);
}

/** The roles the actor may give in the organisation, in the usual order (for the forms). */
export function grantableRoles(actor: Actor, organisation: GrantTarget): Role[] {
  return roles.filter((r) => mayGrantRole(actor, organisation, r));
}

/** Only a platform administrator makes another one (the command line acts as one). */
export function mayGrantPlatformAdmin(actor: Actor): boolean {
  return actor.isPlatformAdmin;
}
