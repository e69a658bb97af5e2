/**
 * The admin upload forms of the places module (issue 13): the CSRF token travels as a field of
 * the multipart form, never in the URL, and every POST ends with a redirect (303) so a reload
 * of the page shown never posts again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, visibleText } from '../support/agent.ts';
import { makeActor } from '../support/factories.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: Agent;

const communesFile = readFileSync(path.resolve('../shared/data/communes/laposte_hexasmal.csv'), 'utf8')
  .split('\n')
  .slice(0, 400)
  .join('\n');

/** A multipart body as a browser sends it: the fields first, then the file. */
function multipart(fields: Record<string, string>, file: { name: string; content: string }) {
  const boundary = '----passerelle-test-boundary';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`,
  );
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

async function upload(url: string, fields: Record<string, string>, file: { name: string; content: string }) {
  return admin.request({ method: 'POST', url, ...multipart(fields, file) });
}

async function communesCount(): Promise<number> {
  return (await t.db.query<{ n: number }>('SELECT count(DISTINCT code_insee) AS n FROM communes'))[0]?.n ?? 0;
}

beforeAll(async () => {
  t = await createTestApp();
  const actor = await makeActor(t.db, [], { admin: true });
  // An administrator who has set up the second factor (as the pages require).
  await t.db.query('UPDATE users SET totp_enabled_at = $2 WHERE id = $1', [actor.userId, t.clock.now()]);
  admin = await signedInAgent({ ...t, clock: t.clock.now }, actor.userId, '/admin/lieux');
});
afterAll(async () => {
  await t?.close();
});

describe('the communes import form', () => {
  it('carries its token in the form, not the URL', async () => {
    const page = await admin.get('/admin/lieux');
    expect(page.statusCode).toBe(200);
    const actions = [...page.body.matchAll(/action="([^"]*)"/g)].map((m) => m[1]);
    expect(actions).toContain('/admin/lieux/communes');
    expect(actions.filter((a) => a?.includes('_csrf'))).toEqual([]);
    const form = /<form[^>]*action="\/admin\/lieux\/communes"[^>]*>([\s\S]*?)<\/form>/.exec(page.body)?.[1] ?? '';
    expect(form).toMatch(/<input type="hidden" name="_csrf" value="[^"]+"/);
  });

  it('refuses an upload without the token, then replaces the base and redirects (303)', async () => {
    const file = { name: 'laposte_hexasmal.csv', content: communesFile };
    const refused = await upload('/admin/lieux/communes', {}, file);
    expect(refused.statusCode).toBe(403);
    expect(await communesCount()).toBe(0);

    const done = await upload('/admin/lieux/communes', { _csrf: admin.csrf }, file);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/lieux');
    expect(await communesCount()).toBeGreaterThan(300);
    const shown = await admin.follow(done);
    expect(visibleText(shown.body)).toMatch(/Référentiel remplacé : \d+ communes/);
  });
});

describe('the places import simulation', () => {
  it('writes no place and redirects (303) to its report, kept for an hour', async () => {
    const file = {
      name: 'essai.csv',
      content:
        'id,pivot,nom,commune,code_postal,adresse,date_maj,services\n' +
        'sim-1,12345678901234,Essai,Toulon,83000,1 rue,2026-01-10,Aide aux démarches administratives\n',
    };
    await admin.get('/admin/lieux');
    const posted = await upload('/admin/lieux/import', { _csrf: admin.csrf, simulation: 'oui' }, file);
    expect(posted.statusCode).toBe(303);
    const location = String(posted.headers.location);
    expect(location).toMatch(/^\/admin\/lieux\/imports\/[0-9a-f-]{36}$/);
    const places = async () => (await t.db.query<{ n: number }>('SELECT count(*) AS n FROM places'))[0]?.n;
    expect(await places()).toBe(0);

    // Reading it again (a reload) is a GET: same report, still nothing written.
    for (let i = 0; i < 2; i++) {
      const shown = await admin.get(location);
      expect(shown.statusCode).toBe(200);
      const text = visibleText(shown.body);
      expect(text).toMatch(/Rapport d'import du .* \(simulation\)/);
      expect(text).toContain("Simulation : rien n'a été enregistré.");
      expect(text).toMatch(/Lignes lues\s*1/);
    }
    expect(await places()).toBe(0);
    // Not listed among the imports, and gone after an hour.
    expect((await admin.get('/admin/lieux')).body).not.toContain(location);
    // (The report is made older rather than the clock moved on: the session would expire too.)
    await t.db.query('UPDATE place_imports SET finished_at = $2 WHERE id = $1', [
      location.split('/').pop(),
      new Date(t.clock.now().getTime() - 61 * 60 * 1000),
    ]);
    const expired = await admin.get(location);
    expect(expired.statusCode).toBe(404);
    expect(visibleText(expired.body)).toContain('Cette simulation n’est plus gardée');
  });
});
