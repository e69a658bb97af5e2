/**
 * Who may do what with the Pass numérique (see policies.test.ts for the role-by-role table and
 * ADR 0009). A role counts only in the organisation that holds it; a coordinateur acts inside
 * its organisation's territory, never on its own structure's place; a financeur on the
 * programmes its organisation funds, and it alone consents to them and pays their statements;
 * a responsable or aidant for its own structure and its places; only a platform administrator
 * is national. Each list is filtered by a scope (« which rows may this actor see? ») that the
 * repositories turn into SQL. Role names appear only in policy code.
 */
import {
  type Actor,
  actsAt,
  hasRole,
  holdsAnyRole,
  holdsTerritorialRoleWithoutTerritory,
  isMember,
  organisationsWhere,
  type Role,
  territoryWhere,
} from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import { allRows, inScope, type Scope, someRows } from '../../platform/auth/scope.ts';
import { contains, isEmptyTerritory, type Location, type Territory } from '../../platform/auth/territory.ts';
import { placeLocation } from '../lieux/index.ts';

type ProgrammeRef = {
  coordinator_organisation_id: string;
  funder_organisation_id: string;
  territory_departements: readonly string[];
  territory_communes: readonly string[];
};
type OrgRef = { id: string };
type PlaceRef = { code_insee: string | null; code_postal: string };
/** A qualification with where its place is. */
type QualificationRef = { organisation_id: string; place: PlaceRef };
type StatementRef = { organisation_id: string; funder_organisation_id: string; place: PlaceRef };
/** What a new programme would be. */
type NewProgrammeRef = { coordinatorOrganisationId: string; territory: Territory };

const COORDINATING = ['coordinateur'] as const;
const FUNDING = ['financeur'] as const;
const DISTRIBUTING = ['prescripteur', 'responsable'] as const;
const MANAGING = ['responsable'] as const;
const REDEEMING = ['aidant', 'responsable'] as const;

export const programmeArea = (p: ProgrammeRef): Territory => ({
  departements: p.territory_departements,
  communes: p.territory_communes,
});

/** Whether the actor is a coordinateur of this organisation whose territory contains the area. */
function coordinatesIn(actor: Actor, organisationId: string, area: Territory): boolean {
  return actor.memberships.some(
    (m) => m.organisationId === organisationId && m.role === 'coordinateur' && contains(m.territory, area),
  );
}

/** Programmes: those its organisations coordinate or fund, and those overlapping its territory as coordinateur. */
export function programmeScope(actor: Actor): Scope<'coordinator' | 'funder'> {
  if (actor.isPlatformAdmin) return allRows();
  return someRows(
    { coordinator: organisationsWhere(actor, ...COORDINATING), funder: organisationsWhere(actor, ...FUNDING) },
    territoryWhere(actor, ...COORDINATING),
  );
}

/** Statements and their provisional totals: the funder's, the structure's (its responsable), the coordinateur's territory. */
export function statementScope(actor: Actor): Scope<'funder' | 'structure'> {
  if (actor.isPlatformAdmin) return allRows();
  return someRows(
    { funder: organisationsWhere(actor, ...FUNDING), structure: organisationsWhere(actor, ...MANAGING) },
    territoryWhere(actor, ...COORDINATING),
  );
}

/** Qualification requests a coordinateur reviews: the places inside its territory. */
export function qualificationScope(actor: Actor): Scope<'structure'> {
  if (actor.isPlatformAdmin) return allRows();
  return someRows({ structure: [] }, territoryWhere(actor, ...COORDINATING));
}

/** Programmes waiting for the consent of one of the actor's funding organisations. */
export function consentScope(actor: Actor): Scope<'funder'> {
  return someRows({ funder: organisationsWhere(actor, ...FUNDING) });
}

const programmeRow = (p: ProgrammeRef) => ({
  organisations: { coordinator: p.coordinator_organisation_id, funder: p.funder_organisation_id },
  area: programmeArea(p),
});

