/** Structures keep their places up to date: edit, close, reopen; coordinators assign them. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { formatDate, parisDate } from '../../platform/print/index.ts';
import { Breadcrumb } from '../../platform/views/components.tsx';
import { expertOfForm } from './hours-editor.ts';
import type { LieuxDeps, OrganisationsPort } from './index.ts';
import { findPlace, placeGeoWarning, placesOfOrganisation } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import { assignPlace, changePlaceClosure, changePlaceStatus, changeWhatToBring, updatePlace } from './update-place.ts';
import { EditPlacePage, editFormValues } from './views/edit-page.tsx';
import { isPlaceholderDate } from './views/format.ts';

export function lieuxManageRoutes(app: FastifyInstance, opts: { deps: LieuxDeps; organisations: OrganisationsPort }) {
  const { deps, organisations } = opts;

  app.workspace.add({
    title: 'Nos lieux',
    description: 'Tenir à jour les informations publiques de vos lieux : horaires, services, contact.',
    href: '/espace/lieux',
    visible: (actor) => lieuxPolicy.keepsPlaces(actor, null),
  });

  app.get('/espace/lieux', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = actor.memberships.filter((m) =>
      can(actor, lieuxPolicy.viewOrganisationPlaces, { id: m.organisationId }),
    );
    const lists = await Promise.all(
      orgs.map(async (m) => ({ org: m, places: await placesOfOrganisation(deps.db, m.organisationId) })),
    );
    return reply.page(
      { title: 'Nos lieux' },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Nos lieux' }]} />
        <h1>Nos lieux</h1>
        {lists.map(({ org, places }) => (
          <>
            <h2 class="fr-h4">{org.organisationName}</h2>
            {places.length === 0 ? (
              <p>Aucun lieu n'est rattaché à cette structure. Demandez à votre coordinateur de rattacher vos lieux.</p>
            ) : (
              <ul>
                {places.map((p) => (
                  <li>
                    <a href={`/lieux/${encodeURIComponent(p.id)}`}>{p.nom}</a> — {p.commune}
                    {p.status === 'closed' ? ' (fermé)' : ''} —{' '}
                    {isPlaceholderDate(p.date_maj)
                      ? 'date de mise à jour inconnue'
                      : `mis à jour le ${formatDate(p.date_maj)}`}
                    {can(actor, lieuxPolicy.editPlace, p) ? (
                      <>
                        {' '}
                        — <a href={`/lieux/${encodeURIComponent(p.id)}/modifier`}>modifier {p.nom}</a>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </>
        ))}
      </>,
    );
  });

  async function editPage(placeId: string, request: Parameters<typeof requireActor>[0]) {
    const actor = requireActor(request);
    const place = await findPlace(deps.db, placeId);
    if (!place) throw new NotFoundError('Ce lieu est introuvable.');
    authorize(actor, lieuxPolicy.editPlace, place);
    const canAssign = can(actor, lieuxPolicy.assignPlace, place);
    const options = canAssign ? (await organisations.list()).map((o) => ({ value: o.id, label: o.name })) : [];
    return { actor, place, canAssign, options };
  }

  app.get<{ Params: { id: string } }>('/lieux/:id/modifier', async (request, reply) => {
    const { place, canAssign, options } = await editPage(request.params.id, request);
    const geoWarning = await placeGeoWarning(deps.db, place.id);
    const form = editFormValues(place, parisDate(deps.clock()));
    return reply.page(
      {
        title: `Modifier ${place.nom}`,
        noindex: true,
        scripts: ['lieux/hours-editor.js'],
        stylesheets: ['lieux/lieux.css'],
      },
      <>
        {geoWarning ? (
          <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w" data-testid="geo-warning">
            <p>
              <strong>Position à vérifier.</strong> {geoWarning}
            </p>
          </div>
        ) : null}
        <EditPlacePage
          place={place}
          values={form.values}
          hoursUnrepresentable={form.hoursUnrepresentable}
          csrf={reply.pageContext().csrfToken}
          canAssign={canAssign}
          organisations={options}
        />
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/lieux/:id/modifier', async (request, reply) => {
    const { actor, place, canAssign, options } = await editPage(request.params.id, request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const posted = (): Record<string, string | string[]> =>
      Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
    const page = (values: Record<string, string | string[]>, extra: { error?: AppError; hoursNotice?: string }) =>
      reply.page(
        {
          title: `Modifier ${place.nom}`,
          noindex: true,
          scripts: ['lieux/hours-editor.js'],
          stylesheets: ['lieux/lieux.css'],
        },
        <EditPlacePage
          place={place}
          values={values}
          csrf={reply.pageContext().csrfToken}
          error={extra.error}
          hoursNotice={extra.hoursNotice}
          canAssign={canAssign}
          organisations={options}
        />,
        extra.error?.status ?? 200,
      );
    // « Passer à la syntaxe experte » (ADR 0036): the form comes back with the hours typed day by
    // day written in the expert field; nothing is saved (hours-editor.js asks the same with fetch).
    if (body.horaires_action === 'expert') {
      const converted = expertOfForm(body, parisDate(deps.clock()));
      // The mistakes are in the day fields: the form opens on them.
      if (!converted.ok)
        return page(
          { ...posted(), horaires_saisie: 'jours' },
          { error: formError(new ValidationError(converted.errors)) },
        );
      return page(
        { ...posted(), horaires: converted.horaires, horaires_saisie: 'expert' },
        { hoursNotice: converted.notice },
      );
    }
    try {
      const { corrections } = await updatePlace(deps, actor, place.id, request.body as Record<string, unknown>);
      reply.flash(
        'success',
        corrections.length > 0
          ? `Lieu enregistré. Corrections appliquées : ${corrections.join(' ; ')}`
          : 'Lieu enregistré.',
      );
      return reply.redirect(`/lieux/${encodeURIComponent(place.id)}`, 303);
    } catch (error) {
      return page(posted(), { error: formError(error) });
    }
  });

  for (const [action, status, message] of [
    ['fermer', 'closed', 'Le lieu est marqué comme fermé : il n’apparaît plus dans les recherches.'],
    ['rouvrir', 'open', 'Le lieu est de nouveau ouvert et visible dans les recherches.'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/lieux/:id/${action}`, async (request, reply) => {
      const actor = requireActor(request);
      await changePlaceStatus(deps, actor, request.params.id, status);
      reply.flash('success', message);
      return reply.redirect(`/lieux/${encodeURIComponent(request.params.id)}`, 303);
    });
  }

  app.post<{ Params: { id: string } }>('/lieux/:id/fermeture', async (request, reply) => {
    const actor = requireActor(request);
    const id = request.params.id;
    try {
      await changePlaceClosure(deps, actor, id, { from: field(request.body, 'du'), until: field(request.body, 'au') });
      reply.flash('success', 'La fermeture est enregistrée : la page du lieu l’annonce et propose d’autres lieux.');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/lieux/${encodeURIComponent(id)}/modifier`, 303);
  });

  app.post<{ Params: { id: string } }>('/lieux/:id/a-apporter', async (request, reply) => {
    const actor = requireActor(request);
    const id = request.params.id;
    try {
      await changeWhatToBring(deps, actor, id, field(request.body, 'a_apporter'));
      reply.flash('success', '« Ce qu’il faut apporter » est enregistré.');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/lieux/${encodeURIComponent(id)}/modifier`, 303);
  });

  app.post<{ Params: { id: string } }>('/lieux/:id/fermeture/annuler', async (request, reply) => {
    const actor = requireActor(request);
    await changePlaceClosure(deps, actor, request.params.id, null);
    reply.flash('success', 'La fermeture temporaire est annulée.');
    return reply.redirect(`/lieux/${encodeURIComponent(request.params.id)}/modifier`, 303);
  });

  app.post<{ Params: { id: string } }>('/lieux/:id/rattacher', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = field(request.body, 'organisation') || null;
    try {
      await assignPlace(
        deps,
        actor,
        request.params.id,
        organisationId,
        async (id) => (await organisations.name(id)) !== undefined,
      );
      reply.flash(
        'success',
        organisationId ? 'Le lieu est rattaché à la structure.' : 'Le lieu n’est plus rattaché à une structure.',
      );
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/lieux/${encodeURIComponent(request.params.id)}/modifier`, 303);
  });
}
