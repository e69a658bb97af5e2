import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the pass module's use cases need from the outside world. */
export interface PassDeps {
  db: Database;
  clock: Clock;
  publicUrl: string;
  operatorName: string;
}

/** Undo is possible this long after a redemption. */
export const UNDO_WINDOW_MS = 24 * 3600_000;

export const AGE_BANDS = [
  'moins de 18 ans',
  '18 à 25 ans',
  '26 à 44 ans',
  '45 à 64 ans',
  '65 à 79 ans',
  '80 ans et plus',
] as const;
export const SITUATIONS = [
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
