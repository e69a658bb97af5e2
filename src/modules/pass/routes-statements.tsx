/** Statements per place, month and funder: what is due, CSV, paid with a payment reference. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { can } from '../../platform/auth/policy.ts';
import { errorSentence, formError } from '../../platform/http/forms.ts';
import { formatDate, formatEuros, formatMonth, parisMonth } from '../../platform/print/index.ts';
import { Breadcrumb, InputField, PostForm, SelectField } from '../../platform/views/components.tsx';
import { placeSummaries } from '../lieux/index.ts';
import { statementsCsv } from './csv-files.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy, statementScope } from './policies.ts';
import { assertMonthClosed, markStatementPaid, monthLabel } from './statements.ts';
import { listVisibleStatements, visibleProvisionalTotals } from './statements-visibility.ts';

const euros = (cents: number) => formatEuros(cents, { alwaysCents: true });

export function statementRoutes(app: FastifyInstance, opts: { deps: PassDeps; organisations: OrganisationDirectory }) {
  const { deps, organisations } = opts;

  app.workspace.add({
    title: 'Relevés Pass numérique',
    description: 'Chèques encaissés par lieu et par mois, montants dus, paiements.',
    href: '/pass/releves',
    visible: (actor) => passPolicy.seesStatementsWorkspace(actor, null),
  });

  app.get('/pass/releves', async (request, reply) => {
    const actor = requireActor(request);
    const q = request.query as Record<string, string | undefined>;
    const month = q.mois && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.mois) ? `${q.mois}-01` : undefined;
    const now = deps.clock();
    let notice: string | undefined;
    if (month) {
      try {
        assertMonthClosed(month, now);
      } catch (error) {
        notice = formError(error).userMessage;
      }
    }
    const scope = statementScope(actor);
    const statements = notice ? [] : await listVisibleStatements(deps.db, scope, month);
    const provisional = await visibleProvisionalTotals(deps.db, now, scope);
    const places = await placeSummaries(deps.db, [
      ...statements.map((x) => x.place_id),
      ...provisional.map((x) => x.place_id),
    ]);
    const orgs = new Map((await organisations.list()).map((o) => [o.id, o.name]));
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: 'Relevés Pass numérique' },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Relevés' }]} />
        <h1>Relevés Pass numérique</h1>
        <form method="get" action="/pass/releves" class="fr-mb-3w">
          <SelectField
            name="mois"
            label="Mois"
            placeholder="Tous les mois"
            options={recentMonths(now)}
            value={month ? month.slice(0, 7) : ''}
          />
          <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">
            Afficher
          </button>
        </form>
        {notice ? (
          <div class="fr-alert fr-alert--info fr-mb-3w" role="status">
            <p>{notice}</p>
          </div>
        ) : null}
        {provisional.length > 0 && !month ? (
          <>
            <h2 class="fr-h4">Pas encore établi (provisoire)</h2>
            <ul data-testid="provisoire">
              {provisional.map((p) => (
                <li>
                  {monthLabel(p.month)} — {places.get(p.place_id)?.nom ?? p.place_id} — financeur{' '}
                  {orgs.get(p.funder_organisation_id)} : {p.vouchers} chèque(s), {euros(p.amount_cents)} à ce jour
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2 class="fr-h4">Relevés établis</h2>
        {statements.length === 0 ? <p>Aucun relevé {month ? `pour ${monthLabel(month)}` : 'pour l’instant'}.</p> : null}
        {statements.length > 0 ? (
          <p>
            <a href={`/pass/releves.csv${month ? `?mois=${month.slice(0, 7)}` : ''}`}>Télécharger (CSV)</a>
          </p>
        ) : null}
        <ul class="pa-list-plain" data-testid="releves">
          {statements.map((st) => (
            <li class="fr-mb-3w">
              <p class="fr-mb-1w">
                <strong>{monthLabel(st.month)}</strong> — {places.get(st.place_id)?.nom ?? st.place_id} — financeur{' '}
                {orgs.get(st.funder_organisation_id)} : {st.vouchers} chèque(s),{' '}
                <strong>{euros(st.amount_cents)} dus</strong>
                {st.paid_at ? ` — payé le ${formatDate(st.paid_at)} (référence ${st.payment_reference})` : ' — à payer'}
              </p>
              {!st.paid_at && can(actor, passPolicy.payStatement, st) ? (
                <PostForm action={`/pass/releves/${st.id}/payer`} csrf={csrf}>
                  <InputField
                    name="reference"
                    idPrefix={`${st.id}-`}
                    label={`Référence du paiement (${places.get(st.place_id)?.nom ?? ''}, ${monthLabel(st.month)})`}
                    maxLength={100}
                  />
                  <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
                    Marquer payé
                  </button>
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
      </>,
    );
  });

  app.get('/pass/releves.csv', async (request, reply) => {
    const actor = requireActor(request);
    const q = request.query as Record<string, string | undefined>;
    const month = q.mois && /^\d{4}-(0[1-9]|1[0-2])$/.test(q.mois) ? `${q.mois}-01` : undefined;
    if (month) assertMonthClosed(month, deps.clock());
    const statements = await listVisibleStatements(deps.db, statementScope(actor), month);
    const places = await placeSummaries(
      deps.db,
      statements.map((s) => s.place_id),
    );
    const orgs = new Map((await organisations.list()).map((o) => [o.id, o.name]));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="releves-pass-numerique.csv"')
      .send(
        statementsCsv(statements, {
          place: (id) => places.get(id)?.nom ?? '',
          organisation: (id) => orgs.get(id) ?? '',
        }),
      );
  });

  app.post<{ Params: { id: string } }>('/pass/releves/:id/payer', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await markStatementPaid(deps, actor, request.params.id, request.body);
      reply.flash('success', 'Relevé marqué payé.');
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect('/pass/releves', 303);
  });
}

/** The month list of the statements page (issue 13: chosen, not typed « AAAA-MM »): this month and the 24 before. */
function recentMonths(now: Date): Array<{ value: string; label: string }> {
  const current = parisMonth(now);
  const months: Array<{ value: string; label: string }> = [];
  let [y, m] = current.split('-').map(Number) as [number, number];
  for (let i = 0; i <= 24; i++) {
    const iso = `${y}-${String(m).padStart(2, '0')}-01`;
    months.push({ value: iso.slice(0, 7), label: i === 0 ? `${formatMonth(iso)} (en cours)` : formatMonth(iso) });
    if (--m === 0) {
      m = 12;
      y--;
    }
  }
  return months;
}
