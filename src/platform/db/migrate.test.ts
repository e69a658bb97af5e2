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

  it('numbers migrations without gaps', () => {
    const versions = listMigrations().map((m) => Number(m.version));
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  });
});
