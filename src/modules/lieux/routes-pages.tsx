/** Usager pages: search (GET /lieux) and place page (GET /lieux/:id). No JavaScript needed. */
import type { FastifyInstance } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import type { LieuxDeps } from './index.ts';
import { describeHours } from './opening-hours.ts';
import { findPlace } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import { parseSearchQuery, type SearchCriteria } from './search/search-criteria.ts';
import { PageOutOfRangeError, searchPlaces } from './search/search-places.ts';
import { PlacePage } from './views/place-page.tsx';
import { SearchPage, type SearchPageProps } from './views/search-page.tsx';

function typedValues(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['commune', 'q', 'latitude', 'longitude']) {
    const v = query[k];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last.slice(0, 200);
  }
  return out;
}

export function lieuxPageRoutes(
  app: FastifyInstance,
  opts: { deps: LieuxDeps; organisationName: (id: string) => Promise<string | undefined> },
) {
  const { deps } = opts;

  app.get('/lieux', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const typed = typedValues(query);
    const asked = ['commune', 'q', 'latitude', 'longitude'].some((k) => typed[k]) || Object.keys(query).length > 0;
    let criteria: Partial<SearchCriteria> = {};
    let props: SearchPageProps = { criteria, typed };
    let status = 200;
    try {
      criteria = parseSearchQuery(query, { requireWhere: asked });
      props = { criteria, typed };
      if (asked) {
        const outcome = await searchPlaces(deps, criteria as SearchCriteria);
        if (outcome.kind === 'results') {
          const now = deps.clock();
          props.outcome = {
            kind: 'results',
            whereLabel: outcome.where?.label ?? null,
            total: outcome.total,
            page: outcome.page,
            pages: outcome.pages,
            results: outcome.results.map((r) => ({ ...r, hours: describeHours(r.place.horaires, now) })),
          };
        } else {
          props.outcome = outcome;
        }
      }
    } catch (error) {
      if (error instanceof ValidationError) {
        status = 400;
        props = { criteria, typed, errors: error.fieldErrors, errorMessage: error.userMessage };
      } else if (error instanceof PageOutOfRangeError) {
        status = 400;
        props = { criteria, typed, errorMessage: error.userMessage };
      } else {
        throw error;
      }
    }
    const title =
      props.outcome?.kind === 'results' && props.outcome.whereLabel
        ? `Lieux d'aide près de ${props.outcome.whereLabel}`
        : "Trouver un lieu d'aide";
    return reply.page({ title, scripts: ['lieux/position.js'], stylesheets: ['lieux/lieux.css'] }, <SearchPage {...props} />, status);
  });

  app.get<{ Params: { id: string } }>('/lieux/:id', async (request, reply) => {
    const place = await findPlace(deps.db, request.params.id);
    if (!place) throw new NotFoundError("Ce lieu n'existe pas ou plus. Cherchez un autre lieu près de chez vous.");
    const canEdit = can(request.actor, lieuxPolicy.editPlace, place);
    const organisationName = place.organisation_id ? await opts.organisationName(place.organisation_id) : undefined;
    return reply.page(
      { title: place.nom, stylesheets: ['lieux/lieux.css'] },
      <PlacePage
        place={place}
        hours={describeHours(place.horaires, deps.clock())}
        canEdit={canEdit}
        organisationName={organisationName}
      />,
    );
  });
}
