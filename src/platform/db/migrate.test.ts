import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations, migrationSql } from './migrate.ts';

describe('listMigrations', () => {
  it('reads the project migrations in order, with unique versions', () => {
    const versions = listMigrations().map((m) => m.version);
    expect(versions.length).toBeGreaterThan(5);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort()).toEqual(versions);
  });

  it('refuses two files with the same version, naming both', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    try {
      writeFileSync(path.join(dir, '0041-a.sql'), 'SELECT 1;');
      writeFileSync(path.join(dir, '0041-b.sql'), 'SELECT 2;');
      expect(() => listMigrations(dir)).toThrow(/0041-a and 0041-b/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('migrationSql', () => {
  it('leaves out on PGlite exactly the statements that create pg_trgm and its indexes', () => {
    const all = listMigrations();
    const onPglite = all.map((m) => migrationSql(m, 'pglite')).join('\n');
    const active = onPglite
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n');
    expect(active).not.toMatch(/gin_trgm_ops|CREATE EXTENSION[^;]*pg_trgm|similarity\(/);
    expect(onPglite.match(/^-- Left out on PGlite \(no pg_trgm\)/gm)).toHaveLength(3);
    // PostgreSQL runs every file as written.
    for (const m of all) expect(migrationSql(m, 'postgresql')).toBe(m.sql);
  });
});
