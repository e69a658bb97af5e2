/** OpenAPI 3.1 description of the open data API of places, built from the same definitions. */
import { DEFAULT_RADIUS_KM, FILTER_FIELDS, MAX_PER_PAGE, MAX_RADIUS_KM } from './search/search-criteria.ts';
import { ENUMS, FIELDS } from './standard.ts';

export function openApiDocument() {
  const place = {
    type: 'object',
    description:
      'Un lieu, avec les champs du standard national des lieux de médiation numérique v1.0.2 (valeurs multiples séparées par « | »), et « localisation » : exacte (coordonnées du lieu), commune (placé au centre de sa commune) ou inconnue.',
    properties: {
      ...Object.fromEntries(
        FIELDS.map((f) => [f, { type: f === 'latitude' || f === 'longitude' ? 'number' : 'string' }]),
      ),
      localisation: { type: 'string', enum: ['exacte', 'commune', 'inconnue'] },
    },
    required: ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'],
  };
  const problem = {
    description: 'Erreur (RFC 9457 problem details), message en français dans « title ».',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Probleme' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passerelle — lieux de médiation numérique',
      version: '1',
      description:
        "Données ouvertes des lieux d'aide au numérique : recherche par commune, code postal, position ou texte, filtres sur les champs du standard. Limité en nombre de requêtes par minute et par adresse.",
    },
    paths: {
      '/api/v1/lieux': {
        get: {
          summary: 'Chercher des lieux',
          description:
            'Triés par distance quand une position est connue (commune ou latitude/longitude). Plusieurs valeurs pour un même filtre : le lieu doit en proposer au moins une ; plusieurs filtres : ils s’ajoutent.',
          parameters: [
            { name: 'latitude', in: 'query', schema: { type: 'number', minimum: -90, maximum: 90 } },
            { name: 'longitude', in: 'query', schema: { type: 'number', minimum: -180, maximum: 180 } },
            { name: 'commune', in: 'query', description: 'Nom, code INSEE ou code postal', schema: { type: 'string' } },
            {
              name: 'q',
              in: 'query',
              description: 'Texte cherché dans le nom, l’adresse, la présentation',
              schema: { type: 'string' },
            },
            {
              name: 'rayon_km',
              in: 'query',
              schema: { type: 'number', exclusiveMinimum: 0, maximum: MAX_RADIUS_KM, default: DEFAULT_RADIUS_KM },
            },
            ...FILTER_FIELDS.map((f) => ({
              name: f,
              in: 'query',
              style: 'form',
              explode: true,
              schema: { type: 'array', items: { type: 'string', enum: [...ENUMS[f]] } },
            })),
            { name: 'ouvert', in: 'query', schema: { type: 'string', enum: ['maintenant'] } },
            {
              name: 'pass_numerique',
              in: 'query',
              description: 'Seulement les lieux qui acceptent le Pass numérique',
              schema: { type: 'string', enum: ['oui'] },
            },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
            {
              name: 'par_page',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: 20 },
            },
          ],
          responses: {
            200: {
              description: 'Résultats',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      total: { type: 'integer' },
                      page: { type: 'integer' },
                      par_page: { type: 'integer' },
                      pages: { type: 'integer' },
                      recherche: { type: ['object', 'null'] },
                      resultats: {
                        type: 'array',
                        items: {
                          allOf: [
                            { $ref: '#/components/schemas/Lieu' },
                            { type: 'object', properties: { distance_km: { type: ['number', 'null'] } } },
                          ],
                        },
                      },
                    },
                  },
                },
              },
            },
            400: problem,
            429: problem,
          },
        },
      },
      '/api/v1/lieux/{id}': {
        get: {
          summary: 'Un lieu',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            200: {
              description: 'Le lieu',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Lieu' } } },
            },
            404: problem,
            410: problem,
          },
        },
      },
      '/api/v1/export/lieux.csv': {
        get: {
          summary: 'Tous les lieux ouverts, en CSV conforme au standard',
          responses: { 200: { description: 'CSV' } },
        },
      },
      '/api/v1/export/lieux.json': {
        get: {
          summary: 'Tous les lieux ouverts, en JSON (format publié du standard)',
          responses: { 200: { description: 'JSON' } },
        },
      },
    },
    components: {
      schemas: {
        Lieu: place,
        Probleme: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            erreurs: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    },
  };
}
