/**
 * The development FranceConnect (issue 16): without OIDC_FC_* and outside production the app
 * serves a FranceConnect-like provider under /dev/franceconnect, so that `npm start` alone lets a
 * person be identified with a fictional identity; in production it does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../../../test/support/agent.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { createTestApp, type TestApp, testConfig } from '../../../test/support/test-app.ts';
import { buildApp } from '../../app.ts';

let t: TestApp;
let origin: string;

/** A browser over real HTTP: cookies kept, redirects followed by hand. */
class Browser {
  cookies = new Map<string, string>();
  async go(url: string, init: { method?: string; body?: string } = {}) {
    const res = await fetch(new URL(url, origin), {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.body ? { body: init.body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...rest] = (pair as string).split('=');
      if (rest.join('=') === '' || /max-age=0/i.test(c)) this.cookies.delete(name as string);
      else this.cookies.set(name as string, rest.join('='));
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
  }
}

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  t = await createTestApp({ env: { PUBLIC_URL: origin } });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

describe('development FranceConnect', () => {
  it('identifies a fictional person for « Mes mandats » with npm start alone', async () => {
    const discovery = JSON.parse((await new Browser().go('/dev/franceconnect/.well-known/openid-configuration')).text);
    expect(discovery.issuer).toBe(`${origin}/dev/franceconnect`);
    expect(discovery.acr_values_supported).toEqual(['eidas1']);

    const b = new Browser();
    let step = await b.go('/franceconnect/connexion?pour=mes-mandats');
    for (let i = 0; i < 5 && step.location && !step.location.includes('/identification/'); i++)
      step = await b.go(step.location);
    expect(step.location).toMatch(/\/dev\/franceconnect\/identification\//);
    const page = await b.go(step.location as string);
    expect(visibleText(page.text)).toContain('Identités fictives pour essayer Passerelle');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    let next = await b.go(step.location as string, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, identite: 'fictif-jean-martin' }).toString(),
    });
    for (let i = 0; i < 6 && next.location && !next.location.startsWith('/mes-mandats'); i++)
      next = await b.go(next.location);
    expect(next.location).toBe('/mes-mandats');
    const mine = await b.go('/mes-mandats');
    expect(visibleText(mine.text)).toContain('Jean Pierre MARTIN, voici les structures');
    const [usager] = await t.db.query<{ birthdate: string; subject_hash: string }>(
      'SELECT birthdate, subject_hash FROM mandate_usagers',
    );
    expect(usager?.birthdate).toBe('1948-03-00');
    expect(usager?.subject_hash).not.toContain('martin');
  });

  it('does not exist in production', async () => {
    const config = testConfig({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://localhost:2525',
      PUBLIC_URL: 'https://passerelle.example.fr',
    });
    const app = await buildApp({ config, db: t.db, logger: false, outboxPollMs: 0 });
    await app.ready();
    expect((await app.inject('/dev/franceconnect/.well-known/openid-configuration')).statusCode).toBe(404);
    expect(visibleText((await app.inject('/mes-mandats')).body)).toContain("L'identification n'est pas disponible");
    await app.close();
  });
});
