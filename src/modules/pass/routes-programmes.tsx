/** Coordinators and funders: programmes, issuance, assignment, printing, reports, alerts. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { formatDate, formatDateTime, formatEuros } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
  TableFrame,
} from '../../platform/views/components.tsx';
import { SERVICE_LABELS, serviceLabel } from '../lieux/index.ts';
import { bookletsCsv } from './booklet-csv.ts';
import { writeBookletsPdf } from './booklet-pdf.ts';
import { AWAITING_CONSENT, acceptProgramme } from './consent.ts';
import { createProgramme } from './create-programme.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets } from './distribute-booklets.ts';
import { issueBooklets } from './issue-booklets.ts';
import {
  consentScope,
  coordinatesWithoutTerritory,
  coordinatingOrganisations,
  managedProgrammeScope,
  passPolicy,
  programmeScope,
} from './policies.ts';
import {
  bookletsInRange,
  bookletsOfProgramme,
  findProgramme,
  listProgrammes,
  type Programme,
  programmeCounts,
  vouchersOfBooklets,
} from './programmes-repository.ts';
import { funderReport, suspiciousPatterns } from './reports.ts';
import { BarChart } from './views/bar-chart.tsx';
import { territoryLabel } from './voucher-rules.ts';

const serviceOptions = Object.entries(SERVICE_LABELS).map(([value, label]) => ({ value, label }));

function ProgrammeForm(props: {
  csrf: string;
  coordinatorOrgs: Array<{ value: string; label: string }>;
  funders: Array<{ value: string; label: string }>;
  values: Record<string, string | string[]>;
  error?: AppError | undefined;
}) {
  const v = (k: string) =>
    Array.isArray(props.values[k])
      ? (props.values[k] as string[]).join(', ')
      : ((props.values[k] as string | undefined) ?? '');
  const fe = props.error?.fieldErrors ?? {};
  const services = Array.isArray(props.values.services)
    ? props.values.services
    : props.values.services
      ? [props.values.services]
      : Object.keys(SERVICE_LABELS);
  return (
    <>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action="/pass/programmes/nouveau" csrf={props.csrf}>
        <InputField
          name="name"
          label="Nom du programme"
          hint="Par exemple « Pass numérique du Var 2026 »"
          value={v('name')}
          error={fe.name}
        />
        {props.coordinatorOrgs.length === 1 ? (
          <input type="hidden" name="coordinatorOrganisationId" value={props.coordinatorOrgs[0]?.value} />
        ) : (
          <SelectField
            name="coordinatorOrganisationId"
            label="Structure qui coordonne"
            placeholder="Choisir"
            options={props.coordinatorOrgs}
            value={v('coordinatorOrganisationId')}
            error={fe.coordinatorOrganisationId}
          />
        )}
        <SelectField
          name="funderOrganisationId"
          label="Financeur"
          placeholder="Choisir"
          options={props.funders}
          value={v('funderOrganisationId')}
          error={fe.funderOrganisationId}
        />
        <InputField
          name="departements"
          label="Départements du territoire"
          hint="Numéros séparés par des virgules, par exemple 83, 13"
          required={false}
          value={v('departements')}
          error={fe.departements}
        />
        <InputField
          name="communes"
          label="Communes du territoire"
          hint="Codes INSEE séparés par des virgules (facultatif si des départements sont indiqués)"
          required={false}
          value={v('communes')}
          error={fe.communes}
        />
        <InputField
          name="targetPublics"
          label="Publics visés"
          hint="Par exemple : personnes âgées isolées, demandeurs d’emploi"
          required={false}
          value={v('targetPublics')}
          error={fe.targetPublics}
        />
        <InputField
          name="faceValueEuros"
          label="Valeur d’un chèque (en euros)"
          inputMode="decimal"
          value={v('faceValueEuros') || '10'}
          error={fe.faceValueEuros}
        />
        <InputField
          name="vouchersPerBooklet"
          label="Chèques par carnet"
          inputMode="numeric"
          value={v('vouchersPerBooklet') || '5'}
          error={fe.vouchersPerBooklet}
        />
        <InputField
          name="validFrom"
          label="Début de validité"
          type="date"
          value={v('validFrom')}
          error={fe.validFrom}
        />
        <InputField
          name="validUntil"
          label="Fin de validité"
          type="date"
          value={v('validUntil')}
          error={fe.validUntil}
        />
        <InputField
          name="toleranceDays"
          label="Tolérance après la fin (jours)"
          hint="Les chèques restent acceptés ce nombre de jours après la fin"
          inputMode="numeric"
          value={v('toleranceDays') || '31'}
          error={fe.toleranceDays}
        />
        <InputField
          name="distributionStopDays"
          label="Arrêt de la distribution avant la fin (jours)"
          inputMode="numeric"
          value={v('distributionStopDays') || '15'}
          error={fe.distributionStopDays}
        />
        <ChoiceGroup
          kind="checkbox"
          name="services"
          legend="Services payés par les chèques"
          options={serviceOptions}
          selected={services}
          error={fe.services}
        />
        <button class="fr-btn" type="submit">
          Créer le programme
        </button>
      </PostForm>
    </>
  );
}

export function programmeRoutes(
  app: FastifyInstance,
  opts: {
    deps: PassDeps;
    organisations: OrganisationDirectory;
    onProgrammeAwaitingConsent?: (tx: Queryable, programme: Programme) => Promise<void>;
  },
) {
  const { deps, organisations } = opts;
  const orgName = async (id: string) => (await organisations.name(id)) ?? 'structure inconnue';

  app.workspace.add({
    title: 'Pass numérique',
    description: 'Programmes de chèques : émission, distribution, habilitation des lieux, relevés et bilans.',
    href: '/pass',
    visible: (actor) => passPolicy.seesPassWorkspace(actor, null),
  });

  app.get('/pass', async (request, reply) => {
    const actor = requireActor(request);
    const [programmes, pending] = await Promise.all([
      listProgrammes(deps.db, programmeScope(actor)),
      listProgrammes(deps.db, consentScope(actor), { pendingOnly: true }),
    ]);
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: 'Pass numérique' },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Pass numérique' }]} />
        <h1>Pass numérique</h1>
        {coordinatesWithoutTerritory(actor) ? (
          <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="sans-territoire">
            <p>
              Votre structure n’a pas encore de territoire : en tant que coordinateur, vous n’agissez nulle part tant
              qu’un administrateur de la plateforme ne l’a pas défini.
            </p>
          </div>
        ) : null}
        {pending.length > 0 ? (
          <section data-testid="programmes-en-attente">
            <h2 class="fr-h4">Programmes en attente de votre accord</h2>
            <ul class="pa-list-plain">
              {pending.map((p) => (
                <li class="fr-mb-2w">
                  <a href={`/pass/programmes/${p.id}`}>{p.name}</a> — {territoryLabel(p)}, chèques de{' '}
                  {formatEuros(p.face_value_cents)}, du {formatDate(p.valid_from)} au {formatDate(p.valid_until)}
                  <PostForm action={`/pass/programmes/${p.id}/accepter`} csrf={csrf}>
                    <button class="fr-btn fr-btn--sm" type="submit">
                      Accepter de financer « {p.name} »
                    </button>
                  </PostForm>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {can(actor, passPolicy.mayCreateProgrammes, null) ? (
            <li>
              <a class="fr-btn" href="/pass/programmes/nouveau">
                Nouveau programme
              </a>
            </li>
          ) : null}
          {can(actor, passPolicy.reviewQualifications, null) ? (
            <li>
              <a class="fr-btn fr-btn--secondary" href="/pass/habilitations">
                Habilitation des lieux
              </a>
            </li>
          ) : null}
          <li>
            <a class="fr-btn fr-btn--secondary" href="/pass/releves">
              Relevés
            </a>
          </li>
          {can(actor, passPolicy.reviewQualifications, null) ? (
            <li>
              <a class="fr-btn fr-btn--tertiary" href="/pass/alertes">
                Alertes
              </a>
            </li>
          ) : null}
        </ul>
        <h2 class="fr-h4">Programmes</h2>
        {programmes.length === 0 ? <p>Aucun programme pour l’instant.</p> : null}
        <ul>
          {programmes.map((p) => (
            <li>
              <a href={`/pass/programmes/${p.id}`}>{p.name}</a> — du {formatDate(p.valid_from)} au{' '}
              {formatDate(p.valid_until)}
              {p.funder_accepted_at === null ? ' — en attente de l’accord du financeur' : ''}
            </li>
          ))}
        </ul>
      </>,
    );
  });

  async function programmeFormOptions(actor: ReturnType<typeof requireActor>) {
    const all = await organisations.list();
    const coordinatorOrgs = (actor.isPlatformAdmin ? all : coordinatingOrganisations(actor)).map((o) => ({
      value: o.id,
      label: o.name,
    }));
    return { coordinatorOrgs, funders: all.map((o) => ({ value: o.id, label: o.name })) };
  }

  app.get('/pass/programmes/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, passPolicy.mayCreateProgrammes, null);
    const options = await programmeFormOptions(actor);
    return reply.page(
      { title: 'Nouveau programme' },
      <>
        <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: 'Nouveau programme' }]} />
        <h1>Nouveau programme de chèques</h1>
        <ProgrammeForm csrf={reply.pageContext().csrfToken} {...options} values={{}} />
      </>,
    );
  });

  app.post('/pass/programmes/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, passPolicy.mayCreateProgrammes, null);
    try {
      const programme = await createProgramme(
        {
          ...deps,
          organisationExists: async (id) => (await organisations.name(id)) !== undefined,
          onProgrammeAwaitingConsent: opts.onProgrammeAwaitingConsent,
        },
        actor,
        request.body,
      );
      reply.flash(
        'success',
        programme.funder_accepted_at === null
          ? `Le programme « ${programme.name} » est créé. Il attend l’accord de son financeur, prévenu par courriel.`
          : `Le programme « ${programme.name} » est créé. Émettez maintenant les carnets.`,
      );
      return reply.redirect(`/pass/programmes/${programme.id}`, 303);
    } catch (error) {
      const e = formError(error);
      const options = await programmeFormOptions(actor);
      return reply.page(
        { title: 'Nouveau programme' },
        <>
          <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: 'Nouveau programme' }]} />
          <h1>Nouveau programme de chèques</h1>
          <ProgrammeForm
            csrf={reply.pageContext().csrfToken}
            {...options}
            values={request.body as Record<string, string>}
            error={e}
          />
        </>,
        e.status,
      );
    }
  });

  async function programmeFor(id: string, actor: ReturnType<typeof requireActor>): Promise<Programme> {
    const programme = await findProgramme(deps.db, id);
    if (!programme) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.viewProgramme, programme);
    return programme;
  }

  app.get<{ Params: { id: string } }>('/pass/programmes/:id', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(request.params.id, actor);
    const manage = can(actor, passPolicy.manageProgramme, p) && p.funder_accepted_at !== null;
    const [counts, booklets, orgs] = await Promise.all([
      programmeCounts(deps.db, p.id),
      bookletsOfProgramme(deps.db, p.id, 50, 0),
      organisations.list(),
    ]);
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: p.name },
      <>
        <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: p.name }]} />
        <h1>{p.name}</h1>
        <ul>
          <li>Financeur : {names.get(p.funder_organisation_id)}</li>
          <li>Territoire : {territoryLabel(p)}</li>
          <li>
            Chèques de {formatEuros(p.face_value_cents)}, {p.vouchers_per_booklet} par carnet, valables du{' '}
            {formatDate(p.valid_from)} au {formatDate(p.valid_until)} (tolérance {p.tolerance_days} jours ; distribution
            arrêtée {p.distribution_stop_days} jours avant la fin)
          </li>
          <li>Services payés : {p.services.map(serviceLabel).join(', ')}</li>
          {p.target_publics ? <li>Publics visés : {p.target_publics}</li> : null}
        </ul>
        {p.funder_accepted_at === null ? (
          <div class="fr-alert fr-alert--info fr-mb-3w" data-testid="accord-financeur">
            <p>{AWAITING_CONSENT}</p>
            {can(actor, passPolicy.acceptProgramme, p) ? (
              <PostForm action={`/pass/programmes/${p.id}/accepter`} csrf={csrf}>
                <button class="fr-btn fr-btn--sm" type="submit">
                  Accepter de financer ce programme
                </button>
              </PostForm>
            ) : null}
          </div>
        ) : null}
        <p data-testid="programme-counts">
          {counts.booklets} carnets émis ({counts.vouchers} chèques), {counts.assigned} attribués à des distributeurs,{' '}
          {counts.distributed} remis à des bénéficiaires, {counts.redeemed} chèques encaissés.
        </p>
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <a class="fr-btn fr-btn--secondary" href={`/pass/programmes/${p.id}/bilan`}>
              Bilan pour le financeur
            </a>
          </li>
        </ul>
        {manage ? (
          <>
            <h2 class="fr-h4">Émettre des carnets</h2>
            <PostForm action={`/pass/programmes/${p.id}/emettre`} csrf={csrf}>
              <InputField name="count" idPrefix="emission-" label="Nombre de carnets" inputMode="numeric" />
              <button class="fr-btn" type="submit">
                Émettre
              </button>
            </PostForm>
            <h2 class="fr-h4 fr-mt-4w">Attribuer des carnets à un distributeur</h2>
            <PostForm action={`/pass/programmes/${p.id}/attribuer`} csrf={csrf}>
              <SelectField
                name="organisationId"
                label="Structure qui distribue"
                placeholder="Choisir"
                options={orgs.map((o) => ({ value: o.id, label: o.name }))}
              />
              <InputField
                name="count"
                idPrefix="attribution-"
                label="Nombre de carnets à attribuer"
                inputMode="numeric"
              />
              <button class="fr-btn fr-btn--secondary" type="submit">
                Attribuer
              </button>
            </PostForm>
            {counts.booklets > 0 ? (
              <>
                <h2 class="fr-h4 fr-mt-4w">Imprimer</h2>
                <form method="get" action={`/pass/programmes/${p.id}/carnets.pdf`}>
                  <InputField name="de" label="Du carnet n°" inputMode="numeric" value="1" />
                  <InputField
                    name="a"
                    label="Au carnet n°"
                    inputMode="numeric"
                    value={String(Math.min(counts.booklets, 500))}
                  />
                  <ul class="fr-btns-group fr-btns-group--inline-md">
                    <li>
                      <button class="fr-btn fr-btn--secondary" type="submit">
                        Carnets à imprimer (PDF)
                      </button>
                    </li>
                    <li>
                      <button
                        class="fr-btn fr-btn--tertiary"
                        type="submit"
                        formaction={`/pass/programmes/${p.id}/carnets.csv`}
                      >
                        Codes pour l’imprimeur (CSV)
                      </button>
                    </li>
                  </ul>
                </form>
              </>
            ) : null}
          </>
        ) : null}
        {booklets.length > 0 ? (
          <>
            <h2 class="fr-h4 fr-mt-4w">Carnets</h2>
            <TableFrame label="Les">
              <table>
                <caption>Les {booklets.length} premiers carnets</caption>
                <thead>
                  <tr>
                    <th scope="col">N°</th>
                    <th scope="col">Distributeur</th>
                    <th scope="col">Remis le</th>
                    <th scope="col">Chèques utilisés</th>
                  </tr>
                </thead>
                <tbody>
                  {booklets.map((b) => (
                    <tr>
                      <td>{b.number}</td>
                      <td>{b.distributor_organisation_id ? names.get(b.distributor_organisation_id) : '—'}</td>
                      <td>{b.distributed_at ? formatDateTime(b.distributed_at) : '—'}</td>
                      <td>
                        {b.used} / {b.total}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
          </>
        ) : null}
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/pass/programmes/:id/accepter', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const p = await acceptProgramme(deps, actor, request.params.id);
      reply.flash('success', `Vous financez « ${p.name} » : son coordinateur peut émettre les carnets.`);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/pass/programmes/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/pass/programmes/:id/emettre', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const r = await issueBooklets(deps, actor, request.params.id, request.body);
      reply.flash('success', `Carnets n° ${r.first} à ${r.last} émis : ${r.vouchers} chèques.`);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/pass/programmes/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/pass/programmes/:id/attribuer', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const numbers = await assignBooklets(
        { ...deps, organisationExists: async (id) => (await organisations.name(id)) !== undefined },
        actor,
        request.params.id,
        request.body,
      );
      reply.flash(
        'success',
        `${numbers.length} carnet(s) attribué(s) (n° ${numbers[0]} à ${numbers[numbers.length - 1]}) à ${await orgName(field(request.body, 'organisationId'))}.`,
      );
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/pass/programmes/${request.params.id}`, 303);
  });

  async function printable(
    request: { params: { id: string }; query: unknown },
    actor: ReturnType<typeof requireActor>,
  ) {
    const p = await findProgramme(deps.db, request.params.id);
    if (!p) throw new NotFoundError('Programme introuvable.');
    authorize(actor, passPolicy.manageProgramme, p);
    const q = request.query as Record<string, string | undefined>;
    const from = Math.max(1, Number.parseInt(q.de ?? '1', 10) || 1);
    const to = Math.min(from + 999, Number.parseInt(q.a ?? String(from + 99), 10) || from);
    const booklets = await bookletsInRange(deps.db, p.id, from, to);
    const vouchers = await vouchersOfBooklets(
      deps.db,
      booklets.map((b) => b.id),
    );
    const byBooklet = new Map<string, Array<{ code: string; position: number }>>();
    for (const v of vouchers)
      byBooklet.set(v.booklet_id, [...(byBooklet.get(v.booklet_id) ?? []), { code: v.code, position: v.position }]);
    const printableBooklets = booklets.map((b) => ({
      number: `C-${String(b.number).padStart(6, '0')}`,
      vouchers: byBooklet.get(b.id) ?? [],
    }));
    return {
      p,
      from,
      to,
      booklets: printableBooklets,
      programme: {
        name: p.name,
        funderName: await orgName(p.funder_organisation_id),
        faceValueCents: p.face_value_cents,
        validFrom: p.valid_from,
        validUntil: p.valid_until,
        services: p.services.map(serviceLabel),
        operatorName: deps.operatorName,
        redeemUrl: `${deps.publicUrl}/pass/encaisser`,
        findPlacesUrl: `${deps.publicUrl}/lieux?pass_numerique=oui`,
      },
    };
  }

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/carnets.pdf', async (request, reply) => {
    const actor = requireActor(request);
    const { programme, booklets, from, to } = await printable(request, actor);
    reply.type('application/pdf').header('content-disposition', `attachment; filename="carnets-${from}-${to}.pdf"`);
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    writeBookletsPdf(stream, programme, booklets).catch((error) => stream.destroy(error as Error));
    return reply.send(stream);
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/carnets.csv', async (request, reply) => {
    const actor = requireActor(request);
    const { programme, booklets, from, to } = await printable(request, actor);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="codes-${from}-${to}.csv"`)
      .send(bookletsCsv(programme, booklets));
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/bilan', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(request.params.id, actor);
    const r = await funderReport(deps.db, p, deps.clock());
    const rate = r.useRate === null ? '—' : `${Math.round(r.useRate * 100)} %`;
    return reply.page(
      { title: `Bilan — ${p.name}` },
      <>
        <Breadcrumb
          items={[
            { label: 'Pass numérique', href: '/pass' },
            { label: p.name, href: `/pass/programmes/${p.id}` },
            { label: 'Bilan' },
          ]}
        />
        <h1>Bilan : {p.name}</h1>
        <TableFrame label="Carnets et chèques">
          <table data-testid="bilan">
            <caption>Carnets et chèques</caption>
            <tbody>
              <tr>
                <th scope="row">Carnets émis</th>
                <td>{r.booklets.issued}</td>
              </tr>
              <tr>
                <th scope="row">Carnets remis à des bénéficiaires</th>
                <td>{r.booklets.distributed}</td>
              </tr>
              <tr>
                <th scope="row">Carnets commencés</th>
                <td>{r.booklets.started}</td>
              </tr>
              <tr>
                <th scope="row">Carnets entièrement utilisés</th>
                <td>{r.booklets.fullyUsed}</td>
              </tr>
              <tr>
                <th scope="row">Chèques utilisés</th>
                <td>
                  {r.vouchers.used} sur {r.vouchers.distributed} remis
                </td>
              </tr>
              <tr>
                <th scope="row">Taux d’utilisation</th>
                <td>{rate}</td>
              </tr>
              <tr>
                <th scope="row">Valeur utilisée</th>
                <td>{formatEuros(r.value.usedCents)}</td>
              </tr>
              <tr>
                <th scope="row">Valeur remise non utilisée</th>
                <td>{formatEuros(r.value.unusedDistributedCents)}</td>
              </tr>
              <tr>
                <th scope="row">Valeur non distribuée</th>
                <td>{formatEuros(r.value.notDistributedCents)}</td>
              </tr>
              <tr>
                <th scope="row">Remboursable au financeur</th>
                <td>{r.value.expired ? formatEuros(r.value.refundableCents) : 'après la fin de validité'}</td>
              </tr>
            </tbody>
          </table>
        </TableFrame>
        <p>
          <a href={`/pass/programmes/${p.id}/bilan.csv`}>Télécharger le bilan (CSV)</a>
        </p>
        <BarChart
          title="Chèques par service"
          unit="chèques"
          rows={r.byService.map((x) => ({ label: serviceLabel(x.label), count: x.count }))}
        />
        <BarChart title="Chèques par lieu" unit="chèques" rows={r.byPlace} />
        <BarChart title="Chèques par commune" unit="chèques" rows={r.byCommune} />
        <BarChart title="Chèques par mois" unit="chèques" rows={r.byMonth} />
      </>,
    );
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/bilan.csv', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(request.params.id, actor);
    const r = await funderReport(deps.db, p, deps.clock());
    const lines = [
      'indicateur;detail;valeur',
      `carnets;emis;${r.booklets.issued}`,
      `carnets;remis;${r.booklets.distributed}`,
      `carnets;commences;${r.booklets.started}`,
      `carnets;entierement_utilises;${r.booklets.fullyUsed}`,
      `cheques;utilises;${r.vouchers.used}`,
      `cheques;remis;${r.vouchers.distributed}`,
      `valeur_centimes;utilisee;${r.value.usedCents}`,
      `valeur_centimes;remise_non_utilisee;${r.value.unusedDistributedCents}`,
      `valeur_centimes;non_distribuee;${r.value.notDistributedCents}`,
      `valeur_centimes;remboursable;${r.value.refundableCents}`,
      ...r.byService.map((x) => `par_service;${x.label};${x.count}`),
      ...r.byPlace.map((x) => `par_lieu;${x.label.replace(/;/g, ',')};${x.count}`),
      ...r.byCommune.map((x) => `par_commune;${x.label};${x.count}`),
      ...r.byMonth.map((x) => `par_mois;${x.label};${x.count}`),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="bilan.csv"')
      .send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  app.get('/pass/alertes', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, passPolicy.reviewQualifications, null);
    const programmes = (await listProgrammes(deps.db, managedProgrammeScope(actor))).filter((p) =>
      passPolicy.manageProgramme(actor, p),
    );
    const alerts = await suspiciousPatterns(
      deps.db,
      programmes.map((p) => p.id),
      deps.clock(),
    );
    return reply.page(
      { title: 'Alertes Pass numérique' },
      <>
        <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: 'Alertes' }]} />
        <h1>Encaissements inhabituels</h1>
        <p>
          Plusieurs chèques d’un même carnet encaissés en quelques minutes, ou un lieu qui encaisse bien plus que
          d’habitude : à vérifier avec la structure.
        </p>
        {alerts.length === 0 ? <p>Aucune alerte.</p> : null}
        <ul data-testid="alertes">
          {alerts.map((a) => (
            <li>
              {formatDateTime(a.at)} — {a.message}
            </li>
          ))}
        </ul>
      </>,
    );
  });
}
