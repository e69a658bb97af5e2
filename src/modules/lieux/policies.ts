/** Who may do what with places (see policies.test.ts for the role-by-role table). */
import { type Actor, hasRole, hasRoleAnywhere } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';

type PlaceRef = { organisation_id: string | null };

export const lieuxPolicy = definePolicy({
  /** Import files of places and the gazetteer; see import reports. */
  importPlaces: (actor: Actor, _: null) => actor.isPlatformAdmin || hasRoleAnywhere(actor, 'coordinateur'),
  /** Edit a place's information, mark it closed or open again. */
  editPlace: (actor: Actor, place: PlaceRef) =>
    actor.isPlatformAdmin ||
    hasRoleAnywhere(actor, 'coordinateur') ||
    (place.organisation_id !== null && hasRole(actor, place.organisation_id, 'responsable')),
  /** Say which organisation maintains a place. */
  assignPlace: (actor: Actor, _: PlaceRef) => actor.isPlatformAdmin || hasRoleAnywhere(actor, 'coordinateur'),
  /** See the places an organisation maintains. */
  viewOrganisationPlaces: (actor: Actor, org: { id: string }) =>
    actor.isPlatformAdmin || hasRoleAnywhere(actor, 'coordinateur') || hasRole(actor, org.id, 'responsable', 'aidant'),
});
