/**
 * Migrations run each file as one script in its transaction, on both engines: the syntax that
 * a hand-written statement splitter gets wrong goes through, a failing file leaves nothing
 * behind, and a file that ends its own transaction is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import { listMigrations, MigrationError, migrate } from './migrate.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

describe('migrate', () => {
  it('applies a file with comments, E strings, dollar-quoted and atomic function bodies as written', async () => {
    const applied = await migrate(db, listMigrations(path.join(fixtures, 'migrations-tricky')));
    expect(applied).toEqual(['9901-tricky-syntax']);
    const rows = await db.query<{ id: number; note: string }>('SELECT id, note FROM migration_fixture ORDER BY id');
    expect(rows).toEqual([
      { id: 1, note: "l'apostrophe; puis un point-virgule" },
      { id: 2, note: 'retour\\; barre oblique' },
      { id: 3, note: '-- pas un commentaire; vraiment' },
    ]);
    const [fn] = await db.query<{ note: string; missing: string; count: number }>(
      'SELECT migration_fixture_note(1) AS note, migration_fixture_note(42) AS missing, migration_fixture_count()::int AS count',
    );
    expect(fn).toEqual({ note: "l'apostrophe; puis un point-virgule", missing: 'aucune; note', count: 3 });
    // Applied once: a second run finds nothing to do.
    expect(await migrate(db, listMigrations(path.join(fixtures, 'migrations-tricky')))).toEqual([]);
  });

  it('rolls a failing file back whole and does not record it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      writeFileSync(
        path.join(dir, '9931-fails-late.sql'),
        'CREATE TABLE migration_half (id int);\nINSERT INTO migration_half VALUES (1);\nSELECT 1 / 0;\n',
      );
      await expect(migrate(db, listMigrations(dir))).rejects.toThrow(/division by zero/);
      const [table] = await db.query<{ exists: boolean }>("SELECT to_regclass('migration_half') IS NOT NULL AS exists");
      expect(table?.exists).toBe(false);
      const recorded = await db.query("SELECT 1 FROM schema_migrations WHERE version = '9931'");
      expect(recorded).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a file that commits in the middle, saying why', async () => {
    const error = await migrate(db, listMigrations(path.join(fixtures, 'migrations-commit'))).catch((e) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toMatch(/9911-commits-halfway ends the transaction it runs in/);
    const recorded = await db.query("SELECT 1 FROM schema_migrations WHERE version = '9911'");
    expect(recorded).toHaveLength(0);
  });
});
