/**
 * "Mon compte": second factor set-up, open sessions, log out everywhere.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import { type Actor, requiresSecondFactor, roleLabels } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { listSessions, markSecondFactorDone, type Session } from '../../platform/auth/session-store.ts';
import type { AppError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { isSecure } from '../../platform/http/http-platform.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import { Breadcrumb, ErrorSummary, InputField, PostForm, TableFrame } from '../../platform/views/components.tsx';
import type { AccountsDeps } from './deps.ts';
import {
  confirmSecondFactorEnrolment,
  disableSecondFactor,
  type Enrolment,
  startSecondFactorEnrolment,
} from './enrol-second-factor.ts';
import { closeSession } from './manage-sessions.ts';
import { countUnusedRecoveryCodes } from './repository.ts';
import { formatSecretForHumans } from './totp.ts';

function AccountPage(props: { actor: Actor; sessions: Session[]; csrf: string; recoveryLeft: number }) {
  const { actor } = props;
  const required = requiresSecondFactor(actor);
  return (
    <>
      <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Mon compte' }]} />
      <h1>Mon compte</h1>
      <p>
        {actor.displayName} — {actor.email}
      </p>
      {actor.memberships.length > 0 ? (
        <ul>
          {actor.memberships.map((m) => (
            <li>
              {m.organisationName} : {roleLabels[m.role]}
              {m.canActOnBehalf ? ' (habilité à agir pour autrui)' : ''}
            </li>
          ))}
        </ul>
      ) : null}

      <h2 class="fr-mt-6w">Double authentification</h2>
      {actor.hasSecondFactor ? (
        <>
          <p>
            <span class="fr-badge fr-badge--success">Active</span> Un code de votre application vous est demandé à
            chaque connexion. Codes de secours restants : {props.recoveryLeft}.
          </p>
          {required ? (
            <p class="pa-muted">Votre rôle demande la double authentification : elle reste active.</p>
          ) : (
            <PostForm action="/compte/double-authentification/desactiver" csrf={props.csrf}>
              <button class="fr-btn fr-btn--secondary" type="submit">
                Désactiver la double authentification
              </button>
            </PostForm>
          )}
        </>
      ) : (
        <>
          <p>
            <span class="fr-badge fr-badge--warning">Inactive</span>{' '}
            {required
              ? 'Votre rôle la rend obligatoire.'
              : 'Elle protège votre compte même si votre mot de passe est découvert.'}
          </p>
          <a class="fr-btn" href="/compte/double-authentification">
            Configurer la double authentification
          </a>
        </>
      )}

      <h2 class="fr-mt-6w">Appareils connectés</h2>
      <TableFrame label="Sessions ouvertes">
        <table>
          <caption>Sessions ouvertes</caption>
          <thead>
            <tr>
              <th scope="col">Appareil</th>
              <th scope="col">Connexion</th>
              <th scope="col">Dernière activité</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr>
                <td>
                  {s.device}
                  {s.idHash === actor.sessionId ? <strong> (cet appareil)</strong> : null}
                </td>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{formatDateTime(s.lastSeenAt)}</td>
                <td>
                  {s.idHash === actor.sessionId ? null : (
                    <PostForm action="/compte/sessions/fermer" csrf={props.csrf}>
                      <input type="hidden" name="session" value={s.idHash} />
                      <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">
                        Déconnecter
                      </button>
                    </PostForm>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      <PostForm action="/deconnexion/partout" csrf={props.csrf}>
        <button class="fr-btn fr-btn--secondary fr-icon-logout-box-r-line fr-btn--icon-left" type="submit">
          Se déconnecter de tous les appareils
        </button>
      </PostForm>
    </>
  );
}

function EnrolPage(props: { enrolment: Enrolment; csrf: string; error?: AppError | undefined; required: boolean }) {
  return (
    <>
      <h1>Configurer la double authentification</h1>
      {props.required ? (
        <p class="fr-text--lead">
          Votre rôle permet d'agir pour d'autres personnes ou d'administrer le service : un code à usage unique vous
          sera demandé à chaque connexion.
        </p>
      ) : null}
      <ol>
        <li>
          Installez une application d'authentification sur votre téléphone (par exemple FreeOTP, Aegis ou celle de votre
          choix).
        </li>
        <li>Dans l'application, ajoutez un compte en scannant ce QR code.</li>
        <li>Saisissez ci-dessous le code à 6 chiffres que l'application affiche.</li>
      </ol>
      <img
        class="pa-qr"
        src={props.enrolment.qrDataUrl}
        alt="QR code à scanner avec votre application d'authentification"
      />
      <p>
        Impossible de scanner ? Saisissez cette clé dans l'application :{' '}
        <span class="pa-code" data-testid="totp-secret">
          {formatSecretForHumans(props.enrolment.secret)}
        </span>
      </p>
      <ErrorSummary errors={{}} message={props.error?.userMessage} />
      <PostForm action="/compte/double-authentification" csrf={props.csrf}>
        <InputField
          name="code"
          label="Code à 6 chiffres"
          autocomplete="one-time-code"
          inputMode="numeric"
          maxLength={7}
          error={props.error?.fieldErrors.code}
        />
        <button class="fr-btn" type="submit">
          Activer
        </button>
      </PostForm>
    </>
  );
}

function RecoveryCodesPage({ codes }: { codes: string[] }) {
  return (
    <>
      <h1>Double authentification activée</h1>
      <div class="fr-alert fr-alert--warning fr-mb-4w">
        <h2 class="fr-alert__title">Notez vos codes de secours maintenant</h2>
        <p>
          Ils ne seront plus affichés. Chaque code sert une fois, si vous perdez votre téléphone. Gardez-les en lieu
          sûr, pas sur le téléphone lui-même.
        </p>
      </div>
      <ul class="pa-list-plain" data-testid="recovery-codes">
        {codes.map((c) => (
          <li class="pa-code">{c}</li>
        ))}
      </ul>
      <a class="fr-btn" href="/espace">
        J'ai noté mes codes, continuer
      </a>
    </>
  );
}

/** The secret being enrolled, sealed for its user, between the enrolment page and its confirmation. */
const ENROLMENT_COOKIE = 'pa_totp_enrol';

