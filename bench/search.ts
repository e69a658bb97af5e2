/**
 * The search API under load. For each engine and size: a database filled by load-places.ts
 * (the full import up to 200,000 places, bulk writes above), then
 *  1. the search query alone (searchPlacesSql, as the API builds it), run sequentially with a
 *     random position each time, plus one EXPLAIN ANALYZE;
 *  2. the real server (src/server.ts, LOG_LEVEL=warn, rate limit out of the way) driven by
 *     autocannon with a different random position in France on every request.
 * Two variants: no filters, and services + frais_a_charge filters with a 30 km radius.
 *
 *   node --import tsx bench/search.ts [--sizes=15000,1000000] [--engines=pglite,postgresql]
 *        [--duration=15] [--warmup=3] [--connections=50] [--rate=500] [--queries=1000 (200 from 1M places)] [--profile]
 *        [--log-level=warn]
 * --rate: one more run without filters at that many requests per second offered, open loop, capped
 * at half the closed-loop throughput (0 = none).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSearchQuery } from '../src/modules/lieux/search/search-criteria.ts';
import type { SearchSpec } from '../src/modules/lieux/search/search-repository.ts';
import type { Queryable } from '../src/platform/db/database.ts';
import { summariseProfiles } from './cpu-profile.ts';
import { randomPositions } from './generate-places.ts';
import { type HttpResult, type LoadSpec, loadServer } from './http-load.ts';
import { type LoadResult, openBenchDatabase } from './load-places.ts';
import {
  type Args,
  type BenchReport,
  command,
  type Engine,
  enginesOf,
  fmt,
  int,
  isMain,
  log,
  markdownTable,
  numberList,
  parseArgs,
  percentile,
  publish,
  reportResult,
  root,
  runChild,
  type Section,
  scratchDatabase,
  scratchDir,
  startServer,
} from './support.ts';

const VARIANTS = [
  { name: 'no filters', query: {} as Record<string, string> },
  {
    name: 'filters',
    query: { services: 'Aide aux démarches administratives', frais_a_charge: 'Gratuit', rayon_km: '30' },
  },
];

function specOf(query: Record<string, string>, position: { latitude: number; longitude: number }): SearchSpec {
  const c = parseSearchQuery(
    { ...query, latitude: String(position.latitude), longitude: String(position.longitude) },
    {
      requireWhere: false,
    },
  );
  return {
    ...(c.position ? { center: c.position, radiusM: c.radiusKm * 1000 } : {}),
    words: [],
    filters: c.filters as Record<string, string[]>,
    limit: c.perPage,
    offset: 0,
  };
}

interface DbResult {
  variant: string;
  fn: string;
  p50: number;
  p95: number;
  p99: number;
  meanTotal: number;
  explain: string;
}

type SearchRepository = typeof import('../src/modules/lieux/search/search-repository.ts');

/**
 * The search function the API route runs (searchPlacesJson when the repository has it, else
 * searchPlacesSql), from the checkout under test (BENCH_SERVER_ROOT or this one).
 */
async function apiSearch(): Promise<{ name: string; run: SearchRepository['searchPlacesSql'] }> {
  const file = path.join(process.env.BENCH_SERVER_ROOT ?? root, 'src/modules/lieux/search/search-repository.ts');
  const repo = (await import(pathToFileURL(file).href)) as Partial<SearchRepository>;
  if (repo.searchPlacesJson) {
    const json = repo.searchPlacesJson;
    return { name: 'searchPlacesJson', run: async (db, spec) => ({ ...(await json(db, spec)), rows: [] }) };
  }
  if (repo.searchPlacesSql) return { name: 'searchPlacesSql', run: repo.searchPlacesSql };
  throw new Error(`${file}: no search function found`);
}

