import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';

/** GET /sante: 200 when the database answers, 503 otherwise (for load balancers). */
export function healthRoute(app: FastifyInstance, opts: { db: Database; version: string }) {
  app.get('/sante', { logLevel: 'warn' }, async (_request, reply) => {
    try {
      await opts.db.query('SELECT 1');
      return { status: 'ok', database: opts.db.engine, version: opts.version };
    } catch {
      return reply.status(503).send({ status: 'indisponible', database: opts.db.engine, version: opts.version });
    }
  });
}
