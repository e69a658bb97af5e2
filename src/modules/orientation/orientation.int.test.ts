/**
 * The orientation through HTTP on a real database (both engines): a whole diagnostic, the
 * session ending on the result, bad input that changes nothing, the slip's public summary,
 * a prescripteur's place and note, honouring, the purge job, and the statistics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { type Actor, commandLineActor } from '../../platform/auth/actor.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';
import { seedOrientationDemo } from './demo.ts';
import { honourSlip, sessionFormUrl } from './index.ts';
import type { NewSlip } from './repository.ts';
import { insertSlip } from './repository.ts';
import { slipCodes } from './slip-code.ts';
import { purgeOrientation } from './slips.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let orgs: Record<'ccas' | 'mediatheque' | 'autre' | 'coordination', string>;
let helper: Actor;
let stranger: Actor;
const PASSWORD = 'une phrase de passe solide';

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '83069;HYERES;83400;;HYERES;43.1018713736,6.18898460144',
  '84007;AVIGNON;84000;;AVIGNON;43.935856,4.840696',
  '54483;ST MARTIN;54450;;ST MARTIN;48.569,6.772',
  '65396;ST MARTIN;65360;;ST MARTIN;43.157,0.056',
].join('\n');
const AIDE = 'Aide aux démarches administratives';
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services,prise_en_charge_specifique,telephone,horaires',
  `or-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,${AIDE},,+33494000001,Mo-Fr 09:00-17:00`,
  `or-anglais,73282932000074,Maison des langues,Toulon,83000,83137,2 rue Nationale,43.1250,5.9300,2026-10-01,${AIDE},Langues étrangères (anglais),,`,
  'or-loisirs,73282932000074,Club photo,Toulon,83000,83137,3 rue Loisirs,43.1240,5.9290,2026-10-01,Loisirs et créations numériques,,,',
  `or-hyeres,73282932000074,Annexe de Hyères,Hyères,83400,83069,2 rue Massillon,43.1190,6.1300,2026-10-01,${AIDE},,,`,
  'or-bases,73282932000074,Atelier numérique,Toulon,83000,83137,4 rue Bases,43.1300,5.9200,2026-10-01,Maîtrise des outils numériques du quotidien,,,',
  `or-fs,73282932000074,France services Toulon,Toulon,83000,83137,5 av Camus,43.1400,5.9500,2026-10-01,${AIDE},,,`,
  `or-avignon,73282932000074,Espace Avignon,Avignon,84000,84007,1 place Horloge,43.949,4.806,2026-10-01,${AIDE},,,`,
].join('\n');

/** Answers of a whole diagnostic, question by question. */
const ANSWERS: Array<[string, Record<string, string | string[]>]> = [
  ['demarche', { reponse: 'etranger' }],
  ['delai', { reponse: 'oui' }],
  ['equipement', { reponse: ['smartphone'] }],
  ['competences', { reponse: ['email'] }],
  ['lecture', { reponse: 'facile' }],
  ['langue', { reponse: 'anglais' }],
  ['aide', { reponse: 'avec_moi' }],
  ['lieu', { commune: '83000' }],
];

