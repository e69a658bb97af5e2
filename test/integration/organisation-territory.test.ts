/**
 * Only a platform administrator sets an organisation's territory (issue 9 §1): names or numbers
 * checked against the gazetteer, journaled. Until then its coordinateurs act nowhere, and their
 * workspace says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrganisation } from '../../src/modules/accounts/repository.ts';
import { visibleText } from '../support/agent.ts';
import { makeActor, makeOrganisation } from '../support/factories.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedTwoTerritories, type TwoTerritories } from '../support/two-territories.ts';

let t: TestApp;
let w: TwoTerritories;
let org: string;
let coordinator: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedTwoTerritories(t);
  org = await makeOrganisation(t.db, 'Communauté sans territoire', 'collectivite');
  coordinator = (await makeActor(t.db, [{ organisationId: org, role: 'coordinateur' }])).userId;
});
afterAll(async () => {
  await t?.close();
});

const as = (userId: string, firstPage?: string) => signedInAgent({ ...t, clock: t.clock.now }, userId, firstPage);

describe("an organisation's territory", () => {
  it('leaves a coordinateur of an organisation without territory acting nowhere, and says so', async () => {
    const agent = await as(coordinator);
    const home = visibleText((await agent.get('/espace')).body);
    expect(home).toContain("Votre structure n'a pas encore de territoire");
    expect((await agent.get('/pass/habilitations')).statusCode).toBe(403);
    expect((await agent.get('/pass/programmes/nouveau')).statusCode).toBe(403);
    expect(visibleText((await agent.get('/pass')).body)).toContain('Votre structure n’a pas encore de territoire');
  });

  it('is set by an administrator from names and numbers, checked against the gazetteer and journaled', async () => {
    const admin = await as(w.admin, `/admin/organisations/${org}/territoire`);
    expect(visibleText(admin.last?.body ?? '')).toContain('Aucun territoire');
    const bad = await admin.post(`/admin/organisations/${org}/territoire`, {
      departements: 'Var, Narnia',
      communes: 'Nulle-Part-sur-Mer',
    });
    expect(bad.statusCode).toBe(400);
    const text = visibleText(bad.body);
    expect(text).toContain('Département inconnu : Narnia');
    expect(text).toContain('commune inconnue : Nulle-Part-sur-Mer');
    expect((await findOrganisation(t.db, org))?.territory).toEqual({ departements: [], communes: [] });

    const ok = await admin.post(`/admin/organisations/${org}/territoire`, {
      departements: 'var',
      communes: 'Avignon, 84200, Toulon',
    });
    expect(ok.statusCode).toBe(303);
    // Toulon lies in the Var, already listed.
    expect((await findOrganisation(t.db, org))?.territory).toEqual({
      departements: ['83'],
      communes: ['84007', '84031'],
    });
    const page = visibleText((await admin.follow()).body);
    expect(page).toContain('Territoire enregistré : Var (83), Avignon (84007), Carpentras (84031).');
    const journal = await t.db.query<{ details: { apres: unknown } }>(
      "SELECT details FROM journal WHERE action = 'organisation.territoire_modifie' AND target_id = $1",
      [org],
    );
    expect(journal.map((j) => j.details.apres)).toEqual([{ departements: ['83'], communes: ['84007', '84031'] }]);
  });

  it('gives the coordinateur its territorial power once set, and is refused to anyone else', async () => {
    const agent = await as(coordinator);
    expect((await agent.get('/pass/habilitations')).statusCode).toBe(200);
    expect(visibleText((await agent.get('/espace')).body)).not.toContain("n'a pas encore de territoire");
    for (const userId of [coordinator, w.var.users.structure?.responsable as string]) {
      const other = await as(userId);
      expect((await other.get(`/admin/organisations/${org}/territoire`)).statusCode).toBe(403);
      expect((await other.post(`/admin/organisations/${org}/territoire`, { departements: '13' })).statusCode).toBe(403);
    }
    expect((await findOrganisation(t.db, org))?.territory.departements).toEqual(['83']);
  });
});
