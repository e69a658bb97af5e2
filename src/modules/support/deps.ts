import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the support module's use cases need from the outside world. */
export interface SupportDeps {
  db: Database;
  clock: Clock;
}

/** A helper may change or delete their own record this many days after recording it. */
export const EDIT_WINDOW_DAYS = 7;
/** A custom duration used more than this many times is offered as a choice (like the national tool). */
export const ADAPTIVE_DURATION_USES = 5;
/** At most this many durations are offered. */
export const MAX_DURATION_CHOICES = 10;
/** At most this many anonymous participants in one workshop. */
export const MAX_WORKSHOP_SIZE = 500;
