import { describe, expect, it } from 'vitest';
import { listMigrations, splitStatements } from './migrate.ts';

describe('splitStatements', () => {
  it('splits on semicolons outside strings, comments and $$ bodies', () => {
    const sql = `-- a comment; not a statement
CREATE TABLE a (x text DEFAULT 'a;b');
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'x;y'; END $$;
SELECT 1`;
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(3);
    expect(statements[1]).toContain("RAISE EXCEPTION 'x;y'; END $$");
  });

  it('numbers migrations in increasing order, each number once', () => {
    // Parallel branches take numbers from separate ranges (e.g. 0070–0079), so gaps are expected.
    const versions = listMigrations().map((m) => Number(m.version));
    expect(versions.every((v, i) => Number.isInteger(v) && v > 0 && (i === 0 || v > (versions[i - 1] as number)))).toBe(
      true,
    );
  });
});
