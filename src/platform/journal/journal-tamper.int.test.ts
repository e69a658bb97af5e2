/**
 * What someone with write access to the database would do to the journal, each detected by
 * `verifyJournal` (issue 9, ADR 0017): delete the newest row of a stream (seconds after it was
 * written), delete a whole stream, rewrite a row and recompute the following hashes, leave a
 * gap in the sequence, break the previous-hash link.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import { runCli } from '../../cli/main.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../db/open-database.ts';
import { appendJournal, canonicalJson, GENESIS_HASH, setJournalKey, verifyJournal } from './journal.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let db: TestDatabase;

async function write(stream: string, n: number) {
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    await db.transaction((tx) =>
      appendJournal(tx, clock.now, { action: 'test.ecrit', stream, targetType: 'essai', details: { i } }),
    );
  }
}

/** Runs SQL as someone who can switch the journal's protections off. */
async function asAttacker(sql: string, params: unknown[] = []) {
  await db.exec('ALTER TABLE journal DISABLE TRIGGER USER');
  await db.exec('ALTER TABLE journal_heads DISABLE TRIGGER USER');
  try {
    await db.query(sql, params);
  } finally {
    await db.exec('ALTER TABLE journal ENABLE TRIGGER USER');
    await db.exec('ALTER TABLE journal_heads ENABLE TRIGGER USER');
  }
}

/** Rewrites a row and recomputes its hash and all the following ones, as the code did before keys. */
async function rewriteAndRechain(stream: string, seq: number, details: Record<string, unknown>) {
  const rows = await db.query<{
    id: number;
    stream_seq: number;
    occurred_at: Date;
    actor_user_id: string | null;
    organisation_id: string | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    details: Record<string, unknown>;
  }>(
    'SELECT id, stream_seq, occurred_at, actor_user_id, organisation_id, action, target_type, target_id, details FROM journal WHERE stream = $1 ORDER BY stream_seq',
    [stream],
  );
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const d = Number(r.stream_seq) === seq ? details : r.details;
    if (Number(r.stream_seq) >= seq) {
      const content = canonicalJson({
        stream,
        seq: Number(r.stream_seq),
        at: new Date(r.occurred_at).toISOString(),
        actor: r.actor_user_id,
        org: r.organisation_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        details: d,
        prev,
      });
      const hash = createHash('sha256').update(content).digest('hex');
      await asAttacker('UPDATE journal SET details = $1::jsonb, prev_hash = $2, hash = $3 WHERE id = $4', [
        JSON.stringify(d),
        prev,
        hash,
        r.id,
      ]);
      prev = hash;
    } else {
      prev = (await db.query<{ hash: string }>('SELECT hash FROM journal WHERE id = $1', [r.id]))[0]?.hash as string;
    }
  }
  // The head too, as far as someone without the key can.
  await asAttacker('UPDATE journal_heads SET hash = $1 WHERE stream = $2', [prev, stream]);
}

beforeEach(async () => {
  db = await createTestDatabase();
  setJournalKey('test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz');
  await write('organisation-a', 4);
  await write('organisation-b', 3);
  await write('plateforme', 2);
});
afterEach(async () => {
  await db?.destroy();
});

describe('journal tamper detection', () => {
  it('says intact when nothing was touched', async () => {
    expect(await verifyJournal(db)).toMatchObject({ ok: true, checked: 9, streams: 3 });
  });

  it('detects the newest row of a stream deleted seconds after it was written', async () => {
    await write('organisation-a', 1);
    await asAttacker("DELETE FROM journal WHERE stream = 'organisation-a' AND stream_seq = 5");
    const result = await verifyJournal(db);
    expect(result.ok).toBe(false);
    expect(result.problem?.reason).toContain('lignes supprimées à la fin du flux « organisation-a » : n° 5 à 5');
    // Putting the head back by hand does not help without the key.
    await asAttacker(
      "UPDATE journal_heads SET seq = 4, hash = (SELECT hash FROM journal WHERE stream = 'organisation-a' AND stream_seq = 4) WHERE stream = 'organisation-a'",
    );
    expect((await verifyJournal(db)).problem?.reason).toContain('la tête du flux « organisation-a » a été falsifiée');
  });

  it('detects a whole stream deleted, with or without its head', async () => {
    await asAttacker("DELETE FROM journal WHERE stream = 'organisation-b'");
    expect((await verifyJournal(db)).problem?.reason).toContain(
      'le flux « organisation-b » a été entièrement supprimé',
    );
    await asAttacker("DELETE FROM journal_heads WHERE stream = 'organisation-b'");
    expect((await verifyJournal(db)).problem?.reason).toContain('1 flux entier(s) supprimé(s)');
    await asAttacker("UPDATE journal_heads SET seq = 2 WHERE stream = ''");
    expect((await verifyJournal(db)).problem?.reason).toContain('registre des flux du journal a été falsifié');
  });

  it('detects a row rewritten with the following hashes recomputed', async () => {
    await rewriteAndRechain('organisation-a', 2, { i: 99 });
    const result = await verifyJournal(db);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatchObject({ stream: 'organisation-a', seq: 2 });
    expect(result.problem?.reason).toContain('ligne modifiée');
  });

  it('detects a gap in a stream’s sequence', async () => {
    await asAttacker("DELETE FROM journal WHERE stream = 'organisation-a' AND stream_seq = 2");
    const result = await verifyJournal(db);
    expect(result.problem).toMatchObject({ stream: 'organisation-a', seq: 2, id: null });
    expect(result.problem?.reason).toContain('ligne manquante : le n° 2 du flux « organisation-a » a disparu');
  });

  it('detects a row whose previous hash does not match the row before', async () => {
    const id = (
      await db.query<{ id: number }>("SELECT id FROM journal WHERE stream = 'organisation-b' AND stream_seq = 3")
    )[0]?.id;
    await asAttacker('UPDATE journal SET prev_hash = $1 WHERE id = $2', ['f'.repeat(64), id]);
    const result = await verifyJournal(db);
    expect(result.problem).toMatchObject({ stream: 'organisation-b', seq: 3, id });
    expect(result.problem?.reason).toContain('chaînage rompu');
  });

  it('refuses rows hashed with another key: the key is the server’s', async () => {
    setJournalKey('une-autre-cle-secrete-de-plus-de-32-caracteres');
    const result = await verifyJournal(db);
    expect(result.ok).toBe(false);
    expect(result.problem?.reason).toContain('ligne modifiée');
  });

  it('`passerelle journal verify` reads the server’s configuration (DATA_DIR, SECRET_KEY)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passerelle-journal-'));
    const saved = { ...process.env };
    try {
      for (const k of ['DATABASE_URL', 'SECRET_KEY']) delete process.env[k];
      Object.assign(process.env, { DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' });
      const config = loadConfig();
      const own = await openDatabase(config, { migrate: true });
      setJournalKey(config.secretKey); // what the server does at start
      await own.transaction((tx) => appendJournal(tx, clock.now, { action: 'test.ecrit', stream: 'plateforme' }));
      await own.close();
      setJournalKey('une-autre-cle-secrete-de-plus-de-32-caracteres');
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      expect(await runCli(['journal', 'verify'], io)).toBe(0);
      expect(out.join('\n')).toContain('Journal intact : 1 lignes vérifiées dans 1 flux.');
      // Another SECRET_KEY than the server's: the rows do not verify.
      process.env.SECRET_KEY = 'une-autre-cle-secrete-de-plus-de-32-caracteres';
      expect(await runCli(['journal', 'verify'], io)).toBe(1);
      expect(err.join('\n')).toContain('Journal ALTÉRÉ');
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
