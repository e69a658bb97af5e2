/**
 * Who is acting: the signed-in person with their roles, each held in one organisation, and the
 * territory of that organisation. Loaded once per request by the accounts module (wired in
 * app.ts) and passed to every use case. The helpers below are what policies build on: a role
 * counts only in the organisation that holds it, and a territorial role only inside that
 * organisation's territory; only the platform administrator is national.
 */
import { contains, covers, isEmptyTerritory, type Location, type Territory, unionOf } from './territory.ts';

export const roles = ['coordinateur', 'responsable', 'aidant', 'prescripteur', 'financeur', 'agent'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  coordinateur: 'Coordinateur ou coordinatrice',
  responsable: 'Responsable de structure',
  aidant: 'Aidant ou médiateur',
  prescripteur: 'Prescripteur ou distributeur',
  financeur: 'Financeur',
  agent: "Agent d'organisme",
};

export interface Membership {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly role: Role;
  /** Habilitated to act on someone's behalf (mandates): requires a second factor. */
  readonly canActOnBehalf: boolean;
  /** The territory of the organisation (empty until a platform administrator sets it). */
  readonly territory: Territory;
}

export interface Actor {
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly isPlatformAdmin: boolean;
  readonly memberships: readonly Membership[];
  readonly sessionId: string;
  readonly hasSecondFactor: boolean;
  /** Set when the actor is software using an API token of an organisation, not a person. */
  readonly apiTokenId?: string;
}

/** Admins and helpers who may act on someone's behalf cannot work without a second factor. */
export function requiresSecondFactor(actor: Pick<Actor, 'isPlatformAdmin' | 'memberships'>): boolean {
  return actor.isPlatformAdmin || actor.memberships.some((m) => m.canActOnBehalf);
}

export function isMember(actor: Actor, organisationId: string): boolean {
  return actor.memberships.some((m) => m.organisationId === organisationId);
}

export function hasRole(actor: Actor, organisationId: string, ...wanted: Role[]): boolean {
  return actor.memberships.some((m) => m.organisationId === organisationId && wanted.includes(m.role));
}

/** The organisations in which the actor holds one of these roles. */
export function organisationsWhere(actor: Actor, ...wanted: Role[]): string[] {
  return [...new Set(actor.memberships.filter((m) => wanted.includes(m.role)).map((m) => m.organisationId))];
}

/** Whether the actor holds one of these roles in at least one organisation (menus, never a right by itself). */
export function holdsAnyRole(actor: Actor, ...wanted: Role[]): boolean {
  return actor.memberships.some((m) => wanted.includes(m.role));
}

/**
 * The territory where the actor acts with one of these roles: the union of the territories of
 * the organisations holding them (empty for an organisation without a territory).
 */
export function territoryWhere(actor: Actor, ...wanted: Role[]): Territory {
  return unionOf(actor.memberships.filter((m) => wanted.includes(m.role)).map((m) => m.territory));
}

/** Whether one of these roles, held in an organisation whose territory covers the location, lets the actor act there. */
export function actsAt(actor: Actor, wanted: readonly Role[], at: Location): boolean {
  return actor.memberships.some((m) => wanted.includes(m.role) && covers(m.territory, at));
}

/** Whether one of these roles is held in an organisation whose territory contains the whole area. */
export function actsOver(actor: Actor, wanted: readonly Role[], area: Territory): boolean {
  return actor.memberships.some((m) => wanted.includes(m.role) && contains(m.territory, area));
}

/**
 * Whether the actor holds a territorial role in an organisation that has no territory yet: it
 * acts nowhere until a platform administrator sets one (the workspace says so).
 */
export function holdsTerritorialRoleWithoutTerritory(actor: Actor): boolean {
  return actor.memberships.some((m) => m.role === 'coordinateur' && isEmptyTerritory(m.territory));
}

/** The operator at the command line: platform rights, no account behind it. */
export const commandLineActor: Actor = Object.freeze({
  userId: 'ligne-de-commande',
  email: '',
  displayName: 'Ligne de commande',
  isPlatformAdmin: true,
  memberships: [],
  sessionId: '',
  hasSecondFactor: true,
});

/** The account to record in the journal for an actor (none for the command line). */
export function accountIdOf(actor: Actor): string | null {
  return actor === commandLineActor || actor.apiTokenId !== undefined ? null : actor.userId;
}
