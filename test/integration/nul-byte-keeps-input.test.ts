/**
 * « Bad input gets a clear message and loses nothing »: a form carrying a NUL byte (pasted from
 * a PDF…) is refused with a French 400 page that names the field, shows what was typed and
 * offers to resend it without the NUL to the same path — the CSRF check running again on the
 * resend — on the support session form. Secrets are never echoed, another site's post is never
 * shown, and a NUL in the URL gets no resend form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Agent, visibleText } from '../support/agent.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
const PASSWORD = 'une phrase de passe solide';
let t: TestApp;
let org: string;
let aidant: Agent;

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'sp-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
].join('\n');

function sessionFields(notes: string): Record<string, string | string[]> {
  return {
    organisation: org,
    type: 'individuel',
    date: '2026-11-10',
    duree: '45',
    lieu_type: 'lieu',
    lieu: 'sp-port',
    thematiques: ['email', 'bureautique'],
    materiel: ['Téléphone'],
    autonomie: 'avec_guidage',
    notes,
  };
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The resend form of a 400 page, as a browser would submit it: its action and its fields. */
function resendForm(html: string): { action: string; fields: Array<[string, string]> } | undefined {
  const form =
    /<form method="post" action="([^"]*)">((?:(?!<\/form>)[\s\S])*Renvoyer sans le caractère invalide[\s\S]*?)<\/form>/.exec(
      html,
    );
  if (!form) return undefined;
  const fields: Array<[string, string]> = [];
  for (const input of (form[2] as string).matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields.push([decode(name), decode(value)]);
  }
  return { action: decode(form[1] as string), fields };
}

async function submit(agent: Agent, url: string, fields: Array<[string, string]>) {
  return agent.request({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

const sessions = async () =>
  Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM support_sessions'))[0]?.n);

beforeAll(async () => {
  t = await createTestApp({ clock });
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  org = await makeOrganisation(t.db, 'Médiathèque du Port', 'association', { departements: [], communes: ['83137'] });
  await assignPlace(ld, commandLineActor, 'sp-port', org, async () => true);
  await makePerson(t.db, 'aidant@mediatheque.fr', PASSWORD, [{ organisationId: org, role: 'aidant' }]);
  aidant = new Agent(t.app);
  await aidant.get('/connexion');
  const res = await aidant.post('/connexion', { email: 'aidant@mediatheque.fr', password: PASSWORD, retour: '/' });
  expect(res.statusCode).toBe(303);
  await aidant.get('/accompagnements/nouveau');
});
afterAll(async () => {
  await t?.close();
});

describe('a NUL byte in a form', () => {
  it('answers 400 naming the field, shows what was typed, and resends it without the NUL', async () => {
    const before = await sessions();
    const submittedToken = aidant.csrf;
    const res = await aidant.post('/accompagnements/nouveau', sessionFields('Boîte mail\u0000 « perdue » & retrouvée'));
    expect(res.statusCode).toBe(400);
    const text = visibleText(res.body);
    expect(text).toContain('Le champ « notes » contient un caractère invalide (octet nul)');
    expect(text).toContain('Votre saisie est conservée');
    expect(text).toContain('Boîte mail « perdue » & retrouvée');
    expect(text).toContain('Renvoyer sans le caractère invalide');
    expect(await sessions()).toBe(before);

    const form = resendForm(res.body);
    expect(form?.action).toBe('/accompagnements/nouveau');
    expect(form?.fields).toContainEqual(['_csrf', submittedToken]);
    expect(form?.fields).toContainEqual(['notes', 'Boîte mail « perdue » & retrouvée']);
    // Repeated fields come back repeated.
    expect(form?.fields.filter(([k]) => k === 'thematiques').map(([, v]) => v)).toEqual(['email', 'bureautique']);

    const resent = await submit(aidant, form?.action as string, form?.fields ?? []);
    expect(resent.statusCode, visibleText(resent.body).slice(0, 300)).toBe(303);
    expect(await sessions()).toBe(before + 1);
    const [row] = await t.db.query<{ notes: string }>(
      'SELECT notes FROM support_sessions ORDER BY created_at DESC LIMIT 1',
    );
    expect(row?.notes).toBe('Boîte mail « perdue » & retrouvée');
  });

  it('checks the CSRF token again on the resend', async () => {
    const res = await aidant.post('/accompagnements/nouveau', sessionFields('a\u0000b'));
    const form = resendForm(res.body);
    expect(form).toBeDefined();
    const before = await sessions();
    const forged = (form?.fields ?? []).map(([k, v]): [string, string] => [k, k === '_csrf' ? `${v}x` : v]);
    const resent = await submit(aidant, form?.action as string, forged);
    expect(resent.statusCode).toBe(403);
    expect(await sessions()).toBe(before);
  });

  it('shows nothing back for a post without a valid token (another site’s form)', async () => {
    const res = await aidant.post('/accompagnements/nouveau', {
      ...sessionFields('<b>Texte posté ailleurs</b>\u0000'),
      _csrf: 'jeton-invente',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('Texte posté ailleurs');
    expect(resendForm(res.body)).toBeUndefined();
  });

  it('never echoes a password: it is asked again', async () => {
    const visitor = new Agent(t.app);
    await visitor.get('/connexion');
    const res = await visitor.post('/connexion', {
      email: 'aidant@mediatheque.fr',
      password: `${PASSWORD}\u0000`,
      retour: '/',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(PASSWORD);
    expect(visibleText(res.body)).toContain('aidant@mediatheque.fr');
    const form = resendForm(res.body);
    expect(form?.action).toBe('/connexion');
    expect(form?.fields).toContainEqual(['password', '']);
    expect(res.body).toMatch(
      /<input[^>]*name="password"[^>]*type="password"|<input[^>]*type="password"[^>]*name="password"/,
    );
    // Typed again, the resend signs in.
    const typedAgain = (form?.fields ?? []).map(([k, v]): [string, string] => [k, k === 'password' ? PASSWORD : v]);
    expect((await submit(visitor, '/connexion', typedAgain)).statusCode).toBe(303);
  });

  it('offers no resend when the URL itself holds the NUL byte', async () => {
    const res = await aidant.post('/accompagnements/nouveau?retour=%00', sessionFields('a\u0000b'));
    expect(res.statusCode).toBe(400);
    expect(visibleText(res.body)).toContain('octet nul');
    expect(resendForm(res.body)).toBeUndefined();
  });
});
