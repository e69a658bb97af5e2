/**
 * Start-up time, as a newcomer and an operator see it: `npm start` spawned in a checkout, on
 * the embedded database. Measured for this checkout and, in the same run, for an older one
 * (--against=REF, default origin/main: a git worktree sharing node_modules), alternating:
 *   - first line: from spawn to the first line Passerelle itself prints (npm's banner aside);
 *   - first start on an empty DATA_DIR (DEMO_DATA=auto): to the first 200 of GET /sante and to
 *     the line saying the demo data exists;
 *   - restart on that DATA_DIR: to the first 200 of GET /sante.
 * The build of this checkout (npm run build, done once) is timed apart.
 *
 * With --restarts=N, N more restarts alternate on one prepared DATA_DIR per checkout (a cheap
 * way to measure restarts only: --runs=0 --restarts=9).
 *
 *   node --import tsx bench/startup.ts [--runs=3] [--restarts=0] [--against=origin/main]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Args,
  type BenchReport,
  childEnv,
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
} from './support.ts';

interface Start {
  firstLine: number;
  sante: number;
  demoReady: number | undefined;
  /** CPU seconds (user + system) the process group used until /sante answered. */
  cpu: number;
  output: string;
}

/**
 * CPU time of every live process of a process group (Linux /proc), in milliseconds: on a
 * shared machine wall-clock time also measures the neighbours, CPU time much less so.
 */
function groupCpuMs(pgid: number): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state(0) ppid(1) pgrp(2) … utime(11) stime(12) cutime(13) cstime(14)
      if (Number(fields[2]) !== pgid) continue;
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
    } catch {
      // process gone meanwhile
    }
  }
  return total;
}

/** `npm start` in a checkout until /sante answers (and the demo report, when asked), then SIGTERM. */
async function timeStart(checkout: string, dataDir: string, waitForDemo: boolean): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: checkout,
    env: childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO_DATA: 'auto',
      DEMO_DATA_DIR: sharedData,
      LOG_LEVEL: 'warn',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let firstLine: number | undefined;
  let demoReady: number | undefined;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    const ownLine = text.split('\n').some((l) => l.trim() !== '' && !l.startsWith('>'));
    if (firstLine === undefined && ownLine) firstLine = performance.now() - started;
    if (demoReady === undefined && /Ces informations sont aussi dans/.test(output))
      demoReady = performance.now() - started;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    let sante: number | undefined;
    let cpu = Number.NaN;
    for (;;) {
      if (exited) throw new Error(`npm start exited in ${checkout}:\n${output}`);
      if (performance.now() - started > 600_000) throw new Error(`not ready after 600 s:\n${output}`);
      if (sante === undefined) {
        const ok = await fetch(`http://127.0.0.1:${port}/sante`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) {
          sante = performance.now() - started;
          cpu = groupCpuMs(child.pid as number);
        }
      }
      if (sante !== undefined && (!waitForDemo || demoReady !== undefined)) {
        return { firstLine: firstLine ?? Number.NaN, sante, demoReady, cpu, output };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      // already gone
    }
    await closed;
  }
}

interface Run {
  firstLine: number;
  firstSante: number;
  firstDemo: number;
  restartFirstLine: number;
  restartSante: number;
  restartCpu: number;
}

async function oneRun(checkout: string): Promise<Run> {
  const scratch = scratchDir('startup');
  try {
    const first = await timeStart(checkout, scratch.dir, true);
    const again = await timeStart(checkout, scratch.dir, false);
    return {
      firstLine: first.firstLine,
      firstSante: first.sante,
      firstDemo: first.demoReady ?? Number.NaN,
      restartFirstLine: again.firstLine,
      restartSante: again.sante,
      restartCpu: again.cpu,
    };
  } finally {
    scratch.remove();
  }
}

/**
 * Restarts only: one first start per checkout prepares its DATA_DIR (not measured), then
 * `count` restarts alternate between the two checkouts on those folders. Cheaper than full
 * runs (a first start seeds the demo data for a minute or more), so more of them fit.
 */
async function restartsOnly(
  checkouts: { old: string; new: string },
  count: number,
): Promise<Record<'old' | 'new', Start[]>> {
  const scratch = { old: scratchDir('startup-old'), new: scratchDir('startup-new') };
  const out: Record<'old' | 'new', Start[]> = { old: [], new: [] };
  try {
    for (const side of ['old', 'new'] as const) await timeStart(checkouts[side], scratch[side].dir, true);
    for (let i = 0; i < count; i++) {
      log(`restart ${i + 1}/${count}…`);
      for (const side of ['old', 'new'] as const)
        out[side].push(await timeStart(checkouts[side], scratch[side].dir, false));
    }
  } finally {
    scratch.old.remove();
    scratch.new.remove();
  }
  return out;
}

/** A worktree of `ref` beside this checkout, using the same node_modules. */
function worktreeOf(ref: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'passerelle-startup-ref-'));
  rmSync(dir, { recursive: true });
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: root, stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return {
    dir,
    remove: () => execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' }),
  };
}

