import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { Database, Queryable, Transaction } from './database.ts';
import { acquireProcessLock } from './process-lock.ts';

/** Same JavaScript values as the PostgreSQL driver (see postgres.ts). */
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
  [types.NUMERIC]: (v: string) => v,
};

/**
 * PostgreSQL's buffer cache inside PGlite. The data folder's postgresql.conf says 128MB, and
 * PGlite spends about 0.8 s of CPU at each start preparing that memory in WebAssembly; 16MB
 * starts in a fraction of it, and pages beyond it are read from the operating system's file
 * cache (ADR 0034, with the search figures).
 */
export const SHARED_BUFFERS = '16MB';

export interface PgliteOptions {
  /** Folder on disk; undefined for an in-memory database (tests). */
  dataDir?: string;
  /** A dump made by dumpDataDir, to start from a prepared database (tests). */
  loadDataDir?: Blob;
}

export interface PgliteDatabase extends Database {
  /** A copy of the database files, to clone a prepared database quickly (tests). */
  dump(): Promise<Blob>;
  /** The database as an SQL script (pg_dump in WebAssembly, see backup.ts). */
  sqlDump(args: string[]): Promise<string>;
}

export async function openPglite(options: PgliteOptions): Promise<PgliteDatabase> {
  let release: (() => void) | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    release = acquireProcessLock(options.dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      // No pg_trgm: it can spin forever inside PGlite's WebAssembly (electric-sql/pglite#1058,
      // ADR 0022); see migrate.ts.
      extensions: { cube, earthdistance, unaccent },
      parsers,
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
    });
  } catch (error) {
    release?.();
    throw error;
  }
  // When the running transaction last finished a statement (see transactionProgress).
  let transactionProgress: { lastStatementAt: number } | null = null;
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const result = await q.query<T>(sql, params as unknown[] | undefined);
      if (transactionProgress) transactionProgress.lastStatementAt = Date.now();
      return result.rows;
    },
  });
  const base = wrap(pg);
  return {
    engine: 'pglite',
    query: base.query,
    // PGlite serves one connection; its transaction() holds a lock so that other queries wait.
    transaction: (fn) =>
      pg.transaction(async (tx) => {
        const handle: Transaction = {
          ...wrap(tx),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        };
        transactionProgress = { lastStatementAt: Date.now() };
        try {
          return await fn(handle);
        } finally {
          transactionProgress = null;
        }
      }),
    transactionProgress: () => transactionProgress,
    exec: async (sql) => {
      await pg.exec(sql);
    },
    dump: () => pg.dumpDataDir('none'),
    async sqlDump(args) {
      // Loaded on demand: 2 MB of WebAssembly that only the dump command needs.
      const { pgDump } = await import('@electric-sql/pglite-tools/pg_dump');
      const file = await pgDump({ pg, args });
      return file.text();
    },
    async close() {
      try {
        await pg.close();
      } finally {
        release?.();
      }
    },
  };
}
