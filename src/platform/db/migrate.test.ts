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

  // Parallel branches take version numbers from separate ranges (0010–0019, 0020–0029…), so a
  // range may be unused for a while: numbers must be unique and increasing, not consecutive.
  it('numbers migrations uniquely, in order', () => {
    const versions = listMigrations().map((m) => Number(m.version));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });
});
