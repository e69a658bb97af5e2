/**
 * The job runner on a real database, both engines: delayed jobs, retries with back-off, one
 * transaction per run, schedules that fire once per period, and jobs claimed once when
 * several runners (app instances) work on the same database at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import type { Database } from '../db/database.ts';
import { openPostgres } from '../db/postgres.ts';
import { appendJournal } from '../journal/journal.ts';
import { enqueue, type JobLogger, JobRunner } from './jobs.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let db: TestDatabase;
/** A second connection pool on the same database (PostgreSQL), as a second app instance has. */
let other: Database;
const errors: string[] = [];
const log: JobLogger = { info: () => {}, error: (obj) => errors.push(JSON.stringify(obj)) };

beforeAll(async () => {
  db = await createTestDatabase();
  other = db.url ? await openPostgres(db.url, 10) : db;
  await db.exec('CREATE TABLE job_test_effects (job text, attempt integer)');
});
afterAll(async () => {
  if (other !== db) await other.close();
  await db.destroy();
});

const effects = async (job: string) =>
  (await db.query<{ n: number }>('SELECT count(*) AS n FROM job_test_effects WHERE job = $1', [job]))[0]?.n;
const add = (name: string, payload: Record<string, unknown> = {}, options = {}) =>
  db.transaction((tx) => enqueue(tx, clock.now, name, payload, options));

