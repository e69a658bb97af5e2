/**
 * Mounts an OpenID Connect provider (oidc-provider, a Koa application) under the Fastify app at
 * a path prefix (the issuer's path). Its routes are left unparsed — oidc-provider reads its own
 * bodies (panva/node-oidc-provider#49) — and skip the app's CSRF check: the protocol has its
 * own (state, PKCE, interaction cookies bound to the browser). They declare their own CSP
 * (ADR 0023) and that they write on GET (an authorization request stores an interaction).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { CspOverrides } from '../http/http-platform.ts';

export interface MountOptions {
  /** The issuer's path, e.g. '/dev/franceconnect' or '' for the root. */
  prefix: string;
  /** Paths served by the provider below the prefix ('/auth', '/token', '/.well-known/openid-configuration'…). */
  paths: readonly string[];
  /** Where the provider's pages may lead a form (partner services' redirect URIs). */
  csp?: (request: FastifyRequest) => CspOverrides;
  /**
   * The public origin the provider's URLs must use whatever the request's Host header says
   * (an issuer at PUBLIC_URL: a forged Host must not change the discovery document).
   */
  publicOrigin?: string;
  /** Adjusts the request before the provider reads it (path already relative to the prefix). */
  beforeProvider?: (raw: IncomingMessage) => void;
}

/** provider: the provider, or how to get it when it is created after the app is ready. */
export async function mountOidcProvider(
  app: FastifyInstance,
  provider: Provider | (() => Promise<Provider>),
  options: MountOptions,
) {
  let callback: ReturnType<Provider['callback']> | undefined =
    typeof provider === 'function' ? undefined : provider.callback();
  await app.register(async (scope) => {
    // Bodies stay in the stream for oidc-provider.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    for (const path of options.paths) {
      scope.route({
        method: ['GET', 'POST'],
        url: `${options.prefix}${path}`,
        config: {
          csrf: false,
          writesOnGet: 'OpenID Connect provider: the authorization endpoint stores the interaction it starts',
          ...(options.csp ? { csp: options.csp } : {}),
        },
        handler: async (request, reply) => {
          reply.hijack();
          const raw = request.raw as typeof request.raw & { originalUrl?: string };
          raw.originalUrl = raw.url;
          if (options.publicOrigin) {
            const origin = new URL(options.publicOrigin);
            raw.headers.host = origin.host;
            raw.headers['x-forwarded-host'] = origin.host;
            raw.headers['x-forwarded-proto'] = origin.protocol.replace(':', '');
          }
          raw.url = (raw.url ?? '/').slice(options.prefix.length) || '/';
          options.beforeProvider?.(raw);
          callback ??= (await (provider as () => Promise<Provider>)()).callback();
          await callback(raw, reply.raw);
        },
      });
    }
  });
}
