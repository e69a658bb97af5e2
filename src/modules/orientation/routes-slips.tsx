/**
 * Slips: the result page, the printable A4 slip, the summary a code opens (public; more for
 * professionals), and the professionals' actions (choose the place and write a note; honour).
 * Pages reached by a code are rate-limited per client and never indexed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { can } from '../../platform/auth/policy.ts';
import { AppError, ValidationError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { qrSvg } from '../../platform/print/index.ts';
import { hoursText, type PlaceHours, stateThisMinute } from './hours-text.ts';
import type { Lang } from './i18n.ts';
import { orientationPolicy } from './policies.ts';
import type { SlipRow } from './repository.ts';
import { languageOf, pageOptions, viewContext } from './routes-diagnostic.tsx';
import { displaySlipCode } from './slip-code.ts';
import {
  honourSlip,
  itemsToBring,
  loadSlip,
  orientSlip,
  parseSlipCode,
  placesForSlip,
  prefillOf,
  professionalView,
  publicSummary,
  SlipCodeError,
  type SlipDeps,
  sessionFormUrl,
} from './slips.ts';
import { PrintableSlip, ResultPage, type ResultPageProps, SlipLookupPage, SummaryPage } from './views/result-pages.tsx';

export interface SlipRouteOptions {
  deps: SlipDeps;
  publicUrl: string;
  secureCookies: boolean;
  /** Pages opened by a slip code, per client address and minute (guessing codes gains little). */
  codePagesPerMinute: number;
}

/** A slip's QR code never changes: drawn once per slip and language, the last 2,000 kept. */
const qrCache = new Map<string, string>();
function slipQr(url: string, label: string): string {
  const key = `${url}|${label}`;
  let svg = qrCache.get(key);
  if (svg === undefined) {
    svg = qrSvg(url, label);
    if (qrCache.size >= 2000) qrCache.delete(qrCache.keys().next().value as string);
    qrCache.set(key, svg);
  }
  return svg;
}

