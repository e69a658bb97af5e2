/**
 * Mandate use cases: the usager identified (FranceConnect), a mandate created or renewed with the
 * helper's fresh second-factor code and their statement that the person was informed, revoked
 * per family or whole by the structure or by the person. One transaction each, journaled.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Transaction } from '../../platform/db/database.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { checkbox, many, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisToday } from '../../platform/print/index.ts';
import { createPersonWithin, linkIdentityWithin, personIdForIdentityWithin } from '../people/index.ts';
import { TEMPLATE_HASH, TEMPLATE_VERSION } from './attestation.ts';
import type { MandatesDeps } from './deps.ts';
import { FAMILY_KEYS, isFamily } from './families.ts';
import { helperStanding } from './helper-standing.ts';
import {
  type Duration,
  expiryOf,
  identityFromClaims,
  isDuration,
  isRenewable,
  isValidNow,
  newReference,
  subjectHash,
} from './mandate-rules.ts';
import {
  findMandate,
  findUsager,
  insertMandate,
  type MandateRecord,
  revokeAuthorisations,
  revokeFamiliesOfOtherMandates,
  revokeWholeMandate,
  upsertUsager,
  usagerSubjectHash,
} from './mandates-repository.ts';
import { mandatesPolicy } from './policies.ts';

/** Checks the helper's second-factor code (the accounts module, wired in app.ts); throws if wrong. */
export type VerifyCode = (userId: string, input: unknown) => Promise<void>;

export interface Draft {
  families: string[];
  duration: Duration;
}

const draftSchema = z.object({
  families: many(z.string().max(20))
    .refine((l) => l.length > 0, 'Choisissez au moins une famille de démarches.')
    .refine((l) => l.every(isFamily), 'Choisissez des familles de la liste.'),
  duration: z.string({ message: 'Choisissez une durée.' }).refine(isDuration, 'Choisissez une durée de la liste.'),
});

/** The helper's choice of families (within the structure's habilitation) and duration. */
export async function checkDraft(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor,
  secondFactorAt: Date | null | undefined,
  organisationId: string,
  input: unknown,
): Promise<Draft> {
  const standing = await helperStanding(deps.db, deps.clock(), actor, secondFactorAt, organisationId, {
    ignoreSecondFactor: true,
  });
  if (!standing.ok) throw new RuleError(standing.code, standing.message, 403);
  const v = parseInput(draftSchema, input);
  const outside = v.families.filter((f) => !(standing.families as string[]).includes(f));
  if (outside.length > 0)
    throw new ValidationError({ families: "Votre structure n'est pas habilitée pour certaines de ces familles." });
  return { families: FAMILY_KEYS.filter((f) => v.families.includes(f)), duration: v.duration as Duration };
}

/** Stores (or updates) the usager identified by the provider; returns their id. */
export async function identifyUsager(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  issuer: string,
  claims: Record<string, unknown> & { sub: string },
): Promise<string> {
  const identity = identityFromClaims(claims);
  if (!identity)
    throw new RuleError(
      'identity_incomplete',
      "Le fournisseur d'identité n'a pas transmis une identité complète.",
      400,
    );
  return deps.db.transaction(async (tx) => {
    const { id, created } = await upsertUsager(
      tx,
      subjectHash(deps.secretKey, issuer, claims.sub),
      identity,
      deps.clock(),
    );
    await appendJournal(tx, deps.clock, {
      action: created ? 'mandats.usager_identifie' : 'mandats.usager_identifie_a_nouveau',
      targetType: 'usager',
      targetId: id,
      details: { fournisseur: new URL(issuer).host },
    });
    return id;
  });
}

const confirmSchema = z.object({
  informed: checkbox().refine((v) => v, 'Confirmez avoir informé la personne et recueilli son accord.'),
});

async function confirmWithCode(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  verifyCode: VerifyCode,
  actor: Actor,
  organisationId: string,
  input: unknown,
) {
  const standing = await helperStanding(deps.db, deps.clock(), actor, undefined, organisationId, {
    ignoreSecondFactor: true,
  });
  if (!standing.ok) throw new RuleError(standing.code, standing.message, 403);
  parseInput(confirmSchema, input);
  await verifyCode(actor.userId, input);
  return standing;
}

/** The provider name under which the people module keeps the usager's identity links. */
export const PERSON_LINK_PROVIDER = 'franceconnect';

/**
 * The pseudonymous record a structure gets for an usager it had no person for: initials only
 * (« M. D. »), the birth year. FranceConnect gives the birthplace, not where the person lives,
 * so the residence is « domiciliation » without commune until a helper corrects it on the record.
 */
