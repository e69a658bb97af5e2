import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';

/** A statement of a transaction takes less than this; longer without one, the database is asked. */
const BUSY_TRANSACTION_GRACE_MS = 10_000;

/** GET /sante: 200 when the database answers, 503 otherwise (for load balancers). */
export function healthRoute(app: FastifyInstance, opts: { db: Database; version: string }) {
  app.get('/sante', { logLevel: 'warn' }, async (_request, reply) => {
    // PGlite's one connection held by a transaction that is making progress (a long import):
    // the database works; asking it « SELECT 1 » would only wait for the transaction's end.
    const progress = opts.db.transactionProgress?.();
    if (progress && Date.now() - progress.lastStatementAt < BUSY_TRANSACTION_GRACE_MS) {
      return { status: 'ok', database: opts.db.engine, version: opts.version };
    }
    try {
      await opts.db.query('SELECT 1');
      return { status: 'ok', database: opts.db.engine, version: opts.version };
    } catch {
      return reply.status(503).send({ status: 'indisponible', database: opts.db.engine, version: opts.version });
    }
  });
}
