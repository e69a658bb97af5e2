/**
 * Sign-in of professionals through an OpenID Connect provider (ProConnect in production),
 * with openid-client (certified): authorization code + PKCE, state and nonce checked.
 * The provider proves the e-mail address (email_verified must be true); the person must
 * already have an account here.
 */
import * as oidc from 'openid-client';
import { RuleError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { findUserByEmail, normaliseEmail } from './repository.ts';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Only for a provider on this machine (development and tests). */
  allowHttp: boolean;
}

export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class OidcClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        this.settings.clientSecret,
        undefined,
        this.settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error) => {
        this.configuration = undefined; // try again on the next sign-in
        throw error;
      });
    return this.configuration;
  }

  async start(): Promise<{ url: string; checks: OidcChecks }> {
    const config = await this.config();
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: 'openid email given_name usual_name',
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      claims: JSON.stringify({
        id_token: { email: { essential: true }, email_verified: { essential: true } },
        userinfo: { email: { essential: true }, email_verified: { essential: true } },
      }),
    });
    return { url: url.href, checks };
  }

  /** The verified e-mail address of the person coming back from the provider. */
  async finish(currentUrl: URL, checks: OidcChecks): Promise<string> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    // The address and its « verified » flag are read together, from one source.
    let source: Record<string, unknown> | undefined = typeof claims?.email === 'string' ? claims : undefined;
    if (!source && claims?.sub) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      source = typeof info.email === 'string' ? info : undefined;
    }
    if (!source)
      throw new RuleError('oidc_no_email', "Le fournisseur d'identité n'a pas transmis d'adresse e-mail.", 400);
    // An address the provider did not verify proves nothing: never link an account with it.
    if (source.email_verified !== true) {
      throw new RuleError(
        'oidc_email_not_verified',
        "Le fournisseur d'identité n'a pas confirmé votre adresse e-mail : connectez-vous avec votre mot de passe.",
        403,
      );
    }
    return normaliseEmail(source.email as string);
  }
}

export async function logInWithOidc(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  email: string,
  provider: string,
): Promise<{ userId: string; secondFactorEnrolled: boolean }> {
  const user = await findUserByEmail(deps.db, email);
  if (!user || user.disabledAt) {
    throw new RuleError(
      'oidc_unknown_account',
      `Aucun compte n'est associé à l'adresse ${email}. Demandez à votre structure de vous inviter avec cette adresse.`,
      403,
    );
  }
  await deps.db.transaction((tx) =>
    appendJournal(tx, deps.clock, {
      action: 'compte.connexion',
      actorUserId: user.id,
      targetType: 'utilisateur',
      targetId: user.id,
      details: { methode: 'oidc', fournisseur: provider },
    }),
  );
  return { userId: user.id, secondFactorEnrolled: user.totpEnabledAt !== null };
}
