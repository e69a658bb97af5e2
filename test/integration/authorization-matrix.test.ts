/**
 * The authorisation matrix (issue 9 §1, ADR 0009), built from the route table: every route the
 * application registers × every role (anonymous, aidant, responsable, prescripteur, coordinateur,
 * financeur, platform administrator) × where the role is held — in the organisation concerned
 * (« own »), in another organisation of the same territory, in an organisation of another
 * territory. The resources are the Var's (test/support/two-territories.ts): its structure and
 * place, its programme (coordinated by the Var coordination, funded by the Var funder), its
 * statement, booklet and qualification request. Each cell's expected answer is written in
 * authorization-matrix.expectations.ts; a route without its row fails the test.
 *
 * A cell is the class of the answer to one request made as that actor, with a form that carries
 * a valid CSRF token and nothing else (or a harmless value where an empty one would change data):
 * ok (2xx, or a redirection elsewhere than the sign-in page), login (401 or to /connexion),
 * forbidden (403), notFound (404), invalid (400, 409, 415, 422: the right was granted, the input
 * refused). A 5xx always fails. AUTHZ_MATRIX_PRINT=1 prints the observed rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../src/modules/accounts/index.ts';
import { createPerson } from '../../src/modules/people/index.ts';
import type { Actor, Role } from '../../src/platform/auth/actor.ts';
import type { Agent } from '../support/agent.ts';
import { Agent as PlainAgent } from '../support/agent.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp, TestClock } from '../support/test-app.ts';
import { type Side, seedTwoTerritories, type TwoTerritories } from '../support/two-territories.ts';
import {
  type Cell,
  expectations,
  MATRIX_ROLES,
  type Outcome,
  RELATIONS,
  type Relation,
  type Row,
} from './authorization-matrix.expectations.ts';

// Tuesday 10 November 2026, 10:00 in Paris.
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
const routes: string[] = [];
let t: TestApp;
let w: TwoTerritories;
/** The short link code of the Var's place (« /l/:code »): a real one, so that its cells show the redirection. */
let placeShortCode: string;
/** A person followed by the Var structure (« /espace/personnes/:id »). */
let varPerson: string;

beforeAll(async () => {
  t = await createTestApp({
    clock,
    onRoute: (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD' && m !== 'OPTIONS') routes.push(`${m} ${r.url}`);
    },
  });
  w = await seedTwoTerritories(t);
  const code = (
    await t.db.query<{ short_code: string }>('SELECT short_code FROM places WHERE id = $1', [w.var.place])
  )[0]?.short_code;
  if (!code) throw new Error('no short code for the Var place');
  placeShortCode = code;
  // People: a person followed by the Var structure (created by its aidant).
  const aidant = await loadUser(t.db, w.var.users.structure?.aidant as string);
  varPerson = (
    await createPerson({ db: t.db, clock: clock.now }, { ...aidant?.actor, sessionId: 'matrice' } as Actor, {
      organisationId: w.var.structure,
      displayName: 'Personne de la matrice',
      residence: { kind: 'commune', inseeCode: '83137' },
    })
  ).id;
});
afterAll(async () => {
  await t?.close();
});

/** The organisation of a side where each role is « own »: the one concerned by the Var's resources. */
const OWN: Record<Role, keyof Side['users']> = {
  coordinateur: 'coordination',
  financeur: 'funder',
  responsable: 'structure',
  aidant: 'structure',
  prescripteur: 'structure',
  agent: 'structure',
};
/** Another organisation of the same territory holding the same role. */
const SAME: Record<Role, keyof Side['users']> = {
  coordinateur: 'coordination2',
  financeur: 'funder2',
  responsable: 'structure2',
  aidant: 'structure2',
  prescripteur: 'structure2',
  agent: 'structure2',
};

