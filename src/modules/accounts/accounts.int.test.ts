import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { createAdministrator } from './create-administrator.ts';

let t: TestApp;
const PASSWORD = 'une phrase de passe solide';

function deps() {
  return {
    db: t.db,
    clock: t.clock.now,
    secretKey: t.config.secretKey,
    operatorName: t.config.operatorName,
    publicUrl: t.config.publicUrl,
  };
}

function linkIn(text: string): string {
  const url = /https?:\/\/\S+/.exec(text)?.[0];
  if (!url) throw new Error(`no link in ${text}`);
  const u = new URL(url);
  return u.pathname + u.search;
}

function codeFor(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s/g, '')) }).generate({
    timestamp: t.clock.now().getTime(),
  });
}

async function countRows(table: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}

/** Administrator with a password and a second factor; returns a signed-in agent and the TOTP secret. */
async function adminAgent(email = 'admin@exemple.fr') {
  const { passwordLink } = await createAdministrator(deps(), { email });
  const agent = new Agent(t.app);
  const path = linkIn(passwordLink);
  await agent.get(path);
  const jeton = new URL(`http://x${path}`).searchParams.get('jeton') as string;
  const saved = await agent.post('/mot-de-passe/nouveau', { jeton, password: PASSWORD, confirmation: PASSWORD });
  expect(saved.statusCode).toBe(303);
  const login = await agent.post('/connexion', { email, password: PASSWORD, retour: '/espace' });
  expect(login.headers.location).toBe('/compte/double-authentification');
  const enrol = await agent.follow();
  const secret = /data-testid="totp-secret"[^>]*>([^<]+)</.exec(enrol.body)?.[1] as string;
  expect(secret).toBeTruthy();
  // A reload shows the same secret (a scan made before it still works); nothing is stored yet.
  const again = await agent.get('/compte/double-authentification');
  expect(/data-testid="totp-secret"[^>]*>([^<]+)</.exec(again.body)?.[1]).toBe(secret);
  expect(await t.db.query('SELECT id FROM users WHERE email = $1 AND totp_secret IS NOT NULL', [email])).toEqual([]);
  const done = await agent.post('/compte/double-authentification', { code: codeFor(secret) });
  expect(done.statusCode).toBe(200);
  expect(done.body).toContain('data-testid="recovery-codes"');
  t.clock.advance(30_000);
  return {
    agent,
    secret,
    recoveryCodes: [...done.body.matchAll(/<li class="pa-code">([^<]+)<\/li>/g)].map((m) => m[1] as string),
  };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('platform', () => {
  it('answers /sante with the engine and version', async () => {
    const res = await t.app.inject('/sante');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: t.db.engine, version: t.config.version });
  });

  it('sends a strict CSP and the usual security headers, and no cookie to a visitor', async () => {
    const res = await t.app.inject('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(visibleText(res.body)).toContain("Besoin d'aide pour une démarche en ligne ?");
  });

  it('shows a French 404 page, and problem+json under /api/', async () => {
    const page = await t.app.inject('/nulle-part');
    expect(page.statusCode).toBe(404);
    expect(visibleText(page.body)).toContain("Cette page n'existe pas ou plus.");
    const api = await t.app.inject('/api/v1/nulle-part');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('serves fingerprinted assets with a long cache', async () => {
    const home = await t.app.inject('/');
    const css = /href="(\/assets\/app\.[0-9a-f]+\.css)"/.exec(home.body)?.[1] as string;
    const res = await t.app.inject({ url: css, headers: { 'accept-encoding': 'br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.headers['content-encoding']).toBe('br');
  });

  it('refuses a form without a valid CSRF token and changes nothing', async () => {
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const users = await countRows('users');
    const res = await agent.post('/admin/organisations', { _csrf: 'faux', name: 'Pirate', kind: 'association' });
    expect(res.statusCode).toBe(403);
    expect(visibleText(res.body)).toContain('Le formulaire a expiré ou ne vient pas de ce site');
    const none = await new Agent(t.app).post('/connexion', { _csrf: '', email: 'a@b.fr', password: 'x' });
    expect(none.statusCode).toBe(403);
    expect(await countRows('users')).toBe(users);
  });

  it('refuses an oversized body with a clear message', async () => {
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const res = await agent.post('/connexion', { email: 'a@b.fr', password: 'x'.repeat(1_100_000) });
    expect(res.statusCode).toBe(413);
    expect(visibleText(res.body)).toContain('trop volumineux');
  });
});

describe('sign-in', () => {
  it('gives the same generic message for a wrong password and an unknown address', async () => {
    await adminAgent('gardien@exemple.fr');
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const wrong = await agent.post('/connexion', { email: 'gardien@exemple.fr', password: 'pas le bon mot de passe' });
    const unknown = await agent.post('/connexion', {
      email: 'personne@exemple.fr',
      password: 'pas le bon mot de passe',
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(visibleText(res.body)).toContain('Adresse e-mail ou mot de passe incorrect.');
    }
    expect(agent.hasCookie('pa_session')).toBe(false);
    expect(wrong.body).toContain('value="gardien@exemple.fr"');
  });

  it('asks the second factor, refuses a wrong or replayed code, accepts a recovery code once', async () => {
    const { secret, recoveryCodes } = await adminAgent('deux@exemple.fr');
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    const login = await agent.post('/connexion', { email: 'deux@exemple.fr', password: PASSWORD, retour: '/espace' });
    expect(login.headers.location).toBe('/connexion/code?retour=%2Fespace');
    // Not signed in yet: the workspace sends back to the login page.
    expect((await agent.get('/espace')).headers.location).toContain('/connexion');
    await agent.get('/connexion/code');
    const bad = await agent.post('/connexion/code', { code: '000000', retour: '/espace' });
    expect(bad.statusCode).toBe(401);
    expect(visibleText(bad.body)).toContain("Ce code n'est pas le bon");
    const code = codeFor(secret);
    const ok = await agent.post('/connexion/code', { code, retour: '/espace' });
    expect(ok.headers.location).toBe('/espace');
    expect((await agent.get('/espace')).statusCode).toBe(200);

    // The same code a second time, on another device, within the same 30 seconds: refused.
    const other = new Agent(t.app);
    await other.get('/connexion');
    await other.post('/connexion', { email: 'deux@exemple.fr', password: PASSWORD });
    await other.get('/connexion/code');
    const replay = await other.post('/connexion/code', { code });
    expect(replay.statusCode).toBe(401);
    expect(visibleText(replay.body)).toContain('Ce code a déjà servi');

    const recovery = recoveryCodes[0] as string;
    const viaRecovery = await other.post('/connexion/code', { code: recovery.toLowerCase(), retour: '/espace' });
    expect(viaRecovery.headers.location).toBe('/espace');
    const third = new Agent(t.app);
    await third.get('/connexion');
    await third.post('/connexion', { email: 'deux@exemple.fr', password: PASSWORD });
    await third.get('/connexion/code');
    expect((await third.post('/connexion/code', { code: recovery })).statusCode).toBe(401);
  });

  it('counts attempts in the rate limit', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_LOGIN: '3' } });
    try {
      const agent = new Agent(limited.app);
      await agent.get('/connexion');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await agent.post('/connexion', { email: 'x@exemple.fr', password: 'mauvais mot de passe' })).statusCode,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(visibleText(agent.last?.body ?? '')).toContain('Trop de tentatives');
    } finally {
      await limited.close();
    }
  });
});

describe('password reset', () => {
  it('sends a single-use link that expires, and ends all sessions', async () => {
    const { agent: first } = await adminAgent('oubli@exemple.fr');
    const agent = new Agent(t.app);
    await agent.get('/mot-de-passe-oublie');
    const sent = await agent.post('/mot-de-passe-oublie', { email: 'OUBLI@exemple.fr ' });
    expect(visibleText(sent.body)).toContain('Si un compte existe pour cette adresse');
    const unknown = await agent.post('/mot-de-passe-oublie', { email: 'inconnu@exemple.fr' });
    expect(visibleText(unknown.body)).toContain('Si un compte existe pour cette adresse');
    const mail = (await t.mails()).find(
      (m) => m.recipient === 'oubli@exemple.fr' && m.subject.includes('mot de passe'),
    );
    expect(mail).toBeDefined();
    expect((await t.mails()).some((m) => m.recipient === 'inconnu@exemple.fr')).toBe(false);
    const path = linkIn(mail?.text ?? '');
    const jeton = new URL(`http://x${path}`).searchParams.get('jeton') as string;

    await agent.get(path);
    const weak = await agent.post('/mot-de-passe/nouveau', { jeton, password: 'court', confirmation: 'court' });
    expect(weak.statusCode).toBe(400);
    expect(visibleText(weak.body)).toContain('au moins 12 caractères');
    const mismatch = await agent.post('/mot-de-passe/nouveau', {
      jeton,
      password: 'nouvelle phrase de passe',
      confirmation: 'autre phrase de passe',
    });
    expect(visibleText(mismatch.body)).toContain('ne sont pas identiques');
    const ok = await agent.post('/mot-de-passe/nouveau', {
      jeton,
      password: 'nouvelle phrase de passe',
      confirmation: 'nouvelle phrase de passe',
    });
    expect(ok.statusCode).toBe(303);
    // The session opened before the reset is over.
    expect((await first.get('/espace')).headers.location).toContain('/connexion');
    const reused = await agent.get(path);
    expect(reused.statusCode).toBe(410);
    expect(visibleText(reused.body)).toContain("Ce lien n'est plus valable");

    await agent.post('/mot-de-passe-oublie', { email: 'oubli@exemple.fr' });
    const second = (await t.mails()).find((m) => m.recipient === 'oubli@exemple.fr' && linkIn(m.text) !== path);
    t.clock.advance(61 * 60_000);
    expect((await agent.get(linkIn(second?.text ?? ''))).statusCode).toBe(410);
  });
});

describe('organisations and members', () => {
  it('validates SIRET, invites a member who joins, and keeps others out', async () => {
    const { agent: admin } = await adminAgent('chef@exemple.fr');
    await admin.get('/admin/organisations');
    const invalid = await admin.post('/admin/organisations', {
      name: 'Médiathèque',
      kind: 'association',
      siret: '12345678901234',
    });
    expect(invalid.statusCode).toBe(400);
    expect(visibleText(invalid.body)).toContain("Ce SIRET n'existe pas");
    expect(invalid.body).toContain('value="Médiathèque"');
    const created = await admin.post('/admin/organisations', {
      name: 'Médiathèque',
      kind: 'association',
      siret: '732 829 320 00074',
    });
    expect(created.statusCode).toBe(303);
    const orgPath = String(created.headers.location).replace('#inviter', '');
    const orgId = orgPath.split('/').pop() as string;
    const duplicate = await admin.post('/admin/organisations', {
      name: 'Copie',
      kind: 'association',
      siret: '73282932000074',
    });
    expect(duplicate.statusCode).toBe(409);

    await admin.get(orgPath);
    const badEmail = await admin.post(`${orgPath}/invitations`, { email: 'pas-une-adresse', role: 'responsable' });
    expect(badEmail.statusCode).toBe(400);
    expect(visibleText(badEmail.body)).toContain('Saisissez une adresse e-mail valide');
    const invited = await admin.post(`${orgPath}/invitations`, { email: 'Resp@Exemple.fr', role: 'responsable' });
    expect(invited.statusCode).toBe(303);
    const mail = (await t.mails()).find((m) => m.recipient === 'resp@exemple.fr');
    expect(mail?.subject).toContain('Médiathèque');
    const path = linkIn(mail?.text ?? '');
    const jeton = new URL(`http://x${path}`).searchParams.get('jeton') as string;

    const newcomer = new Agent(t.app);
    const page = await newcomer.get(path);
    expect(visibleText(page.body)).toContain('Rejoindre Médiathèque');
    const joined = await newcomer.post('/invitation', {
      jeton,
      displayName: 'Rose Responsable',
      password: 'ma phrase de passe',
      confirmation: 'ma phrase de passe',
    });
    expect(joined.headers.location).toBe('/espace');
    const space = await newcomer.follow();
    expect(visibleText(space.body)).toContain('Médiathèque');
    expect((await newcomer.get(path)).statusCode).toBe(410);

    // Already a member: a second invitation is refused.
    await admin.get(orgPath);
    const again = await admin.post(`${orgPath}/invitations`, { email: 'resp@exemple.fr', role: 'aidant' });
    expect(again.statusCode).toBe(409);

    // The responsable invites an aidant; an outsider cannot see or act on the organisation.
    await newcomer.get(orgPath);
    expect(
      (await newcomer.post(`${orgPath}/invitations`, { email: 'aide@exemple.fr', role: 'aidant' })).statusCode,
    ).toBe(303);
    const other = await admin.post('/admin/organisations', { name: 'Autre structure', kind: 'association' });
    const otherPath = String(other.headers.location).replace('#inviter', '');
    await admin.get(otherPath);
    await admin.post(`${otherPath}/invitations`, { email: 'etranger@exemple.fr', role: 'responsable' });
    const outsiderMail = (await t.mails()).find((m) => m.recipient === 'etranger@exemple.fr');
    const outsider = new Agent(t.app);
    const outsiderPath = linkIn(outsiderMail?.text ?? '');
    await outsider.get(outsiderPath);
    await outsider.post('/invitation', {
      jeton: new URL(`http://x${outsiderPath}`).searchParams.get('jeton') as string,
      displayName: 'Élise Étrangère',
      password: 'autre phrase de passe',
      confirmation: 'autre phrase de passe',
    });
    expect((await outsider.get(orgPath)).statusCode).toBe(403);
    await outsider.get('/espace');
    const intrusion = await outsider.post(`${orgPath}/invitations`, {
      email: 'complice@exemple.fr',
      role: 'responsable',
    });
    expect(intrusion.statusCode).toBe(403);
    expect(visibleText(intrusion.body)).toContain("Vous n'avez pas les droits");
    expect((await t.mails()).some((m) => m.recipient === 'complice@exemple.fr')).toBe(false);
    expect(orgId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an expired invitation', async () => {
    const { agent: admin } = await adminAgent('chef2@exemple.fr');
    await admin.get('/admin/organisations');
    const created = await admin.post('/admin/organisations', { name: 'Centre social', kind: 'association' });
    const orgPath = String(created.headers.location).replace('#inviter', '');
    await admin.get(orgPath);
    await admin.post(`${orgPath}/invitations`, { email: 'tard@exemple.fr', role: 'aidant' });
    const mail = (await t.mails()).find((m) => m.recipient === 'tard@exemple.fr');
    t.clock.advance(8 * 86_400_000);
    const res = await new Agent(t.app).get(linkIn(mail?.text ?? ''));
    expect(res.statusCode).toBe(410);
    expect(visibleText(res.body)).toContain("Cette invitation n'est plus valable");
  });
});

describe('sessions', () => {
  it('lists sessions and logs out everywhere', async () => {
    const { agent: a, secret } = await adminAgent('partout@exemple.fr');
    const b = new Agent(t.app);
    await b.get('/connexion');
    await b.post('/connexion', { email: 'partout@exemple.fr', password: PASSWORD });
    await b.get('/connexion/code');
    await b.post('/connexion/code', { code: codeFor(secret) });
    const account = await a.get('/compte');
    expect(visibleText(account.body)).toContain('(cet appareil)');
    expect((account.body.match(/<tr>/g) ?? []).length).toBeGreaterThanOrEqual(3);
    // A third device, closed from the first one: journaled, without the session's id.
    t.clock.advance(30_000);
    const c = new Agent(t.app);
    await c.get('/connexion');
    await c.post('/connexion', { email: 'partout@exemple.fr', password: PASSWORD });
    await c.get('/connexion/code');
    await c.post('/connexion/code', { code: codeFor(secret) });
    const [newest] = await t.db.query<{ id_hash: string; user_id: string }>(
      `SELECT s.id_hash, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE u.email = 'partout@exemple.fr' ORDER BY s.created_at DESC LIMIT 1`,
    );
    await a.get('/compte');
    expect((await a.post('/compte/sessions/fermer', { session: newest?.id_hash as string })).statusCode).toBe(303);
    expect((await c.get('/espace')).headers.location).toContain('/connexion');
    const journal = async (action: string) =>
      t.db.query<{ details: Record<string, unknown> }>(
        'SELECT details FROM journal WHERE action = $1 AND actor_user_id = $2',
        [action, newest?.user_id],
      );
    expect(await journal('compte.session_fermee')).toEqual([{ details: { propre_session: false } }]);
    const out = await a.post('/deconnexion/partout');
    expect(out.headers.location).toBe('/connexion');
    expect((await a.get('/espace')).headers.location).toContain('/connexion');
    expect((await b.get('/espace')).headers.location).toContain('/connexion');
    expect(await journal('compte.deconnexion_partout')).toEqual([{ details: { sessions: 2 } }]);
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });

  it('creates the first administrator and the link to set a password in one transaction', async () => {
    // The link cannot be written (a trigger refuses it): no administrator is left without one.
    await t.db.exec(`CREATE FUNCTION refuse_reset() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'link refused'; END $$;
      CREATE TRIGGER refuse_reset BEFORE INSERT ON password_resets FOR EACH ROW EXECUTE FUNCTION refuse_reset();`);
    try {
      await expect(createAdministrator(deps(), { email: 'sans-lien@exemple.fr' })).rejects.toThrow(/link refused/);
    } finally {
      await t.db.exec('DROP TRIGGER refuse_reset ON password_resets; DROP FUNCTION refuse_reset();');
    }
    expect(await t.db.query("SELECT id FROM users WHERE email = 'sans-lien@exemple.fr'")).toEqual([]);
    const { passwordLink, created } = await createAdministrator(deps(), { email: 'sans-lien@exemple.fr' });
    expect(created).toBe(true);
    expect(passwordLink).toMatch(/\/mot-de-passe\/nouveau\?jeton=/);
  });

  it('ends a session after the idle timeout', async () => {
    const { agent } = await adminAgent('inactif@exemple.fr');
    expect((await agent.get('/espace')).statusCode).toBe(200);
    t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
    expect((await agent.get('/espace')).headers.location).toContain('/connexion');
  });
});

describe('retention', () => {
  it('purges sessions that ended, on schedule or with passerelle purge', async () => {
    await adminAgent('purge@exemple.fr');
    const before = await countRows('sessions');
    expect(before).toBeGreaterThan(0);
    t.clock.advance((t.config.session.maxHours + 1) * 3600_000);
    const report = await t.app.jobs.runPurges();
    expect(report.find((r) => r.name === 'sessions.purge')?.deleted).toBe(before);
    expect(await countRows('sessions')).toBe(0);
    // The same purge is a job of its own on a schedule: its first run is due at once.
    await adminAgent('purge-2@exemple.fr');
    t.clock.advance((t.config.session.maxHours + 1) * 3600_000);
    await t.app.jobs.runDue();
    expect(await countRows('sessions')).toBe(0);
  });
});

describe('journal', () => {
  it('chains entries and names the first altered row', async () => {
    const { verifyJournal } = await import('../../platform/journal/journal.ts');
    const before = await verifyJournal(t.db);
    expect(before.ok).toBe(true);
    expect(before.checked).toBeGreaterThan(5);
    const rows = await t.db.query<{ id: number }>(
      "SELECT id FROM journal WHERE action = 'organisation.creee' ORDER BY id LIMIT 1",
    );
    const id = rows[0]?.id;
    await expect(t.db.query('UPDATE journal SET action = $1 WHERE id = $2', ['falsifie', id])).rejects.toThrow(
      /ajout seul/,
    );
    await t.db.exec('ALTER TABLE journal DISABLE TRIGGER journal_append_only');
    await t.db.query('UPDATE journal SET details = \'{"type":"autre"}\'::jsonb WHERE id = $1', [id]);
    const after = await verifyJournal(t.db);
    expect(after.ok).toBe(false);
    expect(after.problem?.id).toBe(id);
    expect(after.problem?.reason).toContain('ligne modifiée');
    await t.db.exec('ALTER TABLE journal ENABLE TRIGGER journal_append_only');
  });
});
