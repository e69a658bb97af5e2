/**
 * « A GET never writes », checked by PostgreSQL itself: in tests and development, every GET and
 * HEAD handler runs with a database whose queries go through READ ONLY transactions, so that a
 * write (INSERT, UPDATE, DELETE, nextval…) fails with « cannot execute … in a read-only
 * transaction » instead of passing unnoticed. Derived data is produced by jobs (docs/MODULE.md
 * §5, §8). A route that must write on a GET by protocol declares why:
 * `app.get(url, { config: { writesOnGet: 'OpenID Connect callback: opens the session' } }, …)`.
 *
 * What runs before the handler (the session lookup, which touches `last_seen_at`) and after it
 * (the job runner, the outbox) is outside the check: only the handler's own work is.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Database, Transaction } from './database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The GET routes registered, as checkGetHandlersReadOnly saw them. */
    getRoutes: GetRoute[];
  }
  interface FastifyContextConfig {
    /** Why this GET route writes (an OpenID Connect callback…); exempts it from the read-only check. */
    writesOnGet?: string;
  }
}

/** A GET route as registered: the read-only check's route table (for the test that requests each). */
export interface GetRoute {
  url: string;
  writesOnGet?: string;
}

const readOnlyScope = new AsyncLocalStorage<string>();

/** Runs fn so that every query it makes through a guarded database is read-only. */
export function runReadOnly<T>(what: string, fn: () => T): T {
  return readOnlyScope.run(what, fn);
}

/** Runs fn outside any runReadOnly: background work started by a request (jobs, outbox). */
export function outsideReadOnly<T>(fn: () => T): T {
  return readOnlyScope.exit(fn);
}

const accessLogTables = new Set<string>();

/**
 * The one sanctioned write of a read besides the caller's credential bookkeeping (ADR 0018): an
 * append-only access journal — who opened which personal record, when — that the law and the
 * people it concerns expect on every read. A module declares the table while it registers;
 * `test/integration/get-routes-read-only.test.ts` lets only declared tables grow during a GET.
 */
export function declareAccessLogTable(table: string): void {
  accessLogTables.add(table);
}

export function declaredAccessLogTables(): readonly string[] {
  return [...accessLogTables];
}

/** Writes one access-journal row, even inside a GET handler (declare the table first). */
export function writeAccessLog<T>(fn: () => Promise<T>): Promise<T> {
  return outsideReadOnly(fn);
}

/** The route being checked, if the caller runs inside runReadOnly. */
export function readOnlyContext(): string | undefined {
  return readOnlyScope.getStore();
}

/**
 * The same database, except that inside runReadOnly each query and each transaction runs in a
 * transaction set READ ONLY (one more round trip per query: tests and development only).
 */
export function guardReadOnly<D extends Database>(db: D): D {
  function readOnly<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      return fn(tx);
    });
  }
  const guarded: Database = {
    engine: db.engine,
    query: (sql, params, options) =>
      readOnlyScope.getStore() === undefined
        ? db.query(sql, params, options)
        : readOnly((tx) => tx.query(sql, params, options)),
    transaction: (fn) => (readOnlyScope.getStore() === undefined ? db.transaction(fn) : readOnly(fn)),
    exec: (sql) => (readOnlyScope.getStore() === undefined ? db.exec(sql) : readOnly((tx) => tx.exec(sql))),
    close: () => db.close(),
  };
  // Other members (a test database's destroy, PGlite's dump) stay those of the database.
  return new Proxy(db, {
    get: (target, key, receiver) =>
      key in guarded ? guarded[key as keyof Database] : Reflect.get(target, key, receiver),
  });
}

/**
 * Lists in `app.getRoutes` every GET route registered after this call and, with `enforce`,
 * makes its handler run inside runReadOnly unless the route declares `writesOnGet`.
 */
export function checkGetHandlersReadOnly(app: FastifyInstance, options: { enforce: boolean }): void {
  const routes: GetRoute[] = [];
  app.decorate('getRoutes', routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => m === 'GET' || m === 'HEAD')) return;
    const writesOnGet = route.config?.writesOnGet;
    if (methods.includes('GET')) routes.push({ url: route.url, ...(writesOnGet ? { writesOnGet } : {}) });
    if (writesOnGet || !options.enforce) return;
    const handler = route.handler;
    const what = `GET ${route.url}`;
    route.handler = function readOnlyHandler(this: FastifyInstance, request, reply) {
      return runReadOnly(what, () => handler.call(this, request, reply));
    };
  });
}
