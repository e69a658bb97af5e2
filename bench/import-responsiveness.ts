/**
 * Does the server keep answering while a big file of places is imported? A 24 MB file (built
 * at run time in var/bench/ from ../shared/data with generate-places.ts) is imported through
 * importPlaces — the use case behind the admin upload, on the server's own thread — while a
 * separate thread (its own event loop, so it is not delayed by the server) asks `GET /sante`
 * and a search page (`/lieux?commune=Toulon`) 20 times a second each. Latencies during the
 * import, p50 / p99 / max, with the file checked in a worker thread (the default) and, as the
 * baseline of the same run, on the server's thread (checkInWorker: false, as before).
 * Each case runs in its own child process with a fresh database (communes and the PACA places
 * loaded first, not measured).
 *
 *   node --import tsx bench/import-responsiveness.ts [--engines=pglite,postgresql] [--mb=24] [--rate=20]
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { importCommunes, importPlaces } from '../src/modules/lieux/index.ts';
import { commandLineActor } from '../src/platform/auth/actor.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { writePlacesFile } from './generate-places.ts';
import {
  type Args,
  command,
  communesFile,
  type Engine,
  enginesOf,
  fmt,
  freePort,
  isMain,
  log,
  markdownTable,
  pacaFile,
  parseArgs,
  percentile,
  publish,
  reportResult,
  root,
  runChild,
  scratchDatabase,
  scratchDir,
} from './support.ts';

interface Latencies {
  count: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

interface ChildResult {
  importSeconds: number;
  rows: number;
  created: number;
  idle: { sante: Latencies; search: Latencies };
  during: { sante: Latencies; search: Latencies };
}

/** The probing thread: asks each path every 1000/rate ms until told to stop, then posts all latencies. */
const probeSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, paths, rate } = workerData;
const samples = Object.fromEntries(paths.map((p) => [p, []]));
const errors = Object.fromEntries(paths.map((p) => [p, 0]));
let phase = 'warm-up';
let stopped = false;
parentPort.on('message', (m) => {
  if (m !== 'stop') { phase = m; return; }
  stopped = true;
  parentPort.postMessage({ samples, errors });
  setTimeout(() => process.exit(0), 100);
});
async function loop(p) {
  while (!stopped) {
    const started = performance.now();
    const at = phase;
    try {
      const res = await fetch(base + p, { signal: AbortSignal.timeout(60000) });
      await res.arrayBuffer();
      if (res.status !== 200) errors[p]++;
    } catch { errors[p]++; }
    // Counted « during » when any part of it overlaps the import (sent just before it, or
    // answered just after it), else in the phase it was sent in.
    const end = phase;
    const counted = at === 'during' || end === 'during' || (at === 'idle' && end !== 'idle') ? 'during' : at;
    if (!stopped) samples[p].push([counted, performance.now() - started]);
    const wait = 1000 / rate - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
for (const p of paths) loop(p);
`;

function summarise(values: number[], errors: number): Latencies {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

const SECRET_KEY = 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

async function child(args: Args): Promise<void> {
  setJournalKey(SECRET_KEY);
  const engine = args.get('engine') as Engine;
  const inWorker = args.get('worker') === 'true';
  const rate = Number(args.get('rate') ?? 20);
  const dataDir = args.get('data-dir') as string;
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    SECRET_KEY,
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PUBLIC_API: '1000000',
  });
  // The embedded database on disk in the data folder, as `npm start` opens it: PGlite's
  // in-memory file system grows its files by copying them (pauses of several hundred ms on
  // the server's thread once the places table weighs a few hundred MB), which a server never does.
  const db: Database =
    engine === 'pglite'
      ? await openPglite({ dataDir: (config.database as { dataDir: string }).dataDir })
      : await openPostgres(args.get('url') as string, 10);
  const deps = { db, clock: systemClock };
  await migrate(db);
  await importCommunes(deps, commandLineActor, readFileSync(communesFile), path.basename(communesFile));
  await importPlaces(deps, commandLineActor, readFileSync(pacaFile), { fileName: 'paca.json', dryRun: false });
  log('child: database ready');
  const app = await buildApp({ config, db, clock: systemClock, logger: false, outboxPollMs: 0 });
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  const paths = ['/sante', '/lieux?commune=Toulon'];
  const probe = new Worker(probeSource, { eval: true, workerData: { base: `http://127.0.0.1:${port}`, paths, rate } });
  const result = new Promise<{ samples: Record<string, Array<[string, number]>>; errors: Record<string, number> }>(
    (resolve, reject) => {
      probe.once('message', resolve);
      probe.once('error', reject);
    },
  );
  log('child: server listening, probing idle');
  // First requests compile pages and warm caches: not counted.
  probe.postMessage('warm-up');
  await new Promise((r) => setTimeout(r, 3000));
  probe.postMessage('idle');
  await new Promise((r) => setTimeout(r, 5000));
  probe.postMessage('during');
  const bytes = readFileSync(args.get('file') as string);
  const started = performance.now();
  const report = await importPlaces(deps, commandLineActor, bytes, {
    fileName: 'bench.csv',
    dryRun: false,
    checkInWorker: inWorker,
  });
  const importSeconds = (performance.now() - started) / 1000;
  log(`child: import done in ${importSeconds.toFixed(1)} s`);
  // Requests sent during the import and still waiting are counted when they end.
  probe.postMessage('after');
  await new Promise((r) => setTimeout(r, 3000));
  probe.postMessage('stop');
  const { samples, errors } = await result;
  await app.close();
  await db.close();
  const of = (p: string, phase: string) =>
    summarise(
      (samples[p] ?? []).filter(([at]) => at === phase).map(([, ms]) => ms),
      phase === 'during' ? (errors[p] ?? 0) : 0,
    );
  reportResult({
    importSeconds,
    rows: report.summary.rows,
    created: report.summary.created,
    idle: { sante: of('/sante', 'idle'), search: of('/lieux?commune=Toulon', 'idle') },
    during: { sante: of('/sante', 'during'), search: of('/lieux?commune=Toulon', 'during') },
  } satisfies ChildResult);
}

/** A CSV of about `mb` megabytes in var/bench/ (generated, never copied from shared data). */
function benchFile(mb: number): string {
  const dir = path.join(root, 'var/bench');
  mkdirSync(dir, { recursive: true });
  const probe = path.join(dir, 'import-responsiveness-probe.csv');
  const perRow = writePlacesFile(probe, 2000, { seed: 7 }) / 2000;
  const count = Math.round((mb * 2 ** 20) / perRow);
  const file = path.join(dir, `import-responsiveness-${mb}mb.csv`);
  const size = writePlacesFile(file, count, { seed: 7 });
  log(`${file}: ${count} rows, ${(size / 2 ** 20).toFixed(1)} MB`);
  return file;
}

async function main(): Promise<void> {
  const args = parseArgs();
  const mb = Number(args.get('mb') ?? 24);
  const rate = Number(args.get('rate') ?? 20);
  const engines = enginesOf(args);
  const file = benchFile(mb);
  const rows: Array<Array<string | number>> = [];
  const ms = (n: number) => fmt(n, 0);
  for (const engine of engines) {
    for (const worker of [false, true]) {
      const label = `${engine}, ${worker ? 'check in a worker thread' : 'check on the server thread (before)'}`;
      log(label);
      const dir = scratchDir('import-resp');
      const pgDb = engine === 'postgresql' ? await scratchDatabase('import_resp') : undefined;
      try {
        const r = await runChild<ChildResult>('bench/import-responsiveness.ts', [
          '--child=true',
          `--engine=${engine}`,
          `--worker=${worker}`,
          `--rate=${rate}`,
          `--file=${file}`,
          `--data-dir=${dir.dir}`,
          ...(pgDb ? [`--url=${pgDb.url}`] : []),
        ]);
        rows.push([
          engine,
          worker ? 'worker thread' : 'server thread (before)',
          fmt(r.importSeconds, 1),
          `${ms(r.idle.sante.p99)} / ${ms(r.idle.search.p99)}`,
          `${ms(r.during.sante.p50)} / ${ms(r.during.sante.p99)} / ${ms(r.during.sante.max)} (${r.during.sante.count}, ${r.during.sante.errors} err)`,
          `${ms(r.during.search.p50)} / ${ms(r.during.search.p99)} / ${ms(r.during.search.max)} (${r.during.search.count}, ${r.during.search.errors} err)`,
        ]);
        log(JSON.stringify(r));
      } finally {
        await pgDb?.drop();
        dir.remove();
      }
    }
  }
  const size = (statSync(file).size / 2 ** 20).toFixed(1);
  const table = markdownTable(
    [
      'Engine',
      'File checked on',
      'Import (s)',
      'Idle p99 ms: /sante / search',
      'During import /sante ms: p50 / p99 / max (requests, errors)',
      'During import search ms: p50 / p99 / max (requests, errors)',
    ],
    rows,
  );
  console.log(table);
  await publish({
    name: 'import-responsiveness',
    title: 'Responsiveness during a big import',
    sections: [
      {
        heading: `${size} MB CSV, /sante and /lieux?commune=Toulon asked ${rate} times a second each`,
        command: command(
          'import-responsiveness.ts',
          { mb, rate, engines: engines.join(',') },
          engines.includes('postgresql'),
        ),
        table,
        notes: [
          'On PGlite (one connection) searches wait for the import’s writing transaction; /sante answers from the transaction’s progress.',
        ],
      },
    ],
  });
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  if (args.get('child') === 'true') await child(args);
  else await main();
}
