/**
 * One OpenID Connect relying party (openid-client, certified): authorization code + PKCE,
 * state and nonce checked, claims read from the ID token and, when missing there, from
 * userinfo. What a module does with the claims (an e-mail proved by ProConnect, a person's
 * identity from FranceConnect) stays in the module; this class only speaks the protocol.
 */
import * as oidc from 'openid-client';

export interface RelyingPartySettings {
  /** Stable name: 'proconnect', 'franceconnect'. */
  name: string;
  /** What the person sees on the button: « ProConnect », « FranceConnect ». */
  label: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Scopes asked for (space separated), `openid` included. */
  scope: string;
  /** Extra authorisation parameters: `acr_values`, `prompt`, `claims`… */
  extraParams?: Record<string, string>;
  /** Only for a provider on this machine (development and tests). */
  allowHttp: boolean;
  /** The ID token's signing algorithm, when not RS256 (the development FranceConnect signs ES256). */
  idTokenAlg?: string;
}

export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export type Claims = Record<string, unknown> & { sub: string };

export class RelyingParty {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: RelyingPartySettings) {}

  get name(): string {
    return this.settings.name;
  }
  get label(): string {
    return this.settings.label;
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        {
          client_secret: this.settings.clientSecret,
          ...(this.settings.idTokenAlg ? { id_token_signed_response_alg: this.settings.idTokenAlg } : {}),
        },
        undefined,
        this.settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error) => {
        this.configuration = undefined; // try again on the next sign-in
        throw error;
      });
    return this.configuration;
  }

  /** The provider's address to send the browser to, and the checks to keep (signed cookie) until it comes back. */
  async start(): Promise<{ url: string; checks: AuthorizationChecks }> {
    const config = await this.config();
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(this.settings.extraParams ?? {}),
    });
    return { url: url.href, checks };
  }

  /**
   * Exchanges the code of the callback URL (state, nonce and PKCE checked) and returns the
   * claims of the ID token. When it lacks one of `wanted`, all of `wanted` are read from
   * userinfo instead, so that related claims (an address and its « verified » flag) come from
   * one source.
   */
  async finish(currentUrl: URL, checks: AuthorizationChecks, wanted: readonly string[] = []): Promise<Claims> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims?.sub) throw new Error('ID token without subject');
    const claims: Claims = { ...idClaims, sub: idClaims.sub };
    if (wanted.some((name) => claims[name] === undefined)) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      if (info.sub !== claims.sub) throw new Error('userinfo for another subject');
      for (const name of wanted) claims[name] = info[name];
    }
    return claims;
  }
}

/** Whether an issuer is on this machine, where plain http is acceptable outside production. */
export function isLoopbackIssuer(issuer: string): boolean {
  return /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(issuer);
}
