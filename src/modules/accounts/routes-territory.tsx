/** The platform administrator sets an organisation's territory: /admin/organisations/{id}/territoire. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { TerritoryGazetteer } from '../../platform/auth/territory.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { field, formError } from '../../platform/http/forms.ts';
import { Breadcrumb, ErrorSummary, InputField, PostForm } from '../../platform/views/components.tsx';
import type { AccountsDeps } from './deps.ts';
import { accountsPolicy } from './policies.ts';
import { findOrganisation, type OrganisationRecord } from './repository.ts';
import { setTerritory } from './set-territory.ts';

function TerritoryPage(props: {
  organisation: OrganisationRecord;
  described: { departements: string[]; communes: string[] };
  values: { departements: string; communes: string };
  csrf: string;
  error?: AppError | undefined;
}) {
  const o = props.organisation;
  const fe = props.error?.fieldErrors ?? {};
  const empty = props.described.departements.length === 0 && props.described.communes.length === 0;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Structures', href: '/admin/organisations' },
          { label: o.name, href: `/organisations/${o.id}` },
          { label: 'Territoire' },
        ]}
      />
      <h1>Territoire de « {o.name} »</h1>
      <p data-testid="territoire-actuel">
        {empty
          ? 'Aucun territoire : ses coordinateurs n’agissent nulle part tant qu’il n’est pas défini.'
          : `Territoire actuel : ${[...props.described.departements, ...props.described.communes].join(', ')}.`}
      </p>
      <p>
        Les coordinateurs de cette structure agissent dans ce territoire : lieux, habilitations, programmes et relevés
        qui s’y trouvent. Seul un administrateur de la plateforme le modifie ; chaque modification est inscrite au
        journal.
      </p>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action={`/admin/organisations/${o.id}/territoire`} csrf={props.csrf}>
        <InputField
          name="departements"
          label="Départements"
          hint="Noms ou numéros séparés par des virgules, par exemple « Var, 84 »"
          required={false}
          value={props.values.departements}
          error={fe.departements}
        />
        <InputField
          name="communes"
          label="Communes"
          hint="Noms ou codes postaux séparés par des virgules, par exemple « Toulon, 83400 » (facultatif si des départements couvrent tout)"
          required={false}
          value={props.values.communes}
          error={fe.communes}
        />
        <button class="fr-btn" type="submit">
          Enregistrer le territoire
        </button>
      </PostForm>
    </>
  );
}

export function territoryRoutes(app: FastifyInstance, opts: { deps: AccountsDeps; territories: TerritoryGazetteer }) {
  const { deps, territories } = opts;

  async function organisationFor(id: string): Promise<OrganisationRecord> {
    const organisation = await findOrganisation(deps.db, id);
    if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
    return organisation;
  }

  app.get<{ Params: { id: string } }>('/admin/organisations/:id/territoire', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, accountsPolicy.administerPlatform, null);
    const organisation = await organisationFor(request.params.id);
    const described = await territories.describe(organisation.territory);
    return reply.page(
      { title: `Territoire — ${organisation.name}` },
      <TerritoryPage
        organisation={organisation}
        described={described}
        values={described.asInput}
        csrf={reply.pageContext().csrfToken}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/admin/organisations/:id/territoire', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, accountsPolicy.administerPlatform, null);
    const organisation = await organisationFor(request.params.id);
    try {
      const territory = await setTerritory({ ...deps, territories }, actor, organisation.id, request.body);
      const described = await territories.describe(territory);
      const words = [...described.departements, ...described.communes].join(', ');
      reply.flash('success', words ? `Territoire enregistré : ${words}.` : 'Territoire retiré.');
      return reply.redirect(`/admin/organisations/${organisation.id}/territoire`, 303);
    } catch (error) {
      const e = formError(error);
      return reply.page(
        { title: `Territoire — ${organisation.name}` },
        <TerritoryPage
          organisation={organisation}
          described={await territories.describe(organisation.territory)}
          values={{ departements: field(request.body, 'departements'), communes: field(request.body, 'communes') }}
          csrf={reply.pageContext().csrfToken}
          error={e}
        />,
        e.status,
      );
    }
  });
}
