/**
 * Smaller holes of issue 9, each closed: old reset links after a password change, switching
 * the second factor off without re-authenticating, the session id kept across the second
 * factor, the development mailbox open to anyone, raw Fastify errors for odd URLs.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { SESSION_COOKIE } from '../../platform/auth/auth-plugin.ts';
import { enqueue, takeScheduledHint } from '../../platform/outbox/outbox.ts';
import { confirmSecondFactorEnrolment, startSecondFactorEnrolment } from './enrol-second-factor.ts';
import { findUserByEmail } from './repository.ts';

const PASSWORD = 'une phrase de passe solide';
let t: TestApp;
let org: string;
let n = 0;

async function person(): Promise<{ email: string; userId: string }> {
  n += 1;
  const email = `durci${n}@exemple.fr`;
  await makePerson(t.db, email, PASSWORD, [{ organisationId: org, role: 'aidant' }]);
  return { email, userId: (await findUserByEmail(t.db, email))?.id as string };
}

async function withTotp(userId: string): Promise<() => string> {
  const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'Test' };
  const { secret, pending } = await startSecondFactorEnrolment(deps, userId);
  const code = () =>
    new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: t.clock.now().getTime() });
  await confirmSecondFactorEnrolment(deps, userId, { code: code() }, pending);
  t.clock.advance(30_000);
  return code;
}

function resetPath(text: string): string {
  const u = new URL(/https?:\/\/\S+/.exec(text)?.[0] as string);
  return u.pathname + u.search;
}

beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrganisation(t.db, 'Structure');
});
afterAll(async () => {
  await t?.close();
});

describe('account hardening', () => {
  it('voids every older reset link once the password has changed', async () => {
    const { email } = await person();
    const agent = new Agent(t.app);
    await agent.get('/mot-de-passe-oublie');
    await agent.post('/mot-de-passe-oublie', { email });
    t.clock.advance(60_000);
    await agent.post('/mot-de-passe-oublie', { email });
    const links = (await t.mails()).filter((m) => m.recipient === email).map((m) => resetPath(m.text));
    expect(new Set(links).size).toBe(2);
    const [newest, older] = links as [string, string];
    await agent.get(newest);
    const jeton = new URL(`http://x${newest}`).searchParams.get('jeton') as string;
    const changed = await agent.post('/mot-de-passe/nouveau', {
      jeton,
      password: 'nouvelle phrase de passe',
      confirmation: 'nouvelle phrase de passe',
    });
    expect(changed.statusCode).toBe(303);
    const old = await agent.get(older);
    expect(old.statusCode).toBe(410);
    expect(visibleText(old.body)).toContain("Ce lien n'est plus valable");
  });

  it('asks a current code before switching the second factor off', async () => {
    const { userId } = await person();
    const code = await withTotp(userId);
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, userId, '/compte');
    expect(agent.last?.body).toContain('name="code"');
    const bare = await agent.post('/compte/double-authentification/desactiver', {});
    expect(bare.statusCode).toBe(303);
    expect(visibleText((await agent.follow()).body)).toContain('Saisissez le code');
    const wrong = await agent.post('/compte/double-authentification/desactiver', { code: '000000' });
    expect(wrong.statusCode).toBe(303);
    expect(visibleText((await agent.follow()).body)).toContain("Ce code n'est pas le bon");
    expect((await findUserByEmail(t.db, `durci${n}@exemple.fr`))?.totpEnabledAt).not.toBeNull();
    const right = await agent.post('/compte/double-authentification/desactiver', { code: code() });
    expect(right.statusCode).toBe(303);
    expect(visibleText((await agent.follow()).body)).toContain('La double authentification est désactivée');
    expect((await findUserByEmail(t.db, `durci${n}@exemple.fr`))?.totpEnabledAt).toBeNull();
  });

  it('gives a new session id once the second factor is given', async () => {
    const { email, userId } = await person();
    const code = await withTotp(userId);
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const first = await agent.post('/connexion', { email, password: PASSWORD });
    const pending = first.cookies.find((c) => c.name === SESSION_COOKIE)?.value as string;
    expect(pending).toBeTruthy();
    await agent.get('/connexion/code');
    const done = await agent.post('/connexion/code', { code: code(), retour: '/espace' });
    expect(done.statusCode).toBe(303);
    const renewed = done.cookies.find((c) => c.name === SESSION_COOKIE)?.value as string;
    expect(renewed).toBeTruthy();
    expect(renewed).not.toBe(pending);
    expect((await agent.get('/espace')).statusCode).toBe(200);
    // The id known before the second factor opens nothing.
    const stale = new Agent(t.app);
    stale.setCookie(SESSION_COOKIE, pending);
    expect((await stale.get('/espace')).statusCode).toBe(302);
  });

  it('serves the development mailbox only to this machine or a signed-in administrator', async () => {
    const fromHere = await t.app.inject({ url: '/dev/boite-mail', remoteAddress: '127.0.0.1' });
    expect(fromHere.statusCode).toBe(200);
    const fromAfar = await t.app.inject({ url: '/dev/boite-mail', remoteAddress: '203.0.113.9' });
    expect(fromAfar.statusCode).toBe(404);
    expect(fromAfar.body).not.toContain('mot de passe');
    const { userId } = await person();
    const member = await signedInAgent({ ...t, clock: t.clock.now }, userId, '/espace');
    expect((await member.request({ url: '/dev/boite-mail', remoteAddress: '203.0.113.9' })).statusCode).toBe(404);
    const admin = await makeActor(t.db, [], { admin: true });
    const adminAgent = await signedInAgent({ ...t, clock: t.clock.now }, admin.userId, '/espace');
    expect((await adminAgent.request({ url: '/dev/boite-mail', remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
  });

  it('delivers a waiting mail when the development mailbox is opened (its GET is read-only)', async () => {
    // The mail is only scheduled: nothing has delivered it yet (no polling in tests, no response hook).
    takeScheduledHint();
    await enqueue(t.db, 'mail', {
      to: 'personne@example.org',
      subject: 'Courriel en attente de livraison',
      text: 'Bonjour',
    });
    takeScheduledHint();
    const page = await t.app.inject({ url: '/dev/boite-mail', remoteAddress: '127.0.0.1' });
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('Courriel en attente de livraison');
  });

  it('answers overlong or malformed URLs with a French error, not Fastify’s', async () => {
    const long = 'a'.repeat(300);
    for (const url of [`/lieux/${long}`, `/pass/programmes/${long}/bilan`, '/pass/programmes/%E0%A4%A/bilan']) {
      const res = await t.app.inject(url);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toContain('FST_ERR');
      expect(res.headers['content-type']).toContain('text/html');
      expect(visibleText(res.body)).toMatch(/L'adresse demandée (est trop longue|n'est pas valide)/);
    }
    const api = await t.app.inject(`/api/v1/lieux/${long}`);
    expect(api.statusCode).toBe(414);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({
      code: 'url_too_long',
      title: "L'adresse demandée est trop longue : vérifiez le lien.",
    });
  });
});
