/** What a form or another module may send about a person, checked field by field (French messages). */
import { z } from 'zod';
import type { Queryable } from '../../platform/db/database.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { email } from '../../platform/http/validation.ts';
import { communeName } from '../lieux/index.ts';
import { ALL_AGE_BANDS, ALL_SITUATIONS } from './deps.ts';

/** No control characters (a NUL byte would make PostgreSQL fail): refused with a message. */
const printable = (max: number, label: string) =>
  z
    .string({ message: `Indiquez ${label}.` })
    .trim()
    .min(1, `Indiquez ${label}.`)
    .max(max, `Au plus ${max} caractères.`)
    .refine((v) => !/\p{Cc}/u.test(v), 'Ce texte contient un caractère invisible : saisissez-le à nouveau.');

export const displayNameSchema = printable(60, 'un prénom ou des initiales');

const inseeCode = z
  .string({ message: 'Choisissez une commune.' })
  .trim()
  .toUpperCase()
  .regex(/^[0-9][0-9AB][0-9]{3}$/, 'Choisissez une commune de la liste (code INSEE à 5 caractères).');

export const residenceSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('commune'), inseeCode }),
    z.object({ kind: z.literal('sans_domicile_stable') }),
    z.object({ kind: z.literal('domiciliation'), inseeCode: inseeCode.optional() }),
  ],
  { message: 'Indiquez une commune, « sans domicile stable » ou « domiciliation ».' },
);
export type ResidenceInput = z.output<typeof residenceSchema>;

/** A French or international phone number, stored as +33… (E.164). */
export const phoneSchema = z
  .string()
  .trim()
  .max(30, 'Ce numéro est trop long.')
  .transform((v, ctx) => {
    const compact = v.replace(/[\s.\-()]/g, '');
    if (/^0[1-9]\d{8}$/.test(compact)) return `+33${compact.slice(1)}`;
    if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
    if (/^00[1-9]\d{7,14}$/.test(compact)) return `+${compact.slice(2)}`;
    ctx.addIssue({ code: 'custom', message: 'Saisissez un numéro de téléphone, par exemple 06 12 34 56 78.' });
    return z.NEVER;
  });

export const contactSchema = z
  .object({
    phone: phoneSchema.optional(),
    email: email().optional(),
    consent: z.object(
      { purpose: printable(200, 'pour quoi la personne accepte d’être contactée') },
      { message: 'Enregistrez l’accord de la personne pour garder ses coordonnées.' },
    ),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined, {
    message: 'Indiquez un téléphone ou une adresse e-mail.',
    path: ['phone'],
  });

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

export const personFactsSchema = (thisYear: number) =>
  z.object({
    displayName: displayNameSchema,
    birthYear: z.preprocess(
      (v) => (blankToUndefined(v) === undefined ? undefined : typeof v === 'string' ? Number(v.trim()) : v),
      z
        .number({ message: 'Saisissez une année de naissance, par exemple 1984.' })
        .int('Saisissez une année de naissance, par exemple 1984.')
        .min(thisYear - 120, `L’année de naissance doit être après ${thisYear - 121}.`)
        .max(thisYear, 'L’année de naissance ne peut pas être dans le futur.')
        .optional(),
    ),
    ageBand: z.preprocess(
      blankToUndefined,
      z
        .enum(ALL_AGE_BANDS as [string, ...string[]], { message: 'Choisissez une tranche d’âge de la liste.' })
        .optional(),
    ),
    residence: residenceSchema,
    situation: z.preprocess(
      blankToUndefined,
      z.enum(ALL_SITUATIONS as [string, ...string[]], { message: 'Choisissez une situation de la liste.' }).optional(),
    ),
  });

/** Refuses a birth year and an age band together: the band is derived from the year. */
export function checkAge(v: { birthYear?: number | undefined; ageBand?: string | undefined }): void {
  if (v.birthYear !== undefined && v.ageBand !== undefined) {
    throw new ValidationError({
      ageBand: 'Indiquez l’année de naissance ou, si elle n’est pas connue, une tranche d’âge — pas les deux.',
    });
  }
}

/** Checks that the commune exists in the gazetteer. */
export async function checkResidence(deps: { db: Queryable }, residence: ResidenceInput): Promise<void> {
  const code = 'inseeCode' in residence ? residence.inseeCode : undefined;
  if (code !== undefined && (await communeName(deps.db, code)) === undefined) {
    throw new ValidationError({ 'residence.inseeCode': `Nous ne connaissons pas la commune de code ${code}.` });
  }
}