function userFor(role: (typeof MATRIX_ROLES)[number], relation: Relation): string | undefined {
  if (role === 'anonyme') return undefined;
  if (role === 'admin') return w.admin;
  const side = relation === 'autreTerritoire' ? w.vaucluse : w.var;
  const key = relation === 'organisation' || relation === 'autreTerritoire' ? OWN[role] : SAME[role];
  const id = side.users[key]?.[role];
  if (!id) throw new Error(`no ${role} in ${key}`);
  return id;
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function concrete(route: string): { method: string; url: string; body: Record<string, string> } {
  const [method, pattern] = route.split(' ') as [string, string];
  const v = w.var;
  const id = (): string => {
    if (pattern.startsWith('/organisations/') || pattern.startsWith('/admin/organisations/')) return v.structure;
    if (pattern.startsWith('/pass/programmes/')) return v.programme;
    if (pattern.startsWith('/pass/releves/')) return v.statement;
    if (pattern.startsWith('/pass/carnets/')) return v.booklet;
    if (pattern.startsWith('/pass/habilitations/')) return v.qualification;
    if (pattern.includes('lieux/:id')) return v.place;
    if (pattern.startsWith('/mandats/habilitations/')) return v.structure;
    if (pattern.startsWith('/espace/personnes/')) return varPerson;
    return UNKNOWN_ID;
  };
  const url = pattern
    .replace('/*', '/matrice.css')
    .replace(':org', v.structure)
    .replace(':code', pattern.startsWith('/l/') ? placeShortCode : 'ABCD-EFGH')
    .replace(/:id/g, id());
  // Harmless values where an empty form would change data for whoever is allowed.
  const bodies: Record<string, Record<string, string>> = {
    'POST /lieux/:id/rattacher': { organisation: v.structure },
    'POST /admin/organisations/:id/territoire': { departements: '', communes: 'Toulon' },
  };
  return { method, url, body: bodies[route] ?? {} };
}

function outcome(status: number, location: string | undefined): Outcome | 'error' {
  if (status >= 500) return 'error';
  if (status === 401 || (status >= 300 && status < 400 && location?.startsWith('/connexion'))) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if ([400, 409, 415, 422].includes(status)) return 'invalid';
  if (status === 429) return 'error';
  return 'ok';
}

/**
 * A session of its own for every cell: some requests end or replace the session (sign-in,
 * sign-out, closing sessions), and none may leak into the next cell.
 */
async function agentFor(userId: string | undefined): Promise<Agent> {
  if (userId) return signedInAgent({ ...t, clock: clock.now }, userId, '/accessibilite');
  const agent = new PlainAgent(t.app);
  await agent.get('/connexion');
  return agent;
}

async function observe(route: string, role: (typeof MATRIX_ROLES)[number], relation: Relation) {
  const { method, url, body } = concrete(route);
  const agent = await agentFor(userFor(role, relation));
  const res = method === 'GET' ? await agent.get(url) : await agent.request({ method, url, ...postOf(agent, body) });
  return outcome(res.statusCode, res.headers.location as string | undefined);
}

function postOf(agent: Agent, body: Record<string, string>) {
  const params = new URLSearchParams({ _csrf: agent.csrf, ...body });
  return { payload: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** The cells of a row, in a fixed order: [role, relation] pairs (anonymous and administrator once). */
function cellsOf(): Array<[(typeof MATRIX_ROLES)[number], Relation]> {
  return MATRIX_ROLES.flatMap((role) =>
    role === 'anonyme' || role === 'admin'
      ? [[role, 'organisation'] as [(typeof MATRIX_ROLES)[number], Relation]]
      : RELATIONS.map((r) => [role, r] as [(typeof MATRIX_ROLES)[number], Relation]),
  );
}

function expected(row: Row, role: (typeof MATRIX_ROLES)[number], relation: Relation): Cell {
  const cell = row[role];
  if (typeof cell === 'string') return cell;
  return cell[RELATIONS.indexOf(relation)] as Cell;
}

describe('authorisation matrix', () => {
  it('has one row per route of the route table, and no row for a route that does not exist', () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.filter((r) => !(r in expectations))).toEqual([]);
    expect(Object.keys(expectations).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('answers every cell as written', async () => {
    const observed: Record<string, Record<string, Outcome | 'error' | Array<Outcome | 'error'>>> = {};
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const row = expectations[route];
      const line: Record<string, Outcome | 'error' | Array<Outcome | 'error'>> = {};
      for (const [role, relation] of cellsOf()) {
        const got = await observe(route, role, relation);
        cells++;
        if (role === 'anonyme' || role === 'admin') line[role] = got;
        else {
          const list = (line[role] ?? []) as Array<Outcome | 'error'>;
          list.push(got);
          line[role] = list;
        }
        if (!row || got !== expected(row, role, relation)) {
          mismatches.push(
            `${route} — ${role}/${relation}: expected ${row ? expected(row, role, relation) : '∅'}, got ${got}`,
          );
        }
      }
      observed[route] = line;
    }
    if (process.env.AUTHZ_MATRIX_PRINT) console.log(`MATRIX ${JSON.stringify(observed)}`);
    console.log(`authorisation matrix: ${routes.length} routes, ${cells} cells`);
    expect(mismatches).toEqual([]);
  }, 600_000);
});
