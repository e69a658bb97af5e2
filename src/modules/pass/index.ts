/**
 * Pass numérique module: programmes of vouchers funded by a funder, booklets distributed to
 * beneficiaries, qualified places that redeem them exactly once, statements and reports.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { journalMigratedAcceptances, notifyFunderOfPendingProgramme } from './consent.ts';
import type { PassDeps } from './deps.ts';
import { migrateLegacyBeneficiaries } from './migrate-beneficiaries.ts';
import { passApiRoutes } from './routes-api.tsx';
import { distributionRoutes } from './routes-distribution.tsx';
import { programmeRoutes } from './routes-programmes.tsx';
import { qualificationRoutes } from './routes-qualification.tsx';
import { redeemRoutes } from './routes-redeem.tsx';
import { statementRoutes } from './routes-statements.tsx';
import { registerStatementJobs } from './statement-jobs.ts';

export { seedPassDemo } from './demo.ts';
export type { PassDeps } from './deps.ts';
export { migrateLegacyBeneficiaries } from './migrate-beneficiaries.ts';
export { qualifiedPlaceIds, suspendQualificationOnReassignment } from './qualifications.ts';
export { redeemVoucher } from './redeem-voucher.ts';
export { isRedemptionOfOrganisation, type VoucherUsed, vouchersUsedByPerson } from './vouchers-of-person.ts';

async function passModule(
  app: FastifyInstance,
  opts: { deps: PassDeps; organisations: OrganisationDirectory; apiRateLimit: number; voucherChecksPerMinute: number },
) {
  // The data step of migration 0080: programmes that existed before it are journaled as accepted.
  app.addHook('onReady', async () => {
    await journalMigratedAcceptances(opts.deps.db, opts.deps.clock);
    // The data step of migration 0131: beneficiaries recorded as JSON become people (ADR 0018).
    await migrateLegacyBeneficiaries(opts.deps.db, opts.deps.clock);
  });
  programmeRoutes(app, {
    ...opts,
    onProgrammeAwaitingConsent: (tx, programme) =>
      notifyFunderOfPendingProgramme(tx, opts.deps, opts.organisations, programme),
  });
  distributionRoutes(app, opts);
  qualificationRoutes(app, opts);
  redeemRoutes(app, opts);
  statementRoutes(app, opts);
  passApiRoutes(app, opts);
  registerStatementJobs(app.jobs);
}

export const passPlugin = fp(passModule, { name: 'pass' });
