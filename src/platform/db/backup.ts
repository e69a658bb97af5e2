/**
 * Backups of the embedded database as an SQL script (ADR 0010): PostgreSQL's own pg_dump,
 * compiled to WebAssembly (@electric-sql/pglite-tools), writes the whole database as plain
 * SQL that restores into an empty embedded database (`passerelle database restore`) or into
 * a PostgreSQL server, through the same command or `psql` — the way to move to a server.
 */
import type { Database } from './database.ts';
import type { PgliteDatabase } from './pglite.ts';

/**
 * pg_dump options: no owner or privileges (the restoring role owns what it creates), several
 * rows per INSERT (pglite-tools always dumps INSERTs so that PGlite can replay the script).
 */
const DUMP_ARGS = ['--no-owner', '--no-privileges', '--rows-per-insert=500'];

/**
 * Lines of the dump's preamble that an older server would refuse: the pg_dump inside PGlite
 * is version 18, and PostgreSQL 15 knows no transaction_timeout. COMMENT ON EXTENSION needs
 * to own the extension, which a restoring role does not when an administrator created it.
 */
const PORTABILITY_FILTERS = [/^SET transaction_timeout = 0;$/, /^COMMENT ON EXTENSION [a-z_]+ IS '[^']*';$/];

export async function dumpEmbeddedDatabase(db: PgliteDatabase): Promise<string> {
  const sql = await db.sqlDump(DUMP_ARGS);
  const kept = sql.split('\n').filter((line) => !PORTABILITY_FILTERS.some((re) => re.test(line)));
  return `-- Sauvegarde Passerelle (base embarquée). Restauration : npx passerelle database restore FICHIER.sql\n-- ou, vers PostgreSQL : psql -v ON_ERROR_STOP=1 --single-transaction -f FICHIER.sql "$DATABASE_URL"\n${kept.join('\n')}`;
}

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
}

/** Tables of the application schema (schema_migrations included). */
export async function applicationTables(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((r) => r.name);
}

/**
 * Replays an SQL dump into an empty database, in one transaction: either all of it is
 * restored, or nothing. A database that already holds tables is refused (a restore never
 * mixes two databases).
 */
export async function restoreSqlDump(db: Database, sql: string): Promise<void> {
  const tables = await applicationTables(db);
  if (tables.length > 0) {
    throw new RestoreRefused(
      `la base de destination n'est pas vide (${tables.length} tables, dont ${tables.slice(0, 3).join(', ')}). Restaurez dans une base neuve : un DATA_DIR vide, ou une base PostgreSQL créée pour l'occasion (createdb).`,
    );
  }
  await db.transaction(async (tx) => {
    await tx.exec(sql);
    // The dump empties the search path for its own statements; give the session its default back.
    await tx.exec('RESET search_path');
  });
}
