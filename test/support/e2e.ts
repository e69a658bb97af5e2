/**
 * Browser journeys: the real application listening on a free port, on a fresh embedded
 * database, driven by Debian's Chromium through playwright-core, with an axe audit.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { freePort } from './free-port.ts';
import { TestClock, testConfig } from './test-app.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export { freePort };

export interface RunningApp {
  url: string;
  app: FastifyInstance;
  db: TestDatabase;
  config: Config;
  clock: TestClock;
  close(): Promise<void>;
}

export async function startApp(env: Record<string, string> = {}, port?: number): Promise<RunningApp> {
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  const db = await createTestDatabase();
  const config = testConfig({ PUBLIC_URL: url, PORT: String(p), ...env });
  const clock = new TestClock();
  const app = await buildApp({ config, db, clock: clock.now, logger: false, outboxPollMs: 200 });
  await app.listen({ port: p, host: '127.0.0.1' });
  return {
    url,
    app,
    db,
    config,
    clock,
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Runs axe on the current page; returns the violations in words, empty when clean. */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const violations = result.violations.map(
    (v) => `${page.url()} — ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  // axe no longer reports duplicate ids, yet a duplicate breaks the label of a field.
  const duplicates = await page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  });
  for (const id of duplicates)
    violations.push(`${page.url()} — duplicate-id: l'identifiant « ${id} » est utilisé plusieurs fois`);
  return violations;
}

/** Keeps every page visited with its axe result, to assert zero violations at the end. */
export class Audit {
  readonly visited: string[] = [];
  readonly violations: string[] = [];
  async check(page: Page): Promise<void> {
    await page.waitForLoadState('load');
    this.visited.push(new URL(page.url()).pathname);
    this.violations.push(...(await axeViolations(page)));
  }
}

/** Waits until the element is visible (fails after the action timeout). */
export async function shown(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: 10_000 });
}

/** The text of the first matching element, once it is visible. */
export async function textOf(locator: Locator): Promise<string> {
  await shown(locator);
  return (await locator.first().textContent()) ?? '';
}

/**
 * axe is a script, so it cannot run in a page loaded with JavaScript disabled: the HTML that
 * page received is served again, at the same origin, to a JavaScript-enabled page and audited.
 */
export async function snapshotViolations(browser: Browser, page: Page): Promise<string[]> {
  const html = await page.content();
  const origin = new URL(page.url()).origin;
  const context = await browser.newContext({ viewport: page.viewportSize() ?? { width: 1280, height: 800 } });
  const copy = await context.newPage();
  const url = `${origin}/__instantane-axe`;
  await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await copy.goto(url);
  const violations = (await axeViolations(copy)).map((v) => v.replace(url, `${page.url()} (sans JavaScript)`));
  await context.close();
  return violations;
}
