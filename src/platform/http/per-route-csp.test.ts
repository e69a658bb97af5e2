/**
 * Per-route security headers (ADR 0023): a route that declares its own CSP directives gets
 * them — an OpenID Connect provider's page may lead a form to a partner service — while every
 * other route, and unknown addresses, keep the strict policy (`form-action 'self'`).
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/support/test-app.ts';
import httpPlatform from './http-platform.ts';

const app = Fastify();
beforeAll(async () => {
  const db = { query: async () => [] } as never;
  await app.register(httpPlatform, { config: testConfig(), db, clock: () => new Date() });
  app.get('/ordinaire', async () => 'ok');
  app.get(
    '/fournisseur',
    { config: { csp: { formAction: ["'self'", 'https://partenaire.example'] } } },
    async () => 'ok',
  );
  app.get(
    '/dynamique',
    { config: { csp: (request) => ({ formAction: ["'self'", String((request.query as { o?: string }).o)] }) } },
    async () => 'ok',
  );
  await app.ready();
});
afterAll(() => app.close());

function directive(csp: string, name: string): string | undefined {
  return csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));
}

describe('per-route Content-Security-Policy', () => {
  it('keeps the strict policy on an ordinary route and on an unknown address', async () => {
    for (const url of ['/ordinaire', '/nulle-part']) {
      const csp = String((await app.inject(url)).headers['content-security-policy']);
      expect(directive(csp, 'form-action')).toBe("form-action 'self'");
      expect(directive(csp, 'script-src')).toBe("script-src 'self'");
      expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    }
  });

  it('gives a route that declares it its own form-action, the other directives unchanged', async () => {
    const csp = String((await app.inject('/fournisseur')).headers['content-security-policy']);
    expect(directive(csp, 'form-action')).toBe("form-action 'self' https://partenaire.example");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
    expect(directive(csp, 'default-src')).toBe("default-src 'self'");
    // The ordinary route is not affected by the other route's policy.
    const after = String((await app.inject('/ordinaire')).headers['content-security-policy']);
    expect(directive(after, 'form-action')).toBe("form-action 'self'");
  });

  it('computes a policy per request when the route gives a function', async () => {
    const a = String((await app.inject('/dynamique?o=https://a.example')).headers['content-security-policy']);
    const b = String((await app.inject('/dynamique?o=https://b.example')).headers['content-security-policy']);
    expect(directive(a, 'form-action')).toBe("form-action 'self' https://a.example");
    expect(directive(b, 'form-action')).toBe("form-action 'self' https://b.example");
  });
});
