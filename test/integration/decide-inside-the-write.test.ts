/**
 * Decide inside the write (issue 9 §1, ADR 0009): a use case authorises on a first read, then
 * again inside its transaction on the rows it writes, locked. Each test changes the row between
 * the two — as a concurrent request would — and expects the write to be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../src/modules/accounts/load-user.ts';
import { findPlace, setPlaceOrganisation } from '../../src/modules/lieux/places-repository.ts';
import { changePlaceStatus, updatePlace } from '../../src/modules/lieux/update-place.ts';
import { placeToValues } from '../../src/modules/lieux/views/edit-page.tsx';
import { decideQualification } from '../../src/modules/pass/qualifications.ts';
import type { Actor } from '../../src/platform/auth/actor.ts';
import type { Database } from '../../src/platform/db/database.ts';
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

async function actor(userId: string | undefined): Promise<Actor> {
  const loaded = await loadUser(t.db, userId as string);
  if (!loaded) throw new Error('no user');
  return { ...loaded.actor, sessionId: 'test' };
}

/** The database, where something else happens just before each transaction starts. */
function racing(between: () => Promise<void>): Database {
  const db = Object.create(t.db) as Database;
  db.transaction = async (fn) => {
    await between();
    return t.db.transaction(fn);
  };
  return db;
}

describe('decide inside the write', () => {
  it("refuses a place's edit when the place was given to another structure after the first read", async () => {
    const manager = await actor(w.var.users.structure?.responsable);
    const place = await findPlace(t.db, w.var.place);
    const form = { ...placeToValues(place as NonNullable<typeof place>), nom: 'Écrit trop tard' };
    const db = racing(() => setPlaceOrganisation(t.db, w.var.place, w.var.structure2));
    await expect(updatePlace({ db, clock: t.clock.now }, manager, w.var.place, form)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(changePlaceStatus({ db, clock: t.clock.now }, manager, w.var.place, 'closed')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const after = await findPlace(t.db, w.var.place);
    expect(after?.nom).toBe('Médiathèque du Port');
    expect(after?.status).toBe('open');
    await setPlaceOrganisation(t.db, w.var.place, w.var.structure);
  });

  it("refuses a coordinateur's decision when the place became its own structure's after the first read", async () => {
    const q = (
      await t.db.query<{ id: string }>(
        `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at)
         VALUES ($1, $2, '73282932000074', $3, '{}', 'requested', $4) RETURNING id`,
        [w.vaucluse.structure2, w.vaucluse.place2, ['Aide aux démarches administratives'], t.clock.now()],
      )
    )[0]?.id as string;
    const coordinator = await actor(w.vaucluse.users.coordination?.coordinateur);
    const db = racing(async () => {
      await setPlaceOrganisation(t.db, w.vaucluse.place2, w.vaucluse.coordination);
      await t.db.query('UPDATE pass_qualifications SET organisation_id = $2 WHERE id = $1', [
        q,
        w.vaucluse.coordination,
      ]);
    });
    await expect(
      decideQualification({ db, clock: t.clock.now, publicUrl: '', operatorName: '' }, coordinator, q, {
        decision: 'qualify',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const status = (
      await t.db.query<{ status: string }>('SELECT status FROM pass_qualifications WHERE id = $1', [q])
    )[0]?.status;
    expect(status).toBe('requested');
  });
});