describe('jobs', () => {
  it('runs a delayed job once its time has come, not before', async () => {
    const runner = new JobRunner(db, clock.now, log);
    runner.registerJob('test.delayed', async ({ tx }) => {
      await tx.query("INSERT INTO job_test_effects VALUES ('delayed', 1)");
    });
    await add('test.delayed', {}, { runAt: new Date(clock.now().getTime() + 3600_000) });
    expect(await runner.runDue()).toBe(0);
    clock.advance(3600_000);
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0);
    expect(await effects('delayed')).toBe(1);
  });

  it('rolls a failed attempt back, retries it with back-off, and gives up after the last attempt', async () => {
    const runner = new JobRunner(db, clock.now, log);
    runner.registerJob(
      'test.flaky',
      async ({ tx, attempt }) => {
        await tx.query("INSERT INTO job_test_effects VALUES ('flaky', $1)", [attempt]);
        if (attempt < 3) throw new Error(`panne n° ${attempt}`);
      },
      { maxAttempts: 3, backoffMs: (n) => n * 60_000 },
    );
    runner.registerJob(
      'test.hopeless',
      async () => {
        throw new Error('toujours en panne');
      },
      { maxAttempts: 2, backoffMs: () => 1000 },
    );
    await add('test.flaky');
    await add('test.hopeless');
    expect(await runner.runDue()).toBe(0); // both failed once
    clock.advance(59_000);
    expect(await runner.runDue()).toBe(0); // the back-off of attempt 1 (1 min) is not over
    clock.advance(2_000);
    expect(await runner.runDue()).toBe(0); // flaky fails again, hopeless fails for good
    clock.advance(120_000);
    expect(await runner.runDue()).toBe(1); // flaky, third attempt
    // Only the successful attempt left its write: failed attempts were rolled back.
    expect(await db.query('SELECT attempt FROM job_test_effects WHERE job = $1', ['flaky'])).toEqual([{ attempt: 3 }]);
    const [hopeless] = await db.query<{ attempts: number; failed_at: Date | null; last_error: string }>(
      "SELECT attempts, failed_at, last_error FROM jobs WHERE name = 'test.hopeless'",
    );
    expect(hopeless).toMatchObject({ attempts: 2, last_error: 'toujours en panne' });
    expect(hopeless?.failed_at).toBeInstanceOf(Date);
    expect(errors.some((e) => e.includes('"job":"test.hopeless"') && e.includes('"failed":true'))).toBe(true);
  });

  it('writes business data and its journal entry in the run’s transaction, or neither', async () => {
    const runner = new JobRunner(db, clock.now, log);
    runner.registerJob(
      'test.journaled',
      async ({ tx, clock: c, payload }) => {
        await tx.query("INSERT INTO job_test_effects VALUES ('journaled', 1)");
        await appendJournal(tx, c, { action: 'test.ecriture', details: payload as Record<string, unknown> });
        if ((payload as { fail?: boolean }).fail) throw new Error('échec après le journal');
      },
      { maxAttempts: 1 },
    );
    await add('test.journaled', { fail: true });
    await add('test.journaled', { fail: false });
    expect(await runner.runDue()).toBe(1);
    expect(await effects('journaled')).toBe(1);
    const entries = await db.query<{ details: { fail: boolean } }>(
      "SELECT details FROM journal WHERE action = 'test.ecriture'",
    );
    expect(entries).toEqual([{ details: { fail: false } }]);
  });

  it('adds a job with a dedupe key once', async () => {
    expect(await add('test.unique', {}, { dedupeKey: 'test.unique:2026-11' })).toBe(true);
    expect(await add('test.unique', {}, { dedupeKey: 'test.unique:2026-11' })).toBe(false);
    const rows = await db.query("SELECT id FROM jobs WHERE name = 'test.unique'");
    expect(rows).toHaveLength(1);
  });

  it('runs each job once when two instances work through the queue at the same time', async () => {
    const ran: number[] = [];
    const make = (database: Database) => {
      const runner = new JobRunner(database, clock.now, log);
      runner.registerJob<{ n: number }>('test.claimed', async ({ tx, payload }) => {
        ran.push(payload.n);
        await tx.query("INSERT INTO job_test_effects VALUES ('claimed', $1)", [payload.n]);
        await new Promise((resolve) => setTimeout(resolve, 2));
      });
      return runner;
    };
    const [a, b] = [make(db), make(other)];
    for (let n = 1; n <= 40; n++) await add('test.claimed', { n });
    const [doneA, doneB] = await Promise.all([a.runDue(), b.runDue()]);
    expect(doneA + doneB).toBe(40);
    expect(ran.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await effects('claimed')).toBe(40);
    if (db.engine === 'postgresql') expect(Math.min(doneA, doneB)).toBeGreaterThan(0); // both took a share
  });

  it('fires a schedule once per period across instances, at a Paris time of day', async () => {
    const runs: string[] = [];
    const make = (database: Database, who: string) => {
      const runner = new JobRunner(database, clock.now, log);
      runner.schedule('test.hourly', { every: 3600_000 }, async ({ tx }) => {
        runs.push(`hourly:${who}`);
        await tx.query("INSERT INTO job_test_effects VALUES ('hourly', 1)");
      });
      runner.schedule('test.morning', { dailyAt: '08:30' }, async () => {
        runs.push(`morning:${who}`);
      });
      return runner;
    };
    clock.set(new Date('2026-11-12T06:00:00Z')); // 07:00 in Paris
    const [a, b] = [make(db, 'a'), make(other, 'b')];
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(runs.filter((r) => r.startsWith('hourly'))).toHaveLength(1);
    expect(runs.filter((r) => r.startsWith('morning'))).toHaveLength(0);
    clock.set(new Date('2026-11-12T07:31:00Z')); // 08:31 in Paris
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.filter((r) => r.startsWith('hourly'))).toHaveLength(2);
    expect(runs.filter((r) => r.startsWith('morning'))).toHaveLength(1);
    const [schedule] = await db.query<{ next_run_at: Date }>(
      "SELECT next_run_at FROM job_schedules WHERE name = 'test.morning'",
    );
    expect(schedule?.next_run_at.toISOString()).toBe('2026-11-13T07:30:00.000Z');
    // The clock goes back a week (a test, a corrected server clock): the hourly job runs at once
    // and keeps its period, instead of waiting a week for the time it was set for.
    clock.set(new Date('2026-11-05T07:31:00Z'));
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.filter((r) => r.startsWith('hourly'))).toHaveLength(3);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.filter((r) => r.startsWith('hourly'))).toHaveLength(3);
  });

  it('refuses a name that says not whose job it is, and a job registered twice', () => {
    const runner = new JobRunner(db, clock.now, log);
    expect(() => runner.registerJob('purge', async () => {})).toThrow(/part.what/);
    runner.registerJob('test.twice', async () => {});
    expect(() => runner.registerJob('test.twice', async () => {})).toThrow(/twice/);
    expect(() => runner.schedule('test.too-often', { every: 1000 }, async () => {})).toThrow(/once a minute/);
  });
});
