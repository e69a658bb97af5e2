/**
 * Statistics pages (a helper's own, a structure's, a territory's), their CSV exports (POST:
 * each is journaled) and the open-data API `GET /api/v1/statistiques/accompagnements`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { ForbiddenError, ValidationError } from '../../platform/http/errors.ts';
import { field } from '../../platform/http/forms.ts';
import { parisDate } from '../../platform/print/index.ts';
import { PostForm } from '../../platform/views/components.tsx';
import { departementName } from '../lieux/index.ts';
import { type ExportDeps, exportAggregates, exportOwnSessions, exportStructureSessions } from './export-sessions.ts';
import {
  departementsOf,
  helpingOrganisations,
  managedOrganisations,
  mayViewDepartement,
  supportPolicy,
  territoryScope,
} from './policies.ts';
import { computeStatistics, publishStatistics } from './statistics.ts';
import { departementScope, NATIONAL, type ScopedStatistics, snapshotOrLive } from './statistics-jobs.ts';
import { StatisticsPage } from './views/statistics-page.tsx';

const PAGE = { stylesheets: ['support/support.css'] };

export function parseDepartement(value: unknown): string | null {
  if (value === undefined || value === '') return null;
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof text !== 'string' || !/^(\d{2}|2[AB]|97\d)$/i.test(text.trim())) {
    throw new ValidationError(
      { departement: 'Le département est un code de 2 caractères (83, 2A) ou de 3 chiffres outre-mer (974).' },
      'Le paramètre departement est invalide.',
    );
  }
  const code = text.trim().toUpperCase();
  if (departementName(code) === code) {
    throw new ValidationError(
      { departement: `Aucun département ne porte le code ${code}.` },
      'Le paramètre departement est invalide.',
    );
  }
  return code;
}

function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(csv);
}

function ExportButton({
  action,
  csrf,
  label,
  hidden,
}: {
  action: string;
  csrf: string;
  label: string;
  hidden?: Record<string, string>;
}) {
  return (
    <PostForm action={action} csrf={csrf} class="fr-mb-3w">
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">
        {label}
      </button>
    </PostForm>
  );
}

interface TerritoryChoice {
  label: string;
  stats: ScopedStatistics;
  departement: string | null;
  choices: string[];
}

export function supportStatisticsRoutes(app: FastifyInstance, opts: { deps: ExportDeps; rateLimit: number }) {
  const { deps } = opts;

  app.get('/accompagnements/statistiques', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, supportPolicy.viewOwnSessions, null);
    const model = await computeStatistics(deps.db, { kind: 'helper', userId: actor.userId }, deps.clock());
    const csrf = reply.pageContext().csrfToken;
    const managed = managedOrganisations(actor);
    return reply.page(
      { ...PAGE, title: 'Mes statistiques d’accompagnement' },
      <StatisticsPage
        title="Mes statistiques"
        breadcrumb="Mes statistiques"
        scopeLine="Les séances que vous avez enregistrées."
        model={model}
        snapshotAt={null}
        controls={
          <>
            <ExportButton action="/accompagnements/export" csrf={csrf} label="Exporter mes séances (CSV)" />
            {managed.length > 0 ? (
              <ul>
                {managed.map((o) => (
                  <li>
                    <a href={`/accompagnements/statistiques/structure/${o.id}`}>Statistiques de {o.name}</a>
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        }
      />,
    );
  });

  app.post('/accompagnements/export', async (request, reply) => {
    const actor = requireActor(request);
    const csv = await exportOwnSessions(deps, actor);
    return sendCsv(reply, `mes-accompagnements-${parisDate(deps.clock())}.csv`, csv);
  });

  app.get<{ Params: { org: string } }>('/accompagnements/statistiques/structure/:org', async (request, reply) => {
    const actor = requireActor(request);
    const org = request.params.org;
    authorize(actor, supportPolicy.viewStructure, { id: org });
    const name = helpingOrganisations(actor).find((o) => o.id === org)?.name ?? 'la structure';
    const model = await computeStatistics(deps.db, { kind: 'organisation', organisationId: org }, deps.clock());
    return reply.page(
      { ...PAGE, title: `Statistiques — ${name}` },
      <StatisticsPage
        title={`Statistiques de ${name}`}
        breadcrumb="Statistiques de la structure"
        scopeLine="Toutes les séances enregistrées par les aidants de la structure."
        model={model}
        snapshotAt={null}
        controls={
          <ExportButton
            action={`/accompagnements/statistiques/structure/${org}/export`}
            csrf={reply.pageContext().csrfToken}
            label="Exporter les séances de la structure (CSV, sans les notes)"
          />
        }
      />,
    );
  });

  app.post<{ Params: { org: string } }>(
    '/accompagnements/statistiques/structure/:org/export',
    async (request, reply) => {
      const actor = requireActor(request);
      const csv = await exportStructureSessions(deps, actor, request.params.org);
      return sendCsv(reply, `accompagnements-structure-${parisDate(deps.clock())}.csv`, csv);
    },
  );

  /** Which territory figures this actor sees, for the département asked (or their first one). */
  async function territoryFigures(
    actor: Parameters<typeof territoryScope>[0],
    asked: unknown,
  ): Promise<TerritoryChoice | undefined> {
    authorize(actor, supportPolicy.viewTerritory, null);
    const scope = territoryScope(actor);
    const wanted = parseDepartement(asked);
    if (scope.kind === 'none') return undefined;
    if (scope.kind === 'national') {
      const stats = await snapshotOrLive(deps.db, deps.clock, wanted ? departementScope(wanted) : NATIONAL);
      return {
        label: wanted ? `${departementName(wanted)} (${wanted})` : 'France entière',
        stats,
        departement: wanted,
        choices: [],
      };
    }
    const choices = departementsOf(scope);
    if (wanted && !mayViewDepartement(actor, wanted)) {
      throw new ForbiddenError('Ce département n’est pas dans le territoire de votre structure.');
    }
    const dep = wanted ?? (scope.communes.length === 0 ? (scope.departements[0] ?? null) : null);
    if (dep) {
      return {
        label: `${departementName(dep)} (${dep})`,
        stats: await snapshotOrLive(deps.db, deps.clock, departementScope(dep)),
        departement: dep,
        choices,
      };
    }
    // A territory made of communes: computed for them, now.
    const model = await computeStatistics(
      deps.db,
      { kind: 'territory', departements: scope.departements, communes: scope.communes },
      deps.clock(),
    );
    return {
      label: `votre territoire (${scope.communes.length} communes)`,
      stats: { model, snapshotAt: null },
      departement: null,
      choices,
    };
  }

  app.get('/accompagnements/statistiques/territoire', async (request, reply) => {
    const actor = requireActor(request);
    const figures = await territoryFigures(actor, (request.query as Record<string, unknown>).departement);
    if (!figures) {
      return reply.page(
        { ...PAGE, title: 'Statistiques du territoire' },
        <>
          <h1>Statistiques du territoire</h1>
          <p>Votre structure n’a pas encore de territoire : un administrateur de la plateforme peut le définir.</p>
        </>,
      );
    }
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { ...PAGE, title: 'Statistiques du territoire' },
      <StatisticsPage
        title="Accompagnements du territoire"
        breadcrumb="Statistiques du territoire"
        scopeLine={`Les séances enregistrées dans ${figures.label}.`}
        model={figures.stats.model}
        snapshotAt={figures.stats.snapshotAt}
        controls={
          <>
            {figures.choices.length > 1 ? (
              <form method="get" action="/accompagnements/statistiques/territoire" class="fr-mb-3w">
                <div class="fr-select-group">
                  <label class="fr-label" for="departement">
                    Département
                  </label>
                  <select class="fr-select" id="departement" name="departement">
                    {figures.choices.map((d) => (
                      <option value={d} selected={d === figures.departement}>
                        {d} — {departementName(d)}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm">
                  Afficher
                </button>
              </form>
            ) : null}
            <ExportButton
              action="/accompagnements/statistiques/territoire/export"
              csrf={csrf}
              label="Exporter les agrégats (CSV)"
              hidden={figures.departement ? { departement: figures.departement } : {}}
            />
            <p class="fr-text--sm">
              En données ouvertes (nombres inférieurs à 10 masqués) :{' '}
              <a
                href={`/api/v1/statistiques/accompagnements${figures.departement ? `?departement=${figures.departement}` : ''}`}
              >
                /api/v1/statistiques/accompagnements{figures.departement ? `?departement=${figures.departement}` : ''}
              </a>
            </p>
          </>
        }
      />,
    );
  });

  app.post('/accompagnements/statistiques/territoire/export', async (request, reply) => {
    const actor = requireActor(request);
    const figures = await territoryFigures(actor, field(request.body, 'departement'));
    if (!figures) throw new ForbiddenError('Votre structure n’a pas encore de territoire.');
    const csv = await exportAggregates(deps, actor, figures.stats.model, figures.departement ?? 'territoire');
    return sendCsv(reply, `accompagnements-agregats-${parisDate(deps.clock())}.csv`, csv);
  });

  app.get(
    '/api/v1/statistiques/accompagnements',
    { config: { rateLimit: { max: opts.rateLimit, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const departement = parseDepartement((request.query as Record<string, unknown>).departement);
      const { model } = await snapshotOrLive(
        deps.db,
        deps.clock,
        departement ? departementScope(departement) : NATIONAL,
      );
      return reply.header('cache-control', 'public, max-age=300').send(publishStatistics(model, departement));
    },
  );

  app.workspace.add({
    title: 'Statistiques des accompagnements du territoire',
    description: 'Séances, personnes suivies et autonomie gagnée sur votre territoire ; export des agrégats.',
    href: '/accompagnements/statistiques/territoire',
    visible: (actor) => can(actor, supportPolicy.viewTerritory, null),
  });
}
