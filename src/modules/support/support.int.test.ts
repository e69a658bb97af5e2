/**
 * Support sessions through HTTP on a real database (both engines): recording with the form
 * (defaults remembered, adaptive durations), every bad input of issue 14 refused with a French
 * message and nothing changed, workshops with anonymous counts, changing and deleting within
 * 7 days, a session recorded from an orientation slip, statistics pages, exports and the
 * open-data API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';
import { seedOrientationDemo } from '../orientation/index.ts';
import { sessionFormUrlForVoucher } from './index.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let orgs: Record<'mediatheque' | 'autre' | 'coordination' | 'ccas', string>;
const PASSWORD = 'une phrase de passe solide';

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '83069;HYERES;83400;;HYERES;43.1018713736,6.18898460144',
  '84007;AVIGNON;84000;;AVIGNON;43.935856,4.840696',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'sp-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
  'sp-annexe,73282932000074,Annexe du Port,Hyères,83400,83069,2 rue Massillon,43.1190,6.1300,2026-10-01,Aide aux démarches administratives',
  'sp-autre,73282932000074,Espace ailleurs,Toulon,83000,83137,3 rue Ailleurs,43.1250,5.9300,2026-10-01,Aide aux démarches administratives',
].join('\n');

async function signIn(email: string): Promise<Agent> {
  const agent = new Agent(t.app);
  await agent.get('/connexion');
  const res = await agent.post('/connexion', { email, password: PASSWORD, retour: '/accompagnements' });
  expect(res.statusCode).toBe(303);
  await agent.get('/accompagnements');
  return agent;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await t.db.query<{ n: number }>(sql, params))[0]?.n ?? 0);
}

const sessions = () => count('SELECT count(*)::int AS n FROM support_sessions');
const journal = (action: string) => count('SELECT count(*)::int AS n FROM journal WHERE action = $1', [action]);

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

let aidant: Agent;

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
    coordination: await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
      departements: ['83'],
      communes: [],
    }),
    ccas: await makeOrganisation(t.db, 'CCAS', 'collectivite'),
  };
  for (const [id, org] of [
    ['sp-port', orgs.mediatheque],
    ['sp-annexe', orgs.mediatheque],
    ['sp-autre', orgs.autre],
  ] as const) {
    await assignPlace(ld, commandLineActor, id, org, async () => true);
  }
  await makePerson(t.db, 'aidant@mediatheque.fr', PASSWORD, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  await makePerson(t.db, 'collegue@mediatheque.fr', PASSWORD, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  await makePerson(t.db, 'responsable@mediatheque.fr', PASSWORD, [
    { organisationId: orgs.mediatheque, role: 'responsable' },
  ]);
  await makePerson(t.db, 'aidant@autre.fr', PASSWORD, [{ organisationId: orgs.autre, role: 'aidant' }]);
  await makePerson(t.db, 'coordination@var.fr', PASSWORD, [
    { organisationId: orgs.coordination, role: 'coordinateur' },
  ]);
  aidant = await signIn('aidant@mediatheque.fr');
});
afterAll(async () => {
  await t.close();
});

describe('recording a session', () => {
  it('records an individual session from the form, journaled, and lists it', async () => {
    const form = await aidant.get('/accompagnements/nouveau');
    expect(form.statusCode).toBe(200);
    const text = visibleText(form.body);
    expect(text).toContain('Enregistrer un accompagnement');
    expect(text).toContain('Fait à la place de la personne');
    expect(text).toContain('Médiathèque du Port (Toulon)');
    const res = await aidant.post('/accompagnements/nouveau', valid({ notes: 'Vient pour sa boîte mail.' }));
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    const list = await aidant.follow(res);
    expect(visibleText(list.body)).toContain('Séance enregistrée');
    expect(visibleText(list.body)).toContain('E-mail');
    expect(await sessions()).toBe(1);
    expect(await journal('accompagnement.seance_enregistree')).toBe(1);
    const [row] = await t.db.query<{ departement: string; commune_insee: string }>(
      'SELECT departement, commune_insee FROM support_sessions',
    );
    expect(row).toEqual({ departement: '83', commune_insee: '83137' });
    // The journal holds facts, never the notes.
    const details = await t.db.query<{ details: unknown }>(
      "SELECT details FROM journal WHERE action = 'accompagnement.seance_enregistree'",
    );
    expect(JSON.stringify(details)).not.toContain('boîte mail');
  });

  it('remembers the last choices: the next form opens with the same place, duration and device', async () => {
    await aidant.post('/accompagnements/nouveau', valid({ lieu: 'sp-annexe', duree: '60', materiel: ['Tablette'] }));
    const form = await aidant.get('/accompagnements/nouveau');
    expect(form.body).toMatch(/<option value="sp-annexe" selected/);
    expect(form.body).toMatch(/value="60" checked/);
    expect(form.body).toMatch(/value="Tablette" checked/);
  });

  it('offers a duration used more than 5 times', async () => {
    expect((await aidant.get('/accompagnements/nouveau')).body).not.toContain('value="40"');
    for (let i = 0; i < 6; i++) {
      const res = await aidant.post('/accompagnements/nouveau', valid({ duree: 'autre', duree_autre: '40' }));
      expect(res.statusCode).toBe(303);
    }
    const form = await aidant.get('/accompagnements/nouveau');
    expect(form.body).toMatch(/value="40" checked/);
    expect(visibleText(form.body)).toContain('40 min');
  });

  it('opens pre-filled after a voucher redemption: place, day and the service’s theme', async () => {
    const url = sessionFormUrlForVoucher({
      placeId: 'sp-annexe',
      service: 'Aide aux démarches administratives',
      date: '2026-11-09',
    });
    const form = await aidant.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<option value="sp-annexe" selected/);
    expect(form.body).toContain('value="2026-11-09"');
    expect(form.body).toMatch(/value="aide_aux_demarches_administratives" checked/);
  });

  it('records a workshop with anonymous participants kept as counts', async () => {
    const before = await sessions();
    const res = await aidant.post(
      '/accompagnements/nouveau',
      valid({
        type: 'atelier',
        autonomie: '',
        atelier_titre: 'Premiers pas sur smartphone',
        atelier_niveau: 'debutant',
        anonymes_total: '8',
        anonymes_deja: '3',
        anonymes_genre_feminin: '5',
        anonymes_genre_masculin: '3',
        anonymes_age_5: '4',
      }),
    );
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    expect(await sessions()).toBe(before + 1);
    const [w] = await t.db.query<{ anonymous_total: number; anonymous_counts: { genre: Record<string, number> } }>(
      "SELECT anonymous_total, anonymous_counts FROM support_sessions WHERE kind = 'atelier'",
    );
    expect(w?.anonymous_total).toBe(8);
    expect(w?.anonymous_counts.genre).toEqual({ feminin: 5, masculin: 3 });
  });
});

describe('bad input gets a clear answer and changes nothing', () => {
  const cases: Array<[string, Record<string, string | string[]>, string]> = [
    ['a session in the future', { date: '2026-11-11' }, 'La date est dans le futur'],
    ['an impossible date', { date: '2026-02-30' }, 'La date n’existe pas'],
    ['a duration of 0', { duree: 'autre', duree_autre: '0' }, 'La durée ne peut pas être nulle'],
    ['a duration over 8 hours', { duree: 'autre', duree_autre: '481' }, 'au plus 8 heures'],
    ['a huge duration', { duree: 'autre', duree_autre: '99999999999999999999' }, 'La durée se saisit en minutes'],
    ['no theme', { thematiques: [] }, 'Cochez au moins un thème.'],
    ['an unknown theme', { thematiques: ['piratage'] }, 'Un des thèmes choisis n’existe pas.'],
    [
      'a workshop with no participant',
      { type: 'atelier', atelier_titre: 'Atelier', atelier_niveau: 'debutant', anonymes_total: '0' },
      'Un atelier a au moins un participant',
    ],
    [
      'anonymous counts over the total',
      {
        type: 'atelier',
        atelier_titre: 'Atelier',
        atelier_niveau: 'debutant',
        anonymes_total: '2',
        anonymes_genre_feminin: '3',
      },
      'Femmes et hommes ensemble dépassent le total.',
    ],
    [
      'a place that is not one of the structure’s',
      { lieu: 'sp-autre' },
      "Ce lieu n'est pas un des lieux de votre structure",
    ],
    ['a NUL byte in the notes', { notes: 'a\u0000b' }, 'octet nul'],
    [
      'an unknown commune for a home visit',
      { lieu_type: 'domicile', commune: 'Nulle-Part-sur-Mer' },
      'Commune inconnue',
    ],
    ['an unknown person', { personne: '00000000-0000-4000-8000-000000000000' }, 'Personne introuvable'],
  ];
  for (const [name, fields, message] of cases) {
    it(`refuses ${name}`, async () => {
      const before = await sessions();
      const journalBefore = await journal('accompagnement.seance_enregistree');
      const res = await aidant.post('/accompagnements/nouveau', valid(fields));
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(visibleText(res.body)).toContain(message);
      expect(await sessions()).toBe(before);
      expect(await journal('accompagnement.seance_enregistree')).toBe(journalBefore);
    });
  }

  it('keeps what was typed when the form comes back with an error', async () => {
    const res = await aidant.post('/accompagnements/nouveau', valid({ thematiques: [], notes: 'À garder' }));
    expect(res.body).toContain('À garder');
    expect(res.body).toMatch(/value="45" checked/);
  });

  it('refuses a structure where the person does not help', async () => {
    const res = await aidant.post('/accompagnements/nouveau', valid({ organisation: orgs.autre, lieu: 'sp-autre' }));
    expect(res.statusCode).toBe(403);
  });
});

describe('changing and deleting', () => {
  /** Records a session one second after the previous one (so that « newest » is well defined). */
  async function record(fields: Record<string, string | string[]> = {}): Promise<void> {
    clock.advance(1000);
    expect((await aidant.post('/accompagnements/nouveau', valid(fields))).statusCode).toBe(303);
  }

  async function newest(): Promise<string> {
    const rows = await t.db.query<{ id: string }>('SELECT id FROM support_sessions ORDER BY created_at DESC LIMIT 1');
    return rows[0]?.id as string;
  }

  it('lets the helper change their own session, journaled', async () => {
    await record({ duree: '30' });
    const id = await newest();
    const form = await aidant.get(`/accompagnements/${id}/modifier`);
    expect(form.statusCode).toBe(200);
    // A duration the form offers opens as that choice, not as « Autre durée : 30 ».
    expect(form.body).toMatch(/name="duree" value="30" checked/);
    expect(form.body).not.toMatch(/name="duree" value="autre" checked/);
    expect(form.body).toMatch(/name="duree_autre" type="text" value(="")?[ />]/);
    const res = await aidant.post(`/accompagnements/${id}/modifier`, valid({ duree: 'autre', duree_autre: '50' }));
    expect(res.statusCode, visibleText(res.body).slice(0, 300)).toBe(303);
    expect(await count('SELECT duration_minutes AS n FROM support_sessions WHERE id = $1', [id])).toBe(50);
    expect(await journal('accompagnement.seance_modifiee')).toBe(1);
    // Any other duration opens as « Autre durée » with its minutes.
    const again = await aidant.get(`/accompagnements/${id}/modifier`);
    expect(again.body).toMatch(/name="duree" value="autre" checked/);
    expect(again.body).toMatch(/name="duree_autre" type="text" value="50"/);
  });

  it('refuses another helper’s session, and one older than 7 days', async () => {
    await record();
    const id = await newest();
    const colleague = await signIn('collegue@mediatheque.fr');
    const other = await colleague.post(`/accompagnements/${id}/modifier`, valid({ duree: '15' }));
    expect(other.statusCode).toBe(403);
    expect(visibleText(other.body)).toContain('Seule la personne qui a enregistré cette séance');
    expect((await colleague.post(`/accompagnements/${id}/supprimer`)).statusCode).toBe(403);
    const stranger = await signIn('aidant@autre.fr');
    expect((await stranger.post(`/accompagnements/${id}/supprimer`)).statusCode).toBe(404);

    // Recorded 8 days ago.
    await t.db.query("UPDATE support_sessions SET created_at = created_at - interval '8 days' WHERE id = $1", [id]);
    const late = await aidant.post(`/accompagnements/${id}/modifier`, valid({ duree: '15' }));
    expect(late.statusCode).toBe(422);
    expect(visibleText(late.body)).toContain('plus de 7 jours');
    expect((await aidant.post(`/accompagnements/${id}/supprimer`)).statusCode).toBe(422);
    expect(await count('SELECT duration_minutes AS n FROM support_sessions WHERE id = $1', [id])).toBe(45);
    expect(visibleText((await aidant.get('/accompagnements')).body)).toContain('Mes accompagnements');
  });

  it('deletes one’s own session within 7 days, journaled', async () => {
    await record();
    const id = await newest();
    const before = await sessions();
    const res = await aidant.post(`/accompagnements/${id}/supprimer`);
    expect(res.statusCode).toBe(303);
    expect(await sessions()).toBe(before - 1);
    expect(await journal('accompagnement.seance_supprimee')).toBe(1);
  });
});

