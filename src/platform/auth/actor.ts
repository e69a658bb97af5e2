/**
 * Who is acting: the signed-in person with their roles per organisation. Loaded once per
 * request by the accounts module (wired in app.ts) and passed to every use case.
 */
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

export function hasRoleAnywhere(actor: Actor, ...wanted: Role[]): boolean {
  return actor.memberships.some((m) => wanted.includes(m.role));
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
