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

/** The Pass numérique's age bands and situations: kept by the person model (modules/people, ADR 0018). */
export { PASS_AGE_BANDS as AGE_BANDS, PASS_SITUATIONS as SITUATIONS } from '../people/index.ts';