describe('from an orientation slip', () => {
  it('pre-fills the themes and marks the slip « honorée » when the session is recorded', async () => {
    await seedOrientationDemo({ db: t.db, clock: clock.now }, { prescriberOrganisationId: orgs.ccas, placeIds: [] });
    const [slip] = await t.db.query<{ code: string; themes: string[] }>(
      'SELECT code, themes FROM orientation_slips WHERE honoured_at IS NULL AND destination_place_id IS NULL AND cardinality(themes) > 0 AND expires_at > $1 LIMIT 1',
      [clock.now()],
    );
    if (!slip) throw new Error('no demo slip');
    const display = `${slip.code.slice(0, 4)}-${slip.code.slice(4)}`;
    const query = new URLSearchParams({ fiche: display });
    for (const th of slip.themes) query.append('thematiques', th);
    const form = await aidant.get(`/accompagnements/nouveau?${query}`);
    expect(visibleText(form.body)).toContain(`Fiche d’orientation ${display}`);
    expect(form.body).toMatch(new RegExp(`value="${slip.themes[0]}" checked`));
    const res = await aidant.post('/accompagnements/nouveau', valid({ fiche: display, thematiques: slip.themes }));
    expect(res.statusCode, visibleText(res.body).slice(0, 300)).toBe(303);
    const [after] = await t.db.query<{ honoured_at: Date | null; honoured_by_organisation_id: string }>(
      'SELECT honoured_at, honoured_by_organisation_id FROM orientation_slips WHERE code = $1',
      [slip.code],
    );
    expect(after?.honoured_at).not.toBeNull();
    expect(after?.honoured_by_organisation_id).toBe(orgs.mediatheque);
    expect(await count('SELECT count(*)::int AS n FROM support_sessions WHERE slip_code = $1', [slip.code])).toBe(1);
  });

  it('refuses an unknown slip code and records nothing', async () => {
    const before = await sessions();
    const res = await aidant.post('/accompagnements/nouveau', valid({ fiche: 'ZZZZ-ZZZZ' }));
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await sessions()).toBe(before);
  });
});

