/**
 * Side effects (e-mail…) are written to the outbox inside the transaction that decides them,
 * and carried out by the worker after commit: a rolled-back write never sends a message, and
 * a failed send is retried with backoff. Each app instance claims the messages it sends, so
 * that several instances on one database send each message once.
 *
 * Scheduling uses the database's clock (now()), the same one that stamps rows, so that a
 * test clock moved by hand never hides or delays a message.
 */
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';

export type OutboxHandler = (payload: Record<string, unknown>) => Promise<void>;

let scheduledSinceDrain = false;

/** How long a claimed message is left to the instance sending it. */
const CLAIM_SECONDS = 300;

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
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: OutboxLogger,
  ) {}

  on(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, handler);
  }

  /**
   * Sends what is due now; returns how many were sent. A call made while a pass runs waits for
   * one more pass after it, so that a message scheduled just before the call is seen.
   */
  drain(): Promise<number> {
    if (!this.running) {
      this.running = this.run()
        .catch((error: unknown) => {
          // The database is unreachable or closing: the next pass tries again.
          this.log.error({ err: { message: (error as Error).message } }, 'outbox pass failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.drain();
    });
    return this.queued;
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.drain(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.queued;
    await this.running;
  }

  /**
   * Claims up to 20 due messages for this instance (FOR UPDATE SKIP LOCKED: two instances
   * never claim the same row), then sends them. A claim lasts CLAIM_SECONDS: if this instance
   * dies while sending, another one sends the message after that.
   */
  private claim(): Promise<OutboxRow[]> {
    return this.db.query<OutboxRow>(
      `UPDATE outbox SET claimed_until = now() + make_interval(secs => $1)
       WHERE id IN (SELECT id FROM outbox
                    WHERE done_at IS NULL AND available_at <= now() AND attempts < 10
                      AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, topic, payload, attempts`,
      [CLAIM_SECONDS],
    );
  }

  private async run(): Promise<number> {
    let done = 0;
    for (;;) {
      const rows = (await this.claim()).sort((a, b) => a.id - b.id);
      if (rows.length === 0) return done;
      for (const row of rows) {
        const handler = this.handlers.get(row.topic);
        try {
          if (!handler) throw new Error(`no handler for topic ${row.topic}`);
          await handler(row.payload);
          // The payload may hold a one-time link: it is not kept once delivered.
          await this.db.query(
            `UPDATE outbox SET done_at = $2, payload = '{}'::jsonb, last_error = NULL, claimed_until = NULL WHERE id = $1`,
            [row.id, this.clock()],
          );
          done++;
        } catch (error) {
          const attempts = row.attempts + 1;
          const delayMs = Math.min(3600_000, 2 ** attempts * 1000);
          await this.db.query(
            `UPDATE outbox SET attempts = $2, available_at = now() + make_interval(secs => $3), last_error = $4, claimed_until = NULL WHERE id = $1`,
            [row.id, attempts, delayMs / 1000, String((error as Error).message).slice(0, 500)],
          );
          this.log.error({ outboxId: row.id, topic: row.topic, attempts }, 'outbox delivery failed');
        }
      }
    }
  }
}
