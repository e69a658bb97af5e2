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

export async function startOidcProvider(options: { redirectUris: string[]; port?: number }): Promise<LocalProvider> {
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
    scopes: ['openid', 'email', 'given_name', 'usual_name'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      given_name: ['given_name'],
      usual_name: ['usual_name'],
    },
    features: { devInteractions: { enabled: true }, claimsParameter: { enabled: true } },
    cookies: { keys: ['cle-de-test-locale-0123456789'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 3600 },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      // A login containing « non-verifiee » stands for an address the provider did not check.
      claims: async () => ({
        sub: id,
        email: id,
        email_verified: !id.includes('non-verifiee'),
        given_name: 'Test',
        usual_name: 'Local',
      }),
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
