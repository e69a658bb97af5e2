/**
 * Pass numérique benchmarks:
 * - issuing 100,000 vouchers (20,000 booklets of 5) through issueBooklets, on PostgreSQL and PGlite;
 * - redemption throughput through the token API (POST /api/v1/pass/encaissements) with 50
 *   concurrent clients on distinct vouchers at 50 qualified places, next to pgbench's
 *   simple-update transactions per second on the same server in the same run — in rounds that
 *   alternate the two (pgbench, redemptions, pgbench, …), since the shared machine's speed
 *   drifts from one minute to the next; then a check that no redemption was lost or counted twice.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/pass-redeem.ts
 *   Flags: --booklets=20000 --duration=15 --connections=50 --rounds=3 --rate=300 (paced run) --profile
 */
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { insertOrganisation, insertUser, upsertMembership } from '../src/modules/accounts/repository.ts';
import { assignPlace, importPlaces } from '../src/modules/lieux/index.ts';
import { createApiToken } from '../src/modules/pass/api-tokens.ts';
import { createProgramme } from '../src/modules/pass/create-programme.ts';
import type { PassDeps } from '../src/modules/pass/deps.ts';
import { issueBooklets, MAX_BOOKLETS_PER_ISSUE } from '../src/modules/pass/issue-booklets.ts';
import { decideQualification, requestQualification } from '../src/modules/pass/qualifications.ts';
import { type Actor, commandLineActor } from '../src/platform/auth/actor.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { summariseProfiles } from './cpu-profile.ts';
import { openLoop } from './http-load.ts';
import {
  type Args,
  type BenchReport,
  command,
  cpuSince,
  cpuSnapshot,
  fmt,
  int,
  isMain,
  log,
  machineBusyMs,
  markdownTable,
  parseArgs,
  percentile,
  postgresPids,
  publish,
  scratchDatabase,
  scratchDir,
  serverUrl,
  startServer,
} from './support.ts';

// Journal entries are keyed (ADR 0017): the server's SECRET_KEY when given, else a scratch key.
setJournalKey(process.env.SECRET_KEY ?? 'bench-scratch-database-journal-key-0123456789');

const PLACES = 50;
const SERVICE = 'Aide aux démarches administratives';

interface World {
  programmeId: string;
  places: Array<{ id: string; token: string }>;
}

/** A programme in the Var funded by `organisationId`, then `booklets` booklets issued: seconds taken by the issue. */
async function issueProgramme(
  deps: PassDeps,
  organisationId: string,
  booklets: number,
): Promise<{ programmeId: string; issueSeconds: number }> {
  const programme = await createProgramme({ ...deps, organisationExists: async () => true }, commandLineActor, {
    name: 'Bench',
    coordinatorOrganisationId: organisationId,
    funderOrganisationId: organisationId,
    departements: '83',
    validFrom: '2026-01-01',
    validUntil: '2030-12-31',
    services: [SERVICE],
  });
  const started = performance.now();
  await issueBooklets(deps, commandLineActor, programme.id, { count: booklets }, undefined, {
    maxBooklets: MAX_BOOKLETS_PER_ISSUE,
  });
  return { programmeId: programme.id, issueSeconds: (performance.now() - started) / 1000 };
}

/**
 * 50 structures, each with one place in the Var, qualified, with an API token; `booklets`
 * booklets issued (timed), then `extraBooklets` more (not timed) so that the load never runs
 * out of fresh vouchers; all handed out.
 */