export async function runStartupBench(args: Args): Promise<BenchReport> {
  const runs = Number(args.get('runs') ?? 3);
  const ref = args.get('against') ?? 'origin/main';
  const refCommit = execFileSync('git', ['rev-parse', '--short', ref], { cwd: root }).toString().trim();
  log(`start-up: building this checkout once (npm run build)…`);
  const buildStarted = performance.now();
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const buildMs = performance.now() - buildStarted;
  const old = worktreeOf(ref);
  const loadBefore = fmt(os.loadavg()[0] ?? 0, 1);
  const restarts = Number(args.get('restarts') ?? 0);
  const results: Record<'old' | 'new', Run[]> = { old: [], new: [] };
  let restarted: Record<'old' | 'new', Start[]> = { old: [], new: [] };
  try {
    for (let i = 0; i < runs; i++) {
      log(`start-up run ${i + 1}/${runs}: ${ref} (${refCommit})…`);
      results.old.push(await oneRun(old.dir));
      log(`start-up run ${i + 1}/${runs}: this checkout…`);
      results.new.push(await oneRun(root));
    }
    if (restarts > 0) restarted = await restartsOnly({ old: old.dir, new: root }, restarts);
  } finally {
    old.remove();
  }
  const loadAfter = fmt(os.loadavg()[0] ?? 0, 1);
  const s = (n: number) => (Number.isFinite(n) ? fmt(n / 1000, 2) : '—');
  const median = (list: Run[], pick: (r: Run) => number) =>
    percentile(
      list.map(pick).sort((a, b) => a - b),
      50,
    );
  const metrics: Array<[string, (r: Run) => number]> = [
    ['First line printed by Passerelle (empty DATA_DIR)', (r) => r.firstLine],
    ['First start: /sante answers', (r) => r.firstSante],
    ['First start: demo data reported', (r) => r.firstDemo],
    ['Restart: first line', (r) => r.restartFirstLine],
    ['Restart on existing data: /sante answers', (r) => r.restartSante],
    ['Restart: CPU seconds used until /sante answers (npm included)', (r) => r.restartCpu],
  ];
  const rows = metrics.map(([label, pick]) => {
    const o = median(results.old, pick);
    const n = median(results.new, pick);
    return [
      label,
      s(o),
      s(n),
      Number.isFinite(o) && Number.isFinite(n) ? `${fmt(n / o)}×` : '—',
      results.new.map((r) => s(pick(r))).join(' / '),
    ];
  });
  const medianOf = (list: Start[], pick: (r: Start) => number) =>
    percentile(
      list.map(pick).sort((a, b) => a - b),
      50,
    );
  const restartMetrics: Array<[string, (r: Start) => number]> = [
    ['Restart: first line', (r) => r.firstLine],
    ['Restart on existing data: /sante answers', (r) => r.sante],
    ['Restart: CPU seconds used until /sante answers (npm included)', (r) => r.cpu],
  ];
  const restartRows = restartMetrics.map(([label, pick]) => {
    const o = medianOf(restarted.old, pick);
    const n = medianOf(restarted.new, pick);
    return [
      label,
      s(o),
      s(n),
      Number.isFinite(o) && Number.isFinite(n) ? `${fmt(n / o)}×` : '—',
      restarted.old.map((r) => s(pick(r))).join(' / '),
      restarted.new.map((r) => s(pick(r))).join(' / '),
    ];
  });
  const restartSection = {
    heading: `Restarts only: median of ${restarts} restarts on existing data (demo data), seconds from spawning \`npm start\` — ${ref} (${refCommit}) against this checkout, alternating`,
    command: command('startup.ts', { runs, restarts, against: ref }),
    table: markdownTable(
      [
        'Measure',
        `${ref} (${refCommit})`,
        'This checkout',
        'Ratio',
        `${ref}, each restart`,
        'This checkout, each restart',
      ],
      restartRows,
    ),
    notes: [
      `One DATA_DIR per checkout, prepared by one first start (not measured). Load average (1 min) at the end: ${loadAfter} on ${os.cpus().length} cores.`,
    ],
  };
  const fullSection = {
    heading: `Median of ${runs} runs, seconds from spawning \`npm start\` — ${ref} (${refCommit}) against this checkout, alternating`,
    command: command('startup.ts', { runs, against: ref }),
    table: markdownTable(
      ['Measure', `${ref} (${refCommit})`, 'This checkout', 'Ratio', 'This checkout, each run'],
      rows,
    ),
    notes: [
      `Both checkouts run what \`npm start\` runs: compiled JavaScript and prebuilt assets in dist/ (this checkout built once by \`npm run build\` in ${fmt(buildMs / 1000, 1)} s; ${ref} builds its own at its first start, inside its first « first start » measure).`,
      `Load average of the machine (1 min) at the start and at the end of the runs: ${loadBefore} and ${loadAfter} (${os.cpus().length} cores); the CPU row depends much less on it than the wall-clock rows.`,
      'First start: creates the PGlite database, applies the migrations, seeds the demo data (accounts, the postcode base, the PACA places). Both seed before listening (ADR 0012), so /sante answers once the demo data exists.',
      'Both checkouts run on the Node.js that `npm start` finds (node_modules/.bin/node when the project brings its runtime).',
    ],
  };
  return {
    name: 'startup',
    title: 'Start-up time (`npm start`, embedded database)',
    sections: [...(restarts > 0 ? [restartSection] : []), ...(runs > 0 ? [fullSection] : [])],
  };
}

if (isMain(import.meta.url)) await publish(await runStartupBench(parseArgs()));
