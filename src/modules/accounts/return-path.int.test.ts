/**
 * Open redirect: whatever `retour` says, after signing in (password, second factor, OpenID
 * Connect, or already signed in) the browser stays on this site.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { type LocalProvider, startOidcProvider } from '../../../test/support/oidc-provider.ts';
import { walkOidcProvider } from '../../../test/support/oidc-walk.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { confirmSecondFactorEnrolment, startSecondFactorEnrolment } from './enrol-second-factor.ts';
import { findUserByEmail } from './repository.ts';

const PASSWORD = 'une phrase de passe solide';
/** As an attacker would put them in a link (`/connexion?retour=…`). */
const HOSTILE = [
  '/%09/evil.example',
  '/%5Cevil.example',
  '/%5C%5Cevil.example',
  '%2F%2Fevil.example',
  '/%252F%252Fevil.example',
  '/%0D%0A/evil.example',
  '/%01/evil.example',
  '//evil.example',
  'https://evil.example/',
];

let t: TestApp;
let provider: LocalProvider;
let secret: string;

function staysHere(location: unknown): void {
  const where = new URL(String(location), t.config.publicUrl);
  expect(where.origin).toBe(new URL(t.config.publicUrl).origin);
  expect(String(location)).not.toMatch(/evil/);
}

async function enrolTotp(email: string): Promise<string> {
  const user = await findUserByEmail(t.db, email);
  const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'Test' };
  const enrolment = await startSecondFactorEnrolment(deps, user?.id as string);
  await confirmSecondFactorEnrolment(deps, user?.id as string, { code: totp(enrolment.secret) }, enrolment.pending);
  t.clock.advance(30_000);
  return enrolment.secret;
}

function totp(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: t.clock.now().getTime(),
  });
}

beforeAll(async () => {
  provider = await startOidcProvider({ redirectUris: ['http://localhost:3000/connexion/proconnect/retour'] });
  t = await createTestApp({
    env: {
      OIDC_PRO_ISSUER: provider.issuer,
      OIDC_PRO_CLIENT_ID: provider.clientId,
      OIDC_PRO_CLIENT_SECRET: provider.clientSecret,
    },
  });
  const org = await makeOrganisation(t.db, 'Structure');
  await makePerson(t.db, 'simple@exemple.fr', PASSWORD, [{ organisationId: org, role: 'aidant' }]);
  await makePerson(t.db, 'double@exemple.fr', PASSWORD, [{ organisationId: org, role: 'aidant' }]);
  secret = await enrolTotp('double@exemple.fr');
  await makePerson(t.db, 'non-verifiee@exemple.fr', PASSWORD, [{ organisationId: org, role: 'aidant' }]);
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

describe('return path after signing in', () => {
  it.each(HOSTILE)('after the password: %s', async (retour) => {
    const agent = new Agent(t.app);
    await agent.get(`/connexion?retour=${retour}`);
    // The form carries the decoded value back, as a browser would post it.
    const posted = /name="retour" value="([^"]*)"/.exec(agent.last?.body ?? '')?.[1] ?? '';
    const res = await agent.post('/connexion', { email: 'simple@exemple.fr', password: PASSWORD, retour: posted });
    expect(res.statusCode).toBe(303);
    staysHere(res.headers.location);
    const direct = new Agent(t.app);
    await direct.get('/connexion');
    const raw = await direct.post('/connexion', {
      email: 'simple@exemple.fr',
      password: PASSWORD,
      retour: decodeURIComponent(retour),
    });
    staysHere(raw.headers.location);
    // Already signed in: the login page sends on at once.
    const again = await agent.get(`/connexion?retour=${retour}`);
    expect(again.statusCode).toBe(302);
    staysHere(again.headers.location);
  });

  it.each(HOSTILE)('after the second factor: %s', async (retour) => {
    t.clock.advance(30_000); // a fresh code each time (a used one is refused)
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const first = await agent.post('/connexion', {
      email: 'double@exemple.fr',
      password: PASSWORD,
      retour: decodeURIComponent(retour),
    });
    staysHere(first.headers.location);
    expect(String(first.headers.location)).toMatch(/^\/connexion\/code/);
    await agent.get(`/connexion/code?retour=${retour}`);
    const res = await agent.post('/connexion/code', { code: totp(secret), retour: decodeURIComponent(retour) });
    expect(res.statusCode).toBe(303);
    staysHere(res.headers.location);
    const again = await agent.get(`/connexion/code?retour=${retour}`);
    staysHere(again.headers.location);
  });

  it.each(HOSTILE)('after OpenID Connect: %s', async (retour) => {
    const agent = new Agent(t.app);
    const start = await agent.get(`/connexion/proconnect?retour=${retour}`);
    expect(start.statusCode).toBe(303);
    const back = await walkOidcProvider(String(start.headers.location), 'simple@exemple.fr', 'http://localhost:3000');
    const res = await agent.get(back);
    expect(res.statusCode).toBe(303);
    staysHere(res.headers.location);
  });

  it('refuses a NUL byte in retour with a French 400, sending nowhere', async () => {
    const agent = new Agent(t.app);
    const res = await agent.get('/connexion?retour=/%00/evil.example');
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(visibleText(res.body)).toContain('caractère invalide');
  });

  it('keeps a local return path', async () => {
    const agent = new Agent(t.app);
    await agent.get('/connexion?retour=%2Flieux%3Fq%3Dcentre%2520social');
    const res = await agent.post('/connexion', {
      email: 'simple@exemple.fr',
      password: PASSWORD,
      retour: '/lieux?q=centre%20social',
    });
    expect(res.headers.location).toBe('/lieux?q=centre%20social');
  });
});

describe('OpenID Connect and e-mail addresses', () => {
  it('never signs into an account through an address the provider did not verify', async () => {
    const agent = new Agent(t.app);
    const start = await agent.get('/connexion/proconnect?retour=/espace');
    const back = await walkOidcProvider(
      String(start.headers.location),
      'non-verifiee@exemple.fr',
      'http://localhost:3000',
    );
    const res = await agent.get(back);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion');
    expect(agent.hasCookie('pa_session')).toBe(false);
    expect(visibleText((await agent.follow()).body)).toContain("n'a pas confirmé votre adresse e-mail");
    expect((await agent.get('/espace')).statusCode).toBe(302);
  });
});
