/** Structures ask to accept vouchers at their places; coordinators decide. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { AppError } from '../../platform/http/errors.ts';
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
import { placesOfOrganisation, SERVICE_LABELS, serviceLabel } from '../lieux/index.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy, qualificationScope } from './policies.ts';
import {
  decideQualification,
  listQualifications,
  type Qualification,
  requestQualification,
  statusLabels,
} from './qualifications.ts';

const badge: Record<string, string> = {
  requested: 'fr-badge--info',
  qualified: 'fr-badge--success',
  refused: 'fr-badge--error',
  suspended: 'fr-badge--warning',
};

function RequestForm(props: {
  organisationId: string;
  places: Array<{ value: string; label: string }>;
  csrf: string;
  values: Record<string, string | string[]>;
  error?: AppError | undefined;
}) {
  const fe = props.error?.fieldErrors ?? {};
  const v = (k: string) => (props.values[k] as string | undefined) ?? '';
  const services = Array.isArray(props.values.services)
    ? props.values.services
    : props.values.services
      ? [props.values.services as string]
      : [];
  return (
    <>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action={`/pass/habilitation/${props.organisationId}`} csrf={props.csrf}>
        <SelectField
          name="placeId"
          label="Lieu"
          placeholder="Choisir"
          options={props.places}
          value={v('placeId')}
          error={fe.placeId}
        />
        <InputField
          name="siret"
          label="SIRET de la structure"
          inputMode="numeric"
          value={v('siret')}
          error={fe.siret}
        />
        <ChoiceGroup
          kind="checkbox"
          name="services"
          legend="Accompagnements proposés aux bénéficiaires du Pass"
          options={Object.entries(SERVICE_LABELS).map(([value, label]) => ({ value, label }))}
          selected={services}
          error={fe.services}
        />
        <ChoiceGroup
          kind="checkbox"
          name="freeForBeneficiary"
          legend="Engagements"
          options={[{ value: 'on', label: 'Le bénéficiaire ne paie rien : le chèque couvre tout l’accompagnement.' }]}
          selected={props.values.freeForBeneficiary === 'on' ? ['on'] : []}
          error={fe.freeForBeneficiary}
        />
        <ChoiceGroup
          kind="checkbox"
          name="charter"
          legend="Charte"
          options={[
            {
              value: 'on',
              label: 'J’accepte la charte du Pass numérique (accueil, confidentialité, traçabilité des encaissements).',
            },
          ]}
          selected={props.values.charter === 'on' ? ['on'] : []}
          error={fe.charter}
        />
        <button class="fr-btn" type="submit">
          Demander l’habilitation
        </button>
      </PostForm>
    </>
  );
}

function QualificationList({ rows }: { rows: Qualification[] }) {
  return (
    <ul>
      {rows.map((q) => (
        <li>
          {q.place_name} ({q.place_commune}) —{' '}
          <span class={`fr-badge fr-badge--sm ${badge[q.status]}`}>{statusLabels[q.status]}</span>
          {q.decision_reason ? ` — ${q.decision_reason}` : ''}
        </li>
      ))}
    </ul>
  );
}

export function qualificationRoutes(app: FastifyInstance, opts: { deps: PassDeps }) {
  const { deps } = opts;

  app.workspace.add({
    title: 'Accepter le Pass numérique',
    description: 'Demander l’habilitation de vos lieux à accepter les chèques, suivre la décision.',
    href: '/pass/habilitation',
    visible: (actor) => passPolicy.seesQualificationWorkspace(actor, null),
  });

  async function managerView(
    actor: ReturnType<typeof requireActor>,
    csrf: string,
    form?: { organisationId: string; values: Record<string, string | string[]>; error: AppError },
  ) {
    const orgs = actor.memberships.filter((m) => passPolicy.requestQualification(actor, { id: m.organisationId }));
    const sections = await Promise.all(
      orgs.map(async (m) => ({
        org: m,
        qualifications: await listQualifications(deps.db, { organisationId: m.organisationId }),
        places: (await placesOfOrganisation(deps.db, m.organisationId))
          .filter((p) => p.status === 'open')
          .map((p) => ({ value: p.id, label: `${p.nom} (${p.commune})` })),
      })),
    );
    return (
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Habilitation Pass numérique' }]} />
        <h1>Accepter le Pass numérique</h1>
        <p>
          Un lieu habilité accepte les chèques des bénéficiaires ; la structure est payée chaque mois d’après les
          relevés. Les <a href="/pass/encaissements">chèques encaissés</a> et les <a href="/pass/releves">relevés</a>{' '}
          sont dans votre espace.
        </p>
        {sections.map((s) => (
          <>
            <h2 class="fr-h4">{s.org.organisationName}</h2>
            {s.qualifications.length > 0 ? (
              <QualificationList rows={s.qualifications} />
            ) : (
              <p>Aucune demande pour l’instant.</p>
            )}
            {s.places.length === 0 ? (
              <p>Aucun lieu n’est rattaché à cette structure : demandez à votre coordinateur de rattacher vos lieux.</p>
            ) : (
              <RequestForm
                organisationId={s.org.organisationId}
                places={s.places}
                csrf={csrf}
                values={form?.organisationId === s.org.organisationId ? form.values : {}}
                error={form?.organisationId === s.org.organisationId ? form.error : undefined}
              />
            )}
          </>
        ))}
      </>
    );
  }

  app.get('/pass/habilitation', async (request, reply) => {
    const actor = requireActor(request);
    return reply.page(
      { title: 'Habilitation Pass numérique' },
      await managerView(actor, reply.pageContext().csrfToken),
    );
  });

  app.post<{ Params: { org: string } }>('/pass/habilitation/:org', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await requestQualification(deps, actor, request.params.org, request.body);
      reply.flash('success', 'Demande envoyée : un coordinateur va l’examiner.');
      return reply.redirect('/pass/habilitation', 303);
    } catch (error) {
      const e = formError(error);
      const body = await managerView(actor, reply.pageContext().csrfToken, {
        organisationId: request.params.org,
        values: request.body as Record<string, string>,
        error: e,
      });
      return reply.page({ title: 'Habilitation Pass numérique' }, body, e.status);
    }
  });

  app.get('/pass/habilitations', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, passPolicy.reviewQualifications, null);
    const rows = await listQualifications(deps.db, { scope: qualificationScope(actor) });
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: 'Habilitation des lieux' },
      <>
        <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: 'Habilitation des lieux' }]} />
        <h1>Habilitation des lieux</h1>
        {rows.length === 0 ? <p>Aucune demande.</p> : null}
        <ul class="pa-list-plain">
          {rows.map((q) => (
            <li class="fr-mb-4w">
              <h2 class="fr-h5 fr-mb-1w">
                {q.place_name} ({q.place_commune}){' '}
                <span class={`fr-badge fr-badge--sm ${badge[q.status]}`}>{statusLabels[q.status]}</span>
              </h2>
              <p class="fr-mb-1w">
                SIRET {q.siret} — demandé le {formatDateTime(q.requested_at)} — services :{' '}
                {q.services.map(serviceLabel).join(', ')}
                {q.decision_reason ? ` — raison : ${q.decision_reason}` : ''}
              </p>
              {!can(actor, passPolicy.decideQualification, q) ? (
                <p class="fr-text--sm">Ce lieu est celui de votre structure : un autre coordinateur en décide.</p>
              ) : q.status === 'qualified' || q.status === 'requested' || q.status === 'suspended' ? (
                <PostForm action={`/pass/habilitations/${q.id}`} csrf={csrf}>
                  <InputField
                    name="reason"
                    idPrefix={`${q.id}-`}
                    label={`Raison (pour refuser ou suspendre « ${q.place_name} »)`}
                    required={false}
                    maxLength={500}
                  />
                  <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                    {q.status === 'requested' ? (
                      <>
                        <li>
                          <button class="fr-btn" type="submit" name="decision" value="qualify">
                            Habiliter
                          </button>
                        </li>
                        <li>
                          <button class="fr-btn fr-btn--secondary" type="submit" name="decision" value="refuse">
                            Refuser
                          </button>
                        </li>
                      </>
                    ) : null}
                    {q.status === 'qualified' ? (
                      <li>
                        <button class="fr-btn fr-btn--secondary" type="submit" name="decision" value="suspend">
                          Suspendre
                        </button>
                      </li>
                    ) : null}
                    {q.status === 'suspended' ? (
                      <li>
                        <button class="fr-btn" type="submit" name="decision" value="reinstate">
                          Rétablir
                        </button>
                      </li>
                    ) : null}
                  </ul>
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/pass/habilitations/:id', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const q = await decideQualification(deps, actor, request.params.id, request.body);
      reply.flash('success', `Décision enregistrée : ${statusLabels[q.status].toLowerCase()}.`);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect('/pass/habilitations', 303);
  });
}
