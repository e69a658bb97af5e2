/**
 * A search while an import of places writes (issue 9). On the embedded database (one
 * connection) the search waits for the import's transaction: once it has waited
 * IMPORT_WAIT_NOTICE_MS the page says so, instead of leaving the person before a blank screen
 * for up to a minute. On PostgreSQL the search does not wait. Each test holds the import's
 * transaction open until it has looked at the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../../../test/support/agent.ts';
import { createTestApp, type TestApp, TestClock } from '../../../test/support/test-app.ts';
import { commandLineActor } from '../../platform/auth/actor.ts';
import type { Database } from '../../platform/db/database.ts';
import { importCommunes } from './import-communes.ts';
import { importPlaces } from './import-places.ts';
import { IMPORT_WAIT_NOTICE_MS } from './routes-pages.tsx';

let t: TestApp;
const clock = new TestClock(new Date('2026-11-24T09:00:00Z'));
const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const header = 'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services';
const file = (id: string, name: string) =>
  Buffer.from(
    `${header}\n${id},73282932000074,${name},Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives`,
  );

beforeAll(async () => {
  t = await createTestApp({ clock });
  await importCommunes({ db: t.db, clock: clock.now }, commandLineActor, Buffer.from(communes), 'communes.csv');
});
afterAll(async () => {
  await t?.close();
});

/**
 * An import of places whose writing transaction, once its rows are written, stays open until
 * `finish()`: `writing` resolves when it is at that point.
 */
function heldImport(bytes: Buffer) {
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let atHold = () => {};
  const writing = new Promise<void>((resolve) => {
    atHold = resolve;
  });
  const db: Database = {
    engine: t.db.engine,
    query: (sql, params, options) => t.db.query(sql, params, options),
    exec: (sql) => t.db.exec(sql),
    close: async () => {},
    transaction: (fn) =>
      t.db.transaction(async (tx) => {
        const result = await fn(tx);
        atHold();
        await finished;
        return result;
      }),
  };
  const done = importPlaces({ db, clock: clock.now }, commandLineActor, bytes, {
    fileName: 'lieux.csv',
    dryRun: false,
  });
  return { writing, finish, done };
}

describe('a search during an import of places', () => {
  it.skipIf(process.env.TEST_DB_ENGINE === 'postgresql')(
    'says that the places are being updated when the search waits for the import (embedded database), then answers',
    async () => {
      const held = heldImport(file('attente-1', 'Médiathèque du Port'));
      await held.writing;
      // The import ends by itself a while later (as a real one would), the page asked meanwhile.
      const ends = setTimeout(held.finish, IMPORT_WAIT_NOTICE_MS * 3);
      const started = performance.now();
      const waiting = await t.app.inject({ method: 'GET', url: '/lieux?commune=Toulon' });
      clearTimeout(ends);
      const waited = performance.now() - started;
      held.finish();
      await held.done;
      expect(waited).toBeGreaterThanOrEqual(IMPORT_WAIT_NOTICE_MS - 50);
      expect(waiting.statusCode).toBe(503);
      expect(waiting.headers['retry-after']).toBe('30');
      const text = visibleText(waiting.body);
      expect(text).toContain('Une mise à jour des lieux est en cours');
      expect(text).toContain("Les résultats arriveront plus lentement que d'habitude");
      expect(waiting.body).toContain('href="/lieux?commune=Toulon"');
      expect(text).toContain('Relancer la recherche');
      // Asked again once the import is written: the results, the new place among them.
      const again = await t.app.inject({ method: 'GET', url: '/lieux?commune=Toulon' });
      expect(again.statusCode).toBe(200);
      expect(visibleText(again.body)).toContain('Médiathèque du Port');
      expect(visibleText(again.body)).not.toContain('Une mise à jour des lieux est en cours');
    },
  );

  it.skipIf(process.env.TEST_DB_ENGINE === 'postgresql')(
    'keeps waiting for a slow search when no import is running (embedded database)',
    async () => {
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let holding = () => {};
      const held = new Promise<void>((resolve) => {
        holding = resolve;
      });
      // Another long transaction (not an import of places) holds the one connection.
      const other = t.db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        holding();
        await released;
      });
      await held;
      setTimeout(release, IMPORT_WAIT_NOTICE_MS + 500);
      const res = await t.app.inject({ method: 'GET', url: '/lieux?commune=Toulon' });
      await other;
      expect(res.statusCode).toBe(200);
      expect(visibleText(res.body)).not.toContain('Une mise à jour des lieux est en cours');
    },
  );

  it.skipIf(process.env.TEST_DB_ENGINE !== 'postgresql')(
    'answers a search at once during an import on PostgreSQL, without the import’s rows until it commits',
    async () => {
      const held = heldImport(file('attente-pg', 'Espace Cronstadt'));
      await held.writing;
      try {
        const started = performance.now();
        const res = await t.app.inject({ method: 'GET', url: '/lieux?commune=Toulon' });
        expect(performance.now() - started).toBeLessThan(IMPORT_WAIT_NOTICE_MS);
        expect(res.statusCode).toBe(200);
        expect(visibleText(res.body)).not.toContain('Une mise à jour des lieux est en cours');
        expect(visibleText(res.body)).not.toContain('Espace Cronstadt');
      } finally {
        held.finish();
        await held.done;
      }
      const after = await t.app.inject({ method: 'GET', url: '/lieux?commune=Toulon' });
      expect(visibleText(after.body)).toContain('Espace Cronstadt');
    },
  );
});
