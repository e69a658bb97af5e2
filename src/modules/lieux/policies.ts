/**
 * Who may do what with places (see policies.test.ts for the role-by-role table). A place lies in
 * a commune of a département; a coordinateur acts on the places inside the territory of the
 * organisation holding the role, a responsable on its own structure's places; only a platform
 * administrator acts everywhere (ADR 0009). Role names appear only in policy code.
 */
import { type Actor, actsAt, hasRole, holdsAnyRole, isMember } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import type { Location } from '../../platform/auth/territory.ts';
import { departementOfPlace } from './gazetteer/place-departement.ts';

type PlaceRef = { organisation_id: string | null; code_insee: string | null; code_postal: string };

/** Roles that keep their own structure's places up to date. */
const PLACE_KEEPERS = ['responsable'] as const;
/** Roles that see their own structure's places. */
const PLACE_VIEWERS = ['responsable', 'aidant'] as const;
/** The territorial role. */
const TERRITORIAL = ['coordinateur'] as const;

/** Where a place is, for territorial rules. */
export function placeLocation(place: { code_insee: string | null; code_postal: string }): Location {
  return { departement: departementOfPlace(place), commune: place.code_insee };
}

export const lieuxPolicy = definePolicy({
  /** Import files of places and the gazetteer; see import reports (a file covers many territories). */
  importPlaces: (actor: Actor, _: null) => actor.isPlatformAdmin,
  /** Edit a place's information, mark it closed or open again. */
  editPlace: (actor: Actor, place: PlaceRef) =>
    actor.isPlatformAdmin ||
    (place.organisation_id !== null && hasRole(actor, place.organisation_id, ...PLACE_KEEPERS)) ||
    actsAt(actor, TERRITORIAL, placeLocation(place)),
  /** Say which organisation maintains a place: inside the coordinateur's territory. */
  assignPlace: (actor: Actor, place: PlaceRef) =>
    actor.isPlatformAdmin || actsAt(actor, TERRITORIAL, placeLocation(place)),
  /** See the places an organisation maintains: its own members. */
  viewOrganisationPlaces: (actor: Actor, org: { id: string }) =>
    actor.isPlatformAdmin || hasRole(actor, org.id, ...PLACE_VIEWERS),
  /** The « Nos lieux » entry of the workspace (a menu, never a right by itself). */
  keepsPlaces: (actor: Actor, _: null) => holdsAnyRole(actor, ...PLACE_VIEWERS),
  /** Whether the actor is a member of the organisation maintaining the place. */
  memberOfPlace: (actor: Actor, place: PlaceRef) =>
    place.organisation_id !== null && isMember(actor, place.organisation_id),
});
