/**
 * Lieux module: places of digital help in the national standard (import, export, search,
 * place pages, maintenance by their structures) and the gazetteer of communes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { lieuxAdminRoutes } from './routes-admin.tsx';
import { apiDocumentationRoute, lieuxApiRoutes } from './routes-api.tsx';
import { lieuxManageRoutes } from './routes-manage.tsx';
import { lieuxPageRoutes } from './routes-pages.tsx';

export { type ExportFormat, exportPlaces } from './export-places.ts';
export { communeName } from './gazetteer/commune-name.ts';
export { departementName, departementOf, departements } from './gazetteer/departements.ts';
export { departementOfPlace } from './gazetteer/place-departement.ts';
export { type Location, resolveLocation } from './gazetteer/resolve-location.ts';
export { territoryGazetteer } from './gazetteer/territory-gazetteer.ts';
export { type CommunesReport, importCommunes } from './import-communes.ts';
export { ImportFileError, type ImportReport, importPlaces, type ReasonCount } from './import-places.ts';
export { type NearbyPlace, nearbyPlaceById, nearbyPlaces, nearestCommune } from './nearby-places.ts';
export { describeHours, type HoursView } from './opening-hours.ts';
export {
  type PlaceSummary,
  placeInTerritorySql,
  placeSummaries,
  placeSummary,
  placeSummarySubquery,
  placesByDistance,
  placesNear,
  placesOfOrganisation,
} from './places-repository.ts';
export { lieuxPolicy, placeLocation } from './policies.ts';
export { ENUMS as STANDARD_ENUMS, SERVICE_LABELS } from './standard.ts';
export { assignPlace } from './update-place.ts';
export { displayDistance, serviceLabel } from './views/format.ts';

export interface LieuxDeps {
  db: Database;
  clock: Clock;
  /** The site's public address, for the short links sent by SMS. */
  publicUrl?: string | undefined;
  /** Places accepting the Pass numérique, for the search filter (provided by app.ts). */
  passPlaceIds?: (() => Promise<string[]>) | undefined;
  /**
   * Told inside the transaction that gives a place to another organisation (provided by app.ts:
   * the pass module suspends the place's qualification, which belonged to the former one).
   */
  onPlaceReassigned?: PlaceReassignedHook | undefined;
}

export type PlaceReassignedHook = (
  tx: Queryable,
  change: { placeId: string; from: string | null; to: string | null; actorUserId: string | null },
) => Promise<void>;

/** What the module needs to know about organisations, provided by app.ts from the accounts module. */
export type OrganisationsPort = OrganisationDirectory;

async function lieuxModule(
  app: FastifyInstance,
  opts: {
    deps: LieuxDeps;
    publicApiRateLimit: number;
    organisations: OrganisationsPort;
    passPlaceIds?: () => Promise<string[]>;
    onPlaceReassigned?: PlaceReassignedHook;
  },
) {
  const deps: LieuxDeps = { ...opts.deps, passPlaceIds: opts.passPlaceIds, onPlaceReassigned: opts.onPlaceReassigned };
  lieuxApiRoutes(app, { deps, rateLimit: opts.publicApiRateLimit });
  apiDocumentationRoute(app);
  lieuxPageRoutes(app, { deps, organisationName: (id) => opts.organisations.name(id) });
  lieuxManageRoutes(app, { deps, organisations: opts.organisations });
  lieuxAdminRoutes(app, { deps });
}

export const lieuxPlugin = fp(lieuxModule, { name: 'lieux' });
