/**
 * The Pass numérique end to end: programmes, booklets, qualification, redemption, statements,
 * reports and the token API. Every test starts from its own fresh database (beforeEach: the
 * places, organisations and people) and builds the programme state it needs with the helpers
 * below, so that each passes alone (`-t "…"`) and in any order (issue 9 §4).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation, makePerson } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import { ForbiddenError } from '../../platform/http/errors.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { assignPlace, importCommunes, importPlaces } from '../lieux/index.ts';
import { sessionFormUrlForVoucher } from '../support/index.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import { acceptProgramme } from './consent.ts';
import { createProgramme } from './create-programme.ts';
import type { PassDeps } from './deps.ts';
import { assignBooklets, distributeBooklet } from './distribute-booklets.ts';
import { issueBooklets } from './issue-booklets.ts';
import { bookletsOfProgramme, type Programme, vouchersOfBooklets } from './programmes-repository.ts';
import { decideQualification, listQualifications, requestQualification } from './qualifications.ts';
import { checkVoucher, redeemVoucher } from './redeem-voucher.ts';
import { funderReport, suspiciousPatterns } from './reports.ts';
import { listStatements, markStatementPaid } from './statements.ts';
import { undoRedemption } from './undo-redemption.ts';
import { CODE_ALPHABET } from './voucher-code.ts';
import { VoucherRefused } from './voucher-rules.ts';
import { vouchersUsedByPerson } from './vouchers-of-person.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const START = new Date('2026-11-10T09:00:00Z');
let clock: TestClock;
let t: TestApp;
let deps: PassDeps;
let coordinator: Actor;
let funder: Actor;
let distributor: Actor;
let helper: Actor;
let manager: Actor;
let outsider: Actor;
let orgs: Record<'coordination' | 'funder' | 'ccas' | 'mediatheque' | 'marseille', string>;
const AIDE = 'Aide aux démarches administratives';
const LOISIRS = 'Loisirs et créations numériques';

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '83069;HYERES;83400;;HYERES;43.1018713736,6.18898460144',
  '13201;MARSEILLE 01;13001;;MARSEILLE;43.2999009436,5.38227869795',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'pass-toulon,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
  'pass-hyeres,73282932000074,Annexe de Hyères,Hyères,83400,83069,2 rue Massillon,43.1190,6.1300,2026-10-01,Aide aux démarches administratives',
  'pass-marseille,73282932000074,Espace Marseille,Marseille,13001,13201,3 la Canebière,43.2970,5.3780,2026-10-01,Aide aux démarches administratives',
].join('\n');

function wrongOne(code: string): string {
  const i = 3;
  const next = CODE_ALPHABET[(CODE_ALPHABET.indexOf(code[i] as string) + 1) % CODE_ALPHABET.length] as string;
  return code.slice(0, i) + next + code.slice(i + 1);
}

async function refusal(promise: Promise<unknown>): Promise<VoucherRefused> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VoucherRefused) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

let keyCounter = 0;
const key = () => `cle-de-test-${++keyCounter}-${Date.now()}`;

const orgDeps = () => ({ ...deps, organisationExists: async () => true });

/** The places and people every test starts from: nothing qualified, no programme. */
beforeEach(async () => {
  clock = new TestClock(START);
  t = await createTestApp({ clock });
  deps = { db: t.db, clock: clock.now, publicUrl: 'http://localhost:3000', operatorName: 'Passerelle' };
  const ld = { db: t.db, clock: clock.now };
  await importCommunes(ld, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(ld, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  orgs = {
    // The coordination acts in the Var and the Bouches-du-Rhône (it qualifies both structures' places).
    coordination: await makeOrganisation(t.db, 'Département du Var', 'collectivite', {
      departements: ['83', '13'],
      communes: [],
    }),
    funder: await makeOrganisation(t.db, 'Fondation Numérique', 'entreprise'),
    ccas: await makeOrganisation(t.db, 'CCAS de Toulon', 'collectivite'),
    mediatheque: await makeOrganisation(t.db, 'Médiathèque'),
    marseille: await makeOrganisation(t.db, 'Espace Marseille'),
  };
  await assignPlace(ld, commandLineActor, 'pass-toulon', orgs.mediatheque, async () => true);
  await assignPlace(ld, commandLineActor, 'pass-hyeres', orgs.mediatheque, async () => true);
  await assignPlace(ld, commandLineActor, 'pass-marseille', orgs.marseille, async () => true);
  coordinator = await makeActor(t.db, [{ organisationId: orgs.coordination, role: 'coordinateur' }]);
  funder = await makeActor(t.db, [{ organisationId: orgs.funder, role: 'financeur' }]);
  distributor = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'prescripteur' }]);
  helper = await makeActor(t.db, [{ organisationId: orgs.mediatheque, role: 'aidant' }]);
  manager = await makeActor(t.db, [{ organisationId: orgs.mediatheque, role: 'responsable' }]);
  outsider = await makeActor(t.db, [
    { organisationId: orgs.marseille, role: 'aidant' },
    { organisationId: orgs.marseille, role: 'responsable' },
  ]);
});
afterEach(async () => {
  await t?.close();
});

