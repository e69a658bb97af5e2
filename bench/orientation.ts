/**
 * The orientation diagnostic: what a person downloads, and how fast a result page answers.
 *
 * 1. Page weight in real Chromium (CDP encodedDataLength: compressed bodies + headers), on the
 *    embedded database with the PACA places: every screen on a first visit (empty cache: the
 *    page, the stylesheet, the icon, scripts), and each step from one question to the next
 *    (the tap: POST, 303, GET — stylesheet cached). Targets: ≤ 30 KB and ≤ 10 KB.
 * 2. The result page at 15,000 synthetic places on PostgreSQL: `GET /orientation/resultat/{code}`
 *    for 2,000 slips at random positions in France (a different slip each request), open loop at
 *    200 requests/s offered; baseline in the same run: the search API around the same
 *    positions (`GET /api/v1/lieux?latitude=…&longitude=…&rayon_km=30`) at the same rate.
 *    Target: p95 ≤ 100 ms.
 *
 *   node --import tsx bench/orientation.ts [--only=weight,result] [--rate=200] [--duration=30]
 *        [--warmup=5] [--connections=50] [--places=15000] [--slips=2000] [--profile]
 *        [--quiet-wait=180] (seconds to wait for a quiet machine before each run) [--rounds=1]
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { QUESTIONS } from '../src/modules/orientation/data.ts';
import { insertSlip } from '../src/modules/orientation/repository.ts';
import { decideLevel, detectNeeds } from '../src/modules/orientation/rules.ts';
import { slipCodes } from '../src/modules/orientation/slip-code.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { setJournalKey } from '../src/platform/journal/journal.ts';
import { launchBrowser } from '../test/support/e2e.ts';
import { summariseProfiles } from './cpu-profile.ts';
import { randomPositions } from './generate-places.ts';
import { openLoop } from './http-load.ts';
import type { LoadResult } from './load-places.ts';
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
  median,
  parseArgs,
  percentile,
  postgresPids,
  publish,
  root,
  runChild,
  type Section,
  scratchDatabase,
  scratchDir,
  startServer,
  waitForQuiet,
} from './support.ts';

// Journal entries are keyed (ADR 0017): the server's SECRET_KEY when given, else a scratch key.
setJournalKey(process.env.SECRET_KEY ?? 'bench-scratch-database-journal-key-0123456789');

interface Transfer {
  bytes: number;
  requests: number;
  list: string[];
}

/** Runs `action` on the page and sums what went over the network until the page has loaded. */
async function recorded(page: Page, cdp: CDPSession, action: () => Promise<unknown>): Promise<Transfer> {
  const seen = new Map<string, string>();
  const out: Transfer = { bytes: 0, requests: 0, list: [] };
  const onRequest = (e: {
    requestId: string;
    request: { url: string; method: string };
    redirectResponse?: { status: number; encodedDataLength: number };
  }) => {
    // A redirect reuses the request's id: count the redirect response (the POST's 303) here.
    const before = seen.get(e.requestId);
    if (before !== undefined && e.redirectResponse) {
      out.bytes += e.redirectResponse.encodedDataLength;
      out.requests++;
      out.list.push(`${before} → ${e.redirectResponse.status}`);
    }
    if (!e.request.url.startsWith('data:'))
      seen.set(e.requestId, `${e.request.method} ${new URL(e.request.url).pathname}`);
  };
  const onFinished = (e: { requestId: string; encodedDataLength: number }) => {
    const name = seen.get(e.requestId);
    if (name === undefined || e.encodedDataLength === 0) return;
    out.bytes += e.encodedDataLength;
    out.requests++;
    out.list.push(name);
  };
  cdp.on('Network.requestWillBeSent', onRequest);
  cdp.on('Network.loadingFinished', onFinished);
  await action();
  await page.waitForLoadState('networkidle');
  cdp.off('Network.requestWillBeSent', onRequest);
  cdp.off('Network.loadingFinished', onFinished);
  return out;
}

/** How to answer each question in the walk (a typical person: a procedure, a deadline…). */
async function answer(page: Page, id: string): Promise<void> {
  const click = (selector: string) => page.locator(selector).first().click();
  switch (id) {
    case 'demarche':
      return click('button[value="social"]');
    case 'delai':
      return click('button[value="oui"]');
    case 'equipement':
      await page.locator('label[for="reponse-smartphone"]').click();
      return click('button.fr-btn--lg');
    case 'competences':
      return click('button[value="aucune"]');
    case 'lecture':
      return click('button[value="difficile"]');
    case 'langue':
      return click('button[value="francais"]');
    case 'aide':
      return click('button[value="avec_moi"]');
    default:
      await page.locator('#commune').fill('83000');
      return click('button.fr-btn--lg');
  }
}

