/**
 * Accompagnements at scale (issue 14), on PostgreSQL: 1,000,000 sessions and 200,000 people in
 * one territory (the Var), 200 structures, 1,000 helpers.
 *
 * - Statistics pages, open loop at a fixed offered rate (default 20 req/s): the territory page
 *   of a coordinateur and the open-data API (both read the hourly snapshot), a structure's page
 *   and a helper's page (computed live); next to them, in the same run, the raw aggregate SQL
 *   of the whole territory (`computeStatistics`, what the job runs) and of one structure, run
 *   sequentially: the page's cost against the SQL it would cost without pre-aggregation.
 * - The job that writes the territory snapshot: its duration.
 * - Recording a session (`POST /accompagnements/nouveau`, the real form with CSRF) by 50
 *   helpers at once, each posting again as soon as answered (closed loop): p50/p95/p99, rate.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     node --import tsx bench/support-statistics.ts [--sessions=1000000] [--people=200000]
 *     [--rate=20] [--duration=30] [--warmup=5] [--helpers=50] [--record-seconds=20]
 */
import http from 'node:http';
import { computeStatistics } from '../src/modules/support/statistics.ts';
import { SESSION_COOKIE } from '../src/platform/auth/auth-plugin.ts';
import { createSession } from '../src/platform/auth/session-store.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { openLoop } from './http-load.ts';
import {
  type Args,
  type BenchReport,
  command,
  fmt,
  int,
  isMain,
  log,
  markdownTable,
  parseArgs,
  percentile,
  postgresPids,
  publish,
  type Section,
  scratchDatabase,
  scratchDir,
  serverUrl,
  startServer,
  waitForQuiet,
} from './support.ts';

const SECRET = 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const CODE_ALPHABET = '23456789ACEFHJKMNPRTVXY';
const THEMES = [
  'diagnostic_numerique',
  'prendre_en_main_du_materiel',
  'maintenance_de_materiel',
  'gerer_ses_contenus_numeriques',
  'navigation_sur_internet',
  'email',
  'bureautique',
  'reseaux_sociaux',
  'sante',
  'banque_et_achats_en_ligne',
  'entrepreneuriat',
  'insertion_professionnelle',
  'securite_numerique',
  'parentalite',
  'scolarite_et_numerique',
  'creer_avec_le_numerique',
  'culture_numerique',
  'intelligence_artificielle',
  'aide_aux_demarches_administratives',
];

function personCode(i: number): string {
  let n = i;
  let code = '';
  for (let k = 0; k < 9; k++) {
    code = CODE_ALPHABET[n % 23] + code;
    n = Math.floor(n / 23);
  }
  return code;
}

interface Fixture {
  organisations: string[];
  helpers: Array<{ id: string; organisationId: string }>;
  coordinatorId: string;
}

