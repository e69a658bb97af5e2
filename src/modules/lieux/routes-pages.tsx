/** Usager pages: search (GET /lieux) and place page (GET /lieux/:id). No JavaScript needed. */
import type { FastifyInstance } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import { type FieldErrors, NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import { parisDate } from '../../platform/print/index.ts';
import { placesImportWriting } from './import-places.ts';
import type { LieuxDeps } from './index.ts';
import { nearbyPlaces } from './nearby-places.ts';
import { describeHours } from './opening-hours.ts';
import { findPlace, placeIdByShortCode } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import { FILTER_FIELDS, parseSearchQuery, type SearchCriteria } from './search/search-criteria.ts';
import { PageOutOfRangeError, type SearchOutcome, searchPlaces } from './search/search-places.ts';
import { closureOf, displayDistance } from './views/format.ts';
import { type Alternative, PlacePage } from './views/place-page.tsx';
import { SearchPage, type SearchPageProps, WherePage } from './views/search-page.tsx';

function typedValues(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['commune', 'q', 'latitude', 'longitude']) {
    const v = query[k];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last.slice(0, 200);
  }
  return out;
}

/**
 * Messages for a person, not for a programmer: a link typed, cut or altered by hand is
 * explained without naming its parameters.
 */
function plainErrors(fieldErrors: FieldErrors): { errors: FieldErrors; message: string } {
  const errors: FieldErrors = {};
  const notes: string[] = [];
  for (const [field, text] of Object.entries(fieldErrors)) {
    if (field === 'latitude' || field === 'longitude' || field === 'position')
      errors.commune = "Votre position n'a pas pu être utilisée. Indiquez votre ville ou votre code postal.";
    else if (field === 'commune') errors.commune = 'Indiquez votre ville ou votre code postal.';
    else if (field === 'rayon_km') errors.rayon_km = 'Choisissez une distance dans la liste.';
    else if (field === 'page' || field === 'par_page')
      notes.push("Ce numéro de page n'existe pas : relancez la recherche.");
    else if (field === 'ouvert' || field === 'pass_numerique')
      notes.push("Un critère du lien n'est pas reconnu : cochez les cases voulues et relancez la recherche.");
    else if ((FILTER_FIELDS as readonly string[]).includes(field))
      errors[field] =
        `${text.replace(/ n'est pas une valeur possible.*$/s, '')} n'est pas un choix possible : cochez les cases de la liste.`;
    else notes.push(text);
  }
  return {
    errors,
    message: notes.length > 0 ? [...new Set(notes)].join(' ') : 'Votre recherche est à corriger',
  };
}

/**
 * A search still waiting after this long while an import of places writes is told why: on the
 * embedded database (one connection) it waits for the import's transaction, up to a minute
 * for a national file (issue 9, bench/import-responsiveness.ts).
 */
export const IMPORT_WAIT_NOTICE_MS = 2000;

const STILL_WAITING = Symbol('still waiting behind an import');

