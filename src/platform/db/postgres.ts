import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable } from './database.ts';

/** Values as the rest of the code expects them, identical to pglite.ts. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20) return (v: string) => Number(v); // int8: counts and ids fit in a double
    if (oid === 1082) return (v: string) => v; // date stays 'YYYY-MM-DD', no time zone shift
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

const statementNames = new Map<string, string>();

/** A stable name per statement text, for server-side prepared statements (hashed once per text). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `p_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** How many of the connections serve the prepared hot statements (the rest: everything else). */
export function splitPoolSize(poolSize: number): { hot: number; main: number } {
  const hot = Math.max(1, Math.floor(poolSize / 2));
  return { hot, main: Math.max(1, poolSize - hot) };
}

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // `prepare: true` marks the hot statements (search, nearby places, redemption). Outside a
  // transaction they run on connections of their own, set to plan_cache_mode =
  // force_generic_plan: each is planned once per connection and the plan reused, instead of
  // re-planned on every call when PostgreSQL's estimate of the generic plan comes out worse
  // than it is (bench/search.ts: −30 % database CPU per search with filters). The setting
  // applies to every statement with parameters on a connection, named or not, so every other
  // statement and every transaction uses the other connections, in the default mode: planned
  // for its values. (A `prepare: true` statement inside a transaction, such as a journal
  // append, is prepared on that connection in the default mode: PostgreSQL plans it for its
  // values five times, then keeps a generic plan if it is no worse.) The two pools share
  // DATABASE_POOL_SIZE.
  const urlOptions = new URL(url).searchParams.get('options');
  const sizes = splitPoolSize(poolSize);
  const poolOf = (max: number, generic: boolean) => {
    const pool = new pg.Pool({
      connectionString: url,
      ...(generic ? { options: [urlOptions, '-c plan_cache_mode=force_generic_plan'].filter(Boolean).join(' ') } : {}),
      max,
      types: typeParsers,
      connectionTimeoutMillis: 5000,
      application_name: 'passerelle',
    });
    // A dropped connection must not crash the process; the next query gets a fresh one.
    pool.on('error', () => {});
    return pool;
  };
  const pool = poolOf(sizes.main, false);
  const hotPool = poolOf(sizes.hot, true);

  // Fail fast with the real cause if the server cannot be reached.
  const client = await pool.connect().catch(async (error: Error) => {
    await Promise.all([pool.end().catch(() => {}), hotPool.end().catch(() => {})]);
    throw error;
  });
  client.release();
  const query: Queryable['query'] = async (sql, params, options) =>
    options?.prepare
      ? (await hotPool.query({ name: statementName(sql), text: sql, values: params as unknown[] })).rows
      : (await pool.query(sql, params as unknown[])).rows;
  return {
    engine: 'postgresql',
    query,
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const result = await fn({
          query: async (sql, params, options) =>
            options?.prepare
              ? (await conn.query({ name: statementName(sql), text: sql, values: params as unknown[] })).rows
              : (await conn.query(sql, params as unknown[])).rows,
          // No parameters: pg sends the text with the simple query protocol, several statements allowed.
          exec: async (sql) => {
            await conn.query(sql);
          },
        });
        await conn.query('COMMIT');
        return result;
      } catch (error) {
        await conn.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: async () => {
      await Promise.all([pool.end(), hotPool.end()]);
    },
  };
}
