/**
 * A real OpenID Connect provider (oidc-provider, certified) for tests and local development,
 * standing in for ProConnect. Its development login form accepts any password; the login
 * typed becomes the account's e-mail address.
 */
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface LocalProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * A FranceConnect-like identity for a login typed at the local provider: fictional, with the
 * « identité pivot » claims (a login containing « sans-jour » has a birth date without a day).
 */
export function fictionalIdentity(login: string): Record<string, unknown> & { sub: string } {
  return {
    sub: login,
    given_name: 'Angela Claire Louise',
    family_name: 'DUBOIS',
    birthdate: login.includes('sans-jour') ? '1962-08-00' : '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: `${login}@exemple.fr`,
    preferred_username: 'DUMEUBLE',
    address: { formatted: '26 rue Desaix, 75015 Paris' },
  };
}

export async function startOidcProvider(options: {
  redirectUris: string[];
  port?: number;
  /** 'franceconnect': the scopes and claims of FranceConnect (fictional identities), eidas1. */
  flavour?: 'proconnect' | 'franceconnect';
}): Promise<LocalProvider> {
  const franceConnect = options.flavour === 'franceconnect';
  const clientId = 'passerelle-local';
  const clientSecret = 'secret-local-de-developpement-0123456789';
  // Bind first so the issuer carries the real port.
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    scopes: franceConnect
      ? ['openid', 'given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'address']
      : ['openid', 'email', 'given_name', 'usual_name'],
    claims: franceConnect
      ? {
          openid: ['sub'],
          given_name: ['given_name'],
          family_name: ['family_name'],
          birthdate: ['birthdate'],
          gender: ['gender'],
          birthplace: ['birthplace'],
          birthcountry: ['birthcountry'],
          email: ['email'],
          address: ['address', 'preferred_username'],
        }
      : {
          openid: ['sub'],
          email: ['email', 'email_verified'],
          given_name: ['given_name'],
          usual_name: ['usual_name'],
        },
    ...(franceConnect ? { acrValues: ['eidas1'] } : {}),
    features: { devInteractions: { enabled: true }, claimsParameter: { enabled: true } },
    cookies: { keys: ['cle-de-test-locale-0123456789'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 3600 },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      // A login containing « non-verifiee » stands for an address the provider did not check.
      claims: async () =>
        franceConnect
          ? fictionalIdentity(id)
          : {
              sub: id,
              email: id,
              email_verified: !id.includes('non-verifiee'),
              given_name: 'Test',
              usual_name: 'Local',
            },
    }),
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
