/**
 * Anonymous statistics of the diagnostics: the open-data API (PRODUCT.md §5) and a page for
 * coordinateurs, opened on their territory. Counts under 10 are never shown.
 */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Publication } from '../../platform/statistics/publication.ts';
import { departementName, departements } from '../lieux/index.ts';
import type { OrientationDeps } from './diagnostic.ts';
import { translator } from './i18n.ts';
import { orientationPolicy, statisticsScope } from './policies.ts';
import { DIMENSIONS, type OrientationIndicators, orientationStatistics, parseDepartement } from './statistics.ts';

const fr = translator('fr');

const DIMENSION_TITLES: Record<string, string> = {
  departement: 'Par département',
  commune: 'Par commune (10 diagnostics ou plus)',
  niveau: "Niveau d'aide",
  besoin: 'Besoins détectés',
  demarche: 'Démarche à faire',
  delai: 'Date limite ou risque de perdre un droit',
  equipement: 'Équipement',
  langue: "Langue de l'aide souhaitée",
  langue_interface: 'Langue du questionnaire',
};

const INTERFACE_LANGUAGES: Record<string, string> = { fr: 'Français', en: 'Anglais', ar: 'Arabe' };

function valueLabel(dimension: string, value: string): string {
  switch (dimension) {
    case 'departement':
      return `${departementName(value)} (${value})`;
    case 'commune':
      return `Commune ${value} (code INSEE)`;
    case 'niveau':
      return fr(`niveau.${value}.nom`);
    case 'besoin':
      return fr(`besoin.${value}`, { famille: 'une famille de démarches' });
    case 'langue_interface':
      return INTERFACE_LANGUAGES[value] ?? value;
    default:
      return fr(`option.${dimension}.${value}`);
  }
}

function formatCount(n: number | null): string {
  return n === null ? 'moins de 10' : new Intl.NumberFormat('fr-FR').format(n);
}

function formatShare(s: number | null): string {
  return s === null
    ? 'non publié (moins de 10 fiches)'
    : `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(s * 100)} %`;
}

function StatisticsPage({
  publication,
  selected,
  scopeNotice,
}: {
  publication: Publication<OrientationIndicators>;
  selected: string | null;
  scopeNotice: string | undefined;
}) {
  const total = publication.series.find((s) => s.dimension === 'total')?.nombre ?? null;
  const groups = ['departement', 'commune', ...DIMENSIONS.map((d) => d.dimension)];
  const where = selected ? `${departementName(selected)} (${selected})` : 'France entière';
  return (
    <>
      <h1>Orientation : les besoins des personnes</h1>
      <p>
        Diagnostics anonymes faits sur {where}, du {publication.periode.debut ?? '—'} au {publication.periode.fin}. Les
        nombres inférieurs à {publication.seuil} ne sont pas publiés. Les mêmes chiffres sont en données ouvertes :{' '}
        <a href={`/api/v1/statistiques/orientation${selected ? `?departement=${selected}` : ''}`}>
          /api/v1/statistiques/orientation{selected ? `?departement=${selected}` : ''}
        </a>
        .
      </p>
      {scopeNotice ? (
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
          <p>{scopeNotice}</p>
        </div>
      ) : null}
      <form method="get" action="/orientation/statistiques" class="fr-mb-4w">
        <div class="fr-select-group">
          <label class="fr-label" for="departement">
            Territoire
          </label>
          <select class="fr-select" id="departement" name="departement">
            <option value="" selected={selected === null}>
              France entière
            </option>
            {Object.keys(departements).map((code) => (
              <option value={code} selected={selected === code}>
                {code} — {departementName(code)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="fr-btn fr-btn--secondary">
          Afficher
        </button>
      </form>
      <ul class="fr-mb-4w">
        <li>
          Diagnostics terminés : <strong data-testid="total-diagnostics">{formatCount(total)}</strong>
        </li>
        <li>
          Fiches honorées dans les 30 jours :{' '}
          <strong data-testid="part-honorees">
            {formatShare(publication.indicateurs.part_fiches_honorees_30_jours)}
          </strong>
        </li>
        <li>
          Part d'urgences numériques : <strong>{formatShare(publication.indicateurs.part_urgence_numerique)}</strong>
        </li>
      </ul>
      {groups.map((dimension) => {
        const rows = publication.series.filter((s) => s.dimension === dimension);
        if (rows.length === 0) return null;
        return (
          <div class="fr-table fr-table--no-caption fr-mb-3w">
            <div class="fr-table__wrapper">
              <div class="fr-table__container">
                <div class="fr-table__content">
                  <table class="pa-stats-table">
                    <caption>{DIMENSION_TITLES[dimension] ?? dimension}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{DIMENSION_TITLES[dimension] ?? dimension}</th>
                        <th scope="col">Diagnostics</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((r) => (
                        <tr>
                          <th scope="row">{valueLabel(dimension, r.valeur)}</th>
                          <td>{formatCount(r.nombre)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            </div>
          </div>
        );
      })}
    </>
  );
}

export function orientationStatisticsRoutes(app: FastifyInstance, opts: { deps: OrientationDeps; rateLimit: number }) {
  const { deps } = opts;

  app.get(
    '/api/v1/statistiques/orientation',
    { config: { rateLimit: { max: opts.rateLimit, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const departement = parseDepartement((request.query as Record<string, unknown>).departement);
      const publication = await orientationStatistics(deps, { departement });
      return reply.header('cache-control', 'public, max-age=300').send(publication);
    },
  );

  app.get('/orientation/statistiques', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, orientationPolicy.viewStatistics, null);
    const asked = (request.query as Record<string, unknown>).departement;
    const scope = statisticsScope(actor);
    let selected: string | null;
    let notice: string | undefined;
    if (asked !== undefined) {
      selected = parseDepartement(asked);
    } else if (scope.kind === 'departements') {
      selected = scope.departements[0] ?? null;
      if (scope.departements.length > 1)
        notice = `Votre territoire compte ${scope.departements.length} départements : choisissez-en un ci-dessous.`;
    } else {
      selected = null;
      if (scope.kind === 'none') {
        notice =
          "Votre structure n'a pas encore de territoire : la page montre la France entière. Un administrateur peut le définir.";
      }
    }
    const publication = await orientationStatistics(deps, { departement: selected });
    return reply.page(
      { title: 'Statistiques de l’orientation', wide: false, stylesheets: ['orientation/orientation.css'] },
      <StatisticsPage publication={publication} selected={selected} scopeNotice={notice} />,
    );
  });
}
