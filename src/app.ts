/**
 * buildApp(): the whole application as a Fastify instance, without listening. The process
 * entry (server.ts) and the tests both use it. Platform plugins first, then each module.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import {
  accountsPlugin,
  loadUser,
  OidcClient,
  organisationDirectory,
  structureDirectory,
  verifySecondFactor,
} from './modules/accounts/index.ts';
import { lieuxPlugin, territoryGazetteer } from './modules/lieux/index.ts';
import {
  mandateLabels,
  mandateReferences,
  mandatesPlugin,
  mandatesUsableBy,
  usableMandate,
} from './modules/mandates/index.ts';
import { honourSlip, orientationPlugin } from './modules/orientation/index.ts';
import {
  isRedemptionOfOrganisation,
  passPlugin,
  qualifiedPlaceIds,
  suspendQualificationOnReassignment,
  vouchersUsedByPerson,
} from './modules/pass/index.ts';
import { peoplePlugin } from './modules/people/index.ts';
import { sitePlugin } from './modules/site/index.tsx';
import { supportPlugin } from './modules/support/index.ts';
import authPlugin from './platform/auth/auth-plugin.ts';
import { createSignInThrottle, purgeSignInFailures } from './platform/auth/sign-in-throttle.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import { checkGetHandlersReadOnly, guardReadOnly } from './platform/db/read-only-gets.ts';
import { registerErrorHandling, sendEarlyError } from './platform/http/error-handler.tsx';
import { AppError } from './platform/http/errors.ts';
import { healthRoute } from './platform/http/health.ts';
import httpPlatform, { isSecure } from './platform/http/http-platform.ts';
import { purgeRateLimitCounters } from './platform/http/rate-limit-store.ts';
import { recordRoutes } from './platform/http/route-table.ts';
import { devFranceConnectSettings, mountDevFranceConnect } from './platform/identity/dev-franceconnect.tsx';
import { oidcPayloadsPurge } from './platform/identity/oidc-adapter.ts';
import { identityRegistryFromConfig } from './platform/identity/registry.ts';
import jobsPlugin from './platform/jobs/jobs-plugin.ts';
import { setJournalKey } from './platform/journal/journal.ts';
import { devMailboxRoutes } from './platform/mail/dev-mailbox-routes.tsx';
import { createDevMailboxMailer, createSmtpMailer, devMailboxPurge, type Mailer } from './platform/mail/mailer.ts';
import outboxPlugin from './platform/outbox/outbox-plugin.ts';
import { buildAssets } from './platform/views/assets.ts';
import viewsPlugin from './platform/views/views-plugin.ts';

export interface BuildOptions {
  config: Config;
  db: Database;
  clock?: Clock;
  mailer?: Mailer;
  /** false to silence logs (tests); otherwise pino at config.logLevel. */
  logger?: boolean;
  /** Outbox polling interval; 0 disables the timer (tests drain explicitly). */
  outboxPollMs?: number;
  /** Job runner polling interval (default 5 s); 0 runs nothing by itself (tests call app.jobs.runDue()). */
  jobsPollMs?: number;
  /** Told of every route as it is registered (the route table of the authorisation matrix test). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

/** Query parameters that carry secrets never reach the logs. */
const SECRET_PARAMS = /([?&](?:jeton|token|code|state|session_state|id_token_hint|_csrf)=)[^&#]*/gi;
/** Path segments that are secrets: a voucher code checked through the API. */
const SECRET_SEGMENTS = /(\/api\/v\d+\/pass\/cheques\/)[^/?#]+/gi;
export function redactUrlForLogs(url: string): string {
  return url
    .replace(SECRET_PARAMS, '$1…')
    .replace(SECRET_SEGMENTS, '$1…')
    .replace(/\/[A-Za-z0-9_-]{32,}(?=\/|\?|$)/g, '/…');
}

function loggerOptions(config: Config, enabled: boolean): FastifyServerOptions['logger'] {
  if (!enabled) return false;
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.email'],
      censor: '[masqué]',
    },
    serializers: {
      // No client address, no user agent, no query secrets: nothing that identifies a person.
      req: (req) => ({ method: req.method, url: redactUrlForLogs(req.url) }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  };
}

/** A URL the router refuses (bad percent-encoding, a segment over 200 characters), in French. */
function badUrlError(error: { code?: string }): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new AppError('url_too_long', 414, "L'adresse demandée est trop longue : vérifiez le lien.");
  }
  return new AppError('bad_url', 400, "L'adresse demandée n'est pas valide : vérifiez le lien.");
}

