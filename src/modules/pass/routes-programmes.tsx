/** Coordinators and funders: programmes, issuance, assignment, printing, reports, alerts. */
import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import type { OrganisationDirectory } from '../../platform/auth/organisation-directory.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { addDays, formatMonth, nextMonth } from '../../platform/print/index.ts';
import { Breadcrumb } from '../../platform/views/components.tsx';
import { bookletsCsv } from './booklet-csv.ts';
import { writeBookletsPdf } from './booklet-pdf.ts';
import { cancelBookletRange, previewCancellation } from './cancel-booklets.ts';
import { acceptProgramme } from './consent.ts';
import { createProgramme } from './create-programme.ts';
import { funderReportCsv } from './csv-files.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets } from './distribute-booklets.ts';
import { issueBooklets, previewIssuance } from './issue-booklets.ts';
import { coordinatesWithoutTerritory, coordinatingOrganisations, passPolicy } from './policies.ts';
import { bookletsOfProgramme, type Programme, programmeCounts } from './programmes-repository.ts';
import { funderReport } from './reports.ts';
import {
  printableBooklets,
  programmeAlerts,
  programmeFor,
  programmesAwaitingConsent,
  visibleProgrammes,
} from './view-programmes.ts';
import { CancellationConfirmation, IssuanceConfirmation } from './views/booklet-pages.tsx';
import { ProgrammeForm } from './views/programme-form.tsx';
import { AlertsPage, FunderReportPage, ProgrammePage, ProgrammesPage } from './views/programme-pages.tsx';

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
      visibleProgrammes(deps, actor),
      programmesAwaitingConsent(deps, actor),
    ]);
    return reply.page(
      { title: 'Pass numérique' },
      <ProgrammesPage
        actor={actor}
        programmes={programmes}
        pending={pending}
        withoutTerritory={coordinatesWithoutTerritory(actor)}
        csrf={reply.pageContext().csrfToken}
      />,
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

  app.get<{ Params: { id: string } }>('/pass/programmes/:id', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(deps, actor, request.params.id);
    // Issuing and assigning wait for the funder's consent.
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
      <ProgrammePage
        programme={p}
        manage={manage}
        counts={counts}
        booklets={booklets}
        names={names}
        orgs={orgs}
        canAccept={p.funder_accepted_at === null && can(actor, passPolicy.acceptProgramme, p)}
        csrf={csrf}
      />,
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

  // Two steps (ADR 0027): the first post only shows what would be created and its total face
  // value; the second, with « confirme », issues. Nothing is written by the first.
  app.post<{ Params: { id: string } }>('/pass/programmes/:id/emettre', async (request, reply) => {
    const actor = requireActor(request);
    try {
      if (field(request.body, 'confirme') !== 'oui') {
        const p = await programmeFor(deps, actor, request.params.id);
        const preview = await previewIssuance(deps, actor, p.id, request.body);
        return reply.page(
          { title: `Confirmer l’émission — ${p.name}`, noindex: true },
          <IssuanceConfirmation programme={p} preview={preview} csrf={reply.pageContext().csrfToken} />,
        );
      }
      const r = await issueBooklets(deps, actor, request.params.id, request.body);
      reply.flash('success', `Carnets n° ${r.first} à ${r.last} émis : ${r.vouchers} chèques.`);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/pass/programmes/${request.params.id}`, 303);
  });

  // Cancelling booklets not yet handed out: the same two steps as issuance (ADR 0027).
  app.post<{ Params: { id: string } }>('/pass/programmes/:id/annuler-carnets', async (request, reply) => {
    const actor = requireActor(request);
    try {
      if (field(request.body, 'confirme') !== 'oui') {
        const p = await programmeFor(deps, actor, request.params.id);
        const preview = await previewCancellation(deps, actor, p.id, request.body);
        return reply.page(
          { title: `Confirmer l’annulation — ${p.name}`, noindex: true },
          <CancellationConfirmation programme={p} preview={preview} csrf={reply.pageContext().csrfToken} />,
        );
      }
      const numbers = await cancelBookletRange(deps, actor, request.params.id, request.body);
      reply.flash(
        'success',
        `${numbers.length} carnet(s) annulé(s) (n° ${numbers[0]} à ${numbers[numbers.length - 1]}) : leurs chèques seront refusés.`,
      );
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

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/carnets.pdf', async (request, reply) => {
    const actor = requireActor(request);
    const { programme, booklets, from, to } = await printableBooklets(
      deps,
      actor,
      request.params.id,
      request.query,
      orgName,
    );
    // Voucher codes are money: never kept by a browser or a proxy cache.
    reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="carnets-${from}-${to}.pdf"`)
      .header('cache-control', 'no-store');
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    writeBookletsPdf(stream, programme, booklets).catch((error) => stream.destroy(error as Error));
    return reply.send(stream);
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/carnets.csv', async (request, reply) => {
    const actor = requireActor(request);
    const { programme, booklets, from, to } = await printableBooklets(
      deps,
      actor,
      request.params.id,
      request.query,
      orgName,
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="codes-${from}-${to}.csv"`)
      .header('cache-control', 'no-store')
      .send(bookletsCsv(programme, booklets));
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/bilan', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(deps, actor, request.params.id);
    const { period, notice } = reportPeriod(p, request.query);
    const r = await funderReport(deps.db, p, deps.clock(), period);
    return reply.page(
      { title: `Bilan — ${p.name}` },
      <FunderReportPage programme={p} report={r} months={programmeMonths(p)} notice={notice} />,
      notice ? 400 : 200,
    );
  });

  app.get<{ Params: { id: string } }>('/pass/programmes/:id/bilan.csv', async (request, reply) => {
    const actor = requireActor(request);
    const p = await programmeFor(deps, actor, request.params.id);
    const { period, notice } = reportPeriod(p, request.query);
    if (notice) throw new ValidationError({ du: notice });
    const r = await funderReport(deps.db, p, deps.clock(), period);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="bilan.csv"')
      .send(funderReportCsv(r));
  });

  app.get('/pass/alertes', async (request, reply) => {
    const actor = requireActor(request);
    const alerts = await programmeAlerts(deps, actor);
    return reply.page({ title: 'Alertes Pass numérique' }, <AlertsPage alerts={alerts} />);
  });
}

/** The months of a programme's life, for the report's period lists (at most 60). */
function programmeMonths(p: Programme): Array<{ value: string; label: string }> {
  const months: Array<{ value: string; label: string }> = [];
  const last = addDays(p.valid_until, p.tolerance_days);
  for (let m = `${p.valid_from.slice(0, 7)}-01`; m <= last && months.length < 60; m = nextMonth(m))
    months.push({ value: m.slice(0, 7), label: formatMonth(m) });
  return months;
}

/** « du » and « au » months of the funder report (YYYY-MM), both optional; a French notice when wrong. */
function reportPeriod(p: Programme, query: unknown): { period: { from: string; to: string } | null; notice?: string } {
  const q = (query ?? {}) as Record<string, unknown>;
  const months = programmeMonths(p);
  const pick = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const du = pick(q.du);
  const au = pick(q.au);
  if (!du && !au) return { period: null };
  const known = (v: string | undefined) => v === undefined || months.some((m) => m.value === v);
  if (!known(du) || !known(au))
    return { period: null, notice: 'Choisissez les mois de la période dans les listes (mois du programme).' };
  const from = `${du ?? months[0]?.value}-01`;
  const to = `${au ?? months[months.length - 1]?.value}-01`;
  if (from > to) return { period: null, notice: 'Le premier mois de la période doit précéder le dernier.' };
  return { period: { from, to } };
}