export function orientationSlipRoutes(app: FastifyInstance, opts: SlipRouteOptions) {
  const { deps, secureCookies } = opts;
  const codeLimit = { rateLimit: { max: opts.codePagesPerMinute, timeWindow: '1 minute' } };

  async function resultProps(
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    slip: SlipRow,
    orientError?: string,
  ): Promise<ResultPageProps> {
    const ctx = viewContext(reply, lang);
    const { ranked, far, destination } = await placesForSlip(deps, slip);
    const now = deps.clock();
    const hours = new Map<string, PlaceHours>();
    for (const place of [...ranked.map((r) => r.place), ...(destination ? [destination] : [])]) {
      hours.set(place.id, hoursText(ctx.t, lang, stateThisMinute(place.horaires, now)));
    }
    const display = displaySlipCode(slip.code);
    const slipUrl = `${opts.publicUrl}/orientation/fiche/${display}`;
    const actor = request.actor;
    const pro =
      actor && can(actor, orientationPolicy.lookUpSlips, null)
        ? await professionalView(deps, actor, slip.code)
        : undefined;
    return {
      ctx,
      slip,
      places: ranked,
      far,
      destination,
      hours,
      itemsToBring: itemsToBring(slip.procedure),
      slipUrl,
      qr: slipQr(slipUrl, ctx.t('fiche.qr', { code: display })),
      orient: pro?.canOrient ? { note: pro.note?.note ?? '', error: orientError } : undefined,
    };
  }

  /** A code from the URL, or a 400 page saying what is wrong with it. */
  function codeParam(raw: string): string {
    let text = raw;
    try {
      text = decodeURIComponent(raw);
    } catch {
      // Already decoded by the router and holding a lone « % »: read as it is (a 400 below).
    }
    return parseSlipCode(text);
  }

  app.get<{ Params: { code: string } }>(
    '/orientation/resultat/:code',
    { config: codeLimit },
    async (request, reply) => {
      const lang = languageOf(request, reply, secureCookies);
      const slip = await loadSlip(deps.db, codeParam(request.params.code));
      const props = await resultProps(request, reply, lang, slip);
      return reply.page(pageOptions(lang, props.ctx.t('resultat.titre'), { noindex: true }), <ResultPage {...props} />);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/orientation/fiche/:code/imprimer',
    { config: codeLimit },
    async (request, reply) => {
      const lang = languageOf(request, reply, secureCookies);
      const slip = await loadSlip(deps.db, codeParam(request.params.code));
      const props = await resultProps(request, reply, lang, slip);
      return reply.page(
        pageOptions(lang, `${props.ctx.t('fiche.titre')} ${displaySlipCode(slip.code)}`, { noindex: true }),
        <PrintableSlip {...props} />,
      );
    },
  );

  app.get('/orientation/fiche', { config: codeLimit }, async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const ctx = viewContext(reply, lang);
    const typed = (request.query as Record<string, unknown>).code;
    if (typeof typed === 'string' && typed.trim() !== '') {
      try {
        return reply.redirect(`/orientation/fiche/${displaySlipCode(parseSlipCode(typed))}`, 303);
      } catch (error) {
        if (!(error instanceof SlipCodeError)) throw error;
        return reply.page(
          pageOptions(lang, ctx.t('resume.chercher'), { noindex: true }),
          <SlipLookupPage ctx={ctx} error={error.userMessage} typed={typed.slice(0, 40)} />,
          400,
        );
      }
    }
    return reply.page(pageOptions(lang, ctx.t('resume.chercher'), { noindex: true }), <SlipLookupPage ctx={ctx} />);
  });

  app.get<{ Params: { code: string } }>('/orientation/fiche/:code', { config: codeLimit }, async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const ctx = viewContext(reply, lang);
    const code = codeParam(request.params.code);
    const summary = await publicSummary(deps, code);
    const actor = request.actor;
    let pro: Parameters<typeof SummaryPage>[0]['pro'];
    if (actor && can(actor, orientationPolicy.lookUpSlips, null)) {
      const view = await professionalView(deps, actor, code);
      // The support-session form belongs to another module: link to it only where it exists.
      const formExists = app.hasRoute({ method: 'GET', url: '/accompagnements/nouveau' });
      pro = {
        ...view,
        sessionFormUrl: formExists ? sessionFormUrl(prefillOf(await loadSlip(deps.db, code))) : undefined,
      };
    }
    return reply.page(
      pageOptions(lang, ctx.t('resume.titre', { code: displaySlipCode(code) }), { noindex: true }),
      <SummaryPage ctx={ctx} summary={summary} pro={pro} />,
    );
  });

  app.post<{ Params: { code: string } }>('/orientation/fiche/:code/orienter', async (request, reply) => {
    const actor = requireActor(request);
    const code = codeParam(request.params.code);
    const body = request.body;
    const place = field(body, 'lieu');
    try {
      await orientSlip(deps, actor, code, {
        placeId: place === '' ? null : place.slice(0, 200),
        note: field(body, 'note'),
      });
    } catch (error) {
      const shown = formError(error);
      const lang = languageOf(request, reply, secureCookies);
      const slip = await loadSlip(deps.db, code);
      const props = await resultProps(request, reply, lang, slip, errorSentence(shown));
      if (props.orient) props.orient.note = field(body, 'note').slice(0, 1000);
      return reply.page(
        pageOptions(lang, props.ctx.t('resultat.titre'), { noindex: true }),
        <ResultPage {...props} />,
        shown.status,
      );
    }
    reply.flash(
      'success',
      place ? 'Le lieu et la note sont enregistrés : la fiche nomme ce lieu.' : 'C’est enregistré.',
    );
    return reply.redirect(`/orientation/resultat/${displaySlipCode(code)}#orienter`, 303);
  });

  app.post<{ Params: { code: string } }>('/orientation/fiche/:code/honorer', async (request, reply) => {
    const actor = requireActor(request);
    const code = codeParam(request.params.code);
    const organisationId = field(request.body, 'organisation');
    if (!/^[0-9a-f-]{36}$/i.test(organisationId)) {
      throw new ValidationError({ organisation: 'Choisissez la structure qui reçoit la personne.' });
    }
    try {
      const outcome = await honourSlip(deps, actor, code, { organisationId });
      reply.flash(
        outcome.alreadyHonoured ? 'info' : 'success',
        outcome.alreadyHonoured
          ? 'Cette fiche était déjà honorée : rien n’a changé.'
          : 'La fiche est marquée « honorée ». Merci !',
      );
    } catch (error) {
      if (error instanceof AppError && error.status < 500 && error.status !== 403 && error.status !== 401) {
        reply.flash('error', error.userMessage);
      } else {
        throw error;
      }
    }
    return reply.redirect(`/orientation/fiche/${displaySlipCode(code)}`, 303);
  });
}