export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  // Outside production, GET handlers run in READ ONLY transactions: a GET that writes fails.
  const checkGets = config.env !== 'production';
  const db = checkGets ? guardReadOnly(options.db) : options.db;
  const clock = options.clock ?? systemClock;
  setJournalKey(config.secretKey);
  const app = Fastify({
    logger: loggerOptions(config, options.logger ?? true),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    // Malformed or overlong URLs never get Fastify's raw JSON: the usual French error.
    frameworkErrors: (error, request, reply) => sendEarlyError(request, reply, badUrlError(error)),
  });
  recordRoutes(app);
  checkGetHandlersReadOnly(app, { enforce: checkGets });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  const assets = await buildAssets({ stateBrand: config.stateBrand, cacheDir: path.join(config.dataDir, 'cache') });
  const devMailbox = config.env !== 'production' && !config.smtpUrl;
  const mailer =
    options.mailer ??
    (config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.mailFrom) : createDevMailboxMailer(db, config.mailFrom));

  await app.register(httpPlatform, { config, db, clock });
  await app.register(jobsPlugin, { db, clock, pollMs: options.jobsPollMs ?? options.outboxPollMs ?? 5000 });
  app.jobs.registerPurge('mail.dev-mailbox-purge', devMailboxPurge);
  app.jobs.registerPurge('http.rate-limit-purge', {
    description: 'compteurs de limitation de débit dont la période est finie',
    purge: purgeRateLimitCounters,
  });
  app.jobs.registerPurge('identity.oidc-purge', oidcPayloadsPurge);
  app.jobs.registerPurge('auth.sign-in-failures-purge', {
    description: 'échecs de connexion de plus de 15 minutes',
    purge: purgeSignInFailures,
  });
  await app.register(viewsPlugin, { config, assets });
  registerErrorHandling(app, { uploadMaxBytes: config.uploadMaxBytes });
  await app.register(authPlugin, { config, db, clock, loadUser: (userId: string) => loadUser(db, userId) });
  await app.register(outboxPlugin, { db, clock, mailer, pollMs: options.outboxPollMs ?? 5000 });

  healthRoute(app, { db, version: config.version });
  if (devMailbox) devMailboxRoutes(app, { db });
  if (config.env !== 'production' && !config.oidcUsager)
    await mountDevFranceConnect(app, { publicUrl: config.publicUrl, secretKey: config.secretKey, db, clock });

  const deps = {
    db,
    clock,
    secretKey: config.secretKey,
    operatorName: config.operatorName,
    publicUrl: config.publicUrl,
  };
  // In development without FranceConnect configured, the app mounts its own FranceConnect-like
  // provider with fictional identities (platform/identity/dev-franceconnect.tsx), like the mailbox.
  const devFranceConnect = config.env !== 'production' && !config.oidcUsager;
  const identities = identityRegistryFromConfig(
    config,
    devFranceConnect ? devFranceConnectSettings(config.publicUrl, config.secretKey) : undefined,
  );
  const proConnect = identities.get('proconnect');
  const oidc = proConnect ? new OidcClient(proConnect) : undefined;

  await app.register(sitePlugin, { operatorName: config.operatorName });
  const signInThrottle = createSignInThrottle({
    db,
    clock,
    secretKey: config.secretKey,
    perAccount: config.rateLimits.signInFailuresPerAccount,
    perAddress: config.rateLimits.signInFailuresPerAddress,
  });
  // Territories are typed by name and checked against the gazetteer of the lieux module.
  await app.register(accountsPlugin, { deps, config, oidc, signInThrottle, territories: territoryGazetteer(db) });
  const organisations = organisationDirectory(db);
  await app.register(lieuxPlugin, {
    deps: { db, clock, publicUrl: config.publicUrl },
    publicApiRateLimit: config.rateLimits.publicApi,
    organisations,
    // « Accepte le Pass numérique »: the places the pass module has qualified.
    passPlaceIds: () => qualifiedPlaceIds(db),
    // A place given to another organisation loses its qualification (it belonged to the former one).
    onPlaceReassigned: (tx, change) => suspendQualificationOnReassignment(tx, clock, change),
  });
  await app.register(peoplePlugin, {
    deps: { db, clock, secretKey: config.secretKey },
    operatorName: config.operatorName,
  });
  await app.register(passPlugin, {
    deps: { db, clock, publicUrl: config.publicUrl, operatorName: config.operatorName },
    organisations,
    apiRateLimit: config.rateLimits.publicApi,
    voucherChecksPerMinute: config.rateLimits.voucherChecksPerMinute,
  });
  await app.register(orientationPlugin, {
    deps: { db, clock },
    publicUrl: config.publicUrl,
    secureCookies: isSecure(config),
    publicApiRateLimit: config.rateLimits.publicApi,
    passPlaceIds: () => qualifiedPlaceIds(db),
  });
  // Mandates (issue 16): organisations and their members through the accounts module.
  await app.register(mandatesPlugin, {
    deps: { db, clock, secretKey: config.secretKey, publicUrl: config.publicUrl },
    organisations: structureDirectory(db),
    franceConnect: identities.get('franceconnect'),
    verifyCode: async (userId: string, input: unknown) => {
      await verifySecondFactor({ db, clock, secretKey: config.secretKey }, userId, input);
    },
    memberEmails: organisations.memberEmails,
    secureCookies: isSecure(config),
    loadActor: async (userId: string) => {
      const loaded = await loadUser(db, userId);
      return loaded ? { ...loaded.actor, sessionId: 'partenaire' } : undefined;
    },
    allowHttpLocalPartners: config.env !== 'production',
    devPartner: config.env !== 'production',
  });
  // Support sessions (accompagnements): a slip named in the form is honoured in the session's transaction.
  await app.register(supportPlugin, {
    deps: { db, clock },
    secretKey: config.secretKey,
    publicApiRateLimit: config.rateLimits.publicApi,
    ports: {
      honourSlip: async (txDb, actor, code, organisationId) =>
        (await honourSlip({ db: txDb, clock }, actor, code, { organisationId })).code,
      // The person's page lists the Pass vouchers they used (pass imports support, not the reverse).
      vouchersUsedByPerson: (actor, personId) => vouchersUsedByPerson({ db }, actor, personId),
      // A session recorded from a redemption names it only if the structure made it (funder's outcomes).
      isRedemptionOfOrganisation,
      // A session may name the mandate used (issue 16): the mandates module owns what « valid » means.
      usableMandates: mandatesUsableBy,
      usableMandate,
      mandateLabels,
      mandateReferences,
    },
  });

  return app;
}
