/**
 * The helper's screens: their sessions, the form to record one (pre-filled from the last
 * session, or from an orientation slip), changing and deleting within 7 days.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { errorSentence, formError } from '../../platform/http/forms.ts';
import { formatDate, isIsoDate } from '../../platform/print/index.ts';
import { Breadcrumb, InputField, PostForm, TableFrame } from '../../platform/views/components.tsx';
import { ADMINISTRATIVE_THEME, PROCEDURES, THEMES } from './data.ts';
import { supportPolicy } from './policies.ts';
import {
  changeableSession,
  deleteSession,
  recordSession,
  type SupportContext,
  updateSession,
} from './record-session.ts';
import { participantsOf } from './sessions-repository.ts';
import { type FormOptions, listOwnSessions, type SessionList, sessionFormOptions } from './view-sessions.ts';
import { type FormValues, initialValues, list, SessionFormPage, str, valuesOf } from './views/session-form.tsx';

export interface SessionRouteOptions {
  ctx: SupportContext;
  /** The person part of the form, when the person model is wired (people module). */
  personPicker?: (
    actor: Actor,
    organisationId: string,
    values: FormValues,
    errors: Record<string, string>,
    query: string,
  ) => Promise<ComponentChildren>;
}

const PAGE = { title: 'Accompagnements', stylesheets: ['support/support.css'] };

function bodyValues(body: unknown): FormValues {
  const out: FormValues = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v.slice(0, 2000);
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string').slice(0, 600);
  }
  return out;
}

/** What an address may pre-fill (from an orientation slip, a voucher, a link). */
function prefillOf(query: Record<string, unknown>): FormValues {
  const one = (k: string) => {
    const v = query[k];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' ? s.slice(0, 200) : '';
  };
  const many = (k: string) => {
    const v = query[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
  };
  const out: FormValues = {};
  const themes = many('thematiques').filter((t) => THEMES.some((x) => x.key === t));
  const procedure = one('demarche');
  if (PROCEDURES.some((p) => p.key === procedure)) {
    out.demarches = [procedure];
    if (!themes.includes(ADMINISTRATIVE_THEME)) themes.push(ADMINISTRATIVE_THEME);
  }
  if (themes.length > 0) out.thematiques = themes;
  const fiche = one('fiche');
  if (/^[0-9A-Za-z-]{8,12}$/.test(fiche)) out.fiche = fiche.toUpperCase();
  const cheque = one('cheque');
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cheque)) out.cheque = cheque;
  if (one('type') === 'atelier') out.type = 'atelier';
  const date = one('date');
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) out.date = date;
  const lieu = one('lieu');
  if (lieu) {
    out.lieu = lieu;
    out.lieu_type = 'lieu';
  }
  const personne = one('personne');
  if (/^[0-9a-f-]{36}$/i.test(personne)) out.personne = [personne];
  return out;
}

