/**
 * Orientation module: a short public diagnostic that decides the level of help (rules as
 * data), lists the needs, what to bring and the nearest matching places, and gives a slip
 * (fiche d'orientation) whose code closes the loop when the receiving place honours it.
 * Anonymous statistics by territory. Uses the lieux module through its index.ts only.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { can } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { orientationPolicy, orientingOrganisations } from './policies.ts';
import { orientationDiagnosticRoutes } from './routes-diagnostic.tsx';
import { orientationSlipRoutes } from './routes-slips.tsx';
import { orientationStatisticsRoutes } from './routes-statistics.tsx';
import { minutePlacesCache, purgeOrientation } from './slips.ts';

export { seedOrientationDemo } from './demo.ts';
export {
  type HonourDeps,
  type HonourInput,
  type HonourOutcome,
  honourSlip,
  parseSlipCode,
  type SlipPrefill,
  sessionFormUrl,
} from './slips.ts';
export { orientationStatistics } from './statistics.ts';

export interface OrientationPluginOptions {
  deps: { db: Database; clock: Clock };
  publicUrl: string;
  secureCookies: boolean;
  publicApiRateLimit: number;
  /** Places accepting the Pass numérique (from the pass module, wired by app.ts). */
  passPlaceIds?: () => Promise<string[]>;
}

/**
 * The places accepting the Pass numérique change a few times a month and only reorder a
 * result: read them at most once a minute (one query fewer on every result page).
 */
function cachedForAMinute(read: () => Promise<string[]>, clock: Clock): () => Promise<string[]> {
  let value: Promise<string[]> | undefined;
  let readAt = 0;
  return () => {
    const now = clock().getTime();
    if (!value || now - readAt > 60_000 || now < readAt) {
      readAt = now;
      value = read().catch((error: unknown) => {
        value = undefined;
        throw error;
      });
    }
    return value;
  };
}

async function orientationModule(app: FastifyInstance, opts: OrientationPluginOptions) {
  const deps = {
    ...opts.deps,
    passPlaceIds: opts.passPlaceIds ? cachedForAMinute(opts.passPlaceIds, opts.deps.clock) : undefined,
    placesCache: minutePlacesCache(),
  };
  orientationDiagnosticRoutes(app, { deps, secureCookies: opts.secureCookies });
  orientationSlipRoutes(app, {
    deps,
    publicUrl: opts.publicUrl,
    secureCookies: opts.secureCookies,
    // A tenth of the open-data API's allowance: 60 a minute by default.
    codePagesPerMinute: Math.max(10, Math.floor(opts.publicApiRateLimit / 10)),
  });
  orientationStatisticsRoutes(app, { deps, rateLimit: opts.publicApiRateLimit });

  app.workspace.add({
    title: 'Orienter une personne',
    description:
      'Faire le questionnaire d’orientation avec une personne, choisir le lieu où l’envoyer et lui donner sa fiche.',
    href: '/orientation',
    visible: (actor) => orientingOrganisations(actor).length > 0,
  });
  app.workspace.add({
    title: 'Retrouver une fiche d’orientation',
    description: 'Saisir le code d’une fiche : voir les besoins de la personne et enregistrer sa venue.',
    href: '/orientation/fiche',
    visible: (actor) => can(actor, orientationPolicy.lookUpSlips, null),
  });
  app.workspace.add({
    title: 'Statistiques de l’orientation',
    description: 'Les besoins des personnes de votre territoire, et la part des fiches honorées.',
    href: '/orientation/statistiques',
    visible: (actor) => can(actor, orientationPolicy.viewStatistics, null),
  });

  // Notes of slips older than 90 days and diagnostics left unfinished, every hour (ADR 0029);
  // a retention purge, so `passerelle purge` runs and lists it with the platform's others.
  app.jobs.registerPurge('orientation.purge', {
    description:
      'notes des professionnels sur les fiches d’orientation expirées (90 jours) et questionnaires abandonnés',
    purge: async (tx, now) => {
      const { notes, sessions } = await purgeOrientation(tx, () => now);
      return notes + sessions;
    },
  });
}

export const orientationPlugin = fp(orientationModule, { name: 'orientation', dependencies: ['views'] });
