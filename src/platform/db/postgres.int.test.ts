/**
 * plan_cache_mode = force_generic_plan applies to every statement with parameters on a
 * connection, named or not: it must be set only on the connections that run the prepared hot
 * statements (postgres.ts), never on those of every other query and transaction.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testEngine } from '../../../test/support/test-db.ts';
import { splitPoolSize } from './postgres.ts';

describe.skipIf(testEngine() !== 'postgresql')('PostgreSQL connections', () => {
  it('force generic plans for the prepared hot statements only', async () => {
    const db = await createTestDatabase();
    try {
      const mode = "SELECT current_setting('plan_cache_mode') AS mode WHERE $1::int = 1";
      expect(await db.query(mode, [1])).toEqual([{ mode: 'auto' }]);
      expect(await db.query(mode, [1], { prepare: true })).toEqual([{ mode: 'force_generic_plan' }]);
      expect(await db.transaction((tx) => tx.query(mode, [1]))).toEqual([{ mode: 'auto' }]);
      expect(await db.transaction((tx) => tx.query(mode, [1], { prepare: true }))).toEqual([{ mode: 'auto' }]);
    } finally {
      await db.destroy();
    }
  });
});

describe('PostgreSQL pool sizes', () => {
  it('share DATABASE_POOL_SIZE between the two kinds of connections', () => {
    expect(splitPoolSize(10)).toEqual({ hot: 5, main: 5 });
    expect(splitPoolSize(3)).toEqual({ hot: 1, main: 2 });
    expect(splitPoolSize(1)).toEqual({ hot: 1, main: 1 });
  });
});