function diagnosticId(html: string): string {
  return /name="diagnostic" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

async function start(agent: Agent, fields: Record<string, string> = {}) {
  await agent.get('/orientation');
  const res = await agent.post('/orientation/commencer', fields);
  expect(res.statusCode).toBe(303);
  return agent.follow(res);
}

/** Runs a whole diagnostic; returns the slip code (canonical) from the result's address. */
async function runDiagnostic(agent: Agent, answers = ANSWERS, fields: Record<string, string> = {}): Promise<string> {
  let page = await start(agent, fields);
  for (const [id, answer] of answers) {
    expect(page.statusCode, `question ${id}`).toBe(200);
    const res = await agent.post(`/orientation/question/${id}`, { diagnostic: diagnosticId(page.body), ...answer });
    expect(res.statusCode, `${id}: ${visibleText(res.body).slice(0, 300)}`).toBe(303);
    if (id === answers[answers.length - 1]?.[0]) {
      const location = String(res.headers.location);
      expect(location).toMatch(/^\/orientation\/resultat\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      return location.slice(-9).replace('-', '');
    }
    page = await agent.follow(res);
  }
  throw new Error('unfinished');
}

async function signIn(email: string): Promise<Agent> {
  const agent = new Agent(t.app);
  await agent.get('/connexion');
  const res = await agent.post('/connexion', { email, password: PASSWORD, retour: '/espace' });
  expect(res.statusCode).toBe(303);
  return agent;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await t.db.query<{ n: number }>(sql, params))[0]?.n ?? 0);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  orgs = {
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite'),
    mediatheque: await makeOrganisation(t.db, 'Médiathèque du Port'),
    autre: await makeOrganisation(t.db, 'Autre structure'),
    coordination: await makeOrganisation(t.db, 'Département du Var', 'collectivite'),
  };
  await assignPlace({ db: t.db, clock: clock.now }, commandLineActor, 'or-port', orgs.mediatheque, async () => true);
  await makePerson(t.db, 'prescripteur@ccas.fr', PASSWORD, [{ organisationId: orgs.ccas, role: 'prescripteur' }]);
  await makePerson(t.db, 'aidant@mediatheque.fr', PASSWORD, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  await makePerson(t.db, 'aidant@autre.fr', PASSWORD, [{ organisationId: orgs.autre, role: 'aidant' }]);
  await makePerson(t.db, 'coordination@var.fr', PASSWORD, [
    { organisationId: orgs.coordination, role: 'coordinateur' },
  ]);
  helper = await makeActor(t.db, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  stranger = await makeActor(t.db, [{ organisationId: orgs.autre, role: 'aidant' }]);
});
afterAll(async () => {
  await t.close();
});

describe('the diagnostic', () => {
  it('goes from the first question to a result with level, needs, what to bring, places and a slip', async () => {
    const agent = new Agent(t.app);
    const first = await start(agent);
    expect(visibleText(first.body)).toContain('Question 1 sur 8');
    expect(visibleText(first.body)).toContain('Que devez-vous faire ?');
    const code = await runDiagnostic(agent);
    expect(slipCodes.isCanonical(code)).toBe(true);
    const result = await agent.get(`/orientation/resultat/${slipCodes.format(code)}`);
    expect(result.statusCode).toBe(200);
    const text = visibleText(result.body);
    expect(text).toContain('Urgence numérique');
    expect(text).toContain('Agir vite : une date limite approche.');
    expect(text).toContain('Une aide en anglais.');
    expect(text).toContain('Votre titre de séjour ou votre récépissé.');
    expect(text).toContain(slipCodes.format(code));
    // The place speaking English and helping with procedures comes first; the nearest places are all there.
    const names = [...result.body.matchAll(/<h3 lang="fr" dir="auto">([^<]+)<\/h3>/g)].map((m) => m[1]);
    expect(names[0]).toBe('Maison des langues');
    expect(names).toContain('Club photo');
    expect(names).not.toContain('Espace Avignon');
    // Phone as text, link to the place page, open now shown (10:00 on a Tuesday).
    expect(text).toContain('Appeler le 04 94 00 00 01');
    expect(result.body).toContain('href="/lieux/or-port"');
    expect(text).toContain('Ouvert maintenant, jusqu’à 17 h');
    expect(text).toContain('Horaires à confirmer');
    // The same in English and Arabic: open now and until when, in the page's language.
    const english = visibleText((await agent.get(`/orientation/resultat/${slipCodes.format(code)}?lang=en`)).body);
    expect(english).toContain('Open now, until 17:00');
    expect(english).toContain('Opening hours to be confirmed');
    expect(english).not.toContain('Ouvert maintenant');
    const arabic = visibleText((await agent.get(`/orientation/resultat/${slipCodes.format(code)}?lang=ar`)).body);
    expect(arabic).toContain('مفتوح الآن حتى الساعة 17:00');
    expect(arabic).not.toContain('Ouvert maintenant');
    await agent.get('/orientation?lang=fr');
    expect(result.body).toMatch(/href="sms:\?&amp;body=[^"]+orientation%2Ffiche%2F/);
    expect(result.body).toContain('<svg xmlns="http://www.w3.org/2000/svg" viewBox=');
  });

  it('ends the session on the result: the next person starts from nothing', async () => {
    const agent = new Agent(t.app);
    await runDiagnostic(agent);
    expect(agent.hasCookie('pa_diagnostic')).toBe(false);
    expect(await count('SELECT count(*) AS n FROM orientation_sessions')).toBe(0);
    // Going back to a question does not resume anything.
    const back = await agent.get('/orientation/question/aide');
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe('/orientation');
    // A page of the old diagnostic kept open cannot write into a new one.
    const old = await start(agent);
    const oldId = diagnosticId(old.body);
    await agent.post('/orientation/recommencer');
    await start(agent);
    const stale = await agent.post('/orientation/question/demarche', { diagnostic: oldId, reponse: 'social' });
    expect(stale.statusCode).toBe(409);
    expect(visibleText(stale.body)).toContain(
      'Ce questionnaire est fini ou a été recommencé. Rien n’a été enregistré.'.replace('’', "'"),
    );
  });

  it('refuses skipping, tampering and unknown communes, and changes nothing', async () => {
    const agent = new Agent(t.app);
    const page = await start(agent);
    const id = diagnosticId(page.body);
    const before = await t.db.query<{ answers: unknown; updated_at: Date }>(
      'SELECT answers, updated_at FROM orientation_sessions WHERE id = $1',
      [id],
    );

    const skip = await agent.post('/orientation/question/aide', { diagnostic: id, reponse: 'pour_moi' });
    expect(skip.statusCode).toBe(409);
    expect(visibleText(skip.body)).toContain("Répondez d'abord à la question 1 : Que devez-vous faire ?");
    expect((await agent.get('/orientation/question/lieu')).headers.location).toBe('/orientation/question/demarche');

    const unknown = await agent.post('/orientation/question/demarche', { diagnostic: id, reponse: 'impots<script>' });
    expect(unknown.statusCode).toBe(400);
    expect(visibleText(unknown.body)).toContain("Cette réponse n'existe pas. Choisissez dans la liste.");
    const forged = await agent.post('/orientation/question/demarche', {
      diagnostic: '00000000-0000-0000-0000-000000000000',
      reponse: 'social',
    });
    expect(forged.statusCode).toBe(409);
    const nothing = await agent.post('/orientation/question/demarche', { diagnostic: id });
    expect(nothing.statusCode).toBe(400);
    expect(visibleText(nothing.body)).toContain('Choisissez une réponse.');
    const noQuestion = await agent.post('/orientation/question/inexistante', { diagnostic: id, reponse: 'x' });
    expect(noQuestion.statusCode).toBe(404);

    const after = await t.db.query<{ answers: unknown; updated_at: Date }>(
      'SELECT answers, updated_at FROM orientation_sessions WHERE id = $1',
      [id],
    );
    expect(after).toEqual(before);

    // Boxes: none ticked, or ticked and « rien de tout ça » at once, are refused.
    for (const [q, answer] of ANSWERS.slice(0, 2))
      await agent.post(`/orientation/question/${q}`, { diagnostic: id, ...answer });
    const empty = await agent.post('/orientation/question/equipement', { diagnostic: id });
    expect(empty.statusCode).toBe(400);
    expect(visibleText(empty.body)).toContain("Cochez au moins une case, ou choisissez « Je n'ai rien de tout ça ».");
    const both = await agent.post('/orientation/question/equipement', {
      diagnostic: id,
      reponse: ['smartphone', 'aucun'],
    });
    expect(both.statusCode).toBe(400);
    expect(visibleText(both.body)).toContain("Choisissez l'un ou l'autre.");

    for (const [q, answer] of ANSWERS.slice(2, 7))
      await agent.post(`/orientation/question/${q}`, { diagnostic: id, ...answer });
    const nowhere = await agent.post('/orientation/question/lieu', { diagnostic: id, commune: 'Zzyzxville' });
    expect(nowhere.statusCode).toBe(422);
    expect(visibleText(nowhere.body)).toContain('Nous ne trouvons pas « Zzyzxville ».');
    // A NUL byte is refused by the platform for every route, before the question sees it.
    const nul = await agent.post('/orientation/question/lieu', { diagnostic: id, commune: 'Tou\u0000lon' });
    expect(nul.statusCode).toBe(400);
    expect(visibleText(nul.body)).toContain('caractère invalide');
    const abroad = await agent.post('/orientation/question/lieu', { diagnostic: id, latitude: '999', longitude: '5' });
    expect(abroad.statusCode).toBe(422);
    expect(await count('SELECT count(*) AS n FROM orientation_sessions WHERE location IS NOT NULL')).toBe(0);

    // A name shared by several communes asks which one, then goes on.
    const ambiguous = await agent.post('/orientation/question/lieu', { diagnostic: id, commune: 'Saint-Martin' });
    expect(ambiguous.statusCode).toBe(200);
    expect(visibleText(ambiguous.body)).toContain('Plusieurs villes portent ce nom. Laquelle ?');
    const choice = /name="commune" value="([^"]*65360)"/.exec(ambiguous.body)?.[1];
    expect(choice).toBeDefined();
    const done = await agent.post('/orientation/question/lieu', { diagnostic: id, commune: choice as string });
    expect(done.statusCode).toBe(303);
    expect(String(done.headers.location)).toMatch(/^\/orientation\/resultat\//);
  });

  it('lets a person go back and change an answer, shown as chosen', async () => {
    const agent = new Agent(t.app);
    const page = await start(agent);
    const id = diagnosticId(page.body);
    await agent.post('/orientation/question/demarche', { diagnostic: id, reponse: 'social' });
    await agent.post('/orientation/question/delai', { diagnostic: id, reponse: 'non' });
    const back = await agent.get('/orientation/question/demarche');
    expect(visibleText(back.body)).toContain('Santé, RSA, handicap, chômage (votre réponse)');
    const changed = await agent.post('/orientation/question/demarche', { diagnostic: id, reponse: 'logement' });
    expect(changed.headers.location).toBe('/orientation/question/delai');
    await agent.post('/orientation/recommencer');
    expect(await count('SELECT count(*) AS n FROM orientation_sessions WHERE id = $1', [id])).toBe(0);
  });

  it('speaks English and Arabic, right to left, and keeps the choice', async () => {
    const agent = new Agent(t.app);
    const ar = await agent.get('/orientation?lang=ar');
    expect(ar.body).toMatch(/<html lang="ar" dir="rtl"/);
    expect(visibleText(ar.body)).toContain('ما المساعدة التي تحتاجها لإجراءاتك الإدارية؟');
    expect(visibleText(ar.body)).toContain('هذه الترجمة العربية مسودة');
    const kept = await agent.get('/orientation');
    expect(kept.body).toMatch(/<html lang="ar" dir="rtl"/);
    const en = await agent.get('/orientation?lang=en');
    expect(en.body).toMatch(/<html lang="en"/);
    expect(visibleText(en.body)).toContain('Answer 8 questions.');
    const fr = await agent.get('/orientation?lang=xx');
    expect(fr.body).toMatch(/<html lang="en"/);
  });
});

