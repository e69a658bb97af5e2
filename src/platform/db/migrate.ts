/**
 * Forward-only numbered SQL migrations (migrations/NNNN-*.sql), each file applied as one
 * script inside its own transaction and recorded in schema_migrations. The same files run on
 * PGlite and PostgreSQL. The server parses the script itself (simple query protocol), so a
 * migration may hold comments, E'…' strings and function bodies of any kind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** Versions are taken in ranges by parallel branches, so gaps are normal; duplicates are not. */
export function listMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: file.slice(0, 4),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(path.join(dir, file), 'utf8'),
    }));
  for (let i = 1; i < migrations.length; i++) {
    const [previous, current] = [migrations[i - 1] as Migration, migrations[i] as Migration];
    if (previous.version === current.version) {
      throw new Error(
        `Two migrations share the version ${current.version}: ${previous.name} and ${current.name}. Renumber one.`,
      );
    }
  }
  return migrations;
}

/**
 * PGlite never loads pg_trgm: its WebAssembly build can spin forever inside a trigram call
 * (electric-sql/pglite#1058), freezing the one connection and so the whole server. The first
 * migrations were written before that and create the extension and two indexes with it; on
 * PGlite exactly those statements are left out (0075 drops them from databases made before,
 * see ADR 0022). Anything else is run as written.
 */
const PGLITE_LEFT_OUT =
  /^(CREATE EXTENSION IF NOT EXISTS pg_trgm;|CREATE INDEX \w+ ON \w+ USING gin \(\w+ gin_trgm_ops\);)$/gm;

/** The text of a migration as this engine runs it. */
export function migrationSql(migration: Migration, engine: Database['engine']): string {
  if (engine !== 'pglite') return migration.sql;
  return migration.sql.replace(PGLITE_LEFT_OUT, (statement) => `-- Left out on PGlite (no pg_trgm): ${statement}`);
}

/** One lock for every process that migrates this database (two servers starting together). */
const MIGRATION_LOCK = 727274;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Applies the pending migrations and returns the names of those applied. `onApply` is told
 * before each one starts (progress lines of the first start).
 */
export async function migrate(
  db: Database,
  migrations = listMigrations(),
  onApply?: (name: string) => void,
): Promise<string[]> {
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const done = new Set(
    (await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !done.has(m.version))) {
    const ran = await db.transaction(async (tx) => {
      // A second server starting at the same time waits here, then sees the migration done.
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      onApply?.(migration.name);
      const [before] = await tx.query<{ id: string }>('SELECT txid_current()::text AS id');
      await tx.exec(migrationSql(migration, db.engine));
      // A COMMIT inside the file would leave the rest of it, and its record, outside any
      // transaction: half a migration applied for good. Refuse it loudly instead.
      const [after] = await tx.query<{ id: string }>('SELECT txid_current()::text AS id');
      if (before?.id !== after?.id) {
        throw new MigrationError(
          `Migration ${migration.name} ends the transaction it runs in (COMMIT, ROLLBACK or BEGIN in the file): remove those statements, each migration already runs in its own transaction.`,
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}
