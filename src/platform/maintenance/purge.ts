/**
 * Retention: what the platform keeps only for a while is deleted on a schedule (hourly in the
 * server, or `passerelle purge`): ended sessions, delivered messages of the outbox after 30
 * days, the development mailbox after 30 days.
 */

import { purgeEndedSessions, type SessionPolicy } from '../auth/session-store.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';

export interface PurgeReport {
  sessions: number;
  outbox: number;
  devMailbox: number;
}

const DAY = 86_400_000;

export async function purgeExpiredData(
  db: Database,
  clock: Clock,
  sessions: SessionPolicy,
  retentionDays = 30,
): Promise<PurgeReport> {
  const before = new Date(clock().getTime() - retentionDays * DAY);
  const outbox = await db.query('DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1 RETURNING id', [before]);
  const mailbox = await db.query('DELETE FROM dev_mailbox WHERE sent_at < $1 RETURNING id', [before]);
  return { sessions: await purgeEndedSessions(db, clock, sessions), outbox: outbox.length, devMailbox: mailbox.length };
}