export const passPolicy = definePolicy({
  /** Create a programme coordinated by this organisation, on a territory inside the coordinateur's. */
  createProgramme: (actor: Actor, p: NewProgrammeRef) =>
    actor.isPlatformAdmin || coordinatesIn(actor, p.coordinatorOrganisationId, p.territory),
  /** The « Nouveau programme » button: a coordinateur whose organisation has a territory. */
  mayCreateProgrammes: (actor: Actor, _: null) =>
    actor.isPlatformAdmin || actor.memberships.some((m) => m.role === 'coordinateur' && !isEmptyTerritory(m.territory)),
  /** Issue booklets, assign them to distributors, print them, see alerts. */
  manageProgramme: (actor: Actor, p: ProgrammeRef) =>
    actor.isPlatformAdmin || coordinatesIn(actor, p.coordinator_organisation_id, programmeArea(p)),
  /** See a programme and its report. */
  viewProgramme: (actor: Actor, p: ProgrammeRef) => inScope(programmeScope(actor), programmeRow(p)),
  /** Consent to a programme billed to the organisation: its financeurs only. */
  acceptProgramme: (actor: Actor, p: ProgrammeRef) => hasRole(actor, p.funder_organisation_id, ...FUNDING),
  /** See a statement. */
  viewStatement: (actor: Actor, s: StatementRef) =>
    inScope(statementScope(actor), {
      organisations: { funder: s.funder_organisation_id, structure: s.organisation_id },
      at: placeLocation(s.place),
    }),
  /** Mark a statement paid: the funder's act alone. */
  payStatement: (actor: Actor, s: Pick<StatementRef, 'funder_organisation_id'>) =>
    hasRole(actor, s.funder_organisation_id, ...FUNDING),
  /** Hand booklets held by the organisation to beneficiaries. */
  distribute: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || hasRole(actor, org.id, ...DISTRIBUTING),
  requestQualification: (actor: Actor, org: OrgRef) => actor.isPlatformAdmin || hasRole(actor, org.id, ...MANAGING),
  /** Decide on a place's qualification: inside the coordinateur's territory, never for its own structure. */
  decideQualification: (actor: Actor, q: QualificationRef) =>
    actor.isPlatformAdmin ||
    (actsAt(actor, COORDINATING, placeLocation(q.place) satisfies Location) && !isMember(actor, q.organisation_id)),
  /** The qualification review page and the alerts: a coordinateur whose organisation has a territory. */
  reviewQualifications: (actor: Actor, _: null) =>
    actor.isPlatformAdmin || !isEmptyTerritory(territoryWhere(actor, ...COORDINATING)),
  /** Redeem and undo at the organisation's places. */
  redeem: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...REDEEMING),
  manageApiTokens: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...MANAGING),
  memberOf: (actor: Actor, org: OrgRef) => isMember(actor, org.id),
  /** Workspace entries (menus, never a right by themselves). */
  seesPassWorkspace: (actor: Actor, _: null) =>
    actor.isPlatformAdmin || holdsAnyRole(actor, ...COORDINATING, ...FUNDING),
  seesStatementsWorkspace: (actor: Actor, _: null) => holdsAnyRole(actor, ...MANAGING, ...FUNDING),
  seesQualificationWorkspace: (actor: Actor, _: null) => holdsAnyRole(actor, ...MANAGING),
});

/** Whether a coordinateur's organisation holds no territory yet (the workspace says so). */
export function coordinatesWithoutTerritory(actor: Actor): boolean {
  return holdsTerritorialRoleWithoutTerritory(actor);
}

/** The organisations in which the actor may create programmes (for the form's choice). */
export function coordinatingOrganisations(actor: Actor): Array<{ id: string; name: string }> {
  return actor.memberships
    .filter((m) => m.role === 'coordinateur' && !isEmptyTerritory(m.territory))
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

/** The scope of the programmes an actor manages (alerts): those its organisations coordinate. */
export function managedProgrammeScope(actor: Actor): Scope<'coordinator' | 'funder'> {
  if (actor.isPlatformAdmin) return allRows();
  return someRows({ coordinator: organisationsWhere(actor, ...COORDINATING), funder: [] });
}

/** The organisations where the actor redeems vouchers (the redeem pages' choices and lists). */
export function redeemingOrganisations(actor: Actor): string[] {
  return organisationsWhere(actor, ...REDEEMING);
}

/** Software with an API token acts as a helper of the token's organisation: it may only redeem there. */
export const API_TOKEN_ROLE = 'aidant' satisfies Role;

/** The « Remettre des carnets » workspace entry (a menu, never a right by itself). */
export function seesDistributionWorkspace(actor: Actor): boolean {
  return holdsAnyRole(actor, 'prescripteur');
}

/** Whose consent a programme waits for, in its funder organisation (the e-mail's recipients). */
export const CONSENTING_ROLES: readonly Role[] = FUNDING;
