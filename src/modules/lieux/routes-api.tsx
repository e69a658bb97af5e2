/**
 * Open data API of places (PRODUCT.md §5): search, one place, full exports, and the OpenAPI
 * document describing them. Public, rate-limited, JSON problem details on errors.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, RuleError, withDetails } from '../../platform/http/errors.ts';
import { exportPlaces } from './export-places.ts';
import type { LieuxDeps } from './index.ts';
import { openApiDocument } from './openapi.ts';
import { findPlace } from './places-repository.ts';
import { parseSearchQuery } from './search/search-criteria.ts';
import { searchPlacesAsJson } from './search/search-places.ts';
import { FIELDS, type Place, toStandardJson } from './standard.ts';

const placeProperties: Record<string, object> = Object.fromEntries(
  FIELDS.map((f) => [f, f === 'latitude' || f === 'longitude' ? { type: 'number' } : { type: 'string' }]),
);

export const placeSchema = {
  type: 'object',
  properties: {
    ...placeProperties,
    localisation: { type: 'string', enum: ['exacte', 'commune', 'inconnue'] },
  },
};

const precision = { exact: 'exacte', commune: 'commune', none: 'inconnue' } as const;

export function placeJson(place: Place & { geo_precision: 'exact' | 'commune' | 'none' }) {
  return { ...toStandardJson(place), localisation: precision[place.geo_precision] };
}

export function lieuxApiRoutes(app: FastifyInstance, opts: { deps: LieuxDeps; rateLimit: number }) {
  const { deps } = opts;
  const rateLimit = { max: opts.rateLimit, timeWindow: '1 minute' };

  app.get('/api/v1/openapi.json', async () => openApiDocument());

  app.get('/api/v1/lieux', { config: { rateLimit } }, async (request, reply) => {
    const criteria = parseSearchQuery(request.query as Record<string, unknown>, { requireWhere: false });
    const outcome = await searchPlacesAsJson(deps, criteria);
    if (outcome.kind === 'ambiguous') {
      throw withDetails(
        new RuleError(
          'commune_ambigue',
          `Plusieurs communes correspondent à « ${outcome.query} » : précisez le code postal ou le code INSEE.`,
          400,
        ),
        {
          candidats: outcome.candidates.map((c) => ({
            nom: c.label,
            code_insee: c.codeInsee,
            code_postal: c.codePostal,
          })),
        },
      );
    }
    if (outcome.kind === 'unknown') {
      throw withDetails(
        new RuleError(
          'commune_inconnue',
          `Commune introuvable : « ${outcome.query} ». Vérifiez l'orthographe ou donnez le code postal.`,
          400,
        ),
        {
          suggestions: outcome.suggestions.map((c) => ({
            nom: c.label,
            code_insee: c.codeInsee,
            code_postal: c.codePostal,
          })),
        },
      );
    }
    const head = JSON.stringify({
      total: outcome.total,
      page: outcome.page,
      par_page: criteria.perPage,
      pages: outcome.pages,
      recherche: outcome.where
        ? {
            lieu: outcome.where.label,
            latitude: outcome.where.latitude,
            longitude: outcome.where.longitude,
            rayon_km: criteria.radiusKm,
          }
        : null,
    });
    // The places arrive as JSON text from PostgreSQL: they are spliced in, not parsed again.
    return reply
      .header('cache-control', 'public, max-age=60')
      .type('application/json; charset=utf-8')
      .send(`${head.slice(0, -1)},"resultats":[${outcome.items.join(',')}]}`);
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/lieux/:id',
    { config: { rateLimit }, schema: { response: { 200: placeSchema } } },
    async (request, reply) => {
      const place = await findPlace(deps.db, request.params.id);
      if (!place) throw new NotFoundError(`Aucun lieu n'a l'identifiant « ${request.params.id.slice(0, 100)} ».`);
      if (place.status === 'closed')
        throw new RuleError('lieu_ferme', 'Ce lieu a fermé : il ne reçoit plus de public.', 410);
      reply.header('cache-control', 'public, max-age=60');
      return placeJson(place);
    },
  );

  for (const format of ['csv', 'json'] as const) {
    app.get(
      `/api/v1/export/lieux.${format}`,
      { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
      async (_request, reply) => {
        reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="lieux.${format}"`)
          .header('cache-control', 'public, max-age=300');
        return reply.send(Readable.from(exportPlaces(deps.db, format)));
      },
    );
  }
}

/** A readable page for developers: what the API offers, with examples. */
export function apiDocumentationRoute(app: FastifyInstance) {
  app.get('/api', async (_request, reply) =>
    reply.page(
      { title: 'API des lieux' },
      <>
        <h1>API ouverte des lieux d'aide au numérique</h1>
        <p>
          Les lieux sont publiés dans les champs du standard national des lieux de médiation numérique (v1.0.2).
          Description complète au format OpenAPI : <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
        </p>
        <h2 class="fr-h4">Chercher des lieux</h2>
        <p>
          <code>GET /api/v1/lieux</code> avec <code>commune</code> (nom, code INSEE ou code postal), ou{' '}
          <code>latitude</code> et <code>longitude</code>, ou <code>q</code> (texte) ; <code>rayon_km</code> (20 par
          défaut, 200 au plus) ; des filtres nommés comme les champs du standard, répétables (<code>services</code>,{' '}
          <code>frais_a_charge</code>, <code>dispositif_programmes_nationaux</code>…) ; <code>ouvert=maintenant</code> ;{' '}
          <code>page</code>, <code>par_page</code> (100 au plus).
        </p>
        <p>
          Exemple :{' '}
          <a href="/api/v1/lieux?commune=83000&amp;services=Aide%20aux%20d%C3%A9marches%20administratives">
            /api/v1/lieux?commune=83000&amp;services=Aide aux démarches administratives
          </a>
        </p>
        <h2 class="fr-h4">Un lieu</h2>
        <p>
          <code>GET /api/v1/lieux/&#123;id&#125;</code>
        </p>
        <h2 class="fr-h4">Tout télécharger</h2>
        <ul>
          <li>
            <a href="/api/v1/export/lieux.csv">CSV conforme au standard</a>
          </li>
          <li>
            <a href="/api/v1/export/lieux.json">JSON</a>
          </li>
        </ul>
        <p>
          Les erreurs sont décrites en JSON (RFC 9457) avec un message en français. Le nombre de requêtes par minute est
          limité.
        </p>
      </>,
    ),
  );
}
