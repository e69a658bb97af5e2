/**
 * Who may do what with orientation (see policies.test.ts for the role-by-role table). The
 * diagnostic itself is public and needs no rule. Role names appear only here.
 *
 * Two kinds of answers, as every policy gives: « may this actor do X to this resource? »
 * (the rules below) and « which rows may this actor see? » (statisticsScope). A coordinateur
 * sees the territory of the organisation holding the role (src/platform/auth/territory.ts); an
 * organisation without a territory gives its coordinateurs no territorial view.
 */
import { type Actor, hasRole, territoryWhere } from '../../platform/auth/actor.ts';
import { definePolicy } from '../../platform/auth/policy.ts';
import { departementOfCommune } from '../../platform/auth/territory.ts';

type OrgRef = { id: string };
/** What a rule needs to know about a slip. */
export type SlipRef = {
  prescriberOrganisationId: string | null;
  /** The organisation that maintains the place the slip names, if any. */
  destinationOrganisationId: string | null;
};

/** Roles that receive people and record help: they honour slips. */
const RECEIVING = ['aidant', 'responsable'] as const;
/** Roles that may run the diagnostic with a person and send them to a place. */
const ORIENTING = ['prescripteur', 'aidant', 'responsable'] as const;

export const orientationPolicy = definePolicy({
  /** Run the diagnostic with a person, on behalf of this organisation (from /espace). */
  runWithPerson: (actor: Actor, org: OrgRef) => hasRole(actor, org.id, ...ORIENTING),
  /** Choose the place a slip sends the person to, and write a note for that place. */
  orientSlip: (actor: Actor, slip: SlipRef) =>
    slip.prescriberOrganisationId !== null && hasRole(actor, slip.prescriberOrganisationId, ...ORIENTING),
  /** Read a professional's note on a slip: the organisation that wrote it, and the place it names. */
  readSlipNote: (actor: Actor, slip: SlipRef) =>
    (slip.prescriberOrganisationId !== null && hasRole(actor, slip.prescriberOrganisationId, ...ORIENTING)) ||
    (slip.destinationOrganisationId !== null && hasRole(actor, slip.destinationOrganisationId, ...RECEIVING)),
  /**
   * Mark a slip « honorée » for an organisation: a helper of that organisation; when the slip
   * names a place, only the organisation that maintains it.
   */
  honourSlip: (actor: Actor, input: { slip: SlipRef; organisationId: string }) =>
    hasRole(actor, input.organisationId, ...RECEIVING) &&
    (input.slip.destinationOrganisationId === null || input.slip.destinationOrganisationId === input.organisationId),
  /** Look up a slip by its code as a professional (with the actions that go with it). */
  lookUpSlips: (actor: Actor, _: null) =>
    actor.memberships.some((m) => (ORIENTING as readonly string[]).includes(m.role)),
  /** The statistics page of orientation (the figures themselves are open data). */
  viewStatistics: (actor: Actor, _: null) =>
    actor.isPlatformAdmin || actor.memberships.some((m) => m.role === 'coordinateur'),
});

/** The organisations of an actor where they may orient, for the « Orienter une personne » choice. */
export function orientingOrganisations(actor: Actor): Array<{ id: string; name: string }> {
  return actor.memberships
    .filter((m) => (ORIENTING as readonly string[]).includes(m.role))
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

/** Organisations where the actor receives people (honours slips). */
export function receivingOrganisations(actor: Actor): Array<{ id: string; name: string }> {
  return actor.memberships
    .filter((m) => (RECEIVING as readonly string[]).includes(m.role))
    .map((m) => ({ id: m.organisationId, name: m.organisationName }));
}

export type StatisticsScope =
  | { kind: 'national' }
  | { kind: 'departements'; departements: string[] }
  | { kind: 'none' };

/**
 * Which statistics rows an actor's page shows by default: a platform administrator the whole
 * country; a coordinateur the départements of their organisations' territories.
 */
export function statisticsScope(actor: Actor): StatisticsScope {
  if (actor.isPlatformAdmin) return { kind: 'national' };
  const territory = territoryWhere(actor, 'coordinateur');
  const departements = new Set<string>(territory.departements);
  for (const c of territory.communes) departements.add(departementOfCommune(c));
  return departements.size > 0 ? { kind: 'departements', departements: [...departements].sort() } : { kind: 'none' };
}
