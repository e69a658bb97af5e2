/**
 * Import of places files: duration and peak memory of importPlaces (the use case behind the
 * CLI and the admin page) for the real PACA file and synthetic files, on PGlite and on
 * PostgreSQL. Each import runs in its own child process so that its peak RSS means something;
 * the postcode base is imported first and not counted. A second child re-imports the same
 * file into the same database (every row should come back « unchanged »).
 *
 *   node --import tsx bench/import.ts [--sizes=15000,200000] [--engines=pglite,postgresql]
 *        [--reimport-max=15000] [--format=csv|json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ImportReport, importCommunes, importPlaces } from '../src/modules/lieux/index.ts';
import { commandLineActor } from '../src/platform/auth/actor.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { type Format, writePlacesFile } from './generate-places.ts';
import {
  type Args,
  type BenchReport,
  command,
  communesFile,
  type Engine,
  enginesOf,
  fmt,
  int,
  isMain,
  log,
  markdownTable,
  numberList,
  pacaFile,
  parseArgs,
  publish,
  reportResult,
  runChild,
  scratchDatabase,
  scratchDir,
  waitForQuiet,
} from './support.ts';

// Journal entries are keyed (ADR 0017): the server's SECRET_KEY when given, else a scratch key.
setJournalKey(process.env.SECRET_KEY ?? 'bench-scratch-database-journal-key-0123456789');

interface ChildResult {
  seconds: number;
  rssBeforeMb: number;
  sampledPeakMb: number;
  maxRssMb: number;
  summary: ImportReport['summary'];
  warnings: string[];
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Child: opens the database, imports communes unless told not to, then times one import. */
async function child(args: Args): Promise<void> {
  const engine = args.get('engine') as Engine;
  const file = args.get('file') as string;
  const db: Database =
    engine === 'pglite'
      ? await openPglite({ dataDir: args.get('data-dir') as string })
      : await openPostgres(args.get('url') as string, 4);
  const deps = { db, clock: systemClock };
  await migrate(db);
  if (args.get('communes') !== 'false') {
    await importCommunes(deps, commandLineActor, readFileSync(communesFile), path.basename(communesFile));
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const report = await importPlaces(deps, commandLineActor, readFileSync(file), {
    fileName: path.basename(file),
    dryRun: false,
    onProgress: () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  await db.close();
  reportResult({
    seconds,
    rssBeforeMb: mb(rssBefore),
    sampledPeakMb: mb(peak),
    // resourceUsage().maxRSS is in kilobytes: the whole life of this process.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    summary: report.summary,
    warnings: report.warnings,
  } satisfies ChildResult);
}

interface Dataset {
  label: string;
  file: string;
  rows: number;
}

interface Measure {
  dataset: Dataset;
  engine: Engine;
  first: ChildResult;
  again?: ChildResult;
  /** Seconds of each repetition (first import, re-import). */
  firstRuns: number[];
  againRuns: number[];
}

type Once = Pick<Measure, 'dataset' | 'engine' | 'first' | 'again'>;

/** The median run (by duration) of several, with every duration kept. */
async function measure(dataset: Dataset, engine: Engine, reimport: boolean, repeat: number): Promise<Measure> {
  const runs: Once[] = [];
  for (let i = 0; i < repeat; i++) {
    await waitForQuiet(() => []);
    runs.push(await measureOnce(dataset, engine, reimport));
  }
  const median = <T>(list: T[], key: (t: T) => number) =>
    [...list].sort((a, b) => key(a) - key(b))[Math.floor((list.length - 1) / 2)] as T;
  const agains = runs.flatMap((r) => (r.again ? [r.again] : []));
  const first = median(runs, (r) => r.first.seconds).first;
  return {
    dataset,
    engine,
    first: { ...first, maxRssMb: Math.max(...runs.map((r) => r.first.maxRssMb)) },
    ...(agains.length ? { again: median(agains, (a) => a.seconds) } : {}),
    firstRuns: runs.map((r) => r.first.seconds),
    againRuns: agains.map((a) => a.seconds),
  };
}

async function measureOnce(dataset: Dataset, engine: Engine, reimport: boolean): Promise<Once> {
  const run = (extra: string[]) =>
    runChild<ChildResult>(
      'bench/import.ts',
      ['--child', `--engine=${engine}`, `--file=${dataset.file}`, ...extra],
      undefined,
      ['--expose-gc'],
    );
  log(`import ${dataset.label} on ${engine}…`);
  if (engine === 'pglite') {
    const scratch = scratchDir('import');
    try {
      const dir = `--data-dir=${path.join(scratch.dir, 'pglite')}`;
      const first = await run([dir]);
      const again = reimport ? await run([dir, '--communes=false']) : undefined;
      return { dataset, engine, first, ...(again ? { again } : {}) };
    } finally {
      scratch.remove();
    }
  }
  const database = await scratchDatabase('import');
  try {
    const url = `--url=${database.url}`;
    const first = await run([url]);
    const again = reimport ? await run([url, '--communes=false']) : undefined;
    return { dataset, engine, first, ...(again ? { again } : {}) };
  } finally {
    await database.drop();
  }
}

export async function runImportBench(args: Args): Promise<BenchReport> {
  const sizes = numberList(
    args.get('import-sizes') ?? args.get('sizes') ?? process.env.BENCH_IMPORT_SIZES ?? '15000,200000',
  );
  const engines = enginesOf(args);
  const reimportMax = Number(args.get('reimport-max') ?? 15_000);
  const format = (args.get('format') ?? 'csv') as Format;
  const scratch = scratchDir('import-files');
  const datasets: Dataset[] = [{ label: 'PACA (real file, JSON)', file: pacaFile, rows: 646 }];
  for (const n of sizes) {
    const file = path.join(scratch.dir, `lieux-synthetiques-${n}.${format}`);
    const bytes = writePlacesFile(file, n, { seed: 1, format });
    log(`generated ${file} (${fmt(bytes / 1e6)} MB)`);
    datasets.push({ label: `synthetic ${int(n)} (${format.toUpperCase()}, ${fmt(bytes / 1e6)} MB)`, file, rows: n });
  }
  const results: Measure[] = [];
  try {
    for (const dataset of datasets)
      for (const engine of engines) {
        const repeat = Number(args.get('repeat') ?? (dataset.rows <= 15_000 ? 3 : 1));
        results.push(await measure(dataset, engine, dataset.rows <= reimportMax, repeat));
      }
  } finally {
    scratch.remove();
  }

  const runsOf = (median: number, runs: number[]) =>
    runs.length > 1 ? `${fmt(median, 2)} (${runs.map((r) => fmt(r, 2)).join(' · ')})` : fmt(median, 2);
  const target = (m: Measure) =>
    m.dataset.rows === 15_000 ? (m.first.seconds < 10 ? 'met (< 10 s)' : 'MISSED (≥ 10 s)') : '';
  const first = markdownTable(
    [
      'File',
      'Engine',
      'Rows',
      'Created',
      'Rejected',
      'Approx. at commune',
      'Seconds',
      'Rows/s',
      'RSS before (MB)',
      'Peak RSS (MB)',
      'Target 15k < 10 s',
    ],
    results.map((m) => [
      m.dataset.label,
      m.engine,
      int(m.first.summary.rows),
      int(m.first.summary.created),
      int(m.first.summary.rejected),
      int(m.first.summary.approximated),
      runsOf(m.first.seconds, m.firstRuns),
      int(m.first.summary.rows / m.first.seconds),
      int(m.first.rssBeforeMb),
      int(m.first.maxRssMb),
      target(m),
    ]),
  );
  const again = results.filter((m) => m.again);
  const second = markdownTable(
    ['File', 'Engine', 'Rows', 'Unchanged', 'Created', 'Updated', 'Seconds', 'Rows/s', 'Peak RSS (MB)'],
    again.map((m) => {
      const a = m.again as ChildResult;
      return [
        m.dataset.label,
        m.engine,
        int(a.summary.rows),
        int(a.summary.unchanged),
        int(a.summary.created),
        int(a.summary.updated),
        runsOf(a.seconds, m.againRuns),
        int(a.summary.rows / a.seconds),
        int(a.maxRssMb),
      ];
    }),
  );
  const flags = { sizes: sizes.join(','), engines: engines.join(','), 'reimport-max': reimportMax, format };
  const cmd = command('import.ts', flags, engines.includes('postgresql'));
  return {
    name: 'import',
    title: 'Import of places files (importPlaces)',
    sections: [
      {
        heading: 'First import into an empty database',
        command: cmd,
        table: first,
        notes: [
          'Seconds: median of the runs (each value in brackets; 3 runs up to 15,000 rows, `--repeat` to change), each in a fresh database after waiting for the machine to be quiet. Reading the file, checking every row, locating places without coordinates, writing (one transaction).',
          'Peak RSS: `process.resourceUsage().maxRSS` of the child process (it also opened the database and imported the postcode base first; « RSS before » is its resident memory just before the timed import).',
        ],
      },
      { heading: 'Re-import of the same file (nothing to write)', command: cmd, table: second },
    ],
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  if (args.has('child')) await child(args);
  else await publish(await runImportBench(args));
}