/** Child: the query alone, sequentially, on the filled database. */
async function dbOnly(args: Args): Promise<void> {
  const db = await openBenchDatabase(args, 2);
  const search = await apiSearch();
  const n = Number(args.get('queries') ?? 1000);
  const results: DbResult[] = [];
  for (const variant of VARIANTS) {
    const next = randomPositions(7);
    for (let i = 0; i < 50; i++) await search.run(db, specOf(variant.query, next()));
    const times: number[] = [];
    let totals = 0;
    for (let i = 0; i < n; i++) {
      const spec = specOf(variant.query, next());
      const t = performance.now();
      const { total } = await search.run(db, spec);
      times.push(performance.now() - t);
      totals += total;
    }
    times.sort((a, b) => a - b);
    // The exact statement of one search, captured on its way to the database.
    let captured: { sql: string; params: readonly unknown[] } | undefined;
    const recorder: Queryable = {
      query: (sql, params, options) => {
        captured ??= { sql, params: params ?? [] };
        return db.query(sql, params, options);
      },
    };
    await search.run(recorder, specOf(variant.query, { latitude: 43.1242, longitude: 5.928 }));
    const plan = captured
      ? await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${captured.sql}`, [...captured.params])
      : [];
    results.push({
      variant: variant.name,
      fn: search.name,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      meanTotal: totals / n,
      explain: plan.map((r) => r['QUERY PLAN']).join('\n'),
    });
  }
  await db.close();
  reportResult(results);
}

interface Row {
  engine: Engine;
  size: number;
  load: LoadResult;
  db: DbResult[];
  http: HttpResult[];
  profile?: ReturnType<typeof summariseProfiles>;
}

async function measure(args: Args, engine: Engine, size: number): Promise<Row> {
  const scratch = scratchDir('search');
  const database = engine === 'postgresql' ? await scratchDatabase('search') : undefined;
  const target = engine === 'pglite' ? [`--data-dir=${path.join(scratch.dir, 'pglite')}`] : [`--url=${database?.url}`];
  try {
    const mode = size > 200_000 ? 'bulk' : 'import';
    log(`${engine}, ${int(size)} places: loading (${mode})…`);
    const load = await runChild<LoadResult>('bench/load-places.ts', [
      `--engine=${engine}`,
      ...target,
      `--synthetic=${size}`,
      `--mode=${mode}`,
    ]);
    log(`  loaded in ${fmt(load.seconds)} s; query alone…`);
    const db = await runChild<DbResult[]>('bench/search.ts', [
      '--db-only',
      `--engine=${engine}`,
      ...target,
      `--queries=${args.get('queries') ?? (size >= 1_000_000 ? 200 : 1000)}`,
    ]);
    log('  HTTP load…');
    const profileDir = args.has('profile') ? path.join(scratch.dir, 'profile') : undefined;
    const env: Record<string, string> = {
      DATA_DIR: scratch.dir,
      LOG_LEVEL: args.get('log-level') ?? 'warn',
      RATE_LIMIT_PUBLIC_API: '1000000000',
      DEMO_DATA: 'non',
    };
    if (database) env.DATABASE_URL = database.url;
    const server = await startServer(env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
    const specs: LoadSpec[] = VARIANTS.map((v) => ({ label: v.name, variant: v.name, query: v.query }));
    const loadOptions = {
      seconds: Number(args.get('duration') ?? 15),
      warmup: Number(args.get('warmup') ?? 3),
      connections: Number(args.get('connections') ?? 50),
    };
    let http: HttpResult[];
    try {
      http = await loadServer(server, specs, loadOptions);
      // The paced run reads the latency at a given load, so it must stay below what the server
      // can serve: the rate asked (500 by default) or half the closed-loop throughput, if lower.
      const asked = Number(args.get('rate') ?? 500);
      const rate = Math.min(asked, Math.floor((http[0]?.rps ?? 0) / 2));
      if (rate > 0) {
        const label = `no filters, ${rate} req/s offered${rate < asked ? ' (half the closed-loop throughput)' : ''}`;
        http.push(...(await loadServer(server, [{ label, variant: 'no filters', query: {}, rate }], loadOptions)));
      }
    } finally {
      await server.stop();
    }
    return { engine, size, load, db, http, ...(profileDir ? { profile: summariseProfiles(profileDir) } : {}) };
  } finally {
    await database?.drop();
    scratch.remove();
  }
}

export async function runSearchBench(args: Args): Promise<BenchReport> {
  const sizes = numberList(
    args.get('search-sizes') ?? args.get('sizes') ?? process.env.BENCH_SEARCH_SIZES ?? '15000,1000000',
  );
  const engines = enginesOf(args);
  const rows: Row[] = [];
  for (const size of sizes) for (const engine of engines) rows.push(await measure(args, engine, size));

  const ms = (n: number) => fmt(n, 1);
  const table = markdownTable(
    [
      'Engine',
      'Places',
      'Variant',
      'HTTP req/s',
      'HTTP p50 (ms)',
      'HTTP p95 (ms)',
      'HTTP p99 (ms)',
      'Not 200',
      'KB/resp.',
      'CPU ms/req: server · PostgreSQL · autocannon',
      'Other load (cores)',
      'SQL p50 (ms)',
      'SQL p95 (ms)',
      'HTTP p50 / SQL p50',
      'Mean total',
    ],
    rows.flatMap((r) =>
      r.http.map((h) => {
        const d = r.db.find((x) => x.variant === h.variant) as DbResult;
        const notOk = Object.entries(h.statuses).filter(([code]) => code !== '200');
        const failures = [...notOk.map(([code, n]) => `${n}× ${code}`), ...(h.errors ? [`${h.errors} errors`] : [])];
        const db = r.engine === 'pglite' ? '(in server)' : fmt(h.cpu.database, 2);
        return [
          r.engine,
          int(r.size),
          h.label,
          int(h.rps),
          ms(h.p50),
          ms(h.p95),
          ms(h.p99),
          failures.join(', ') || '0',
          fmt(h.kbPerResponse),
          `${fmt(h.cpu.server, 2)} · ${db} · ${fmt(h.cpu.client, 2)}`,
          fmt(h.otherCores, 2),
          ms(d.p50),
          ms(d.p95),
          `${fmt(h.p50 / d.p50)}×`,
          int(d.meanTotal),
        ];
      }),
    ),
  );
  const targets = rows
    .filter((r) => r.engine === 'postgresql' && r.size === 15_000)
    .flatMap((r) =>
      r.http.map(
        (h) =>
          `- PostgreSQL, 15,000 places, ${h.label}: p95 ${ms(h.p95)} ms (target ≤ 50: ${h.p95 <= 50 ? 'met' : 'MISSED'}), ${int(h.rps)} req/s (target ≥ 500: ${h.rps >= 500 ? 'met' : 'MISSED'}).`,
      ),
    );
  const connections = Number(args.get('connections') ?? 50);
  const flags = {
    sizes: sizes.join(','),
    engines: engines.join(','),
    duration: args.get('duration') ?? 15,
    connections,
    rate: args.get('rate') ?? 500,
    ...(args.has('queries') ? { queries: args.get('queries') } : {}),
    ...(args.has('profile') ? { profile: 'true' } : {}),
    ...(args.has('log-level') ? { 'log-level': args.get('log-level') } : {}),
  };
  const sections: Section[] = [
    {
      heading: 'GET /api/v1/lieux?latitude=…&longitude=… under load, and the query alone',
      command: command('search.ts', flags, engines.includes('postgresql')),
      table,
      notes: [
        `HTTP: autocannon, ${connections} connections, ${flags.duration} s after a ${args.get('warmup') ?? 3} s warm-up, a random position in France (a commune of the postcode base ± ~1 km) on every request; latencies are per response, measured by autocannon. With a closed loop of ${connections} connections, mean latency ≈ ${connections} / throughput (Little's law); the « req/s offered » row is open loop instead (requests start on a steady schedule whatever the earlier ones do, over the same number of connections, the wait for a free connection counted; openLoop in http-load.ts), to read the latency at that load — at the rate asked or half the closed-loop throughput if that is lower. The server is src/server.ts in its own process (LOG_LEVEL=${args.get('log-level') ?? 'warn'}); autocannon and PostgreSQL share the same cores. CPU ms/req: CPU time of each process (from /proc) divided by the responses. Other load: CPU used meanwhile by the rest of the machine, in cores (noise: the machine is shared).`,
        `SQL: ${rows[0]?.db[0]?.fn ?? 'the search function'} (what the API route calls) with the spec the API builds, ${args.get('queries') ?? '1,000 (200 from 1M places)'} sequential queries after 50 warm-up ones, through the project's driver (includes decoding the rows). « Mean total » is the average number of places matched.`,
        ...(process.env.BENCH_SERVER_ROOT
          ? [`Code under test: ${process.env.BENCH_SERVER_ROOT} (BENCH_SERVER_ROOT).`]
          : []),
        'Places: loaded through importPlaces up to 200,000, written in bulk through upsertPlaces above (same computed columns), then VACUUM ANALYZE.',
        'Loading: ' +
          rows.map((r) => `${r.engine} ${int(r.size)} in ${fmt(r.load.seconds)} s (${r.load.mode})`).join('; ') +
          '.',
        ...(targets.length ? ['', 'Targets:', ...targets] : []),
      ],
    },
  ];
  for (const r of rows) {
    sections.push({
      heading: `EXPLAIN ANALYZE — ${r.engine}, ${int(r.size)} places (position near Toulon)`,
      command: command('search.ts', { ...flags, sizes: r.size, engines: r.engine }, r.engine === 'postgresql'),
      table: r.db.map((d) => `${d.variant}:\n\n\`\`\`\n${d.explain}\n\`\`\``).join('\n\n'),
    });
    if (r.profile) {
      sections.push({
        heading: `CPU profile of the server — ${r.engine}, ${int(r.size)} places`,
        command: command(
          'search.ts',
          { ...flags, sizes: r.size, engines: r.engine, profile: 'true' },
          r.engine === 'postgresql',
        ),
        table: `${r.profile.byOrigin}\n\n${r.profile.table}`,
      });
    }
  }
  return { name: args.get('name') ?? 'search', title: 'Search API under load', sections };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  if (args.has('db-only')) await dbOnly(args);
  else await publish(await runSearchBench(args));
}
