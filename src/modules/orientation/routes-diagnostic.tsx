/**
 * The public diagnostic: start, one page per question, restart. Thin routes: the session
 * cookie and the language in, a use case, a page out. Every page works without JavaScript.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import type { PageOptions } from '../../platform/views/layout.tsx';
import { QUESTIONS } from './data.ts';
import {
  type AnswerOutcome,
  answerQuestion,
  type DiagnosticError,
  endDiagnostic,
  findDiagnostic,
  firstUnanswered,
  type OrientationDeps,
  reachable,
  startDiagnostic,
} from './diagnostic.ts';
import { direction, isLang, type Lang, translator } from './i18n.ts';
import { orientationPolicy, orientingOrganisations } from './policies.ts';
import { displaySlipCode } from './slip-code.ts';
import type { ViewContext } from './views/common.tsx';
import { QuestionPage, type QuestionPageProps, SessionGonePage, StartPage } from './views/question-pages.tsx';

export const DIAGNOSTIC_COOKIE = 'pa_diagnostic';
export const LANGUAGE_COOKIE = 'pa_langue';

export interface OrientationRouteOptions {
  deps: OrientationDeps;
  secureCookies: boolean;
}

/** The page's language: ?lang= (then kept in a cookie), else the cookie, else French. */
export function languageOf(request: FastifyRequest, reply: FastifyReply, secure: boolean): Lang {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLang(asked)) {
    if (request.cookies[LANGUAGE_COOKIE] !== asked) {
      reply.setCookie(LANGUAGE_COOKIE, asked, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: 365 * 86_400,
      });
    }
    return asked;
  }
  const kept = request.cookies[LANGUAGE_COOKIE];
  return isLang(kept) ? kept : 'fr';
}

export function viewContext(reply: FastifyReply, lang: Lang): ViewContext {
  const page = reply.pageContext();
  return {
    lang,
    t: translator(lang),
    get csrfToken() {
      return page.csrfToken;
    },
  };
}

export function pageOptions(lang: Lang, title: string, extra: Partial<PageOptions> = {}): PageOptions {
  return {
    title,
    lang,
    dir: direction(lang),
    stylesheets: ['orientation/orientation.css'],
    ...extra,
  };
}

function errorMessage(ctx: ViewContext, error: DiagnosticError): string {
  switch (error.key) {
    case 'erreur.ordre':
      return ctx.t('erreur.ordre', {
        n: QUESTIONS.indexOf(error.question) + 1,
        titre: ctx.t(`question.${error.question.id}.titre`),
      });
    case 'erreur.cocher':
    case 'erreur.contradiction': {
      const q = QUESTIONS.find((x) => x.type === 'multiple' && x.none.value === error.none);
      return ctx.t(error.key, { aucun: q ? ctx.t(`option.${q.id}.${error.none}`) : error.none });
    }
    case 'erreur.commune_inconnue':
      return ctx.t(error.key, { texte: error.text });
    default:
      return ctx.t(error.key);
  }
}

