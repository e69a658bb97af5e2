import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { outsideReadOnly } from '../db/read-only-gets.ts';
import { JobRunner, takeEnqueuedHint } from './jobs.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Background work: `app.jobs.registerJob`, `.schedule`, `.registerPurge` (see docs/MODULE.md). */
    jobs: JobRunner;
  }
}

const DAY = 86_400_000;

/**
 * The job runner of this app instance. Registered before the modules, which add their jobs,
 * schedules and purges while they register; it starts polling once the app is ready.
 * `pollMs: 0` runs nothing by itself (tests and the command line call `runDue` themselves).
 */
async function jobsPlugin(app: FastifyInstance, opts: { db: Database; clock: Clock; pollMs: number }) {
  const runner = new JobRunner(opts.db, opts.clock, app.log);
  app.decorate('jobs', runner);
  runner.registerPurge('jobs.purge', {
    description: 'tâches de fond terminées depuis plus de 30 jours (échouées : 90 jours)',
    purge: async (tx, now) =>
      (
        await tx.query('DELETE FROM jobs WHERE done_at < $1 OR failed_at < $2 RETURNING id', [
          new Date(now.getTime() - 30 * DAY),
          new Date(now.getTime() - 90 * DAY),
        ])
      ).length,
  });
  // A job enqueued by a request runs right after the response rather than at the next tick.
  app.addHook('onResponse', async () => {
    if (takeEnqueuedHint() && opts.pollMs !== 0) void outsideReadOnly(() => runner.runDue());
  });
  app.addHook('onReady', async () => {
    if (opts.pollMs !== 0) runner.start(opts.pollMs);
  });
  app.addHook('onClose', async () => {
    await runner.stop();
  });
}

export default fp(jobsPlugin, { name: 'jobs' });
