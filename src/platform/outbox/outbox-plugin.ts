import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { outsideReadOnly } from '../db/read-only-gets.ts';
import type { Mailer, MailMessage } from '../mail/mailer.ts';
import { OutboxWorker, takeScheduledHint } from './outbox.ts';

declare module 'fastify' {
  interface FastifyInstance {
    outbox: OutboxWorker;
  }
}

async function outboxPlugin(
  app: FastifyInstance,
  opts: { db: Database; clock: Clock; mailer: Mailer; pollMs?: number },
) {
  const worker = new OutboxWorker(opts.db, opts.clock, app.log);
  worker.on('mail', (payload) => opts.mailer.send(payload as unknown as MailMessage));
  app.decorate('outbox', worker);
  app.jobs.registerPurge('outbox.purge', {
    description: 'messages envoyés il y a plus de 30 jours',
    purge: async (tx, now) =>
      (
        await tx.query('DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1 RETURNING id', [
          new Date(now.getTime() - 30 * 86_400_000),
        ])
      ).length,
  });
  // A write that scheduled something is delivered right after its response; the timer
  // catches anything else (e.g. scheduled by the command line).
  app.addHook('onResponse', async () => {
    if (takeScheduledHint()) void outsideReadOnly(() => worker.drain());
  });
  app.addHook('onReady', async () => {
    if (opts.pollMs !== 0) worker.start(opts.pollMs ?? 5000);
  });
  app.addHook('onClose', async () => {
    await worker.stop();
    opts.mailer.close();
  });
}

export default fp(outboxPlugin, { name: 'outbox', dependencies: ['jobs'] });
