/**
 * What a person or a partner would notice of a database: the places export, search answers,
 * the number of rows of every table and an intact audit journal. Two databases with the same
 * snapshot hold the same data as far as anyone can tell (backup and restore tests).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/demo.ts';
import { applicationTables } from '../../src/platform/db/backup.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { setJournalKey, verifyJournal } from '../../src/platform/journal/journal.ts';
import { type TestClock, testConfig } from './test-app.ts';

const sharedData = path.resolve('../shared/data');
const PACA = /^(04|05|06|13|83|84)/;

/** The demo data of every module, with the communes of the PACA region only (fast to load). */
export async function populate(db: Database, clock: TestClock): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'passerelle-demo-'));
  try {
    mkdirSync(path.join(dir, 'communes'));
    mkdirSync(path.join(dir, 'lieux'));
    const lines = readFileSync(path.join(sharedData, 'communes', 'laposte_hexasmal.csv'), 'utf8').split('\n');
    writeFileSync(
      path.join(dir, 'communes', 'laposte_hexasmal.csv'),
      [lines[0], ...lines.filter((l) => PACA.test(l))].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'lieux', 'lieux-paca-2023-05-17.json'),
      readFileSync(path.join(sharedData, 'lieux', 'lieux-paca-2023-05-17.json')),
    );
    const config = testConfig({ DATA_DIR: dir, DEMO_DATA_DIR: dir });
    // What the server and the CLI do at start: journal rows are keyed by the secret (ADR 0017).
    setJournalKey(config.secretKey);
    const report = await seedDemo(db, config, clock.now);
    if (!report.created) throw new Error(`demo data not created: ${report.lines.join(' / ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Snapshot {
  exportCsv: string;
  exportJson: string;
  searches: Record<string, string>;
  rowCounts: Record<string, number>;
  journal: string;
}

export const SEARCHES = [
  '/api/v1/lieux?commune=Toulon',
  '/api/v1/lieux?latitude=43.2965&longitude=5.3698&rayon_km=15&par_page=50',
  `/api/v1/lieux?commune=Marseille&services=${encodeURIComponent('Aide aux démarches administratives')}`,
  '/api/v1/lieux?q=mediatheque&par_page=50',
  '/api/v1/lieux?commune=83000&pass_numerique=oui',
];

export async function snapshot(db: Database, clock: TestClock): Promise<Snapshot> {
  const app = await buildApp({ config: testConfig(), db, clock: clock.now, logger: false, outboxPollMs: 0 });
  try {
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      return res.body;
    };
    const searches: Record<string, string> = {};
    for (const url of SEARCHES) searches[url] = await get(url);
    const rowCounts: Record<string, number> = {};
    for (const table of await applicationTables(db)) {
      // Rate-limit counters are request bookkeeping, not data: the snapshot's own requests move them.
      if (table === 'rate_limit_counters') continue;
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
      rowCounts[table] = row?.n ?? -1;
    }
    const journal = await verifyJournal(db);
    return {
      exportCsv: await get('/api/v1/export/lieux.csv'),
      exportJson: await get('/api/v1/export/lieux.json'),
      searches,
      rowCounts,
      journal: journal.ok ? `intact (${journal.checked})` : `ALTÉRÉ: ${journal.problem?.reason}`,
    };
  } finally {
    await app.close();
  }
}
