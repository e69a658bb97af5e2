/** A coordinator creates a programme with a funder: territory, value, booklets, validity, services. */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ForbiddenError, ValidationError } from '../../platform/http/errors.ts';
import { many, parseInput, requiredText, text } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { departements, STANDARD_ENUMS, territoryGazetteer } from '../lieux/index.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';
import { insertProgramme, type Programme } from './programmes-repository.ts';

const date = (label: string) =>
  z
    .string({ message: `Indiquez la date de ${label}.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `La date de ${label} doit être au format AAAA-MM-JJ.`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), `La date de ${label} n'existe pas.`);

const intIn = (min: number, max: number, fallback: number, label: string) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : Number(String(v).replace(',', '.'))),
    z
      .number({ message: `${label} : un nombre est attendu.` })
      .int(`${label} : un nombre entier est attendu.`)
      .min(min, `${label} : au moins ${min}.`)
      .max(max, `${label} : au plus ${max}.`),
  );

const codes = (pattern: RegExp, message: string) =>
  text(2000)
    .optional()
    .transform((v, ctx) => {
      const list = [
        ...new Set(
          (v ?? '')
            .split(/[\s,;]+/)
            .map((x) => x.trim().toUpperCase())
            .filter(Boolean),
        ),
      ];
      const bad = list.filter((c) => !pattern.test(c));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${message} : ${bad.slice(0, 5).join(', ')}` });
        return z.NEVER;
      }
      return list;
    });

export const programmeSchema = z
  .object({
    name: requiredText(150),
    coordinatorOrganisationId: z.string().uuid('Choisissez la structure qui coordonne.'),
    funderOrganisationId: z.string().uuid('Choisissez le financeur.'),
    departements: codes(/^(\d{2}|2[AB]|97\d|98\d)$/, 'Départements inconnus').refine(
      (list) => list.every((d) => d in departements),
      'Un des départements indiqués n’existe pas.',
    ),
    communes: codes(/^([013-9]\d|2[AB1-9])\d{3}$/, 'Codes INSEE invalides (5 caractères, par exemple 83137)'),
    targetPublics: text(500).optional(),
    faceValueEuros: z.preprocess(
      (v) => (v === undefined || v === '' ? 10 : Number(String(v).replace(',', '.'))),
      z
        .number({ message: 'La valeur d’un chèque doit être un montant en euros.' })
        .positive('La valeur d’un chèque doit être supérieure à 0 €.')
        .max(200, 'La valeur d’un chèque ne peut pas dépasser 200 €.'),
    ),
    vouchersPerBooklet: intIn(1, 20, 5, 'Chèques par carnet'),
    validFrom: date('début de validité'),
    validUntil: date('fin de validité'),
    toleranceDays: intIn(0, 365, 31, 'Tolérance après la fin'),
    distributionStopDays: intIn(0, 365, 15, 'Arrêt de la distribution avant la fin'),
    services: many(z.enum(STANDARD_ENUMS.services, { message: 'Choisissez des services de la liste.' })).refine(
      (list) => list.length > 0,
      'Choisissez au moins un service payé par les chèques.',
    ),
  })
  .superRefine((v, ctx) => {
    if (v.validUntil < v.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'La fin de validité doit être après le début.' });
    }
    if (v.departements.length === 0 && v.communes.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['departements'],
        message: 'Indiquez le territoire : au moins un département ou une commune.',
      });
    }
    const days = (Date.parse(v.validUntil) - Date.parse(v.validFrom)) / 86_400_000;
    if (v.distributionStopDays > days) {
      ctx.addIssue({
        code: 'custom',
        path: ['distributionStopDays'],
        message: 'La distribution s’arrêterait avant même le début de validité : réduisez ce délai.',
      });
    }
  });

/**
 * The territory as people type it — départements and communes by name, number or postcode,
 * never INSEE codes required (issue 13) — turned into codes by the gazetteer, as the
 * organisations' territory form does. French messages per field when a name is unknown or
 * ambiguous.
 */
async function territoryAsCodes(deps: PassDeps, input: unknown): Promise<unknown> {
  if (typeof input !== 'object' || input === null) return input;
  const raw = input as Record<string, unknown>;
  const departements = typeof raw.departements === 'string' ? raw.departements.slice(0, 2000) : '';
  const communes = typeof raw.communes === 'string' ? raw.communes.slice(0, 2000) : '';
  if (departements.trim() === '' && communes.trim() === '') return input;
  const resolved = await territoryGazetteer(deps.db).resolve({ departements, communes });
  if (!resolved.ok) throw new ValidationError(resolved.errors);
  return {
    ...raw,
    departements: resolved.territory.departements.join(','),
    communes: resolved.territory.communes.join(','),
  };
}

export async function createProgramme(
  deps: PassDeps & {
    organisationExists: (id: string) => Promise<boolean>;
    /** Told inside the creating transaction when the funder must consent (the e-mail to its financeurs). */
    onProgrammeAwaitingConsent?: (tx: Queryable, programme: Programme) => Promise<void>;
  },
  actor: Actor | undefined,
  input: unknown,
): Promise<Programme> {
  authorize(actor, passPolicy.mayCreateProgrammes, null);
  const v = parseInput(programmeSchema, await territoryAsCodes(deps, input));
  const territory = { departements: v.departements, communes: v.communes };
  if (!passPolicy.createProgramme(actor, { coordinatorOrganisationId: v.coordinatorOrganisationId, territory })) {
    throw new ForbiddenError(
      'Vous ne coordonnez pas cette structure, ou ce territoire dépasse celui de votre structure.',
    );
  }
  if (!(await deps.organisationExists(v.funderOrganisationId))) {
    throw new ValidationError({ funderOrganisationId: 'Choisissez le financeur dans la liste.' });
  }
  // A financeur of the funder who creates the programme gives its consent with it.
  const accepted = passPolicy.acceptProgramme(actor, {
    coordinator_organisation_id: v.coordinatorOrganisationId,
    funder_organisation_id: v.funderOrganisationId,
    territory_departements: v.departements,
    territory_communes: v.communes,
  });
  return deps.db.transaction(async (tx) => {
    const programme = await insertProgramme(
      tx,
      {
        name: v.name,
        coordinator_organisation_id: v.coordinatorOrganisationId,
        funder_organisation_id: v.funderOrganisationId,
        territory_departements: v.departements,
        territory_communes: v.communes,
        target_publics: v.targetPublics || null,
        face_value_cents: Math.round(v.faceValueEuros * 100),
        vouchers_per_booklet: v.vouchersPerBooklet,
        valid_from: v.validFrom,
        valid_until: v.validUntil,
        tolerance_days: v.toleranceDays,
        distribution_stop_days: v.distributionStopDays,
        services: v.services,
        created_by: accountIdOf(actor),
        accepted,
        funder_accepted_by: accepted ? accountIdOf(actor) : null,
      },
      deps.clock(),
    );
    await appendJournal(tx, deps.clock, {
      action: 'pass.programme_cree',
      actorUserId: accountIdOf(actor),
      organisationId: v.coordinatorOrganisationId,
      targetType: 'programme',
      targetId: programme.id,
      details: {
        financeur: v.funderOrganisationId,
        valeur_centimes: programme.face_value_cents,
        accord_du_financeur: accepted,
      },
    });
    if (!accepted) await deps.onProgrammeAwaitingConsent?.(tx, programme);
    return programme;
  });
}
