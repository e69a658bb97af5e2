/**
 * Start-up time of `node --import tsx src/server.ts` on the embedded database: from spawning
 * the process to the first 200 of GET /sante, on an empty DATA_DIR (DEMO_DATA=auto: the
 * database is created and migrated, the assets built, then demo data is seeded in the
 * background once the server answers) and on a second start with the same DATA_DIR.
 * Baseline in the same run: a bare node:http server started the same way (node + tsx).
 *
 *   node --import tsx bench/startup.ts [--runs=3]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import {
  type Args,
  type BenchReport,
  command,
  fmt,
  freePort,
  isMain,
  log,
  markdownTable,
  parseArgs,
  percentile,
  publish,
  root,
  scratchDir,
  sharedData,
  startServer,
} from './support.ts';

/** Time to the first 200 of /sante from a process that only does that (node + tsx). */
async function baselineMs(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/startup.ts', '--baseline', `--port=${port}`], {
    cwd: root,
    stdio: 'inherit',
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/sante`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
  }
}

async function waitFor(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

interface Run {
  baseline: number;
  first: number;
  demoReady: number;
  second: number;
}

async function oneRun(): Promise<Run> {
  const baseline = await baselineMs();
  const scratch = scratchDir('startup');
  const env = { DATA_DIR: scratch.dir, DEMO_DATA: 'auto', DEMO_DATA_DIR: sharedData, LOG_LEVEL: 'warn' };
  try {
    const started = performance.now();
    const first = await startServer(env);
    // Demo data is seeded after the server answers: wait for its report before stopping.
    const seeded = await waitFor(
      () => /Ces informations sont aussi dans|demo data failed/.test(first.output()),
      300_000,
    );
    const demoReady = performance.now() - started;
    await first.stop();
    if (!seeded || first.output().includes('demo data failed')) throw new Error(`demo data:\n${first.output()}`);
    const second = await startServer(env);
    await second.stop();
    return { baseline, first: first.readyMs, demoReady, second: second.readyMs };
  } finally {
    scratch.remove();
  }
}

export async function runStartupBench(args: Args): Promise<BenchReport> {
  const runs = Number(args.get('runs') ?? 3);
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    log(`start-up run ${i + 1}/${runs}…`);
    results.push(await oneRun());
  }
  const s = (n: number) => fmt(n / 1000, 2);
  const median = (pick: (r: Run) => number) =>
    percentile(
      results.map(pick).sort((a, b) => a - b),
      50,
    );
  const rows = results.map((r, i) => [
    `run ${i + 1}`,
    s(r.baseline),
    s(r.first),
    s(r.demoReady),
    s(r.second),
    `${fmt(r.second / r.baseline)}×`,
  ]);
  rows.push([
    '**median**',
    s(median((r) => r.baseline)),
    s(median((r) => r.first)),
    s(median((r) => r.demoReady)),
    s(median((r) => r.second)),
    `${fmt(median((r) => r.second) / median((r) => r.baseline))}×`,
  ]);
  return {
    name: 'startup',
    title: 'Start-up time (embedded database)',
    sections: [
      {
        heading: 'From spawning `node --import tsx src/server.ts` to the first 200 of GET /sante (seconds)',
        command: command('startup.ts', { runs }),
        table: markdownTable(
          [
            'Run',
            'Baseline: bare node:http + tsx',
            'First start, empty DATA_DIR',
            'First start: demo data seeded',
            'Second start, same DATA_DIR',
            'Second / baseline',
          ],
          rows,
        ),
        notes: [
          'First start: creates the PGlite database, applies the migrations, builds the assets (DSFR reduced, fingerprinted, compressed) into DATA_DIR/cache, listens; DEMO_DATA=auto then seeds demo accounts, the postcode base and the PACA places in the background.',
          '« Demo data seeded » is measured from the same spawn to the line where the server reports it.',
        ],
      },
    ],
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  if (args.has('baseline')) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    server.listen(Number(args.get('port')), '127.0.0.1');
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  } else await publish(await runStartupBench(args));
}
