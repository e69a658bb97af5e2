/**
 * Who may do what with the record of a person helped (ADR 0018). The grant is the follow link:
 * a structure follows a person it created, one whose consent to share it recorded, or one it
 * received by a merge. Inside a structure that follows the person, its aidants, responsables and
 * prescripteurs see and update the record; only its responsables merge, erase and read the
 * access journal. Territory gives nothing here: a coordinateur's territory opens aggregated
 * statistics, never an individual record, and the platform administrator (national) has no
 * access to individual records either. Role names appear only in policy code.
 */
import { type Actor, hasRole, organisationsWhere } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import { type Scope, someRows } from '../../platform/auth/scope.ts';

/** Roles that work with people helped, inside their own structure. */
const FOLLOWING = ['aidant', 'responsable', 'prescripteur'] as const;
const MANAGING = ['responsable'] as const;

type OrgRef = { id: string };
/** A person as the policy sees it: the structures that follow them. */
type PersonRef = { followers: readonly string[] };
type IdentityLinkRef = { mandateOrganisationId: string; followers: readonly string[] };

const followsIn = (actor: Actor, person: PersonRef, ...roles: (typeof FOLLOWING)[number][]) =>
  person.followers.some((id) => hasRole(actor, id, ...roles));

export const peoplePolicy = definePolicy({
  /** Create a record for a structure (which then follows the person). */
  createPerson: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...FOLLOWING),
  /** Look a person up by their code for a structure, and record their consent to share the record with it. */
  findByCode: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...FOLLOWING),
  /** The list of a structure's people (pickers). */
  listFollowed: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...FOLLOWING),
  /** Open a record, change it, record or withdraw the contact consent. */
  viewPerson: (actor: Actor, person: PersonRef) => followsIn(actor, person, ...FOLLOWING),
  updatePerson: (actor: Actor, person: PersonRef) => followsIn(actor, person, ...FOLLOWING),
  /** A structure's duplicates list (its responsables). */
  manageOrganisationPeople: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...MANAGING),
  /** Merge duplicates, erase on request, read who opened the record. */
  managePerson: (actor: Actor, person: PersonRef) => followsIn(actor, person, ...MANAGING),
  /** Link an identity under a mandate: a helper of the mandate's structure, which follows the person. */
  linkIdentity: (actor: Actor, link: IdentityLinkRef) =>
    link.followers.includes(link.mandateOrganisationId) &&
    hasRole(actor, link.mandateOrganisationId, 'aidant', 'responsable'),
  /** See an identity link: only the structure holding the mandate. */
  viewIdentityLink: (actor: Actor, link: { mandateOrganisationId: string }) =>
    hasRole(actor, link.mandateOrganisationId, ...FOLLOWING),
});

/** The structures through which the actor sees people: a person is visible when one of them follows it. */
export function followedPeopleScope(actor: Actor): Scope<'follower'> {
  return someRows({ follower: organisationsWhere(actor, ...FOLLOWING) });
}

/** The structures (among those following a person) whose responsables the actor is. */
export function managedFollowers(actor: Actor, followers: readonly string[]): string[] {
  return followers.filter((id) => hasRole(actor, id, ...MANAGING));
}

/** The structures whose people the actor administers (duplicates, erasure, access journal). */
export function administeredOrganisations(actor: Actor): string[] {
  return organisationsWhere(actor, ...MANAGING);
}
