/**
 * Background work: jobs that modules register, enqueue (now or later) and schedule; retention
 * purges that modules register for their own tables. The platform keeps no list of module
 * tables and no list of jobs: each part registers its own when its plugin starts.
 *
 * A job runs inside one transaction that also claims it (SELECT … FOR UPDATE SKIP LOCKED) and
 * marks it done: its writes, its journal entries and its completion commit together or not at
 * all, and another app instance skips a job being run. A failed attempt is rolled back to a
 * savepoint and recorded in the same transaction, then retried later with back-off. A process
 * that dies mid-job leaves no trace: its transaction is rolled back and the job runs again.
 *
 * A recurring job has one row in job_schedules; the instance whose conditional UPDATE moves
 * `next_run_at` forward enqueues that period's run, so N instances run it once per period.
 *
 * Times are the application's clock (tests move it by hand), not the database's.
 * Jobs must be short: on the embedded PGlite, a running job holds the only connection.
 * E-mail and other side effects go through the outbox (platform/outbox), never from a job.
 */
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { addDays, parisAt, parisDate } from '../print/paris-time.ts';

export interface JobContext<P> {
  /** The transaction the job runs in: use it for every query (never the database handle). */
  tx: Queryable;
  payload: P;
  clock: Clock;
  /** 1 on the first attempt. */
  attempt: number;
}

export type JobHandler<P> = (ctx: JobContext<P>) => Promise<void>;

export interface JobOptions {
  /** Attempts before the job is marked failed (default 10). */
  maxAttempts?: number;
  /** Delay before attempt n + 1 after attempt n failed (default 2^n seconds, at most one hour). */
  backoffMs?: (attempt: number) => number;
}

/** How often a recurring job runs: every so many milliseconds, or once a day at a Paris time. */
export type Cadence = { every: number } | { dailyAt: string };

export interface PurgeDefinition {
  /** What is deleted, in words (printed by `passerelle purge`). */
  description: string;
  /** Deletes what has passed its retention period at `now`; returns how many rows went. */
  purge: (tx: Queryable, now: Date) => Promise<number>;
  /** Default: every hour. */
  cadence?: Cadence;
}

export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

interface Registered {
  handler: JobHandler<unknown>;
  maxAttempts: number;
  backoffMs: (attempt: number) => number;
}

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
const HOUR = 3600_000;
const defaultBackoff = (attempt: number) => Math.min(HOUR, 2 ** attempt * 1000);

/** Whether something was enqueued since the last call (so that a request's enqueue is run soon). */
let enqueuedSinceDrain = false;
export function takeEnqueuedHint(): boolean {
  const hint = enqueuedSinceDrain;
  enqueuedSinceDrain = false;
  return hint;
}

/**
 * Adds a job in the caller's transaction: it exists if and only if that transaction commits.
 * With `dedupeKey`, a second job with the same key is not added while the first is kept
 * (returns false).
 */
