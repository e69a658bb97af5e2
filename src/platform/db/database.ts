/**
 * One small interface over both engines (embedded PGlite, PostgreSQL server), so that use
 * cases and repositories are written once, in PostgreSQL's dialect, and run on both.
 */
export interface QueryOptions {
  /**
   * A hot statement run many times (PostgreSQL): kept prepared on the server connection and,
   * outside a transaction, run on the connections that force a generic plan, so that it is
   * not planned again each time (postgres.ts). Ignored by PGlite.
   */
  prepare?: boolean;
}

export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

/** The handle a transaction's callback receives. */
export interface Transaction extends Queryable {
  /**
   * Runs a script of several statements without parameters inside the transaction, sent to
   * the server as one text (simple query protocol): the server's own parser splits it, so
   * comments, E'…' strings and function bodies need no splitting by hand (migrations).
   */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgresql';
  /** Runs fn inside BEGIN … COMMIT; any error rolls the whole thing back. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function one<T>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<T> {
  const rows = await q.query<T>(sql, params);
  if (rows.length !== 1) throw new Error(`Expected exactly one row, got ${rows.length}`);
  return rows[0] as T;
}

export async function maybeOne<T>(q: Queryable, sql: string, params?: readonly unknown[]): Promise<T | undefined> {
  const rows = await q.query<T>(sql, params);
  return rows[0];
}

/** PostgreSQL error codes the application reacts to. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
