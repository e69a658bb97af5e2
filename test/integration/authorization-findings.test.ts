/**
 * The five attacks of the first review (issue 9 §1), replayed through HTTP with accounts in two
 * territories (Var 83, Vaucluse 84). Each failed on the code that still had `hasRoleAnywhere`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlace } from '../../src/modules/lieux/places-repository.ts';
import { placeToValues } from '../../src/modules/lieux/views/edit-page.tsx';
import type { Agent } from '../support/agent.ts';
import { visibleText } from '../support/agent.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';
import { seedTwoTerritories, type TwoTerritories } from '../support/two-territories.ts';

let t: TestApp;
let w: TwoTerritories;

// Tuesday 10 November 2026, 10:00 in Paris: September's statements are drawn up.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));

beforeAll(async () => {
  t = await createTestApp({ clock });
  w = await seedTwoTerritories(t);
});
afterAll(async () => {
  await t?.close();
});

const as = (userId: string | undefined, firstPage?: string): Promise<Agent> =>
  signedInAgent({ ...t, clock: t.clock.now }, userId as string, firstPage);

async function one<T>(sql: string, params: unknown[]): Promise<T> {
  return (await t.db.query<T>(sql, params))[0] as T;
}

describe('issue 9 findings', () => {
  it('a coordinateur cannot approve its own place for vouchers', async () => {
    const colleague = await as(w.selfApprover.responsable, '/pass/habilitation');
    await colleague.post(`/pass/habilitation/${w.selfApprover.organisation}`, {
      placeId: w.selfApprover.place,
      siret: '73282932000074',
      services: 'Aide aux démarches administratives',
      freeForBeneficiary: 'on',
      charter: 'on',
    });
    const q = await one<{ id: string; status: string }>(
      'SELECT id, status FROM pass_qualifications WHERE place_id = $1',
      [w.selfApprover.place],
    );
    expect(q.status).toBe('requested');
    const attacker = await as(w.selfApprover.userId, '/pass');
    await attacker.post(`/pass/habilitations/${q.id}`, { decision: 'qualify' });
    const after = await one<{ status: string }>('SELECT status FROM pass_qualifications WHERE id = $1', [q.id]);
    expect(after.status).toBe('requested');
    // Another coordinateur of the same territory decides.
    const coordinator = await as(w.var.users.coordination?.coordinateur, '/pass/habilitations');
    await coordinator.post(`/pass/habilitations/${q.id}`, { decision: 'qualify' });
    expect((await one<{ status: string }>('SELECT status FROM pass_qualifications WHERE id = $1', [q.id])).status).toBe(
      'qualified',
    );
  });

  it('a programme billed to an unrelated funder issues nothing until that funder accepts it', async () => {
    const coordinator = await as(w.var.users.coordination?.coordinateur, '/pass/programmes/nouveau');
    const created = await coordinator.post('/pass/programmes/nouveau', {
      name: 'Pass payé par un autre',
      coordinatorOrganisationId: w.var.coordination,
      funderOrganisationId: w.vaucluse.funder,
      departements: '83',
      validFrom: '2026-01-01',
      validUntil: '2027-06-30',
      services: 'Aide aux démarches administratives',
    });
    expect(created.statusCode).toBe(303);
    const id = String(created.headers.location).split('/').pop() as string;
    await coordinator.get(`/pass/programmes/${id}`);
    await coordinator.post(`/pass/programmes/${id}/emettre`, { count: '20' });
    const booklets = await one<{ n: number }>('SELECT count(*)::int AS n FROM pass_booklets WHERE programme_id = $1', [
      id,
    ]);
    expect(booklets.n).toBe(0);
    // A coordinateur cannot create a programme outside its territory either.
    const outside = await coordinator.post('/pass/programmes/nouveau', {
      name: 'Pass du Vaucluse créé depuis le Var',
      coordinatorOrganisationId: w.var.coordination,
      funderOrganisationId: w.var.funder,
      departements: '84',
      validFrom: '2026-01-01',
      validUntil: '2027-06-30',
      services: 'Aide aux démarches administratives',
    });
    expect(outside.statusCode).toBe(403);
  });

  it("nobody but the funder marks a funder's statement paid", async () => {
    for (const userId of [
      w.vaucluse.users.coordination?.coordinateur,
      w.var.users.coordination?.coordinateur,
      w.vaucluse.users.funder?.financeur,
      w.var.users.structure?.responsable,
    ]) {
      const agent = await as(userId, '/pass/releves');
      await agent.post(`/pass/releves/${w.var.statement}/payer`, { reference: 'VIREMENT-PIRATE' });
      const st = await one<{ paid_at: Date | null }>('SELECT paid_at FROM pass_statements WHERE id = $1', [
        w.var.statement,
      ]);
      expect(st.paid_at, userId).toBeNull();
    }
    const funder = await as(w.var.users.funder?.financeur, '/pass/releves');
    await funder.post(`/pass/releves/${w.var.statement}/payer`, { reference: 'VIR-2026-09' });
    const st = await one<{ payment_reference: string | null }>(
      'SELECT payment_reference FROM pass_statements WHERE id = $1',
      [w.var.statement],
    );
    expect(st.payment_reference).toBe('VIR-2026-09');
  });

  it("nobody edits another structure's place", async () => {
    const before = await findPlace(t.db, w.var.place);
    for (const userId of [
      w.vaucluse.users.coordination?.coordinateur,
      w.var.users.structure2?.responsable,
      w.vaucluse.users.structure?.responsable,
    ]) {
      const agent = await as(userId);
      expect((await agent.get(`/lieux/${w.var.place}/modifier`)).statusCode, userId).toBe(403);
      const values = placeToValues(before as NonNullable<typeof before>);
      const res = await agent.post(`/lieux/${w.var.place}/modifier`, { ...values, nom: 'Lieu détourné' });
      expect(res.statusCode, userId).toBe(403);
      expect((await agent.post(`/lieux/${w.var.place}/fermer`)).statusCode, userId).toBe(403);
    }
    const after = await findPlace(t.db, w.var.place);
    expect(after?.nom).toBe('Médiathèque du Port');
    expect(after?.status).toBe('open');
  });

  it("nobody reads every funder's statements", async () => {
    const varPlace = 'Médiathèque du Port';
    const vauclusePlace = 'Maison du Palais';
    const sees = async (userId: string | undefined) => {
      const agent = await as(userId);
      const page = visibleText((await agent.get('/pass/releves')).body);
      const csv = (await agent.get('/pass/releves.csv')).body;
      return { var: page.includes(varPlace) || csv.includes(varPlace), vaucluse: page.includes(vauclusePlace) };
    };
    expect(await sees(w.vaucluse.users.coordination?.coordinateur)).toEqual({ var: false, vaucluse: true });
    expect(await sees(w.var.users.coordination?.coordinateur)).toEqual({ var: true, vaucluse: false });
    expect(await sees(w.vaucluse.users.funder?.financeur)).toEqual({ var: false, vaucluse: true });
    expect(await sees(w.var.users.funder2?.financeur)).toEqual({ var: false, vaucluse: false });
    expect(await sees(w.var.users.structure?.responsable)).toEqual({ var: true, vaucluse: false });
    expect(await sees(w.var.users.structure2?.responsable)).toEqual({ var: false, vaucluse: false });
    // Nor a programme's report.
    const other = await as(w.vaucluse.users.coordination?.coordinateur);
    expect((await other.get(`/pass/programmes/${w.var.programme}/bilan`)).statusCode).toBe(403);
  });
});
