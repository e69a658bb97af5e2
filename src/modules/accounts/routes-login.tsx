/**
 * Signing in and out: password, second factor, forgotten password, OpenID Connect.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { requiresSecondFactor } from '../../platform/auth/actor.ts';
import { markSecondFactorDone } from '../../platform/auth/session-store.ts';
import { type SignInAttempt, type SignInThrottle, SignInThrottledError } from '../../platform/auth/sign-in-throttle.ts';
import { type AppError, RuleError } from '../../platform/http/errors.ts';
import { field, formError, safeReturnPath } from '../../platform/http/forms.ts';
import { isSecure } from '../../platform/http/http-platform.ts';
import { ErrorSummary, InputField, PostForm } from '../../platform/views/components.tsx';
import type { AccountsDeps } from './deps.ts';
import { loadUser } from './load-user.ts';
import { logIn } from './log-in.ts';
import { logOutEverywhere } from './manage-sessions.ts';
import { logInWithOidc, type OidcChecks, type OidcClient } from './oidc-login.ts';
import { findUserById, normaliseEmail } from './repository.ts';
import { requestPasswordReset } from './request-password-reset.ts';
import { checkPasswordResetLink, resetPassword } from './reset-password.ts';
import { verifySecondFactor } from './verify-second-factor.ts';

const OIDC_COOKIE = 'pa_oidc';

function LoginForm(props: {
  csrf: string;
  email?: string;
  error?: AppError | undefined;
  retour: string;
  oidcLabel?: string | undefined;
}) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-7">
        <h1>Connexion à l'espace professionnel</h1>
        <p>Pour les aidants, les structures, les prescripteurs, les financeurs et les agents d'organismes.</p>
        <p class="fr-text--sm">
          Vous cherchez de l'aide pour une démarche ? <a href="/lieux">Trouvez un lieu près de chez vous</a>, sans
          compte.
        </p>
        {props.oidcLabel ? (
          <div class="fr-mb-4w">
            <h2 class="fr-h5">Avec {props.oidcLabel}</h2>
            <div class="fr-connect-group">
              <a
                class="fr-btn fr-btn--secondary fr-icon-arrow-right-line fr-btn--icon-right"
                href={`/connexion/proconnect?retour=${encodeURIComponent(props.retour)}`}
              >
                Se connecter avec {props.oidcLabel}
              </a>
            </div>
            <p class="fr-hr-or">ou</p>
          </div>
        ) : null}
        <h2 class="fr-h5">Avec votre adresse e-mail</h2>
        <ErrorSummary
          errors={props.error && Object.keys(fe).length > 0 ? fe : {}}
          message={props.error ? props.error.userMessage : undefined}
        />
        <PostForm action="/connexion" csrf={props.csrf}>
          <input type="hidden" name="retour" value={props.retour} />
          <InputField
            name="email"
            label="Adresse e-mail"
            type="email"
            autocomplete="email"
            value={props.email}
            error={fe.email}
            spellcheck={false}
          />
          <InputField
            name="password"
            label="Mot de passe"
            type="password"
            autocomplete="current-password"
            error={fe.password}
          />
          <p>
            <a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>
          </p>
          <button class="fr-btn" type="submit">
            Se connecter
          </button>
        </PostForm>
      </div>
    </div>
  );
}

function SecondFactorForm(props: { csrf: string; error?: AppError | undefined; retour: string }) {
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-7">
        <h1>Code de vérification</h1>
        <p>Ouvrez votre application d'authentification et saisissez le code à 6 chiffres affiché pour ce compte.</p>
        <ErrorSummary errors={{}} message={props.error?.userMessage} />
        <PostForm action="/connexion/code" csrf={props.csrf}>
          <input type="hidden" name="retour" value={props.retour} />
          <InputField
            name="code"
            label="Code à 6 chiffres"
            hint="Vous n'avez plus votre téléphone ? Saisissez un de vos codes de secours (par exemple AB2CD-3EF4G)."
            autocomplete="one-time-code"
            inputMode="numeric"
            maxLength={11}
            error={props.error?.fieldErrors.code}
            spellcheck={false}
          />
          <button class="fr-btn" type="submit">
            Valider
          </button>
        </PostForm>
        <PostForm action="/deconnexion" csrf={props.csrf} class="fr-mt-4w">
          <button class="fr-btn fr-btn--tertiary" type="submit">
            Annuler et se déconnecter
          </button>
        </PostForm>
      </div>
    </div>
  );
}

function ForgotForm(props: { csrf: string; email?: string; error?: AppError | undefined; sent?: boolean }) {
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-7">
        <h1>Mot de passe oublié</h1>
        {props.sent ? (
          <div class="fr-alert fr-alert--success" role="status">
            <p>
              Si un compte existe pour cette adresse, un e-mail vient de partir avec un lien pour choisir un nouveau mot
              de passe. Le lien fonctionne une fois, pendant une heure.
            </p>
          </div>
        ) : (
          <>
            <p>
              Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.
            </p>
            <ErrorSummary errors={props.error?.fieldErrors ?? {}} message={props.error?.userMessage} />
            <PostForm action="/mot-de-passe-oublie" csrf={props.csrf}>
              <InputField
                name="email"
                label="Adresse e-mail"
                type="email"
                autocomplete="email"
                value={props.email}
                error={props.error?.fieldErrors.email}
              />
              <button class="fr-btn" type="submit">
                Recevoir le lien
              </button>
            </PostForm>
          </>
        )}
        <p class="fr-mt-4w">
          <a href="/connexion">Retour à la connexion</a>
        </p>
      </div>
    </div>
  );
}

export function NewPasswordForm(props: {
  csrf: string;
  action: string;
  token: string;
  email: string;
  error?: AppError | undefined;
  title: string;
  intro: string;
  withName?: { value: string } | undefined;
  submitLabel: string;
}) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-7">
        <h1>{props.title}</h1>
        <p>{props.intro}</p>
        <p>
          Compte : <strong>{props.email}</strong>
        </p>
        <ErrorSummary errors={fe} message={props.error?.userMessage} />
        <PostForm action={props.action} csrf={props.csrf}>
          <input type="hidden" name="jeton" value={props.token} />
          {props.withName ? (
            <InputField
              name="displayName"
              label="Vos prénom et nom"
              hint="Ils sont visibles des autres membres de votre structure."
              autocomplete="name"
              value={props.withName.value}
              error={fe.displayName}
            />
          ) : null}
          <InputField
            name="password"
            label="Nouveau mot de passe"
            hint="Au moins 12 caractères. Une phrase facile à retenir est un bon choix."
            type="password"
            autocomplete="new-password"
            error={fe.password}
          />
          <InputField
            name="confirmation"
            label="Confirmez le mot de passe"
            type="password"
            autocomplete="new-password"
            error={fe.confirmation}
          />
          <button class="fr-btn" type="submit">
            {props.submitLabel}
          </button>
        </PostForm>
      </div>
    </div>
  );
}

export function loginRoutes(
  app: FastifyInstance,
  opts: { deps: AccountsDeps; config: Config; oidc: OidcClient | undefined; signInThrottle: SignInThrottle },
) {
  const { deps, config, oidc, signInThrottle } = opts;

  /** Refuses (429, with Retry-After) an account or address that failed too often lately. */
  async function assertNotThrottled(reply: FastifyReply, attempt: SignInAttempt) {
    try {
      await signInThrottle.assertAllowed(attempt);
    } catch (error) {
      if (error instanceof SignInThrottledError) reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
  }
  const isWrongSecret = (error: unknown) =>
    error instanceof RuleError &&
    ['bad_credentials', 'bad_second_factor', 'replayed_second_factor'].includes(error.code);
  const loginLimit = {
    rateLimit: { max: config.rateLimits.login, timeWindow: '15 minutes' },
  };

  /** After a successful first factor: ask the code, or go on. */
  async function afterFirstFactor(
    reply: FastifyReply,
    result: { userId: string; secondFactorEnrolled: boolean },
    method: string,
    retour: string,
  ) {
    await reply.startSession({ userId: result.userId, authMethod: method, secondFactorDone: false });
    if (result.secondFactorEnrolled) return reply.redirect(`/connexion/code?retour=${encodeURIComponent(retour)}`, 303);
    const loaded = await loadUser(deps.db, result.userId);
    if (loaded && requiresSecondFactor(loaded.actor)) {
      reply.flash(
        'warning',
        'Votre rôle demande une double authentification. Configurez-la maintenant pour continuer.',
      );
      return reply.redirect('/compte/double-authentification', 303);
    }
    return reply.redirect(retour, 303);
  }

  app.get('/connexion', async (request, reply) => {
    const retour = safeReturnPath((request.query as Record<string, unknown>).retour);
    if (request.actor) return reply.redirect(retour);
    return reply.page(
      { title: 'Connexion' },
      <LoginForm csrf={reply.pageContext().csrfToken} retour={retour} oidcLabel={config.oidcPro?.label} />,
    );
  });

  app.post('/connexion', { config: loginLimit }, async (request, reply) => {
    const retour = safeReturnPath(field(request.body, 'retour'));
    const attempt = { account: normaliseEmail(field(request.body, 'email')), address: request.ip };
    try {
      await assertNotThrottled(reply, attempt);
      const result = await logIn(deps, request.body);
      return afterFirstFactor(reply, result, 'mot_de_passe', retour);
    } catch (error) {
      if (isWrongSecret(error)) await signInThrottle.recordFailure(deps.db, attempt);
      const e = formError(error);
      return reply.page(
        { title: 'Connexion' },
        <LoginForm
          csrf={reply.pageContext().csrfToken}
          retour={retour}
          email={field(request.body, 'email')}
          error={e}
          oidcLabel={config.oidcPro?.label}
        />,
        e.status,
      );
    }
  });

  app.get('/connexion/code', async (request, reply) => {
    const retour = safeReturnPath((request.query as Record<string, unknown>).retour);
    if (request.actor) return reply.redirect(retour);
    if (!request.pendingSecondFactor) return reply.redirect('/connexion');
    return reply.page(
      { title: 'Code de vérification' },
      <SecondFactorForm csrf={reply.pageContext().csrfToken} retour={retour} />,
    );
  });

  app.post('/connexion/code', { config: loginLimit }, async (request, reply) => {
    const retour = safeReturnPath(field(request.body, 'retour'));
    const pending = request.pendingSecondFactor;
    if (!pending) return reply.redirect('/connexion', 303);
    const user = await findUserById(deps.db, pending.userId);
    const attempt = { account: normaliseEmail(user?.email ?? pending.userId), address: request.ip };
    try {
      await assertNotThrottled(reply, attempt);
      // A wrong code counts as a failed sign-in, journaled with it in one transaction.
      const result = await verifySecondFactor(deps, pending.userId, request.body, (tx) =>
        signInThrottle.recordFailure(tx, attempt),
      );
      await markSecondFactorDone(deps.db, deps.clock, pending.session.idHash);
      if (result.usedRecoveryCode) {
        reply.flash(
          'warning',
          `Vous avez utilisé un code de secours. Il vous en reste ${result.recoveryCodesLeft}. Pensez à retrouver votre application d'authentification.`,
        );
      }
      return reply.redirect(retour, 303);
    } catch (error) {
      const e = formError(error);
      return reply.page(
        { title: 'Code de vérification' },
        <SecondFactorForm csrf={reply.pageContext().csrfToken} retour={retour} error={e} />,
        e.status,
      );
    }
  });

  app.post('/deconnexion', async (_request, reply) => {
    await reply.endSession();
    reply.flash('success', 'Vous êtes déconnecté.');
    return reply.redirect('/', 303);
  });

  app.post('/deconnexion/partout', async (request, reply) => {
    const userId = request.actor?.userId ?? request.pendingSecondFactor?.userId;
    if (userId) await logOutEverywhere(deps, userId);
    await reply.endSession();
    reply.flash('success', 'Vous êtes déconnecté de tous vos appareils.');
    return reply.redirect('/connexion', 303);
  });

  app.get('/mot-de-passe-oublie', async (_request, reply) =>
    reply.page({ title: 'Mot de passe oublié' }, <ForgotForm csrf={reply.pageContext().csrfToken} />),
  );

  app.post('/mot-de-passe-oublie', { config: loginLimit }, async (request, reply) => {
    try {
      await requestPasswordReset(deps, request.body);
      void app.outbox.drain();
      return reply.page({ title: 'Mot de passe oublié' }, <ForgotForm csrf={reply.pageContext().csrfToken} sent />);
    } catch (error) {
      const e = formError(error);
      return reply.page(
        { title: 'Mot de passe oublié' },
        <ForgotForm csrf={reply.pageContext().csrfToken} email={field(request.body, 'email')} error={e} />,
        e.status,
      );
    }
  });

  app.get('/mot-de-passe/nouveau', async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).jeton ?? '');
    const { email } = await checkPasswordResetLink(deps, token);
    return reply.page(
      { title: 'Nouveau mot de passe', noindex: true },
      <NewPasswordForm
        csrf={reply.pageContext().csrfToken}
        action="/mot-de-passe/nouveau"
        token={token}
        email={email}
        title="Choisir un nouveau mot de passe"
        intro="Ce mot de passe remplacera l'ancien. Vous serez déconnecté de tous vos appareils."
        submitLabel="Enregistrer le mot de passe"
      />,
    );
  });

  app.post('/mot-de-passe/nouveau', { config: loginLimit }, async (request, reply) => {
    const token = field(request.body, 'jeton');
    try {
      await resetPassword(deps, request.body);
      await reply.endSession();
      reply.flash('success', 'Votre mot de passe est enregistré. Connectez-vous avec ce nouveau mot de passe.');
      return reply.redirect('/connexion', 303);
    } catch (error) {
      const e = formError(error);
      if (e.code === 'link_invalid') throw e;
      const { email } = await checkPasswordResetLink(deps, token);
      return reply.page(
        { title: 'Nouveau mot de passe', noindex: true },
        <NewPasswordForm
          csrf={reply.pageContext().csrfToken}
          action="/mot-de-passe/nouveau"
          token={token}
          email={email}
          error={e}
          title="Choisir un nouveau mot de passe"
          intro="Ce mot de passe remplacera l'ancien. Vous serez déconnecté de tous vos appareils."
          submitLabel="Enregistrer le mot de passe"
        />,
        e.status,
      );
    }
  });

  if (oidc && config.oidcPro) {
    const provider = config.oidcPro.label;
    const cookieOptions = {
      path: '/connexion/proconnect',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: isSecure(config),
      signed: true,
      maxAge: 600,
    };
    app.get('/connexion/proconnect', { config: loginLimit }, async (request, reply) => {
      const retour = safeReturnPath((request.query as Record<string, unknown>).retour);
      const { url, checks } = await oidc.start();
      reply.setCookie(OIDC_COOKIE, JSON.stringify({ ...checks, retour }), cookieOptions);
      return reply.redirect(url, 303);
    });
    const callback = { writesOnGet: 'OpenID Connect callback: the provider redirects here to open the session' };
    app.get('/connexion/proconnect/retour', { config: callback }, async (request: FastifyRequest, reply) => {
      const raw = request.cookies[OIDC_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : undefined;
      reply.clearCookie(OIDC_COOKIE, { path: cookieOptions.path });
      if (!unsigned?.valid || !unsigned.value) {
        reply.flash('error', 'La connexion a expiré. Recommencez.');
        return reply.redirect('/connexion', 303);
      }
      const saved = JSON.parse(unsigned.value) as OidcChecks & { retour: string };
      let email: string;
      try {
        email = await oidc.finish(new URL(request.url, config.publicUrl), saved);
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'oidc sign-in failed');
        reply.flash('error', `La connexion avec ${provider} n'a pas abouti. Réessayez ou utilisez votre mot de passe.`);
        return reply.redirect('/connexion', 303);
      }
      try {
        const result = await logInWithOidc(deps, email, provider);
        return afterFirstFactor(reply, result, 'oidc', safeReturnPath(saved.retour));
      } catch (error) {
        const e = formError(error);
        reply.flash('error', e.userMessage);
        return reply.redirect('/connexion', 303);
      }
    });
  }
}