describe('followed people and outcomes', () => {
  async function personIdOf(name: string): Promise<string> {
    const rows = await t.db.query<{ id: string }>('SELECT id FROM people WHERE display_name = $1', [name]);
    return rows[0]?.id as string;
  }
  async function codeOf(id: string): Promise<string> {
    const rows = await t.db.query<{ code: string }>('SELECT code FROM people WHERE id = $1', [id]);
    return rows[0]?.code as string;
  }
  const sessionsOf = (id: string) =>
    count('SELECT count(*)::int AS n FROM support_sessions WHERE person_id = $1', [id]);

  it('creates a pseudonymous person from the form, then finds them by their card code as returning', async () => {
    const res = await aidant.post(
      '/accompagnements/nouveau',
      valid({
        nouvelle_personne: 'on',
        personne_nom: 'Zoé',
        personne_annee: '1956',
        personne_commune: '83000',
        date: '2026-11-08',
        autonomie: 'avec_guidage',
      }),
    );
    expect(res.statusCode, visibleText(res.body).slice(0, 400)).toBe(303);
    const zoe = await personIdOf('Zoé');
    expect(await sessionsOf(zoe)).toBe(1);
    const code = await codeOf(zoe);
    const again = await aidant.post(
      '/accompagnements/nouveau',
      valid({
        date: '2026-11-09',
        code_personne: `${code.slice(0, 3)}-${code.slice(3, 6)}-${code.slice(6)}`,
        autonomie: 'autonome_avec_aide_ponctuelle',
      }),
    );
    expect(again.statusCode, visibleText(again.body).slice(0, 400)).toBe(303);
    const third = await aidant.post(
      '/accompagnements/nouveau',
      valid({ date: '2026-11-10', personne: zoe, autonomie: 'autonome', refaire_seul: 'oui' }),
    );
    expect(third.statusCode, visibleText(third.body).slice(0, 400)).toBe(303);
    expect(await sessionsOf(zoe)).toBe(3);
    // The form lists her among the people the structure follows.
    expect(visibleText((await aidant.get('/accompagnements/nouveau')).body)).toContain('Zoé —');

    const page = await aidant.get(`/accompagnements/personnes/${zoe}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Progression de l’autonomie par thème');
    expect(text).toContain('E-mail — autonome après 3 séance(s)');
    expect(text).toContain('Fait avec la personne, avec guidage');
    expect(text).not.toContain('Vient pour sa boîte mail.');
  });

  it('creates the inline person in the session’s transaction: a session refused afterwards leaves no person', async () => {
    const before = await sessions();
    const people = () => count("SELECT count(*)::int AS n FROM people WHERE display_name = 'Fantôme'");
    // Every field is valid and the person is created, then the unknown slip refuses the session.
    const res = await aidant.post(
      '/accompagnements/nouveau',
      valid({
        fiche: 'ZZZZ-ZZZZ',
        nouvelle_personne: 'on',
        personne_nom: 'Fantôme',
        personne_tranche: '25-39 ans',
        personne_sans_domicile: 'on',
      }),
    );
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await sessions()).toBe(before);
    expect(await people()).toBe(0);
  });

  it('refuses a person another structure follows until the person agrees, then records', async () => {
    const other = await signIn('aidant@autre.fr');
    const created = await other.post('/accompagnements/nouveau', {
      ...valid({ organisation: orgs.autre, lieu: 'sp-autre' }),
      nouvelle_personne: 'on',
      personne_nom: 'Karim',
      personne_tranche: '25-39 ans',
      personne_sans_domicile: 'on',
    });
    expect(created.statusCode, visibleText(created.body).slice(0, 400)).toBe(303);
    const karim = await personIdOf('Karim');
    const before = await sessions();
    const byId = await aidant.post('/accompagnements/nouveau', valid({ personne: karim }));
    expect(byId.statusCode).toBe(400);
    expect(visibleText(byId.body)).toContain('suivie par une autre structure');
    const code = await codeOf(karim);
    const noConsent = await aidant.post('/accompagnements/nouveau', valid({ code_personne: code }));
    expect(noConsent.statusCode).toBe(400);
    expect(visibleText(noConsent.body)).toContain('La personne accepte');
    expect(await sessions()).toBe(before);
    expect((await aidant.get(`/accompagnements/personnes/${karim}`)).statusCode).toBe(403);
    const agreed = await aidant.post(
      '/accompagnements/nouveau',
      valid({ code_personne: code, partage_consenti: 'on' }),
    );
    expect(agreed.statusCode, visibleText(agreed.body).slice(0, 400)).toBe(303);
    expect(await sessionsOf(karim)).toBe(2);
    expect((await aidant.get(`/accompagnements/personnes/${karim}`)).statusCode).toBe(200);
  });

  it('computes outcomes: share reaching « Autonome » per theme and the median number of sessions', async () => {
    const page = visibleText((await aidant.get('/accompagnements/statistiques')).body);
    // Zoé reached « Autonome » on e-mail at her 3rd session; Karim (1 session here) did not.
    expect(page).toMatch(/50 % sont devenues « Autonome » selon l’aidant \(1 sur 2\), après 3 séance\(s\)/);
    expect(page).toContain('Personnes suivies 2');
  });
});

describe('statistics and exports', () => {
  it('shows a helper their own figures with charts and tables', async () => {
    const page = await aidant.get('/accompagnements/statistiques');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Mes statistiques');
    expect(page.body).toContain('<svg');
    expect(text).toContain('Voir le tableau');
    expect(text).toContain('E-mail');
    expect(text).toContain('Données en direct');
  });

  it('exports a helper’s own sessions with notes, a structure’s without, each journaled', async () => {
    const own = await aidant.post('/accompagnements/export');
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toContain('text/csv');
    expect(own.body).toContain('Vient pour sa boîte mail.');
    // One row per participant: the workshop of 8 anonymous participants gives 8 rows.
    expect(own.body.split('Premiers pas sur smartphone').length - 1).toBe(8);
    const responsable = await signIn('responsable@mediatheque.fr');
    const structure = await responsable.post(`/accompagnements/statistiques/structure/${orgs.mediatheque}/export`);
    expect(structure.statusCode).toBe(200);
    expect(structure.body).not.toContain('Vient pour sa boîte mail.');
    expect(await journal('accompagnement.export_telecharge')).toBe(2);
    expect((await aidant.post(`/accompagnements/statistiques/structure/${orgs.mediatheque}/export`)).statusCode).toBe(
      403,
    );
    expect((await aidant.get(`/accompagnements/statistiques/structure/${orgs.mediatheque}`)).statusCode).toBe(403);
    expect((await responsable.get(`/accompagnements/statistiques/structure/${orgs.mediatheque}`)).statusCode).toBe(200);
  });

  it('shows a coordinateur their territory from the hourly snapshot, and aggregates only', async () => {
    const coordination = await signIn('coordination@var.fr');
    const live = await coordination.get('/accompagnements/statistiques/territoire');
    expect(live.statusCode).toBe(200);
    expect(visibleText(live.body)).toContain('Données en direct');
    await t.app.jobs.runDue();
    const page = await coordination.get('/accompagnements/statistiques/territoire');
    expect(visibleText(page.body)).toMatch(/Données du 10 novembre 2026 à \d+:\d+/);
    expect(visibleText(page.body)).toContain('Var (83)');
    expect((await coordination.get('/accompagnements/statistiques/territoire?departement=84')).statusCode).toBe(403);
    const csv = await coordination.post('/accompagnements/statistiques/territoire/export', { departement: '83' });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('thematique;email');
    expect(csv.body).not.toContain('Vient pour sa boîte mail.');
    expect((await aidant.get('/accompagnements/statistiques/territoire')).statusCode).toBe(403);
  });

  it('publishes the open data in the shared shape, counts under 10 as null', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/accompagnements?departement=83' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.seuil).toBe(10);
    expect(body.territoire).toBe('83');
    const total = body.series.find(
      (s: { dimension: string; valeur: string }) => s.dimension === 'total' && s.valeur === 'seances',
    );
    expect(total.nombre).toBeGreaterThanOrEqual(10);
    const rare = body.series.find(
      (s: { dimension: string; valeur: string }) => s.dimension === 'thematique' && s.valeur === 'sante',
    );
    expect(rare.nombre).toBeNull();
    expect(body.series.every((s: { nombre: number | null }) => s.nombre === null || s.nombre >= 10)).toBe(true);
    expect(Object.keys(body.indicateurs)).toContain('part_autonomes_selon_aidant');
    const national = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/accompagnements' });
    expect(national.json().territoire).toBe('France');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/accompagnements?departement=%00' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail ?? bad.json().title).toBeTruthy();
  });
});
