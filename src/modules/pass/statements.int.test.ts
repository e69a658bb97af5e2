/**
 * Statements when a place changes organisation within a month: each structure is paid for the
 * vouchers redeemed while the place was its own, and the statements pages keep working.
 * (Before statements were drawn up by a job, the statements page drew them up itself and hit
 * the unique key (place, funder, month): every statements page and CSV then failed for everyone.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';
import { acceptProgramme } from './consent.ts';
import { createProgramme } from './create-programme.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets, distributeBooklet } from './distribute-booklets.ts';
import { issueBooklets } from './issue-booklets.ts';
import { bookletsOfProgramme, vouchersOfBooklets } from './programmes-repository.ts';
import { decideQualification, requestQualification } from './qualifications.ts';
import { redeemVoucher } from './redeem-voucher.ts';
import { listStatements } from './statements.ts';

const clock = new TestClock(new Date('2026-11-05T09:00:00Z'));
const AIDE = 'Aide aux démarches administratives';
let t: TestApp;
let deps: PassDeps;
let orgs: Record<'coordination' | 'funder' | 'ccas' | 'before' | 'after', string>;
let users: Record<'coordinator' | 'helperBefore' | 'helperAfter' | 'managerBefore' | 'managerAfter', Actor>;
let codes: string[];

beforeAll(async () => {
  t = await createTestApp({ clock });
  deps = { db: t.db, clock: clock.now, publicUrl: 'http://localhost:3000', operatorName: 'Passerelle' };
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(
    ld,
    commandLineActor,
    Buffer.from(
      'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
    ),
    'communes.csv',
  );
  await importPlaces(
    ld,
    commandLineActor,
    Buffer.from(
      'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services\n' +
        `releve-port,73282932000074,Maison du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,${AIDE}`,
    ),
    { fileName: 'lieux.csv', dryRun: false },
  );
  orgs = {
    coordination: await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
      departements: ['83'],
      communes: [],
    }),
    funder: await makeOrganisation(t.db, 'Fondation Numérique', 'entreprise'),
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite'),
    before: await makeOrganisation(t.db, 'Association Avant'),
    after: await makeOrganisation(t.db, 'Association Après'),
  };
  await assignPlace({ db: t.db, clock: clock.now }, commandLineActor, 'releve-port', orgs.before, async () => true);
  users = {
    coordinator: await makeActor(t.db, [{ organisationId: orgs.coordination, role: 'coordinateur' }]),
    helperBefore: await makeActor(t.db, [{ organisationId: orgs.before, role: 'aidant' }]),
    helperAfter: await makeActor(t.db, [{ organisationId: orgs.after, role: 'aidant' }]),
    managerBefore: await makeActor(t.db, [{ organisationId: orgs.before, role: 'responsable' }]),
    managerAfter: await makeActor(t.db, [{ organisationId: orgs.after, role: 'responsable' }]),
  };
  const distributor = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'prescripteur' }]);
  const programme = await createProgramme({ ...deps, organisationExists: async () => true }, users.coordinator, {
    name: 'Pass du Var',
    coordinatorOrganisationId: orgs.coordination,
    funderOrganisationId: orgs.funder,
    departements: '83',
    validFrom: '2026-11-01',
    validUntil: '2026-12-31',
    services: [AIDE],
  });
  // The funder consents before anything is issued (ADR 0009).
  const funder = await makeActor(t.db, [{ organisationId: orgs.funder, role: 'financeur' }]);
  await acceptProgramme(deps, funder, programme.id);
  await issueBooklets(deps, users.coordinator, programme.id, { count: '1' });
  await assignBooklets({ ...deps, organisationExists: async () => true }, users.coordinator, programme.id, {
    organisationId: orgs.ccas,
    count: '1',
  });
  const [booklet] = await bookletsOfProgramme(t.db, programme.id, 1, 0);
  await distributeBooklet(deps, distributor, booklet?.id as string, {
    ageBand: '65 à 79 ans',
    commune: '83000',
    situation: 'Autre',
  });
  codes = (await vouchersOfBooklets(t.db, [booklet?.id as string])).map((v) => v.code);
  const q = await requestQualification(deps, users.managerBefore, orgs.before, {
    placeId: 'releve-port',
    siret: '73282932000074',
    services: [AIDE],
    freeForBeneficiary: 'on',
    charter: 'on',
  });
  await decideQualification(deps, users.coordinator, q.id, { decision: 'qualify' });
});
afterAll(async () => {
  await t.close();
});

const redeem = (actor: Actor, code: string) =>
  redeemVoucher(deps, actor, {
    code,
    placeId: 'releve-port',
    service: AIDE,
    idempotencyKey: `cle-${code}`,
    channel: 'web',
  });

describe('a place that changes organisation in the middle of a month', () => {
  it('keeps the statements pages working and pays each structure for its own vouchers', async () => {
    // 5 November: the place belongs to « Avant », which redeems two vouchers.
    await redeem(users.helperBefore, codes[0] as string);
    await redeem(users.helperBefore, codes[1] as string);
    // 18 November: the place moves to « Après », which redeems one more.
    clock.set(new Date('2026-11-18T09:00:00Z'));
    await assignPlace({ db: t.db, clock: clock.now }, commandLineActor, 'releve-port', orgs.after, async () => true);
    await redeem(users.helperAfter, codes[2] as string);

    // 3 December: November is over and its undo window has passed.
    clock.set(new Date('2026-12-03T09:00:00Z'));
    const after = await signedInAgent({ ...t, clock: clock.now }, users.managerAfter.userId);
    const page = await after.get('/pass/releves');
    expect(page.statusCode).toBe(200);
    const csv = await after.get('/pass/releves.csv');
    expect(csv.statusCode).toBe(200);
    // Until the hourly job has run, November still shows as provisional, for its own structure only.
    expect(visibleText(page.body)).toMatch(
      /Pas encore établi \(provisoire\) novembre 2026 — Maison du Port — financeur Fondation Numérique : 1 chèque\(s\), 10,00\s€ à ce jour/,
    );

    // The scheduled job draws the statements up, one per (place, organisation, funder, month).
    await t.app.jobs.runDue();
    const all = await listStatements(t.db, {});
    expect(
      all
        .map((s) => ({ org: s.organisation_id, vouchers: s.vouchers, cents: s.amount_cents }))
        .sort((a, b) => (a.org === orgs.before ? -1 : b.org === orgs.before ? 1 : 0)),
    ).toEqual([
      { org: orgs.before, vouchers: 2, cents: 2000 },
      { org: orgs.after, vouchers: 1, cents: 1000 },
    ]);
    // Each structure's manager sees what their structure is owed, and only that.
    const afterPage = visibleText((await after.get('/pass/releves')).body);
    expect(afterPage).toMatch(
      /novembre 2026 — Maison du Port — financeur Fondation Numérique : 1 chèque\(s\), 10,00\s€ dus/,
    );
    expect(afterPage).not.toMatch(/2 chèque\(s\)/);
    expect(afterPage).not.toContain('provisoire');
    const before = await signedInAgent({ ...t, clock: clock.now }, users.managerBefore.userId);
    const beforeCsv = (await before.get('/pass/releves.csv')).body.replace(/"/g, '');
    expect(beforeCsv).toContain('Association Avant;Fondation Numérique;2;20,00');
    expect(beforeCsv).not.toContain('Association Après');
    // Every redemption belongs to the statement of the organisation it was redeemed for.
    const mismatched = await t.db.query(
      `SELECT r.id FROM pass_redemptions r JOIN pass_statements s ON s.id = r.statement_id
       WHERE s.organisation_id <> r.organisation_id`,
    );
    expect(mismatched).toEqual([]);
    expect((await t.db.query("SELECT id FROM journal WHERE action = 'pass.releve_etabli'")).length).toBe(2);
    expect((await verifyJournal(t.db)).ok).toBe(true);
    // Running the job again draws nothing new.
    clock.advance(3600_000 * 2);
    await t.app.jobs.runDue();
    expect(await listStatements(t.db, {})).toHaveLength(2);
  });
});
