/**
 * Lieux module: places of digital help in the national standard (import, export, search,
 * place pages, maintenance by their structures) and the gazetteer of communes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { lieuxAdminRoutes } from './routes-admin.tsx';
import { apiDocumentationRoute, lieuxApiRoutes } from './routes-api.tsx';
import { lieuxManageRoutes } from './routes-manage.tsx';
import { lieuxPageRoutes } from './routes-pages.tsx';

export { type ExportFormat, exportPlaces } from './export-places.ts';
export { type CommunesReport, importCommunes } from './import-communes.ts';
export { ImportFileError, type ImportReport, importPlaces } from './import-places.ts';
export { findPlace, type PlaceRecord, placesNear, setPlaceOrganisation } from './places-repository.ts';

export interface LieuxDeps {
  db: Database;
  clock: Clock;
}

/** What the module needs to know about organisations, provided by app.ts from the accounts module. */
export interface OrganisationsPort {
  list(): Promise<Array<{ id: string; name: string }>>;
  name(id: string): Promise<string | undefined>;
}

async function lieuxModule(
  app: FastifyInstance,
  opts: { deps: LieuxDeps; publicApiRateLimit: number; organisations: OrganisationsPort },
) {
  lieuxApiRoutes(app, { deps: opts.deps, rateLimit: opts.publicApiRateLimit });
  apiDocumentationRoute(app);
  lieuxPageRoutes(app, { deps: opts.deps, organisationName: (id) => opts.organisations.name(id) });
  lieuxManageRoutes(app, { deps: opts.deps, organisations: opts.organisations });
  lieuxAdminRoutes(app, { deps: opts.deps });
}

export const lieuxPlugin = fp(lieuxModule, { name: 'lieux' });
