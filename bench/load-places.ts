/**
 * Fills a database for a benchmark, in a process of its own (an embedded database belongs to
 * one process at a time): migrations, the postcode base, then places — the real PACA file,
 * or N synthetic places either through the full import (importPlaces) or, for very large N,
 * written straight into `places` in batches through the module's upsertPlaces with the same
 * computed columns as an import (search_text, geo_*, open_minutes, content_hash), secondary
 * indexes dropped during the load and rebuilt after (same definitions), then ANALYZE.
 *
 *   node --import tsx bench/load-places.ts --engine=pglite --data-dir=/tmp/x/pglite --synthetic=15000
 *   node --import tsx bench/load-places.ts --engine=postgresql --url=postgres://… --synthetic=1000000 --mode=bulk
 *   node --import tsx bench/load-places.ts --engine=pglite --data-dir=/tmp/x/pglite --paca
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contentHash, importPlaces, locator, openMinutesOf, searchTextOf } from '../src/modules/lieux/import-places.ts';
import { importCommunes } from '../src/modules/lieux/index.ts';
import { type PlaceWrite, upsertPlaces } from '../src/modules/lieux/places-repository.ts';
import { toStandardJson } from '../src/modules/lieux/standard.ts';
import { commandLineActor } from '../src/platform/auth/actor.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { generatePlaceRows, generatePlaces } from './generate-places.ts';
import { type Args, communesFile, type Engine, isMain, log, pacaFile, parseArgs, reportResult } from './support.ts';

// Journal entries are keyed (ADR 0017): the server's SECRET_KEY when given, else a scratch key.
setJournalKey(process.env.SECRET_KEY ?? 'bench-scratch-database-journal-key-0123456789');

export interface LoadResult {
  places: number;
  mode: 'import' | 'bulk' | 'paca';
  seconds: number;
  indexSeconds: number;
}

export async function openBenchDatabase(args: Args, poolSize = 4): Promise<Database> {
  const engine = args.get('engine') as Engine;
  return engine === 'pglite'
    ? openPglite({ dataDir: args.get('data-dir') as string })
    : openPostgres(args.get('url') as string, poolSize);
}

/** Secondary indexes of places (everything but constraints), as CREATE INDEX statements. */
async function secondaryIndexes(db: Database): Promise<Array<{ name: string; definition: string }>> {
  return db.query(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE tablename = 'places' AND schemaname = current_schema()
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'places'::regclass)`,
  );
}

async function bulkLoad(db: Database, count: number, seed: number): Promise<{ seconds: number; indexSeconds: number }> {
  const started = performance.now();
  const indexes = await secondaryIndexes(db);
  for (const index of indexes) await db.exec(`DROP INDEX ${index.name}`);
  const locate = await locator(db);
  const now = new Date();
  const batchSize = 5000;
  let pending: Promise<void> = Promise.resolve();
  for (let start = 0; start < count; start += batchSize) {
    const writes: PlaceWrite[] = [];
    for (const place of generatePlaces(Math.min(batchSize, count - start), { seed, start })) {
      const exact = place.latitude !== null && place.longitude !== null;
      const point = exact ? undefined : await locate(place);
      writes.push({
        ...place,
        geo_lat: exact ? place.latitude : (point?.lat ?? null),
        geo_lon: exact ? place.longitude : (point?.lon ?? null),
        geo_precision: exact ? 'exact' : point ? 'commune' : 'none',
        origin: 'lieux-synthetiques.json',
        imported_at: now,
        updated_at: now,
        content_hash: contentHash(place),
        search_text: searchTextOf(place),
        open_minutes: openMinutesOf(place.horaires),
      });
    }
    // The next batch is computed while the server writes this one.
    await pending;
    pending = upsertPlaces(db, writes);
    if ((start / batchSize) % 20 === 0) log(`  ${start + writes.length} / ${count} places written…`);
  }
  await pending;
  const indexStarted = performance.now();
  for (const index of indexes) {
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL maintenance_work_mem = '${db.engine === 'pglite' ? '128MB' : '512MB'}'`);
      await tx.query(index.definition);
    });
    log(`  index ${index.name} rebuilt`);
  }
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  return { seconds: (performance.now() - started) / 1000, indexSeconds };
}

async function main(args: Args) {
  const db = await openBenchDatabase(args);
  const deps = { db, clock: systemClock };
  try {
    await migrate(db);
    await importCommunes(deps, commandLineActor, readFileSync(communesFile), path.basename(communesFile));
    const seed = Number(args.get('seed') ?? 1);
    const synthetic = Number(args.get('synthetic') ?? 0);
    const mode = args.has('paca') ? 'paca' : ((args.get('mode') ?? 'import') as 'import' | 'bulk');
    let result: LoadResult;
    if (mode === 'bulk') {
      const { seconds, indexSeconds } = await bulkLoad(db, synthetic, seed);
      result = { places: synthetic, mode, seconds, indexSeconds };
    } else {
      const bytes =
        mode === 'paca'
          ? readFileSync(pacaFile)
          : Buffer.from(JSON.stringify(generatePlaceRows(synthetic, { seed }).map(toStandardJson)));
      const started = performance.now();
      const report = await importPlaces(deps, commandLineActor, bytes, {
        fileName: mode === 'paca' ? path.basename(pacaFile) : 'lieux-synthetiques.json',
        dryRun: false,
      });
      result = { places: report.summary.created, mode, seconds: (performance.now() - started) / 1000, indexSeconds: 0 };
    }
    // Fresh statistics, as autovacuum would compute them on a server (PGlite has no autovacuum).
    if (args.get('analyze') !== 'false') await db.query('VACUUM ANALYZE places');
    reportResult(result);
  } finally {
    await db.close();
  }
}

if (isMain(import.meta.url)) await main(parseArgs());