interface WeightRow {
  screen: string;
  first: Transfer;
  next?: Transfer;
}

async function measureWeights(): Promise<{ rows: WeightRow[]; section: Section }> {
  const scratch = scratchDir('orientation-weight');
  const rows: WeightRow[] = [];
  try {
    log('orientation page weight: importing communes and the PACA places…');
    await runChild<LoadResult>('bench/load-places.ts', [
      '--engine=pglite',
      `--data-dir=${path.join(scratch.dir, 'pglite')}`,
      '--paca',
    ]);
    const server = await startServer({ DATA_DIR: scratch.dir, DEMO_DATA: 'non', LOG_LEVEL: 'warn' });
    const browser = await launchBrowser();
    try {
      // Warm the server (templates, statements), not measured.
      await fetch(`${server.url}/orientation`);
      // Steps from one question to the next, in one browser (cache warm, as a person taps).
      const context: BrowserContext = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 320, height: 640 },
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const start = await recorded(page, cdp, () => page.goto(`${server.url}/orientation`));
      rows.push({ screen: 'start `/orientation`', first: start });
      const nextOf = new Map<string, Transfer>();
      nextOf.set(
        QUESTIONS[0]?.id as string,
        await recorded(page, cdp, () => page.locator('form[action="/orientation/commencer"] button').click()),
      );
      const urls = new Map<string, string>();
      for (const q of QUESTIONS) {
        urls.set(q.id, page.url());
        const next = QUESTIONS[QUESTIONS.indexOf(q) + 1]?.id ?? 'result';
        nextOf.set(next, await recorded(page, cdp, () => answer(page, q.id)));
      }
      urls.set('result', page.url());
      const code = page.url().slice(-9);
      urls.set('printable', `${server.url}/orientation/fiche/${code}/imprimer`);
      urls.set('summary', `${server.url}/orientation/fiche/${code}`);
      // First visits: each screen again with an empty cache (the diagnostic's cookie kept).
      const firstVisit = async (url: string) => {
        await cdp.send('Network.clearBrowserCache');
        return recorded(page, cdp, () => page.goto(url));
      };
      // A second diagnostic to visit the questions again (the first one ended on its result).
      await page.goto(`${server.url}/orientation`);
      await page.locator('form[action="/orientation/commencer"] button').click();
      for (const q of QUESTIONS) {
        const first = await firstVisit(`${server.url}/orientation/question/${q.id}`);
        rows.push({ screen: `question ${QUESTIONS.indexOf(q) + 1} \`${q.id}\``, first, next: nextOf.get(q.id) });
        await answer(page, q.id);
        await page.waitForLoadState('networkidle');
      }
      rows.push({
        screen: 'result `/orientation/resultat/…`',
        first: await firstVisit(urls.get('result') as string),
        next: nextOf.get('result'),
      });
      rows.push({ screen: 'printable slip `…/imprimer`', first: await firstVisit(urls.get('printable') as string) });
      rows.push({
        screen: 'slip summary `/orientation/fiche/…`',
        first: await firstVisit(urls.get('summary') as string),
      });
      await context.close();
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    scratch.remove();
  }
  const kb = (t: Transfer | undefined) => (t ? fmt(t.bytes / 1024, 1) : '—');
  const table = markdownTable(
    [
      'Screen',
      'First visit (KB)',
      'Requests',
      'Target ≤ 30 KB',
      'From the previous screen (KB)',
      'Requests',
      'Target ≤ 10 KB',
    ],
    rows.map((r) => [
      r.screen,
      kb(r.first),
      int(r.first.requests),
      r.first.bytes <= 30 * 1024 ? 'met' : 'MISSED',
      kb(r.next),
      r.next ? int(r.next.requests) : '—',
      r.next ? (r.next.bytes <= 10 * 1024 ? 'met' : 'MISSED') : '',
    ]),
  );
  return {
    rows,
    section: {
      heading: 'Bytes over the wire in Chromium (compressed bodies + headers), 320 × 640, JavaScript off',
      command: command('orientation.ts', { only: 'weight' }),
      table,
      notes: [
        'First visit: the screen loaded with an empty browser cache (Network.clearBrowserCache), so it includes the stylesheet, the favicon and any script. From the previous screen: the tap that answers the previous question — POST, 303 redirect, GET of this screen — with the stylesheet cached. Embedded database with the postcode base and the 646 PACA places; answers: a social-rights procedure with a deadline near 83000. 1 KB = 1,024 bytes.',
        ...rows.map(
          (r) =>
            `- ${r.screen}: first visit ${r.first.list.join(', ')}${r.next ? `; from the previous screen ${r.next.list.join(', ')}` : ''}`,
        ),
      ],
    },
  };
}

