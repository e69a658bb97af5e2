/**
 * Two app instances on one database (PostgreSQL: two connection pools, as two servers have;
 * PGlite: two apps sharing the one connection of a process) send each e-mail exactly once.
 * Before the outbox claimed its rows, both instances read the same pending messages and
 * both sent them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { enqueue } from '../../src/platform/outbox/outbox.ts';
import { TestClock, testConfig } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-db.ts';

let db: TestDatabase;
let second: Database;
let apps: FastifyInstance[];

beforeAll(async () => {
  db = await createTestDatabase();
  second = db.url ? await openPostgres(db.url, 10) : db;
  const clock = new TestClock();
  const config = testConfig();
  apps = [
    await buildApp({ config, db, clock: clock.now, logger: false, outboxPollMs: 0 }),
    await buildApp({ config, db: second, clock: clock.now, logger: false, outboxPollMs: 0 }),
  ];
  for (const app of apps) await app.ready();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  if (second !== db) await second.close();
  await db.destroy();
});

describe('two app instances, one outbox', () => {
  it('send each e-mail once', async () => {
    const recipients = Array.from({ length: 60 }, (_, i) => `personne-${i}@exemple.fr`);
    await db.transaction(async (tx) => {
      for (const to of recipients) await enqueue(tx, 'mail', { to, subject: 'Votre lien', text: 'Bonjour' });
    });
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const sent = await Promise.all([a.outbox.drain(), b.outbox.drain(), a.outbox.drain(), b.outbox.drain()]);

    const delivered = await db.query<{ recipient: string; n: number }>(
      'SELECT recipient, count(*) AS n FROM dev_mailbox GROUP BY recipient ORDER BY recipient',
    );
    expect(delivered.filter((d) => d.n > 1)).toEqual([]);
    expect(delivered.map((d) => d.recipient).sort()).toEqual([...recipients].sort());
    expect(sent.reduce((x, y) => x + y, 0)).toBe(60);
    const pending = await db.query("SELECT id FROM outbox WHERE topic = 'mail' AND done_at IS NULL");
    expect(pending).toEqual([]);
  });
});