describe('the slip', () => {
  it('shows its anonymous summary to anyone, never a note', async () => {
    const prescriber = await signIn('prescripteur@ccas.fr');
    const code = await runDiagnostic(prescriber, ANSWERS, { organisation: orgs.ccas });
    const display = slipCodes.format(code);
    const result = await prescriber.get(`/orientation/resultat/${display}`);
    expect(visibleText(result.body)).toContain('Orienter la personne');
    const saved = await prescriber.post(`/orientation/fiche/${display}/orienter`, {
      lieu: 'or-port',
      note: 'Titre de séjour à renouveler avant le 30.',
    });
    expect(saved.statusCode).toBe(303);

    const anonymous = await new Agent(t.app).get(`/orientation/fiche/${display}`);
    expect(anonymous.statusCode).toBe(200);
    const text = visibleText(anonymous.body);
    expect(text).toContain('Urgence numérique');
    expect(text).toContain('Oui, une date limite approche.');
    expect(text).toContain('Médiathèque du Port');
    expect(text).not.toContain('Titre de séjour à renouveler');
    expect(anonymous.body).toContain('noindex');

    // The place's organisation reads the note; another organisation does not.
    const receiver = await signIn('aidant@mediatheque.fr');
    const seen = await receiver.get(`/orientation/fiche/${display}`);
    expect(visibleText(seen.body)).toContain('Titre de séjour à renouveler avant le 30.');
    // The support-session form is linked, pre-filled, once its module provides it.
    const link = `/accompagnements/nouveau?fiche=${display}&amp;thematiques=aide_aux_demarches_administratives`;
    if (t.app.hasRoute({ method: 'GET', url: '/accompagnements/nouveau' })) expect(seen.body).toContain(link);
    else expect(seen.body).not.toContain('/accompagnements/nouveau');
    expect(sessionFormUrl({ code, themes: ['email'], procedure: 'etranger', level: 'urgence' })).toBe(
      `/accompagnements/nouveau?fiche=${display}&thematiques=email&demarche=etranger`,
    );
    const other = await signIn('aidant@autre.fr');
    const hidden = await other.get(`/orientation/fiche/${display}`);
    expect(visibleText(hidden.body)).not.toContain('Titre de séjour à renouveler');
    expect(visibleText(hidden.body)).not.toContain('Marquer la fiche honorée');
    // Another organisation cannot change where the slip sends the person.
    const forbidden = await other.post(`/orientation/fiche/${display}/orienter`, { lieu: 'or-hyeres', note: 'x' });
    expect(forbidden.statusCode).toBe(403);

    // Honouring from the slip page, once.
    const honoured = await receiver.post(`/orientation/fiche/${display}/honorer`, { organisation: orgs.mediatheque });
    expect(honoured.statusCode).toBe(303);
    expect(visibleText((await receiver.follow(honoured)).body)).toContain('La fiche est marquée « honorée ».');
    expect(
      await count('SELECT count(*) AS n FROM journal WHERE action = $1 AND target_id = $2', [
        'orientation.fiche_honoree',
        code,
      ]),
    ).toBe(1);
    const late = await prescriber.post(`/orientation/fiche/${display}/orienter`, { lieu: 'or-hyeres', note: '' });
    expect(late.statusCode).toBe(422);
  });

  it('refuses mistyped, unknown and malformed codes with a clear message', async () => {
    const agent = new Agent(t.app);
    const code = await runDiagnostic(agent);
    const swapped = `${code[1]}${code[0]}${code.slice(2)}`;
    const typo = await agent.get(`/orientation/fiche/${slipCodes.format(code).slice(0, 8)}`);
    expect(typo.statusCode).toBe(400);
    expect(visibleText(typo.body)).toContain('comporte 8 caractères');
    if (swapped !== code) {
      const res = await agent.get(`/orientation/fiche/${swapped}`);
      expect(res.statusCode).toBe(400);
      expect(visibleText(res.body)).toContain('faute de frappe probable');
    }
    let unknown = slipCodes.generate();
    while (unknown === code) unknown = slipCodes.generate();
    expect((await agent.get(`/orientation/fiche/${slipCodes.format(unknown)}`)).statusCode).toBe(404);
    expect((await agent.get('/orientation/fiche/%00%00')).statusCode).toBe(400);
    const lookup = await agent.get(`/orientation/fiche?code=${code.toLowerCase()}`);
    expect(lookup.statusCode).toBe(303);
    expect(lookup.headers.location).toBe(`/orientation/fiche/${slipCodes.format(code)}`);
  });

  it('is honoured once by the receiving organisation, refused to others, and not after 90 days', async () => {
    const code = await runDiagnostic(new Agent(t.app));
    await expect(
      honourSlip({ db: t.db, clock: clock.now }, stranger, code, { organisationId: orgs.mediatheque }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      honourSlip({ db: t.db, clock: clock.now }, undefined, code, { organisationId: orgs.mediatheque }),
    ).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    const first = await honourSlip({ db: t.db, clock: clock.now }, helper, slipCodes.format(code), {
      organisationId: orgs.mediatheque,
    });
    expect(first).toMatchObject({ alreadyHonoured: false, procedure: 'etranger', level: 'urgence' });
    expect(first.themes).toContain('aide_aux_demarches_administratives');
    const again = await honourSlip({ db: t.db, clock: clock.now }, helper, code, { organisationId: orgs.mediatheque });
    expect(again.alreadyHonoured).toBe(true);
    expect(
      await count('SELECT count(*) AS n FROM journal WHERE action = $1 AND target_id = $2', [
        'orientation.fiche_honoree',
        code,
      ]),
    ).toBe(1);

    const old = await runDiagnostic(new Agent(t.app));
    const later = new TestClock(new Date(clock.now().getTime() + 91 * 86_400_000));
    await expect(
      honourSlip({ db: t.db, clock: later.now }, helper, old, { organisationId: orgs.mediatheque }),
    ).rejects.toMatchObject({
      code: 'fiche_expiree',
    });
  });

  it('honours a slip inside the caller’s transaction: both commit, or neither', async () => {
    const code = await runDiagnostic(new Agent(t.app));
    const input = { code: slipCodes.format(code).toLowerCase(), organisationId: orgs.mediatheque };
    const honoured = () =>
      count('SELECT count(*) AS n FROM orientation_slips WHERE code = $1 AND honoured_at IS NOT NULL', [code]);
    const journaled = () =>
      count('SELECT count(*) AS n FROM journal WHERE action = $1 AND target_id = $2', [
        'orientation.fiche_honoree',
        code,
      ]);
    // The caller's own write fails after honouring: neither the « honorée » nor its journal entry stays.
    await expect(
      t.db.transaction(async (tx) => {
        const outcome = await honourSlip({ tx, clock: clock.now }, helper, input);
        expect(outcome).toMatchObject({ code, alreadyHonoured: false, level: 'urgence', procedure: 'etranger' });
        throw new Error('the support session could not be saved');
      }),
    ).rejects.toThrow('the support session could not be saved');
    expect(await honoured()).toBe(0);
    expect(await journaled()).toBe(0);

    // Committed with the caller's write: what pre-fills the session, the needs as the slip has them.
    const outcome = await t.db.transaction((tx) => honourSlip({ tx, clock: clock.now }, helper, input));
    const stored = await t.db.query<{ needs: string[]; themes: string[] }>(
      'SELECT needs, themes FROM orientation_slips WHERE code = $1',
      [code],
    );
    expect(outcome).toMatchObject({ alreadyHonoured: false, needs: stored[0]?.needs, themes: stored[0]?.themes });
    expect(outcome.needs).toEqual(expect.arrayContaining(['agir_vite', 'langue_anglais']));
    expect(await honoured()).toBe(1);
    expect(await journaled()).toBe(1);

    // A mistyped code, or an organisation the actor does not belong to, changes nothing.
    await expect(
      t.db.transaction((tx) =>
        honourSlip({ tx, clock: clock.now }, helper, {
          ...input,
          code: `${input.code.slice(0, -1)}${input.code.endsWith('2') ? '3' : '2'}`,
        }),
      ),
    ).rejects.toMatchObject({ status: 400 });
    await expect(t.db.transaction((tx) => honourSlip({ tx, clock: clock.now }, stranger, input))).rejects.toMatchObject(
      { code: 'forbidden' },
    );
    expect(await journaled()).toBe(1);
  });

  it('purges professionals’ notes when the slip expires, and unfinished diagnostics', async () => {
    const prescriber = await signIn('prescripteur@ccas.fr');
    const code = await runDiagnostic(prescriber, ANSWERS, { organisation: orgs.ccas });
    await prescriber.post(`/orientation/fiche/${slipCodes.format(code)}/orienter`, { lieu: '', note: 'À purger.' });
    await start(new Agent(t.app));
    expect(await count('SELECT count(*) AS n FROM orientation_slip_notes WHERE slip_code = $1', [code])).toBe(1);
    const soon = await t.db.transaction((tx) =>
      purgeOrientation(tx, () => new Date(clock.now().getTime() + 89 * 86_400_000)),
    );
    expect(soon.notes).toBe(0);
    expect(soon.sessions).toBeGreaterThanOrEqual(1);
    const later = await t.db.transaction((tx) =>
      purgeOrientation(tx, () => new Date(clock.now().getTime() + 91 * 86_400_000)),
    );
    expect(later.notes).toBeGreaterThanOrEqual(1);
    expect(await count('SELECT count(*) AS n FROM orientation_slip_notes WHERE slip_code = $1', [code])).toBe(0);
    // The anonymous answers stay for the statistics.
    expect(await count('SELECT count(*) AS n FROM orientation_slips WHERE code = $1', [code])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM journal WHERE action = 'orientation.notes_purgees'")).toBe(1);
  });

  it('is a retention purge of the platform: listed, and run by `passerelle purge`', async () => {
    expect(t.app.jobs.listPurges().map((p) => p.name)).toContain('orientation.purge');
    const prescriber = await signIn('prescripteur@ccas.fr');
    const code = await runDiagnostic(prescriber, ANSWERS, { organisation: orgs.ccas });
    await prescriber.post(`/orientation/fiche/${slipCodes.format(code)}/orienter`, {
      lieu: '',
      note: 'Encore à purger.',
    });
    const notes = () => count('SELECT count(*) AS n FROM orientation_slip_notes WHERE slip_code = $1', [code]);
    expect(await notes()).toBe(1);
    const today = clock.now();
    try {
      clock.set(new Date(today.getTime() + 91 * 86_400_000));
      const report = await t.app.jobs.runPurges();
      expect(report.find((r) => r.name === 'orientation.purge')?.deleted).toBeGreaterThanOrEqual(1);
    } finally {
      clock.set(today);
    }
    expect(await notes()).toBe(0);
  });
});

describe('statistics', () => {
  it('publishes counts per territory and dimension, under 10 as null, in the common shape', async () => {
    await seedOrientationDemo(
      { db: t.db, clock: clock.now },
      { prescriberOrganisationId: orgs.ccas, placeIds: ['or-port'] },
    );
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/orientation' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      seuil: number;
      territoire: string;
      periode: { debut: string; fin: string };
      series: Array<{ dimension: string; valeur: string; nombre: number | null }>;
      indicateurs: Record<string, number | null>;
    };
    expect(body).toMatchObject({ seuil: 10, territoire: 'France' });
    const get = (d: string, v: string) => body.series.find((s) => s.dimension === d && s.valeur === v)?.nombre;
    expect(get('total', 'diagnostics')).toBeGreaterThan(300);
    expect(get('departement', '83')).toBeGreaterThan(100);
    expect(get('departement', '84')).toBeGreaterThan(50);
    expect(get('niveau', 'urgence')).toBeGreaterThan(10);
    // Every published count is null or at least 10; communes below 10 are not listed at all.
    expect(body.series.every((s) => s.nombre === null || s.nombre >= 10)).toBe(true);
    expect(body.series.filter((s) => s.dimension === 'commune').every((s) => s.nombre !== null)).toBe(true);
    expect(get('commune', '83137')).toBeGreaterThan(10);
    expect(get('demarche', 'loisirs')).toBeNull();
    expect(body.indicateurs.part_fiches_honorees_30_jours).toBeGreaterThan(0);
    expect(body.indicateurs.part_fiches_honorees_30_jours).toBeLessThanOrEqual(1);

    const var83 = (
      await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/orientation?departement=83' })
    ).json() as typeof body;
    expect(var83.territoire).toBe('83');
    expect(var83.series.some((s) => s.dimension === 'departement' && s.valeur === '84')).toBe(false);
    for (const bad of ['999', '8', '00', "83' OR 1=1", '%00']) {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/statistiques/orientation?departement=${encodeURIComponent(bad)}`,
      });
      expect(r.statusCode, bad).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('counts the slips honoured within 30 days among those made at least 30 days ago', async () => {
    const now = clock.now();
    const day = 86_400_000;
    const slip = (madeDaysAgo: number, honouredAfterDays: number | null): NewSlip => {
      const createdAt = new Date(now.getTime() - madeDaysAgo * day);
      return {
        code: slipCodes.generate(),
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 90 * day),
        level: 'inclusion',
        needs: ['demarche'],
        themes: ['aide_aux_demarches_administratives'],
        procedure: 'social',
        deadline: 'non',
        equipment: ['smartphone'],
        skills: ['email'],
        reading: 'facile',
        helpLanguage: 'francais',
        helpMode: 'avec_moi',
        interfaceLanguage: 'fr',
        locationLabel: 'Gap',
        communeInsee: '05061',
        departement: '05',
        latitude: 44.56,
        longitude: 6.08,
        prescriberOrganisationId: null,
        prescriberUserId: null,
        isDemo: false,
        honouredAt: honouredAfterDays === null ? null : new Date(createdAt.getTime() + honouredAfterDays * day),
        honouredByOrganisationId: honouredAfterDays === null ? null : orgs.mediatheque,
      };
    };
    // Hautes-Alpes: 20 slips made 40 days ago — 11 honoured after 10 days, 1 after exactly 30 days,
    // 3 after 35 days, 5 never — and 5 made 5 days ago, all honoured (their 30 days are not over).
    const slips = [
      ...Array.from({ length: 11 }, () => slip(40, 10)),
      slip(40, 30),
      ...Array.from({ length: 3 }, () => slip(40, 35)),
      ...Array.from({ length: 5 }, () => slip(40, null)),
      ...Array.from({ length: 5 }, () => slip(5, 1)),
    ];
    for (const s of slips) await insertSlip(t.db, s);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/orientation?departement=05' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { indicateurs: Record<string, number | null> };
    expect(body.indicateurs.part_fiches_honorees_30_jours).toBe(0.6);
  });

  it('is a page for coordinateurs only', async () => {
    const coordination = await signIn('coordination@var.fr');
    const page = await coordination.get('/orientation/statistiques?departement=84');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('Diagnostics anonymes faits sur Vaucluse (84)');
    expect(visibleText(page.body)).toMatch(/Diagnostics terminés : \d+/);
    const helperPage = await (await signIn('aidant@mediatheque.fr')).get('/orientation/statistiques');
    expect(helperPage.statusCode).toBe(403);
    const anonymous = await new Agent(t.app).get('/orientation/statistiques');
    expect([302, 303, 401]).toContain(anonymous.statusCode);
  });
});

describe('the places of a result, read once a minute', () => {
  it('shows a place changed meanwhile at the next minute, in every page of the slip', async () => {
    const agent = new Agent(t.app);
    const code = slipCodes.format(await runDiagnostic(agent));
    const names = async () => {
      const page = await agent.get(`/orientation/resultat/${code}`);
      expect(page.statusCode).toBe(200);
      return [...page.body.matchAll(/<h3 lang="fr" dir="auto">([^<]+)<\/h3>/g)].map((m) => m[1]);
    };
    expect(await names()).toContain('Maison des langues');
    await t.db.query(`UPDATE places SET nom = 'Maison des langues du monde' WHERE id = 'or-anglais'`);
    try {
      // The same minute: the places read a moment ago (the printable slip reads them too).
      expect(await names()).toContain('Maison des langues');
      const printable = await agent.get(`/orientation/fiche/${code}/imprimer`);
      expect(visibleText(printable.body)).toContain('Maison des langues');
      // The next minute: read again, the new name shows.
      clock.advance(60_000);
      const later = await names();
      expect(later).toContain('Maison des langues du monde');
      expect(later).not.toContain('Maison des langues');
      // In another language the same places, from the same minute's read.
      const english = await agent.get(`/orientation/resultat/${code}?lang=en`);
      expect(visibleText(english.body)).toContain('Maison des langues du monde');
    } finally {
      await t.db.query(`UPDATE places SET nom = 'Maison des langues' WHERE id = 'or-anglais'`);
      clock.advance(60_000);
    }
  });
});
