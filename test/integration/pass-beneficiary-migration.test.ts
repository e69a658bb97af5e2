/**
 * Migration 0131 on the demo data (issue 11 §2, ADR 0018): booklets handed over before it carry
 * their beneficiary as JSON; the data step turns each into a person followed by the
 * distributing structure, keeping every fact (the Pass's own age bands kept as bands), moves
 * the needs onto the booklet and empties the JSON; it is idempotent, journaled, and the
 * distributor's letter page still names the commune.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../src/modules/accounts/index.ts';
import { migrateLegacyBeneficiaries } from '../../src/modules/pass/index.ts';
import { viewPerson } from '../../src/modules/people/index.ts';
import { verifyJournal } from '../../src/platform/journal/journal.ts';
import { visibleText } from '../support/agent.ts';
import { populate } from '../support/database-snapshot.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
let ccas: string;
let prescripteurId: string;

/** What booklets looked like before migration 0131, as the old hand-over wrote them. */
const LEGACY = [
  {
    tranche_age: '18 à 25 ans',
    commune_insee: '83137',
    commune: 'Toulon',
    situation: 'Bénéficiaire du RSA',
    besoins: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
  },
  { tranche_age: '80 ans et plus', commune_insee: '84007', commune: 'Avignon', situation: 'Autre', besoins: [] },
  // An older shape: no needs at all.
  { tranche_age: '45 à 64 ans', commune_insee: '83069', commune: 'Hyères', situation: "En recherche d'emploi" },
];

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const row = (await t.db.query<T>(sql, params))[0];
  if (!row) throw new Error(`no row for ${sql}`);
  return row;
}

let legacy: Array<{ id: string; number: number; distributed_at: Date; facts: (typeof LEGACY)[number] }> = [];

beforeAll(async () => {
  t = await createTestApp({ clock });
  await populate(t.db, clock);
  ({ id: ccas } = await one<{ id: string }>("SELECT id FROM organisations WHERE name = 'Démo — CCAS de la Colline'"));
  ({ id: prescripteurId } = await one<{ id: string }>(
    "SELECT id FROM users WHERE email = 'prescripteur@demo.passerelle.localhost'",
  ));
  // Three booklets the demo CCAS holds, handed over the old way: JSON on the booklet, no person.
  const held = await t.db.query<{ id: string; number: number }>(
    'SELECT id, number FROM pass_booklets WHERE distributor_organisation_id = $1 AND distributed_at IS NULL ORDER BY number LIMIT 3',
    [ccas],
  );
  expect(held).toHaveLength(3);
  legacy = [];
  for (const [i, b] of held.entries()) {
    const at = new Date(Date.UTC(2026, 9, 1 + i, 8));
    const facts = LEGACY[i] as (typeof LEGACY)[number];
    await t.db.query(
      'UPDATE pass_booklets SET distributed_at = $2, distributed_by = $3, beneficiary = $4 WHERE id = $1',
      [b.id, at, prescripteurId, JSON.stringify(facts)],
    );
    legacy.push({ ...b, distributed_at: at, facts });
  }
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe('migration 0131: Pass beneficiaries become people', () => {
  it('moves every legacy beneficiary, once', async () => {
    const people = async () => (await one<{ n: number }>('SELECT count(*)::int AS n FROM people')).n;
    const before = await people();
    expect(await migrateLegacyBeneficiaries(t.db, clock.now)).toBe(3);
    expect(await people()).toBe(before + 3);
    // Idempotent: run again (another instance starting, the next start) — nothing left to do.
    expect(await migrateLegacyBeneficiaries(t.db, clock.now)).toBe(0);
    expect(await people()).toBe(before + 3);
    expect(
      (await one<{ n: number }>('SELECT count(*)::int AS n FROM pass_booklets WHERE beneficiary IS NOT NULL')).n,
    ).toBe(0);
  });

  it('keeps every fact: age band as a band, commune, situation, needs, who and when', async () => {
    const loaded = await loadUser(t.db, prescripteurId);
    const actor = { ...loaded?.actor, sessionId: 'test' } as never;
    for (const b of legacy) {
      const booklet = await one<{ person_id: string; needs: string[]; beneficiary: unknown }>(
        'SELECT person_id, needs, beneficiary FROM pass_booklets WHERE id = $1',
        [b.id],
      );
      expect(booklet.beneficiary).toBeNull();
      expect(booklet.needs).toEqual(b.facts.besoins ?? []);
      const person = await viewPerson({ db: t.db, clock: clock.now }, actor, booklet.person_id);
      expect(person).toMatchObject({
        displayName: `Bénéficiaire du carnet n° ${b.number}`,
        birthYear: null,
        ageBand: b.facts.tranche_age,
        // The commune's label was derived from its INSEE code at hand-over; the gazetteer gives it again.
        residence: { kind: 'commune', inseeCode: b.facts.commune_insee, communeName: expect.any(String) },
        situation: b.facts.situation,
        followedBy: [ccas],
      });
      expect(person.residence.kind === 'commune' && person.residence.communeName.toLowerCase()).toBe(
        b.facts.commune
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .toLowerCase(),
      );
      const follow = await one<{ since: Date; by_user_id: string; basis: string }>(
        'SELECT since, by_user_id, basis FROM people_follows WHERE person_id = $1',
        [booklet.person_id],
      );
      expect(follow).toEqual({ since: b.distributed_at, by_user_id: prescripteurId, basis: 'carnet_pass' });
    }
  });

  it('journals each person and the batch, and the journal still verifies', async () => {
    const created = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM journal WHERE action = 'personne.creee' AND details->>'origine' = 'migration_carnet_pass'",
    );
    expect(created.n).toBe(3);
    const batch = await one<{ details: Record<string, unknown> }>(
      "SELECT details FROM journal WHERE action = 'pass.beneficiaires_migres'",
    );
    expect(batch.details).toEqual({ carnets: 3, migration: '0131' });
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });

  it('the distributor’s letter still names the commune, now read through the person model', async () => {
    const agent = await signedInAgent({ ...t, clock: clock.now }, prescripteurId, '/pass/distribution');
    const response = await agent.get(`/pass/carnets/${legacy[0]?.id}/lettre`);
    expect(response.statusCode).toBe(200);
    expect(visibleText(response.body)).toContain('Où aller près de chez vous (Toulon)');
    const log = await one<{ n: number }>(
      "SELECT count(*)::int AS n FROM people_access_log l JOIN pass_booklets b ON b.person_id = l.person_id WHERE b.id = $1 AND l.action = 'consultation'",
      [legacy[0]?.id],
    );
    expect(log.n).toBeGreaterThan(0);
  });

  it('the demo booklet handed over by the new code is a person too', async () => {
    const demo = await one<{ person_id: string | null; needs: string[] }>(
      'SELECT person_id, needs FROM pass_booklets WHERE distributor_organisation_id = $1 AND number = 1',
      [ccas],
    );
    expect(demo.person_id).not.toBeNull();
    expect(demo.needs).toEqual(['Aide aux démarches administratives']);
  });
});
