/**
 * Mandates module (issue 16): habilitation of structures and helpers by the territory's
 * coordinateur, then (next steps) mandates, their attestation and verification, and Passerelle
 * as an OpenID Connect provider for partner services.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { MandatesDeps } from './deps.ts';
import { journalLegacyFlags } from './habilitations.ts';
import { mandatesPolicy } from './policies.ts';
import { habilitationRoutes, type OrganisationPort } from './routes-habilitations.tsx';
import { helperRoutes } from './routes-helper.tsx';

export type { MandatesDeps } from './deps.ts';
export { FAMILIES } from './families.ts';
export {
  chooseCurrentStructure,
  habilitateStructure,
  recordHelperTraining,
  setHelperSuspension,
  setStructureSuspension,
} from './habilitations.ts';
export { currentStructure, helperStanding, type Standing } from './helper-standing.ts';
export type { OrganisationPort } from './routes-habilitations.tsx';

async function mandatesModule(app: FastifyInstance, opts: { deps: MandatesDeps; organisations: OrganisationPort }) {
  habilitationRoutes(app, opts);
  helperRoutes(app, opts);
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
    title: 'Mandats',
    description: "Agir pour le compte d'une personne, avec son accord : créer, utiliser, révoquer un mandat.",
    href: '/mandats',
    visible: (actor) => mandatesPolicy.useMandatesSomewhere(actor, null),
  });
}

export const mandatesPlugin = fp(mandatesModule, { name: 'mandates', dependencies: ['jobs'] });