async function buildWorld(
  db: Database,
  booklets: number,
  extraBooklets: number,
): Promise<World & { issueSeconds: number }> {
  const deps: PassDeps = { db, clock: () => new Date(), publicUrl: 'http://localhost', operatorName: 'Bench' };
  const coordination = await insertOrganisation(db, { name: 'Département du Var', kind: 'collectivite', siret: null });
  const rows = ['id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services'];
  for (let i = 0; i < PLACES; i++) {
    rows.push(
      `bench-${i},73282932000074,Lieu ${i},Toulon,83000,83137,${i} rue du Port,${(43.1 + i / 1000).toFixed(4)},5.93,2026-10-01,${SERVICE}`,
    );
  }
  await importPlaces({ db, clock: deps.clock }, commandLineActor, Buffer.from(rows.join('\n')), {
    fileName: 'bench.csv',
    dryRun: false,
  });
  const places: World['places'] = [];
  for (let i = 0; i < PLACES; i++) {
    const org = await insertOrganisation(db, { name: `Structure ${i}`, kind: 'association', siret: null });
    await assignPlace({ db, clock: deps.clock }, commandLineActor, `bench-${i}`, org.id, async () => true);
    const user = await insertUser(db, {
      email: `responsable-${i}@bench.fr`,
      displayName: `R${i}`,
      passwordHash: null,
      isPlatformAdmin: false,
    });
    await upsertMembership(db, { userId: user.id, organisationId: org.id, role: 'responsable', canActOnBehalf: false });
    const manager: Actor = {
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      isPlatformAdmin: false,
      memberships: [
        {
          organisationId: org.id,
          organisationName: org.name,
          role: 'responsable',
          canActOnBehalf: false,
          territory: org.territory,
        },
      ],
      sessionId: '',
      hasSecondFactor: false,
    };
    const q = await requestQualification(deps, manager, org.id, {
      placeId: `bench-${i}`,
      siret: '73282932000074',
      services: [SERVICE],
      freeForBeneficiary: 'on',
      charter: 'on',
    });
    await decideQualification(deps, commandLineActor, q.id, { decision: 'qualify' });
    places.push({ id: `bench-${i}`, token: (await createApiToken(deps, manager, org.id, { name: 'bench' })).token });
  }
  const { programmeId, issueSeconds } = await issueProgramme(deps, coordination.id, booklets);
  for (let left = extraBooklets; left > 0; left -= MAX_BOOKLETS_PER_ISSUE) {
    await issueBooklets(
      deps,
      commandLineActor,
      programmeId,
      { count: Math.min(left, MAX_BOOKLETS_PER_ISSUE) },
      undefined,
      { maxBooklets: MAX_BOOKLETS_PER_ISSUE },
    );
  }
  // Handing 20,000 booklets one by one is not what is measured here: they are marked handed out in bulk.
  await db.query(
    `UPDATE pass_booklets SET distributor_organisation_id = $2, assigned_at = now(), distributed_at = now(),
       beneficiary = '{"tranche_age":"65 à 79 ans","commune_insee":"83137"}'::jsonb WHERE programme_id = $1`,
    [programmeId, coordination.id],
  );
  return { programmeId, places, issueSeconds };
}

async function issueOnPglite(booklets: number): Promise<number> {
  const dir = scratchDir('pass-issue');
  const db = await openPglite({ dataDir: dir.dir });
  try {
    await migrate(db);
    const coordination = await insertOrganisation(db, { name: 'Coord', kind: 'collectivite', siret: null });
    const deps: PassDeps = { db, clock: () => new Date(), publicUrl: 'http://localhost', operatorName: 'Bench' };
    return (await issueProgramme(deps, coordination.id, booklets)).issueSeconds;
  } finally {
    await db.close();
    dir.remove();
  }
}

function pgbenchTps(url: string, seconds: number, clients: number): number {
  const u = new URL(url);
  const env = {
    ...process.env,
    PGHOST: decodeURIComponent(u.hostname),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGDATABASE: u.pathname.slice(1),
  };
  execFileSync('pgbench', ['-i', '-s', '10', '-q'], { env, stdio: 'ignore' });
  try {
    // As for our runs: pgbench's own measurement should not pay for writing its tables.
    execFileSync('psql', ['-q', '-c', 'CHECKPOINT'], { env, stdio: 'ignore' });
  } catch {
    // Not allowed (not a superuser): measured as is.
  }
  const out = execFileSync(
    'pgbench',
    ['-b', 'simple-update', '-c', String(clients), '-j', '2', '-T', String(seconds), '-n'],
    { env, encoding: 'utf8' },
  );
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`pgbench output not understood:\n${out}`);
  return Number(m[1]);
}

