/**
 * Rules of the Pass numérique that could be broken without a test failing (issue 9 §4): the
 * validity tolerance after a programme's end, the distribution stop before it, a reused
 * Idempotency-Key on a different voucher. Each test builds its own programme: each passes alone
 * (`-t`), in any order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';
import { acceptProgramme } from './consent.ts';
import { createProgramme } from './create-programme.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets, distributeBooklet } from './distribute-booklets.ts';
import { issueBooklets } from './issue-booklets.ts';
import { bookletsOfProgramme, vouchersOfBooklets } from './programmes-repository.ts';
import { decideQualification, requestQualification } from './qualifications.ts';
import { checkVoucher, redeemVoucher } from './redeem-voucher.ts';

const START = new Date('2026-11-02T09:00:00Z');
const clock = new TestClock(START);
let t: TestApp;
let deps: PassDeps;
let coordinator: Actor;
let distributor: Actor;
let helper: Actor;
let financeur: Actor;
let orgs: Record<'coordination' | 'funder' | 'ccas' | 'mediatheque', string>;
const AIDE = 'Aide aux démarches administratives';
let programmes = 0;

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'regles-toulon,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
].join('\n');

/** At this Paris date, 10:00. */
function at(isoDate: string) {
  clock.set(new Date(`${isoDate}T09:00:00Z`));
}

/** A programme of November 2026 (tolerance 31 days, distribution stop 15 days), with two booklets assigned. */
async function novemberProgramme() {
  at('2026-11-02');
  programmes += 1;
  const orgDeps = { ...deps, organisationExists: async () => true };
  const programme = await createProgramme(orgDeps, coordinator, {
    name: `Pass de novembre ${programmes}`,
    coordinatorOrganisationId: orgs.coordination,
    funderOrganisationId: orgs.funder,
    departements: '83',
    validFrom: '2026-11-01',
    validUntil: '2026-11-30',
    services: [AIDE],
  });
  expect(programme).toMatchObject({ tolerance_days: 31, distribution_stop_days: 15 });
  // The funder consents before any booklet is issued (ADR 0009).
  await acceptProgramme(deps, financeur, programme.id);
  await issueBooklets(deps, coordinator, programme.id, { count: '2' });
  await assignBooklets(orgDeps, coordinator, programme.id, { organisationId: orgs.ccas, count: '2' });
  const booklets = await bookletsOfProgramme(t.db, programme.id, 2, 0);
  const vouchers = await vouchersOfBooklets(
    t.db,
    booklets.map((b) => b.id),
  );
  const codes = (id: string) => vouchers.filter((v) => v.booklet_id === id).map((v) => v.code);
  return { programme, booklets: booklets.map((b) => ({ id: b.id, codes: codes(b.id) })) };
}

const hand = (bookletId: string) =>
  distributeBooklet(deps, distributor, bookletId, { ageBand: '26 à 44 ans', commune: '83000', situation: 'Autre' });

beforeAll(async () => {
  t = await createTestApp({ clock });
  deps = { db: t.db, clock: clock.now, publicUrl: 'http://localhost:3000', operatorName: 'Passerelle' };
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  orgs = {
    // A coordination acts inside its territory (ADR 0009): the Var.
    coordination: await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
      departements: ['83'],
      communes: [],
    }),
    funder: await makeOrganisation(t.db, 'Fondation Numérique', 'entreprise'),
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite'),
    mediatheque: await makeOrganisation(t.db, 'Médiathèque'),
  };
  await assignPlace(ld, commandLineActor, 'regles-toulon', orgs.mediatheque, async () => true);
  coordinator = await makeActor(t.db, [{ organisationId: orgs.coordination, role: 'coordinateur' }]);
  distributor = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'prescripteur' }]);
  helper = await makeActor(t.db, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  financeur = await makeActor(t.db, [{ organisationId: orgs.funder, role: 'financeur' }]);
  const manager = await makeActor(t.db, [{ organisationId: orgs.mediatheque, role: 'responsable' }]);
  const q = await requestQualification(deps, manager, orgs.mediatheque, {
    placeId: 'regles-toulon',
    siret: '73282932000074',
    services: [AIDE],
    freeForBeneficiary: 'on',
    charter: 'on',
  });
  await decideQualification(deps, coordinator, q.id, { decision: 'qualify' });
});
afterAll(async () => {
  await t?.close();
});

describe('Pass numérique rules', () => {
  it('accepts a voucher up to the tolerance after the programme’s end, not a day more', async () => {
    const { booklets } = await novemberProgramme();
    const booklet = booklets[0] as { id: string; codes: string[] };
    await hand(booklet.id);
    const check = (code: string) => checkVoucher(deps, helper, { code, placeId: 'regles-toulon' });
    at('2026-12-31'); // 30 November + 31 days
    await expect(check(booklet.codes[0] as string)).resolves.toMatchObject({ code: booklet.codes[0] });
    const late = await redeemVoucher(deps, helper, {
      code: booklet.codes[1] as string,
      placeId: 'regles-toulon',
      service: AIDE,
      idempotencyKey: 'tolerance-dernier-jour',
      channel: 'web',
    });
    expect(late.replayed).toBe(false);
    at('2027-01-01');
    await expect(check(booklet.codes[2] as string)).rejects.toMatchObject({
      refusal: 'expired',
      message: expect.stringContaining('accepté jusqu'),
    });
  });

  it('stops handing booklets out 15 days before the programme’s end', async () => {
    const { booklets } = await novemberProgramme();
    at('2026-11-15'); // 30 November − 15 days: the last day
    await expect(hand((booklets[0] as { id: string }).id)).resolves.toBeDefined();
    at('2026-11-16');
    await expect(hand((booklets[1] as { id: string }).id)).rejects.toMatchObject({
      message: expect.stringContaining('La distribution de ce programme est terminée'),
    });
  });

  it('refuses an Idempotency-Key reused for a different voucher, and redeems neither twice', async () => {
    const { booklets } = await novemberProgramme();
    const booklet = booklets[0] as { id: string; codes: string[] };
    await hand(booklet.id);
    at('2026-11-10');
    const input = (code: string) => ({
      code,
      placeId: 'regles-toulon',
      service: AIDE,
      idempotencyKey: 'une-seule-cle',
      channel: 'api' as const,
    });
    const first = await redeemVoucher(deps, helper, input(booklet.codes[0] as string));
    expect(first.replayed).toBe(false);
    await expect(redeemVoucher(deps, helper, input(booklet.codes[1] as string))).rejects.toMatchObject({
      code: 'idempotency_key_reused',
      status: 409,
    });
    // The other voucher is still unused; the first is not counted twice.
    await expect(
      checkVoucher(deps, helper, { code: booklet.codes[1] as string, placeId: 'regles-toulon' }),
    ).resolves.toBeDefined();
    const again = await redeemVoucher(deps, helper, input(booklet.codes[0] as string));
    expect(again).toMatchObject({ replayed: true, redemption: { id: first.redemption.id } });
  });
});
