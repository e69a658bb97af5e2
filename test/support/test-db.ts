/**
 * A fresh, migrated database per test file, on the engine the run asks for:
 * PGlite cloned from a prepared template (fast), or a new PostgreSQL database created from a
 * migrated template database on the server of TEST_DATABASE_URL / DATABASE_URL.
 */

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/platform/db/database.ts';
import { listMigrations, migrate } from '../../src/platform/db/migrate.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { setJournalKey } from '../../src/platform/journal/journal.ts';

export type Engine = 'pglite' | 'postgresql';

export function testEngine(): Engine {
  return process.env.TEST_DB_ENGINE === 'postgresql' ? 'postgresql' : 'pglite';
}

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('TEST_DB_ENGINE=postgresql needs TEST_DATABASE_URL or DATABASE_URL');
  return url;
}

function schemaHash(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(m.sql);
  return h.digest('hex').slice(0, 12);
}

const templateDir = path.resolve('var/test');
const pgliteTemplateFile = () => path.join(templateDir, `pglite-template-${schemaHash()}.tar`);
const pgTemplateName = () => `passerelle_tpl_${schemaHash()}`;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Called once per run (vitest globalSetup). */
export async function prepareTemplates(): Promise<void> {
  if (testEngine() === 'pglite') {
    const file = pgliteTemplateFile();
    if (existsSync(file)) return;
    mkdirSync(templateDir, { recursive: true });
    const db = await openPglite({});
    await migrate(db);
    const dump = await db.dump();
    await db.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
    return;
  }
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    const name = pgTemplateName();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      const building = `${name}_build_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
      await admin.query(`CREATE DATABASE ${building}`);
      const db = await openPostgres(withDatabase(serverUrl(), building), 2);
      await migrate(db);
      await db.close();
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    }
  } finally {
    await admin.end();
  }
}

export interface TestDatabase extends Database {
  /** Removes the database (PostgreSQL) after closing it. */
  destroy(): Promise<void>;
  /** PostgreSQL: the connection string of this database, to open more connections (a second app instance). */
  url?: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // The key testConfig gives the app (journal entries written without an app verify the same).
  setJournalKey('test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz');
  if (testEngine() === 'pglite') {
    const blob = new Blob([readFileSync(pgliteTemplateFile())]);
    const db = await openPglite({ loadDataDir: blob });
    return Object.assign(db, { destroy: () => db.close() });
  }
  const name = `passerelle_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplateName()}`);
  await admin.end();
  const url = withDatabase(serverUrl(), name);
  const db = await openPostgres(url, 20);
  return Object.assign(db, {
    url,
    async destroy() {
      await db.close();
      const a = new pg.Client({ connectionString: serverUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  });
}