export function orientationDiagnosticRoutes(app: FastifyInstance, opts: OrientationRouteOptions) {
  const { deps, secureCookies } = opts;
  const cookieOptions = { path: '/orientation', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies };

  app.get('/orientation', async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const ctx = viewContext(reply, lang);
    const actor = request.actor;
    const organisations = actor ? orientingOrganisations(actor) : [];
    const wanted = (request.query as Record<string, unknown>).organisation;
    const chosen =
      typeof wanted === 'string'
        ? organisations.find((o) => o.id === wanted && can(actor, orientationPolicy.runWithPerson, o))
        : undefined;
    return reply.page(
      pageOptions(lang, ctx.t('page.titre')),
      <StartPage ctx={ctx} organisations={organisations} chosenOrganisation={chosen} />,
    );
  });

  app.post('/orientation/commencer', async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const organisationId =
      typeof body.organisation === 'string' && body.organisation !== '' ? body.organisation : undefined;
    // A new diagnostic always starts from nothing: the previous one (if any) is deleted.
    await endDiagnostic(deps, request.cookies[DIAGNOSTIC_COOKIE]);
    const { token } = await startDiagnostic(deps, { language: lang, actor: request.actor, organisationId });
    reply.setCookie(DIAGNOSTIC_COOKIE, token, cookieOptions);
    return reply.redirect(`/orientation/question/${(QUESTIONS[0] as (typeof QUESTIONS)[number]).id}`, 303);
  });

  app.post('/orientation/recommencer', async (request, reply) => {
    await endDiagnostic(deps, request.cookies[DIAGNOSTIC_COOKIE]);
    reply.clearCookie(DIAGNOSTIC_COOKIE, { path: '/orientation' });
    return reply.redirect('/orientation', 303);
  });

  app.get<{ Params: { id: string } }>('/orientation/question/:id', async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const question = QUESTIONS.find((q) => q.id === request.params.id);
    if (!question)
      throw new NotFoundError("Cette question n'existe pas. Recommencez le questionnaire depuis le début.");
    const session = await findDiagnostic(deps, request.cookies[DIAGNOSTIC_COOKIE]);
    if (!session) return reply.redirect('/orientation', 303);
    if (!reachable(session, question)) {
      const first = firstUnanswered(session);
      return reply.redirect(`/orientation/question/${first?.id ?? QUESTIONS[0]?.id}`, 303);
    }
    const ctx = viewContext(reply, lang);
    return reply.page(
      pageOptions(lang, ctx.t(`question.${question.id}.titre`), {
        noindex: true,
        ...(question.type === 'commune' ? { scripts: ['orientation/position.js'] } : {}),
      }),
      <QuestionPage
        ctx={ctx}
        question={question}
        diagnosticId={session.id}
        current={question.type === 'commune' ? undefined : session.answers[question.id]}
        typed={
          question.type === 'commune' && session.location?.source === 'commune' ? session.location.label : undefined
        }
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/orientation/question/:id', async (request, reply) => {
    const lang = languageOf(request, reply, secureCookies);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const outcome: AnswerOutcome = await answerQuestion(deps, {
      token: request.cookies[DIAGNOSTIC_COOKIE],
      questionId: request.params.id,
      body,
      language: lang,
    });
    if (outcome.kind === 'next') return reply.redirect(`/orientation/question/${outcome.question.id}`, 303);
    if (outcome.kind === 'finished') {
      reply.clearCookie(DIAGNOSTIC_COOKIE, { path: '/orientation' });
      return reply.redirect(`/orientation/resultat/${displaySlipCode(outcome.code)}`, 303);
    }
    const ctx = viewContext(reply, lang);
    if (outcome.kind === 'error' && outcome.error.key === 'erreur.session') {
      // A form of another (older) diagnostic leaves the current one alone; a gone one is forgotten.
      if (!(await findDiagnostic(deps, request.cookies[DIAGNOSTIC_COOKIE]))) {
        reply.clearCookie(DIAGNOSTIC_COOKIE, { path: '/orientation' });
      }
      return reply.page(
        pageOptions(lang, ctx.t('erreur.titre'), { noindex: true }),
        <SessionGonePage ctx={ctx} />,
        409,
      );
    }
    const question = QUESTIONS.find((q) => q.id === request.params.id);
    if (!question)
      throw new NotFoundError("Cette question n'existe pas. Recommencez le questionnaire depuis le début.");
    const session = await findDiagnostic(deps, request.cookies[DIAGNOSTIC_COOKIE]);
    if (!session) {
      return reply.page(
        pageOptions(lang, ctx.t('erreur.titre'), { noindex: true }),
        <SessionGonePage ctx={ctx} />,
        409,
      );
    }
    const props: QuestionPageProps = {
      ctx,
      question,
      diagnosticId: session.id,
      current: question.type === 'commune' ? undefined : session.answers[question.id],
    };
    let status = 200;
    if (outcome.kind === 'ambiguous') {
      props.typed = outcome.typed;
      props.candidates = outcome.candidates;
    } else {
      status = outcome.status;
      props.error = errorMessage(ctx, outcome.error);
      if (question.type === 'commune' && typeof body.commune === 'string') props.typed = body.commune.slice(0, 100);
    }
    return reply.page(
      pageOptions(
        lang,
        `${props.error ? `${ctx.t('erreur.titre')} — ` : ''}${ctx.t(`question.${question.id}.titre`)}`,
        {
          noindex: true,
          ...(question.type === 'commune' ? { scripts: ['orientation/position.js'] } : {}),
        },
      ),
      <QuestionPage {...props} />,
      status,
    );
  });
}