export async function enqueue(
  tx: Queryable,
  clock: Clock,
  name: string,
  payload: Record<string, unknown> = {},
  options: { runAt?: Date; dedupeKey?: string } = {},
): Promise<boolean> {
  const now = clock();
  const rows = await tx.query(
    `INSERT INTO jobs (name, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [name, JSON.stringify(payload), options.dedupeKey ?? null, options.runAt ?? now, now],
  );
  enqueuedSinceDrain = true;
  return rows.length > 0;
}

/** The next run of a recurring job after `now`. */
export function nextRunAfter(cadence: Cadence, now: Date): Date {
  if ('every' in cadence) return new Date(now.getTime() + cadence.every);
  const today = parisAt(parisDate(now), cadence.dailyAt);
  return today > now ? today : parisAt(addDays(parisDate(now), 1), cadence.dailyAt);
}

/** The first run of a recurring job registered at `now`: at once for « every », else the next time of day. */
export function firstRun(cadence: Cadence, now: Date): Date {
  return 'every' in cadence ? now : nextRunAfter(cadence, now);
}

export class JobRunner {
  private readonly jobs = new Map<string, Registered>();
  private readonly schedules = new Map<string, Cadence>();
  private readonly purges = new Map<string, PurgeDefinition>();
  private schedulesStored = false;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: JobLogger,
  ) {}

  /** Declares what to do with jobs of this name (`module.verb-noun`, e.g. `pass.draw-up-statement`). */
  registerJob<P = Record<string, unknown>>(name: string, handler: JobHandler<P>, options: JobOptions = {}): void {
    if (!NAME.test(name)) throw new Error(`job name "${name}" is not « part.what » in lower case`);
    if (this.jobs.has(name)) throw new Error(`job "${name}" is registered twice`);
    if (this.schedulesStored) throw new Error(`job "${name}" is registered after the runner started`);
    this.jobs.set(name, {
      handler: handler as JobHandler<unknown>,
      maxAttempts: options.maxAttempts ?? 10,
      backoffMs: options.backoffMs ?? defaultBackoff,
    });
  }

  /** A job that runs on its own at a cadence (once per period across every app instance). */
  schedule(name: string, cadence: Cadence, handler: JobHandler<Record<string, never>>, options: JobOptions = {}): void {
    if ('every' in cadence && !(cadence.every >= 60_000)) throw new Error(`schedule "${name}": at most once a minute`);
    if ('dailyAt' in cadence) parisAt('2026-01-01', cadence.dailyAt); // throws on a bad time
    this.registerJob(name, handler, options);
    this.schedules.set(name, cadence);
  }

  /** A retention purge of the caller's own tables, run on a schedule and by `passerelle purge`. */
  registerPurge(name: string, definition: PurgeDefinition): void {
    this.purges.set(name, definition);
    this.schedule(name, definition.cadence ?? { every: HOUR }, async ({ tx, clock }) => {
      const deleted = await definition.purge(tx, clock());
      if (deleted > 0) this.log.info({ purge: name, deleted }, 'expired data purged');
    });
  }

  /** The purges registered, in order of registration. */
  listPurges(): Array<{ name: string; description: string }> {
    return [...this.purges].map(([name, p]) => ({ name, description: p.description }));
  }

  /** Runs every purge now, each in its own transaction (`passerelle purge`). */
  async runPurges(): Promise<Array<{ name: string; description: string; deleted: number }>> {
    const report = [];
    for (const [name, p] of this.purges) {
      const deleted = await this.db.transaction((tx) => p.purge(tx, this.clock()));
      report.push({ name, description: p.description, deleted });
    }
    return report;
  }

  /**
   * Fires the schedules that are due, then runs every due job. A call made while a pass runs
   * waits for one more pass after it, so that what it was called for is seen.
   */
  runDue(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.runDue();
    });
    return this.queued;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runDue(), intervalMs);
    this.timer.unref();
    void this.runDue();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queued;
    await this.running;
  }

  private async pass(): Promise<number> {
    let done = 0;
    try {
      await this.fireSchedules();
      for (;;) {
        const outcome = await this.runOne();
        if (outcome === 'none') return done;
        if (outcome === 'done') done++;
      }
    } catch (error) {
      // The database is unreachable or closing: the next tick tries again.
      this.log.error({ err: { message: (error as Error).message } }, 'job runner pass failed');
      return done;
    }
  }

  private async fireSchedules(): Promise<void> {
    if (this.schedules.size === 0) return;
    const now = this.clock();
    if (!this.schedulesStored) {
      for (const [name, cadence] of this.schedules) {
        await this.db.query(
          'INSERT INTO job_schedules (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
          [name, firstRun(cadence, now)],
        );
      }
      this.schedulesStored = true;
    }
    const stored = await this.db.query<{ name: string; next_run_at: Date }>(
      'SELECT name, next_run_at FROM job_schedules WHERE name = ANY($1::text[])',
      [[...this.schedules.keys()]],
    );
    for (const { name, next_run_at } of stored) {
      const cadence = this.schedules.get(name) as Cadence;
      const next = nextRunAfter(cadence, now);
      // Due, or set further ahead than one period: the clock went back (a test moving it, a
      // server clock corrected), and waiting for the old time would skip periods.
      if (!(next_run_at <= now || next_run_at > next)) continue;
      await this.db.transaction(async (tx) => {
        // Only one instance moves next_run_at; the others update no row.
        const won = await tx.query(
          `UPDATE job_schedules SET next_run_at = $2, last_run_at = $3
           WHERE name = $1 AND (next_run_at <= $3 OR next_run_at > $2) RETURNING name`,
          [name, next, now],
        );
        if (won.length > 0) await enqueue(tx, this.clock, name);
      });
    }
  }

  private runOne(): Promise<'none' | 'done' | 'failed'> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: number; name: string; payload: unknown; attempts: number }>(
        `SELECT id, name, payload, attempts FROM jobs
         WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 AND name = ANY($2::text[])
         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now, [...this.jobs.keys()]],
      );
      const job = rows[0];
      if (!job) return 'none';
      const registered = this.jobs.get(job.name) as Registered;
      const attempt = job.attempts + 1;
      await tx.query('SAVEPOINT job_attempt');
      try {
        await registered.handler({ tx, payload: job.payload, clock: this.clock, attempt });
        await tx.query('RELEASE SAVEPOINT job_attempt');
        await tx.query('UPDATE jobs SET attempts = $2, done_at = $3, last_error = NULL WHERE id = $1', [
          job.id,
          attempt,
          this.clock(),
        ]);
        return 'done';
      } catch (error) {
        await tx.query('ROLLBACK TO SAVEPOINT job_attempt');
        const last = attempt >= registered.maxAttempts;
        const message = String((error as Error)?.message ?? error).slice(0, 500);
        await tx.query('UPDATE jobs SET attempts = $2, run_at = $3, last_error = $4, failed_at = $5 WHERE id = $1', [
          job.id,
          attempt,
          new Date(now.getTime() + registered.backoffMs(attempt)),
          message,
          last ? now : null,
        ]);
        this.log.error({ job: job.name, jobId: job.id, attempt, failed: last, err: { message } }, 'job failed');
        return 'failed';
      }
    });
  }
}
