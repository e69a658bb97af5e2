/**
 * Who may do what with habilitations and mandates (ADR 0009: organisation, role, territory).
 * - A coordinateur habilitates the structures of their territory and records their helpers'
 *   training; they (and a platform administrator) may suspend them.
 * - A structure's responsable sees its habilitation and may suspend one of its helpers at once.
 * - Helpers (aidant, responsable) flagged to act on someone's behalf use mandates of their
 *   structure; whether they are habilitated right now is checked by helper-standing.ts.
 */
import { type Actor, actsOver, hasRole, holdsAnyRole, type Role } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import type { Territory } from '../../platform/auth/territory.ts';

export interface StructureRef {
  id: string;
  territory: Territory;
}

const coordinates = (actor: Actor, s: StructureRef) => actsOver(actor, ['coordinateur'], s.territory);

export const mandatesPolicy = definePolicy({
  /** The list of structures to habilitate: coordinateurs (each sees their territory's). */
  listHabilitations: (actor: Actor, _: null) => holdsAnyRole(actor, 'coordinateur') || actor.isPlatformAdmin,
  habilitate: (actor: Actor, s: StructureRef) => coordinates(actor, s),
  viewHabilitation: (actor: Actor, s: StructureRef) =>
    coordinates(actor, s) || actor.isPlatformAdmin || hasRole(actor, s.id, 'responsable'),
  suspendStructure: (actor: Actor, s: StructureRef) => coordinates(actor, s) || actor.isPlatformAdmin,
  suspendHelper: (actor: Actor, s: StructureRef) =>
    coordinates(actor, s) || actor.isPlatformAdmin || hasRole(actor, s.id, 'responsable'),
  /** Acting for people: a helper of the structure flagged to act on someone's behalf. */
  actForPeople: (actor: Actor, s: { id: string }) =>
    actor.memberships.some(
      (m) => m.organisationId === s.id && m.canActOnBehalf && (m.role === 'aidant' || m.role === 'responsable'),
    ),
  /** Partner services of the OpenID Connect provider: the platform administrator registers them. */
  managePartners: (actor: Actor, _: null) => actor.isPlatformAdmin,
  /** The mandates page: whoever may act for people somewhere. */
  useMandatesSomewhere: (actor: Actor, _: null) =>
    actor.memberships.some((m) => m.canActOnBehalf && (m.role === 'aidant' || m.role === 'responsable')),
});

/** Who is told that a mandate of the structure expires soon. */
export const REMINDED_ROLES: readonly Role[] = ['responsable', 'aidant'];
