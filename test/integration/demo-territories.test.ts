/**
 * Demo data in two territories (../shared/docs/PRODUCT.md §5, issue 9): the Var (83) and the
 * Vaucluse (84), each with a coordinateur, a financeur, a structure and an accepted programme;
 * each coordinateur sees its own territory's programme only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo.ts';
import { findUserByEmail } from '../../src/modules/accounts/repository.ts';
import { importCommunes } from '../../src/modules/lieux/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { visibleText } from '../support/agent.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, testConfig } from '../support/test-app.ts';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await createTestApp();
  dir = mkdtempSync(path.join(tmpdir(), 'passerelle-demo-'));
  // No files of places here: accounts, organisations and programmes, and the communes the demo booklet names.
  await importCommunes(
    { db: t.db, clock: t.clock.now },
    commandLineActor,
    Buffer.from(
      'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249\n',
    ),
    'communes.csv',
  );
  const report = await seedDemo(t.db, testConfig({ DATA_DIR: dir, DEMO_DATA_DIR: dir }), t.clock.now);
  expect(report.created).toBe(true);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function agentOf(email: string) {
  const user = await findUserByEmail(t.db, email);
  if (!user) throw new Error(`no demo account ${email}`);
  return signedInAgent({ ...t, clock: t.clock.now }, user.id, '/pass');
}

describe('demo data in two territories', () => {
  it('has the accounts of both territories, with organisations that have a territory', async () => {
    for (const who of [
      'admin',
      'coordination',
      'financeur',
      'responsable',
      'aidant',
      'prescripteur',
      'coordination-84',
      'financeur-84',
      'responsable-84',
    ]) {
      expect(await findUserByEmail(t.db, `${who}@demo.passerelle.localhost`), who).toBeDefined();
    }
    const orgs = await t.db.query<{ name: string; territory_departements: string[] }>(
      "SELECT name, territory_departements FROM organisations WHERE name LIKE 'Démo — Département%' ORDER BY name",
    );
    expect(orgs).toEqual([
      { name: 'Démo — Département de Vaucluse', territory_departements: ['84'] },
      { name: 'Démo — Département du Var', territory_departements: ['83'] },
    ]);
    const programmes = await t.db.query<{ name: string; accepted: boolean }>(
      'SELECT name, funder_accepted_at IS NOT NULL AS accepted FROM pass_programmes ORDER BY name',
    );
    expect(programmes).toEqual([
      { name: 'Démo — Pass numérique de Vaucluse', accepted: true },
      { name: 'Démo — Pass numérique du Var', accepted: true },
    ]);
  });

  it("shows each coordinateur and financeur its own territory's programme only", async () => {
    const var83 = visibleText((await agentOf('coordination@demo.passerelle.localhost')).last?.body ?? '');
    expect(var83).toContain('Démo — Pass numérique du Var');
    expect(var83).not.toContain('Démo — Pass numérique de Vaucluse');
    const vaucluse = visibleText((await agentOf('coordination-84@demo.passerelle.localhost')).last?.body ?? '');
    expect(vaucluse).toContain('Démo — Pass numérique de Vaucluse');
    expect(vaucluse).not.toContain('Démo — Pass numérique du Var');
    const funder84 = visibleText((await agentOf('financeur-84@demo.passerelle.localhost')).last?.body ?? '');
    expect(funder84).toContain('Démo — Pass numérique de Vaucluse');
    expect(funder84).not.toContain('Démo — Pass numérique du Var');
  });
});
