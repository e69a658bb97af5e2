/**
 * The orientation's data files (data/*.json), read once and checked against their shape, so
 * that a person editing a rule, a need or a list of documents gets a clear message naming
 * the file and the place of the mistake, at start-up and in the tests, never at run time.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const dataDir = new URL('./data/', import.meta.url);

export type Condition =
  | { answer: string; is: string }
  | { answer: string; in: string[] }
  | { answer: string; has: string }
  | { fact: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ answer: z.string(), is: z.string() }),
    z.strictObject({ answer: z.string(), in: z.array(z.string()).min(1) }),
    z.strictObject({ answer: z.string(), has: z.string() }),
    z.strictObject({ fact: z.string() }),
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
  ]),
);

const option = z.strictObject({ value: z.string().regex(/^[a-z_]+$/), icon: z.string(), lang: z.string().optional() });

const questionsFile = z.strictObject({
  description: z.string(),
  questions: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ id: z.string(), type: z.literal('single'), options: z.array(option).min(2) }),
        z.strictObject({ id: z.string(), type: z.literal('multiple'), options: z.array(option).min(2), none: option }),
        z.strictObject({ id: z.string(), type: z.literal('commune'), icon: z.string() }),
      ]),
    )
    .min(1),
});

export const LEVELS = ['urgence', 'inclusion', 'competences'] as const;
export type Level = (typeof LEVELS)[number];

const levelsFile = z.strictObject({
  description: z.string(),
  facts: z.record(z.string(), z.strictObject({ description: z.string(), when: condition })),
  rules: z.array(z.strictObject({ level: z.enum(LEVELS), when: condition.optional() })).min(1),
});

const placeWishes = z.strictObject({
  services: z.array(z.string()).optional(),
  prise_en_charge_specifique: z.array(z.string()).optional(),
  dispositif_programmes_nationaux: z.array(z.string()).optional(),
  modalites_accompagnement: z.array(z.string()).optional(),
});
export type PlaceWishes = z.infer<typeof placeWishes>;

const needsFile = z.strictObject({
  description: z.string(),
  needs: z.array(
    z.strictObject({
      id: z.string().regex(/^[a-z_]+$/),
      when: condition,
      places: placeWishes,
      weight: z.number().int().min(0).max(10),
      themes: z.array(z.string()),
    }),
  ),
  ranking: z.strictObject({
    description: z.string(),
    pass_numerique: z.number().int().min(0),
    fiche_acces_libre: z.number().int().min(0),
    gratuit: z.number().int().min(0),
  }),
});

const bringFile = z.strictObject({
  description: z.string(),
  review: z.string(),
  toujours: z.array(z.string()),
  familles: z.record(z.string(), z.array(z.string())),
});

function load<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const text = readFileSync(new URL(file, dataDir), 'utf8');
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`src/modules/orientation/data/${file}: ${issue?.path.join('.')} — ${issue?.message}`);
  }
  return result.data;
}

export const questionsData = load('questions.json', questionsFile);
export const levelsData = load('niveaux.json', levelsFile);
export const needsData = load('besoins.json', needsFile);
export const bringData = load('a-apporter.json', bringFile);

export type Question = (typeof questionsData.questions)[number];
export type QuestionId = Question['id'];
export const QUESTIONS: readonly Question[] = questionsData.questions;

export function questionById(id: string): Question | undefined {
  return QUESTIONS.find((q) => q.id === id);
}

/** The procedure families a person may pick (the answer to « demarche »). */
export const PROCEDURE_VALUES: readonly string[] = (() => {
  const q = questionById('demarche');
  return q && q.type === 'single' ? q.options.map((o) => o.value) : [];
})();
