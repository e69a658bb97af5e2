/**
 * Who may do what with organisations and accounts. Every route and use case of the module
 * goes through these rules (see policies.test.ts for the role-by-role table); who may grant
 * which role, and the « habilité à agir pour le compte d'autrui » flag, is the one rule of
 * src/platform/auth/grants.ts.
 */
import { type Actor, hasRole, isMember } from '../../platform/auth/actor.ts';
import { MEMBER_MANAGER_ROLES, maySetActOnBehalf } from '../../platform/auth/grants.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import type { Territory } from '../../platform/auth/territory.ts';

type OrgRef = { id: string; territory: Territory };

export const accountsPolicy = definePolicy({
  /** Create organisations and see them all; set an organisation's territory. */
  administerPlatform: (actor: Actor, _: null) => actor.isPlatformAdmin,
  /** See an organisation and its members: its members, and whoever may habilitate its helpers. */
  viewOrganisation: (actor: Actor, org: OrgRef) =>
    actor.isPlatformAdmin || isMember(actor, org.id) || maySetActOnBehalf(actor, org),
  /** Open the members' forms (each grant is then decided by grants.ts). */
  manageMembers: (actor: Actor, org: OrgRef) =>
    actor.isPlatformAdmin || hasRole(actor, org.id, ...MEMBER_MANAGER_ROLES),
  /** Habilitate a helper to act on someone's behalf (mandates): administrator, or coordinateur of the territory. */
  habilitateHelpers: (actor: Actor, org: OrgRef) => maySetActOnBehalf(actor, org),
  viewJournal: (actor: Actor, _: null) => actor.isPlatformAdmin,
});

/** Whether the role is one whose holders manage the structure (the last one cannot leave). */
export function isManagerRole(role: string): boolean {
  return (MEMBER_MANAGER_ROLES as readonly string[]).includes(role);
}
