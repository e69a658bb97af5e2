/**
 * The store of @fastify/rate-limit in the database (issue 9): counters shared by every app
 * instance and kept across restarts, with no other server to run. One fixed window per route
 * and client key, counted by one upsert. REDIS_URL is not offered: PostgreSQL already is the
 * shared state of a deployment (ADR 0013), and a counter row costs one round trip.
 */
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function databaseRateLimitStore(db: Queryable, clock: Clock) {
  class DatabaseRateLimitStore {
    private readonly prefix: string;
    /** Built by the plugin with its options (unused), and by child() with a route prefix. */
    constructor(_options?: unknown, prefix = '') {
      this.prefix = prefix;
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = clock();
      const resetAt = new Date(now.getTime() + timeWindow);
      db.query<{ hits: number; reset_at: Date }>(
        `INSERT INTO rate_limit_counters AS c (key, hits, reset_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN c.reset_at <= $3 THEN 1 ELSE c.hits + 1 END,
           reset_at = CASE WHEN c.reset_at <= $3 THEN excluded.reset_at ELSE c.reset_at END
         RETURNING hits, reset_at`,
        [this.prefix + key, resetAt, now],
      ).then(
        (rows) => {
          const row = rows[0] as { hits: number; reset_at: Date };
          callback(null, {
            current: Number(row.hits),
            ttl: Math.max(0, new Date(row.reset_at).getTime() - now.getTime()),
          });
        },
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: { method?: string | string[]; url?: string }): DatabaseRateLimitStore {
      // The plugin passes the route's options (method and url, as declared).
      const info = routeOptions as { routeInfo?: { method?: string; url?: string }; method?: unknown; url?: string };
      const route = `${String(info.routeInfo?.method ?? info.method ?? '')} ${info.routeInfo?.url ?? info.url ?? ''}`;
      return new DatabaseRateLimitStore(undefined, `${this.prefix}${route}|`);
    }
  }
  return DatabaseRateLimitStore;
}

/** Windows that ended are of no use: the retention purge removes them. */
export async function purgeRateLimitCounters(q: Queryable, now: Date): Promise<number> {
  return (await q.query('DELETE FROM rate_limit_counters WHERE reset_at <= $1 RETURNING key', [now])).length;
}