export function accountRoutes(app: FastifyInstance, opts: { deps: AccountsDeps; config: Config }) {
  const { deps } = opts;
  const enrolmentCookie = {
    path: '/compte/double-authentification',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: isSecure(opts.config),
    maxAge: 30 * 60,
  };

  app.get('/compte', async (request, reply) => {
    const actor = requireActor(request, { allowMissingSecondFactor: true });
    const [sessions, recoveryLeft] = await Promise.all([
      listSessions(deps.db, actor.userId),
      countUnusedRecoveryCodes(deps.db, actor.userId),
    ]);
    return reply.page(
      { title: 'Mon compte' },
      <AccountPage
        actor={actor}
        sessions={sessions}
        csrf={reply.pageContext().csrfToken}
        recoveryLeft={recoveryLeft}
      />,
    );
  });

  app.post('/compte/sessions/fermer', async (request, reply) => {
    const actor = requireActor(request, { allowMissingSecondFactor: true });
    const target = String((request.body as Record<string, unknown> | undefined)?.session ?? '');
    await closeSession(deps, actor, target);
    reply.flash('success', "L'appareil a été déconnecté.");
    return reply.redirect('/compte', 303);
  });

  app.get('/compte/double-authentification', async (request, reply) => {
    const actor = requireActor(request, { allowMissingSecondFactor: true });
    if (actor.hasSecondFactor) return reply.redirect('/compte');
    const enrolment = await startSecondFactorEnrolment(deps, actor.userId, request.cookies[ENROLMENT_COOKIE]);
    reply.setCookie(ENROLMENT_COOKIE, enrolment.pending, enrolmentCookie);
    return reply.page(
      { title: 'Double authentification', noindex: true },
      <EnrolPage enrolment={enrolment} csrf={reply.pageContext().csrfToken} required={requiresSecondFactor(actor)} />,
    );
  });

  app.post(
    '/compte/double-authentification',
    { config: { rateLimit: { max: 20, timeWindow: '15 minutes' } } },
    async (request, reply) => {
      const actor = requireActor(request, { allowMissingSecondFactor: true });
      try {
        const { recoveryCodes } = await confirmSecondFactorEnrolment(
          deps,
          actor.userId,
          request.body,
          request.cookies[ENROLMENT_COOKIE],
        );
        reply.clearCookie(ENROLMENT_COOKIE, { path: enrolmentCookie.path });
        // This session has just proved the second factor.
        if (request.session) await markSecondFactorDone(deps.db, deps.clock, request.session.idHash);
        return reply.page({ title: 'Codes de secours', noindex: true }, <RecoveryCodesPage codes={recoveryCodes} />);
      } catch (error) {
        const e = formError(error);
        const enrolment = await startSecondFactorEnrolment(deps, actor.userId, request.cookies[ENROLMENT_COOKIE]);
        reply.setCookie(ENROLMENT_COOKIE, enrolment.pending, enrolmentCookie);
        return reply.page(
          { title: 'Double authentification', noindex: true },
          <EnrolPage
            enrolment={enrolment}
            csrf={reply.pageContext().csrfToken}
            error={e}
            required={requiresSecondFactor(actor)}
          />,
          e.status,
        );
      }
    },
  );

  app.post('/compte/double-authentification/desactiver', async (request, reply) => {
    const actor = requireActor(request);
    await disableSecondFactor(deps, actor.userId, requiresSecondFactor(actor));
    reply.flash('success', 'La double authentification est désactivée.');
    return reply.redirect('/compte', 303);
  });
}
