/**
 * A support session names the mandate used (issue 16, PRODUCT.md §3.3), through HTTP on both
 * engines: the form offers the structure's mandates valid on the session's date; recording
 * refuses another structure's mandate, a revoked or expired one, or one not yet signed on that
 * date, with a French field error and nothing written; the edit keeps, changes or removes it;
 * the helper's list shows « Mandat utilisé ».
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeMandate, makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
const PASSWORD = 'une phrase de passe solide';
const REFUSED = "Ce mandat n'est pas valide pour cette structure à cette date.";
let t: TestApp;
let aidant: Agent;
let orgs: { mediatheque: string; autre: string };
let mandates: { valid: string; other: string; revoked: string; expired: string; second: string };

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'sp-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
].join('\n');

function valid(extra: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    organisation: orgs.mediatheque,
    type: 'individuel',
    date: '2026-11-10',
    duree: '45',
    lieu_type: 'lieu',
    lieu: 'sp-port',
    thematiques: ['email'],
    materiel: ['Téléphone'],
    autonomie: 'avec_guidage',
    ...extra,
  };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await t.db.query<{ n: number }>(sql, params))[0]?.n ?? 0);
}
const sessions = () => count('SELECT count(*)::int AS n FROM support_sessions');
const mandateOf = async (id: string) =>
  (await t.db.query<{ mandate_id: string | null }>('SELECT mandate_id FROM support_sessions WHERE id = $1', [id]))[0]
    ?.mandate_id;

beforeAll(async () => {
  t = await createTestApp({ clock });
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  orgs = {
    mediatheque: await makeOrganisation(t.db, 'Médiathèque du Port', 'association', {
      departements: [],
      communes: ['83137'],
    }),
    autre: await makeOrganisation(t.db, 'Autre structure', 'association', { departements: [], communes: ['83137'] }),
  };
  await assignPlace(ld, commandLineActor, 'sp-port', orgs.mediatheque, async () => true);
  const day = (iso: string) => new Date(`${iso}T10:00:00Z`);
  const of = (organisationId: string, givenName: string, familyName: string, extra = {}) =>
    makeMandate(t.db, {
      organisationId,
      givenName,
      familyName,
      createdAt: day('2026-10-01'),
      expiresAt: day('2027-10-01'),
      ...extra,
    });
  mandates = {
    valid: await of(orgs.mediatheque, 'Alice', 'Durand', { families: ['social', 'papiers'] }),
    second: await of(orgs.mediatheque, 'Émile', 'Zola'),
    other: await of(orgs.autre, 'Denis', 'Roux'),
    revoked: await of(orgs.mediatheque, 'Bruno', 'Martin', { revokedAt: day('2026-11-05') }),
    expired: await of(orgs.mediatheque, 'Claire', 'Petit', {
      createdAt: day('2025-11-01'),
      expiresAt: day('2026-11-01'),
    }),
  };
  await makePerson(t.db, 'aidant@mediatheque.fr', PASSWORD, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  await makePerson(t.db, 'responsable@mediatheque.fr', PASSWORD, [
    { organisationId: orgs.mediatheque, role: 'responsable' },
  ]);
  aidant = new Agent(t.app);
  await aidant.get('/connexion');
  const res = await aidant.post('/connexion', {
    email: 'aidant@mediatheque.fr',
    password: PASSWORD,
    retour: '/accompagnements',
  });
  expect(res.statusCode).toBe(303);
  await aidant.get('/accompagnements');
});
afterAll(async () => {
  await t.close();
});

describe('the mandate used in a support session', () => {
  it('offers the structure’s mandates valid on the session’s date, initials only', async () => {
    const form = await aidant.get('/accompagnements/nouveau');
    expect(form.statusCode).toBe(200);
    const text = visibleText(form.body);
    expect(text).toContain('Mandat utilisé (facultatif)');
    expect(text).toContain('A. D. — Papiers - Citoyenneté - Élections, Social - Santé — jusqu’au 01/10/2027');
    expect(text).toContain('E. Z.');
    expect(text).not.toContain('D. R.'); // another structure's
    expect(text).not.toContain('B. M.'); // revoked
    expect(text).not.toContain('C. P.'); // expired
    expect(text).not.toContain('Durand');
  });

  it('records a session with a valid mandate of its structure, journaled with the mandate id, and lists it', async () => {
    const res = await aidant.post('/accompagnements/nouveau', valid({ mandat: mandates.valid }));
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    const [row] = await t.db.query<{ id: string; mandate_id: string }>('SELECT id, mandate_id FROM support_sessions');
    expect(row?.mandate_id).toBe(mandates.valid);
    const [entry] = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM journal WHERE action = 'accompagnement.seance_enregistree' AND target_id = $1",
      [row?.id],
    );
    expect(entry?.details.mandat).toBe(mandates.valid);
    const list = await aidant.get('/accompagnements');
    expect(visibleText(list.body)).toContain('Mandat utilisé : A. D.');
  });

  it.each([
    ['another structure’s mandate', () => mandates.other, '2026-11-10'],
    ['a revoked mandate', () => mandates.revoked, '2026-11-10'],
    ['an expired mandate', () => mandates.expired, '2026-11-10'],
    ['a mandate not yet signed on the session’s date', () => mandates.valid, '2026-09-15'],
    ['an unknown mandate', () => '00000000-0000-4000-8000-000000000000', '2026-11-10'],
    ['something that is not a mandate', () => 'pas-un-mandat', '2026-11-10'],
  ])('refuses %s with a field error, nothing written', async (_what, mandate, date) => {
    const before = await sessions();
    const journalBefore = await count('SELECT count(*)::int AS n FROM journal');
    const res = await aidant.post('/accompagnements/nouveau', valid({ mandat: mandate(), date }));
    expect(res.statusCode).toBe(400);
    expect(visibleText(res.body)).toContain(REFUSED);
    expect(await sessions()).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM journal')).toBe(journalBefore);
  });

  it('accepts a revoked mandate for a session held before the revocation', async () => {
    const res = await aidant.post('/accompagnements/nouveau', valid({ mandat: mandates.revoked, date: '2026-11-04' }));
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
  });

  it('keeps, changes and removes the mandate when the session is edited; refuses an invalid one', async () => {
    // The test clock stands still: the new session is the one that was not there before.
    const before = (await t.db.query<{ id: string }>('SELECT id FROM support_sessions')).map((r) => r.id);
    await aidant.post('/accompagnements/nouveau', valid({ mandat: mandates.valid }));
    const [{ id } = { id: '' }] = await t.db.query<{ id: string }>(
      'SELECT id FROM support_sessions WHERE NOT (id = ANY($1::uuid[]))',
      [before],
    );
    const form = await aidant.get(`/accompagnements/${id}/modifier`);
    expect(form.body).toMatch(new RegExp(`<option value="${mandates.valid}" selected`));
    // Kept: the edit form sends it back.
    let res = await aidant.post(`/accompagnements/${id}/modifier`, valid({ duree: '60', mandat: mandates.valid }));
    expect(res.statusCode, visibleText(res.body).slice(0, 300)).toBe(303);
    expect(await mandateOf(id)).toBe(mandates.valid);
    // Changed.
    res = await aidant.post(`/accompagnements/${id}/modifier`, valid({ mandat: mandates.second }));
    expect(res.statusCode).toBe(303);
    expect(await mandateOf(id)).toBe(mandates.second);
    const [entry] = await t.db.query<{ details: Record<string, unknown> }>(
      "SELECT details FROM journal WHERE action = 'accompagnement.seance_modifiee' AND target_id = $1 ORDER BY id DESC LIMIT 1",
      [id],
    );
    expect(entry?.details.mandat).toBe(mandates.second);
    // Refused: nothing changed.
    res = await aidant.post(`/accompagnements/${id}/modifier`, valid({ duree: '15', mandat: mandates.other }));
    expect(res.statusCode).toBe(400);
    expect(visibleText(res.body)).toContain(REFUSED);
    expect(await mandateOf(id)).toBe(mandates.second);
    expect(await count('SELECT duration_minutes AS n FROM support_sessions WHERE id = $1', [id])).toBe(45);
    // Removed.
    res = await aidant.post(`/accompagnements/${id}/modifier`, valid({ mandat: '' }));
    expect(res.statusCode).toBe(303);
    expect(await mandateOf(id)).toBeNull();
  });

  it('shows the mandate on the person’s page, and offers a linked person’s own mandates only', async () => {
    const res = await aidant.post(
      '/accompagnements/nouveau',
      valid({
        nouvelle_personne: 'on',
        personne_nom: 'Yves',
        personne_annee: '1950',
        personne_commune: '83000',
        mandat: mandates.second,
      }),
    );
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    const [{ person_id: yves } = { person_id: '' }] = await t.db.query<{ person_id: string }>(
      'SELECT person_id FROM support_sessions WHERE person_id IS NOT NULL AND mandate_id = $1',
      [mandates.second],
    );
    const page = await aidant.get(`/accompagnements/personnes/${yves}`);
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('Mandat utilisé : E. Z.');
    // The structure linked the usager of « A. D. » to this person: the form for them offers that one only.
    await t.db.query('UPDATE mandates SET person_id = $1 WHERE id = $2', [yves, mandates.valid]);
    const form = visibleText((await aidant.get(`/accompagnements/nouveau?personne=${yves}`)).body);
    expect(form).toContain('A. D. — ');
    expect(form).not.toContain('E. Z. — ');
  });

  it('exports the reference of the mandate used, the structure’s own only, formula-safe', async () => {
    const res = await aidant.post('/accompagnements/nouveau', valid({ mandat: mandates.second, date: '2026-11-09' }));
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    const [{ id: sessionId } = { id: '' }] = await t.db.query<{ id: string }>(
      'SELECT id FROM support_sessions WHERE mandate_id = $1 ORDER BY created_at DESC LIMIT 1',
      [mandates.second],
    );
    const referenceOf = async (id: string) =>
      (await t.db.query<{ reference: string }>('SELECT reference FROM mandates WHERE id = $1', [id]))[0]
        ?.reference as string;
    const csvOf = (body: string) => parse(body, { delimiter: ';', bom: true, relax_column_count: true }) as string[][];
    const cell = (rows: string[][], id: string, column: string) => {
      const header = rows[0] as string[];
      const row = rows.find((r) => r[header.indexOf('ID séance')] === id) as string[];
      return row[header.indexOf(column)];
    };

    // The helper's own export and the responsable's structure export both name it.
    const own = csvOf((await aidant.post('/accompagnements/export')).body);
    expect(own[0]).toContain('Référence du mandat');
    expect(cell(own, sessionId, 'Référence du mandat')).toBe(await referenceOf(mandates.second));
    const responsable = new Agent(t.app);
    await responsable.get('/connexion');
    await responsable.post('/connexion', { email: 'responsable@mediatheque.fr', password: PASSWORD, retour: '/' });
    await responsable.get('/accompagnements');
    const structureCsv = async () =>
      csvOf((await responsable.post(`/accompagnements/statistiques/structure/${orgs.mediatheque}/export`)).body);
    expect(cell(await structureCsv(), sessionId, 'Référence du mandat')).toBe(await referenceOf(mandates.second));
    // Never the person's name or initials.
    const text = (await structureCsv()).flat().join(' ');
    expect(text).not.toContain('Zola');
    expect(text).not.toContain('E. Z.');

    // A session naming another structure's mandate (forced in the database): nothing shown.
    await t.db.query('UPDATE support_sessions SET mandate_id = $1 WHERE id = $2', [mandates.other, sessionId]);
    expect(cell(await structureCsv(), sessionId, 'Référence du mandat')).toBe('');

    // A reference that starts like a formula is neutralised as every other cell.
    await t.db.query('UPDATE support_sessions SET mandate_id = $1 WHERE id = $2', [mandates.second, sessionId]);
    await t.db.query(`UPDATE mandates SET reference = '=HYPERLINK("https://evil.example")' WHERE id = $1`, [
      mandates.second,
    ]);
    expect(cell(await structureCsv(), sessionId, 'Référence du mandat')).toBe(`'=HYPERLINK("https://evil.example")`);
  });
});