interface LatencyRow {
  label: string;
  round: number;
  offered: number;
  completed: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  /** Uncompressed body (the load generator asks for no compression). */
  kbPerResponse: number;
  /** CPU milliseconds per response: the server, the PostgreSQL backends serving it, this client. */
  cpu: { server: number; database: number; client: number };
  otherCores: number;
  /** 1-minute load average of the machine at the end of the run (all processes, shared machine). */
  loadAverage: number;
  profile?: { table: string; byOrigin: string } | undefined;
}

/**
 * The PostgreSQL backends connected to one database: only those serve the server under test
 * (other agents' tests share the PostgreSQL server, its other processes are not ours).
 */
async function backendPids(url: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const result = await db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return result.rows.map((r) => r.pid);
  } finally {
    await db.end();
  }
}

async function measureResult(args: Args): Promise<Section[]> {
  const size = Number(args.get('places') ?? 15000);
  const slips = Number(args.get('slips') ?? 2000);
  const rate = Number(args.get('rate') ?? 200);
  const seconds = Number(args.get('duration') ?? 30);
  const warmup = Number(args.get('warmup') ?? 5);
  const connections = Number(args.get('connections') ?? 50);
  const profiling = args.has('profile');
  const rounds = Math.max(1, Number(args.get('rounds') ?? 1));
  // Seconds to wait for the rest of the machine to calm down before each run (shared machine).
  const quietWait = Number(args.get('quiet-wait') ?? 180);
  const database = await scratchDatabase('orientation');
  const scratch = scratchDir('orientation-result');
  const rows: LatencyRow[] = [];
  try {
    log(`orientation result: loading ${int(size)} synthetic places into PostgreSQL…`);
    await runChild<LoadResult>('bench/load-places.ts', [
      '--engine=postgresql',
      `--url=${database.url}`,
      `--synthetic=${size}`,
      // Written through the lieux module's upsertPlaces with the import's computed columns: the
      // same rows as a full import, without its worker thread (which tsx cannot load on Node 20).
      '--mode=bulk',
    ]);
    log(`  writing ${int(slips)} slips at random positions…`);
    const db = await openPostgres(database.url, 2);
    const positions: Array<{ latitude: number; longitude: number }> = [];
    const codes: string[] = [];
    try {
      const next = randomPositions(11);
      const profiles = [
        {
          demarche: 'social',
          delai: 'oui',
          equipement: ['smartphone'],
          competences: ['aucune'],
          lecture: 'difficile',
          langue: 'francais',
          aide: 'avec_moi',
        },
        {
          demarche: 'etranger',
          delai: 'non',
          equipement: ['aucun'],
          competences: ['email'],
          lecture: 'facile',
          langue: 'anglais',
          aide: 'pour_moi',
        },
        {
          demarche: 'apprendre',
          delai: 'non',
          equipement: ['ordinateur', 'internet'],
          competences: ['email'],
          lecture: 'facile',
          langue: 'francais',
          aide: 'apprendre_seul',
        },
      ];
      const now = new Date();
      for (let i = 0; i < slips; i++) {
        const answers = profiles[i % profiles.length] as (typeof profiles)[number];
        const needs = detectNeeds(answers);
        const p = next();
        const code = slipCodes.generate();
        await insertSlip(db, {
          code,
          createdAt: now,
          expiresAt: new Date(now.getTime() + 90 * 86_400_000),
          level: decideLevel(answers),
          needs: needs.map((n) => n.id),
          themes: [...new Set(needs.flatMap((n) => n.themes))],
          procedure: answers.demarche,
          deadline: answers.delai,
          equipment: answers.equipement,
          skills: answers.competences,
          reading: answers.lecture,
          helpLanguage: answers.langue,
          helpMode: answers.aide,
          interfaceLanguage: 'fr',
          locationLabel: 'position',
          communeInsee: null,
          departement: null,
          latitude: p.latitude,
          longitude: p.longitude,
          prescriberOrganisationId: null,
          prescriberUserId: null,
          isDemo: true,
        });
        codes.push(slipCodes.format(code));
        positions.push(p);
      }
      await db.query('ANALYZE orientation_slips');
    } finally {
      await db.close();
    }
    const variants = [
      {
        label: 'result page `GET /orientation/resultat/{code}`',
        path: (i: number) => `/orientation/resultat/${codes[i % codes.length]}`,
      },
      {
        label: 'baseline: search API `GET /api/v1/lieux?latitude&longitude&rayon_km=30`',
        path: (i: number) => {
          const p = positions[i % positions.length] as { latitude: number; longitude: number };
          return `/api/v1/lieux?latitude=${p.latitude}&longitude=${p.longitude}&rayon_km=30`;
        },
      },
    ];
    // Built once beforehand, so that no server spends its first seconds (or its profile) building.
    execFileSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    // One server per variant, so that each one's CPU (and profile) is its own.
    // Rounds alternate the page and the baseline: the shared machine's speed drifts between
    // minutes, so each ratio compares two runs a minute apart, and the median ratio is judged.
    for (let round = 1; round <= rounds; round++) {
      for (const variant of variants) {
        const profileDir = profiling ? scratchDir('orientation-profile') : undefined;
        const server = await startServer(
          {
            DATA_DIR: scratch.dir,
            DATABASE_URL: database.url,
            DEMO_DATA: 'non',
            LOG_LEVEL: 'warn',
            RATE_LIMIT_PUBLIC_API: '1000000000',
            // As deployed: outside production every GET's queries run in READ ONLY transactions
            // (read-only-gets.ts), three more round trips per query. No e-mail is sent here.
            NODE_ENV: 'production',
            SMTP_URL: 'smtp://127.0.0.1:9',
          },
          profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir.dir}`] : [],
        );
        let row: LatencyRow;
        try {
          let i = 0;
          await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()], 0.25, quietWait);
          await openLoop(
            server.url,
            () => ({ path: variant.path(i++) }),
            rate,
            { seconds: warmup, connections },
            () => {},
          );
          await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()], 0.25, quietWait);
          const latencies: number[] = [];
          const statuses: Record<string, number> = {};
          let bytes = 0;
          // The pool's connections open now; any opened later is added after the run.
          const backends = await backendPids(database.url);
          const before = {
            client: process.cpuUsage(),
            server: cpuSnapshot([server.child.pid ?? 0]),
            database: cpuSnapshot(backends),
            all: cpuSnapshot([server.child.pid ?? 0, ...postgresPids()]),
            machine: machineBusyMs(),
          };
          const started = performance.now();
          await openLoop(
            server.url,
            () => ({ path: variant.path(i++) }),
            rate,
            { seconds, connections },
            (status, size, ms) => {
              bytes += size;
              latencies.push(ms);
              statuses[status] = (statuses[status] ?? 0) + 1;
            },
          );
          const elapsed = performance.now() - started;
          // The pool closes connections idle for 10 s (while waiting for a quiet machine, say):
          // those it opened during the run count from their start.
          const backendsAfter = [...new Set([...backends, ...(await backendPids(database.url))])];
          const client = process.cpuUsage(before.client);
          const clientMs = (client.user + client.system) / 1000;
          const own = cpuSince(before.all, [server.child.pid ?? 0, ...postgresPids()]) + clientMs;
          const machine = machineBusyMs() - before.machine;
          const n = Math.max(1, latencies.length);
          latencies.sort((a, b) => a - b);
          row = {
            label: variant.label,
            round,
            offered: rate,
            completed: latencies.length / (elapsed / 1000),
            p50: percentile(latencies, 50),
            p95: percentile(latencies, 95),
            p99: percentile(latencies, 99),
            statuses,
            kbPerResponse: bytes / n / 1024,
            cpu: {
              server: cpuSince(before.server, [server.child.pid ?? 0]) / n,
              database: cpuSince(before.database, backendsAfter) / n,
              client: clientMs / n,
            },
            // CPU of other processes of the machine (not the server, PostgreSQL or this client), in cores.
            otherCores: Math.max(0, machine - own) / elapsed,
            loadAverage: os.loadavg()[0] ?? 0,
          };
        } finally {
          await server.stop();
        }
        if (profileDir) {
          row.profile = summariseProfiles(profileDir.dir, 25);
          profileDir.remove();
        }
        rows.push(row);
      }
    }
  } finally {
    await database.drop();
    scratch.remove();
  }
  // Each row against the baseline of its round.
  const baseOf = (r: LatencyRow) => rows.find((b) => b.round === r.round && b !== r && b.label.startsWith('baseline'));
  const cpuOf = (r: LatencyRow) => r.cpu.server + r.cpu.database;
  const pages = rows.filter((r) => !r.label.startsWith('baseline'));
  const ratios = pages
    .map((r) => {
      const b = baseOf(r);
      return b ? cpuOf(r) / cpuOf(b) : Number.NaN;
    })
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const medianRatio = median(ratios);
  const table = markdownTable(
    [
      'Round',
      'Request',
      'Offered (req/s)',
      'Completed (req/s)',
      'p50 (ms)',
      'p95 (ms)',
      'p99 (ms)',
      'p95 / baseline p95',
      'Statuses',
      'KB/resp.',
      'CPU ms/req: server · PostgreSQL · client',
      'CPU / baseline CPU',
      'Other load (cores)',
      'Load average (1 min)',
      'Target p95 ≤ 100 ms',
    ],
    rows.map((r) => [
      String(r.round),
      r.label,
      int(r.offered),
      fmt(r.completed, 0),
      fmt(r.p50, 1),
      fmt(r.p95, 1),
      fmt(r.p99, 1),
      baseOf(r) ? fmt(r.p95 / (baseOf(r) as LatencyRow).p95, 2) : '—',
      Object.entries(r.statuses)
        .map(([s, n]) => `${int(n)}× ${s}`)
        .join(', '),
      fmt(r.kbPerResponse, 1),
      `${fmt(r.cpu.server, 2)} · ${fmt(r.cpu.database, 2)} · ${fmt(r.cpu.client, 2)}`,
      baseOf(r) ? fmt(cpuOf(r) / cpuOf(baseOf(r) as LatencyRow), 2) : '—',
      fmt(r.otherCores, 2),
      fmt(r.loadAverage, 2),
      r.label.startsWith('baseline') ? '' : r.p95 <= 100 ? 'met' : 'MISSED',
    ]),
  );
  const sections: Section[] = [
    {
      heading: `Result page at ${int(size)} places on PostgreSQL, ${int(rate)} requests/s offered (open loop)`,
      command: command('orientation.ts', { only: 'result', rate, duration: seconds, rounds }, true),
      table,
      notes: [
        `Median CPU per result page / CPU per baseline request (server + PostgreSQL) over ${ratios.length} round(s): ${fmt(medianRatio, 2)}.`,
        `${int(size)} synthetic places (bench/generate-places.ts, written in bulk with the import's computed columns), ${int(slips)} slips at random positions in France, a different slip on each request; each result page reads the slip, the 25 nearest places within 30 km (GiST, prepared), the Pass numérique places, ranks them, describes their hours, draws the QR code and renders the page. Requests start on a steady schedule whatever the previous ones do (bench/http-load.ts openLoop, ${connections} connections at most); latency counts from the scheduled start. Warm-up ${warmup} s, measured ${seconds} s. Server: the compiled build that npm start runs, NODE_ENV=production, LOG_LEVEL=warn, rate limits out of the way; PostgreSQL 15 on the same 2-core machine.`,
        `CPU ms/req: CPU time (user + system, from /proc) of the server process, of the PostgreSQL backends connected to the bench's own database (other agents' tests share the PostgreSQL server: its other processes are left out), and of this load generator, divided by the responses; one server per row. « CPU / baseline CPU » compares server + PostgreSQL. It is the figure to read on a shared machine: latency depends on what else runs, CPU per request much less. On 2 cores, 200 requests/s leave at most 10 ms of CPU per request for everything, the load generator included; to keep queueing short (p95 ≤ 100 ms) the server and PostgreSQL together should stay well under 5 ms. Other load: cores used meanwhile by the rest of the machine.`,
      ],
    },
  ];
  for (const r of rows) {
    if (r.profile) {
      sections.push({
        heading: `CPU profile of the server — round ${r.round}, ${r.label}`,
        command: command('orientation.ts', { only: 'result', rate, duration: seconds, rounds, profile: 'true' }, true),
        table: `${r.profile.byOrigin}\n\n${r.profile.table}`,
      });
    }
  }
  return sections;
}

export async function runOrientationBench(args: Args): Promise<BenchReport> {
  const only = (args.get('only') ?? 'weight,result').split(',');
  const sections: Section[] = [];
  if (only.includes('weight')) sections.push((await measureWeights()).section);
  if (only.includes('result')) sections.push(...(await measureResult(args)));
  return { name: 'orientation', title: 'Orientation: page weight and result page latency', sections };
}

if (isMain(import.meta.url)) await publish(await runOrientationBench(parseArgs()));
