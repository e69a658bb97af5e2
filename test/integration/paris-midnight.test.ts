/**
 * « Today » is today in Paris. Between midnight and 01:00 (winter) it is still yesterday in
 * UTC: rules that took their date from toISOString() refused a place updated « today » and
 * kept handing out booklets a day after distribution had closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { acceptProgramme } from '../../src/modules/pass/consent.ts';
import { createProgramme } from '../../src/modules/pass/create-programme.ts';
import { assignBooklets, distributeBooklet } from '../../src/modules/pass/distribute-booklets.ts';
import { issueBooklets } from '../../src/modules/pass/issue-booklets.ts';
import { bookletsOfProgramme } from '../../src/modules/pass/programmes-repository.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { makeActor, makeOrganisation } from '../support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';

// Tuesday 1 December 2026, 00:30 in Paris — still 30 November in UTC.
const JUST_AFTER_MIDNIGHT = new Date('2026-11-30T23:30:00Z');
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock });
  await importCommunes(
    { db: t.db, clock: clock.now },
    commandLineActor,
    Buffer.from(
      'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249\n',
    ),
    'communes.csv',
  );
});
afterAll(async () => {
  await t.close();
});

describe('today in Paris at midnight', () => {
  it('accepts a place updated today, imported at 00:30', async () => {
    clock.set(JUST_AFTER_MIDNIGHT);
    const report = await importPlaces(
      { db: t.db, clock: clock.now },
      commandLineActor,
      Buffer.from(
        'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj\nminuit-1,73282932000074,Espace du matin,Toulon,83000,83137,1 rue de la Paix,43.12,5.93,2026-12-01\n',
      ),
      { fileName: 'lieux.csv', dryRun: false },
    );
    expect(report.rejections).toEqual([]);
    expect(report.summary.created).toBe(1);
  });

  it('stops handing out booklets once the Paris day after the last distribution day has begun', async () => {
    clock.set(new Date('2026-11-10T09:00:00Z'));
    // A coordination acts inside its territory (ADR 0009): the Var.
    const coordination = await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
      departements: ['83'],
      communes: [],
    });
    const ccas = await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite');
    const coordinator = await makeActor(t.db, [{ organisationId: coordination, role: 'coordinateur' }]);
    const distributor = await makeActor(t.db, [{ organisationId: ccas, role: 'prescripteur' }]);
    const financeur = await makeActor(t.db, [{ organisationId: coordination, role: 'financeur' }]);
    const deps = { db: t.db, clock: clock.now, publicUrl: 'http://localhost:3000', operatorName: 'Passerelle' };
    // Valid until 16 December, distribution stops 15 days before: the last day is 1 December.
    const programme = await createProgramme({ ...deps, organisationExists: async () => true }, coordinator, {
      name: 'Pass de minuit',
      coordinatorOrganisationId: coordination,
      funderOrganisationId: coordination,
      departements: '83',
      validFrom: '2026-11-01',
      validUntil: '2026-12-16',
      distributionStopDays: '15',
      services: ['Aide aux démarches administratives'],
    });
    // The funder (here the coordination itself) consents before booklets are issued.
    await acceptProgramme(deps, financeur, programme.id);
    await issueBooklets(deps, coordinator, programme.id, { count: '2' });
    await assignBooklets({ ...deps, organisationExists: async () => true }, coordinator, programme.id, {
      organisationId: ccas,
      count: '2',
    });
    const [first, second] = await bookletsOfProgramme(t.db, programme.id, 2, 0);
    const facts = { ageBand: '65 à 79 ans', commune: '83000', situation: 'Retraité ou retraitée' };

    clock.set(new Date('2026-12-01T22:59:00Z')); // 23:59 on 1 December in Paris: still open.
    await distributeBooklet(deps, distributor, first?.id as string, facts);
    clock.set(new Date('2026-12-01T23:30:00Z')); // 00:30 on 2 December in Paris: closed.
    await expect(distributeBooklet(deps, distributor, second?.id as string, facts)).rejects.toMatchObject({
      code: 'distribution_closed',
    });
  });
});
