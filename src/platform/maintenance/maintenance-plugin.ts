import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { purgeExpiredData } from './purge.ts';

/** Runs the retention purge every hour while the server is up. */
async function maintenancePlugin(
  app: FastifyInstance,
  opts: { db: Database; clock: Clock; config: Config; everyMs?: number },
) {
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    try {
      const report = await purgeExpiredData(opts.db, opts.clock, opts.config.session);
      if (report.sessions + report.outbox + report.devMailbox > 0)
        app.log.info({ purge: report }, 'expired data purged');
    } catch (error) {
      app.log.error({ err: error }, 'purge failed');
    }
  };
  app.addHook('onReady', async () => {
    if (opts.everyMs === 0) return;
    timer = setInterval(() => void run(), opts.everyMs ?? 3600_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}

export default fp(maintenancePlugin, { name: 'maintenance' });
