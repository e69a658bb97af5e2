/**
 * A FranceConnect-like OpenID Connect provider, mounted by the app in development only (like
 * the development mailbox) at /dev/franceconnect, so that `npm start` alone lets a newcomer
 * identify a fictional person when creating a mandate. It runs oidc-provider — the library
 * FranceConnect itself runs on — with FranceConnect's scopes and claims at level eidas1, and
 * its own page listing fictional identities (no password: nothing here is real).
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';
import { NotFoundError } from '../http/errors.ts';
import { PostForm } from '../views/components.tsx';
import { mountOidcProvider } from './mount-provider.ts';
import { databaseAdapter } from './oidc-adapter.ts';
import { FRANCECONNECT_CLAIMS, type ProviderSettings } from './registry.ts';
import { ensureCurrentKey, jwksOf } from './signing-keys.ts';

export const DEV_FRANCECONNECT_PATH = '/dev/franceconnect';
const CLIENT_ID = 'passerelle-dev';

/** Fictional identities (FranceConnect's own test identities look like these). */
export const FICTIONAL_IDENTITIES = [
  {
    sub: 'fictif-angela-dubois',
    given_name: 'Angela Claire Louise',
    family_name: 'DUBOIS',
    birthdate: '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: 'angela.dubois@exemple.fr',
  },
  {
    sub: 'fictif-jean-martin',
    given_name: 'Jean Pierre',
    family_name: 'MARTIN',
    birthdate: '1948-03-00',
    gender: 'male',
    birthplace: '83137',
    birthcountry: '99100',
    email: 'jean.martin@exemple.fr',
  },
  {
    sub: 'fictif-fatou-diallo',
    given_name: 'Fatou',
    family_name: 'DIALLO',
    birthdate: '1990-11-02',
    gender: 'female',
    birthplace: '',
    birthcountry: '99341',
    email: 'fatou.diallo@exemple.fr',
  },
] as const;

/** The client settings under which the app's registry uses this provider. */
export function devFranceConnectSettings(publicUrl: string, secretKey: string): ProviderSettings {
  return {
    issuer: `${publicUrl}${DEV_FRANCECONNECT_PATH}`,
    clientId: CLIENT_ID,
    clientSecret: createHmac('sha256', secretKey).update('passerelle/dev-franceconnect/client').digest('hex'),
    label: 'FranceConnect (développement)',
    idTokenAlg: 'ES256',
  };
}

export async function mountDevFranceConnect(
  app: FastifyInstance,
  opts: { publicUrl: string; secretKey: string; db: Queryable; clock: Clock },
) {
  const settings = devFranceConnectSettings(opts.publicUrl, opts.secretKey);
  const claimsOf = (sub: string) => FICTIONAL_IDENTITIES.find((i) => i.sub === sub);
  // Persisted keys (signing-keys.ts): tokens survive a restart. The first start stores one here,
  // at start, not on a request; they are read (and decrypted) with the provider below.
  await ensureCurrentKey(opts.db, opts.clock, opts.secretKey, 'dev-franceconnect');
  const create = async (): Promise<Provider> => {
    const { default: Provider } = await import('oidc-provider');
    const provider = new Provider(settings.issuer, {
      adapter: databaseAdapter(opts.db, opts.clock),
      jwks: await jwksOf(opts.db, opts.clock, opts.secretKey, 'dev-franceconnect'),
      clients: [
        {
          client_id: settings.clientId,
          client_secret: settings.clientSecret,
          redirect_uris: [`${opts.publicUrl}/franceconnect/retour`],
          post_logout_redirect_uris: [`${opts.publicUrl}/`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
          id_token_signed_response_alg: 'ES256',
        },
      ],
      pkce: { required: () => true },
      scopes: ['openid', ...FRANCECONNECT_CLAIMS],
      claims: Object.fromEntries([['openid', ['sub']], ...FRANCECONNECT_CLAIMS.map((c) => [c, [c]])]),
      acrValues: ['eidas1'],
      features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
      cookies: {
        keys: [createHmac('sha256', opts.secretKey).update('passerelle/dev-franceconnect/cookies').digest('hex')],
      },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      interactions: { url: (_ctx, interaction) => `${DEV_FRANCECONNECT_PATH}/identification/${interaction.uid}` },
      findAccount: (_ctx, id) => {
        const identity = claimsOf(id);
        return identity ? { accountId: id, claims: () => ({ ...identity }) } : undefined;
      },
    });
    provider.proxy = opts.publicUrl.startsWith('https://');
    return provider;
  };
  // oidc-provider (~300 modules with its dependencies) is loaded by the first request that
  // needs it, not at start: about a third of a second of CPU at each start (ADR 0034), a
  // development-only page that waits that much once.
  let pending: Promise<Provider> | undefined;
  const providerOf = (): Promise<Provider> => {
    pending ??= create().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };

  // The identification page: pick a fictional person (a button each; works without JavaScript).
  app.get<{ Params: { uid: string } }>(`${DEV_FRANCECONNECT_PATH}/identification/:uid`, async (request, reply) => {
    const provider = await providerOf();
    const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details || details.uid !== request.params.uid) throw new NotFoundError('Cette identification a expiré.');
    return reply.page(
      { title: 'FranceConnect de développement', noindex: true },
      <>
        <h1>FranceConnect de développement</h1>
        <div class="fr-notice fr-notice--info fr-mb-4w">
          <div class="fr-container">
            <div class="fr-notice__body">
              <p class="fr-notice__title">
                Identités fictives pour essayer Passerelle : cette page n'existe pas en production, où la personne
                s'identifie avec FranceConnect.
              </p>
            </div>
          </div>
        </div>
        <p>Choisissez la personne qui s'identifie :</p>
        {FICTIONAL_IDENTITIES.map((identity) => (
          <PostForm
            action={`${DEV_FRANCECONNECT_PATH}/identification/${details.uid}`}
            csrf={reply.pageContext().csrfToken}
            class="fr-mb-2w"
          >
            <input type="hidden" name="identite" value={identity.sub} />
            <button class="fr-btn fr-btn--secondary" type="submit">
              {identity.given_name} {identity.family_name}
            </button>
          </PostForm>
        ))}
      </>,
    );
  });

  app.post<{ Params: { uid: string } }>(`${DEV_FRANCECONNECT_PATH}/identification/:uid`, async (request, reply) => {
    const sub = String((request.body as Record<string, unknown> | undefined)?.identite ?? '');
    const provider = await providerOf();
    const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details || details.uid !== request.params.uid || !claimsOf(sub))
      throw new NotFoundError('Cette identification a expiré.');
    const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    if (details.params.claims)
      grant.addOIDCClaims(Object.keys(JSON.parse(String(details.params.claims)).id_token ?? {}));
    const grantId = await grant.save();
    reply.hijack();
    await provider.interactionFinished(
      request.raw,
      reply.raw,
      { login: { accountId: sub, acr: 'eidas1', amr: ['pwd'] }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  });

  await mountOidcProvider(app, providerOf, {
    prefix: DEV_FRANCECONNECT_PATH,
    paths: ['/*'],
  });
  return settings;
}