interface Booklet {
  id: string;
  number: number;
  codes: string[];
}

/** The Var's programme of November–December 2026 (services: AIDE), accepted by its funder, 4 booklets issued. */
async function issuedProgramme(): Promise<{ programme: Programme; booklets: Booklet[] }> {
  const created = await createProgramme(orgDeps(), coordinator, {
    name: 'Pass numérique du Var 2026',
    coordinatorOrganisationId: orgs.coordination,
    funderOrganisationId: orgs.funder,
    departements: '83',
    validFrom: '2026-11-01',
    validUntil: '2026-12-31',
    services: [AIDE],
  });
  const programme = await acceptProgramme(deps, funder, created.id);
  await issueBooklets(deps, coordinator, programme.id, { count: '4' });
  const booklets = await bookletsOfProgramme(t.db, programme.id, 10, 0);
  const vouchers = await vouchersOfBooklets(
    t.db,
    booklets.map((b) => b.id),
  );
  return {
    programme,
    booklets: booklets.map((b) => ({
      id: b.id,
      number: b.number,
      codes: vouchers.filter((v) => v.booklet_id === b.id).map((v) => v.code),
    })),
  };
}

/** A place qualified by the coordination, at its structure's request. */
async function qualify(placeId: string, by: Actor, organisationId: string, services: string[]): Promise<string> {
  const q = await requestQualification(deps, by, organisationId, {
    placeId,
    siret: '73282932000074',
    services,
    freeForBeneficiary: 'on',
    charter: 'on',
  });
  await decideQualification(deps, coordinator, q.id, { decision: 'qualify' });
  return q.id;
}

const hand = (bookletId: string) =>
  distributeBooklet(deps, distributor, bookletId, {
    ageBand: '65 à 79 ans',
    commune: '83000',
    situation: 'Retraité ou retraitée',
    needs: [AIDE],
  });

/**
 * Ready to redeem: the programme issued, booklets 1–3 assigned to the CCAS and booklet 1 handed
 * to a person; Toulon qualified (AIDE and LOISIRS) and Marseille (AIDE), Hyères not.
 */
async function readyToRedeem(): Promise<{ programme: Programme; booklets: Booklet[]; codes: string[][] }> {
  const issued = await issuedProgramme();
  await assignBooklets(orgDeps(), coordinator, issued.programme.id, { organisationId: orgs.ccas, count: '3' });
  await hand((issued.booklets[0] as Booklet).id);
  await qualify('pass-toulon', manager, orgs.mediatheque, [AIDE, LOISIRS]);
  await qualify('pass-marseille', outsider, orgs.marseille, [AIDE]);
  return { ...issued, codes: issued.booklets.map((b) => b.codes) };
}

/** One voucher redeemed by the helper at the Toulon place, for AIDE. */
const redeem = (code: string, idempotencyKey = key()) =>
  redeemVoucher(deps, helper, { code, placeId: 'pass-toulon', service: AIDE, idempotencyKey, channel: 'web' });

