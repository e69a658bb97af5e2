/**
 * A PGlite database made before pg_trgm was dropped from PGlite (migrations 0001 and 0003
 * created it and two indexes with it) opens without the extension and is upgraded by 0075:
 * the indexes and the extension are gone and places can be written again. Without 0075,
 * writing a place fails (« could not access file "pg_trgm" »). PGlite only: PostgreSQL keeps
 * pg_trgm (ADR 0022).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { describe, expect, it } from 'vitest';
import { testEngine } from '../../../test/support/test-db.ts';
import { listMigrations, migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';

describe.runIf(testEngine() === 'pglite')('an embedded database made with pg_trgm', () => {
  it('is upgraded: no pg_trgm left, and places can be written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pglite-trgm-'));
    try {
      // The database as the previous version made it: every migration before 0075, as written.
      const old = await PGlite.create({ dataDir: dir, extensions: { cube, earthdistance, pg_trgm, unaccent } });
      await old.exec(
        'CREATE TABLE schema_migrations (version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      for (const m of listMigrations().filter((m) => m.version < '0075')) {
        await old.exec(m.sql);
        await old.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      const [before] = (
        await old.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
      ).rows;
      expect(before?.n).toBe(2);
      await old.close();

      const db = await openPglite({ dataDir: dir });
      try {
        expect(await migrate(db)).toContain('0075-no-pg-trgm-on-pglite');
        const extensions = (await db.query<{ extname: string }>('SELECT extname FROM pg_extension')).map(
          (r) => r.extname,
        );
        expect(extensions).not.toContain('pg_trgm');
        const indexes = await db.query("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%trgm%'");
        expect(indexes).toEqual([]);
        // The write that needed pg_trgm's code for the old index.
        await db.query(
          `INSERT INTO places (id, pivot, nom, commune, code_postal, adresse, date_maj, geo_precision, origin,
                               imported_at, updated_at, content_hash, search_text)
           VALUES ('p-1', '12345678901234', 'Médiathèque', 'Toulon', '83000', '1 rue A', '2026-01-10', 'none',
                   'import', now(), now(), 'h', 'mediatheque toulon')`,
        );
        expect(await db.query('SELECT id FROM places')).toEqual([{ id: 'p-1' }]);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
