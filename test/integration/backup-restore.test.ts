/**
 * Backups restore (issue 12). PostgreSQL: the README's pg_dump / pg_restore recipe, from a
 * populated database into an empty one. Embedded: `passerelle database dump` into a fresh
 * embedded database, and into an empty PostgreSQL database (the move to a server). Each
 * restored database must give the same places export, search answers, row counts and an
 * intact journal.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpEmbeddedDatabase, RestoreRefused, restoreSqlDump } from '../../src/platform/db/backup.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { populate, SEARCHES, type Snapshot, snapshot } from '../support/database-snapshot.ts';
import { TestClock } from '../support/test-app.ts';
import { createTestDatabase, serverUrl, testEngine, withDatabase } from '../support/test-db.ts';

const run = promisify(execFile);
/** Two databases created, populated with every module's demo data, dumped and compared. */
const HEAVY = 300_000;
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** A new, empty PostgreSQL database (not from the migrated template): what an operator creates. */
async function emptyPostgresDatabase(): Promise<string> {
  const name = `passerelle_restore_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const a = new pg.Client({ connectionString: serverUrl() });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return withDatabase(serverUrl(), name);
}

function expectSameData(restored: Snapshot, original: Snapshot) {
  expect(original.rowCounts.places).toBeGreaterThan(600);
  for (const url of SEARCHES) expect(restored.searches[url], url).toBe(original.searches[url]);
  expect(restored.exportCsv).toBe(original.exportCsv);
  expect(restored.exportJson).toBe(original.exportJson);
  expect(restored.rowCounts).toEqual(original.rowCounts);
  expect(restored.journal).toBe(original.journal);
  expect(restored.journal).toMatch(/^intact/);
}

describe.runIf(testEngine() === 'postgresql')('PostgreSQL: pg_dump / pg_restore as the README says', () => {
  it(
    'restores a populated database into an empty one with the same places, searches and rows',
    async () => {
      const source = await createTestDatabase();
      cleanups.push(() => source.destroy());
      await populate(source, clock);
      const original = await snapshot(source, clock);
      // Every search must find something, or the comparison proves little.
      for (const url of SEARCHES) expect(JSON.parse(original.searches[url] ?? '{}').total, url).toBeGreaterThan(0);

      const dir = mkdtempSync(path.join(tmpdir(), 'passerelle-dump-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'passerelle.dump');
      await run('pg_dump', ['--format=custom', `--file=${file}`, source.url as string]);
      const target = await emptyPostgresDatabase();
      // Exit status 0 only when every object restored (pg_restore counts ignored errors).
      await run('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${target}`, file]);

      const restored = await openPostgres(target, 4);
      cleanups.push(() => restored.close());
      expect(await migrate(restored)).toEqual([]);
      expectSameData(await snapshot(restored, clock), original);
    },
    HEAVY,
  );
});

describe('embedded database: passerelle database dump, then restore', () => {
  it(
    testEngine() === 'postgresql'
      ? 'moves the embedded database into an empty PostgreSQL database without losing anything'
      : 'restores the dump into a new embedded database with the same places, searches and rows',
    async () => {
      const source = await openPglite({});
      cleanups.push(() => source.close());
      await migrate(source);
      await populate(source, clock);
      const original = await snapshot(source, clock);
      const sql = await dumpEmbeddedDatabase(source);

      const target =
        testEngine() === 'postgresql' ? await openPostgres(await emptyPostgresDatabase(), 4) : await openPglite({});
      cleanups.push(() => target.close());
      await restoreSqlDump(target, sql);
      expect(await migrate(target)).toEqual([]);
      expectSameData(await snapshot(target, clock), original);

      // A second restore into the same, no longer empty, database is refused and changes nothing.
      await expect(restoreSqlDump(target, sql)).rejects.toThrow(RestoreRefused);
      expect((await snapshot(target, clock)).rowCounts).toEqual(original.rowCounts);
    },
    HEAVY,
  );
});
