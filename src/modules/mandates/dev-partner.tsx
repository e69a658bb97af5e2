/**
 * The demo partner service of development (PRODUCT.md §5), like the development mailbox and the
 * development FranceConnect: served only outside production, so that `npm start` alone shows a
 * helper signing in to an online service on a person's behalf. It is a real relying party of
 * Passerelle's provider (openid-client, code flow with PKCE, client `demo-partenaire`,
 * client_secret_post with a secret derived from SECRET_KEY), which talks to the provider in
 * process (Fastify's inject) rather than over the network, so that it works behind any proxy.
 * It shows, in French, the identity and the delegation it received.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { Breadcrumb } from '../../platform/views/components.tsx';
import { familyTitle } from './families.ts';
import { PARTNER_ROUTES } from './partner-provider.ts';
import { DEMO_PARTNER_CLIENT_ID } from './partners.ts';

export const DEV_PARTNER_PATH = '/dev/partenaire';
const COOKIE = 'pa_demo_partenaire';

/** The demo partner's secret: the same derivation where it is registered (demo data) and here. */
export function demoPartnerSecret(secretKey: string): string {
  return createHmac('sha256', secretKey).update('passerelle/demo-partenaire/secret').digest('base64url');
}

export function devPartnerRoutes(app: FastifyInstance, opts: { publicUrl: string; secretKey: string }) {
  const redirectUri = `${opts.publicUrl}${DEV_PARTNER_PATH}/retour`;
  const viaInject: client.CustomFetch = async (url, options) => {
    const u = new URL(url);
    const res = await app.inject({
      method: (options.method ?? 'GET') as 'GET',
      url: u.pathname + u.search,
      headers: { ...Object.fromEntries(new Headers(options.headers as HeadersInit).entries()), host: u.host },
      ...(options.body ? { payload: String(options.body) } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers))
      for (const item of [v].flat()) if (item !== undefined) headers.append(k, String(item));
    return new Response([204, 304].includes(res.statusCode) ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers,
    });
  };
  const configuration = () => {
    const config = new client.Configuration(
      {
        issuer: opts.publicUrl,
        authorization_endpoint: `${opts.publicUrl}${PARTNER_ROUTES.authorization}`,
        token_endpoint: `${opts.publicUrl}${PARTNER_ROUTES.token}`,
        userinfo_endpoint: `${opts.publicUrl}${PARTNER_ROUTES.userinfo}`,
        jwks_uri: `${opts.publicUrl}${PARTNER_ROUTES.jwks}`,
        end_session_endpoint: `${opts.publicUrl}${PARTNER_ROUTES.end_session}`,
        pushed_authorization_request_endpoint: `${opts.publicUrl}${PARTNER_ROUTES.pushed_authorization_request}`,
        id_token_signing_alg_values_supported: ['ES256'],
      },
      DEMO_PARTNER_CLIENT_ID,
      { id_token_signed_response_alg: 'ES256' },
      client.ClientSecretPost(demoPartnerSecret(opts.secretKey)),
    );
    config[client.customFetch] = viaInject;
    if (opts.publicUrl.startsWith('http://')) client.allowInsecureRequests(config);
    return config;
  };

  const Notice = () => (
    <div class="fr-notice fr-notice--info fr-mb-4w">
      <div class="fr-container">
        <div class="fr-notice__body">
          <p class="fr-notice__title">
            Service partenaire fictif pour essayer Passerelle : cette page n'existe pas en production.
          </p>
        </div>
      </div>
    </div>
  );

  app.get(DEV_PARTNER_PATH, async (_request, reply) =>
    reply.page(
      { title: 'Service partenaire de démonstration', noindex: true },
      <>
        <Breadcrumb items={[{ label: 'Service partenaire de démonstration' }]} />
        <h1>Service partenaire de démonstration</h1>
        <Notice />
        <p>
          Un service en ligne (une caisse, une mairie…) où une aidante habilitée se connecte pour le compte d'une
          personne, dans le cadre d'un mandat, avec Passerelle.
        </p>
        <p>
          <a class="fr-btn" href={`${DEV_PARTNER_PATH}/connexion`}>
            Se connecter pour le compte d'une personne avec Passerelle
          </a>
        </p>
      </>,
    ),
  );

  app.get(
    `${DEV_PARTNER_PATH}/connexion`,
    { config: { writesOnGet: 'Demo partner: the authorization request is pushed (PAR) and stored by the provider' } },
    async (_request, reply) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      let url: URL;
      try {
        url = await client.buildAuthorizationUrlWithPAR(configuration(), {
          redirect_uri: redirectUri,
          scope: 'openid given_name family_name birthdate gender birthplace birthcountry email mandat',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          acr_values: 'eidas1',
          claims: JSON.stringify({ id_token: { rep_scope: { essential: true } } }),
        });
      } catch {
        // Without the demo data, `demo-partenaire` is not registered: said, not a 500.
        return reply.page(
          { title: 'Service partenaire de démonstration indisponible', noindex: true },
          <>
            <h1>Service partenaire de démonstration indisponible</h1>
            <Notice />
            <p data-testid="partenaire-indisponible">
              Passerelle ne connaît pas le service « {DEMO_PARTNER_CLIENT_ID} » : il est enregistré avec les données de
              démonstration (« npx passerelle demo »).
            </p>
          </>,
          409,
        );
      }
      reply.setCookie(COOKIE, JSON.stringify({ verifier, state }), {
        path: DEV_PARTNER_PATH,
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: opts.publicUrl.startsWith('https://'),
        maxAge: 900,
      });
      return reply.redirect(url.href);
    },
  );

  app.get(
    `${DEV_PARTNER_PATH}/retour`,
    { config: { writesOnGet: 'Demo partner: exchanging the code makes Passerelle record the mandate use' } },
    async (request, reply) => {
      const signed = request.cookies[COOKIE] ? request.unsignCookie(request.cookies[COOKIE] as string) : undefined;
      let saved: { verifier: string; state: string } | undefined;
      try {
        saved = signed?.valid && signed.value ? JSON.parse(signed.value) : undefined;
      } catch {
        saved = undefined;
      }
      reply.clearCookie(COOKIE, { path: DEV_PARTNER_PATH });
      const refused = (reason: string) =>
        reply.page(
          { title: 'Connexion refusée — service partenaire de démonstration', noindex: true },
          <>
            <h1>Connexion refusée</h1>
            <Notice />
            <div class="fr-alert fr-alert--error fr-mb-3w">
              <p data-testid="partenaire-refus">Passerelle n'a pas autorisé cette connexion : {reason}</p>
            </div>
            <p>
              <a class="fr-link" href={DEV_PARTNER_PATH}>
                Recommencer
              </a>
            </p>
          </>,
          403,
        );
      const query = request.query as Record<string, unknown>;
      if (typeof query.error === 'string')
        return refused(
          typeof query.error_description === 'string' ? query.error_description : 'la connexion a été annulée.',
        );
      if (!saved) return refused('la connexion a expiré, recommencez.');
      const config = configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      let info: client.UserInfoResponse;
      try {
        tokens = await client.authorizationCodeGrant(config, new URL(request.url, opts.publicUrl), {
          pkceCodeVerifier: saved.verifier,
          expectedState: saved.state,
        });
        const sub = tokens.claims()?.sub as string;
        info = await client.fetchUserInfo(config, tokens.access_token, sub);
      } catch {
        return refused('le mandat ou l’habilitation ne permet pas (ou plus) cette démarche.');
      }
      const id = tokens.claims() as Record<string, unknown>;
      const demarche = info.demarche as { famille?: string } | undefined;
      const helper = info.intervenant as { nom?: string } | undefined;
      const structure = info.structure as { nom?: string } | undefined;
      const mandat = info.mandat as { reference?: string; expire_le?: string; verification?: string } | undefined;
      const logout = client.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token as string,
        post_logout_redirect_uri: `${opts.publicUrl}${DEV_PARTNER_PATH}`,
      });
      return reply.page(
        { title: 'Connecté pour le compte de — service partenaire de démonstration', noindex: true },
        <>
          <h1>Connexion réussie</h1>
          <Notice />
          <h2 class="fr-h4">Identité reçue</h2>
          <p data-testid="partenaire-identite">
            {String(info.given_name ?? '')} {String(info.family_name ?? '')}, née ou né le{' '}
            {String(info.birthdate ?? '')}
          </p>
          <h2 class="fr-h4">Délégation reçue</h2>
          <ul data-testid="partenaire-delegation">
            <li>Aidant : {helper?.nom}</li>
            <li>Structure : {structure?.nom}</li>
            <li>Démarche : {demarche?.famille ? familyTitle(demarche.famille) : ''}</li>
            <li>Périmètre (rep_scope, jeton d'identité) : {((id.rep_scope as string[]) ?? []).join(', ')}</li>
            <li>
              Mandat : {mandat?.reference}, valide jusqu'au{' '}
              {mandat?.expire_le ? new Date(mandat.expire_le).toLocaleDateString('fr-FR') : ''}
            </li>
            <li>Niveau d'authentification : {String(id.acr ?? '')}</li>
          </ul>
          <p>
            <a class="fr-btn fr-btn--secondary" href={logout.href}>
              Se déconnecter
            </a>
          </p>
        </>,
      );
    },
  );
}
