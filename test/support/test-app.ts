/**
 * An application built for a test file: its own fresh database, a clock the test can move,
 * e-mails kept in the development mailbox (the real nodemailer pipeline), quiet logs.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { listDevMailbox } from '../../src/platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export class TestClock {
  constructor(private current = new Date()) {}
  now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = date;
  }
}

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  config: Config;
  clock: TestClock;
  /** Delivers pending e-mails, then returns the mailbox, newest first. */
  mails(): Promise<Array<{ recipient: string; subject: string; text: string }>>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.resolve('var/test'),
    SECRET_KEY: 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
    PUBLIC_URL: 'http://localhost:3000',
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_PUBLIC_API: '100000',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export async function createTestApp(
  options: { env?: Record<string, string>; clock?: TestClock; onRoute?: BuildOptions['onRoute'] } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = testConfig(options.env);
  const clock = options.clock ?? new TestClock();
  const app = await buildApp({
    config,
    db,
    clock: clock.now,
    logger: false,
    outboxPollMs: 0,
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    config,
    clock,
    async mails() {
      await app.outbox.drain();
      return (await listDevMailbox(db)).map((m) => ({ recipient: m.recipient, subject: m.subject, text: m.text }));
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
