/**
 * The person model's administration pages through HTTP (both engines), as the people using
 * them see them: the duplicates list and its merge, who opened a record, the card, the
 * erasure with its confirmation, and what a helper does not see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { type Actor, commandLineActor } from '../../platform/auth/actor.ts';
import { importCommunes } from '../lieux/index.ts';
import { createPerson, type PersonView } from './index.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let ccas: string;
let aidant: Actor;
let manager: Agent;
let helper: Agent;
let zoe: PersonView;
let zoeAgain: PersonView;

beforeAll(async () => {
  t = await createTestApp({ clock });
  await importCommunes(
    { db: t.db, clock: clock.now },
    commandLineActor,
    Buffer.from(
      'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n83137;TOULON;83000;;TOULON;43.13,5.93\n',
    ),
    'communes.csv',
  );
  ccas = await makeOrganisation(t.db, 'CCAS de Toulon');
  aidant = await makeActor(t.db, [{ organisationId: ccas, role: 'aidant' }], { email: 'amina@exemple.fr' });
  const responsable = await makeActor(t.db, [{ organisationId: ccas, role: 'responsable' }]);
  const deps = { db: t.db, clock: clock.now };
  const facts = { organisationId: ccas, birthYear: 1956, residence: { kind: 'commune', inseeCode: '83137' } };
  zoe = await createPerson(deps, aidant, { ...facts, displayName: 'Zoé' });
  clock.advance(1000);
  zoeAgain = await createPerson(deps, aidant, { ...facts, displayName: 'ZOE' });
  const env = { ...t, clock: clock.now };
  manager = await signedInAgent(env, responsable.userId);
  helper = await signedInAgent(env, aidant.userId);
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe('people administration pages', () => {
  it('offers the duplicates to a responsable, not to a helper', async () => {
    expect(visibleText((await manager.get('/espace')).body)).toContain('Personnes accompagnées : doublons');
    expect(visibleText((await helper.get('/espace')).body)).not.toContain('Personnes accompagnées : doublons');
    expect((await helper.get('/espace/personnes/doublons')).statusCode).toBe(403);
    const page = visibleText((await manager.get('/espace/personnes/doublons')).body);
    expect(page).toContain(`Zoé — code ${zoe.code}`);
    expect(page).toContain(`ZOE — code ${zoeAgain.code}`);
    expect(page).toContain(`Fusionner ${zoeAgain.code} dans ${zoe.code}`);
  });

  it('merges from the page', async () => {
    const res = await manager.post('/espace/personnes/fusionner', { keepId: zoe.id, duplicateId: zoeAgain.id });
    expect(res.statusCode).toBe(303);
    const after = visibleText((await manager.follow(res)).body);
    expect(after).toContain(`Fiches fusionnées : la fiche ${zoe.code} est gardée.`);
    expect(after).toContain('Aucun doublon probable');
  });

  it('shows a responsable who opened the record; a helper sees the record but not the journal', async () => {
    clock.advance(60_000);
    const helperView = visibleText((await helper.get(`/espace/personnes/${zoe.id}`)).body);
    expect(helperView).toContain(`Code de la carte : ${zoe.code}`);
    expect(helperView).not.toContain('Qui a ouvert cette fiche');
    const card = await helper.get(`/espace/personnes/${zoe.id}/carte.pdf`);
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('application/pdf');
    const managerView = visibleText((await manager.get(`/espace/personnes/${zoe.id}`)).body);
    expect(managerView).toContain('Qui a ouvert cette fiche');
    expect(managerView).toContain(`Impression de la carte ${aidant.displayName} CCAS de Toulon`);
    expect(managerView).toContain(`Consultation de la fiche ${aidant.displayName} CCAS de Toulon`);
  });

  it('erases only once the responsable confirms, then the record is gone', async () => {
    const refused = await manager.post(`/espace/personnes/${zoe.id}/effacer`, {});
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain('Cochez la case pour confirmer');
    expect((await helper.post(`/espace/personnes/${zoe.id}/effacer`, { confirmation: 'on' })).statusCode).toBe(403);
    const done = await manager.post(`/espace/personnes/${zoe.id}/effacer`, { confirmation: 'on' });
    expect(done.statusCode).toBe(303);
    expect(visibleText((await manager.follow(done)).body)).toContain('Le dossier a été effacé.');
    const gone = await manager.get(`/espace/personnes/${zoe.id}`);
    expect(gone.statusCode).toBe(404);
    expect(visibleText(gone.body)).toContain('effacé à sa demande');
    expect((await manager.get('/espace/personnes/pas-un-identifiant')).statusCode).toBe(404);
  });
});