describe('programme and booklets', () => {
  it('refuses a programme ending before it starts, without territory or services', async () => {
    const attempt = createProgramme(orgDeps(), coordinator, {
      name: 'Mauvais',
      coordinatorOrganisationId: orgs.coordination,
      funderOrganisationId: orgs.funder,
      validFrom: '2026-12-31',
      validUntil: '2026-01-01',
    });
    await expect(attempt).rejects.toMatchObject({
      fieldErrors: {
        validUntil: 'La fin de validité doit être après le début.',
        departements: 'Indiquez le territoire : au moins un département ou une commune.',
        services: 'Choisissez au moins un service payé par les chèques.',
      },
    });
    await expect(createProgramme(orgDeps(), helper, { name: 'X' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('takes the territory by name or postcode, never asking for INSEE codes', async () => {
    const named = await createProgramme(orgDeps(), coordinator, {
      name: 'Pass de Hyères',
      coordinatorOrganisationId: orgs.coordination,
      funderOrganisationId: orgs.funder,
      communes: 'Hyères, 83000',
      validFrom: '2026-11-01',
      validUntil: '2026-12-31',
      services: [AIDE],
    });
    expect(named.territory_communes.sort()).toEqual(['83069', '83137']);
    await expect(
      createProgramme(orgDeps(), coordinator, {
        name: 'Pass de nulle part',
        coordinatorOrganisationId: orgs.coordination,
        funderOrganisationId: orgs.funder,
        communes: 'Nulle-Part-sur-Mer',
        validFrom: '2026-11-01',
        validUntil: '2026-12-31',
        services: [AIDE],
      }),
    ).rejects.toMatchObject({
      fieldErrors: { communes: expect.stringContaining('commune inconnue : Nulle-Part-sur-Mer') },
    });
  });

  it('creates a programme, issues booklets with valid codes, refuses zero booklets', async () => {
    let programme = await createProgramme(orgDeps(), coordinator, {
      name: 'Pass numérique du Var 2026',
      coordinatorOrganisationId: orgs.coordination,
      funderOrganisationId: orgs.funder,
      departements: '83',
      validFrom: '2026-11-01',
      validUntil: '2026-12-31',
      services: [AIDE],
    });
    expect(programme).toMatchObject({
      face_value_cents: 1000,
      vouchers_per_booklet: 5,
      tolerance_days: 31,
      distribution_stop_days: 15,
    });
    expect(programme.funder_accepted_at).toBeNull();
    await expect(issueBooklets(deps, coordinator, programme.id, { count: '1' })).rejects.toMatchObject({
      code: 'awaiting_funder_consent',
    });
    await expect(acceptProgramme(deps, coordinator, programme.id)).rejects.toMatchObject({ code: 'forbidden' });
    programme = await acceptProgramme(deps, funder, programme.id);
    await expect(issueBooklets(deps, coordinator, programme.id, { count: '0' })).rejects.toMatchObject({
      fieldErrors: { count: 'Émettez au moins un carnet.' },
    });
    const issued = await issueBooklets(deps, coordinator, programme.id, { count: '4' });
    expect(issued).toEqual({ first: 1, last: 4, vouchers: 20 });
    const booklets = await bookletsOfProgramme(t.db, programme.id, 10, 0);
    const vouchers = await vouchersOfBooklets(
      t.db,
      booklets.map((b) => b.id),
    );
    expect(new Set(vouchers.map((v) => v.code)).size).toBe(20);
    await expect(issueBooklets(deps, funder, programme.id, { count: '1' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    // The printed codes are money: no browser or proxy keeps a copy.
    const agent = await signedInAgent({ ...t, clock: clock.now }, coordinator.userId);
    for (const file of ['carnets.csv', 'carnets.pdf']) {
      const res = await agent.get(`/pass/programmes/${programme.id}/${file}?de=1&a=2`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('assigns booklets to a distributor who hands one with pseudonymous facts only', async () => {
    const { programme, booklets } = await issuedProgramme();
    const [b1, b2] = booklets as [Booklet, Booklet];
    const numbers = await assignBooklets(orgDeps(), coordinator, programme.id, {
      organisationId: orgs.ccas,
      count: '3',
    });
    expect(numbers).toEqual([1, 2, 3]);
    await expect(
      distributeBooklet(deps, distributor, b1.id, {
        ageBand: '65 à 79 ans',
        commune: 'Toulonn',
        situation: 'Retraité ou retraitée',
      }),
    ).rejects.toMatchObject({
      fieldErrors: { commune: expect.stringContaining('Nous ne trouvons pas la commune') },
    });
    const { beneficiary } = await distributeBooklet(deps, distributor, b1.id, {
      ageBand: '65 à 79 ans',
      commune: '83000',
      situation: 'Retraité ou retraitée',
      needs: [AIDE],
    });
    expect(beneficiary).toMatchObject({ commune_insee: '83137', tranche_age: '65 à 79 ans' });
    expect(JSON.stringify(beneficiary)).not.toMatch(/nom|prenom|@/);
    await expect(
      distributeBooklet(deps, distributor, b1.id, {
        ageBand: '65 à 79 ans',
        commune: '83000',
        situation: 'Autre',
      }),
    ).rejects.toMatchObject({ code: 'already_distributed' });
    await expect(
      distributeBooklet(deps, helper, b2.id, {
        ageBand: '65 à 79 ans',
        commune: '83000',
        situation: 'Autre',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('qualification', () => {
  it('lets a manager ask, a coordinator qualify, and refuses what does not belong to them', async () => {
    await expect(
      requestQualification(deps, manager, orgs.mediatheque, {
        placeId: 'pass-toulon',
        siret: '12345678901234',
        services: [AIDE],
        freeForBeneficiary: 'on',
        charter: 'on',
      }),
    ).rejects.toMatchObject({ fieldErrors: { siret: expect.stringContaining("Ce SIRET n'existe pas") } });
    await expect(
      requestQualification(deps, manager, orgs.mediatheque, {
        placeId: 'pass-toulon',
        siret: '73282932000074',
        services: [AIDE],
      }),
    ).rejects.toMatchObject({ fieldErrors: { freeForBeneficiary: expect.any(String), charter: expect.any(String) } });
    await expect(
      requestQualification(deps, manager, orgs.mediatheque, {
        placeId: 'pass-marseille',
        siret: '73282932000074',
        services: [AIDE],
        freeForBeneficiary: 'on',
        charter: 'on',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const q = await requestQualification(deps, manager, orgs.mediatheque, {
      placeId: 'pass-toulon',
      siret: '732 829 320 00074',
      services: [AIDE, LOISIRS],
      freeForBeneficiary: 'on',
      charter: 'on',
    });
    await expect(decideQualification(deps, manager, q.id, { decision: 'qualify' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(decideQualification(deps, coordinator, q.id, { decision: 'refuse' })).rejects.toMatchObject({
      fieldErrors: { reason: expect.any(String) },
    });
    expect((await decideQualification(deps, coordinator, q.id, { decision: 'qualify' })).status).toBe('qualified');
    const m = await requestQualification(deps, outsider, orgs.marseille, {
      placeId: 'pass-marseille',
      siret: '73282932000074',
      services: [AIDE],
      freeForBeneficiary: 'on',
      charter: 'on',
    });
    expect((await decideQualification(deps, coordinator, m.id, { decision: 'qualify' })).status).toBe('qualified');
  });
});

describe('redemption', () => {
  it('explains every refusal', async () => {
    const { codes } = await readyToRedeem();
    const [first, second] = codes as [string[], string[]];
    const code = first[0] as string;
    expect((await refusal(redeem(wrongOne(code)))).refusal).toBe('code_typo');
    expect((await refusal(checkVoucher(deps, helper, { code: 'K7MC3PX4TX', placeId: 'pass-toulon' }))).refusal).toMatch(
      /code_typo|code_format/,
    );
    const unknown = await refusal(
      checkVoucher(deps, helper, { code: '2222-2222-22'.replace(/2$/, ''), placeId: 'pass-toulon' }),
    );
    expect(['unknown_code', 'code_typo', 'code_format']).toContain(unknown.refusal);
    // Booklet 2 is assigned to the CCAS but nobody received it yet.
    expect(
      (await refusal(checkVoucher(deps, helper, { code: second[0] as string, placeId: 'pass-toulon' }))).refusal,
    ).toBe('not_distributed');
    expect((await refusal(checkVoucher(deps, helper, { code, placeId: 'pass-hyeres' }))).refusal).toBe(
      'place_not_qualified',
    );
    expect((await refusal(checkVoucher(deps, outsider, { code, placeId: 'pass-marseille' }))).message).toContain(
      'Var (83)',
    );
    expect(
      (
        await refusal(
          redeemVoucher(deps, helper, {
            code,
            placeId: 'pass-toulon',
            service: LOISIRS,
            idempotencyKey: key(),
            channel: 'web',
          }),
        )
      ).refusal,
    ).toBe('service_not_covered');
    await expect(checkVoucher(deps, outsider, { code, placeId: 'pass-toulon' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    // A suspended place is refused with the coordinator's reason, until reinstated.
    const qualification = (await listQualifications(t.db, { organisationId: orgs.mediatheque }))[0];
    await decideQualification(deps, coordinator, qualification?.id as string, {
      decision: 'suspend',
      reason: 'Contrôle en cours',
    });
    const suspended = await refusal(checkVoucher(deps, helper, { code, placeId: 'pass-toulon' }));
    expect(suspended.refusal).toBe('place_suspended');
    expect(suspended.message).toContain('Contrôle en cours');
    await decideQualification(deps, coordinator, qualification?.id as string, { decision: 'reinstate' });
    await expect(checkVoucher(deps, helper, { code, placeId: 'pass-toulon' })).resolves.toMatchObject({ code });
    clock.set(new Date('2026-10-20T09:00:00Z'));
    expect((await refusal(checkVoucher(deps, helper, { code, placeId: 'pass-toulon' }))).refusal).toBe('not_yet_valid');
    clock.set(new Date('2027-02-01T09:00:00Z'));
    const expired = await refusal(checkVoucher(deps, helper, { code, placeId: 'pass-toulon' }));
    expect(expired.refusal).toBe('expired');
    expect(expired.message).toMatch(/31\sdécembre 2026/);
  });

  it('accepts the code with spaces, dashes and lower case, and a retry returns the first success', async () => {
    const { codes } = await readyToRedeem();
    const code = (codes[0] as string[])[0] as string;
    const typed = ` ${code.slice(0, 4).toLowerCase()} - ${code.slice(4, 8)} ${code.slice(8).toLowerCase()} `;
    const k = key();
    const first = await redeem(typed, k);
    expect(first).toMatchObject({ replayed: false, redemption: { amount_cents: 1000 } });
    const retry = await redeem(typed, k);
    expect(retry.replayed).toBe(true);
    expect(retry.redemption.id).toBe(first.redemption.id);
    const again = await refusal(
      redeemVoucher(deps, manager, {
        code,
        placeId: 'pass-toulon',
        service: AIDE,
        idempotencyKey: key(),
        channel: 'web',
      }),
    );
    expect(again.refusal).toBe('already_used');
    expect(again.message).toMatch(/déjà été utilisé le 10\snovembre 2026 à 10:00 à « Médiathèque du Port »/);
    // Another organisation learns that it was used, not where nor when.
    const elsewhere = await refusal(checkVoucher(deps, outsider, { code, placeId: 'pass-marseille' }));
    expect(elsewhere.refusal).toBe('already_used');
    expect(elsewhere.message).toBe('Ce chèque a déjà été utilisé.');
  });

  it('undoes within 24 hours with a reason, not after', async () => {
    const { codes } = await readyToRedeem();
    const code = (codes[0] as string[])[1] as string;
    const r = await redeem(code);
    await expect(undoRedemption(deps, helper, r.redemption.id, {})).rejects.toMatchObject({
      fieldErrors: { reason: expect.any(String) },
    });
    await expect(undoRedemption(deps, outsider, r.redemption.id, { reason: 'erreur' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await undoRedemption(deps, helper, r.redemption.id, { reason: 'Chèque saisi par erreur' });
    const redo = await redeem(code);
    clock.advance(25 * 3600_000);
    await expect(undoRedemption(deps, helper, redo.redemption.id, { reason: 'trop tard' })).rejects.toMatchObject({
      code: 'undo_too_late',
    });
  });

  it('redeems exactly once when 200 helpers scan the same voucher at the same instant', async () => {
    const { codes } = await readyToRedeem();
    const code = (codes[0] as string[])[2] as string;
    const attempts = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        redeemVoucher(deps, i % 2 ? helper : manager, {
          code,
          placeId: 'pass-toulon',
          service: AIDE,
          idempotencyKey: `simultane-${i}-${Date.now()}`,
          channel: 'web',
        }),
      ),
    );
    const ok = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(199);
    expect(refused.every((e) => e instanceof VoucherRefused && e.refusal === 'already_used')).toBe(true);
    const live = await t.db.query<{ n: number }>(
      'SELECT count(*) AS n FROM pass_redemptions WHERE voucher_code = $1 AND undone_at IS NULL',
      [code],
    );
    expect(live[0]?.n).toBe(1);
    // One journal entry, written with the redemption, and the chain still whole.
    const entries = await t.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM journal WHERE action = 'pass.cheque_encaisse' AND details->>'cheque' = $1",
      [code],
    );
    expect(entries[0]?.n).toBe(1);
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });
});

describe('statements, reports, alerts, API', () => {
  it('refuses a statement for an unfinished month, then shows what is due once it is over', async () => {
    const { codes } = await readyToRedeem();
    const [c1, c2, c3, c4] = codes[0] as [string, string, string, string];
    // Voucher 1 once despite its retry, voucher 2 redeemed again after an undo, voucher 3 once,
    // voucher 4 undone: three vouchers due.
    const k = key();
    await redeem(c1, k);
    await redeem(c1, k);
    const undone = await redeem(c2);
    await undoRedemption(deps, helper, undone.redemption.id, { reason: 'Chèque saisi par erreur' });
    await redeem(c2);
    await redeem(c3);
    const fourth = await redeem(c4);
    await undoRedemption(deps, helper, fourth.redemption.id, { reason: 'Personne partie sans aide' });
    await t.app.jobs.runDue();
    expect(await listStatements(t.db, {})).toEqual([]);
    clock.set(new Date('2026-12-02T12:00:00Z'));
    await t.app.jobs.runDue();
    const statements = await listStatements(t.db, { organisationIds: [orgs.mediatheque] });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ month: '2026-11-01', vouchers: 3, amount_cents: 3000, paid_at: null });
    clock.advance(3600_000);
    await t.app.jobs.runDue();
    expect(await listStatements(t.db, {})).toHaveLength(1);
    await expect(
      markStatementPaid(deps, helper, statements[0]?.id as string, { reference: 'VIR-1' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await markStatementPaid(deps, funder, statements[0]?.id as string, { reference: 'VIR-2026-12-001' });
    await expect(
      markStatementPaid(deps, funder, statements[0]?.id as string, { reference: 'VIR-2' }),
    ).rejects.toMatchObject({ code: 'already_paid' });
  });

  it('reports to the funder: one booklet started, three vouchers used', async () => {
    const { programme, codes } = await readyToRedeem();
    for (const code of (codes[0] as string[]).slice(0, 3)) await redeem(code);
    const report = await funderReport(t.db, programme, clock.now());
    expect(report.booklets).toEqual({ issued: 4, distributed: 1, started: 1, fullyUsed: 0 });
    expect(report.vouchers).toEqual({ issued: 20, distributed: 5, used: 3 });
    expect(report.value.usedCents).toBe(3000);
    expect(report.byService).toEqual([{ label: AIDE, count: 3 }]);
  });

  it('flags a whole booklet redeemed within minutes at one place', async () => {
    const { programme, codes } = await readyToRedeem();
    const booklet = codes[0] as string[];
    const burst = async () =>
      (await suspiciousPatterns(t.db, [programme.id], clock.now())).filter((a) => a.kind === 'booklet_burst');
    await redeem(booklet[0] as string);
    clock.advance(10 * 60_000);
    await redeem(booklet[1] as string);
    expect(await burst()).toEqual([]);
    clock.advance(10 * 60_000);
    await redeem(booklet[2] as string);
    const alerts = await burst();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain('carnet n° 1');
  });

  it('redeems through the token API with an Idempotency-Key', async () => {
    const { booklets, codes } = await readyToRedeem();
    const { token } = await createApiToken(deps, manager, orgs.mediatheque, { name: 'Logiciel de caisse' });
    const code = (codes[0] as string[])[4] as string;
    const body = { code, lieu_id: 'pass-toulon', service: AIDE };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/pass/encaissements', payload: body })).statusCode).toBe(
      401,
    );
    const noKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: body,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().code).toBe('idempotency_key_required');
    const headers = { authorization: `Bearer ${token}`, 'idempotency-key': 'caisse-2026-0001' };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/pass/encaissements', payload: body, headers });
    expect(first.statusCode).toBe(201);
    const retry = await t.app.inject({ method: 'POST', url: '/api/v1/pass/encaissements', payload: body, headers });
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(first.json().id);
    // The same key for another voucher is a client error, not a second redemption.
    await hand((booklets[1] as Booklet).id);
    const otherVoucher = { ...body, code: (codes[1] as string[])[0] as string };
    const reusedKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: otherVoucher,
      headers,
    });
    expect(reusedKey.statusCode).toBe(409);
    expect(reusedKey.json().code).toBe('idempotency_key_reused');
    const used = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: body,
      headers: { ...headers, 'idempotency-key': 'caisse-2026-0002' },
    });
    expect(used.statusCode).toBe(409);
    expect(used.json().code).toBe('already_used');
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: { ...body, lieu_id: 'pass-marseille' },
      headers: { ...headers, 'idempotency-key': 'caisse-2026-0003' },
    });
    expect(foreign.statusCode).toBe(403);
    // A revoked token, an unknown one and one that is not ours are all refused the same way.
    const revoked = await createApiToken(deps, manager, orgs.mediatheque, { name: 'Ancienne caisse' });
    const tokenId = (
      await t.db.query<{ id: string }>("SELECT id FROM pass_api_tokens WHERE name = 'Ancienne caisse'")
    )[0]?.id as string;
    await revokeApiToken(deps, manager, orgs.mediatheque, tokenId);
    for (const bad of [revoked.token, `${token}x`, 'pas-un-jeton']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pass/encaissements',
        payload: { ...body, code: (codes[1] as string[])[1] as string },
        headers: { authorization: `Bearer ${bad}`, 'idempotency-key': 'caisse-2026-0004' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().title).toContain('Jeton manquant ou invalide');
    }
    const check = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pass/cheques/${(codes[1] as string[])[1]}?lieu_id=pass-toulon`,
      headers: { authorization: `Bearer ${revoked.token}` },
    });
    expect(check.statusCode).toBe(401);
    const stillAvailable = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pass/cheques/${(codes[1] as string[])[1]}?lieu_id=pass-toulon`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(stillAvailable.statusCode).toBe(200);
    expect(stillAvailable.json()).toMatchObject({ valable: true, valeur_centimes: 1000 });
  });

  it('answers API clients with the values to send and plain reasons', async () => {
    const { codes } = await readyToRedeem();
    const { token } = await createApiToken(deps, manager, orgs.mediatheque, { name: 'Caisse 2' });
    const headers = { authorization: `Bearer ${token}`, 'idempotency-key': 'caisse-2026-0100' };
    const code = (codes[0] as string[])[2] as string;
    const wrongService = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: { code, lieu_id: 'pass-toulon', service: 'Aide aux démarches' },
      headers,
    });
    expect(wrongService.statusCode).toBe(422);
    expect(wrongService.json()).toMatchObject({ code: 'service_not_covered', services_possibles: [AIDE] });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/pass/encaissements',
      payload: { code, lieu_id: 'pass-toulon' },
      headers,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().erreurs).toEqual({ service: 'obligatoire' });
    const unknownMethod = await t.app.inject({ method: 'DELETE', url: '/api/v1/pass/encaissements', headers });
    expect(unknownMethod.statusCode).toBe(404);
  });

  it('shows a new API token once; reloading its page creates no other token', async () => {
    const { codes } = await readyToRedeem();
    await makePerson(t.db, 'caisse@mediatheque.fr', 'phrase de passe de la caisse', [
      { organisationId: orgs.mediatheque, role: 'responsable' },
    ]);
    const agent = new Agent(t.app);
    await agent.get('/connexion');
    await agent.post('/connexion', { email: 'caisse@mediatheque.fr', password: 'phrase de passe de la caisse' });
    const before = (await listApiTokens(t.db, orgs.mediatheque)).length;
    const list = await agent.get('/pass/jetons');
    expect(list.body).toContain('<code>pass-toulon</code>');
    const created = await agent.post(`/pass/jetons/${orgs.mediatheque}`, { name: 'Logiciel de caisse 3' });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/pass/jetons/nouveau');
    const shown = await agent.follow();
    const token = /data-testid="jeton">\s*([^<\s]+)/.exec(shown.body)?.[1] as string;
    expect(token).toMatch(/^pass_/);
    const reload = await agent.get('/pass/jetons/nouveau');
    expect(reload.statusCode).toBe(303);
    expect((await agent.follow()).body).toContain('Un jeton n’est affiché qu’une fois');
    expect((await listApiTokens(t.db, orgs.mediatheque)).length).toBe(before + 1);
    const works = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pass/cheques/${(codes[0] as string[])[0]}?lieu_id=pass-toulon`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(works.statusCode).toBe(200);
  });

  it('keeps the journal intact through redemptions, an undo and a statement', async () => {
    const { codes } = await readyToRedeem();
    const booklet = codes[0] as string[];
    for (const code of booklet) await redeem(code);
    const last = await redeem((codes[0] as string[])[4] as string).catch((e: unknown) => e);
    expect(last).toBeInstanceOf(VoucherRefused);
    const [latest] = await t.db.query<{ id: string }>('SELECT id FROM pass_redemptions WHERE voucher_code = $1', [
      booklet[4],
    ]);
    await undoRedemption(deps, helper, latest?.id as string, { reason: 'Chèque saisi par erreur' });
    clock.set(new Date('2026-12-02T12:00:00Z'));
    await t.app.jobs.runDue();
    const result = await verifyJournal(t.db);
    expect(result.ok).toBe(true);
    const redemptions = await t.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM journal WHERE action = 'pass.cheque_encaisse'",
    );
    expect(redemptions[0]?.n).toBe(5);
  });
});

describe('vouchers used by a person (their page in the support module)', () => {
  it('lists the vouchers of the booklet handed to the person, not undone; another structure cannot see them', async () => {
    const { booklets, codes } = await readyToRedeem();
    const booklet = codes[0] as string[];
    await redeem(booklet[0] as string);
    await redeem(booklet[1] as string);
    const undone = await redeem(booklet[2] as string);
    await undoRedemption(deps, helper, undone.redemption.id, { reason: 'Chèque saisi par erreur' });
    const [row] = await t.db.query<{ person_id: string }>('SELECT person_id FROM pass_booklets WHERE id = $1', [
      (booklets[0] as Booklet).id,
    ]);
    const personId = row?.person_id as string;
    expect(personId).toBeTruthy();

    // The distributing structure follows the person: its prescripteur reads the vouchers.
    const used = await vouchersUsedByPerson(deps, distributor, personId);
    expect(used).toHaveLength(2);
    expect(used[0]).toMatchObject({
      place: 'Médiathèque du Port',
      commune: 'Toulon',
      service: 'Démarches administratives en ligne',
      programme: 'Pass numérique du Var 2026',
    });
    // A helper of a structure that does not follow the person (the redeeming place's, or Marseille's) may not.
    await expect(vouchersUsedByPerson(deps, outsider, personId)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(vouchersUsedByPerson(deps, helper, personId)).rejects.toBeInstanceOf(ForbiddenError);

    // Through the person's page of the support module (a helper of the CCAS, which follows the person).
    const ccasHelper = await makeActor(t.db, [{ organisationId: orgs.ccas, role: 'aidant' }]);
    const agent = await signedInAgent({ ...t, clock: clock.now }, ccasHelper.userId, '/accompagnements');
    const page = await agent.get(`/accompagnements/personnes/${personId}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Chèques Pass numérique utilisés (2)');
    expect(text).toContain('Médiathèque du Port (Toulon)');
    expect(text).toContain('Pass numérique du Var 2026');
    expect(text).toContain('Démarches administratives en ligne');
    expect(text).toMatch(/10\s+novembre 2026 à/);
    // Marseille's helper gets no page at all.
    const other = await signedInAgent({ ...t, clock: clock.now }, outsider.userId, '/accompagnements');
    const refused = await other.get(`/accompagnements/personnes/${personId}`);
    expect(refused.statusCode).toBe(403);
    expect(visibleText(refused.body)).not.toContain('Médiathèque du Port (Toulon)');
  });
});

describe('outcomes of the sessions the vouchers paid for (funder’s report)', () => {
  it('links a session to the redemption it follows, refuses another structure’s, and reports counts from 10 on', async () => {
    const { programme, booklets, codes } = await readyToRedeem();
    await hand((booklets[1] as Booklet).id);
    const redemptions: string[] = [];
    for (const code of [...(codes[0] as string[]).slice(0, 5), ...(codes[1] as string[]).slice(0, 5)]) {
      redemptions.push((await redeem(code)).redemption.id);
    }
    const agent = await signedInAgent({ ...t, clock: clock.now }, helper.userId, '/accompagnements');
    // The form opened from the redemption carries it.
    const url = sessionFormUrlForVoucher({
      placeId: 'pass-toulon',
      service: AIDE,
      date: '2026-11-10',
      redemptionId: redemptions[0],
    });
    const form = await agent.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="cheque" value="${redemptions[0]}"`);
    const session = (cheque: string, autonomie: string, organisation = orgs.mediatheque, lieu = 'pass-toulon') => ({
      organisation,
      type: 'individuel',
      date: '2026-11-10',
      duree: '45',
      lieu_type: 'lieu',
      lieu,
      thematiques: ['aide_aux_demarches_administratives'],
      materiel: ['Téléphone'],
      autonomie: autonomie,
      cheque,
    });
    const linked = () => t.db.query('SELECT id FROM support_sessions WHERE redemption_id IS NOT NULL');

    // Marseille's helper cannot claim the Toulon redemption; a malformed one is refused too.
    const other = await signedInAgent({ ...t, clock: clock.now }, outsider.userId, '/accompagnements');
    const stolen = await other.post(
      '/accompagnements/nouveau',
      session(redemptions[0] as string, 'autonome', orgs.marseille, 'pass-marseille'),
    );
    expect(stolen.statusCode).toBe(400);
    expect(visibleText(stolen.body)).toContain('n’a pas été encaissé par votre structure');
    const bad = await agent.post('/accompagnements/nouveau', session('pas-un-cheque', 'autonome'));
    expect(bad.statusCode).toBe(400);
    expect(visibleText(bad.body)).toContain('Ce chèque n’est pas reconnu');
    expect(await linked()).toHaveLength(0);

    // Under 10 sessions: nothing counted in the report.
    for (const id of redemptions.slice(0, 3)) {
      const res = await agent.post('/accompagnements/nouveau', session(id, 'autonome'));
      expect(res.statusCode, visibleText(res.body).slice(0, 300)).toBe(303);
    }
    expect(await linked()).toHaveLength(3);
    // One session per voucher: the form sent again is refused.
    const twice = await agent.post('/accompagnements/nouveau', session(redemptions[0] as string, 'autonome'));
    expect(twice.statusCode).toBe(400);
    expect(visibleText(twice.body)).toContain('Une séance est déjà enregistrée pour ce chèque');
    expect(await linked()).toHaveLength(3);
    const few = await funderReport(t.db, programme, clock.now());
    expect(few.outcomes.sessions).toBeNull();

    // 10 sessions: the total and the « Autonome » count are shown; smaller groups stay hidden.
    for (const id of redemptions.slice(3)) {
      const res = await agent.post('/accompagnements/nouveau', session(id, 'autonome'));
      expect(res.statusCode, visibleText(res.body).slice(0, 300)).toBe(303);
    }
    const report = await funderReport(t.db, programme, clock.now());
    expect(report.outcomes.sessions).toBe(10);
    expect(report.outcomes.byAutonomy).toContainEqual({ label: 'Autonome', count: 10 });
    expect(report.outcomes.byAutonomy).toContainEqual({ label: 'Fait à la place de la personne', count: null });
    const funderAgent = await signedInAgent({ ...t, clock: clock.now }, funder.userId);
    const page = await funderAgent.get(`/pass/programmes/${programme.id}/bilan`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Résultats des accompagnements payés par les chèques');
    expect(text).toContain('Séances enregistrées : 10');
  });
});
