/** The helper's mandates page (/mandats): current structure, standing, and the choice of structure. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { Breadcrumb, PostForm, SelectField } from '../../platform/views/components.tsx';
import type { MandatesDeps } from './deps.ts';
import { chooseCurrentStructure } from './habilitations.ts';
import { currentStructure, helperStanding } from './helper-standing.ts';
import { mandatesPolicy } from './policies.ts';
import { MandateList, type MandateSummary } from './views/mandate-views.tsx';

export function helperRoutes(
  app: FastifyInstance,
  opts: { deps: MandatesDeps; listMandates: (organisationId: string) => Promise<MandateSummary[]> },
) {
  const { deps } = opts;

  app.get('/mandats', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.useMandatesSomewhere, null);
    const structures = actor.memberships.filter((m) => mandatesPolicy.actForPeople(actor, { id: m.organisationId }));
    const current = await currentStructure(deps.db, actor);
    const standing = current
      ? await helperStanding(deps.db, deps.clock(), actor, request.session?.secondFactorAt, current, {
          ignoreSecondFactor: true,
        })
      : undefined;
    const currentName = structures.find((s) => s.organisationId === current)?.organisationName;
    const mandates = current ? await opts.listMandates(current) : [];
    return reply.page(
      { title: 'Mandats' },
      <>
        <Breadcrumb items={[{ label: 'Espace', href: '/espace' }, { label: 'Mandats' }]} />
        <h1>Mandats</h1>
        <p data-testid="structure-courante">
          Vous agissez pour : <strong>{currentName ?? 'aucune structure'}</strong>.
        </p>
        {standing && !standing.ok ? (
          <div class="fr-alert fr-alert--warning fr-mb-3w">
            <p data-testid="habilitation-probleme">{standing.message}</p>
          </div>
        ) : null}
        {standing?.ok ? (
          <>
            <p data-testid="habilitation-ok">
              Vous êtes habilité dans cette structure (habilitation {standing.reference}).
            </p>
            <p>
              <a class="fr-btn" href="/mandats/nouveau">
                Nouveau mandat
              </a>
            </p>
          </>
        ) : null}
        <h2 class="fr-h4 fr-mt-4w">Mandats de la structure</h2>
        <MandateList mandates={mandates} />
        {structures.length > 1 ? (
          <PostForm action="/mandats/structure-courante" csrf={reply.pageContext().csrfToken}>
            <SelectField
              name="organisation"
              label="Structure pour laquelle vous agissez"
              options={structures.map((s) => ({ value: s.organisationId, label: s.organisationName }))}
              value={current}
            />
            <button class="fr-btn fr-btn--secondary" type="submit">
              Changer de structure
            </button>
          </PostForm>
        ) : null}
      </>,
    );
  });

  app.post('/mandats/structure-courante', async (request, reply) => {
    const actor = requireActor(request);
    const organisation = String((request.body as Record<string, unknown> | undefined)?.organisation ?? '');
    await chooseCurrentStructure(deps, actor, organisation);
    reply.flash('success', 'Structure courante changée.');
    return reply.redirect('/mandats', 303);
  });
}
