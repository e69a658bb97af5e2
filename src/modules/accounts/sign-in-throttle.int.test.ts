/**
 * Sign-in throttling (issue 9): failed passwords and second-factor codes counted per account
 * and per address in the database; 429 « Trop de tentatives… » saying when to retry.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { confirmSecondFactorEnrolment, startSecondFactorEnrolment } from './enrol-second-factor.ts';
import { findUserByEmail } from './repository.ts';

const PASSWORD = 'une phrase de passe solide';
let t: TestApp;
let org: string;
let n = 0;

/** One sign-in form post from a given client address. */
async function signIn(email: string, password: string, address: string) {
  const agent = new Agent(t.app);
  await agent.get('/connexion');
  const params = new URLSearchParams({ _csrf: agent.csrf, email, password, retour: '/espace' });
  return agent.request({
    method: 'POST',
    url: '/connexion',
    payload: params.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    remoteAddress: address,
  });
}

async function person(): Promise<string> {
  n += 1;
  const email = `personne${n}@exemple.fr`;
  await makePerson(t.db, email, PASSWORD, [{ organisationId: org, role: 'aidant' }]);
  return email;
}

beforeAll(async () => {
  t = await createTestApp({ env: { SIGN_IN_FAILURES_PER_ADDRESS: '30' } });
  org = await makeOrganisation(t.db, 'Structure');
});
afterAll(async () => {
  await t?.close();
});

describe('sign-in throttling', () => {
  it('refuses an account after 10 failures in 15 minutes, from any address, and says when to retry', async () => {
    const email = await person();
    for (let i = 0; i < 10; i++) {
      expect((await signIn(email, 'mauvais mot de passe', `10.0.0.${i + 1}`)).statusCode).toBe(401);
    }
    const blocked = await signIn(email, PASSWORD, '10.0.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(visibleText(blocked.body)).toMatch(/Trop de tentatives de connexion\. .*réessayez à partir de \d\d h \d\d/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // An unknown address is counted the same way: nothing tells which accounts exist.
    for (let i = 0; i < 10; i++) await signIn('inconnu@exemple.fr', 'mauvais mot de passe', '10.0.2.1');
    expect((await signIn('inconnu@exemple.fr', 'mauvais mot de passe', '10.0.2.2')).statusCode).toBe(429);

    t.clock.advance(15 * 60_000 + 1000);
    expect((await signIn(email, PASSWORD, '10.0.1.1')).statusCode).toBe(303);
  });

  it('lets other people of one office in when one of them fails, up to a per-address limit well above', async () => {
    const office = '192.0.2.10';
    const tired = await person();
    for (let i = 0; i < 12; i++) await signIn(tired, 'mauvais mot de passe', office);
    expect((await signIn(tired, PASSWORD, office)).statusCode).toBe(429);
    const colleague = await person();
    expect((await signIn(colleague, PASSWORD, office)).statusCode).toBe(303);
    // 30 failures from one address (this app's setting; 100 by default) block the address.
    // (The account refused above counted 10: refused attempts are not counted again.)
    for (let i = 0; i < 20; i++) await signIn(`inconnu${i}@exemple.fr`, 'mauvais mot de passe', office);
    const late = await person();
    expect((await signIn(late, PASSWORD, office)).statusCode).toBe(429);
    expect((await signIn(late, PASSWORD, '192.0.2.11')).statusCode).toBe(303);
  });

  it('counts wrong second-factor codes and journals each', async () => {
    const email = await person();
    const user = await findUserByEmail(t.db, email);
    const userId = user?.id as string;
    const deps = { db: t.db, clock: t.clock.now, secretKey: t.config.secretKey, operatorName: 'Test' };
    const { secret, pending } = await startSecondFactorEnrolment(deps, userId);
    const code = () =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: t.clock.now().getTime() });
    await confirmSecondFactorEnrolment(deps, userId, { code: code() }, pending);
    t.clock.advance(30_000);

    const agent = new Agent(t.app);
    await agent.get('/connexion');
    expect((await agent.post('/connexion', { email, password: PASSWORD })).headers.location).toMatch(
      /^\/connexion\/code/,
    );
    await agent.get('/connexion/code');
    for (let i = 0; i < 10; i++) {
      expect((await agent.post('/connexion/code', { code: '000000' })).statusCode).toBe(401);
    }
    const blocked = await agent.post('/connexion/code', { code: code() });
    expect(blocked.statusCode).toBe(429);
    expect(visibleText(blocked.body)).toContain('Trop de tentatives');
    const journaled = await t.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM journal WHERE action = 'compte.double_authentification_refusee' AND target_id = $1",
      [userId],
    );
    expect(journaled[0]?.n).toBe(10);
    // The password form is closed to that account too.
    expect((await signIn(email, PASSWORD, '10.9.9.9')).statusCode).toBe(429);
  });

  it('keeps nothing that identifies a person in the throttle table', async () => {
    const email = await person();
    await signIn(email, 'mauvais mot de passe', '203.0.113.7');
    const rows = await t.db.query<{ subject: string }>('SELECT subject FROM sign_in_failures');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.subject).not.toMatch(/@|203\.0\.113/);
  });
});
