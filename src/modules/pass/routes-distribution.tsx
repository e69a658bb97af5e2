/** Distributors hand booklets to beneficiaries and print a letter with the nearest places. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { formatDate, formatDateTime } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
} from '../../platform/views/components.tsx';
import { placesByDistance, resolveLocation, SERVICE_LABELS, serviceLabel } from '../lieux/index.ts';
import { viewPerson } from '../people/index.ts';
import { AGE_BANDS, type PassDeps, SITUATIONS } from './deps.ts';
import { distributeBooklet } from './distribute-booklets.ts';
import { passPolicy, seesDistributionWorkspace } from './policies.ts';
import { type BookletRow, bookletsHeldBy, findBooklet, findProgramme } from './programmes-repository.ts';
import { qualifiedPlaceIds } from './qualifications.ts';
import { territoryLabel } from './voucher-rules.ts';

function HandForm(props: {
  booklet: BookletRow;
  programmeName: string;
  csrf: string;
  values: Record<string, string | string[]>;
  error?: AppError | undefined;
}) {
  const fe = props.error?.fieldErrors ?? {};
  const v = (k: string) => (props.values[k] as string | undefined) ?? '';
  const needs = Array.isArray(props.values.needs)
    ? props.values.needs
    : props.values.needs
      ? [props.values.needs as string]
      : [];
  return (
    <>
      <p>
        Carnet n° {props.booklet.number} — {props.programmeName}. Aucun nom n’est demandé : seulement de quoi suivre
        l’usage des chèques.
      </p>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action={`/pass/carnets/${props.booklet.id}/remettre`} csrf={props.csrf}>
        <SelectField
          name="ageBand"
          label="Tranche d’âge"
          placeholder="Choisir"
          options={AGE_BANDS.map((a) => ({ value: a, label: a }))}
          value={v('ageBand')}
          error={fe.ageBand}
        />
        <InputField
          name="commune"
          label="Commune de résidence"
          hint="Nom ou code postal"
          value={v('commune')}
          error={fe.commune}
        />
        <SelectField
          name="situation"
          label="Situation"
          placeholder="Choisir"
          options={SITUATIONS.map((s) => ({ value: s, label: s }))}
          value={v('situation')}
          error={fe.situation}
        />
        <ChoiceGroup
          kind="checkbox"
          name="needs"
          legend="Besoins exprimés (facultatif)"
          options={Object.entries(SERVICE_LABELS).map(([value, label]) => ({ value, label }))}
          selected={needs}
          error={fe.needs}
        />
        <button class="fr-btn" type="submit">
          Remettre le carnet
        </button>
      </PostForm>
    </>
  );
}

export function distributionRoutes(app: FastifyInstance, opts: { deps: PassDeps }) {
  const { deps } = opts;

  app.workspace.add({
    title: 'Remettre des carnets Pass numérique',
    description: 'Les carnets confiés à votre structure : les remettre aux personnes et imprimer leur lettre.',
    href: '/pass/distribution',
    visible: (actor) => seesDistributionWorkspace(actor),
  });

  app.get('/pass/distribution', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = actor.memberships.filter((m) => passPolicy.distribute(actor, { id: m.organisationId }));
    const held = await Promise.all(
      orgs.map(async (m) => ({ org: m, booklets: await bookletsHeldBy(deps.db, m.organisationId) })),
    );
    return reply.page(
      { title: 'Carnets à remettre' },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Carnets à remettre' }]} />
        <h1>Carnets Pass numérique</h1>
        {held.map(({ org, booklets }) => (
          <>
            <h2 class="fr-h4">{org.organisationName}</h2>
            {booklets.length === 0 ? <p>Aucun carnet confié à cette structure.</p> : null}
            <ul>
              {booklets.map((b) => (
                <li>
                  Carnet n° {b.number} ({b.programme_name}) —{' '}
                  {b.distributed_at ? (
                    <>
                      remis le {formatDateTime(b.distributed_at)}, {b.used} chèque(s) utilisé(s) sur {b.total} —{' '}
                      <a href={`/pass/carnets/${b.id}/lettre`}>lettre du carnet n° {b.number}</a>
                    </>
                  ) : (
                    <a href={`/pass/carnets/${b.id}/remettre`}>remettre le carnet n° {b.number}</a>
                  )}
                </li>
              ))}
            </ul>
          </>
        ))}
      </>,
    );
  });

  async function bookletFor(id: string, actor: ReturnType<typeof requireActor>) {
    const booklet = await findBooklet(deps.db, id);
    if (!booklet?.distributor_organisation_id) throw new NotFoundError('Carnet introuvable.');
    authorize(actor, passPolicy.distribute, { id: booklet.distributor_organisation_id });
    const programme = await findProgramme(deps.db, booklet.programme_id);
    if (!programme) throw new NotFoundError('Programme introuvable.');
    return { booklet, programme };
  }

  app.get<{ Params: { id: string } }>('/pass/carnets/:id/remettre', async (request, reply) => {
    const actor = requireActor(request);
    const { booklet, programme } = await bookletFor(request.params.id, actor);
    if (booklet.distributed_at) return reply.redirect(`/pass/carnets/${booklet.id}/lettre`);
    return reply.page(
      { title: `Remettre le carnet ${booklet.number}` },
      <>
        <Breadcrumb
          items={[
            { label: 'Carnets à remettre', href: '/pass/distribution' },
            { label: `Carnet n° ${booklet.number}` },
          ]}
        />
        <h1>Remettre le carnet n° {booklet.number}</h1>
        <HandForm booklet={booklet} programmeName={programme.name} csrf={reply.pageContext().csrfToken} values={{}} />
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/pass/carnets/:id/remettre', async (request, reply) => {
    const actor = requireActor(request);
    const { booklet, programme } = await bookletFor(request.params.id, actor);
    try {
      await distributeBooklet(deps, actor, booklet.id, request.body);
      reply.flash('success', `Carnet n° ${booklet.number} remis. Imprimez la lettre pour la personne.`);
      return reply.redirect(`/pass/carnets/${booklet.id}/lettre`, 303);
    } catch (error) {
      const e = formError(error);
      return reply.page(
        { title: `Remettre le carnet ${booklet.number}` },
        <>
          <Breadcrumb
            items={[
              { label: 'Carnets à remettre', href: '/pass/distribution' },
              { label: `Carnet n° ${booklet.number}` },
            ]}
          />
          <h1>Remettre le carnet n° {booklet.number}</h1>
          <HandForm
            booklet={booklet}
            programmeName={programme.name}
            csrf={reply.pageContext().csrfToken}
            values={request.body as Record<string, string>}
            error={e}
          />
        </>,
        e.status,
      );
    }
  });

  app.get<{ Params: { id: string } }>('/pass/carnets/:id/lettre', async (request, reply) => {
    const actor = requireActor(request);
    const { booklet, programme } = await bookletFor(request.params.id, actor);
    if (!booklet.distributed_at) return reply.redirect(`/pass/carnets/${booklet.id}/remettre`);
    // The beneficiary's commune, from the person model (opening it is written in its access journal).
    const person = booklet.person_id ? await viewPerson(deps, actor, booklet.person_id) : undefined;
    const residence = person?.residence;
    const commune = residence && 'inseeCode' in residence && residence.inseeCode ? residence : undefined;
    const location = commune ? await resolveLocation(deps.db, commune.inseeCode as string) : undefined;
    const places =
      location?.kind === 'found'
        ? await placesByDistance(
            deps.db,
            { latitude: location.latitude, longitude: location.longitude },
            await qualifiedPlaceIds(deps.db),
            5,
          )
        : [];
    return reply.page(
      { title: `Lettre du carnet ${booklet.number}`, noindex: true },
      <article>
        <h1>Votre carnet Pass numérique</h1>
        <p class="fr-text--lead">
          Ce carnet n° {booklet.number} contient {booklet.total} chèques de{' '}
          {(programme.face_value_cents / 100).toLocaleString('fr-FR')} € pour vous faire aider au numérique,
          gratuitement pour vous.
        </p>
        <p>
          Valable jusqu’au {formatDate(programme.valid_until)}, dans ce territoire : {territoryLabel(programme)}.
        </p>
        <h2 class="fr-h4">Ce que paient les chèques</h2>
        <ul>
          {programme.services.map((s) => (
            <li>{serviceLabel(s)}</li>
          ))}
        </ul>
        <h2 class="fr-h4">Où aller près de chez vous{commune?.communeName ? ` (${commune.communeName})` : ''}</h2>
        {places.length === 0 ? (
          <p>
            Demandez à la personne qui vous a remis ce carnet : aucun lieu habilité n’est encore connu près de chez
            vous.
          </p>
        ) : null}
        <ol>
          {places.map((p) => (
            <li class="fr-mb-2w">
              <strong>{p.nom}</strong> — à {p.distance_km.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} km
              <br />
              {p.adresse}, {p.code_postal} {p.commune}
              {p.telephone ? (
                <>
                  <br />
                  Téléphone : <a href={`tel:${p.telephone}`}>{p.telephone}</a>
                </>
              ) : null}
            </li>
          ))}
        </ol>
        <h2 class="fr-h4">Comment faire</h2>
        <ol>
          <li>Appelez ou allez dans un de ces lieux.</li>
          <li>Apportez votre carnet.</li>
          <li>Donnez un chèque à chaque rendez-vous d’aide : vous ne payez rien.</li>
        </ol>
        <p class="fr-text--sm">Liste complète : {deps.publicUrl}/lieux?pass_numerique=oui</p>
        <p>
          <a class="fr-btn fr-btn--secondary" href="/pass/distribution">
            Retour aux carnets
          </a>
        </p>
      </article>,
    );
  });
}