async function redeemUnderLoad(
  url: string,
  world: World,
  codes: string[],
  options: { seconds: number; connections: number; profileDir?: string; rate?: number; cursor: { next: number } },
) {
  const { seconds, connections, profileDir, rate, cursor } = options;
  const server = await startServer(
    {
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PUBLIC_API: '10000000',
      DEMO_DATA: 'non',
    },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const before = {
    server: cpuSnapshot([server.child.pid ?? 0]),
    database: cpuSnapshot(postgresPids()),
    client: process.cpuUsage(),
    machine: machineBusyMs(),
  };
  const nextRedemption = () => {
    const code = codes[cursor.next++ % codes.length] as string;
    const place = world.places[Math.floor(Math.random() * world.places.length)] as World['places'][number];
    return {
      path: '/api/v1/pass/encaissements',
      method: 'POST' as const,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${place.token}`,
        'idempotency-key': `bench-${code}`,
      },
      body: JSON.stringify({ code, lieu_id: place.id, service: SERVICE }),
    };
  };
  const record = (statusCode: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  };
  try {
    // Paced: a steady flow (see openLoop); otherwise autocannon, as fast as the clients go.
    const errors = rate
      ? await openLoop(server.url, nextRedemption, rate, { seconds, connections }, record)
      : await new Promise<number>((resolve, reject) => {
          const instance = autocannon(
            {
              url: server.url,
              connections,
              duration: seconds,
              requests: [{ setupRequest: (req) => ({ ...req, ...nextRedemption() }) }],
            },
            (error, res) => (error ? reject(error) : resolve(res.errors + res.timeouts)),
          );
          instance.on('response', (_client, statusCode, bytes, ms) => record(statusCode, bytes, ms));
        });
    const client = process.cpuUsage(before.client);
    const n = Math.max(1, latencies.length);
    // CPU milliseconds per request, by process: where the two cores went.
    const cpuPerRequest = {
      server: cpuSince(before.server, [server.child.pid ?? 0]) / n,
      database: cpuSince(before.database, postgresPids()) / n,
      client: (client.user + client.system) / 1000 / n,
      machine: (machineBusyMs() - before.machine) / n,
    };
    latencies.sort((a, b) => a - b);
    return {
      cpuPerRequest,
      rps: (statuses['201'] ?? 0) / seconds,
      errors,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      statuses,
    };
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type LoadResult = Awaited<ReturnType<typeof redeemUnderLoad>>;

export async function runPassBench(args: Args): Promise<BenchReport> {
  const booklets = Number(args.get('booklets') ?? 20_000);
  const seconds = Number(args.get('duration') ?? 15);
  const connections = Number(args.get('connections') ?? 50);
  const rounds = Math.max(1, Number(args.get('rounds') ?? 3));
  const rate = Number(args.get('rate') ?? 300);
  if (!serverUrl()) {
    console.error('pass: no PostgreSQL server (DATABASE_URL): only issuance on PGlite is measured.');
    const pgliteOnly = await issueOnPglite(booklets);
    return {
      name: 'pass',
      title: 'Pass numérique: issuing vouchers (PGlite only)',
      sections: [
        {
          heading: 'Issuing vouchers (issueBooklets, one transaction)',
          command: command('pass-redeem.ts', { booklets }, false),
          table: markdownTable(
            ['Engine', 'Booklets', 'Vouchers', 'Seconds', 'Vouchers/s'],
            [['pglite', int(booklets), int(booklets * 5), fmt(pgliteOnly, 2), int((booklets * 5) / pgliteOnly)]],
          ),
          notes: ['The redemption benchmark needs a PostgreSQL server: run again with DATABASE_URL set.'],
        },
      ],
    };
  }
  const scratch = await scratchDatabase('pass');
  const bench = await scratchDatabase('pgbench');
  try {
    const db = await openPostgres(scratch.url, 10);
    await migrate(db);
    // Enough fresh vouchers for every round at up to 3,000 redemptions/s, and the paced run.
    const needed = rounds * seconds * 3000 + rate * seconds;
    const extraBooklets = Math.max(0, Math.ceil(needed / 5) - booklets);
    log(`pass: building 50 qualified places and issuing ${booklets} (+${extraBooklets}) booklets on PostgreSQL`);
    const world = await buildWorld(db, booklets, extraBooklets);
    const codes = (await db.query<{ code: string }>('SELECT code FROM pass_vouchers ORDER BY random()')).map(
      (r) => r.code,
    );
    await db.query('VACUUM ANALYZE');
    log('pass: issuing the same on PGlite');
    const pgliteIssue = await issueOnPglite(booklets);
    // Each measured run starts from a clean checkpoint, so that it does not pay for the
    // writes of the step before (the vouchers, pgbench's million rows, the previous run).
    const checkpoint = () => db.query('CHECKPOINT').catch(() => {});
    const profileDir = args.has('profile') ? scratchDir('pass-profile') : undefined;
    const cursor = { next: 0 };
    const pairs: Array<{ tps: number; load: LoadResult }> = [];
    for (let round = 1; round <= rounds; round++) {
      await checkpoint();
      log(`pass: round ${round}/${rounds}: pgbench simple-update`);
      const tps = pgbenchTps(bench.url, seconds, connections);
      await checkpoint();
      log(`pass: round ${round}/${rounds}: redemptions under load`);
      const load = await redeemUnderLoad(scratch.url, world, codes, {
        seconds,
        connections,
        cursor,
        // The profiler slows the server down: only the last round is profiled.
        ...(profileDir && round === rounds ? { profileDir: profileDir.dir } : {}),
      });
      log(`pass: round ${round}: ${fmt(load.rps, 0)} redemptions/s, pgbench ${fmt(tps, 0)} tps`);
      pairs.push({ tps, load });
    }
    // The same load at an offered rate below saturation: the latency a place would see on a busy day.
    if (rate > 0) {
      await checkpoint();
      log(`pass: redemptions at ${rate}/s offered`);
    }
    const paced =
      rate > 0 ? await redeemUnderLoad(scratch.url, world, codes, { seconds, connections, cursor, rate }) : undefined;
    const profile = profileDir ? summariseProfiles(profileDir.dir) : undefined;
    profileDir?.remove();
    const check = (
      await db.query<{ live: number; vouchers: number; doubles: number; journal: number }>(
        `SELECT (SELECT count(*) FROM pass_redemptions WHERE undone_at IS NULL) AS live,
                (SELECT count(*) FROM pass_vouchers WHERE status = 'redeemed') AS vouchers,
                (SELECT count(*) FROM (SELECT voucher_code FROM pass_redemptions WHERE undone_at IS NULL GROUP BY 1 HAVING count(*) > 1) d) AS doubles,
                (SELECT count(*) FROM journal WHERE action = 'pass.cheque_encaisse') AS journal`,
      )
    )[0] as { live: number; vouchers: number; doubles: number; journal: number };
    await db.close();
    const runs = [...pairs.map((p) => p.load), ...(paced ? [paced] : [])];
    const created = runs.reduce((sum, run) => sum + (run.statuses['201'] ?? 0), 0);
    const others = runs.reduce(
      (sum, run) =>
        sum + run.errors + Object.entries(run.statuses).reduce((n, [code, k]) => n + (code === '201' ? 0 : k), 0),
      0,
    );
    // autocannon stops at the deadline without waiting for the requests in flight: those may
    // commit without their 201 being counted, so the database may hold up to `connections`
    // more live redemptions per run than 201 answers — never fewer.
    const inFlight = check.live - created;
    const consistent =
      inFlight >= 0 &&
      inFlight <= runs.length * connections &&
      check.doubles === 0 &&
      check.vouchers === check.live &&
      check.journal === check.live;
    const ratios = pairs.map((p) => p.load.rps / p.tps);
    const ratio = median(ratios);
    const flags = { booklets, duration: seconds, connections, rounds, rate };
    const cpu = (run: LoadResult) =>
      `${fmt(run.cpuPerRequest.server, 2)} · ${fmt(run.cpuPerRequest.database, 2)} · ${fmt(run.cpuPerRequest.client, 2)} · ${fmt(run.cpuPerRequest.machine, 2)}`;
    const statuses = (run: LoadResult) =>
      Object.entries(run.statuses)
        .map(([code, n]) => `${code}: ${n}`)
        .join(', ');
    const last = pairs[pairs.length - 1] as { tps: number; load: LoadResult };
    return {
      name: 'pass',
      title: 'Pass numérique: issuing vouchers and redeeming them under load',
      sections: [
        {
          heading: 'Issuing vouchers (issueBooklets, one transaction)',
          command: command('pass-redeem.ts', flags, true),
          table: markdownTable(
            ['Engine', 'Booklets', 'Vouchers', 'Seconds', 'Vouchers/s'],
            [
              [
                'postgresql',
                int(booklets),
                int(booklets * 5),
                fmt(world.issueSeconds, 2),
                int((booklets * 5) / world.issueSeconds),
              ],
              ['pglite', int(booklets), int(booklets * 5), fmt(pgliteIssue, 2), int((booklets * 5) / pgliteIssue)],
            ],
          ),
        },
        {
          heading: `Redemption through the token API, ${connections} concurrent clients, distinct vouchers, 50 places`,
          command: command('pass-redeem.ts', flags, true),
          table: markdownTable(
            [
              'Run',
              'pgbench simple-update tps (just before)',
              'Redemptions/s',
              'Ratio',
              'p50 (ms)',
              'p95 (ms)',
              'p99 (ms)',
              'CPU ms per redemption: server · PostgreSQL · load generator · machine',
              'Statuses',
            ],
            [
              ...pairs.map((p, i) => [
                `round ${i + 1}: ${connections} clients, as fast as possible`,
                fmt(p.tps, 0),
                fmt(p.load.rps, 0),
                `${fmt((p.load.rps / p.tps) * 100, 0)} %`,
                fmt(p.load.p50, 1),
                fmt(p.load.p95, 1),
                fmt(p.load.p99, 1),
                cpu(p.load),
                statuses(p.load),
              ]),
              [
                `**median of ${pairs.length}** (target ≥ 25 %: ${ratio >= 0.25 ? 'met' : 'MISSED'})`,
                fmt(median(pairs.map((p) => p.tps)), 0),
                fmt(median(pairs.map((p) => p.load.rps)), 0),
                `**${fmt(ratio * 100, 0)} %**`,
                fmt(median(pairs.map((p) => p.load.p50)), 1),
                fmt(median(pairs.map((p) => p.load.p95)), 1),
                fmt(median(pairs.map((p) => p.load.p99)), 1),
                '',
                '',
              ],
              ...(paced
                ? [
                    [
                      `${rate}/s offered (open loop)`,
                      '',
                      fmt(paced.rps, 0),
                      '',
                      fmt(paced.p50, 1),
                      fmt(paced.p95, 1),
                      fmt(paced.p99, 1),
                      cpu(paced),
                      statuses(paced),
                    ],
                  ]
                : []),
            ],
          ),
          notes: [
            `Checked after the runs: ${created} answers 201, ${others} other answers or errors, ${check.live} live redemptions in the database (${inFlight} committed by requests still in flight when the load generator stopped, at most ${connections} per run), ${check.vouchers} vouchers marked redeemed, ${check.doubles} voucher(s) redeemed twice, ${check.journal} journal entries — ${consistent ? 'no redemption lost or counted twice' : 'MISMATCH'}.`,
            'Each redemption: one read (the token, the place, the voucher with its booklet and programme, the place’s qualification: one prepared statement), the rules checked in the server, then one statement writes it all — conditional UPDATE of the voucher, INSERT of the redemption, INSERT of its journal entry chained per place (one transaction, one round trip). Every run starts after a CHECKPOINT.',
            `The rounds alternate pgbench and the redemptions (${seconds} s each) because the shared machine’s speed drifts between minutes; each ratio compares a run with the pgbench run just before it, and the target is judged on the median ratio. In the last round the whole machine spent ${fmt(last.load.cpuPerRequest.machine, 2)} ms of CPU per redemption (2 cores: at most ${int(2000 / last.load.cpuPerRequest.machine)} redemptions/s at that cost).`,
            'pgbench: `pgbench -i -s 10` on a scratch database of the same server, then `pgbench -b simple-update -c 50 -j 2 -T <duration>`; autocannon, the server and PostgreSQL share the 2 cores.',
          ],
        },
        ...(profile
          ? [
              {
                heading: 'CPU profile of the server during the last round',
                command: command('pass-redeem.ts', { ...flags, profile: 'true' }, true),
                table: `${profile.byOrigin}\n\n${profile.table}`,
              },
            ]
          : []),
      ],
    };
  } finally {
    await scratch.drop().catch(() => {});
    await bench.drop().catch(() => {});
  }
}

if (isMain(import.meta.url)) {
  const report = await runPassBench(parseArgs());
  await publish(report);
}