function SessionsPage({ list, csrf }: { list: SessionList; csrf: string }) {
  return (
    <>
      <Breadcrumb items={[{ label: 'Espace', href: '/espace' }, { label: 'Accompagnements' }]} />
      <h1>Mes accompagnements</h1>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/accompagnements/nouveau">
            Enregistrer un accompagnement
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/accompagnements/statistiques">
            Mes statistiques
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--secondary" href="/accompagnements/personnes">
            Personnes suivies
          </a>
        </li>
      </ul>
      {list.total === 0 ? (
        <p>Vous n’avez encore enregistré aucune séance.</p>
      ) : (
        <>
          <p>
            {list.total} séance{list.total > 1 ? 's' : ''} enregistrée{list.total > 1 ? 's' : ''}. Vous pouvez modifier
            ou supprimer une séance pendant 7 jours.
          </p>
          {/* support.css shows each row as a block of labelled lines on a phone (data-label). */}
          <div class="pa-sessions">
            <TableFrame label="Mes séances">
              <table>
                <caption>Mes séances</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Séance</th>
                    <th scope="col">Durée</th>
                    <th scope="col">Où</th>
                    <th scope="col">Autonomie</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((s) => (
                    <tr>
                      <td data-label="Date">{formatDate(s.date)}</td>
                      <td data-label="Séance">
                        {s.kind === 'atelier' ? `Atelier (${s.participants} anonymes) : ` : ''}
                        {s.summary}
                        {s.mandate ? (
                          <>
                            <br />
                            <span class="fr-text--sm">Mandat utilisé : {s.mandate}</span>
                          </>
                        ) : null}
                      </td>
                      <td data-label="Durée">{s.durationMinutes} min</td>
                      <td data-label="Où">{s.where}</td>
                      <td data-label="Autonomie">{s.autonomy || '—'}</td>
                      <td data-label="Actions">
                        {s.changeableUntil ? (
                          <>
                            <a href={`/accompagnements/${s.id}/modifier`}>Modifier</a>
                            <PostForm action={`/accompagnements/${s.id}/supprimer`} csrf={csrf}>
                              <button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary">
                                Supprimer
                              </button>
                            </PostForm>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
          </div>
          {list.pages > 1 ? (
            <p>
              Page {list.page} sur {list.pages}.{' '}
              {list.page > 1 ? <a href={`/accompagnements?page=${list.page - 1}`}>Page précédente</a> : null}{' '}
              {list.page < list.pages ? <a href={`/accompagnements?page=${list.page + 1}`}>Page suivante</a> : null}
            </p>
          ) : null}
        </>
      )}
    </>
  );
}

export function supportSessionRoutes(app: FastifyInstance, opts: SessionRouteOptions) {
  const { ctx } = opts;

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    input: {
      actor: Actor;
      options: FormOptions;
      values: FormValues;
      errors?: Record<string, string>;
      message?: string;
      action: string;
      editing: boolean;
      status?: number;
    },
  ) {
    const raw = (request.query as Record<string, unknown>).recherche;
    const query = typeof raw === 'string' ? raw.trim().slice(0, 100) : '';
    const errors = input.errors ?? {};
    const fiche = typeof input.values.fiche === 'string' ? input.values.fiche : '';
    const mandates = ctx.usableMandates
      ? await ctx.usableMandates(ctx.db, {
          organisationId: input.options.organisationId,
          personId: list(input.values, 'personne')[0] ?? null,
          on: isIsoDate(str(input.values, 'date')) ? str(input.values, 'date') : input.options.today,
        })
      : undefined;
    const picker = opts.personPicker
      ? await opts.personPicker(input.actor, input.options.organisationId, input.values, errors, query)
      : undefined;
    return reply.page(
      { ...PAGE, title: input.editing ? 'Modifier une séance' : 'Enregistrer un accompagnement' },
      <SessionFormPage
        csrf={reply.pageContext().csrfToken}
        options={input.options}
        values={input.values}
        errors={errors}
        message={input.message}
        action={input.action}
        editing={input.editing}
        slipNotice={
          fiche
            ? `Fiche d’orientation ${fiche} : ses thèmes sont cochés, et elle sera marquée « honorée » quand vous enregistrerez la séance.`
            : undefined
        }
        personPicker={picker}
        mandates={mandates}
        search={
          picker && !input.editing ? (
            <form method="get" action="/accompagnements/nouveau" class="fr-mb-3w">
              <InputField
                name="recherche"
                label="Chercher une personne suivie (nom ou code)"
                value={query}
                required={false}
                maxLength={100}
              />
              <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm">
                Chercher
              </button>
            </form>
          ) : undefined
        }
      />,
      input.status,
    );
  }

  app.get('/accompagnements', async (request, reply) => {
    const actor = requireActor(request);
    const page = Number((request.query as Record<string, unknown>).page);
    const list = await listOwnSessions(ctx, actor, { page: Number.isSafeInteger(page) ? page : 1 });
    return reply.page(PAGE, <SessionsPage list={list} csrf={reply.pageContext().csrfToken} />);
  });

  app.get('/accompagnements/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    const query = request.query as Record<string, unknown>;
    const wanted = typeof query.organisation === 'string' ? query.organisation : undefined;
    const options = await sessionFormOptions(ctx, actor, wanted);
    authorize(actor, supportPolicy.recordSession, { id: options.organisationId });
    return renderForm(request, reply, {
      actor,
      options,
      values: initialValues(options, prefillOf(query)),
      action: '/accompagnements/nouveau',
      editing: false,
    });
  });

  app.post('/accompagnements/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await recordSession(ctx, actor, request.body);
    } catch (error) {
      const shown = formError(error);
      const values = bodyValues(request.body);
      const options = await sessionFormOptions(
        ctx,
        actor,
        typeof values.organisation === 'string' ? values.organisation : undefined,
      );
      return renderForm(request, reply, {
        actor,
        options,
        values,
        errors: shown.fieldErrors,
        message: Object.keys(shown.fieldErrors).length > 0 ? undefined : errorSentence(shown),
        action: '/accompagnements/nouveau',
        editing: false,
        status: shown.status,
      });
    }
    reply.flash('success', 'Séance enregistrée. Merci !');
    return reply.redirect('/accompagnements', 303);
  });

  app.get<{ Params: { id: string } }>('/accompagnements/:id/modifier', async (request, reply) => {
    const actor = requireActor(request);
    const session = await changeableSession(ctx, ctx.db, actor, request.params.id);
    const options = await sessionFormOptions(ctx, actor, session.organisationId);
    return renderForm(request, reply, {
      actor,
      options,
      values: valuesOf(session, await participantsOf(ctx.db, session.id), options.durations),
      action: `/accompagnements/${session.id}/modifier`,
      editing: true,
    });
  });

  app.post<{ Params: { id: string } }>('/accompagnements/:id/modifier', async (request, reply) => {
    const actor = requireActor(request);
    const session = await changeableSession(ctx, ctx.db, actor, request.params.id);
    try {
      await updateSession(ctx, actor, session.id, request.body);
    } catch (error) {
      const shown = formError(error);
      const options = await sessionFormOptions(ctx, actor, session.organisationId);
      return renderForm(request, reply, {
        actor,
        options,
        values: { ...bodyValues(request.body), organisation: session.organisationId },
        errors: shown.fieldErrors,
        message: Object.keys(shown.fieldErrors).length > 0 ? undefined : errorSentence(shown),
        action: `/accompagnements/${session.id}/modifier`,
        editing: true,
        status: shown.status,
      });
    }
    reply.flash('success', 'Séance modifiée.');
    return reply.redirect('/accompagnements', 303);
  });

  app.post<{ Params: { id: string } }>('/accompagnements/:id/supprimer', async (request, reply) => {
    const actor = requireActor(request);
    await deleteSession(ctx, actor, request.params.id);
    reply.flash('success', 'Séance supprimée.');
    return reply.redirect('/accompagnements', 303);
  });
}
