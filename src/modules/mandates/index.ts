/**
 * Mandates module (issue 16): habilitation of structures and helpers by the territory's
 * coordinateur, then (next steps) mandates, their attestation and verification, and Passerelle
 * as an OpenID Connect provider for partner services.
 */

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type Provider from 'oidc-provider';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { mountOidcProvider } from '../../platform/identity/mount-provider.ts';
import type { RelyingParty } from '../../platform/identity/relying-party.ts';
import { ensureCurrentKey } from '../../platform/identity/signing-keys.ts';
import type { MandatesDeps } from './deps.ts';
import { devPartnerRoutes } from './dev-partner.tsx';
import { journalLegacyFlags } from './habilitations.ts';
import type { VerifyCode } from './manage-mandates.ts';
import { registerMandateJobs } from './mandates-jobs.ts';
import {
  createPartnerProvider,
  forgetFormerSession,
  PARTNER_FORM_CSP,
  PARTNER_MOUNT_PATHS,
  PARTNER_PROVIDER_KEYS,
  partnerGrantsPurge,
} from './partner-provider.ts';
import { mandatesPolicy } from './policies.ts';
import { franceConnectRoutes } from './routes-franceconnect.tsx';
import { habilitationRoutes, type OrganisationPort } from './routes-habilitations.tsx';
import { helperRoutes } from './routes-helper.tsx';
import { mandateRoutes } from './routes-mandates.tsx';
import { partnerInteractionRoutes } from './routes-partner.tsx';
import { partnerAdminRoutes } from './routes-partners-admin.tsx';
import { publicRoutes } from './routes-public.tsx';

export { seedMandatesDemo } from './demo.ts';
export type { MandatesDeps } from './deps.ts';
export { DEV_PARTNER_PATH, demoPartnerSecret } from './dev-partner.tsx';
export { FAMILIES } from './families.ts';
export {
  chooseCurrentStructure,
  habilitateStructure,
  recordHelperTraining,
  setHelperSuspension,
  setStructureSuspension,
} from './habilitations.ts';
export { currentStructure, helperStanding, type Standing } from './helper-standing.ts';
export { createMandate, renewMandate, revokeMandate, type VerifyCode } from './manage-mandates.ts';
export { createPartnerProvider, type PartnerProviderOptions, partnerSubject } from './partner-provider.ts';
export { createPartner, DEMO_PARTNER_CLIENT_ID, registerDemoPartner, setPartnerDisabled } from './partners.ts';
export type { OrganisationPort } from './routes-habilitations.tsx';
export {
  mandateLabels,
  mandateReferences,
  mandatesUsableBy,
  type UsableMandate,
  usableMandate,
} from './usable-mandates.ts';

async function mandatesModule(
  app: FastifyInstance,
  opts: {
    deps: MandatesDeps;
    organisations: OrganisationPort;
    /** The registry's FranceConnect relying party (platform/identity), when configured. */
    franceConnect: RelyingParty | undefined;
    /** Checks a helper's second-factor code (the accounts module). */
    verifyCode: VerifyCode;
    memberEmails: (tx: Queryable, organisationId: string, roles: readonly Role[]) => Promise<string[]>;
    secureCookies: boolean;
    /** The helper as an actor (the accounts module), re-checked at every use through a partner service. */
    loadActor: (userId: string) => Promise<Actor | undefined>;
    /** Outside production: partner services may use http://localhost addresses (development). */
    allowHttpLocalPartners: boolean;
    /** Outside production: the demo partner service at /dev/partenaire (PRODUCT.md §5). */
    devPartner: boolean;
  },
) {
  const organisationName = async (id: string) => (await opts.organisations.find(id))?.name;
  const franceConnectLabel = opts.franceConnect?.label;
  habilitationRoutes(app, opts);
  const mandates = mandateRoutes(app, {
    deps: opts.deps,
    verifyCode: opts.verifyCode,
    secure: opts.secureCookies,
    organisationName,
    franceConnectLabel,
  });
  helperRoutes(app, { deps: opts.deps, listMandates: mandates.listFor });
  franceConnectRoutes(app, { deps: opts.deps, franceConnect: opts.franceConnect, secure: opts.secureCookies });
  publicRoutes(app, { deps: opts.deps, organisationName, franceConnectLabel });
  registerMandateJobs(app, { publicUrl: opts.deps.publicUrl, memberEmails: opts.memberEmails });
  // Passerelle as an OpenID Connect provider for partner services (issuer PUBLIC_URL, ADR 0032).
  // Its keys are stored at start (never on a request); oidc-provider itself, a few hundred
  // modules, is loaded by the first request that needs it (ADR 0034: start-up time).
  await ensureCurrentKey(opts.deps.db, opts.deps.clock, opts.deps.secretKey, PARTNER_PROVIDER_KEYS);
  let pendingProvider: Promise<Provider> | undefined;
  const partnerProvider = (): Promise<Provider> => {
    pendingProvider ??= createPartnerProvider({ ...opts.deps, loadActor: opts.loadActor }).catch((error: unknown) => {
      pendingProvider = undefined;
      throw error;
    });
    return pendingProvider;
  };
  await mountOidcProvider(app, partnerProvider, {
    prefix: '',
    paths: PARTNER_MOUNT_PATHS,
    publicOrigin: opts.deps.publicUrl,
    beforeProvider: forgetFormerSession,
    csp: () => PARTNER_FORM_CSP,
  });
  partnerInteractionRoutes(app, { deps: opts.deps, provider: partnerProvider, verifyCode: opts.verifyCode });
  partnerAdminRoutes(app, { deps: opts.deps, allowHttpLocal: opts.allowHttpLocalPartners });
  app.jobs.registerPurge('mandats.partner-grants-purge', partnerGrantsPurge);
  if (opts.devPartner) devPartnerRoutes(app, { publicUrl: opts.deps.publicUrl, secretKey: opts.deps.secretKey });
  app.jobs.schedule('mandats.journal-legacy-flags', { every: 60_000 }, async ({ tx, clock }) => {
    await journalLegacyFlags(tx, clock);
  });
  app.workspace.add({
    title: 'Habilitations aux mandats',
    description: 'Habiliter les structures de votre territoire et enregistrer la formation de leurs aidants.',
    href: '/mandats/habilitations',
    visible: (actor) => mandatesPolicy.listHabilitations(actor, null),
  });
  app.workspace.add({
    title: 'Services partenaires',
    description: "Les services en ligne où un aidant se connecte pour le compte d'une personne (OpenID Connect).",
    href: '/admin/services-partenaires',
    visible: (actor) => mandatesPolicy.managePartners(actor, null),
  });
  app.workspace.add({
    title: 'Mandats',
    description: "Agir pour le compte d'une personne, avec son accord : créer, utiliser, révoquer un mandat.",
    href: '/mandats',
    visible: (actor) => mandatesPolicy.useMandatesSomewhere(actor, null),
  });
}

export const mandatesPlugin = fp(mandatesModule, { name: 'mandates', dependencies: ['jobs'] });
