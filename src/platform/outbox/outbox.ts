/**
 * Scheduling uses the database's clock (now()), the same one that stamps rows, so that a
 * test clock moved by hand never hides or delays a message.
 *
 * Side effects (e-mail…) are written to the outbox inside the transaction that decides them,
 * and carried out by the worker after commit: a rolled-back write never sends a message, and
 * a failed send is retried with backoff.
 */
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';

export type OutboxHandler = (payload: Record<string, unknown>) => Promise<void>;

let scheduledSinceDrain = false;

/** How long an instance holds the messages it claimed before another may take them over. */
const CLAIM_LEASE_MINUTES = 5;

export async function enqueue(tx: Queryable, topic: string, payload: Record<string, unknown>): Promise<void> {
  await tx.query('INSERT INTO outbox (topic, payload) VALUES ($1, $2)', [topic, JSON.stringify(payload)]);
  scheduledSinceDrain = true;
}

/** Whether something was scheduled since the last call (so busy endpoints skip a useless query). */
export function takeScheduledHint(): boolean {
  const hint = scheduledSinceDrain;
  scheduledSinceDrain = false;
  return hint;
}

interface OutboxRow {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface OutboxLogger {
  error(obj: object, msg: string): void;
}

export class OutboxWorker {
  private readonly handlers = new Map<string, OutboxHandler>();
  private draining: Promise<number> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: OutboxLogger,
  ) {}

  on(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, handler);
  }

  /** Processes what is due now; concurrent calls share one pass. Returns how many were done. */
  drain(): Promise<number> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.run().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        void this.drain();
      }
    });
    return this.draining;
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.drain(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  private async run(): Promise<number> {
    let done = 0;
    for (;;) {
      // Claimed, not just read: with several instances on one database each message goes to
      // one of them (SKIP LOCKED), which holds it for a lease; if that instance dies before
      // marking it done, another one delivers it once the lease is over.
      const rows = (
        await this.db.query<OutboxRow>(
          `UPDATE outbox SET available_at = now() + interval '${CLAIM_LEASE_MINUTES} minutes'
           WHERE id IN (
             SELECT id FROM outbox
             WHERE done_at IS NULL AND available_at <= now() AND attempts < 10
             ORDER BY id LIMIT 20
             FOR UPDATE SKIP LOCKED)
           RETURNING id, topic, payload, attempts`,
        )
      ).sort((a, b) => Number(a.id) - Number(b.id));
      if (rows.length === 0) return done;
      for (const row of rows) {
        const handler = this.handlers.get(row.topic);
        try {
          if (!handler) throw new Error(`no handler for topic ${row.topic}`);
          await handler(row.payload);
          // The payload may hold a one-time link: it is not kept once delivered.
          await this.db.query(
            `UPDATE outbox SET done_at = $2, payload = '{}'::jsonb, last_error = NULL WHERE id = $1`,
            [row.id, this.clock()],
          );
          done++;
        } catch (error) {
          const attempts = row.attempts + 1;
          const delayMs = Math.min(3600_000, 2 ** attempts * 1000);
          await this.db.query(
            `UPDATE outbox SET attempts = $2, available_at = now() + make_interval(secs => $3), last_error = $4 WHERE id = $1`,
            [row.id, attempts, delayMs / 1000, String((error as Error).message).slice(0, 500)],
          );
          this.log.error({ outboxId: row.id, topic: row.topic, attempts }, 'outbox delivery failed');
        }
      }
    }
  }
}
