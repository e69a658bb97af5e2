/** Distributors hand booklets to beneficiaries and print a letter with the nearest places. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { errorSentence, formError } from '../../platform/http/forms.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
} from '../../platform/views/components.tsx';
import { placesByDistance, resolveLocation, SERVICE_LABELS } from '../lieux/index.ts';
import { viewPerson } from '../people/index.ts';
import { AGE_BANDS, type PassDeps, SITUATIONS, UNDO_WINDOW_MS } from './deps.ts';
import { distributeBooklet } from './distribute-booklets.ts';
import { passPolicy, seesDistributionWorkspace } from './policies.ts';
import {
  type BookletRow,
  bookletHeldByVoucherCode,
  bookletsHeldBy,
  bookletsHeldByNumber,
  findBooklet,
  findProgramme,
  programmesHeldBy,
} from './programmes-repository.ts';
import { qualifiedPlaceIds } from './qualifications.ts';
import { handOutUndoable, undoHandOut } from './undo-handout.ts';
import { BeneficiaryLetter } from './views/beneficiary-letter.tsx';
import { BookletResults, BookletSearchForm } from './views/booklet-pages.tsx';
import { parseVoucherCode } from './voucher-code.ts';

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
          label="Commune de résidence ou de domiciliation"
          hint="Nom ou code postal. Sans domicile stable : la commune de domiciliation, ou rien."
          required={false}
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
        <InputField
          name="contact"
          label="Votre contact, imprimé sur la lettre"
          hint="Un téléphone ou une adresse e-mail professionnels où la personne peut vous joindre."
          required={false}
          value={v('contact')}
          error={fe.contact}
        />
        <button class="fr-btn" type="submit">
          Remettre le carnet
        </button>
      </PostForm>
    </>
  );
}

export function distributionRoutes(
  app: FastifyInstance,
  opts: { deps: PassDeps; organisations: OrganisationDirectory },
) {
  const { deps, organisations } = opts;

  app.workspace.add({
    title: 'Remettre des carnets Pass numérique',
    description: 'Les carnets confiés à votre structure : les remettre aux personnes et imprimer leur lettre.',
    href: '/pass/distribution',
    visible: (actor) => seesDistributionWorkspace(actor),
  });

  function distributingOrganisations(actor: ReturnType<typeof requireActor>) {
    return actor.memberships.filter((m) => passPolicy.distribute(actor, { id: m.organisationId }));
  }

  app.get('/pass/distribution', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = distributingOrganisations(actor);
    const [held, programmes] = await Promise.all([
      Promise.all(orgs.map(async (m) => ({ org: m, booklets: await bookletsHeldBy(deps.db, m.organisationId) }))),
      programmesHeldBy(
        deps.db,
        orgs.map((m) => m.organisationId),
      ),
    ]);
    return reply.page(
      { title: 'Carnets à remettre', scripts: ['pass/scan.js'] },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Carnets à remettre' }]} />
        <h1>Carnets Pass numérique</h1>
        <BookletSearchForm programmes={programmes} values={{}} />
        {held.map(({ org, booklets }) => (
          <>
            <h2 class="fr-h4">{org.organisationName}</h2>
            {booklets.length === 0 ? <p>Aucun carnet confié à cette structure.</p> : null}
            <ul>
              {booklets.map((b) => (
                <li>
                  {b.programme_name}, carnet n° {b.number} —{' '}
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

  // Finding a booklet by what is printed on it: programme + number, or a chèque's code / QR code.
  app.get('/pass/distribution/recherche', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = distributingOrganisations(actor).map((m) => m.organisationId);
    const programmes = await programmesHeldBy(deps.db, orgs);
    const query = request.query as Record<string, unknown>;
    const values = {
      programme: typeof query.programme === 'string' ? query.programme : '',
      numero: typeof query.numero === 'string' ? query.numero.trim().slice(0, 20) : '',
      code: typeof query.code === 'string' ? query.code.trim().slice(0, 200) : '',
    };
    const errors: Record<string, string> = {};
    let results: Awaited<ReturnType<typeof bookletsHeldByNumber>> = [];
    if (values.code !== '') {
      let typed = values.code;
      try {
        typed = new URL(values.code).searchParams.get('code') ?? values.code;
      } catch {}
      const parsed = parseVoucherCode(typed);
      if (!parsed.ok) errors.code = parsed.message;
      else {
        const found = await bookletHeldByVoucherCode(deps.db, orgs, parsed.code);
        results = found ? [found] : [];
      }
    } else if (/^\d{1,9}$/.test(values.numero)) {
      const programme = programmes.find((p) => p.id === values.programme);
      if (values.programme !== '' && !programme) errors.programme = 'Choisissez un programme de la liste.';
      else results = await bookletsHeldByNumber(deps.db, orgs, Number(values.numero), programme?.id ?? null);
    } else if (values.numero !== '') {
      errors.numero = 'Le numéro du carnet s’écrit en chiffres, par exemple 12.';
    }
    const asked = values.numero !== '' || values.code !== '';
    const searched = asked && Object.keys(errors).length === 0;
    return reply.page(
      { title: 'Trouver un carnet', scripts: ['pass/scan.js'], noindex: true },
      <>
        <Breadcrumb
          items={[{ label: 'Carnets à remettre', href: '/pass/distribution' }, { label: 'Trouver un carnet' }]}
        />
        <h1>Trouver un carnet</h1>
        <BookletSearchForm programmes={programmes} values={values} errors={errors} />
        {searched ? <BookletResults results={results} /> : null}
      </>,
      Object.keys(errors).length === 0 ? 200 : 400,
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
    const search = new URLSearchParams({ pass_numerique: 'oui' });
    if (commune) search.set('commune', places[0]?.code_postal ?? commune.communeName ?? '');
    const placesUrl = `${deps.publicUrl}/lieux?${search.toString()}`;
    const now = deps.clock();
    return reply.page(
      { title: `Lettre du carnet ${booklet.number}`, noindex: true, scripts: ['lieux/print.js'] },
      <>
        <div class="pa-no-print">
          <Breadcrumb
            items={[
              { label: 'Carnets à remettre', href: '/pass/distribution' },
              { label: `Lettre du carnet n° ${booklet.number}` },
            ]}
          />
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <button type="button" class="fr-btn fr-icon-printer-line fr-btn--icon-left pa-print" id="imprimer" hidden>
                Imprimer
              </button>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href="/pass/distribution">
                Retour aux carnets
              </a>
            </li>
          </ul>
        </div>
        <BeneficiaryLetter
          programme={programme}
          bookletNumber={booklet.number}
          vouchers={Number(booklet.total)}
          commune={commune?.communeName ?? null}
          places={places}
          distributorName={
            (await organisations.name(booklet.distributor_organisation_id as string)) ?? 'votre structure'
          }
          contact={booklet.handed_out_contact}
          placesUrl={placesUrl}
          now={now}
        />
        {handOutUndoable(booklet, now) ? (
          <div class="pa-no-print fr-mt-4w">
            <PostForm action={`/pass/carnets/${booklet.id}/annuler-remise`} csrf={reply.pageContext().csrfToken}>
              <p class="fr-text--sm">
                Remis par erreur (mauvais carnet, mauvaise personne) ? Vous pouvez annuler cette remise jusqu’au{' '}
                {formatDateTime(new Date(booklet.distributed_at.getTime() + UNDO_WINDOW_MS))}, tant qu’aucun chèque
                n’est utilisé.
              </p>
              <button class="fr-btn fr-btn--tertiary" type="submit">
                Annuler la remise du carnet n° {booklet.number}
              </button>
            </PostForm>
          </div>
        ) : null}
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/pass/carnets/:id/annuler-remise', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const booklet = await undoHandOut(deps, actor, request.params.id);
      reply.flash('success', `Remise du carnet n° ${booklet.number} annulée : il est de nouveau à remettre.`);
      return reply.redirect('/pass/distribution', 303);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
      return reply.redirect(`/pass/carnets/${encodeURIComponent(request.params.id)}/lettre`, 303);
    }
  });
}
