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

  it('numbers migrations once each, in order', () => {
    // Engineers working in parallel take numbers from separate ranges, so gaps are expected.
    const versions = listMigrations().map((m) => Number(m.version));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[0]).toBe(1);
  });
});
