/**
 * Anonymous statistics of the diagnostics (non-recours signals), in the platform's one public
 * shape (PRODUCT.md §5, src/platform/statistics/publication.ts): counts per territory
 * (département; commune from 10 diagnostics on), level, need, procedure family, deadline,
 * equipment and language; every count under 10 is published as null. Fixed dimensions list
 * every possible value (0 becomes null too), so that the series keep one shape.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { parisDate } from '../../platform/print/index.ts';
import {
  type CountRow,
  PUBLICATION_THRESHOLD,
  type Publication,
  publish,
  publishableShare,
} from '../../platform/statistics/publication.ts';
import { departementName } from '../lieux/index.ts';
import { LEVELS, needsData, QUESTIONS } from './data.ts';
import { LANGUAGES } from './i18n.ts';
import { countDiagnostics, diagnosticOutcomes } from './repository.ts';

export interface OrientationIndicators extends Record<string, unknown> {
  /** Among slips made at least 30 days ago: the share honoured within 30 days. */
  part_fiches_honorees_30_jours: number | null;
  /** Share of diagnostics whose level is « urgence numérique ». */
  part_urgence_numerique: number | null;
}

function optionValues(id: string): string[] {
  const q = QUESTIONS.find((x) => x.id === id);
  if (!q || q.type === 'commune') return [];
  return [...q.options.map((o) => o.value), ...(q.type === 'multiple' ? [q.none.value] : [])];
}

/** Every value each fixed dimension can take, in display order. */
export const DIMENSIONS: ReadonlyArray<{ dimension: string; values: readonly string[] }> = [
  { dimension: 'niveau', values: LEVELS },
  { dimension: 'besoin', values: needsData.needs.map((n) => n.id) },
  { dimension: 'demarche', values: optionValues('demarche') },
  { dimension: 'delai', values: optionValues('delai') },
  { dimension: 'equipement', values: optionValues('equipement') },
  { dimension: 'langue', values: optionValues('langue') },
  { dimension: 'langue_interface', values: LANGUAGES },
];

export function parseDepartement(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof text !== 'string' || !/^(\d{2}|2[AB]|97\d)$/i.test(text.trim())) {
    throw new ValidationError(
      { departement: 'Le département est un code de 2 caractères (83, 2A) ou de 3 chiffres outre-mer (974).' },
      'Le paramètre departement est invalide.',
    );
  }
  const code = text.trim().toUpperCase();
  if (departementName(code) === code) {
    throw new ValidationError(
      { departement: `Aucun département ne porte le code ${code}.` },
      'Le paramètre departement est invalide.',
    );
  }
  return code;
}

export async function orientationStatistics(
  deps: { db: Queryable; clock: () => Date },
  input: { departement: string | null },
): Promise<Publication<OrientationIndicators>> {
  const now = deps.clock();
  const [rows, outcome] = await Promise.all([
    countDiagnostics(deps.db, { departement: input.departement, communeThreshold: PUBLICATION_THRESHOLD }),
    diagnosticOutcomes(deps.db, { departement: input.departement, now }),
  ]);
  const counts: CountRow[] = [];
  const byKey = new Map(rows.map((r) => [`${r.dimension}|${r.valeur}`, r.nombre]));
  counts.push({ dimension: 'total', valeur: 'diagnostics', nombre: byKey.get('total|diagnostics') ?? 0 });
  for (const r of rows.filter((x) => x.dimension === 'departement').sort((a, b) => a.valeur.localeCompare(b.valeur))) {
    counts.push(r);
  }
  for (const r of rows.filter((x) => x.dimension === 'commune').sort((a, b) => a.valeur.localeCompare(b.valeur))) {
    counts.push(r);
  }
  for (const d of DIMENSIONS) {
    for (const v of d.values)
      counts.push({ dimension: d.dimension, valeur: v, nombre: byKey.get(`${d.dimension}|${v}`) ?? 0 });
  }
  return publish({
    territoire: input.departement,
    // Dates in Paris (a diagnostic at 00:30 belongs to that day, not to the UTC one before).
    periode: { debut: outcome.first ? parisDate(outcome.first) : null, fin: parisDate(now) },
    counts,
    indicateurs: {
      part_fiches_honorees_30_jours: publishableShare(outcome.honouredWithin30, outcome.closed),
      part_urgence_numerique: publishableShare(outcome.urgent, outcome.total),
    },
  });
}
