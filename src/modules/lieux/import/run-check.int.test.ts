/**
 * A file is checked off the server's thread (worker_threads) with the same outcome as on it,
 * and on the embedded PGlite /sante answers while an import's transaction holds the one
 * connection (it used to wait for the whole import).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { runCheck } from './run-check.ts';

const paca = readFileSync(path.resolve('../shared/data/lieux/lieux-paca-2023-05-17.json'));
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('checking a file', () => {
  it('gives the same outcome in a worker thread as on the calling thread', async () => {
    const options = { fileName: 'paca.json', today: '2026-11-24', onProgress: () => {} };
    const [inWorker, inThread] = await Promise.all([
      runCheck(paca, { ...options, inWorker: true }),
      runCheck(paca, { ...options, inWorker: false }),
    ]);
    expect(inWorker.ok && inWorker.accepted.length).toBe(646);
    expect(inWorker).toEqual(inThread);
  });

  it('says why a file cannot be read, from the worker thread too', async () => {
    const outcome = await runCheck(Buffer.from('\u0000\u0001'), {
      fileName: 'x.csv',
      today: '2026-11-24',
      inWorker: true,
      onProgress: () => {},
    });
    expect(outcome.ok).toBe(false);
  });

  it('answers /sante while a transaction that makes progress holds the database (the only connection on PGlite)', async () => {
    const health = await t.db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      // Inside the transaction: « SELECT 1 » from /sante would wait for its end, forever here.
      return t.app.inject('/sante');
    });
    expect(health.statusCode).toBe(200);
    expect(health.json().status).toBe('ok');
  });
});
