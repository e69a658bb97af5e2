/**
 * Cross-cutting HTTP machinery: cookies, form bodies, compression, security headers (strict
 * CSP) and request ids on every response, CSRF on every state-changing form, rate limiting,
 * flash messages.
 */
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';
import type { Flash, FlashKind } from '../views/layout.tsx';
import { wantsJson } from './error-handler.tsx';
import { TooManyRequestsError } from './errors.ts';
import { holdsNul, NulByteError, resendFor } from './nul-byte.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';

const FLASH_COOKIE = 'pa_flash';

declare module 'fastify' {
  interface FastifyReply {
    /** Shows a message on the next page this browser displays (after a redirect). */
    flash(kind: FlashKind, message: string): FastifyReply;
  }
  interface FastifyRequest {
    /** Flash messages waiting for this request's page, read once. */
    takeFlashes(reply: FastifyReply): Flash[];
  }
  interface FastifyContextConfig {
    /** Skip the CSRF check: routes authenticated by a bearer token, not by a cookie. */
    csrf?: false;
    /**
     * This route's own Content-Security-Policy directives, replacing the strict defaults they
     * name (ADR 0023): an OpenID Connect provider's pages must let a form lead to a partner
     * service (`formAction`). Every other route keeps the strict policy.
     */
    csp?: CspOverrides | ((request: FastifyRequest) => CspOverrides);
  }
}

/** Directives a route may set for itself (helmet's names). */
export interface CspOverrides {
  formAction?: string[];
  frameAncestors?: string[];
  imgSrc?: string[];
  connectSrc?: string[];
}

export function isSecure(config: Config): boolean {
  return config.publicUrl.startsWith('https://');
}

async function httpPlatform(app: FastifyInstance, opts: { config: Config; db: Queryable; clock: Clock }) {
  const { config } = opts;
  const secure = isSecure(config);

  await app.register(fastifyCookie, { secret: config.secretKey });
  await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  // File uploads (imports): one file per form, at most UPLOAD_MAX_MB.
  await app.register(fastifyMultipart, {
    limits: { files: 1, fileSize: config.uploadMaxBytes, fields: 10, fieldSize: 1024 },
  });
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });

  // Security headers (strict CSP…), computed by helmet once at start — not rebuilt on every
  // request as @fastify/helmet does (a measurable share of a redemption's CPU,
  // bench/pass-redeem.ts) — and set with the request id at the start of every request.
  const strictDirectives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
    ...(secure ? { upgradeInsecureRequests: [] } : {}),
  };
  const headersWith = (directives: Record<string, string[]>) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    });
  const securityHeaders = headersWith(strictDirectives);
  // Routes with their own policy: one helmet per distinct policy, built once.
  const ownHeaders = new Map<string, ReturnType<typeof helmet>>();
  const headersFor = (request: FastifyRequest): ReturnType<typeof helmet> => {
    const own = request.routeOptions.config?.csp;
    if (!own) return securityHeaders;
    const overrides = typeof own === 'function' ? own(request) : own;
    const key = JSON.stringify(overrides);
    let headers = ownHeaders.get(key);
    if (!headers) {
      headers = headersWith({ ...strictDirectives, ...overrides });
      if (ownHeaders.size < 100) ownHeaders.set(key, headers);
    }
    return headers;
  };
  app.addHook('onRequest', (request, reply, done) => {
    const raw = reply.raw;
    raw.setHeader('x-request-id', request.id);
    raw.setHeader('permissions-policy', 'geolocation=(self), camera=(self), microphone=(), payment=()');
    headersFor(request)(request.raw, raw, (error) => done(error as Error | undefined));
  });

  await app.register(fastifyRateLimit, {
    global: false,
    // Counters in the database: shared by every instance, kept across restarts.
    store: databaseRateLimitStore(opts.db, opts.clock),
    // The same French message and error shape as everything else.
    errorResponseBuilder: () => new TooManyRequestsError(),
  });

  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'pa_csrf',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure },
    getToken: (req: FastifyRequest) => {
      const body = req.body as Record<string, unknown> | undefined;
      const query = req.query as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const fromQuery = query && typeof query._csrf === 'string' ? query._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? fromQuery ?? (typeof header === 'string' ? header : undefined);
    },
  });
  // Every state-changing request coming from a browser form carries a valid token.
  app.addHook('preHandler', (request, reply, done) => {
    const method = request.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return done();
    // Routes authenticated by a bearer token, and requests that match no route (answered 404).
    if (request.routeOptions.config?.csrf === false || request.is404) return done();
    app.csrfProtection(request, reply, done);
  });

  // A NUL byte is never meaningful in a form, a query or a path, and PostgreSQL refuses it in
  // text (a 500): refused here, once for every route, with a clear message. A browser form's
  // fields are offered back on the 400 page (nul-byte.ts) — only once its CSRF token is known
  // good, so that a page of this site never shows text another site posted.
  app.addHook('preValidation', (request, reply, done) => {
    if (holdsNul(request.params) || holdsNul(request.query)) return done(new NulByteError());
    if (!holdsNul(request.body)) return done();
    const resend =
      request.method === 'POST' &&
      !request.is404 &&
      request.routeOptions.config?.csrf !== false &&
      !wantsJson(request) &&
      request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
        ? resendFor(request.url, request.body)
        : undefined;
    if (!resend) return done(new NulByteError());
    const nulFields = resend.fields.filter((f) => f.hadNul).map((f) => f.name);
    // An invalid token is answered as such (403) by the check itself, as it would be later.
    app.csrfProtection(request, reply, () => done(new NulByteError(resend, nulFields)));
  });

  app.decorateReply('flash', function flash(this: FastifyReply, kind: FlashKind, message: string) {
    const current = readFlashes(this.request);
    current.push({ kind, message });
    this.setCookie(FLASH_COOKIE, JSON.stringify(current.slice(-5)), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure,
      maxAge: 300,
    });
    return this;
  });
  app.decorateRequest('takeFlashes', function takeFlashes(this: FastifyRequest, reply: FastifyReply) {
    const flashes = readFlashes(this);
    if (flashes.length > 0) reply.clearCookie(FLASH_COOKIE, { path: '/' });
    return flashes;
  });
}

function readFlashes(request: FastifyRequest): Flash[] {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return [];
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return [];
  try {
    const parsed = JSON.parse(unsigned.value) as Flash[];
    return Array.isArray(parsed) ? parsed.filter((f) => typeof f?.message === 'string') : [];
  } catch {
    return [];
  }
}

export default fp(httpPlatform, { name: 'http-platform' });
