/**
 * Input validation with zod and plain French messages. `parseInput` turns every problem into
 * one ValidationError whose field errors forms display next to each field.
 */
import { z } from 'zod';
import { type FieldErrors, ValidationError } from './errors.ts';

z.config({
  customError: (issue) => {
    if (issue.message && issue.code === 'custom') return issue.message;
    switch (issue.code) {
      case 'invalid_type':
        return issue.input === undefined || issue.input === null || issue.input === ''
          ? 'Ce champ est obligatoire.'
          : 'Cette valeur ne convient pas.';
      case 'too_small':
        if (issue.origin === 'string')
          return Number(issue.minimum) <= 1 ? 'Ce champ est obligatoire.' : `Au moins ${issue.minimum} caractères.`;
        if (issue.origin === 'array')
          return Number(issue.minimum) <= 1
            ? 'Choisissez au moins une valeur.'
            : `Choisissez au moins ${issue.minimum} valeurs.`;
        return `La valeur doit être au moins ${issue.minimum}.`;
      case 'too_big':
        if (issue.origin === 'string') return `Au plus ${issue.maximum} caractères.`;
        if (issue.origin === 'array') return `Au plus ${issue.maximum} valeurs.`;
        return `La valeur doit être au plus ${issue.maximum}.`;
      case 'invalid_format':
        if (issue.format === 'email') return 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.';
        if (issue.format === 'url') return 'Saisissez une adresse web complète, commençant par https://.';
        return "Le format n'est pas valide.";
      case 'invalid_value':
        return 'Choisissez une valeur dans la liste.';
      default:
        return 'Cette valeur ne convient pas.';
    }
  },
});

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : 'formulaire';
    errors[key] ??= issue.message;
  }
  return errors;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
}

/** Form text: trimmed, empty means absent. */
export const text = (max = 200) => z.string().trim().max(max);
export const requiredText = (max = 200) => z.string({ message: 'Ce champ est obligatoire.' }).trim().min(1).max(max);
export const email = () =>
  z
    .string({ message: 'Ce champ est obligatoire.' })
    .trim()
    .min(1, 'Ce champ est obligatoire.')
    .max(254)
    .pipe(z.email({ message: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.' }))
    .transform((v) => v.toLowerCase());
/** A checkbox: present ("on") or absent. */
export const checkbox = () => z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());
/** A field that may be sent once or several times. */
export const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
