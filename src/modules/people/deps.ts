import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the people module's use cases need from the outside world. */
export interface PeopleDeps {
  db: Database;
  clock: Clock;
  /** Needed by identity links only (PeopleIdentityDeps); accepted everywhere for convenience. */
  secretKey?: string;
}

/** What identity links need besides: the platform's secret keys the hash of provider subjects. */
export interface PeopleIdentityDeps extends PeopleDeps {
  secretKey: string;
}

/**
 * Age bands of the national referentiel of digital-inclusion support sessions
 * (../shared/data/referentiels/thematiques-accompagnement.json, `tranches_age`).
 */
export const AGE_BANDS = [
  'Moins de 12 ans',
  '12-17 ans',
  '18-24 ans',
  '25-39 ans',
  '40-59 ans',
  '60-69 ans',
  '70 ans et plus',
] as const;

/**
 * The Pass numérique's own age bands, recorded on booklets before this module existed. They do
 * not map onto the referentiel's (18–25 straddles two of them), so they are kept as bands as
 * they were asked (issue 11: « age bands kept as bands »), never turned into birth years.
 */
export const PASS_AGE_BANDS = [
  'moins de 18 ans',
  '18 à 25 ans',
  '26 à 44 ans',
  '45 à 64 ans',
  '65 à 79 ans',
  '80 ans et plus',
] as const;

export const ALL_AGE_BANDS: readonly string[] = [...AGE_BANDS, ...PASS_AGE_BANDS];

/** Situations of the referentiel (`statuts`). */
export const SITUATIONS = ['Scolarisé', 'Sans emploi', 'En emploi', 'Retraité', 'Non communiqué'] as const;

/**
 * The Pass numérique's situations, recorded on booklets before this module existed: kept as
 * they were asked.
 */
export const PASS_SITUATIONS = [
  "En recherche d'emploi",
  'Bénéficiaire du RSA',
  'Salarié ou salariée',
  'Retraité ou retraitée',
  'Étudiant ou étudiante',
  'Sans activité',
  'Sans domicile stable',
  "Demandeur d'asile ou titre de séjour",
  'Autre',
] as const;

export const ALL_SITUATIONS: readonly string[] = [...SITUATIONS, ...PASS_SITUATIONS];

/** The referentiel's age band of someone born in birthYear, in year (their age is year − birthYear, give or take one). */
export function ageBandOf(birthYear: number, year: number): (typeof AGE_BANDS)[number] {
  const age = year - birthYear;
  if (age < 12) return 'Moins de 12 ans';
  if (age < 18) return '12-17 ans';
  if (age < 25) return '18-24 ans';
  if (age < 40) return '25-39 ans';
  if (age < 60) return '40-59 ans';
  if (age < 70) return '60-69 ans';
  return '70 ans et plus';
}