export function personFactsOf(
  usager: { givenName: string; familyName: string; birthdate: string },
  thisYear: number,
): { displayName: string; birthYear?: number; residence: { kind: 'domiciliation' } } {
  const initial = (name: string) => Array.from(name.trim())[0]?.toUpperCase() ?? '';
  const initials = [initial(usager.givenName), initial(usager.familyName)].filter((i) => i !== '');
  const displayName = initials.length > 0 ? `${initials.join('. ')}.` : usager.givenName.trim().slice(0, 60);
  const year = Number(usager.birthdate.slice(0, 4));
  const birthYear = Number.isInteger(year) && year >= thisYear - 120 && year <= thisYear ? year : undefined;
  return { displayName, ...(birthYear !== undefined ? { birthYear } : {}), residence: { kind: 'domiciliation' } };
}

/**
 * Links the usager to a person of the people module, for the structure holding the mandate,
 * inside the mandate's transaction: the person this structure already linked to this identity,
 * else a new pseudonymous person followed by the structure, then linked. The identity given to
 * the people module is the usager's keyed subject hash (the raw provider subject is never kept).
 */
async function linkPerson(
  tx: Transaction,
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  actor: Actor,
  organisationId: string,
  usagerId: string,
): Promise<string> {
  const subject = await usagerSubjectHash(tx, usagerId);
  const usager = await findUsager(tx, usagerId);
  if (!subject || !usager) throw new NotFoundError('Cette personne n’est plus identifiée : recommencez.');
  const identity = { provider: PERSON_LINK_PROVIDER, subject, mandateOrganisationId: organisationId };
  const peopleDeps = { db: deps.db, clock: deps.clock, secretKey: deps.secretKey };
  const known = await personIdForIdentityWithin(tx, peopleDeps, actor, identity);
  if (known) return known;
  const person = await createPersonWithin(tx, peopleDeps, actor, {
    ...personFactsOf(usager, Number(parisToday(deps.clock).slice(0, 4))),
    organisationId,
  });
  await linkIdentityWithin(tx, peopleDeps, actor, person.id, identity);
  return person.id;
}

async function writeMandate(
  tx: Transaction,
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  actor: Actor,
  input: { organisationId: string; usagerId: string; draft: Draft; renews: string | null },
): Promise<string> {
  const personId = await linkPerson(tx, deps, actor, input.organisationId, input.usagerId);
  const now = deps.clock();
  const id = await insertMandate(tx, {
    reference: newReference(),
    organisationId: input.organisationId,
    usagerId: input.usagerId,
    createdBy: accountIdOf(actor),
    createdAt: now,
    duration: input.draft.duration,
    expiresAt: expiryOf(input.draft.duration, now),
    renews: input.renews,
    templateVersion: TEMPLATE_VERSION,
    templateHash: TEMPLATE_HASH,
    families: input.draft.families,
    personId,
  });
  // A family already covered for this person in this structure is replaced by the new mandate.
  const replaced = await revokeFamiliesOfOtherMandates(tx, {
    organisationId: input.organisationId,
    usagerId: input.usagerId,
    families: input.draft.families,
    except: id,
    at: now,
  });
  await appendJournal(tx, deps.clock, {
    action: input.renews ? 'mandats.mandat_renouvele' : 'mandats.mandat_cree',
    actorUserId: accountIdOf(actor),
    organisationId: input.organisationId,
    targetType: 'mandat',
    targetId: id,
    details: {
      usager: input.usagerId,
      personne: personId,
      familles: input.draft.families,
      duree: input.draft.duration,
      modele: TEMPLATE_VERSION,
      empreinte_modele: TEMPLATE_HASH,
      ...(input.renews ? { renouvelle: input.renews } : {}),
      ...(replaced.length > 0 ? { remplace: replaced } : {}),
    },
  });
  for (const family of input.draft.families) {
    await appendJournal(tx, deps.clock, {
      action: 'mandats.famille_autorisee',
      actorUserId: accountIdOf(actor),
      organisationId: input.organisationId,
      targetType: 'mandat',
      targetId: id,
      details: { famille: family },
    });
  }
  return id;
}

export async function createMandate(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  verifyCode: VerifyCode,
  actor: Actor | undefined,
  input: { organisationId: string; usagerId: string; draft: Draft; form: unknown },
): Promise<string> {
  authorize(actor, mandatesPolicy.actForPeople, { id: input.organisationId });
  const standing = await confirmWithCode(deps, verifyCode, actor, input.organisationId, input.form);
  if (input.draft.families.some((f) => !(standing.families as string[]).includes(f)))
    throw new RuleError('family_not_habilitated', "Votre structure n'est plus habilitée pour ces familles.", 403);
  return deps.db.transaction((tx) => writeMandate(tx, deps, actor, { ...input, renews: null }));
}

