/**
 * Support module (accompagnements): helpers record the help they give in seconds (individual
 * sessions and workshops), follow people to autonomy, and see what the help achieves
 * (statistics, outcomes, exports, open data). Uses lieux (places) through its index.ts; the
 * person model and the orientation slips come through ports that app.ts wires.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { can } from '../../platform/auth/policy.ts';
import type { SupportDeps } from './deps.ts';
import { journalUnlinkedRedemptions } from './journal-unlinked-redemptions.ts';
import { supportPolicy } from './policies.ts';
import type { SupportPorts } from './record-session.ts';
import { personPicker, supportPeopleRoutes } from './routes-people.tsx';
import { supportSessionRoutes } from './routes-sessions.tsx';
import { supportStatisticsRoutes } from './routes-statistics.tsx';
import { registerStatisticsJobs } from './statistics-jobs.ts';

export { seedSupportDemo } from './demo.ts';
export type { SupportDeps } from './deps.ts';
export { journalUnlinkedRedemptions } from './journal-unlinked-redemptions.ts';
export { sessionFormUrlForVoucher } from './prefill.ts';
export { recordSession, type SupportPorts, type VoucherUsedByPerson } from './record-session.ts';
export { outcomesOfRedemptionSessions, type RedemptionOutcomes } from './redemption-outcomes.ts';

export interface SupportPluginOptions {
  deps: SupportDeps;
  /** The platform's secret, for the people module's use cases. */
  secretKey: string;
  ports?: SupportPorts;
  publicApiRateLimit: number;
}

async function supportModule(app: FastifyInstance, opts: SupportPluginOptions) {
  const people = { db: opts.deps.db, clock: opts.deps.clock, secretKey: opts.secretKey };
  const ctx = { ...opts.deps, ...(opts.ports ?? {}), people };
  // The data step of migration 0190: sessions unlinked from a voucher they shared are journaled.
  app.addHook('onReady', async () => {
    await journalUnlinkedRedemptions(opts.deps.db, opts.deps.clock);
  });
  supportSessionRoutes(app, {
    ctx,
    personPicker: (actor, organisationId, values, errors, query) =>
      personPicker(people, actor, organisationId, values, errors, query),
  });
  supportPeopleRoutes(app, { people, ...(opts.ports ? { ports: opts.ports } : {}) });
  supportStatisticsRoutes(app, {
    deps: {
      ...opts.deps,
      ...(opts.ports?.mandateReferences ? { mandateReferences: opts.ports.mandateReferences } : {}),
    },
    rateLimit: opts.publicApiRateLimit,
  });
  registerStatisticsJobs(app.jobs);
  app.workspace.add({
    title: 'Accompagnements',
    description: 'Enregistrer une séance en quelques secondes, retrouver ses séances et ses statistiques.',
    href: '/accompagnements',
    visible: (actor) => can(actor, supportPolicy.viewOwnSessions, null),
  });
}

export const supportPlugin = fp(supportModule, { name: 'support', dependencies: ['views'] });
