/**
 * Who may do what with support sessions (policies.test.ts has the role-by-role table). Role
 * names appear only here.
 *
 * - aidant and responsable of a structure record sessions for it, and see and export their own;
 * - a helper changes or deletes only their own records (within 7 days: a rule of the use case);
 * - a responsable sees and exports the structure's statistics and sessions (without notes);
 * - a coordinateur sees the figures of the territory of their organisation, and exports
 *   aggregates only; a platform administrator sees the whole country.
 */
import { type Actor, hasRole, territoryWhere } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import { departementOfCommune } from '../../platform/auth/territory.ts';

type OrgRef = { id: string };
export type SessionRef = { organisationId: string; helperUserId: string | null };

const HELPERS = ['aidant', 'responsable'] as const;

export const supportPolicy = definePolicy({
  /** Record a session for this structure. */
  recordSession: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...HELPERS),
  /** Change or delete a session: only the helper who recorded it, still a helper of the structure. */
  changeSession: (actor: Actor, session: SessionRef) =>
    session.helperUserId === actor.userId && hasRole(actor, session.organisationId, ...HELPERS),
  /** See one's own sessions and statistics (any structure where one helps). */
  viewOwnSessions: (actor: Actor, _: null) =>
    actor.memberships.some((m) => (HELPERS as readonly string[]).includes(m.role)),
  /** The statistics and the export of a whole structure. */
  viewStructure: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, 'responsable'),
  /** Territory figures (aggregates only). */
  viewTerritory: (actor: Actor, _: null) =>
    actor.isPlatformAdmin || actor.memberships.some((m) => m.role === 'coordinateur'),
});

/** Structures where the actor records sessions. */
export function helpingOrganisations(actor: Actor): Array<{ id: string; name: string }> {
  const seen = new Set<string>();
  return actor.memberships
    .filter((m) => (HELPERS as readonly string[]).includes(m.role))
    .filter((m) => !seen.has(m.organisationId) && seen.add(m.organisationId))
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

/** Structures whose whole statistics the actor sees. */
export function managedOrganisations(actor: Actor): Array<{ id: string; name: string }> {
  return actor.memberships
    .filter((m) => m.role === 'responsable')
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

export type TerritoryScope =
  | { kind: 'national' }
  | { kind: 'territory'; departements: string[]; communes: string[] }
  | { kind: 'none' };

/** The territory whose figures an actor sees: the whole country for an administrator. */
export function territoryScope(actor: Actor): TerritoryScope {
  if (actor.isPlatformAdmin) return { kind: 'national' };
  const t = territoryWhere(actor, 'coordinateur');
  if (t.departements.length === 0 && t.communes.length === 0) return { kind: 'none' };
  return { kind: 'territory', departements: [...t.departements].sort(), communes: [...t.communes].sort() };
}

/** Whether a département may be shown to this actor as « their territory ». */
export function mayViewDepartement(actor: Actor, departement: string): boolean {
  const scope = territoryScope(actor);
  if (scope.kind === 'national') return true;
  if (scope.kind === 'none') return false;
  return scope.departements.includes(departement);
}

/** The départements touched by a territory (for the choice of the page). */
export function departementsOf(scope: TerritoryScope): string[] {
  if (scope.kind !== 'territory') return [];
  return [...new Set([...scope.departements, ...scope.communes.map(departementOfCommune)])].sort();
}