/** A mandate the actor's structure holds, or 404 (the same answer for another structure's). */
export async function mandateOfStructure(
  deps: Pick<MandatesDeps, 'db'>,
  actor: Actor,
  organisationId: string | undefined,
  mandateId: string,
): Promise<MandateRecord> {
  if (!/^[0-9a-f-]{36}$/i.test(mandateId) || !organisationId) throw new NotFoundError('Ce mandat est introuvable.');
  const mandate = await findMandate(deps.db, mandateId);
  if (
    !mandate ||
    mandate.organisationId !== organisationId ||
    !mandatesPolicy.actForPeople(actor, { id: organisationId })
  )
    throw new NotFoundError('Ce mandat est introuvable.');
  return mandate;
}

/**
 * Renewal with fresh consent and second factor, without a new identity check, of a mandate not
 * revoked and expired less than 365 days ago (Aidants Connect hole #697: checked here, whatever
 * the URL typed).
 */
export async function renewMandate(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  verifyCode: VerifyCode,
  actor: Actor | undefined,
  input: { organisationId: string; mandateId: string; draft: Draft; form: unknown },
): Promise<string> {
  authorize(actor, mandatesPolicy.actForPeople, { id: input.organisationId });
  const mandate = await mandateOfStructure(deps, actor, input.organisationId, input.mandateId);
  if (!isRenewable(mandate, deps.clock()))
    throw new RuleError(
      'not_renewable',
      'Ce mandat ne peut pas être renouvelé (révoqué, ou expiré depuis plus d’un an) : créez un nouveau mandat.',
      409,
    );
  const standing = await confirmWithCode(deps, verifyCode, actor, input.organisationId, input.form);
  if (input.draft.families.some((f) => !(standing.families as string[]).includes(f)))
    throw new RuleError('family_not_habilitated', "Votre structure n'est plus habilitée pour ces familles.", 403);
  return deps.db.transaction(async (tx) => {
    const locked = await findMandate(tx, input.mandateId, { lock: true });
    if (!locked || !isRenewable(locked, deps.clock()))
      throw new RuleError('not_renewable', 'Ce mandat ne peut plus être renouvelé.', 409);
    return writeMandate(tx, deps, actor, {
      organisationId: input.organisationId,
      usagerId: locked.usagerId,
      draft: input.draft,
      renews: locked.id,
    });
  });
}

const revokeSchema = z.object({ families: many(z.string().max(20)) });

/**
 * Revocation by the structure (a helper of the structure holding it; another structure's
 * mandate is « introuvable » — Aidants Connect PR #286) or by the person (« Mes mandats »).
 * No family chosen: the whole mandate.
 */
export async function revokeMandate(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  by: { kind: 'structure'; actor: Actor; organisationId: string | undefined } | { kind: 'usager'; usagerId: string },
  mandateId: string,
  input: unknown,
): Promise<string[]> {
  const { families } = parseInput(revokeSchema, input);
  if (!families.every(isFamily)) throw new ValidationError({ families: 'Choisissez des familles de la liste.' });
  return deps.db.transaction(async (tx) => {
    const mandate = /^[0-9a-f-]{36}$/i.test(mandateId) ? await findMandate(tx, mandateId, { lock: true }) : undefined;
    const mine =
      mandate &&
      (by.kind === 'usager'
        ? mandate.usagerId === by.usagerId
        : mandate.organisationId === by.organisationId &&
          mandatesPolicy.actForPeople(by.actor, { id: mandate.organisationId }));
    if (!mandate || !mine) throw new NotFoundError('Ce mandat est introuvable.');
    if (!isValidNow(mandate, deps.clock())) throw new RuleError('not_active', "Ce mandat n'est plus en cours.", 409);
    const now = deps.clock();
    const whole = families.length === 0;
    const revoked = whole
      ? mandate.authorisations.filter((a) => !a.revokedAt).map((a) => a.family)
      : await revokeAuthorisations(tx, mandate.id, families, now);
    if (whole) await revokeWholeMandate(tx, mandate.id, by.kind, now);
    if (revoked.length === 0) throw new RuleError('nothing_to_revoke', 'Ces familles sont déjà révoquées.', 409);
    await appendJournal(tx, deps.clock, {
      action: whole ? 'mandats.mandat_revoque' : 'mandats.famille_revoquee',
      actorUserId: by.kind === 'structure' ? accountIdOf(by.actor) : null,
      organisationId: mandate.organisationId,
      targetType: 'mandat',
      targetId: mandate.id,
      details: { par: by.kind, familles: revoked },
    });
    return revoked;
  });
}
