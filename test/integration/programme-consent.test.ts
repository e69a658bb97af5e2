/**
 * A programme names its funder, and the funder consents (issue 9 §1); a place's qualification
 * belongs to its structure (reassigning the place suspends it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalMigratedAcceptances } from '../../src/modules/pass/consent.ts';
import { insertProgramme } from '../../src/modules/pass/programmes-repository.ts';
import { visibleText } from '../support/agent.ts';
import { makeActor } from '../support/factories.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedTwoTerritories, type TwoTerritories } from '../support/two-territories.ts';

let t: TestApp;
let w: TwoTerritories;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedTwoTerritories(t);
});
afterAll(async () => {
  await t?.close();
});

const as = (userId: string | undefined, firstPage?: string) =>
  signedInAgent({ ...t, clock: t.clock.now }, userId as string, firstPage);

const programmeForm = (name: string, funder: string, coordination: string) => ({
  name,
  coordinatorOrganisationId: coordination,
  funderOrganisationId: funder,
  departements: '83',
  validFrom: '2026-01-01',
  validUntil: '2027-06-30',
  services: 'Aide aux démarches administratives',
});

async function count(sql: string, params: unknown[]): Promise<number> {
  return (await t.db.query<{ n: number }>(sql, params))[0]?.n ?? 0;
}

describe("the funder's consent", () => {
  it('keeps a programme inactive until a financeur of its funder accepts it, and tells them by e-mail', async () => {
    const coordinator = await as(w.var.users.coordination?.coordinateur, '/pass/programmes/nouveau');
    const created = await coordinator.post(
      '/pass/programmes/nouveau',
      programmeForm('Pass des aînés du Var', w.var.funder, w.var.coordination),
    );
    expect(created.statusCode).toBe(303);
    const id = String(created.headers.location).split('/').pop() as string;
    const mails = await t.mails();
    expect(mails.filter((m) => m.recipient === 'financeur-funder-var@exemple.fr').map((m) => m.subject)).toContain(
      'Passerelle : un programme Pass numérique attend votre accord',
    );
    expect(mails.some((m) => m.recipient.includes('funder2'))).toBe(false);

    const funder = await as(w.var.users.funder?.financeur, '/pass');
    const home = visibleText(funder.last?.body ?? '');
    expect(home).toContain('Programmes en attente de votre accord');
    expect(home).toContain('Pass des aînés du Var');
    const otherFunder = await as(w.var.users.funder2?.financeur, '/pass');
    expect(visibleText(otherFunder.last?.body ?? '')).not.toContain('Pass des aînés du Var');
    await otherFunder.post(`/pass/programmes/${id}/accepter`);
    expect(otherFunder.last?.statusCode).toBe(403);
    await coordinator.post(`/pass/programmes/${id}/accepter`);
    expect(coordinator.last?.statusCode).toBe(403);

    await coordinator.get(`/pass/programmes/${id}`);
    await coordinator.post(`/pass/programmes/${id}/emettre`, { count: '2', confirme: 'oui' });
    expect(await count('SELECT count(*)::int AS n FROM pass_booklets WHERE programme_id = $1', [id])).toBe(0);

    expect((await funder.post(`/pass/programmes/${id}/accepter`)).statusCode).toBe(303);
    expect(
      await count("SELECT count(*)::int AS n FROM journal WHERE action = 'pass.programme_accepte' AND target_id = $1", [
        id,
      ]),
    ).toBe(1);
    expect(visibleText((await funder.get('/pass')).body)).not.toContain('Programmes en attente de votre accord');
    await coordinator.post(`/pass/programmes/${id}/emettre`, { count: '2', confirme: 'oui' });
    expect(await count('SELECT count(*)::int AS n FROM pass_booklets WHERE programme_id = $1', [id])).toBe(2);
  });

  it('counts a programme created by a financeur of its funder as accepted', async () => {
    const both = await makeActor(t.db, [
      { organisationId: w.var.coordination2, role: 'coordinateur' },
      { organisationId: w.var.funder2, role: 'financeur' },
    ]);
    const agent = await as(both.userId, '/pass/programmes/nouveau');
    const created = await agent.post(
      '/pass/programmes/nouveau',
      programmeForm('Pass de l’agglomération', w.var.funder2, w.var.coordination2),
    );
    const id = String(created.headers.location).split('/').pop() as string;
    const row = (
      await t.db.query<{ funder_accepted_by: string | null }>(
        'SELECT funder_accepted_by FROM pass_programmes WHERE id = $1',
        [id],
      )
    )[0];
    expect(row?.funder_accepted_by).toBe(both.userId);
  });

  it('journals once, as accepted, each programme that existed before the rule', async () => {
    const old = await insertProgramme(
      t.db,
      {
        name: 'Programme d’avant',
        coordinator_organisation_id: w.vaucluse.coordination,
        funder_organisation_id: w.vaucluse.funder,
        territory_departements: ['84'],
        territory_communes: [],
        target_publics: null,
        face_value_cents: 1000,
        vouchers_per_booklet: 5,
        valid_from: '2026-01-01',
        valid_until: '2026-12-31',
        tolerance_days: 31,
        distribution_stop_days: 15,
        services: ['Aide aux démarches administratives'],
        created_by: null,
      },
      t.clock.now(),
    );
    // What migration 0080 does to the programmes it finds.
    await t.db.query(
      'UPDATE pass_programmes SET funder_accepted_at = created_at, acceptance_to_journal = true WHERE id = $1',
      [old.id],
    );
    expect(await journalMigratedAcceptances(t.db, t.clock.now)).toBe(1);
    expect(await journalMigratedAcceptances(t.db, t.clock.now)).toBe(0);
    expect(
      await count("SELECT count(*)::int AS n FROM journal WHERE action = 'pass.programme_accepte' AND target_id = $1", [
        old.id,
      ]),
    ).toBe(1);
  });
});

describe('qualification belongs to the structure', () => {
  it('suspends a place’s qualification when the place is given to another organisation', async () => {
    // The fixture's pending request of the structure's place, decided.
    await t.db.query("UPDATE pass_qualifications SET status = 'qualified', decided_at = $2 WHERE id = $1", [
      w.vaucluse.qualification,
      t.clock.now(),
    ]);
    const coordinator = await as(w.vaucluse.users.coordination?.coordinateur, `/lieux/${w.vaucluse.place}/modifier`);
    expect(coordinator.last?.statusCode).toBe(200);
    const res = await coordinator.post(`/lieux/${w.vaucluse.place}/rattacher`, {
      organisation: w.vaucluse.structure2,
    });
    expect(res.statusCode).toBe(303);
    const q = (
      await t.db.query<{ status: string; decision_reason: string }>(
        'SELECT status, decision_reason FROM pass_qualifications WHERE place_id = $1',
        [w.vaucluse.place],
      )
    )[0];
    expect(q?.status).toBe('suspended');
    expect(
      await count(
        "SELECT count(*)::int AS n FROM journal WHERE action = 'pass.habilitation_suspendue' AND target_id = $1",
        [w.vaucluse.place],
      ),
    ).toBe(1);
    // A coordinateur of another territory cannot move it back.
    const outsider = await as(w.var.users.coordination?.coordinateur);
    expect(
      (await outsider.post(`/lieux/${w.vaucluse.place}/rattacher`, { organisation: w.vaucluse.structure })).statusCode,
    ).toBe(403);
  });
});
