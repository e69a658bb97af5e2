/**
 * Habilitation use cases: a coordinateur habilitates a structure of their territory and records
 * its helpers' training; suspensions stop every use at once; a helper chooses the structure they
 * currently act for. Each write is one transaction with its journal entry.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { many, parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { isIsoDate, parisToday } from '../../platform/print/index.ts';
import type { MandatesDeps } from './deps.ts';
import { FAMILY_KEYS, isFamily } from './families.ts';
import {
  findHelper,
  findStructureHabilitation,
  legacyRowsToJournal,
  markLegacyJournaled,
  recordTraining,
  setCurrentStructure,
  setHelperSuspended,
  setStructureSuspended,
  upsertStructureHabilitation,
} from './habilitations-repository.ts';
import { mandatesPolicy, type StructureRef } from './policies.ts';

const isoDate = (message: string) =>
  z
    .string({ message })
    .trim()
    .refine((v) => isIsoDate(v) && v >= '2000-01-01' && v <= '2100-12-31', message);
const optionalIsoDate = (message: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), isoDate(message).optional());

const structureSchema = z.object({
  reference: requiredText(60).regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u, 'Lettres, chiffres, espaces, « . _ / - ».'),
  families: many(z.string().max(20))
    .refine((list) => list.length > 0, 'Choisissez au moins une famille de démarches.')
    .refine((list) => list.every(isFamily), 'Choisissez des familles de la liste.'),
  startsOn: isoDate('Saisissez une date de début valide (jj/mm/aaaa).'),
  endsOn: optionalIsoDate('Saisissez une date de fin valide (jj/mm/aaaa) ou laissez vide.'),
});

export async function habilitateStructure(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  structure: StructureRef,
  input: unknown,
): Promise<void> {
  authorize(actor, mandatesPolicy.habilitate, structure);
  const v = parseInput(structureSchema, input);
  if (v.endsOn && v.endsOn < v.startsOn)
    throw new ValidationError({ endsOn: 'La date de fin doit suivre la date de début.' });
  const families = FAMILY_KEYS.filter((f) => v.families.includes(f));
  await deps.db.transaction(async (tx) => {
    const before = await findStructureHabilitation(tx, structure.id, { lock: true });
    await upsertStructureHabilitation(tx, {
      organisationId: structure.id,
      reference: v.reference,
      families,
      startsOn: v.startsOn,
      endsOn: v.endsOn ?? null,
      by: accountIdOf(actor),
      at: deps.clock(),
    });
    await appendJournal(tx, deps.clock, {
      action: before ? 'mandats.habilitation_structure_modifiee' : 'mandats.structure_habilitee',
      actorUserId: accountIdOf(actor),
      organisationId: structure.id,
      targetType: 'organisation',
      targetId: structure.id,
      details: { reference: v.reference, familles: families, debut: v.startsOn, fin: v.endsOn ?? null },
    });
  });
}

export async function setStructureSuspension(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  structure: StructureRef,
  suspended: boolean,
): Promise<void> {
  authorize(actor, mandatesPolicy.suspendStructure, structure);
  await deps.db.transaction(async (tx) => {
    const current = await findStructureHabilitation(tx, structure.id, { lock: true });
    if (!current) throw new NotFoundError("Cette structure n'est pas habilitée.");
    await setStructureSuspended(tx, structure.id, suspended ? deps.clock() : null);
    await appendJournal(tx, deps.clock, {
      action: suspended ? 'mandats.structure_suspendue' : 'mandats.structure_retablie',
      actorUserId: accountIdOf(actor),
      organisationId: structure.id,
      targetType: 'organisation',
      targetId: structure.id,
    });
  });
}

const trainingSchema = z.object({
  trainedOn: isoDate('Saisissez la date de la formation (jj/mm/aaaa).'),
  pixOn: optionalIsoDate('Saisissez une date de certification Pix valide ou laissez vide.'),
});

/** The helpers a structure may habilitate: its members flagged to act on someone's behalf. */
export interface HelperCandidate {
  userId: string;
  canActOnBehalf: boolean;
}

export async function recordHelperTraining(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  structure: StructureRef,
  helper: HelperCandidate | undefined,
  input: unknown,
): Promise<void> {
  authorize(actor, mandatesPolicy.habilitate, structure);
  if (!helper) throw new NotFoundError("Cette personne n'est pas membre de la structure.");
  if (!helper.canActOnBehalf) {
    throw new RuleError(
      'not_flagged',
      "Le responsable de la structure doit d'abord indiquer que cette personne agit pour le compte d'autrui.",
    );
  }
  const v = parseInput(trainingSchema, input);
  const today = parisToday(deps.clock);
  if (v.trainedOn > today) throw new ValidationError({ trainedOn: 'La formation ne peut pas être dans le futur.' });
  if (v.pixOn && v.pixOn > today)
    throw new ValidationError({ pixOn: 'La certification ne peut pas être dans le futur.' });
  await deps.db.transaction(async (tx) => {
    await recordTraining(tx, {
      userId: helper.userId,
      organisationId: structure.id,
      trainedOn: v.trainedOn,
      pixOn: v.pixOn ?? null,
      by: accountIdOf(actor),
      at: deps.clock(),
    });
    await appendJournal(tx, deps.clock, {
      action: 'mandats.formation_enregistree',
      actorUserId: accountIdOf(actor),
      organisationId: structure.id,
      targetType: 'utilisateur',
      targetId: helper.userId,
      details: { formation: v.trainedOn, pix: v.pixOn ?? null },
    });
  });
}

export async function setHelperSuspension(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  structure: StructureRef,
  helper: HelperCandidate | undefined,
  suspended: boolean,
): Promise<void> {
  authorize(actor, mandatesPolicy.suspendHelper, structure);
  if (!helper) throw new NotFoundError("Cette personne n'est pas membre de la structure.");
  await deps.db.transaction(async (tx) => {
    await findHelper(tx, helper.userId, structure.id, { lock: true });
    await setHelperSuspended(tx, helper.userId, structure.id, suspended ? deps.clock() : null);
    await appendJournal(tx, deps.clock, {
      action: suspended ? 'mandats.aidant_suspendu' : 'mandats.aidant_retabli',
      actorUserId: accountIdOf(actor),
      organisationId: structure.id,
      targetType: 'utilisateur',
      targetId: helper.userId,
    });
  });
}

export async function chooseCurrentStructure(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  organisationId: string,
): Promise<void> {
  authorize(actor, mandatesPolicy.actForPeople, { id: organisationId });
  await deps.db.transaction(async (tx) => {
    await setCurrentStructure(tx, actor.userId, organisationId, deps.clock());
    await appendJournal(tx, deps.clock, {
      action: 'mandats.structure_courante_choisie',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'organisation',
      targetId: organisationId,
    });
  });
}

/**
 * Job: journals the helpers made « not habilitated until the training is recorded » by the
 * migration from the former flag (one entry each, in the job's transaction).
 */
export async function journalLegacyFlags(tx: Queryable, clock: () => Date): Promise<number> {
  const rows = await legacyRowsToJournal(tx, 200);
  for (const r of rows) {
    await markLegacyJournaled(tx, r.userId, r.organisationId, clock());
    await appendJournal(tx, clock, {
      action: 'mandats.habilitation_a_confirmer',
      organisationId: r.organisationId,
      targetType: 'utilisateur',
      targetId: r.userId,
      details: { motif: 'ancien_indicateur_agir_pour_autrui', formation: null },
    });
  }
  return rows.length;
}
