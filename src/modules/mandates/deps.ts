import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

export interface MandatesDeps {
  db: Database;
  clock: Clock;
  secretKey: string;
  publicUrl: string;
}

/** A helper uses mandates only with a second factor given within this many minutes. */
export const FRESH_SECOND_FACTOR_MINUTES = 15;
