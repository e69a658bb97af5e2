/**
 * « Bad input never gives a 5xx » (issue 9), over the whole route table: every route, every
 * parameter — path parameters, and every field or query name the code reads — with a fixed set
 * of hostile values, as a visitor and as a platform administrator (who passes every policy, so
 * the handlers' own parsing is reached). No answer may be a 5xx; a 400 is a French page or
 * problem+json, never Fastify's raw error.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../support/agent.ts';
import { populate } from '../support/database-snapshot.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';

const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '99999999999999999999',
  '-1',
  '1e309',
  '2026-02-30',
  '2026-13',
  '/%09/evil.example',
  '\\\\evil.example',
  '%',
  '%E0%A4%A',
  '\uD800',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  'x'.repeat(5000),
];

/** Every form field and query name the source reads: the « parameters » of the route table. */
function parameterNames(): string[] {
  const names = new Set(['de', 'a', 'mois', 'retour', 'lieu_id', 'page', 'format', 'du', 'au', 'q', 'code', 'jeton']);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(f) && !f.includes('.test.') ? [p] : [];
    });
  for (const file of walk(path.resolve('src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/field\((?:request\.)?body, '([a-z_]+)'\)|name="([a-z_]+)"|\bq\.([a-z_]+)\b/g)) {
      names.add((m[1] ?? m[2] ?? m[3]) as string);
    }
  }
  names.delete('_csrf');
  return [...names].sort();
}

/** A value as a path segment; a lone surrogate has no UTF-8 form: sent as the bytes of one. */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function expectSaneAnswer(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
  if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
  if (res.statusCode === 400) {
    expect(res.body, what).not.toContain('FST_');
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('html')) expect(res.body, what).toContain('lang="fr"');
    else expect(res.body, what).toMatch(/"(title|message)":"[^"]*[a-zàâçéèêëîïôûùüÿœ' ]{6,}/i);
  }
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await populate(t.db, clock);
  await t.db.query('UPDATE users SET totp_enabled_at = $1', [clock.now()]);
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('bad input over the route table', () => {
  it('never answers 5xx, and says what is wrong in French', async () => {
    const admin = (
      await t.db.query<{ id: string }>('SELECT id FROM users WHERE is_platform_admin ORDER BY email LIMIT 1')
    )[0]?.id as string;
    const agents: Array<[string, Agent]> = [
      ['visiteur', new Agent(t.app)],
      ['administrateur', await signedInAgent({ ...t, clock: clock.now }, admin, '/espace')],
    ];
    await agents[0]?.[1].get('/connexion'); // a CSRF token for the visitor's forms
    const names = parameterNames();
    const routes = t.app.routeTable.filter(
      (r) => !r.url.startsWith('/assets') && r.url !== '/deconnexion' && r.url !== '/deconnexion/partout',
    );
    let requests = 0;
    const failures: string[] = [];
    const run = async (agent: Agent, who: string, method: string, url: string, fields?: Record<string, string>) => {
      requests += 1;
      const what = `${who} ${method} ${url.slice(0, 120)}${fields ? ` [${Object.values(fields)[0]?.slice(0, 20)}]` : ''}`;
      try {
        const res =
          method === 'GET'
            ? await agent.get(url)
            : await agent.request({
                method: method as 'POST',
                url,
                payload: new URLSearchParams({ ...fields, _csrf: agent.csrf }).toString(),
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              });
        expectSaneAnswer(res, what);
      } catch (error) {
        failures.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
      }
    };
    for (const [who, agent] of agents) {
      for (const route of routes) {
        const params = [...route.url.matchAll(/:([a-zA-Z_]+)/g)].map((m) => m[1] as string);
        const withParams = (value: string) => route.url.replace(/:([a-zA-Z_]+)/g, () => pathSegment(value));
        for (const value of HOSTILE) {
          // Every path parameter at once, then every field and query name at once.
          if (params.length > 0)
            await run(agent, who, route.method, withParams(value), route.method === 'GET' ? undefined : {});
          const base = withParams('x');
          const fields = Object.fromEntries(names.map((n) => [n, value]));
          if (route.method === 'GET') {
            await run(agent, who, 'GET', `${base}?${new URLSearchParams(fields).toString()}`);
          } else {
            await run(agent, who, route.method, base, fields);
          }
        }
      }
    }
    console.log(
      `bad-input fuzz: ${requests} requests over ${routes.length} routes, ${names.length} parameter names, ${HOSTILE.length} values, ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
  }, 1_800_000);
});