/** The search, or STILL_WAITING when an import of places keeps it waiting too long. */
async function searchUnlessImportHoldsIt(
  deps: LieuxDeps,
  criteria: SearchCriteria,
): Promise<SearchOutcome | typeof STILL_WAITING> {
  if (deps.db.engine === 'pglite' && placesImportWriting()) {
    // The import's transaction holds the one connection: a query sent now would wait behind it
    // and still run after it, unread if the page has answered meanwhile — hundreds of them
    // in a row once the import ends. Wait for the import to end without queueing one.
    const until = performance.now() + IMPORT_WAIT_NOTICE_MS;
    while (placesImportWriting() && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (placesImportWriting()) return STILL_WAITING;
  }
  // An import that starts writing while the search waits for the database.
  const search = searchPlaces(deps, criteria);
  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    search,
    new Promise<typeof STILL_WAITING>((resolve) => {
      timer = setTimeout(() => resolve(STILL_WAITING), IMPORT_WAIT_NOTICE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  if (first !== STILL_WAITING) return first;
  if (!placesImportWriting()) return search;
  // Answered after the import: nobody reads it any more, its error included.
  search.catch(() => {});
  return STILL_WAITING;
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
      criteria = parseSearchQuery(query, { requireWhere: false });
      props = { criteria, typed };
      if (asked && !criteria.position && !criteria.commune && !criteria.q) {
        // Filters without a place (the Pass numérique link on booklets): ask where, keep them.
        const emptied = 'commune' in query && !typed.commune;
        return reply.page(
          {
            title: 'Où êtes-vous ?',
            scripts: ['lieux/position.js', 'lieux/print.js'],
            stylesheets: ['lieux/lieux.css'],
          },
          <WherePage criteria={criteria} error={emptied ? 'Indiquez votre ville ou votre code postal.' : undefined} />,
          emptied ? 400 : 200,
        );
      }
      if (asked) {
        const outcome = await searchUnlessImportHoldsIt(deps, criteria as SearchCriteria);
        if (outcome === STILL_WAITING) {
          reply.header('retry-after', '30');
          return reply.page(
            {
              title: 'Mise à jour des lieux en cours',
              scripts: ['lieux/position.js'],
              stylesheets: ['lieux/lieux.css'],
            },
            <SearchPage criteria={criteria} typed={typed} importRunning />,
            503,
          );
        }
        if (outcome.kind === 'results') {
          const now = deps.clock();
          const passPlaces = new Set(outcome.results.length > 0 ? ((await deps.passPlaceIds?.()) ?? []) : []);
          props.outcome = {
            kind: 'results',
            whereLabel: outcome.where?.label ?? null,
            total: outcome.total,
            page: outcome.page,
            pages: outcome.pages,
            results: outcome.results.map((r) => ({
              ...r,
              hours: describeHours(r.place.horaires, now),
              acceptsPass: passPlaces.has(r.place.id),
              closure: closureOf(r.place, parisDate(now)),
            })),
          };
        } else {
          props.outcome = outcome;
        }
      }
    } catch (error) {
      if (error instanceof ValidationError) {
        status = 400;
        const plain = plainErrors(error.fieldErrors);
        props = { criteria, typed, errors: plain.errors, errorMessage: plain.message };
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
    return reply.page(
      { title, scripts: ['lieux/position.js', 'lieux/print.js'], stylesheets: ['lieux/lieux.css'] },
      <SearchPage {...props} />,
      status,
    );
  });

  // The short link sent by SMS (« /l/3f2a9c1b7d4e »).
  app.get<{ Params: { code: string } }>('/l/:code', async (request, reply) => {
    const code = request.params.code.toLowerCase();
    const id = /^[0-9a-f]{12}$/.test(code) ? await placeIdByShortCode(deps.db, code) : undefined;
    if (!id) throw new NotFoundError('Ce lien ne mène à aucun lieu. Cherchez un lieu près de chez vous.');
    return reply.redirect(`/lieux/${encodeURIComponent(id)}`, 301);
  });

  app.get<{ Params: { id: string } }>('/lieux/:id', async (request, reply) => {
    const place = await findPlace(deps.db, request.params.id);
    if (!place) throw new NotFoundError("Ce lieu n'existe pas ou plus. Cherchez un autre lieu près de chez vous.");
    const canEdit = can(request.actor, lieuxPolicy.editPlace, place);
    const organisationName = place.organisation_id ? await opts.organisationName(place.organisation_id) : undefined;
    const acceptsPass = ((await deps.passPlaceIds?.()) ?? []).includes(place.id);
    const now = deps.clock();
    const closure = closureOf(place, parisDate(now));
    let alternatives: Alternative[] = [];
    if ((place.status === 'closed' || closure?.now) && place.geo_lat !== null && place.geo_lon !== null) {
      const near = await nearbyPlaces(
        deps.db,
        { latitude: place.geo_lat, longitude: place.geo_lon },
        { radiusKm: 30, limit: 4, today: parisDate(now) },
      );
      alternatives = near
        .filter((n) => n.id !== place.id)
        .slice(0, 3)
        .map((n) => ({
          id: n.id,
          nom: n.nom,
          adresse: n.adresse,
          commune: n.commune,
          distance: displayDistance(n.distanceKm),
          status: describeHours(n.horaires, now)?.status ?? null,
        }));
    }
    return reply.page(
      { title: place.nom, stylesheets: ['lieux/lieux.css'], scripts: ['lieux/print.js'] },
      <PlacePage
        place={place}
        hours={describeHours(place.horaires, deps.clock())}
        canEdit={canEdit}
        organisationName={organisationName}
        acceptsPass={acceptsPass}
        closure={closure}
        alternatives={alternatives}
        shortLink={`${deps.publicUrl ?? `${request.protocol}://${request.host}`}/l/${place.short_code}`}
      />,
    );
  });
}
