import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the module's use cases need from the outside world. */
export interface AccountsDeps {
  db: Database;
  clock: Clock;
  secretKey: string;
  operatorName: string;
  publicUrl: string;
}

export const INVITATION_DAYS = 7;
export const RESET_MINUTES = 60;
