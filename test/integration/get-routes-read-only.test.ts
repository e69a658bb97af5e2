/**
 * « A GET never writes » (docs/MODULE.md §5): every GET route of the route table is requested,
 * by a visitor and by every demo account, on the demo data with statements due. Each handler
 * runs in a READ ONLY transaction (src/platform/db/read-only-gets.ts), so a write answers 500
 * with PostgreSQL's « cannot execute … in a read-only transaction »; and no table but the
 * request bookkeeping touched before the handler (sessions, rate-limit counters) and the declared
 * access journals of personal records (ADR 0018) may change its number of rows or its journal.
 *
 * A new GET route with a parameter needs an example below: the test fails until it has one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../src/modules/accounts/index.ts';
import { QUESTIONS } from '../../src/modules/orientation/data.ts';
import { createApiToken } from '../../src/modules/pass/api-tokens.ts';
import { redeemVoucher } from '../../src/modules/pass/index.ts';
import { applicationTables } from '../../src/platform/db/backup.ts';
import { declaredAccessLogTables, guardReadOnly, runReadOnly } from '../../src/platform/db/read-only-gets.ts';
import { Agent } from '../support/agent.ts';
import { populate } from '../support/database-snapshot.ts';
import { makeActor } from '../support/factories.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';

// Tuesday 10 November 2026; the routes are read on 15 December, November's statements due.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
let t: TestApp;
const examples: Record<string, string[]> = {};
const agents: Array<{ who: string; agent: Agent; headers?: Record<string, string> }> = [];

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const row = (await t.db.query<T>(sql, params))[0];
  if (!row) throw new Error(`no row for ${sql}`);
  return row;
}

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await applicationTables(t.db)) {
    if (table === 'sessions' || table === 'rate_limit_counters') continue;
    // Append-only access journals of personal records: reads write them (ADR 0018).
    if (declaredAccessLogTables().includes(table)) continue;
    counts[table] = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).n;
  }
  return counts;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await populate(t.db, clock);
  // Every demo account past its second factor, so that each reaches its pages.
  await t.db.query('UPDATE users SET totp_enabled_at = $1', [clock.now()]);
  const deps = { db: t.db, clock: clock.now, publicUrl: t.config.publicUrl, operatorName: 'Passerelle' };

  // A voucher redeemed in November at a demo place, and an API token of that place's structure.
  // The place is one of the demo aidant's structure: the demo has qualified places in two
  // territories (ADR 0009), and an aidant redeems only at its own structure's places.
  const place = await one<{ place_id: string; organisation_id: string }>(
    `SELECT q.place_id, q.organisation_id FROM pass_qualifications q
     JOIN memberships m ON m.organisation_id = q.organisation_id AND m.role = 'aidant'
     JOIN users u ON u.id = m.user_id AND u.email = 'aidant@demo.passerelle.localhost'
     WHERE q.status = 'qualified' ORDER BY q.place_id LIMIT 1`,
  );
  const voucher = await one<{ code: string; programme_id: string; booklet_id: string }>(
    `SELECT v.code, v.programme_id, v.booklet_id FROM pass_vouchers v JOIN pass_booklets b ON b.id = v.booklet_id
     WHERE b.distributed_at IS NOT NULL ORDER BY v.position LIMIT 1`,
  );
  const aidant = await one<{ id: string }>("SELECT id FROM users WHERE email = 'aidant@demo.passerelle.localhost'");
  const manager = await one<{ id: string }>(
    "SELECT id FROM users WHERE email = 'responsable@demo.passerelle.localhost'",
  );
  const actorOf = async (id: string) => ({ ...(await loadUser(t.db, id))?.actor, sessionId: 'test' }) as never;
  await redeemVoucher(deps, await actorOf(aidant.id), {
    code: voucher.code,
    placeId: place.place_id,
    service: 'Aide aux démarches administratives',
    idempotencyKey: 'lecture-seule-1',
    channel: 'web',
  });
  const { token } = await createApiToken(deps, await actorOf(manager.id), place.organisation_id, {
    name: 'Logiciel de caisse',
  });
  clock.set(new Date('2026-12-15T09:00:00Z'));

  const slip = await one<{ code: string }>('SELECT code FROM orientation_slips ORDER BY created_at LIMIT 1');
  const followedPerson = await t.db.query<{ person_id: string }>(
    'SELECT person_id FROM support_sessions WHERE person_id IS NOT NULL ORDER BY created_at LIMIT 1',
  );
  const supportSessions = await t.db.query<{ id: string }>(
    '(SELECT id FROM support_sessions ORDER BY created_at LIMIT 1) UNION ALL (SELECT id FROM support_sessions ORDER BY created_at DESC LIMIT 1)',
  );
  const placeImport = await t.db.query<{ id: string }>('SELECT id FROM place_imports LIMIT 1');
  const booklets = await t.db.query<{ id: string }>(
    'SELECT id FROM pass_booklets WHERE programme_id = $1 ORDER BY number LIMIT 2',
    [voucher.programme_id],
  );
  const asset = /\/assets\/[^"]+\.css/.exec((await t.app.inject({ url: '/' })).body)?.[0] as string;
  const organisation = place.organisation_id;
  const programme = voucher.programme_id;
  const { short_code: shortCode } = await one<{ short_code: string }>('SELECT short_code FROM places WHERE id = $1', [
    place.place_id,
  ]);
  const person = await one<{ id: string }>('SELECT id FROM people ORDER BY created_at, id LIMIT 1');
  Object.assign(examples, {
    '/espace/personnes/:id': [`/espace/personnes/${person.id}`],
    '/espace/personnes/:id/carte.pdf': [`/espace/personnes/${person.id}/carte.pdf`],
    '/assets/*': [asset],
    '/organisations/:id': [`/organisations/${organisation}`],
    '/admin/organisations/:id/territoire': [`/admin/organisations/${organisation}/territoire`],
    '/l/:code': [`/l/${shortCode}`, '/l/000000000000'],
    '/api/v1/lieux/:id': [`/api/v1/lieux/${place.place_id}`],
    '/lieux/:id': [`/lieux/${place.place_id}`],
    '/lieux/:id/modifier': [`/lieux/${place.place_id}/modifier`],
    '/admin/lieux/imports/:id': placeImport.map((i) => `/admin/lieux/imports/${i.id}`),
    '/pass/programmes/:id': [`/pass/programmes/${programme}`],
    '/pass/programmes/:id/carnets.pdf': [`/pass/programmes/${programme}/carnets.pdf`],
    '/pass/programmes/:id/carnets.csv': [`/pass/programmes/${programme}/carnets.csv`],
    '/pass/programmes/:id/bilan': [`/pass/programmes/${programme}/bilan`],
    '/pass/programmes/:id/bilan.csv': [`/pass/programmes/${programme}/bilan.csv`],
    '/pass/carnets/:id/remettre': booklets.map((b) => `/pass/carnets/${b.id}/remettre`),
    '/pass/carnets/:id/lettre': booklets.map((b) => `/pass/carnets/${b.id}/lettre`),
    '/api/v1/pass/cheques/:code': [`/api/v1/pass/cheques/${voucher.code}?lieu_id=${place.place_id}`],
    '/orientation/question/:id': QUESTIONS.map((q) => `/orientation/question/${q.id}`),
    '/orientation/resultat/:code': [`/orientation/resultat/${slip.code}`],
    '/orientation/fiche/:code/imprimer': [`/orientation/fiche/${slip.code}/imprimer`],
    '/orientation/fiche/:code': [`/orientation/fiche/${slip.code}`],
    // Mandates (issue 16)
    '/mandats/habilitations/:id': [`/mandats/habilitations/${organisation}`],
    // Accompagnements: a demo session (older than 7 days: refused) and a recent one, the structure's figures.
    '/accompagnements/:id/modifier': supportSessions.map((s) => `/accompagnements/${s.id}/modifier`),
    '/accompagnements/statistiques/structure/:org': [`/accompagnements/statistiques/structure/${organisation}`],
    '/mandats/:id': ['/mandats/00000000-0000-4000-8000-000000000000'],
    '/mandats/:id/attestation.pdf': ['/mandats/00000000-0000-4000-8000-000000000000/attestation.pdf'],
    '/mandats/:id/renouveler': ['/mandats/00000000-0000-4000-8000-000000000000/renouveler'],
    '/mandats/verifier/:reference': ['/mandats/verifier/AAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAA'],
    '/mes-mandats/:id/revocation.pdf': ['/mes-mandats/00000000-0000-4000-8000-000000000000/revocation.pdf'],
    '/dev/franceconnect/identification/:uid': ['/dev/franceconnect/identification/inconnue'],
    // The partner provider (issue 16): an interaction that does not exist; the demo partner service.
    '/mandats/partenaire/:uid': ['/mandats/partenaire/inconnue'],
    '/oidc/*': ['/oidc/jwks', '/oidc/autorisation', '/oidc/userinfo'],
    '/admin/services-partenaires/:id': [
      `/admin/services-partenaires/${(await one<{ id: string }>("SELECT id FROM mandate_partners WHERE client_id = 'demo-partenaire'")).id}`,
    ],
    '/dev/franceconnect/*': [
      '/dev/franceconnect/.well-known/openid-configuration',
      '/dev/franceconnect/jwks',
      '/dev/franceconnect/auth',
    ],
    '/accompagnements/personnes/:id': followedPerson.map((p) => `/accompagnements/personnes/${p.person_id}`),
  });

  // A visitor in the middle of an orientation questionnaire; software with an API token.
  const visitor = new Agent(t.app);
  await visitor.get('/orientation');
  await visitor.post('/orientation/commencer');
  agents.push({ who: 'visiteur', agent: visitor });
  agents.push({ who: 'logiciel', agent: new Agent(t.app), headers: { authorization: `Bearer ${token}` } });
  const people = await t.db.query<{ id: string; email: string }>(
    "SELECT id, email FROM users WHERE email LIKE '%@demo.passerelle.localhost' ORDER BY email",
  );
  for (const p of people) agents.push({ who: p.email, agent: await signedInAgent({ ...t, clock: clock.now }, p.id) });
  // Someone whose role needs a second factor not set up yet: every page leads to its enrolment.
  const newcomer = await makeActor(t.db, [{ organisationId: organisation, role: 'aidant' }], {
    email: 'nouvelle-aidante@exemple.fr',
  });
  agents.push({
    who: 'sans double authentification',
    agent: await signedInAgent({ ...t, clock: clock.now }, newcomer.userId),
  });
}, 300_000);

afterAll(async () => {
  await t.close();
});

describe('GET routes', () => {
  it('have an example for each route with a parameter', () => {
    const missing = t.app.getRoutes.filter((r) => /[:*]/.test(r.url) && !examples[r.url]?.length).map((r) => r.url);
    expect(missing).toEqual([]);
  });

  it('never write, for a visitor and every demo account', async () => {
    const before = await rowCounts();
    const journal = await one<{ n: number; last: number }>('SELECT count(*)::int AS n, max(id) AS last FROM journal');
    const failures: string[] = [];
    let requests = 0;
    for (const route of t.app.getRoutes) {
      if (route.writesOnGet) continue;
      for (const url of examples[route.url] ?? [route.url]) {
        for (const { who, agent, headers } of agents) {
          const res = await agent.get(url, headers);
          requests++;
          if (res.statusCode >= 500) failures.push(`${who} GET ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(300);
    expect(await rowCounts()).toEqual(before);
    expect(await one('SELECT count(*)::int AS n, max(id) AS last FROM journal')).toEqual(journal);
    // November is due, yet no page drew its statement up: that is the job's work.
    expect(await t.db.query('SELECT id FROM pass_statements')).toEqual([]);
    await t.app.jobs.runDue();
    expect(await t.db.query('SELECT id FROM pass_statements')).toHaveLength(1);
  }, 600_000);

  it('refuse a write with the database’s own error', async () => {
    // The app's database handle is guarded so; t.db is the same database, unguarded.
    const guarded = guardReadOnly(t.db);
    await expect(
      runReadOnly('test', () => guarded.query("INSERT INTO job_schedules (name, next_run_at) VALUES ('x.y', now())")),
    ).rejects.toThrow(/read-only transaction/);
    await expect(
      runReadOnly('test', () =>
        guarded.transaction((tx) => tx.query("UPDATE job_schedules SET next_run_at = now() WHERE name = 'x'")),
      ),
    ).rejects.toThrow(/read-only transaction/);
    expect((await guarded.query<{ one: number }>('SELECT 1 AS one'))[0]?.one).toBe(1);
  });
});
