/**
 * Whether a helper may use mandates of a structure right now — checked at every use (creating,
 * renewing, acting through a partner service), so that a suspension stops everything at once:
 * flagged to act for others in that structure, structure habilitated (dates, not suspended),
 * training recorded, helper not suspended, second factor given within 15 minutes.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { parisDate } from '../../platform/print/index.ts';
import { FRESH_SECOND_FACTOR_MINUTES } from './deps.ts';
import type { FamilyKey } from './families.ts';
import { currentStructureOf, findHelper, findStructureHabilitation } from './habilitations-repository.ts';
import { mandatesPolicy } from './policies.ts';

export type Standing =
  | { ok: true; organisationId: string; families: FamilyKey[]; reference: string }
  | { ok: false; code: StandingProblem; message: string };

export type StandingProblem =
  | 'not_flagged'
  | 'structure_not_habilitated'
  | 'structure_suspended'
  | 'structure_habilitation_ended'
  | 'not_trained'
  | 'helper_suspended'
  | 'second_factor_stale';

export const STANDING_MESSAGES: Record<StandingProblem, string> = {
  not_flagged: "Vous n'êtes pas déclaré pour agir pour le compte d'autrui dans cette structure.",
  structure_not_habilitated: "Cette structure n'est pas habilitée à créer ou utiliser des mandats.",
  structure_suspended: "L'habilitation de cette structure est suspendue : aucun mandat ne peut être utilisé.",
  structure_habilitation_ended: "L'habilitation de cette structure n'est pas en cours (dates).",
  not_trained:
    "Votre habilitation attend l'enregistrement de votre formation par le coordinateur ou la coordinatrice du territoire.",
  helper_suspended: 'Votre habilitation est suspendue dans cette structure.',
  second_factor_stale: 'Pour votre sécurité, saisissez à nouveau votre code de double authentification.',
};

const problem = (code: StandingProblem): Standing => ({ ok: false, code, message: STANDING_MESSAGES[code] });

export async function helperStanding(
  db: Queryable,
  now: Date,
  actor: Actor,
  secondFactorAt: Date | null | undefined,
  organisationId: string,
  options: { ignoreSecondFactor?: boolean } = {},
): Promise<Standing> {
  if (!mandatesPolicy.actForPeople(actor, { id: organisationId })) return problem('not_flagged');
  const habilitation = await findStructureHabilitation(db, organisationId);
  if (!habilitation) return problem('structure_not_habilitated');
  if (habilitation.suspendedAt) return problem('structure_suspended');
  const today = parisDate(now);
  if (habilitation.startsOn > today || (habilitation.endsOn !== null && habilitation.endsOn < today))
    return problem('structure_habilitation_ended');
  const helper = await findHelper(db, actor.userId, organisationId);
  if (helper?.suspendedAt) return problem('helper_suspended');
  if (!helper?.trainedOn) return problem('not_trained');
  if (!options.ignoreSecondFactor) {
    const fresh = secondFactorAt && now.getTime() - secondFactorAt.getTime() <= FRESH_SECOND_FACTOR_MINUTES * 60_000;
    if (!fresh) return problem('second_factor_stale');
  }
  return {
    ok: true,
    organisationId,
    families: habilitation.families as FamilyKey[],
    reference: habilitation.reference,
  };
}

/** The structure the helper acts for: the one chosen, else the first where they may act. */
export async function currentStructure(db: Queryable, actor: Actor): Promise<string | undefined> {
  const chosen = await currentStructureOf(db, actor.userId);
  if (chosen && mandatesPolicy.actForPeople(actor, { id: chosen })) return chosen;
  return actor.memberships.find((m) => mandatesPolicy.actForPeople(actor, { id: m.organisationId }))?.organisationId;
}