async function fill(url: string, sessions: number, people: number): Promise<Fixture> {
  const db = await openPostgres(url, 2);
  try {
    await migrate(db);
    const org = await db.query<{ id: string }>(
      `INSERT INTO organisations (name, kind, territory_departements, territory_communes)
       SELECT 'Structure ' || g, 'association', '{}', ARRAY['83137'] FROM generate_series(1, 200) g RETURNING id`,
    );
    const organisations = org.map((o) => o.id);
    const [coordination] = await db.query<{ id: string }>(
      `INSERT INTO organisations (name, kind, territory_departements) VALUES ('Département du Var', 'collectivite', ARRAY['83']) RETURNING id`,
    );
    const users = await db.query<{ id: string }>(
      `INSERT INTO users (email, display_name) SELECT 'aidant' || g || '@bench.localhost', 'Aidant ' || g
       FROM generate_series(1, 1000) g ORDER BY g RETURNING id`,
    );
    const helpers = users.map((u, i) => ({ id: u.id, organisationId: organisations[i % 200] as string }));
    await db.query(
      `INSERT INTO memberships (user_id, organisation_id, role) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
      [helpers.map((h) => h.id), helpers.map((h) => h.organisationId), helpers.map(() => 'aidant')],
    );
    const [coordinator] = await db.query<{ id: string }>(
      `INSERT INTO users (email, display_name) VALUES ('coordination@bench.localhost', 'Coordination') RETURNING id`,
    );
    await db.query(`INSERT INTO memberships (user_id, organisation_id, role) VALUES ($1, $2, 'coordinateur')`, [
      coordinator?.id,
      coordination?.id,
    ]);
    log(`  ${int(people)} people…`);
    const personIds: string[] = [];
    for (let start = 0; start < people; start += 20_000) {
      const codes = Array.from({ length: Math.min(20_000, people - start) }, (_, k) => personCode(start + k + 1));
      const rows = await db.query<{ id: string }>(
        `INSERT INTO people (code, display_name, name_key, birth_year, residence_kind, commune_insee, departement,
           created_at, created_by_organisation_id)
         SELECT c, 'Personne ' || c, lower(c), 1940 + (ord % 60), 'commune', '83137', '83', now(), ($2::uuid[])[1 + (ord % 200)]
         FROM unnest($1::text[]) WITH ORDINALITY AS x(c, ord) RETURNING id`,
        [codes, organisations],
      );
      personIds.push(...rows.map((r) => r.id));
      await db.query(
        `INSERT INTO people_follows (person_id, organisation_id, since, basis)
         SELECT p.id, p.created_by_organisation_id, now(), 'creation' FROM people p WHERE p.id = ANY($1::uuid[])`,
        [rows.map((r) => r.id)],
      );
    }
    log(`  ${int(sessions)} sessions…`);
    for (let start = 0; start < sessions; start += 100_000) {
      const end = Math.min(sessions, start + 100_000);
      // A person is seen by the structure that follows them; autonomy grows with each visit.
      await db.query(
        `INSERT INTO support_sessions (organisation_id, helper_user_id, kind, session_date, duration_minutes, place_kind,
           commune_insee, departement, themes, procedures, devices, autonomy, self_assessment, oriented_to,
           anonymous_counts, anonymous_total, person_id, created_at, updated_at)
         SELECT ($1::uuid[])[1 + (g % 200)], ($2::uuid[])[1 + (g % 1000)],
           CASE WHEN g % 10 = 0 THEN 'atelier' ELSE 'individuel' END,
           current_date - (g % 365), (ARRAY[15, 30, 45, 60, 90])[1 + g % 5], 'distance', '83137', '83',
           ARRAY[($4::text[])[1 + (g * 7) % 19]],
           CASE WHEN (g * 7) % 19 = 18 THEN ARRAY['social'] ELSE '{}' END,
           ARRAY[(ARRAY['Ordinateur', 'Téléphone', 'Tablette'])[1 + g % 3]],
           CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY['fait_pour', 'avec_guidage', 'autonome_avec_aide_ponctuelle', 'autonome'])[1 + least(3, (g / $5::int) + (g % 2))] END,
           CASE WHEN g % 3 = 0 AND g % 10 <> 0 THEN (ARRAY['oui', 'avec_aide', 'non'])[1 + g % 3] END,
           CASE WHEN g % 9 = 0 THEN 'france_services' END,
           CASE WHEN g % 10 = 0 THEN '{"total": 6, "deja": 2, "genre": {}, "age": {}, "statut": {}}'::jsonb END,
           CASE WHEN g % 10 = 0 THEN 6 ELSE 0 END,
           CASE WHEN g % 10 <> 0 AND g % 4 <> 0 THEN ($3::uuid[])[1 + (g % ${people})] END,
           now() - make_interval(days => g % 365), now() - make_interval(days => g % 365)
         FROM generate_series($6::int, $7::int) g`,
        [organisations, helpers.map((h) => h.id), personIds, THEMES, Math.ceil(sessions / 3), start, end - 1],
      );
      log(`    ${int(end)}`);
    }
    await db.exec('VACUUM ANALYZE');
    return { organisations, helpers, coordinatorId: coordinator?.id as string };
  } finally {
    await db.close();
  }
}

async function sessionCookie(url: string, userId: string): Promise<string> {
  const db = await openPostgres(url, 1);
  try {
    const { token } = await createSession(
      db,
      () => new Date(),
      { idleMinutes: 480, maxHours: 8 },
      {
        userId,
        authMethod: 'bench',
        device: 'bench',
        secondFactorDone: true,
      },
    );
    return `${SESSION_COOKIE}=${token}`;
  } finally {
    await db.close();
  }
}

function request(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; cookies: string[] }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, cookies: [res.headers['set-cookie'] ?? []].flat() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Row {
  label: string;
  p50: number;
  p95: number;
  p99: number;
  rate: string;
  statuses: string;
}

function summary(label: string, latencies: number[], rate: string, statuses: Record<string, number>): Row {
  latencies.sort((a, b) => a - b);
  return {
    label,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rate,
    statuses: Object.entries(statuses)
      .map(([s, n]) => `${s}: ${int(n)}`)
      .join(', '),
  };
}

export async function benchSupport(args: Args): Promise<Section[]> {
  const sessions = Number(args.get('sessions') ?? 1_000_000);
  const people = Number(args.get('people') ?? 200_000);
  const rate = Number(args.get('rate') ?? 20);
  const seconds = Number(args.get('duration') ?? 30);
  const warmup = Number(args.get('warmup') ?? 5);
  const concurrent = Number(args.get('helpers') ?? 50);
  const recordSeconds = Number(args.get('record-seconds') ?? 20);
  if (!serverUrl()) throw new Error('This benchmark needs PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL).');
  setJournalKey(SECRET);
  const database = await scratchDatabase('support');
  const scratch = scratchDir('support');
  const rows: Row[] = [];
  const notes: string[] = [];
  const recordRows: Row[] = [];
  try {
    log(`support: filling PostgreSQL with ${int(sessions)} sessions and ${int(people)} people…`);
    const fillStart = performance.now();
    const fixture = await fill(database.url, sessions, people);
    notes.push(`Fill (bulk SQL, then VACUUM ANALYZE): ${fmt((performance.now() - fillStart) / 1000)} s.`);

    // The raw aggregate SQL, sequentially, in the same run (its three statements run side by side).
    const db = await openPostgres(database.url, 8);
    try {
      const org = fixture.organisations[0] as string;
      for (const [label, filter, n] of [
        [
          'raw SQL: whole territory (`computeStatistics`, what the hourly job runs)',
          { kind: 'territory', departements: ['83'], communes: [] },
          5,
        ],
        [
          'raw SQL: one structure (~5,000 sessions, what its page runs)',
          { kind: 'organisation', organisationId: org },
          30,
        ],
      ] as const) {
        const latencies: number[] = [];
        for (let i = 0; i < n + 1; i++) {
          const t0 = performance.now();
          await computeStatistics(db, filter, new Date());
          if (i > 0) latencies.push(performance.now() - t0);
        }
        rows.push(summary(label, latencies, 'sequential', { sql: latencies.length }));
      }
    } finally {
      await db.close();
    }

    const server = await startServer({
      DATA_DIR: scratch.dir,
      DATABASE_URL: database.url,
      DEMO_DATA: 'non',
      LOG_LEVEL: 'warn',
      SECRET_KEY: SECRET,
      RATE_LIMIT_PUBLIC_API: '1000000000',
    });
    try {
      // The snapshot job runs at start (« every hour », first run at once): wait for it.
      const started = performance.now();
      const check = await openPostgres(database.url, 1);
      try {
        for (;;) {
          const r = await check.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM support_statistics_snapshots WHERE scope = 'departement:83'",
          );
          if ((r[0]?.n ?? 0) > 0) break;
          if (performance.now() - started > 600_000) throw new Error('no snapshot after 10 minutes');
          await new Promise((res) => setTimeout(res, 250));
        }
      } finally {
        await check.close();
      }
      notes.push(
        `Snapshots (national and Var) written by the jobs ${fmt((performance.now() - started) / 1000)} s after the server answered.`,
      );

      const coordinator = await sessionCookie(database.url, fixture.coordinatorId);
      const helper = fixture.helpers[0] as { id: string; organisationId: string };
      const helperCookie = await sessionCookie(database.url, helper.id);
      const pages = [
        {
          label: 'territory page (snapshot) `GET /accompagnements/statistiques/territoire`',
          path: '/accompagnements/statistiques/territoire',
          cookie: coordinator,
        },
        {
          label: 'open data (snapshot) `GET /api/v1/statistiques/accompagnements?departement=83`',
          path: '/api/v1/statistiques/accompagnements?departement=83',
          cookie: '',
        },
        {
          label: 'helper page (live, ~1,000 sessions) `GET /accompagnements/statistiques`',
          path: '/accompagnements/statistiques',
          cookie: helperCookie,
        },
      ];
      for (const page of pages) {
        const headers: Record<string, string> = page.cookie ? { cookie: page.cookie } : {};
        await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()]);
        await openLoop(
          server.url,
          () => ({ path: page.path, headers }),
          rate,
          { seconds: warmup, connections: 20 },
          () => {},
        );
        const latencies: number[] = [];
        const statuses: Record<string, number> = {};
        await openLoop(
          server.url,
          () => ({ path: page.path, headers }),
          rate,
          { seconds, connections: 20 },
          (status, _b, ms) => {
            latencies.push(ms);
            statuses[status] = (statuses[status] ?? 0) + 1;
          },
        );
        rows.push(summary(page.label, latencies, `${rate} req/s offered`, statuses));
      }

      // Recording: `concurrent` helpers, each with their own session and CSRF token.
      const workers = await Promise.all(
        fixture.helpers.slice(0, concurrent).map(async (h) => {
          let cookie = await sessionCookie(database.url, h.id);
          const form = await request(server.url, 'GET', '/accompagnements/nouveau', { cookie });
          const extra = form.cookies.map((c) => c.split(';')[0]).join('; ');
          if (extra) cookie = `${cookie}; ${extra}`;
          const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
          return { h, cookie, csrf };
        }),
      );
      await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()]);
      const latencies: number[] = [];
      const statuses: Record<string, number> = {};
      const end = performance.now() + recordSeconds * 1000;
      const t0 = performance.now();
      await Promise.all(
        workers.map(async (w, k) => {
          let i = 0;
          while (performance.now() < end) {
            const body = new URLSearchParams({
              _csrf: w.csrf,
              organisation: w.h.organisationId,
              type: 'individuel',
              duree: '45',
              lieu_type: 'distance',
              thematiques: THEMES[(k + i++) % THEMES.length] as string,
              materiel: 'Téléphone',
              autonomie: 'avec_guidage',
            }).toString();
            const s = performance.now();
            const res = await request(
              server.url,
              'POST',
              '/accompagnements/nouveau',
              {
                cookie: w.cookie,
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(body)),
              },
              body,
            );
            latencies.push(performance.now() - s);
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      recordRows.push(
        summary(
          `record a session \`POST /accompagnements/nouveau\`, ${concurrent} helpers at once`,
          latencies,
          `${fmt(latencies.length / elapsed)} sessions/s completed`,
          statuses,
        ),
      );
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
    scratch.remove();
  }
  const headers = ['Request', 'Load', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'Statuses'];
  const line = (r: Row) => [r.label, r.rate, fmt(r.p50), fmt(r.p95), fmt(r.p99), r.statuses];
  const flags = { sessions, people, rate, duration: seconds };
  return [
    {
      heading: `Statistics at ${int(sessions)} sessions and ${int(people)} people in one territory (PostgreSQL)`,
      command: command('support-statistics.ts', flags, true),
      table: markdownTable(headers, rows.map(line)),
      notes: [
        "Open loop: a request's latency runs from its scheduled start (time waiting for a connection counts). The territory page and the open data read the snapshot the hourly job writes (ADR 0020); the raw SQL rows are what they would cost without it, measured sequentially in the same run.",
        ...notes,
      ],
    },
    {
      heading: 'Recording a session',
      command: command('support-statistics.ts', { ...flags, helpers: concurrent }, true),
      table: markdownTable(headers, recordRows.map(line)),
      notes: [
        'Closed loop: each helper posts the form again as soon as the previous answer (303) arrived; a session per helper, CSRF token from the form page.',
      ],
    },
  ];
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  const sections = await benchSupport(args);
  const report: BenchReport = {
    name: 'support-statistics',
    title: 'Accompagnements: statistics and recording',
    sections,
  };
  await publish(report);
}
