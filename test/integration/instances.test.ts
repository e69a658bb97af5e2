/**
 * Several instances (issue 12). On PostgreSQL, two instances of the application — each with
 * its own connection pool — on one database and one SECRET_KEY, as behind a reverse proxy:
 * a session opened on one works on the other, sign-in throttling counts failures on both, a
 * scheduled job runs once per period, and an
 * e-mail queued once is sent once. On the
 * embedded database, a second process is refused with a message that says to use PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { acquireProcessLock } from '../../src/platform/db/process-lock.ts';
import { listDevMailbox } from '../../src/platform/mail/mailer.ts';
import { enqueue } from '../../src/platform/outbox/outbox.ts';
import { Agent } from '../support/agent.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';
import { TestClock, testConfig } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/test-db.ts';

describe.runIf(testEngine() === 'postgresql')('two instances on one PostgreSQL database', () => {
  const clock = new TestClock();
  let shared: TestDatabase;
  let secondPool: Database;
  let one: FastifyInstance;
  let two: FastifyInstance;
  const ticks: string[] = [];

  beforeAll(async () => {
    shared = await createTestDatabase();
    secondPool = await openPostgres(shared.url as string, 5);
    // One configuration, hence one SECRET_KEY, as every instance of a deployment must have.
    const config = testConfig();
    one = await buildApp({ config, db: shared, clock: clock.now, logger: false, outboxPollMs: 0 });
    two = await buildApp({ config, db: secondPool, clock: clock.now, logger: false, outboxPollMs: 0 });
    // The same scheduled job in both instances, as every module's schedules are.
    for (const [app, instance] of [
      [one, 'one'],
      [two, 'two'],
    ] as const) {
      app.jobs.schedule('test.hourly-tick', { every: 3600_000 }, async () => {
        ticks.push(instance);
      });
    }
    await Promise.all([one.ready(), two.ready()]);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await secondPool?.close();
    await shared?.destroy();
  });

  it('keeps a session opened on one instance on the other, and ends it everywhere at sign-out', async () => {
    const organisation = await makeOrganisation(shared, 'Médiathèque des deux instances');
    await makePerson(shared, 'deux-instances@exemple.fr', 'phrase de passe des deux instances', [
      { organisationId: organisation, role: 'responsable' },
    ]);
    const agent = new Agent(one);
    await agent.get('/connexion');
    const login = await agent.post('/connexion', {
      email: 'deux-instances@exemple.fr',
      password: 'phrase de passe des deux instances',
      retour: '/espace',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/espace');

    // The next request lands on the other instance: same person, same workspace.
    const workspace = await agent.switchTo(two).get('/espace');
    expect(workspace.statusCode).toBe(200);
    expect(workspace.body).toContain('Médiathèque des deux instances');
    // A form read on one instance is accepted by the other (CSRF secret signed with the shared key).
    await agent.switchTo(one).get('/espace');
    const signOut = await agent.switchTo(two).post('/deconnexion');
    expect(signOut.statusCode).toBe(303);
    const after = await agent.switchTo(one).get('/espace');
    expect(after.statusCode).toBe(302);
    expect(after.headers.location).toMatch(/^\/connexion/);
  });

  it('shares sign-in throttling: 10 failures spread over the two instances, the 11th attempt gets 429', async () => {
    const organisation = await makeOrganisation(shared, 'Structure du compteur partagé');
    await makePerson(shared, 'compteur@exemple.fr', 'phrase de passe du compteur', [
      { organisationId: organisation, role: 'aidant' },
    ]);
    const agent = new Agent(one);
    await agent.get('/connexion');
    for (let i = 0; i < 10; i++) {
      const res = await agent
        .switchTo(i % 2 === 0 ? one : two)
        .post('/connexion', { email: 'compteur@exemple.fr', password: 'mauvais mot de passe' });
      expect(res.statusCode).toBe(401);
    }
    for (const app of [one, two]) {
      const res = await agent
        .switchTo(app)
        .post('/connexion', { email: 'compteur@exemple.fr', password: 'phrase de passe du compteur' });
      expect(res.statusCode).toBe(429);
      expect(res.body).toContain('Trop de tentatives');
    }
  });

  it('runs a scheduled job once per period, whichever instance gets it', async () => {
    await Promise.all([one.jobs.runDue(), two.jobs.runDue(), one.jobs.runDue(), two.jobs.runDue()]);
    expect(ticks).toHaveLength(1);
    // The next period: once again, not once per instance.
    clock.advance(3600_000 + 1000);
    await Promise.all([one.jobs.runDue(), two.jobs.runDue()]);
    expect(ticks).toHaveLength(2);
  });

  it('delivers each queued e-mail once when both instances drain the outbox at the same time', async () => {
    const subjects = Array.from({ length: 40 }, (_, i) => `Message partagé ${i + 1}`);
    for (const subject of subjects) {
      await enqueue(shared, 'mail', { to: 'file@exemple.fr', subject, text: 'Une seule fois.' });
    }
    await Promise.all([one.outbox.drain(), two.outbox.drain(), one.outbox.drain(), two.outbox.drain()]);
    const delivered = (await listDevMailbox(shared, 500))
      .filter((m) => m.recipient === 'file@exemple.fr')
      .map((m) => m.subject);
    expect(delivered.sort()).toEqual([...subjects].sort());
  });
});

describe.runIf(testEngine() === 'pglite')('the embedded database serves one process', () => {
  let dir: string;
  let release: () => void;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'passerelle-lock-'));
    // This test process plays the running server.
    release = acquireProcessLock(path.join(dir, 'pglite'));
  });
  afterAll(() => {
    release?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second server on the same DATA_DIR and says to use PostgreSQL for several instances', () => {
    const env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PORT: '3499', LOG_LEVEL: 'silent' };
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const server = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, encoding: 'utf8' });
    expect(server.status).toBe(1);
    expect(server.stderr).toContain('Passerelle ne peut pas démarrer');
    expect(server.stderr).toContain(`déjà utilisée par le processus ${process.pid}`);
    expect(server.stderr).toContain('plusieurs instances de Passerelle, utilisez un serveur PostgreSQL (DATABASE_URL');

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], {
      env,
      encoding: 'utf8',
    });
    expect(cli.status).toBe(3);
    expect(cli.stderr).toContain(`déjà utilisée par le processus ${process.pid}`);
    // Two processes compiled by tsx from the sources: slow on a busy machine.
  }, 240_000);
});
