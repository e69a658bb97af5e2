/**
 * One support session per voucher redemption, held by the database (migration 0190, ADR 0038),
 * on both engines: two helpers saving a session from the same redemption at the same instant
 * get one session and one clear French refusal (on PostgreSQL the check in code passes for both
 * and the unique index decides); sessions that shared a redemption before the index are
 * resolved deterministically — the earliest keeps it — and each change is journaled.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { AppError } from '../../platform/http/errors.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { journalUnlinkedRedemptions, recordSession } from './index.ts';

let db: TestDatabase;
let org: string;
let helpers: Actor[];
const now = new Date('2026-11-10T09:00:00Z');
const clock = () => new Date(now);

function sessionForm(redemptionId: string): Record<string, string | string[]> {
  return {
    organisation: org,
    type: 'individuel',
    date: '2026-11-10',
    duree: '45',
    lieu_type: 'distance',
    thematiques: ['aide_aux_demarches_administratives'],
    materiel: ['Téléphone'],
    autonomie: 'autonome',
    cheque: redemptionId,
  };
}

/**
 * The pass module's check, made to wait until both attempts are inside their transactions —
 * or, on PGlite (one connection: transactions run one after the other), a short while.
 */
function bothInside(): (db: unknown, redemptionId: string, organisationId: string) => Promise<boolean> {
  let arrived = 0;
  let release: () => void = () => {};
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived >= 2) release();
    await Promise.race([together, new Promise((resolve) => setTimeout(resolve, 500))]);
    return true;
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  org = await makeOrganisation(db, 'Médiathèque', 'association', { departements: [], communes: ['83137'] });
  helpers = [
    await makeActor(db, [{ organisationId: org, role: 'aidant' }]),
    await makeActor(db, [{ organisationId: org, role: 'aidant' }]),
  ];
});
afterAll(async () => {
  await db?.destroy();
});

describe('one session per voucher redemption', () => {
  it('records one of two concurrent attempts and refuses the other with the French message', async () => {
    const redemption = randomUUID();
    const ctx = { db, clock, isRedemptionOfOrganisation: bothInside() };
    const outcomes = await Promise.allSettled(
      helpers.map((helper) => recordSession(ctx, helper, sessionForm(redemption))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')?.reason;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(400);
    expect((refused as AppError).fieldErrors.cheque).toBe('Une séance est déjà enregistrée pour ce chèque.');
    const rows = await db.query('SELECT id FROM support_sessions WHERE redemption_id = $1', [redemption]);
    expect(rows).toHaveLength(1);
    // One journal entry: the refused attempt left nothing behind.
    const journaled = await db.query(
      "SELECT 1 FROM journal WHERE action = 'accompagnement.seance_enregistree' AND target_id = $1",
      [(outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<string>).value],
    );
    expect(journaled).toHaveLength(1);
  });

  it('resolves sessions that shared a redemption before the index: the earliest keeps it, each change journaled', async () => {
    // The database as it was before 0190.
    await db.exec(`
      DROP INDEX support_sessions_redemption_once;
      DROP TABLE support_session_redemption_unlinked;
      CREATE INDEX support_sessions_redemption_idx ON support_sessions (redemption_id) WHERE redemption_id IS NOT NULL;
      DELETE FROM schema_migrations WHERE version = '0190';
    `);
    const shared = randomUUID();
    const alone = randomUUID();
    const insert = async (redemptionId: string, createdAt: string) =>
      (
        await db.query<{ id: string }>(
          `INSERT INTO support_sessions (organisation_id, kind, session_date, duration_minutes, place_kind, themes,
             created_at, updated_at, redemption_id)
           VALUES ($1, 'individuel', '2026-11-09', 30, 'distance', '{email}', $2, $2, $3) RETURNING id`,
          [org, createdAt, redemptionId],
        )
      )[0]?.id as string;
    const later = await insert(shared, '2026-11-09T10:00:05Z');
    const earliest = await insert(shared, '2026-11-09T10:00:00Z');
    const latest = await insert(shared, '2026-11-09T10:00:09Z');
    const single = await insert(alone, '2026-11-09T11:00:00Z');

    expect(await migrate(db)).toEqual(['0190-support-session-redemption-once']);
    const linked = await db.query<{ id: string; redemption_id: string | null }>(
      'SELECT id, redemption_id FROM support_sessions WHERE id = ANY($1::uuid[]) ORDER BY created_at',
      [[later, earliest, latest, single]],
    );
    expect(linked).toEqual([
      { id: earliest, redemption_id: shared },
      { id: later, redemption_id: null },
      { id: latest, redemption_id: null },
      { id: single, redemption_id: alone },
    ]);
    // The sessions themselves are all kept.
    expect(linked).toHaveLength(4);
    // The index now refuses a second session for the redemption.
    await expect(insert(shared, '2026-11-09T12:00:00Z')).rejects.toMatchObject({ code: '23505' });

    expect(await journalUnlinkedRedemptions(db, clock)).toBe(2);
    const entries = await db.query<{ target_id: string; organisation_id: string; details: Record<string, unknown> }>(
      "SELECT target_id, organisation_id, details FROM journal WHERE action = 'accompagnement.cheque_delie' ORDER BY target_id",
    );
    expect(entries.map((e) => e.target_id).sort()).toEqual([later, latest].sort());
    for (const e of entries) {
      expect(e.organisation_id).toBe(org);
      expect(e.details).toMatchObject({ cheque: shared, seance_gardee: earliest, migration: '0190' });
    }
    // Once only, and the journal's chain still verifies.
    expect(await journalUnlinkedRedemptions(db, clock)).toBe(0);
    expect((await verifyJournal(db)).ok).toBe(true);
  });
});
