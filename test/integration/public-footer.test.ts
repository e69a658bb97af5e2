/**
 * The public pages show nothing meant for developers: the development mailbox stays reachable
 * at its address (the start-up output names it) but no public page links to it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('has no development-only link in the footer of public pages', async () => {
  for (const url of ['/', '/lieux', '/connexion', '/accessibilite']) {
    const page = await t.app.inject({ method: 'GET', url });
    expect(page.statusCode, url).toBe(200);
    const footer = /<footer[\s\S]*<\/footer>/.exec(page.body)?.[0] ?? '';
    expect(footer, url).toContain('Mentions légales');
    expect(footer, url).not.toContain('/dev/');
    expect(footer, url).not.toContain('développement');
  }
  // Still there for the developer who reads the start-up output.
  expect((await t.app.inject({ method: 'GET', url: '/dev/boite-mail' })).statusCode).toBe(200);
});
